// SPDX-License-Identifier: GPL-2.0-or-later
// StateWriter against a store that fails on demand: what is held while the disk refuses, when
// it is tried again, and what reaches the disk once it takes writes again.
#include "state/state_writer.hpp"

#include "failing_store.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace banjo::test;
using namespace std::chrono_literals;

namespace {

Address addr(const char* text) { return *Address::parse(text); }
Usec at(int seconds) { return Usec(std::chrono::seconds(1'700'000'000 + seconds)); }

StoredBan ban(const char* jail, const char* address, int banned = 0, int expires = 600) {
    return StoredBan{jail, addr(address), at(banned), at(expires), 3, BanOrigin::filter};
}

// A writer on a temp dir, the faults of its disk, and the ban table a rewrite would take.
struct Disk {
    TempDir dir{"banjo-state-writer-test"};
    std::shared_ptr<DiskFaults> faults = std::make_shared<DiskFaults>();
    std::vector<StoredBan> table;
    std::vector<StateHealth> reported;

    std::string path() const { return (dir.dir / "state").string(); }
    StateOpening open(Usec now) { return open_failing_state(path(), now, faults); }
    StateWriter writer(Usec now = at(0)) {
        StateWriter w(open(now), [this](Usec t) { return open(t); }, now);
        return w;
    }
    void watch(StateWriter& w) {
        w.on_health_changed = [this](StateHealth h) { reported.push_back(h); };
    }
    BanSnapshot snapshot() const {
        return [this] { return table; };
    }
    StateStore on_disk() const { return StateStore::open(path()); }
};

}  // namespace

TEST_CASE("a write the disk refuses keeps every change in memory and the health says degraded") {
    Disk d;
    StateWriter w = d.writer();
    d.watch(w);
    d.faults->full = true;
    w.put_ban(ban("sshd", "198.51.100.1"), true);
    w.set_cursor("c1");
    w.commit(at(1), d.snapshot());

    CHECK(w.health() == StateHealth::degraded);
    CHECK(w.problem().find("database or disk is full") != std::string::npos);
    CHECK(w.held_changes() == 4);   // the ban, its offence, its line in the ban log, the cursor
    CHECK(d.reported == std::vector<StateHealth>{StateHealth::degraded});
    CHECK(d.on_disk().active_bans().empty());
    CHECK(w.cursor() == "c1");   // the cursor banjod stands at, saved or not
}

TEST_CASE("while degraded only the retry writes, after 1 s, then twice as long each time, at most a minute") {
    Disk d;
    StateWriter w = d.writer();
    d.faults->full = true;
    w.put_ban(ban("sshd", "198.51.100.1"), true);
    w.commit(at(10), d.snapshot());
    REQUIRE(w.retry_at() == at(11));

    w.put_ban(ban("sshd", "198.51.100.2"), true);
    w.commit(at(10), d.snapshot());   // the next chunk of the journal: held, not tried
    CHECK(d.faults->failed_writes == 1);

    std::vector<Usec> waits;
    Usec now = at(11);
    for (int i = 0; i < 9; ++i) {
        w.retry(now, d.snapshot());
        waits.push_back(*w.retry_at() - now);
        now = *w.retry_at();
    }
    CHECK(waits == std::vector<Usec>{2s, 4s, 8s, 16s, 32s, 60s, 60s, 60s, 60s});
    CHECK(d.faults->failed_writes == 10);
    CHECK(w.write_failures() == 10);
}

TEST_CASE("once the disk takes writes again, the retry writes what was held and the health is ok") {
    Disk d;
    StateWriter w = d.writer();
    d.watch(w);
    d.faults->full = true;
    w.put_ban(ban("sshd", "198.51.100.1"), true);
    w.put_ban(ban("sshd", "198.51.100.2"), true);
    w.remove_ban("sshd", addr("198.51.100.2"));   // added and lifted while the disk was full
    w.set_cursor("c1");
    w.set_cursor("c2");
    w.commit(at(1), d.snapshot());
    w.retry(at(2), d.snapshot());

    d.faults->full = false;
    w.retry(at(4), d.snapshot());
    CHECK(w.health() == StateHealth::ok);
    CHECK(w.problem().empty());
    CHECK_FALSE(w.retry_at());
    CHECK(w.held_changes() == 0);
    CHECK(d.reported == std::vector<StateHealth>{StateHealth::degraded, StateHealth::ok});

    StateStore disk = d.on_disk();
    REQUIRE(disk.active_bans().size() == 1);
    CHECK(disk.active_bans()[0].address == addr("198.51.100.1"));
    CHECK(disk.cursor() == "c2");
    CHECK(disk.history("sshd").size() == 2);   // the lifted ban still counts as an offence

    w.put_ban(ban("sshd", "198.51.100.3"), true);
    w.commit(at(5), d.snapshot());   // ok again: written at once
    CHECK(d.on_disk().active_bans().size() == 2);
}

TEST_CASE("a change of problem while degraded is reported again; the same problem is not") {
    Disk d;
    StateWriter w = d.writer();
    d.watch(w);
    d.faults->full = true;
    w.put_ban(ban("sshd", "198.51.100.1"), true);
    w.commit(at(1), d.snapshot());
    w.retry(at(2), d.snapshot());
    CHECK(d.reported.size() == 1);
    d.faults->full = false;
    d.faults->file_lost = true;   // a different failure: the file went bad under banjod
    w.retry(at(4), d.snapshot());
    CHECK(d.reported == std::vector<StateHealth>{StateHealth::degraded, StateHealth::memory_only});
}

TEST_CASE("a file lost under the store is opened again, and a new file gets every ban in force") {
    Disk d;
    StateWriter w = d.writer();
    w.put_ban(ban("sshd", "198.51.100.1"), true);
    w.set_cursor("c1");
    w.commit(at(1), d.snapshot());
    d.table = {ban("sshd", "198.51.100.1"), ban("sshd", "198.51.100.2")};

    d.faults->file_lost = true;
    w.put_ban(ban("sshd", "198.51.100.2"), true);
    w.commit(at(2), d.snapshot());
    CHECK(w.health() == StateHealth::memory_only);

    // The file is gone for good (say it was removed); the retry makes a new one.
    std::filesystem::remove(d.path() + "/banjo.db");
    std::filesystem::remove(d.path() + "/banjo.db-wal");
    d.faults->file_lost = false;
    w.retry(at(3), d.snapshot());
    CHECK(w.health() == StateHealth::ok);
    StateStore disk = d.on_disk();
    CHECK(disk.active_bans().size() == 2);   // both, though only one change was held
    CHECK(disk.cursor() == "c1");            // the cursor written before, written again
}

TEST_CASE("without a store from the start the writer runs from memory and writes the bans whole once it opens") {
    Disk d;
    {
        // What an earlier run left: a ban that has since been lifted, and history.
        StateWriter earlier = d.writer();
        earlier.put_ban(ban("sshd", "198.51.100.9"), true);
        earlier.commit(at(0), d.snapshot());
    }
    d.faults->cannot_open = true;
    StateWriter w = d.writer(at(10));
    d.watch(w);
    CHECK(w.health() == StateHealth::memory_only);
    CHECK(w.bans_lost());
    CHECK_FALSE(w.stored_bans());
    CHECK(w.retry_at() == at(11));

    w.put_ban(ban("sshd", "198.51.100.1", 10, 610), true);
    d.table = {ban("sshd", "198.51.100.1", 10, 610)};
    w.retry(at(11), d.snapshot());   // still cannot open
    CHECK(w.health() == StateHealth::memory_only);

    d.faults->cannot_open = false;
    unsigned reopened = 0;
    w.on_reopened = [&](const StateOpening& opened) {
        ++reopened;
        CHECK(opened.storage);   // as found: the report says it opened
        CHECK(opened.moved_aside.empty());
    };
    w.retry(at(13), d.snapshot());
    CHECK(reopened == 1);
    CHECK(w.health() == StateHealth::ok);
    CHECK(d.reported == std::vector<StateHealth>{StateHealth::ok});
    StateStore disk = d.on_disk();
    REQUIRE(disk.active_bans().size() == 1);   // the earlier run's ban is not in force any more
    CHECK(disk.active_bans()[0].address == addr("198.51.100.1"));
    CHECK(disk.history("sshd").size() == 2);   // its history stays
}

TEST_CASE("offence counts rebuilt from the journal do not add to what the store already has") {
    Disk d;
    StateWriter w = d.writer();
    for (int i = 0; i < 3; ++i) {
        w.put_ban(ban("sshd", "198.51.100.1", i * 100, i * 100 + 60), true);
        w.commit(at(i * 100), d.snapshot());
    }
    // The journal shows two of these three bans, and one of a new address.
    w.note_offences("sshd", addr("198.51.100.1"), 2, at(200));
    w.note_offences("sshd", addr("198.51.100.2"), 1, at(250));
    w.put_ban(ban("sshd", "198.51.100.1", 300, 360), true);   // and a fourth ban now

    auto merged = w.history("sshd");
    REQUIRE(merged.size() == 2);
    CHECK(merged[0].bans == 4);   // max(3, 2) + 1
    CHECK(merged[1].bans == 1);

    w.commit(at(300), d.snapshot());
    auto stored = d.on_disk().history("sshd");
    REQUIRE(stored.size() == 2);
    CHECK(stored[0].bans == 4);
    CHECK(stored[0].last_banned_at == at(300));
    CHECK(stored[1].bans == 1);
}

TEST_CASE("an unreadable store gives no bans and says they are lost, instead of throwing") {
    Disk d;
    StateWriter w = d.writer();
    d.faults->unreadable = true;
    CHECK_FALSE(w.stored_bans());
    CHECK(w.bans_lost());
    CHECK_FALSE(w.cursor());
    CHECK(w.history("sshd").empty());
}

TEST_CASE("single ban changes past the bound become one rewrite of the stored bans from the table") {
    StateChanges c;
    for (std::size_t i = 0; i < StateChanges::max_ban_changes; ++i) {
        const Address a = *Address::parse("2001:db8::" + std::to_string(i % 10000) + ":" + std::to_string(i / 10000));
        c.remove_ban("sshd", a);
    }
    CHECK_FALSE(c.bans_rewritten());
    CHECK(c.size() == StateChanges::max_ban_changes);
    c.put_ban(ban("sshd", "198.51.100.1"));
    CHECK(c.bans_rewritten());
    CHECK(c.bans().empty());
    CHECK(c.size() == 1);
}

TEST_CASE("offence counts past the bound are dropped and counted") {
    StateChanges c;
    for (std::size_t i = 0; i < StateChanges::max_offence_changes + 5; ++i) {
        const Address a = *Address::parse("2001:db8::" + std::to_string(i % 10000) + ":" + std::to_string(i / 10000));
        c.count_offence("sshd", a, at(0));
    }
    CHECK(c.offences().size() == StateChanges::max_offence_changes);
    CHECK(c.dropped_offences() == 5);
}

TEST_CASE("a failed write leaves a marker for the next start, and the write that succeeds takes it away") {
    Disk d;
    StateWriter w = d.writer();
    const std::string marker = d.path() + "/banjo.db-unsaved";
    d.faults->full = true;
    w.put_ban(ban("sshd", "198.51.100.1"), true);
    w.commit(at(1), d.snapshot());
    CHECK(std::filesystem::exists(marker));
    d.faults->full = false;
    w.retry(at(2), d.snapshot());
    CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("a writer that finds the marker says its store is stale, and keeps the marker until merged and written") {
    Disk d;
    const std::string marker = d.path() + "/banjo.db-unsaved";
    {
        StateWriter killed = d.writer();
        d.faults->full = true;
        killed.put_ban(ban("sshd", "198.51.100.1"), true);
        killed.commit(at(1), d.snapshot());
    }   // stopped (or killed) before the disk took it
    d.faults->full = false;
    StateWriter w = d.writer(at(10));
    REQUIRE(w.stale_since());
    CHECK(*w.stale_since() > at(-3600));
    CHECK_FALSE(w.bans_lost());
    w.put_ban(ban("sshd", "198.51.100.2"), true);
    w.commit(at(11), d.snapshot());
    CHECK(std::filesystem::exists(marker));   // written, but not merged: a crash now must still tell
    w.merged();
    CHECK_FALSE(w.stale_since());
    CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("the ban log shows bans held in memory while the disk refuses them, and not restored ones") {
    Disk d;
    StateWriter w = d.writer();
    w.put_ban(ban("sshd", "198.51.100.1", 1), true);
    w.commit(at(1), d.snapshot());
    d.faults->full = true;
    w.put_ban(ban("sshd", "198.51.100.2", 2), true);
    w.put_ban(ban("sshd", "198.51.100.3", 3), false);   // carried over: no offence, no log line
    w.commit(at(3), d.snapshot());
    REQUIRE(w.health() == StateHealth::degraded);

    auto log = w.ban_log(at(0), 10);
    REQUIRE(log.size() == 2);
    CHECK(log[0].address == addr("198.51.100.1"));   // from the disk
    CHECK(log[1].address == addr("198.51.100.2"));   // held
    CHECK(w.ban_log(at(2), 10).size() == 1);
    CHECK(w.ban_log(at(0), 1)[0].address == addr("198.51.100.2"));   // the latest within the limit
    CHECK(d.on_disk().ban_log(at(0), 10).size() == 1);
}
