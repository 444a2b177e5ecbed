// SPDX-License-Identifier: GPL-2.0-or-later
// banjo's own ban and unban entries in the journal (MESSAGE_ID ban/unban and the BANJO_* fields
// src/daemon/ban_service.cpp writes), read back to rebuild the bans in force when the state
// file is lost. Only entries journald attributes to banjod's own user (_UID, a field the sender
// cannot choose) are believed: any local user can write an entry with banjo's MESSAGE_ID.
#pragma once

#include "core/cidr.hpp"
#include "core/ban_table.hpp"
#include "core/duration.hpp"
#include "journal/journal_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace banjo {

// One ban or unban as banjo logged it.
struct BanRecord {
    enum class Kind { ban, unban };
    Kind kind = Kind::ban;
    Usec time{};             // when it was written (__REALTIME_TIMESTAMP)
    std::string jail;
    Cidr address;
    Usec expires{};          // a ban's end (infinite_usec: never); unused for an unban
    std::uint32_t failures = 0;
    BanOrigin origin = BanOrigin::filter;
};

// The records written by `uid` from `since` (journal time) to the end of `reader`'s journal,
// oldest first. At most `limit`: past it the oldest are dropped, as the newest say more about
// what is in force now. Entries without a usable jail or address are skipped. Replaces the
// reader's matches and position.
std::vector<BanRecord> read_ban_records(JournalReader& reader, Usec since, uid_t uid, std::size_t limit);

}  // namespace banjo
