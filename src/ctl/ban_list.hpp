// SPDX-License-Identifier: GPL-2.0-or-later
// Active bans as banjoctl shows them, whether they came from Manager.ListBans or a jail's
// ListBans: one table layout and one JSON shape, shared by "bans" and "status JAIL".
#pragma once

#include "ctl/table.hpp"
#include "text/json_writer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

struct BanEntry {
    std::string jail;
    std::string address;
    std::uint64_t banned_usec = 0;
    std::uint64_t expires_usec = 0;   // UINT64_MAX: never
    std::uint32_t failures = 0;
    std::string origin;               // filter, manual, restored
    // The matched lines behind it (bans --lines, ListBanLines); nullopt: not asked for.
    std::optional<std::vector<std::string>> lines = std::nullopt;
};

// Sorted by jail, then by expiry (soonest first, permanent last), then address.
void sort_bans(std::vector<BanEntry>& bans);

// A JSON array of ban objects: jail, address, banned_usec, expires_usec (null: never),
// permanent, remaining_usec (null: never), failures, origin; lines (an array) when asked for.
void write_bans_json(JsonWriter& json, const std::vector<BanEntry>& bans, std::uint64_t now_usec);

// Columns JAIL (when with_jail), ADDRESS, BANNED, EXPIRES, LEFT, FAILURES, ORIGIN.
Table bans_table(const std::vector<BanEntry>& bans, std::uint64_t now_usec, bool with_jail);

// The lines behind each ban that has some: "JAIL ADDRESS:" and the lines indented below, each
// made printable (they are an attacker's text). Empty when no ban has lines.
std::string ban_lines_text(const std::vector<BanEntry>& bans);

}  // namespace banjo
