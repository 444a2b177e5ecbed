// SPDX-License-Identifier: GPL-2.0-or-later
// How this host's link to the fleet stands: what org.banjo1's Fleet* properties, banjoctl
// fleet and the metrics show. Plain data, kept by the FleetLink.
#pragma once

#include "core/duration.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace banjo {

struct FleetStatus {
    bool connected = false;                        // both connections up and authenticated
    std::string problem;                           // why not, when not
    std::map<std::string, std::string> last_ids;   // per peer: the last entry applied
    std::map<std::string, Usec> peers_seen;        // per peer: when its last entry was made
    Usec lag{0};                                   // the last entry applied: applied minus made
    std::uint64_t published = 0;                   // decisions Redis took from this host
    std::uint64_t received = 0;                    // entries read from peers
    std::uint64_t refused = 0;                     // entries refused (PeerGate, malformed)
    std::uint64_t dropped = 0;                     // decisions dropped from a full backlog
    std::uint64_t failures_shared = 0;             // failures counted in the fleet's windows
    std::size_t backlog = 0;                       // decisions waiting for Redis
};

}  // namespace banjo
