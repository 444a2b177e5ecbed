// SPDX-License-Identifier: GPL-2.0-or-later
// What banjod does, without its event loop and its bus: the jails of the running config, the
// bans in force, and the requests org.banjo1 offers (ban, unban, reload, enable, ignore lists).
// Events come in as calls (a jail's ban decision, the end of a journal chunk, the expiry
// timer, the state retry timer, a reload); changes go out through the Backend, the
// StateWriter and a Listener. Time comes from a Clock. Nothing here needs a bus, a loop or a journal, so unit tests drive it
// with a settable clock and a recording backend. One thread.
//
// Dependencies run one way: src/bus (the org.banjo1 objects) and src/metrics read and call the
// Manager; the Manager knows neither. It reports what changed through its Listener, which
// banjod's wiring (daemon.cpp) hands on to the bus, the journal follower and systemd.
#pragma once

#include "config/config.hpp"
#include "core/ban_table.hpp"
#include "core/ignore_command.hpp"
#include "core/ignore_sources.hpp"
#include "daemon/ignore_command_runner.hpp"
#include "daemon/ban_recovery.hpp"
#include "daemon/ban_service.hpp"
#include "daemon/blocklists.hpp"
#include "daemon/clock.hpp"
#include "daemon/jail_set.hpp"
#include "daemon/refusal_report.hpp"
#include "firewall/backend.hpp"
#include "fleet/fleet_decision.hpp"
#include "fleet/fleet_status.hpp"
#include "journal/ban_records.hpp"
#include "state/state_writer.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

struct JailSummary {
    std::string name;
    bool enabled = false;
    std::uint32_t tracked = 0;
    std::uint32_t active_bans = 0;
    std::uint64_t total_bans = 0;
    std::uint64_t total_failures = 0;
    const JailConfig* config = nullptr;   // valid until the next reload
};

// How far the log file follower got (its counters, as of its last chunk).
struct FileFollowerCounters {
    std::uint64_t lines = 0;
    std::uint64_t lines_without_time = 0;   // timed by when they were read
    std::uint64_t long_lines = 0;           // cut at LineSplitter::max_line_bytes
    std::uint64_t rotations = 0;
    std::uint64_t truncations = 0;
};

// One line of a filter trial (TestFilter), in the order given.
struct LineVerdict {
    // "failure" (counts against `address`), "info"/"forget" (a <F-NOFAIL> match), "ignored" (an
    // ignoreregex discarded it), "no-match".
    std::string outcome;
    std::string address;   // canonical; "" when the line gives none
    std::string host;      // as the filter captured it (may be a host name)
    std::string user;
};

// How far the journal follower got: after each chunk of entries it reads.
struct JournalProgress {
    std::string cursor;          // of the last entry read; empty before the first
    std::uint64_t entries = 0;   // read since start (the warm-up's recount not included)
    Usec last_entry{0};          // journal time of the last entry read
};

class Manager {
public:
    // What changed, for the bus face, the journal follower and the status line. Each call comes
    // after the change is made; none may call back into the Manager's requests.
    class Listener {
    public:
        virtual ~Listener() = default;
        virtual void banned(const Ban& ban) = 0;
        virtual void unbanned(const Ban& ban, UnbanReason reason) = 0;
        // The running jails were rebuilt (reload, enable, disable): journal entries must go
        // through jail_set() from now on, and the list of jails may have changed.
        virtual void jails_changed() = 0;
        virtual void jail_enabled_changed(const std::string& jail) = 0;
        virtual void ignore_list_changed(const std::string& jail) = 0;
        // A jail with observe = true decided this ban and made none.
        virtual void ban_observed(const std::string& /*jail*/, const BanDecision& /*decision*/) {}
        // MaxRetry, FindTimeUSec or BanTimeUSec changed at runtime.
        virtual void jail_settings_changed(const std::string& /*jail*/) {}
        virtual void backend_state_changed() = 0;
        // StateHealth changed (or, while not ok, its problem did).
        virtual void state_health_changed() {}
        // Bans were put back in force without a Banned each (rebuilt from the firewall's sets).
        virtual void bans_rebuilt() {}
    };

    // Reads the configuration again for reload(); throws ConfigError.
    using ConfigLoader = std::function<Config()>;

    // `config` runs from now on. `self` (the host's addresses) goes on the ignore list of jails
    // with ignore-self. state, backend and clock must outlive the Manager; it takes over the
    // backend's on_state_changed and the state's on_health_changed and on_reopened (and logs
    // each change once).
    Manager(Config config, ConfigLoader load, CidrSet self, StateWriter& state, Backend& backend, const Clock& clock);
    ~Manager();
    Manager(const Manager&) = delete;
    Manager& operator=(const Manager&) = delete;

    void set_listener(Listener* listener) noexcept { listener_ = listener; }

    // Start-up, in this order: restore(); rebuild() if needs_rebuild(); the journal follower's
    // warm-up through jail_set(); seed_jails().
    // Puts the stored bans back in force; those that ended while banjod was away are dropped,
    // those of jails gone or disabled meanwhile and of addresses banjo never bans are lifted.
    // The journal position is the stored cursor until the follower reports.
    std::vector<Ban> restore();
    // The store could not give the bans in force (its file was damaged and moved aside, or it
    // cannot be read), or it lacks changes an earlier banjod could not save before it stopped
    // (StateWriter::stale_since()): they must be rebuilt from banjo's journal entries (since
    // rebuild_since()) and the firewall.
    bool needs_rebuild() const noexcept { return state_.bans_lost() || state_.stale_since(); }
    Usec rebuild_since() const;
    // How far back the journal's ban records can matter: the longest ban an enabled jail can
    // give (its bantime, or its increment's max); infinite_usec when one is permanent.
    Usec longest_bantime() const;
    // Puts back the bans the journal's records say are in force (and the ban history they
    // show), lifts restored bans the records say were lifted since, then asks the backend for
    // what the firewall still holds: entries the records and the store say nothing about are
    // kept too, as bans of their jail (BanRecovery has the rules). Returns the bans rebuilt
    // from the records.
    std::vector<Ban> rebuild(std::vector<BanRecord> records);
    // Tells each jail the bans in force and the ban history, so it neither bans an address twice
    // nor forgets a repeat offender. What the store knows wins over what a warm-up counted.
    void seed_jails();
    // The longest findtime of the enabled jails: how much journal the jails need to look back.
    Usec longest_findtime() const;

    // From the journal follower: a jail decided a ban (it lasts from now, wall clock) ...
    void ban_decided(const Jail& jail, const BanDecision& decision);
    // With ignore-command, the decision is held until the command answers (or taken from the
    // cache): the jail counts the address as banned meanwhile, so no failure is lost and none
    // starts a second command; "ignore" withdraws the decision, anything else bans (from the
    // answer's time). Without a runner (set_ignore_command_runner) the command is not asked.
    void set_ignore_command_runner(IgnoreCommandRunner* runner) noexcept { ignore_runner_ = runner; }
    // Decisions waiting for an ignore-command, at most max_held_decisions (more ban at once).
    static constexpr std::size_t max_held_decisions = 10'000;
    std::size_t held_decisions() const noexcept { return held_.size(); }
    // ... and a chunk of entries ended: its bans are committed with its last cursor, and the
    // failures it refused (addresses banjo never bans) go to the journal, rate-limited.
    void journal_read(JournalProgress progress);
    // ... or a chunk of log file lines ended: its bans are committed with the files' positions.
    void files_read(const std::vector<FilePosition>& positions, const FileFollowerCounters& counters);

    // From the fleet link (manager_fleet.cpp): a peer's decision the PeerGate admitted. A ban
    // is applied through this host's backend with origin "fleet:<host>" in the jail of the same
    // name, if that jail runs and shares (fleet != "off"); this host's ignore list wins, an
    // expired ban is skipped, a ban in force that lasts as long is left alone (a decision seen
    // twice changes nothing). An unban lifts only the ban that same host gave. The jail's
    // ignore-command is asked as for its own bans (asking: applied or dropped when it answers,
    // and the journal says which).
    enum class FleetOutcome { banned, unchanged, unbanned, not_banned, not_shared, ignored, refused, expired, asking };
    FleetOutcome fleet_decision(const FleetDecision& decision);
    std::size_t fleet_asking() const noexcept { return fleet_asking_.size(); }
    // The fleet link's state, when [fleet] is on (set by banjod's wiring; the Manager keeps
    // no link itself): for the bus face and the metrics. nullptr: no fleet.
    void set_fleet_status(std::function<const FleetStatus*()> f) { fleet_status_ = std::move(f); }
    const FleetStatus* fleet_status() const { return fleet_status_ ? fleet_status_() : nullptr; }
    // The fleet's shared count of (jail, address) reached maxretry with this host's failure:
    // this host bans (origin "filter") and so publishes the ban, unless it is banned already.
    void fleet_count_reached(const std::string& jail, const Address& address, unsigned failures);
    // ... and a read of the streams ended: its bans are committed with the streams' positions.
    void fleet_read(const std::map<std::string, std::string>& positions);
    // This host's own decisions reach Redis from a backlog that lives in memory: the state keeps
    // the ban time of the last one Redis answered (saved with the next commit), and a start
    // shares again the local bans in force since then (fleet_unpublished), so a restart while
    // Redis was away loses none. Kept among the stream positions under a key no host name takes.
    static constexpr std::string_view fleet_published_key = "@published";
    void fleet_published(Usec banned);
    Usec fleet_published_through() const;

    // Lifts every ban whose time is up now, an expiry equal to now included.
    void expire_due();
    // How long to wait before expire_due() is worth calling; nullopt: no ban can expire. Never
    // more than a minute, so that a step of the wall clock is noticed within one.
    std::optional<Usec> expiry_wait() const;
    // Every minute or so: forgets stale failure windows and ban history older than history-age.
    void housekeeping();
    // How long until the state is worth trying to write again; nullopt while it is saved.
    std::optional<Usec> state_retry_wait() const;
    // Tries to write the state held in memory (opening the state directory again if needed).
    void retry_state();
    // Before exit: commits what is pending, with the last journal cursor.
    void stop();

    // What org.banjo1 offers (manager_requests.cpp). Refusals throw OperationError.
    std::vector<JailSummary> jails() const;
    JailSummary jail(const std::string& name) const;
    // duration 0: the jail's policy (with increment); infinite_usec: permanent. Returns expiry.
    Usec ban(const std::string& jail, const std::string& address, Usec duration);
    // In a jail with ipv4-prefix/ipv6-prefix, the address's network is banned (narrowed as the
    // jail narrows its own bans).
    // jail "" = every jail. `address` may be a network (CIDR): every ban inside it is lifted;
    // so is a prefix ban that holds `address`.
    // Returns how many bans were lifted; none is an error.
    unsigned unban(const std::string& jail, const std::string& address);
    // Lifts every ban of JAIL ("" = every jail); returns how many (none is no error).
    unsigned unban_all(const std::string& jail);
    // Until the next reload, which restores the file's values; a changed bantime applies to
    // the bans decided from now on.
    void set_maxretry(const std::string& jail, unsigned maxretry);
    void set_findtime(const std::string& jail, Usec findtime);
    void set_bantime(const std::string& jail, Usec bantime);
    // Everything banjod knows about ADDRESS, per configured jail (banjoctl why).
    struct JailVerdict {
        std::string jail;
        bool enabled = false;
        std::optional<Cidr> ignored_by;      // the ignore-list entry that holds the address
        std::string ignore_source;           // where that entry came from (IgnoreHit::source)
        unsigned previous_bans = 0;          // what the increment counts for its next ban
        std::vector<Usec> failure_times;     // journal times of its failures counted now
        unsigned maxretry = 0;
    };
    struct Explanation {
        std::vector<JailVerdict> jails;
        std::vector<Ban> active;             // bans in force now
        std::vector<StoredBan> past;         // from the ban log (history-age), oldest first
    };
    Explanation why(const std::string& address) const;
    // The log lines behind Why (they carry user names and mistyped passwords: read-lines): per
    // jail the last matched lines of ADDRESS kept now (max-lines), and the lines of its bans in force.
    struct WhyLines {
        struct Failures {
            std::string jail;
            Cidr counted;   // the address, or its network when the jail counts per prefix
            std::vector<std::string> lines;
        };
        std::vector<Failures> failures;
        std::vector<Ban> bans;
    };
    WhyLines why_lines(const std::string& address) const;
    std::vector<Ban> bans(const std::string& jail) const;   // "" = every jail; without their lines
    // The same with the matched lines of each (read from the state: ListBanLines).
    std::vector<Ban> bans_with_lines(const std::string& jail) const;
    // Loads the configuration again. Jails that are gone or disabled lose their bans
    // ("flushed"), unchanged ones keep their failure counts, and bans move to changed ports.
    // An invalid configuration throws ConfigError and the running one stays.
    void reload();
    // Until the next reload. Disabling lifts the jail's bans (reason "flushed").
    void set_enabled(const std::string& jail, bool enabled);
    void add_ignore(const std::string& jail, const std::string& cidr);
    void remove_ignore(const std::string& jail, const std::string& cidr);
    std::vector<Cidr> ignore_list(const std::string& jail) const;
    // Ignore-list entries that change while banjod runs (host names, ignore-files): what the
    // daemon read or resolved goes to every jail that uses it. An unreadable file comes as
    // empty contents; a name that failed to resolve is not passed on (its last answer stays).
    const IgnoreSources& ignore_sources() const noexcept { return ignore_sources_; }
    // The name under which IgnoreSources holds [defaults]' host names and ignore-file for the
    // blocklists (no jail can be called so).
    static constexpr const char* blocklist_ignore_owner = "[blocklists]";
    void set_ignore_file(const std::string& path, IgnoreFileContents contents);
    void set_ignore_host(const std::string& name, std::vector<Address> addresses);
    // The bans that counted as offences since `since`, oldest first, at most the latest
    // max_ban_history (the state's ban log, kept for history-age).
    static constexpr std::size_t max_ban_history = 100000;
    std::vector<StoredBan> ban_history(Usec since) const;
    // Runs `lines` (log lines, with or without a syslog prefix) through filter NAME (looked up
    // as the config looks up filters) in `mode` ("" = its default), as banjoctl test-filter
    // does; at most max_trial_lines. Reads no journal and changes nothing.
    static constexpr std::size_t max_trial_lines = 10000;
    std::vector<LineVerdict> test_filter(const std::string& filter, const std::string& mode,
                                         const std::vector<std::string>& lines) const;

    // For the properties, the metrics and the status line.
    const Config& config() const noexcept { return config_; }
    // The enabled jails; replaced by a reload or set_enabled() (Listener::jails_changed).
    JailSet& jail_set() const noexcept { return *jails_; }
    const BanService& ban_service() const noexcept { return bans_; }
    const Backend& backend() const noexcept { return backend_; }
    const StateWriter& state() const noexcept { return state_; }
    // The blocklists of the running config (reload and the ignore list keep them up to date).
    Blocklists& blocklists() noexcept { return blocklists_; }
    const Blocklists& blocklists() const noexcept { return blocklists_; }
    const JournalProgress& journal() const noexcept { return journal_; }
    const FileFollowerCounters& files() const noexcept { return files_; }
    const Clock& clock() const noexcept { return clock_; }
    const MatchedLines& matched_lines() const noexcept { return lines_; }
    std::uint64_t failures_found() const;
    // "3 jails, 12 active bans, 4711 journal entries read; firewall ready" (systemctl status).
    std::string status_line() const;

private:
    void configure_jail_ports();
    // What no blocklist may ban: [defaults] ignore, the host's addresses (ignore-self) and what
    // the firewall trusts.
    CidrSet blocklist_ignore() const;
    void set_firewall_trusted(const std::vector<Cidr>& trusted);

public:
    // The host's own addresses changed (rtnetlink): jails with ignore-self take the new set,
    // their failure counts stay.
    void set_host_addresses(CidrSet self);

private:
    void rebuild_jails();
    // Unbans (and says why, in the journal) each ban in force for which why_lift gives a reason.
    void lift_bans(const std::function<std::optional<std::string>(const Ban&)>& why_lift);
    void carry_out(const Jail& jail, const BanDecision& d);
    bool ask_ignore_command(const Jail& jail, const BanDecision& d);
    void ignore_command_answered(const std::string& jail, const Cidr& address, IgnoreCommandVerdict verdict,
                                 const std::string& detail);
    void configure_ignore_sources();
    void apply_ignore_sources(const std::vector<std::string>& jails);
    void on_backend_state(BackendState state);
    void on_state_health(StateHealth health);
    void adopt_held(const std::vector<HeldBan>& held);
    bool already_answered(const Jail& jail, const BanDecision& decision);
    // Says in the journal that a prefix ban was narrowed to one address, and why.
    static void report_narrowed(const std::string& jail, const Cidr& banned, const BanDecision::Narrowing& n);
    std::vector<BanRecovery::Jail> recovery_jails() const;
    std::vector<Ban> restorable(std::vector<Ban> bans) const;

    // An ignore-command's answer cached (unless it failed) and, if it ignores or failed, said
    // in the journal with what follows; true: the ban goes ahead.
    bool take_ignore_answer(const Jail& jail, const Cidr& address, IgnoreCommandVerdict verdict, const std::string& detail,
                            std::string_view if_ignored, std::string_view if_failed);
    enum class IgnoreGate { pass, ignored, asking };
    // The jail's ignore-command for a ban the fleet brought: pass (no command, no runner, or a
    // cached "ban"), ignored (a cached "ignore"), or asking: `apply` runs when it answers "ban".
    IgnoreGate fleet_ignore_gate(const Jail& jail, const Cidr& address, std::function<void()> apply);
    void apply_fleet_ban(const FleetDecision& d);
    void ban_counted(const std::string& jail, const Cidr& scope, unsigned failures);

    Config config_;
    ConfigLoader load_;
    CidrSet self_;
    CidrSet trusted_;   // what the firewall itself trusts (firewalld's trusted zone's sources)
    StateWriter& state_;
    Backend& backend_;
    const Clock& clock_;
    BanService bans_;
    std::unique_ptr<JailSet> jails_;
    JournalProgress journal_;
    FileFollowerCounters files_;
    BackendState backend_state_;
    Listener* listener_ = nullptr;
    RefusalReport refusals_;
    IgnoreSources ignore_sources_;
    IgnoreCommandRunner* ignore_runner_ = nullptr;
    IgnoreCommandCache ignore_answers_;
    std::map<std::pair<std::string, Cidr>, BanDecision> held_;
    // What the fleet asked the ignore-command about (a peer's ban, a shared count that reached
    // maxretry): applied when it answers "ban" (the latest request per key).
    std::map<std::pair<std::string, Cidr>, std::function<void()>> fleet_asking_;
    // The last matched lines of each tracked address, every jail's (max-lines, lines-memory):
    // outlives a reload, as the failure counts of unchanged jails do.
    MatchedLines lines_;
    std::unique_ptr<BanRecovery> recovery_;   // from rebuild() until the backend's held entries came
    // After a rebuild the follower reads the last findtime again, the cursor being lost: when
    // banjo last banned each (jail, address) by its journal entries, so that failures a ban
    // already answered are not decided twice; until the follower reads past the rebuild's time.
    std::map<BanRecovery::Key, Usec> answered_;
    Usec answered_until_{0};
    Blocklists blocklists_;
    std::function<const FleetStatus*()> fleet_status_;
};

}  // namespace banjo
