// SPDX-License-Identifier: GPL-2.0-or-later
// Rebuilding the bans in force when the store that held them is lost (a damaged file moved
// aside, a directory that cannot be read): from banjo's own ban and unban entries in the
// journal, then from what the firewall still holds. The journal knows a ban's jail, expiry,
// failures and origin; the firewall knows only that an address is banned (and, for a jail's
// own set, in which jail). So the journal comes first, and where it has the last word on an
// address (an unban, an expiry) that word stands even when the firewall still holds it; the
// firewall fills in what the journal does not know (entries vacuumed, or older than the window
// read) with a fresh ban of the jail's bantime. Pure logic, no I/O.
#pragma once

#include "core/ban_table.hpp"
#include "firewall/backend.hpp"
#include "journal/ban_records.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace banjo {

// How often an address was banned in a jail, as far as the journal read goes back.
struct RecoveredHistory {
    std::string jail;
    Cidr address;
    unsigned bans = 0;
    Usec last_banned_at{};
};

class BanRecovery {
public:
    // A running jail as recovery needs it.
    struct Jail {
        std::string name;
        bool all_ports = true;   // its bans go to the shared sets (no ports configured)
        Usec bantime{};          // the first offence's bantime
    };

    // `records` in any order; `jails`: the enabled jails, in config order. Records of other
    // jails are ignored.
    BanRecovery(std::vector<BanRecord> records, std::vector<Jail> jails);

    // The bans the journal says are in force at `now`, origin "restored": for each (jail,
    // address) whose last record is a ban that has not ended.
    std::vector<Ban> journal_bans(Usec now) const;
    // The unban records that are the last word on their (jail, address): a ban restored from
    // a store older than they are was lifted since.
    std::vector<BanRecord> last_unbans() const;
    // Offences per (jail, address): ban records of origin filter or manual.
    std::vector<RecoveredHistory> history() const;
    // The entries of `held` the journal says nothing about, as bans of origin "restored": in
    // the entry's own jail, or for a shared set the first all-ports jail; until the firewall's
    // own end, else for that jail's bantime from `now`. Entries of jails not running, and
    // those the journal has a word on (in force: already restored; ended: stays ended), give
    // none.
    std::vector<Ban> held_bans(const std::vector<HeldBan>& held, Usec now) const;

    std::size_t records() const noexcept { return records_; }

    using Key = std::pair<std::string, Cidr>;
    // When banjo last banned each (jail, address), whatever became of the ban: a failure at or
    // before that time was already answered. Moved out.
    std::map<Key, Usec> take_ban_times() { return std::move(ban_times_); }

private:
    const Jail* jail(const std::string& name) const;

    std::vector<Jail> jails_;
    std::map<Key, BanRecord> last_;                     // the last record of each (jail, address)
    std::map<Key, std::pair<unsigned, Usec>> offences_;   // count, last ban time
    std::map<Key, Usec> ban_times_;
    std::size_t records_ = 0;
};

}  // namespace banjo
