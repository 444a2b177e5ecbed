// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal/entry_fields.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

using banjo::EntryFields;

namespace {

// Offers an entry's "FIELD=value" items in order, as JournalReader::read_fields does; returns
// how many were offered before the fields said the walk may stop.
std::size_t walk(EntryFields& fields, const std::vector<std::string>& entry, std::size_t max_bytes = 8192) {
    fields.clear();
    std::size_t offered = 0;
    for (const auto& item : entry) {
        ++offered;
        if (!fields.offer(item, max_bytes)) break;
    }
    return offered;
}

}  // namespace

TEST_CASE("EntryFields: a name added twice keeps its index") {
    EntryFields f;
    auto uid = f.add("_UID");
    auto message = f.add("MESSAGE");
    CHECK(uid != message);
    CHECK(f.add("_UID") == uid);
    CHECK(f.size() == 2);
}

TEST_CASE("EntryFields: takes the asked fields of one walk, absent ones are nullopt") {
    EntryFields f;
    auto uid = f.add("_UID");
    auto message = f.add("MESSAGE");
    auto pid = f.add("_PID");
    walk(f, {"_HOSTNAME=web1", "MESSAGE=Failed password for root from 203.0.113.7 port 22 ssh2", "_PID=42"});
    CHECK(f.value(message) == "Failed password for root from 203.0.113.7 port 22 ssh2");
    CHECK(f.value(pid) == "42");
    CHECK_FALSE(f.value(uid).has_value());
}

TEST_CASE("EntryFields: a field whose name only starts like an asked one is not taken") {
    EntryFields f;
    auto pid = f.add("_PID");
    walk(f, {"_PIDFD=7", "MESSAGE=x"});
    CHECK_FALSE(f.value(pid).has_value());
    walk(f, {"_PID=", "MESSAGE=x"});
    CHECK(f.value(pid) == "");
}

TEST_CASE("EntryFields: the walk stops once every field is found, and the next entry starts afresh") {
    EntryFields f;
    auto message = f.add("MESSAGE");
    auto pid = f.add("_PID");
    CHECK(walk(f, {"_PID=1", "MESSAGE=first", "_COMM=sshd", "_EXE=/usr/sbin/sshd"}) == 2);
    CHECK(f.value(message) == "first");
    // The second entry has no _PID: the first entry's value must not linger.
    CHECK(walk(f, {"MESSAGE=second", "_COMM=sshd"}) == 2);
    CHECK(f.value(message) == "second");
    CHECK_FALSE(f.value(pid).has_value());
}

TEST_CASE("EntryFields: the first of a repeated field counts, values are cut at the limit") {
    EntryFields f;
    auto message = f.add("MESSAGE");
    auto uid = f.add("_UID");
    walk(f, {"MESSAGE=abcdefgh", "MESSAGE=second", "_UID=0"}, 4);
    CHECK(f.value(message) == "abcd");
    CHECK(f.value(uid) == "0");
}

TEST_CASE("EntryFields: a name ends at the first '=', a value may hold more, an item without '=' is no field") {
    EntryFields f;
    auto message = f.add("MESSAGE");
    auto pid = f.add("_PID");
    walk(f, {"MESSAGE", "_PID", "_SYSTEMD_UNIT=ssh.service", "MESSAGE=a=b", "_PID=7"});
    CHECK(f.value(message) == "a=b");
    CHECK(f.value(pid) == "7");
    // "_PID" asked, "MESSAGE=..." only looks like it past its first byte: lengths differ.
    walk(f, {"_P=1", "_PIDS=2", "MESSAGE=x"});
    CHECK_FALSE(f.value(pid).has_value());
    CHECK(f.value(message) == "x");
}
