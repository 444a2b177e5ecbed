// SPDX-License-Identifier: GPL-2.0-or-later
// Bans through firewalld's D-Bus API (firewalld 1.3.3 on Debian 12). All-ports bans go to the
// plain hash:ip ipsets banjo4/banjo6, bound as sources of one zone (default "drop"); a jail with
// ports gets its own ipsets banjo-<jail>4/6 and one runtime rich rule per port and family in
// every zone traffic arrives in: its rule zones if set, else every zone with interfaces or
// sources and the default zone (followed through firewalld's zone signals), never trusted, drop,
// block or the ban zone. The sources of the trusted zones are reported (on_trusted_changed). The backend keeps the wanted set itself and converges firewalld to
// it: single addEntry/removeEntry calls for a few changes, one setEntries per ipset for a burst,
// and everything again after a firewalld reload or restart (both wipe runtime entries). What
// it finds of jails it no longer has (rules and entries of banjo-<jail> ipsets, left by a
// removed jail or an earlier run) it removes, and never puts back.
// Every call is asynchronous on the caller's connection, which the caller's sd-event loop
// drives (sd::attach_bus); nothing here blocks. Missing ipsets are created in firewalld's
// permanent configuration; activating them takes a reload, which banjo does only when allowed.
#pragma once

#include "firewall/backend.hpp"
#include "firewall/call_batch.hpp"
#include "firewall/ipset_mirror.hpp"
#include "lib/sd/event.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sdbus {
class IConnection;
class IProxy;
class Error;
}  // namespace sdbus

namespace banjo {

struct FirewalldOptions {
    std::string zone = "drop";     // banjo4/banjo6 are bound to it as sources
    // Where port-limited jails' rules go unless a jail names its own zones; empty: every zone
    // with interfaces or sources at runtime and the default zone, except trusted, drop, block
    // and `zone`.
    std::vector<std::string> rule_zones;
    std::vector<std::string> trusted_zones = {"trusted"};   // their sources are reported as trusted
    bool allow_reload = false;     // may reload firewalld to activate ipsets it created
    std::size_t burst_threshold = 16;   // more pending changes in one ipset: one setEntries
    LogSink log = default_log_sink();
};

class FirewalldBackend final : public Backend {
public:
    // Starts watching the bus for firewalld at once; bans may be added before it is there.
    FirewalldBackend(sdbus::IConnection& bus, sd::Event& loop, FirewalldOptions options = {});
    ~FirewalldBackend() override;
    FirewalldBackend(const FirewalldBackend&) = delete;
    FirewalldBackend& operator=(const FirewalldBackend&) = delete;

    std::string_view name() const override { return "firewalld"; }
    BackendState state() const override { return state_; }
    std::string state_detail() const override { return detail_; }
    void add(const BanTarget& target) override;
    void remove(const BanTarget& target) override;
    void prepare_jail(const std::string& jail, const JailBlocking& blocking) override;
    void forget_jail(const std::string& jail) override;
    // The first round of entry calls after this reads every active banjo ipset and hands the
    // entries over before anything is removed.
    void adopt_held(HeldFound found) override;
    void when_applied(std::function<void()> done) override;
    // Blocklists (firewalld_blocklists.cpp): hash:net ipsets banjo-bl.NAME4/6, bound to the
    // zone like banjo4/6, or matched by rich rules like a port-limited jail's when the list
    // has ports.
    void prepare_blocklist(const std::string& list, const std::vector<std::string>& ports) override;
    void blocklist_add(const std::string& list, const Cidr& network) override;
    void blocklist_remove(const std::string& list, const Cidr& network) override;
    void forget_blocklist(const std::string& list) override;

    // D-Bus calls made so far, for tests and metrics.
    struct Counters {
        std::uint64_t add_entry = 0, remove_entry = 0, set_entries = 0, get_entries = 0;
        std::uint64_t reloads = 0, failed_calls = 0;
    };
    const Counters& counters() const { return counters_; }
    // Nothing in flight and nothing scheduled: firewalld holds what the backend can give it.
    bool idle() const;

private:
    // absent: nobody owns firewalld's name. starting: it does, but its state is not RUNNING
    // yet. setting_up: setup() checks and creates what banjo needs. reloading: banjo asked
    // firewalld to reload (to activate new ipsets); its Reloaded signal starts setup over.
    // running: entries are applied.
    enum class Phase { absent, starting, setting_up, reloading, running };
    struct Ipset {
        Ipset(Family f, bool s, std::string j = {}, bool n = false)
            : family(f), shared(s), networks(n), jail(std::move(j)), bound(s) {}
        Family family;
        bool shared;                 // banjo4/banjo6 (banjo4n/banjo6n), bound to the zone
        bool networks;               // hash:net, for prefix bans; else hash:ip
        std::string jail;            // the port-limited jail whose ipset this is; empty when shared
        bool bound;                  // a source of the zone: banjo4/6 and all-ports blocklists'
        std::string blocklist;       // the blocklist whose hash:net ipset this is, if one
        bool active = false;         // exists in firewalld's runtime
        bool entries_known = false;  // else getEntries first: firewalld may hold anything
        IpsetMirror mirror;
    };
    struct RichRule {
        std::string ipset;   // the rule can only be added once this ipset is active
        std::string text;
    };
    struct JailRules {
        JailBlocking blocking;
        std::vector<RichRule> rules;
        std::string problem;   // ports that are neither a service nor a port
    };
    // What one run of setup() learns on its way, step by step.
    struct SetupRun {
        std::shared_ptr<CallBatch> step;   // the step whose calls are in flight
        bool again = false;    // setup() was asked for meanwhile: run once more at the end
        bool failed = false;   // a call failed: create nothing, run again after a backoff
        std::vector<std::string> runtime_ipsets, permanent_ipsets;
        std::string zone_path;   // config object of options_.zone
        std::map<std::string, std::string> permanent_zone_of, runtime_zone_of;   // "ipset:banjo4" -> zone
        std::vector<std::string> zones;          // every zone at runtime
        std::set<std::string> active_zones;      // those with interfaces or sources
        std::string default_zone;
        std::vector<Cidr> trusted;               // sources of the trusted zones
        bool trusted_known = true;               // every trusted zone's sources were read
    };

    Ipset& ipset_for(const BanTarget& target);
    Ipset* blocklist_ipset(const std::string& list, Family family);
    // The shared hash:net ipset of the family, created (in setup) when first needed.
    void need_shared_networks(Family family);
    // The zones a jail's rules belong in, as the last setup saw firewalld.
    std::vector<std::string> zones_for(const JailRules& jail) const;
    void zones_changed(const std::string& why);
    void lost_runtime_state(Phase next);
    void on_name_owner(const std::string& new_owner);
    void poll_firewalld_state();
    // setup: which banjo ipsets exist (runtime, permanent), create the missing ones, bind
    // banjo4/6 to the zone, add the jails' rich rules, then reload (if allowed) or report.
    // Each step's calls are one CallBatch; the next step starts when the last has answered.
    void setup();
    void setup_ipsets();
    void setup_bindings();
    void setup_zones();   // (between two steps, no calls)
    void read_trusted_ipset(const std::string& name);
    void setup_stale();   // firewalld_cleanup.cpp
    void setup_rules();
    void setup_done();
    void begin_step(std::function<void()> next);
    void end_step();
    void setup_call_failed(const std::string& what, const sdbus::Error& error);
    // flush: one round of entry calls (a CallBatch); the next round waits for its answers.
    void schedule_flush();
    void flush();
    void entry_answered(const std::string& ipset, const sdbus::Error* error, std::string_view ok_code);
    void round_done();
    void note_held(const Ipset& ipset, const std::vector<std::string>& entries);
    void retry_later();
    void run_applied_waiters();
    void update_state();
    void log(int priority, const std::string& message) const;
    sdbus::IProxy& config_proxy(const std::string& path);

    // Runs a handler of a signal or reply; what it throws is logged, never let into sd-bus's
    // C frames.
    template <typename F>
    void guarded(F&& f) const;
    // Wraps a reply handler: drops replies from before the last reload/restart, then runs it
    // guarded.
    template <typename... Out, typename F>
    auto reply(F f);
    // A reply handler of the setup step in flight, counted by it.
    template <typename... Out, typename F>
    auto step_reply(F f);

    sdbus::IConnection& bus_;
    sd::Event& loop_;
    FirewalldOptions options_;
    std::unique_ptr<sdbus::IProxy> dbus_, firewalld_;
    std::map<std::string, std::unique_ptr<sdbus::IProxy>> config_proxies_;
    std::unique_ptr<void, std::function<void(void*)>> owner_match_;   // sdbus::Slot
    sd::EventSource flush_timer_, retry_timer_, poll_timer_;

    std::map<std::string, Ipset> ipsets_;       // by ipset name
    std::map<std::string, JailRules> jails_;    // port-limited jails only
    std::set<std::string> auto_zones_;          // where jails without zones of their own have rules
    std::optional<std::vector<Cidr>> trusted_;  // last reported through on_trusted_changed
    std::set<std::string> trusted_ipsets_;      // ipsets bound to a trusted zone (their entries are trusted)

    Phase phase_ = Phase::absent;
    std::uint64_t epoch_ = 0;     // bumped when firewalld's runtime state is lost: older replies are stale
    std::optional<SetupRun> setup_;      // while setup() runs
    std::shared_ptr<CallBatch> round_;   // while entry calls are in flight
    HeldFound adopt_;                    // adopt_held() asked, not answered yet
    std::vector<std::function<void()>> applied_waiters_;   // when_applied() callbacks
    bool adopt_round_ = false;           // the round in flight reads every ipset for adopt_
    std::vector<HeldBan> adopt_found_;   // what that round read so far
    bool retry_setup_ = false;    // the last setup failed: the retry timer runs it again
    bool reloaded_ = false;       // reloaded once for missing ipsets: not again until they are there
    std::string firewalld_state_;
    std::vector<std::string> setup_problems_;   // what the administrator must fix
    std::string apply_problem_;                 // the last failed entry call, until one succeeds
    std::chrono::seconds backoff_{1};
    BackendState state_ = BackendState::unavailable;
    std::string detail_;
    Counters counters_;
};

}  // namespace banjo
