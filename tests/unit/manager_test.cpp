// SPDX-License-Identifier: GPL-2.0-or-later
// The Manager's life without a bus: a jail's ban decisions, expiry on the wall clock, restore
// after a restart, reload handover, and the firewall backend's state.
#include "daemon/manager.hpp"

#include "core/config_error.hpp"
#include "manager_harness.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace banjo::test;

namespace {

const std::string sshd_only =
    "[defaults]\nbantime = \"10m\"\nfindtime = \"10m\"\nmaxretry = 3\n"
    "[jail.sshd]\nfilter = \"demo\"\n";

const std::string sshd_and_web =
    "[defaults]\nbantime = \"10m\"\nfindtime = \"10m\"\nmaxretry = 3\n"
    "[jail.sshd]\nfilter = \"demo\"\n"
    "[jail.web]\nfilter = \"demo\"\n";

}  // namespace

TEST_CASE("a jail's decision bans the address in the firewall and the store, and announces it") {
    ManagerHarness h(sshd_only);
    CHECK(h.attack("sshd", "198.51.100.7") == 3);

    CHECK(h.backend->holds("sshd", address("198.51.100.7")));
    const auto stored = h.stored_bans();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].address == address("198.51.100.7"));
    CHECK(stored[0].origin == BanOrigin::filter);
    CHECK(stored[0].failures == 3);
    CHECK(h.on_disk().cursor() == "cursor-1");   // committed with the chunk's cursor
    REQUIRE(h.events.banned_bans.size() == 1);
    CHECK(h.events.banned_bans[0].banned == t0);
    CHECK(h.events.banned_bans[0].expires == t0 + 10min);
}

TEST_CASE("a ban ends exactly at its expiry, not a microsecond before") {
    ManagerHarness h(sshd_only);
    h.attack("sshd", "198.51.100.7");

    h.clock.set(t0 + 10min - 1us);
    h.manager->expire_due();
    CHECK(h.banned("sshd", "198.51.100.7"));
    CHECK(h.manager->expiry_wait() == 1us);

    h.clock.set(t0 + 10min);
    CHECK(h.manager->expiry_wait() == 0us);
    h.manager->expire_due();
    CHECK_FALSE(h.banned("sshd", "198.51.100.7"));
    CHECK_FALSE(h.backend->holds("sshd", address("198.51.100.7")));
    CHECK(h.stored_bans().empty());
    REQUIRE(h.events.unbanned_bans.size() == 1);
    CHECK(h.events.unbanned_bans[0].second == UnbanReason::expired);
    CHECK(h.manager->expiry_wait() == std::nullopt);
}

TEST_CASE("the expiry timer sleeps at most a minute, so a wall-clock step forward ends bans within one") {
    ManagerHarness h(sshd_only);
    h.attack("sshd", "198.51.100.7");
    CHECK(h.manager->expiry_wait() == 1min);

    h.clock.advance(2h);   // an administrator's date, NTP after a long suspend
    CHECK(h.manager->expiry_wait() == 0us);
    h.manager->expire_due();
    CHECK_FALSE(h.banned("sshd", "198.51.100.7"));
}

TEST_CASE("a wall-clock step backwards keeps a ban until its wall-clock end") {
    ManagerHarness h(sshd_only);
    h.attack("sshd", "198.51.100.7");

    h.clock.set(t0 - 1h);
    h.manager->expire_due();
    CHECK(h.banned("sshd", "198.51.100.7"));
    CHECK(h.manager->expiry_wait() == 1min);

    h.clock.set(t0 + 10min);
    h.manager->expire_due();
    CHECK_FALSE(h.banned("sshd", "198.51.100.7"));
}

TEST_CASE("many bans that end at the same moment are all lifted by one expiry") {
    ManagerHarness h(sshd_only);
    for (int i = 0; i < 500; ++i) {
        const std::string a = "2001:db8::" + std::to_string(i + 1);
        h.manager->ban("sshd", a, 5min);
    }
    REQUIRE(h.backend->held() == 500);
    REQUIRE(h.stored_bans().size() == 500);

    h.clock.advance(5min);
    h.manager->expire_due();
    CHECK(h.manager->ban_service().table().size() == 0);
    CHECK(h.backend->held() == 0);
    CHECK(h.stored_bans().empty());
    CHECK(h.events.unbanned_bans.size() == 500);
    CHECK(h.manager->expiry_wait() == std::nullopt);
}

TEST_CASE("a permanent ban never expires and is UINT64_MAX on the wire") {
    ManagerHarness h(sshd_only);
    const Usec expires = h.manager->ban("sshd", "198.51.100.7", infinite_usec);
    CHECK(expires == infinite_usec);
    CHECK(to_wire_usec(expires) == UINT64_MAX);

    h.clock.advance(std::chrono::years(100));
    h.manager->expire_due();
    CHECK(h.banned("sshd", "198.51.100.7"));
    CHECK(h.manager->expiry_wait() == std::nullopt);
}

TEST_CASE("a restart puts bans in force back into the firewall with origin restored, without announcing them") {
    ManagerHarness h(sshd_only);
    h.attack("sshd", "198.51.100.7");
    h.manager->ban("sshd", "2001:db8::7", infinite_usec);
    h.clock.advance(1min);
    h.restart();

    CHECK(h.restored.size() == 2);
    CHECK(h.manager->journal().cursor == "cursor-1");   // JournalCursor before the journal reads on
    CHECK(h.backend->holds("sshd", address("198.51.100.7")));
    CHECK(h.backend->holds("sshd", address("2001:db8::7")));
    const auto b = h.manager->ban_service().table().find("sshd", address("198.51.100.7"));
    REQUIRE(b.has_value());
    CHECK(b->origin == BanOrigin::restored);
    CHECK(b->expires == t0 + 10min);   // its end does not move
    CHECK(h.events.banned_bans.empty());
}

TEST_CASE("bans that ended while banjod was down are dropped at restart and never reach the firewall") {
    ManagerHarness h(sshd_only);
    h.manager->ban("sshd", "198.51.100.1", 10min);
    h.manager->ban("sshd", "198.51.100.2", 2h);
    h.manager->ban("sshd", "198.51.100.3", 1h);   // ends exactly at the restart
    h.stop();
    h.clock.advance(1h);
    h.start();

    REQUIRE(h.restored.size() == 1);
    CHECK(h.restored[0].address == address("198.51.100.2"));
    CHECK(h.backend->count(RecordingBackend::Kind::add) == 1);
    CHECK(h.stored_bans().size() == 1);
    CHECK(h.events.unbanned_bans.empty());   // they ended long ago; nothing to announce
}

TEST_CASE("a repeat offender's ban grows across expiry and restart") {
    ManagerHarness h("[defaults]\nbantime = \"10m\"\nmaxretry = 2\n"
                     "[defaults.increment]\nenabled = true\nfactor = 2\nmax = \"1w\"\n"
                     "[jail.sshd]\nfilter = \"demo\"\n");
    h.attack("sshd", "198.51.100.7");
    h.clock.advance(10min);
    h.manager->expire_due();
    h.restart();

    h.attack("sshd", "198.51.100.7");
    REQUIRE(h.events.banned_bans.size() == 1);
    CHECK(h.events.banned_bans[0].expires - h.events.banned_bans[0].banned == 20min);
}

TEST_CASE("ban history older than history-age is purged: the next ban is a first one again") {
    const std::string config = "[defaults]\nbantime = \"10m\"\nmaxretry = 2\nhistory-age = \"2d\"\n"
                               "[defaults.increment]\nenabled = true\nfactor = 2\nmax = \"1w\"\n"
                               "[jail.sshd]\nfilter = \"demo\"\n";
    ManagerHarness h(config);
    h.attack("sshd", "198.51.100.7");
    h.attack("sshd", "198.51.100.8");
    h.clock.advance(10min);
    h.manager->expire_due();
    // .8 offends again after a day (inside history-age): its history stays.
    h.clock.advance(std::chrono::days(1));
    h.attack("sshd", "198.51.100.8");
    h.clock.advance(std::chrono::days(1) + 30min);   // .7's last ban ended over 2 days ago
    h.manager->expire_due();
    h.manager->housekeeping();
    h.restart();   // what the store kept, not only what the jail held

    h.events.banned_bans.clear();
    h.attack("sshd", "198.51.100.7");
    h.attack("sshd", "198.51.100.8");
    REQUIRE(h.events.banned_bans.size() == 2);
    CHECK(h.events.banned_bans[0].expires - h.events.banned_bans[0].banned == 10min);
    CHECK(h.events.banned_bans[1].expires - h.events.banned_bans[1].banned == 40min);   // its third ban
}

TEST_CASE("a ban by hand without a duration follows the increment like a jail's ban") {
    ManagerHarness h("[defaults]\nbantime = \"10m\"\nmaxretry = 2\n"
                     "[defaults.increment]\nenabled = true\nmultipliers = [1, 6]\n"
                     "[jail.sshd]\nfilter = \"demo\"\n");
    h.attack("sshd", "198.51.100.7");
    h.clock.advance(10min);
    h.manager->expire_due();
    const Usec expires = h.manager->ban("sshd", "198.51.100.7", Usec(0));
    CHECK(expires - h.clock.now() == 60min);
}

TEST_CASE("a reload keeps the failure counts of unchanged jails") {
    ManagerHarness h(sshd_only);
    CHECK_FALSE(h.fail("sshd", "198.51.100.7"));
    CHECK_FALSE(h.fail("sshd", "198.51.100.7"));
    h.write_config(sshd_and_web);   // another jail comes, sshd stays as it was
    h.manager->reload();

    CHECK(h.events.jail_set_changes == 1);
    CHECK(h.fail("sshd", "198.51.100.7"));   // the third failure, counted across the reload
}

TEST_CASE("a jail whose settings change on reload counts from zero again") {
    ManagerHarness h(sshd_only);
    h.fail("sshd", "198.51.100.7");
    h.fail("sshd", "198.51.100.7");
    h.write_config("[defaults]\nbantime = \"10m\"\nfindtime = \"20m\"\nmaxretry = 3\n"
                   "[jail.sshd]\nfilter = \"demo\"\n");
    h.manager->reload();

    CHECK_FALSE(h.fail("sshd", "198.51.100.7"));
    CHECK_FALSE(h.fail("sshd", "198.51.100.7"));
    CHECK(h.fail("sshd", "198.51.100.7"));
}

TEST_CASE("a jail removed or disabled by a reload has its bans flushed") {
    ManagerHarness h(sshd_and_web + "[jail.mail]\nfilter = \"demo\"\n");
    h.attack("web", "198.51.100.7");
    h.attack("mail", "198.51.100.8");
    h.attack("sshd", "198.51.100.9");
    // web is gone; mail stays, disabled.
    h.write_config("[defaults]\nbantime = \"10m\"\nfindtime = \"10m\"\nmaxretry = 3\n"
                   "[jail.sshd]\nfilter = \"demo\"\n"
                   "[jail.mail]\nfilter = \"demo\"\nenabled = false\n");
    h.manager->reload();

    CHECK_FALSE(h.banned("web", "198.51.100.7"));
    CHECK_FALSE(h.banned("mail", "198.51.100.8"));
    CHECK(h.banned("sshd", "198.51.100.9"));
    CHECK_FALSE(h.backend->holds("web", address("198.51.100.7")));
    CHECK_FALSE(h.backend->holds("mail", address("198.51.100.8")));
    CHECK(h.stored_bans().size() == 1);
    REQUIRE(h.events.unbanned_bans.size() == 2);
    CHECK(h.events.unbanned_bans[0].second == UnbanReason::flushed);
    CHECK(h.events.unbanned_bans[1].second == UnbanReason::flushed);
    CHECK(h.manager->jail_set().find("mail") == nullptr);
}

TEST_CASE("changing a jail's ports on reload moves its bans in the firewall to the new ports") {
    ManagerHarness h("[defaults]\nmaxretry = 3\n[jail.sshd]\nfilter = \"demo\"\nports = [\"ssh\"]\n");
    h.attack("sshd", "198.51.100.7");
    CHECK(h.backend->ports_of("sshd", address("198.51.100.7")) == std::vector<std::string>{"ssh"});

    h.write_config("[defaults]\nmaxretry = 3\n[jail.sshd]\nfilter = \"demo\"\nports = [\"2222/tcp\"]\n");
    h.manager->reload();

    CHECK(h.backend->ports_of("sshd", address("198.51.100.7")) == std::vector<std::string>{"2222/tcp"});
    CHECK(h.backend->count(RecordingBackend::Kind::remove, address("198.51.100.7")) == 1);
    CHECK(h.banned("sshd", "198.51.100.7"));
    CHECK(h.events.unbanned_bans.empty());   // moved, not lifted
}

TEST_CASE("an invalid configuration on reload is refused and the running jails keep their bans and counts") {
    ManagerHarness h(sshd_only);
    h.attack("sshd", "198.51.100.7");
    h.fail("sshd", "198.51.100.8");
    h.fail("sshd", "198.51.100.8");
    h.write_config("[jail.sshd]\nfilter = \"demo\"\nmaxretries = 3\n");

    CHECK_THROWS_AS(h.manager->reload(), ConfigError);
    CHECK(h.banned("sshd", "198.51.100.7"));
    CHECK(h.events.jail_set_changes == 0);
    CHECK(h.fail("sshd", "198.51.100.8"));
}

TEST_CASE("bans are decided and stored while the firewall is unavailable, and reach the backend") {
    ManagerHarness h(sshd_only);
    h.backend->go_unavailable();
    CHECK(h.events.backend_changes == 1);
    CHECK(h.manager->status_line().find("firewall unavailable") != std::string::npos);

    h.attack("sshd", "198.51.100.7");
    CHECK(h.backend->holds("sshd", address("198.51.100.7")));   // the backend keeps it until it can
    CHECK(h.stored_bans().size() == 1);
    CHECK(h.events.banned_bans.size() == 1);

    h.backend->recover();
    CHECK(h.events.backend_changes == 2);
}

TEST_CASE("each change of the backend's state reaches the listener once; a new problem while degraded does not") {
    ManagerHarness h(sshd_only);
    h.backend->refuse("run firewall-cmd --reload");
    h.backend->refuse("zone drop does not exist");
    CHECK(h.events.backend_changes == 1);
    h.backend->recover();
    h.backend->recover();
    CHECK(h.events.backend_changes == 2);
}

TEST_CASE("a jail removed by a reload, or no longer limited to ports, is forgotten by the backend") {
    ManagerHarness h("[defaults]\nmaxretry = 3\n[jail.sshd]\nfilter = \"demo\"\nports = [\"ssh\"]\n"
                     "[jail.web]\nfilter = \"demo\"\nports = [\"http\"]\n");
    h.attack("web", "198.51.100.7");
    h.write_config("[defaults]\nmaxretry = 3\n[jail.sshd]\nfilter = \"demo\"\n");
    h.manager->reload();
    CHECK(h.backend->forgot("web"));
    CHECK(h.backend->forgot("sshd"));
    // Its bans were taken out first, under the ports they went in with.
    CHECK_FALSE(h.backend->holds("web", address("198.51.100.7")));
    const auto forget = std::find_if(h.backend->calls.begin(), h.backend->calls.end(), [](const RecordingBackend::Call& c) {
        return c.kind == RecordingBackend::Kind::forget && c.jail == "web";
    });
    const auto remove = std::find_if(h.backend->calls.begin(), h.backend->calls.end(), [](const RecordingBackend::Call& c) {
        return c.kind == RecordingBackend::Kind::remove && c.jail == "web";
    });
    CHECK(remove < forget);
}

TEST_CASE("a restart lifts the saved bans of jails removed or disabled meanwhile, and of never-banned addresses") {
    ManagerHarness h(sshd_and_web + "[jail.mail]\nfilter = \"demo\"\n");
    h.attack("web", "198.51.100.7");
    h.attack("mail", "198.51.100.8");
    h.attack("sshd", "198.51.100.9");
    {
        // As an older banjo, which banned anything, would have saved it.
        auto disk = h.on_disk();
        auto batch = disk.begin();
        batch.add_ban(StoredBan{"sshd", address("0.0.0.0"), t0, t0 + 1h, 3, BanOrigin::filter}, true);
        batch.commit();
    }
    h.write_config(sshd_only + "[jail.mail]\nfilter = \"demo\"\nenabled = false\n");
    h.restart();

    REQUIRE(h.restored.size() == 1);
    CHECK(h.restored[0].address == address("198.51.100.9"));
    CHECK(h.backend->held() == 1);
    CHECK_FALSE(h.backend->holds("web", address("198.51.100.7")));
    CHECK_FALSE(h.backend->holds("mail", address("198.51.100.8")));
    CHECK_FALSE(h.backend->holds("sshd", address("0.0.0.0")));
    CHECK(h.stored_bans().size() == 1);   // gone from the store too: no Unban could reach them
}
