// SPDX-License-Identifier: GPL-2.0-or-later
// After a ban holds, the flows the banned address already has are cut: the firewall accepts
// packets of established connections before any ban rule, so a UDP attacker (openvpn,
// asterisk, named) or a long TCP session would keep talking. Deletes the address's conntrack
// entries (limited to the jail's ports when it has any) through netlink, in banjod's network
// namespace. A kernel that refuses (no CAP_NET_ADMIN, no conntrack) is said once, never fatal.
//
// Cuts are batched: each pass dumps the whole kernel table (every namespace's flows), so every
// ban confirmed by the firewall since the last pass (a burst: one loop turn, or all the bans
// decided while the firewall applied earlier ones) is cut in one pass, matched through
// CutRequests. Passes are spaced so that they take at most ~2% of a core (50 times a pass's CPU
// time, at most 1 s), the first after a quiet spell runs at once. At most
// CutRequests::default_capacity requests wait (a firewall that stays away); beyond that a ban's
// cut is dropped, said once per episode.
#pragma once

#include "core/cidr.hpp"
#include "core/cut_requests.hpp"
#include "lib/conntrack/conntrack_table.hpp"
#include "lib/sd/event.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace banjo {

class ConnectionCutter {
public:
    // Runs its argument once every change asked of the firewall so far holds (Backend::when_applied).
    using WhenApplied = std::function<void(std::function<void()>)>;

    ConnectionCutter(sd::Event& loop, WhenApplied when_applied);
    ~ConnectionCutter();
    ConnectionCutter(const ConnectionCutter&) = delete;
    ConnectionCutter& operator=(const ConnectionCutter&) = delete;

    // Asks for the network's flows to be cut once the ban just asked of the firewall holds.
    // ports: the jail's entries ("ssh", "1194/udp"); empty: every flow of the network.
    void cut(const std::string& jail, const Cidr& network, const std::vector<std::string>& ports);

private:
    void ask_firewall();
    void schedule_pass();
    void pass();
    const std::vector<PortMatch>& resolved(const std::vector<std::string>& ports);

    sd::Event& loop_;
    WhenApplied when_applied_;
    CutRequests waiting_;
    std::uint64_t sequence_ = 0;          // requests so far
    std::uint64_t applied_through_ = 0;   // requests whose ban the firewall confirmed
    bool asking_ = false, ask_again_ = false;   // one when_applied() out at a time
    sd::EventSource pass_timer_;
    std::chrono::steady_clock::time_point next_pass_{};
    std::unique_ptr<conntrack::ConntrackTable> table_;
    bool reported_failure_ = false;
    std::size_t dropped_ = 0;   // cuts refused since the queue last overflowed
    std::map<std::vector<std::string>, std::vector<PortMatch>> resolved_;   // per jail's `ports`
};

// The jail's ports as conntrack matches (services through the services database).
std::vector<PortMatch> conntrack_ports(const std::vector<std::string>& ports);

}  // namespace banjo
