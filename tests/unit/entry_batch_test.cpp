// SPDX-License-Identifier: GPL-2.0-or-later
// EntryBatch (src/journal/entry_batch.hpp): several entries' fields side by side, each entry
// keeping its own values and time, as JournalReader::read_batch fills it.
#include "journal/entry_batch.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using banjo::EntryBatch;
using banjo::EntryFields;
using banjo::Usec;

namespace {

// Adds one entry at `time` whose "FIELD=value" items are `items`, offered until the batch says
// the walk may stop; returns how many were offered.
std::size_t add(EntryBatch& batch, Usec time, const std::vector<std::string>& items, std::size_t max_bytes = 8192) {
    batch.start_entry(time);
    std::size_t offered = 0;
    for (const auto& item : items) {
        ++offered;
        if (!batch.offer(item, max_bytes)) break;
    }
    return offered;
}

}  // namespace

TEST_CASE("EntryBatch: each entry keeps its own values and time, absent fields are nullopt") {
    EntryFields names;
    const auto message = names.add("MESSAGE");
    const auto pid = names.add("_PID");
    EntryBatch batch(names, 3);
    CHECK(batch.capacity() == 3);
    add(batch, Usec(10), {"_HOSTNAME=web1", "_PID=42", "MESSAGE=Failed password for root from 203.0.113.7"});
    add(batch, Usec(20), {"MESSAGE=Connection closed by 198.51.100.9", "_COMM=sshd"});
    CHECK(batch.size() == 2);
    CHECK_FALSE(batch.full());
    CHECK(batch.time(0) == Usec(10));
    CHECK(batch.time(1) == Usec(20));
    CHECK(batch.value(0, message) == "Failed password for root from 203.0.113.7");
    CHECK(batch.value(0, pid) == "42");
    CHECK(batch.value(1, message) == "Connection closed by 198.51.100.9");
    // The second entry has no _PID: the first entry's must not show through.
    CHECK_FALSE(batch.value(1, pid).has_value());
    add(batch, Usec(30), {"MESSAGE=x"});
    CHECK(batch.full());
    batch.clear();
    CHECK(batch.size() == 0);
    add(batch, Usec(40), {"_PID=7", "MESSAGE=after clear"});
    CHECK(batch.value(0, message) == "after clear");
    CHECK(batch.value(0, pid) == "7");
}

TEST_CASE("EntryBatch: the walk stops once every field is found; the first of a repeated field counts, cut at the limit") {
    EntryFields names;
    const auto message = names.add("MESSAGE");
    const auto uid = names.add("_UID");
    EntryBatch batch(names, 2);
    CHECK(add(batch, Usec(1), {"MESSAGE=abcdefgh", "MESSAGE=second", "_UID=0", "_EXE=/usr/sbin/sshd"}, 4) == 3);
    CHECK(batch.value(0, message) == "abcd");
    CHECK(batch.value(0, uid) == "0");
    // A name that only starts like an asked one is not it.
    add(batch, Usec(2), {"_UIDX=5", "MESSAGE=y"});
    CHECK_FALSE(batch.value(1, uid).has_value());
    CHECK(batch.value(1, message) == "y");
}

TEST_CASE("EntryBatch: values longer than the reserve stay intact as the buffer grows") {
    EntryFields names;
    const auto message = names.add("MESSAGE");
    EntryBatch batch(names, 4);
    const std::string a(3000, 'a'), b(5000, 'b');
    add(batch, Usec(1), {"MESSAGE=" + a});
    add(batch, Usec(2), {"MESSAGE=" + b});
    CHECK(batch.value(0, message) == a);
    CHECK(batch.value(1, message) == b);
}
