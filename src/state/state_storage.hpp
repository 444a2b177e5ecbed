// SPDX-License-Identifier: GPL-2.0-or-later
// What banjod keeps on disk, and the seam StateWriter writes through: StateStore (SQLite) in
// banjod, a store that fails on demand in the unit tests. Reads and writes throw on failure;
// a write is all or nothing.
#pragma once

#include "core/cidr.hpp"
#include "core/ban_table.hpp"
#include "core/duration.hpp"
#include "logfile/file_position.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

class StateChanges;

struct StoredBan {
    std::string jail;
    Cidr address;
    Usec banned_at{};
    Usec expires_at{};      // infinite_usec: permanent (UINT64_MAX on D-Bus)
    unsigned failures = 0;
    BanOrigin origin = BanOrigin::filter;
    std::string origin_host{};   // origin fleet: the host that decided it
    BanLines lines = nullptr;   // the matched lines behind it (bans only, not the ban log)
};

// One address's ban history in one jail: the increment policy's memory.
struct History {
    Cidr address;
    unsigned bans = 0;    // bans that counted as offences, ever (until forgotten)
    Usec last_banned_at{};
};

// Every ban in force, for a write that replaces the stored bans whole (StateChanges::rewrite_bans).
using BanSnapshot = std::function<std::vector<StoredBan>()>;

// A write failed because the file itself is lost to this connection (damaged, removed or
// replaced under it): only opening the state directory again can help, and that moves a
// damaged file aside. Other failures (a full disk, a lock held too long) may pass by
// themselves, and the same storage is tried again.
class StateFileLost : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class StateStorage {
public:
    virtual ~StateStorage() = default;

    // Writes `changes` in one transaction: all of them or, when it throws, none.
    virtual void write(const StateChanges& changes, const BanSnapshot& all_bans) = 0;

    virtual std::vector<StoredBan> active_bans() const = 0;
    virtual std::optional<std::string> cursor() const = 0;
    virtual std::vector<History> history(std::string_view jail) const = 0;
    virtual std::vector<FilePosition> file_positions() const = 0;
    // The last fleet stream entry applied, per origin host (its Redis stream ID).
    virtual std::map<std::string, std::string> fleet_positions() const { return {}; }
    // The ban log: every ban that counted as an offence, banned at `since` or later, oldest
    // first; at most the `limit` latest of them.
    virtual std::vector<StoredBan> ban_log(Usec since, std::size_t limit) const = 0;
    // The matched lines stored with the ban in force of (jail, address); nullptr: none. Read on
    // demand (ListBanLines, WhyLines, unban actions): banjod does not hold them in memory.
    virtual BanLines ban_lines(std::string_view jail, const Cidr& address) const = 0;
};

}  // namespace banjo
