// SPDX-License-Identifier: GPL-2.0-or-later
// What [fleet] in banjo.toml says: where this host's Redis is, who it is there, whose
// decisions it accepts and how many. Plain data; fleet_config.cpp reads it with FILE:LINE errors.
#pragma once

#include "core/config_error.hpp"
#include "core/duration.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// A jail's part in the fleet: none, its bans and unbans shared, or its failures counted
// across hosts too (which implies sharing the bans).
enum class FleetMode { off, share, count };
std::string_view to_string(FleetMode m) noexcept;
std::optional<FleetMode> parse_fleet_mode(std::string_view text) noexcept;

// The longest stream a host keeps (XADD MAXLEN ~): far more decisions than one host makes
// inside the longest bantime in ordinary use, so a host that was away catches up from it.
inline constexpr std::uint64_t default_fleet_stream_length = 100'000;
// Bans one origin host may push per minute before the rest are refused (a compromised or
// misconfigured host cannot ban the world).
inline constexpr std::uint32_t default_fleet_peer_bans_per_minute = 600;

struct FleetSettings {
    bool enabled = false;              // a [fleet] table is there
    std::string redis_host;            // from redis = "redis://HOST:PORT"
    std::uint16_t redis_port = 6379;
    std::string user;                  // the Redis ACL user; "" = Redis's default user
    // Where the password is read at start; "" = the systemd credential "banjo-fleet-password"
    // if $CREDENTIALS_DIRECTORY has it, else no password.
    std::string password_file;
    std::string host_name;             // this host's name in the fleet (its stream)
    // The hosts whose decisions this host applies; decisions of any other origin are refused.
    std::vector<std::string> peers;
    std::uint32_t peer_bans_per_minute = default_fleet_peer_bans_per_minute;
    std::uint64_t stream_length = default_fleet_stream_length;
    SourceLocation where;              // the [fleet] table

    // "banjo:decisions:<host>": every key banjo uses starts with "banjo:".
    static std::string stream_key(std::string_view host) { return "banjo:decisions:" + std::string(host); }
};

// A host name as the fleet takes it: 1-63 letters, digits, '-', '_' or '.', starting with a
// letter or digit (it is part of Redis keys and of ban origins "fleet:<host>").
bool is_fleet_host_name(std::string_view name) noexcept;

// Whether a link made for `a` serves `b` as it is (where they were read from aside).
bool same_fleet_link(const FleetSettings& a, const FleetSettings& b);

}  // namespace banjo
