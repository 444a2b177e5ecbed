// SPDX-License-Identifier: GPL-2.0-or-later
#include "fleet/fleet_settings.hpp"

namespace banjo {

std::string_view to_string(FleetMode m) noexcept {
    switch (m) {
    case FleetMode::off: return "off";
    case FleetMode::share: return "share";
    case FleetMode::count: return "count";
    }
    return "off";
}

std::optional<FleetMode> parse_fleet_mode(std::string_view text) noexcept {
    if (text == "off") return FleetMode::off;
    if (text == "share") return FleetMode::share;
    if (text == "count") return FleetMode::count;
    return std::nullopt;
}

bool same_fleet_link(const FleetSettings& a, const FleetSettings& b) {
    return a.enabled == b.enabled && a.redis_host == b.redis_host && a.redis_port == b.redis_port && a.user == b.user &&
           a.password_file == b.password_file && a.host_name == b.host_name && a.peers == b.peers &&
           a.peer_bans_per_minute == b.peer_bans_per_minute && a.stream_length == b.stream_length;
}

bool is_fleet_host_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 63) return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    if (!alnum(name[0])) return false;
    for (char c : name)
        if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
    return true;
}

}  // namespace banjo
