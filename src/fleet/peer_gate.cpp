// SPDX-License-Identifier: GPL-2.0-or-later
#include "fleet/peer_gate.hpp"

#include <algorithm>

namespace banjo {

std::string_view to_string(PeerVerdict v) noexcept {
    switch (v) {
    case PeerVerdict::accepted: return "accepted";
    case PeerVerdict::unknown_origin: return "unknown origin";
    case PeerVerdict::forged_origin: return "origin differs from its stream";
    case PeerVerdict::rate_exceeded: return "rate exceeded";
    }
    return "refused";
}

PeerGate::PeerGate(std::vector<std::string> peers, std::uint32_t bans_per_minute)
    : peers_(std::move(peers)), bans_per_minute_(std::max<std::uint32_t>(1, bans_per_minute)) {}

bool PeerGate::knows(std::string_view host) const {
    return std::find(peers_.begin(), peers_.end(), host) != peers_.end();
}

PeerVerdict PeerGate::admit(std::string_view stream_host, const FleetDecision& d, Usec made, Usec now) {
    auto refuse = [&](PeerVerdict v) {
        ++refused_[d.host];
        return v;
    };
    if (!knows(stream_host) || !knows(d.host)) return refuse(PeerVerdict::unknown_origin);
    if (d.host != stream_host) return refuse(PeerVerdict::forged_origin);
    if (d.kind == FleetDecision::Kind::unban) return PeerVerdict::accepted;   // lifts only that peer's own bans
    const Usec at = std::min(made, now);
    auto& times = recent_[d.host];
    const Usec minute = std::chrono::duration_cast<Usec>(std::chrono::minutes(1));
    while (!times.empty() && times.front() <= at - minute) times.pop_front();
    if (times.size() >= bans_per_minute_) return refuse(PeerVerdict::rate_exceeded);
    // IDs only grow, so `at` rarely goes back; when it does the deque stays ordered enough
    // for the bound: it never holds more than bans_per_minute entries.
    times.push_back(std::max(at, times.empty() ? at : times.back()));
    return PeerVerdict::accepted;
}

}  // namespace banjo
