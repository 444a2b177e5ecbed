// SPDX-License-Identifier: GPL-2.0-or-later
// The seam between the ban table and the firewall: the daemon says which addresses should be
// banned for which jail, a Backend makes the firewall agree. Calls never block and never throw
// for a firewall that is slow, absent or misconfigured; that shows in state() instead. Backends
// keep the whole desired set themselves, so a firewall that loses its runtime state (a reload,
// a restart) is brought back without the daemon's help. One thread: the event loop's.
#pragma once

#include "core/address.hpp"
#include "core/block_action.hpp"
#include "core/cidr.hpp"
#include "core/duration.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

enum class BackendState {
    ready,        // bans reach the firewall
    unavailable,  // the firewall is not there (yet): bans are kept and applied when it is
    degraded,     // the firewall is there but cannot take (some) bans until someone acts
};

std::string_view to_string(BackendState state) noexcept;

// Where a backend's messages go: a syslog priority (LOG_ERR, LOG_WARNING, LOG_INFO...) and the
// text. default_log_sink() writes to the journal (stderr when there is none), through sd::log.
using LogSink = std::function<void(int priority, std::string_view message)>;
LogSink default_log_sink();

// One ban as the firewall sees it. ports: what the jail blocks, each a service name ("ssh") or
// "PORT[-PORT][/PROTOCOL]" ("22/tcp", "8000-8100/udp"; protocol tcp when absent). Empty = all
// traffic from the address. A jail's ports are the same in every target that names it.
// expires: when the ban ends (wall clock), for backends whose firewall can end it by itself
// while banjod is away (nftables element timeouts); adding a target again with another
// expiry moves it.
// block: drop, or reject (TCP reset, ICMP port-unreachable); all-ports bans that drop share one
// set per family, every other jail has sets of its own.
struct BanTarget {
    Cidr address;   // one address or a network (prefix ban); a backend keeps no two that overlap in one set
    std::string jail;
    std::vector<std::string> ports;
    Usec expires = infinite_usec;
    BlockAction block = BlockAction::drop;
    bool shared() const noexcept { return ports.empty() && block == BlockAction::drop; }
};

// How one jail blocks, the same for each of its bans. ports: as BanTarget::ports. rule_zones:
// the firewalld zones its rich rules go to; empty: the backend's default (every zone traffic
// can arrive in). Backends without zones ignore them.
struct JailBlocking {
    std::vector<std::string> ports;
    BlockAction block = BlockAction::drop;
    std::vector<std::string> rule_zones;
    // The jail bans networks of these lengths (ipv4-prefix, ipv6-prefix); 32 and 128: single
    // addresses only. Backends whose sets hold addresses only (firewalld's hash:ip) make ready
    // sets for networks beside them.
    std::uint8_t ipv4_prefix = 32;
    std::uint8_t ipv6_prefix = 128;
    bool bans_networks(Family f) const noexcept { return f == Family::ipv4 ? ipv4_prefix < 32 : ipv6_prefix < 128; }
    bool shared() const noexcept { return ports.empty() && block == BlockAction::drop; }
    friend bool operator==(const JailBlocking&, const JailBlocking&) = default;
};

// An entry a firewall holds of banjo's bans, as found there (Backend::adopt_held).
struct HeldBan {
    Cidr address;
    std::string jail;              // empty: a set shared by the jails that block all ports
    std::optional<Usec> expires;   // when the firewall itself ends it, if it does (set timeouts)
};

class Backend {
public:
    virtual ~Backend() = default;

    virtual std::string_view name() const = 0;   // "firewalld", "nftables", "dry-run": the Backend property
    virtual BackendState state() const = 0;
    // What the administrator must do, if anything ("run firewall-cmd --reload to ..."); else
    // what the backend is waiting for. Empty when ready.
    virtual std::string state_detail() const = 0;

    // Idempotent; applied asynchronously and coalesced with other changes. The same address
    // banned by two jails stays banned until both removed it.
    virtual void add(const BanTarget& target) = 0;
    virtual void remove(const BanTarget& target) = 0;

    // Says how a jail blocks (its ports, drop or reject, its zones) and lets the backend create
    // what its bans need before the first one (firewalld: per-jail ipsets, which only become
    // usable after a firewalld reload). add() of a jail the backend has not been told about
    // blocks its ports with drop.
    virtual void prepare_jail(const std::string& jail, const JailBlocking& blocking) {
        static_cast<void>(jail);
        static_cast<void>(blocking);
    }

    // Recovery of lost state: what the firewall holds of banjo's bans outlives banjod
    // (firewalld's runtime ipsets, kernel sets). `found` is called once, from the event loop,
    // with the entries of every set the backend keeps, as soon as it can read them (firewalld:
    // once it runs and banjo's ipsets are set up), and before the backend removes anything it
    // does not want: what `found` add()s stays in force, the rest is removed as usual. A
    // backend that cannot tell never calls it.
    using HeldFound = std::function<void(const std::vector<HeldBan>&)>;
    virtual void adopt_held(HeldFound found) { static_cast<void>(found); }

    // The jail is gone, disabled or no longer limited to ports: whatever the backend set up for
    // it alone (firewalld: its rich rules, the entries of its ipsets) goes, and is not put back
    // after a firewall reload. Its bans must have been removed first. prepare_jail() or add()
    // bring it back.
    virtual void forget_jail(const std::string& jail) { static_cast<void>(jail); }

    // Blocklists: networks in sets of their own per list and family (blocklist_sets.hpp),
    // apart from the jails' bans, without expiry, changed entry by entry. prepare_blocklist()
    // says which ports the list blocks (empty: all traffic) before its first add;
    // forget_blocklist() empties and drops its sets. Backends without them ignore these.
    virtual void prepare_blocklist(const std::string& list, const std::vector<std::string>& ports) {
        static_cast<void>(list);
        static_cast<void>(ports);
    }
    virtual void blocklist_add(const std::string& list, const Cidr& network) {
        static_cast<void>(list);
        static_cast<void>(network);
    }
    virtual void blocklist_remove(const std::string& list, const Cidr& network) {
        static_cast<void>(list);
        static_cast<void>(network);
    }
    virtual void forget_blocklist(const std::string& list) { static_cast<void>(list); }

    // Runs `done` from the event loop once every change asked for so far is in the firewall (a
    // flow cut after a ban must not come back in before the ban holds). While the firewall is
    // away or refuses, it waits. Default: at once.
    virtual void when_applied(std::function<void()> done) { done(); }

    // Called from the event loop when state() changes, and when state_detail() changes while
    // degraded (a new problem to report). The owner logs it: a backend does not log its state.
    std::function<void(BackendState)> on_state_changed;
    // Called with the addresses the firewall itself trusts (firewalld: the sources of its trusted
    // zone), whenever they change: banjo must never ban them.
    std::function<void(const std::vector<Cidr>&)> on_trusted_changed;
    // Called when the firewall confirmed a change, with how long that call took (metrics).
    std::function<void(std::chrono::microseconds)> on_applied;
};

}  // namespace banjo
