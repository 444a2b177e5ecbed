// SPDX-License-Identifier: GPL-2.0-or-later
// The Manager when its state cannot be written or was lost: bans reach the firewall whatever
// the disk does, what could not be written is written once the disk takes it again, and lost
// bans are rebuilt from banjo's journal entries and the firewall's sets.
#include "daemon/manager.hpp"

#include "manager_harness.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace banjo;
using namespace banjo::test;

namespace {

const std::string sshd_and_web =
    "[defaults]\nbantime = \"10m\"\nfindtime = \"10m\"\nmaxretry = 3\n"
    "[defaults.increment]\nenabled = true\nfactor = 2\nmax = \"1h\"\n"
    "[jail.sshd]\nfilter = \"demo\"\n"
    "[jail.web]\nfilter = \"demo\"\nports = [\"80\"]\n";

BanRecord ban_record(Usec time, const char* jail, const char* a, Usec expires, BanOrigin origin = BanOrigin::filter) {
    return BanRecord{BanRecord::Kind::ban, time, jail, address(a), expires, 3, origin};
}

BanRecord unban_record(Usec time, const char* jail, const char* a) {
    return BanRecord{BanRecord::Kind::unban, time, jail, address(a), Usec(0), 0, BanOrigin::filter};
}

// Damages banjo.db as a failing disk would: banjod must not take it for a first start.
void truncate_state_file(const ManagerHarness& h) {
    std::filesystem::resize_file(h.state_dir() + "/banjo.db", 0);
}

bool held_in(const std::vector<Ban>& bans, const char* jail, const char* a) {
    return std::any_of(bans.begin(), bans.end(), [&](const Ban& b) { return b.jail == jail && b.address == address(a); });
}

}  // namespace

TEST_CASE("a full disk delays the state, never a ban, and the state is written once it is freed") {
    ManagerHarness h(sshd_and_web);
    h.disk->full = true;
    h.attack("sshd", "198.51.100.1");
    h.attack("sshd", "198.51.100.2");

    CHECK(h.backend->holds("sshd", address("198.51.100.1")));
    CHECK(h.backend->holds("sshd", address("198.51.100.2")));
    CHECK(h.events.banned_bans.size() == 2);
    CHECK(h.manager->state().health() == StateHealth::degraded);
    CHECK(h.events.state_changes == 1);
    CHECK(h.manager->status_line().find("state degraded") != std::string::npos);
    CHECK(h.stored_bans().empty());
    REQUIRE(h.manager->state_retry_wait() == 1s);

    h.clock.advance(1s);
    h.manager->retry_state();   // still full
    CHECK(h.manager->state_retry_wait() == 2s);

    h.disk->full = false;
    h.clock.advance(2s);
    h.manager->retry_state();
    CHECK(h.manager->state().health() == StateHealth::ok);
    CHECK(h.events.state_changes == 2);
    CHECK_FALSE(h.manager->state_retry_wait());
    CHECK(h.stored_bans().size() == 2);
    CHECK(h.on_disk().cursor() == "cursor-2");
}

TEST_CASE("bans added and lifted while degraded, the cursor and the history all reach the disk as they ended") {
    ManagerHarness h(sshd_and_web);
    h.attack("sshd", "198.51.100.9");   // written while all is well
    h.disk->full = true;
    h.attack("sshd", "198.51.100.1");
    h.attack("web", "198.51.100.2");
    h.manager->ban("sshd", "203.0.113.5", Usec(0));
    h.manager->unban("sshd", "198.51.100.9");
    h.manager->unban("web", "198.51.100.2");
    h.clock.advance(10min);
    h.manager->expire_due();   // 198.51.100.1 and 203.0.113.5 end
    h.attack("sshd", "198.51.100.3");
    h.manager->housekeeping();

    h.disk->full = false;
    h.clock.advance(1min);
    h.manager->retry_state();
    REQUIRE(h.manager->state().health() == StateHealth::ok);

    const auto stored = h.stored_bans();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].address == address("198.51.100.3"));
    CHECK(h.on_disk().cursor() == "cursor-" + std::to_string(h.entries));
    CHECK(h.on_disk().history("sshd").size() == 4);
    CHECK(h.on_disk().history("web").size() == 1);
}

TEST_CASE("banjod stopped while degraded tries once more, and what it could write is on disk") {
    ManagerHarness h(sshd_and_web);
    h.disk->full = true;
    h.attack("sshd", "198.51.100.1");
    h.disk->full = false;   // freed, but the next retry is a second away
    h.stop();
    CHECK(h.stored_bans().size() == 1);
}

TEST_CASE("a state directory that cannot be opened at start leaves banjod running from memory") {
    ManagerHarness h(sshd_and_web);
    h.attack("sshd", "198.51.100.1");
    h.disk->cannot_open = true;
    h.restart();

    CHECK(h.manager->state().health() == StateHealth::memory_only);
    CHECK(h.manager->needs_rebuild());
    CHECK(h.backend->asked_for_held());
    CHECK(h.attack("sshd", "198.51.100.2") == 3);
    CHECK(h.backend->holds("sshd", address("198.51.100.2")));

    h.disk->cannot_open = false;
    h.clock.advance(1s);
    h.manager->retry_state();
    CHECK(h.manager->state().health() == StateHealth::ok);
    const auto stored = h.stored_bans();
    REQUIRE(stored.size() == 1);   // the state as banjod has it now, not as the file had it
    CHECK(stored[0].address == address("198.51.100.2"));
}

TEST_CASE("a damaged state file at start: the bans in force come back from banjo's journal entries") {
    ManagerHarness h(sshd_and_web);
    h.stop();
    truncate_state_file(h);
    const Usec now = h.clock.now();
    h.start({
        ban_record(now - 5min, "sshd", "198.51.100.1", now + 5min),                   // in force
        ban_record(now - 20min, "sshd", "198.51.100.2", now - 10min),                 // ended
        ban_record(now - 8min, "web", "198.51.100.3", now + 2min),                    // lifted later
        unban_record(now - 7min, "web", "198.51.100.3"),
        ban_record(now - 6min, "sshd", "198.51.100.4", infinite_usec, BanOrigin::manual),
        ban_record(now - 6min, "gone", "198.51.100.5", now + 5min),                   // no such jail
    });

    CHECK(h.manager->state().health() == StateHealth::ok);
    const auto bans = h.manager->bans("");
    CHECK(bans.size() == 2);
    CHECK(held_in(bans, "sshd", "198.51.100.1"));
    CHECK(held_in(bans, "sshd", "198.51.100.4"));
    const auto b = h.manager->ban_service().table().find("sshd", address("198.51.100.1"));
    REQUIRE(b);
    CHECK(b->origin == BanOrigin::restored);
    CHECK(b->expires == now + 5min);
    CHECK(b->failures == 3);
    CHECK(h.backend->holds("sshd", address("198.51.100.1")));
    CHECK_FALSE(h.backend->holds("web", address("198.51.100.3")));
    CHECK(h.events.banned_bans.empty());   // put back, not banned anew

    CHECK(h.stored_bans().size() == 2);   // the new file has them
    // The history the journal shows: a second offence of .2 gets the increment.
    CHECK(h.attack("sshd", "198.51.100.2") == 3);
    CHECK(h.manager->ban_service().table().find("sshd", address("198.51.100.2"))->expires == now + 20min);
}

TEST_CASE("what the firewall still holds and the journal does not know is kept; what the journal lifted is not") {
    ManagerHarness h(sshd_and_web);
    h.stop();
    truncate_state_file(h);
    const Usec now = h.clock.now();
    h.start({
        ban_record(now - 5min, "sshd", "198.51.100.1", now + 5min),
        ban_record(now - 9min, "sshd", "198.51.100.2", now + 1min),
        unban_record(now - 8min, "sshd", "198.51.100.2"),
    });
    REQUIRE(h.backend->asked_for_held());
    h.backend->hand_over_held({
        HeldBan{address("198.51.100.1"), "", std::nullopt},        // the journal's ban: kept as it was
        HeldBan{address("198.51.100.2"), "", std::nullopt},        // unbanned since: not kept
        HeldBan{address("203.0.113.7"), "", std::nullopt},         // unknown: the first all-ports jail
        HeldBan{address("203.0.113.8"), "web", std::nullopt},      // a jail's own set
        HeldBan{address("203.0.113.9"), "gone", std::nullopt},     // a jail that is not running
        HeldBan{address("2001:db8::1"), "", now + 3min},           // a set that ends bans itself
    });

    const auto bans = h.manager->bans("");
    CHECK(bans.size() == 4);
    CHECK(held_in(bans, "sshd", "198.51.100.1"));
    CHECK_FALSE(held_in(bans, "sshd", "198.51.100.2"));
    CHECK(held_in(bans, "sshd", "203.0.113.7"));
    CHECK(held_in(bans, "web", "203.0.113.8"));
    CHECK(h.manager->ban_service().table().find("sshd", address("198.51.100.1"))->expires == now + 5min);
    CHECK(h.manager->ban_service().table().find("sshd", address("203.0.113.7"))->expires == now + 10min);
    CHECK(h.manager->ban_service().table().find("sshd", address("2001:db8::1"))->expires == now + 3min);
    CHECK(h.backend->holds("web", address("203.0.113.8")));
    CHECK(h.events.rebuilds == 1);
    CHECK(h.stored_bans().size() == 4);

    // The jails know them: no second ban of a kept address.
    CHECK_FALSE(h.fail("sshd", "203.0.113.7"));
    CHECK_FALSE(h.fail("sshd", "203.0.113.7"));
    CHECK_FALSE(h.fail("sshd", "203.0.113.7"));
}

TEST_CASE("the journal window reaches back as far as the longest ban an enabled jail can give") {
    ManagerHarness h(sshd_and_web);
    CHECK(h.manager->longest_bantime() == 1h);   // the increment's max
    h.write_config("[defaults]\nbantime = \"infinity\"\n[jail.sshd]\nfilter = \"demo\"\n");
    h.manager->reload();
    CHECK(h.manager->longest_bantime() == infinite_usec);
}

TEST_CASE("a usable store at start rebuilds nothing and asks the firewall nothing") {
    ManagerHarness h(sshd_and_web);
    h.attack("sshd", "198.51.100.1");
    h.restart();
    CHECK_FALSE(h.manager->needs_rebuild());
    CHECK_FALSE(h.backend->asked_for_held());
    CHECK(h.restored.size() == 1);
}

TEST_CASE("after a rebuild, failures read again that a ban in the journal already answered ban no one twice") {
    ManagerHarness h(sshd_and_web);
    h.stop();
    truncate_state_file(h);
    const Usec attack = h.clock.now();
    // .5 was banned for these failures, then lifted by hand; .6 attacked but was never banned.
    const Usec now = attack + 2min;
    h.clock.set(now);
    h.start({
        ban_record(attack + 1s, "sshd", "198.51.100.5", attack + 11min),
        unban_record(attack + 30s, "sshd", "198.51.100.5"),
    });
    CHECK(h.manager->bans("").empty());

    // The follower reads the last findtime again (no cursor): the same failures come back.
    h.clock.set(attack);
    for (int i = 0; i < 3; ++i) {
        h.fail("sshd", "198.51.100.5");   // the jail decides; the Manager knows better
        h.fail("sshd", "198.51.100.6");
    }
    CHECK_FALSE(h.banned("sshd", "198.51.100.5"));
    CHECK(h.banned("sshd", "198.51.100.6"));
    CHECK(h.events.banned_bans.size() == 1);

    // Read up to the present: new failures of .5 are new, and ban it, as a second offence.
    h.clock.set(now);
    h.end_chunk();
    CHECK(h.attack("sshd", "198.51.100.5") == 3);
    const auto b = h.manager->ban_service().table().find("sshd", address("198.51.100.5"));
    REQUIRE(b);
    CHECK(b->expires == now + 20min);
}

TEST_CASE("banjod killed while the disk was full: the next start keeps what the firewall holds and the store lacks") {
    ManagerHarness h(sshd_and_web);
    h.attack("sshd", "198.51.100.1");   // saved
    h.disk->full = true;
    h.attack("sshd", "198.51.100.2");
    h.manager->ban("sshd", "203.0.113.5", Usec(0));
    h.manager->unban("sshd", "198.51.100.1");   // lifted while the disk was full
    // Killed: nothing more is written. The disk is freed before the next start.
    h.manager.reset();
    h.state.reset();
    h.disk->full = false;
    h.clock.advance(1min);
    const Usec now = h.clock.now();
    h.start({unban_record(now - 50s, "sshd", "198.51.100.1")});

    CHECK(h.manager->needs_rebuild());
    CHECK_FALSE(h.banned("sshd", "198.51.100.1"));   // the journal's unban is newer than the store
    REQUIRE(h.backend->asked_for_held());
    h.backend->hand_over_held({HeldBan{address("198.51.100.2"), "", std::nullopt},
                               HeldBan{address("203.0.113.5"), "", std::nullopt}});
    CHECK(h.banned("sshd", "198.51.100.2"));
    CHECK(h.banned("sshd", "203.0.113.5"));
    CHECK(h.stored_bans().size() == 2);
    CHECK_FALSE(std::filesystem::exists(h.state_dir() + "/banjo.db-unsaved"));

    h.restart();   // merged and written: an ordinary start again
    CHECK_FALSE(h.manager->needs_rebuild());
    CHECK(h.restored.size() == 2);
}
