// SPDX-License-Identifier: GPL-2.0-or-later
// Which remote decisions this host takes: only those of its configured peers, each read from
// that peer's own stream (Redis ACLs keep a host to its own stream; the gate checks the entry
// says the same), and at most `bans_per_minute` bans per peer in any minute, so a compromised
// or misconfigured host cannot ban the world. No I/O; one thread.
#pragma once

#include "core/duration.hpp"
#include "fleet/fleet_decision.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

enum class PeerVerdict { accepted, unknown_origin, forged_origin, rate_exceeded };
std::string_view to_string(PeerVerdict v) noexcept;

class PeerGate {
public:
    PeerGate(std::vector<std::string> peers, std::uint32_t bans_per_minute);

    // `stream_host`: whose stream the entry was read from; `made`: when it was made (its
    // stream ID's time); `now`: wall clock. A ban counts against its origin's rate at the
    // earlier of the two, so that catching up on old entries is judged by when they were made
    // and an origin that writes IDs in the future gains nothing.
    PeerVerdict admit(std::string_view stream_host, const FleetDecision& d, Usec made, Usec now);

    bool knows(std::string_view host) const;
    const std::vector<std::string>& peers() const noexcept { return peers_; }
    // Refused decisions per origin since start.
    const std::map<std::string, std::uint64_t, std::less<>>& refused() const noexcept { return refused_; }

private:
    std::vector<std::string> peers_;
    std::uint32_t bans_per_minute_;
    // Per peer: the times of the bans accepted inside the last minute (at most bans_per_minute).
    std::map<std::string, std::deque<Usec>, std::less<>> recent_;
    std::map<std::string, std::uint64_t, std::less<>> refused_;
};

}  // namespace banjo
