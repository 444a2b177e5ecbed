// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's bans as banjo's state (banjoctl import-fail2ban --bans): the rows of its database
// (fail2ban_database.hpp reads them) become bans in force with the time they have left, the ban
// history the increment policy counts, and ban log rows (banjoctl why, Cockpit's chart), for the
// jails of banjo's configuration. Every row that cannot become one is named with the reason.
// Pure: the time and the configuration come in as arguments.
#pragma once

#include "config/config.hpp"
#include "state/state_storage.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

// One row of fail2ban's table bans (every ban, kept for its dbpurgeage) or bips (fail2ban
// 0.11 and later: the latest ban of each address and jail).
struct Fail2banBanRow {
    std::string jail;
    std::string ip;                        // as fail2ban wrote it; anything, in a damaged file
    std::int64_t time_of_ban = 0;          // epoch seconds
    // Seconds; -1: permanent. nullopt: not known (fail2ban before 0.11 had no column, and
    // its upgrade wrote -2): the banjo jail's bantime stands in.
    std::optional<std::int64_t> bantime;
    std::int64_t ban_count = 1;            // the address's bans in the jail, this one included
    std::int64_t failures = 0;
    std::vector<std::string> matches;      // the log lines behind the ban, oldest first
    bool latest_only = false;              // a bips row: a copy of the latest bans row
};

struct BanImportSettings {
    Usec now{};
    // fail2ban jail -> banjo jail (--jail F2B=BANJO); a jail not named here keeps its name.
    std::map<std::string, std::string> jail_map;
};

struct BanImportCounts {
    std::size_t active = 0;      // bans in force
    std::size_t permanent = 0;   // of which permanent
    std::size_t history = 0;     // addresses with a ban history
    std::size_t logged = 0;      // ban log rows
};

struct SkippedBans {
    std::string jail;      // fail2ban's name of the jail
    std::string address;   // as fail2ban wrote it; empty when `count` addresses share the reason
    std::size_t count = 1;
    std::string reason;
};

// The increment policy's memory of one address in one jail (StateStore::Batch::count_offences).
struct ImportedHistory {
    std::string jail;
    Cidr address;
    unsigned bans = 0;
    Usec last_banned_at{};
};

struct BanImportPlan {
    std::vector<StoredBan> active;           // origin filter, failures and lines from the row
    std::vector<ImportedHistory> history;
    std::vector<StoredBan> ban_log;          // every ban of history-age
    std::map<std::string, BanImportCounts> counts;   // by banjo jail
    std::vector<SkippedBans> skipped;
};

// A ban is in force when it is permanent or its time of ban plus bantime lies after `now`;
// its expiry stays that time (what fail2ban would have lifted it at). The ban count of an
// address is the larger of fail2ban's bancount and its rows in `bans`. What was last banned
// before now - history-age, and is not in force, is left out: banjod would forget it anyway.
BanImportPlan plan_ban_import(const std::vector<Fail2banBanRow>& rows, const Config& config,
                              const BanImportSettings& settings);

}  // namespace banjo
