// SPDX-License-Identifier: GPL-2.0-or-later
// The Manager's runtime controls: Unban of a network, UnbanAll, settings changed until a
// reload, and Why.
#include "daemon/manager.hpp"
#include "daemon/operation_error.hpp"

#include "manager_harness.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace banjo::test;
using namespace std::chrono_literals;

namespace {

const std::string two_jails =
    "[defaults]\nbantime = \"10m\"\nfindtime = \"10m\"\nmaxretry = 3\nignore = [\"198.51.100.200/29\"]\n"
    "[jail.sshd]\nfilter = \"demo\"\n"
    "[jail.web]\nfilter = \"demo\"\n";

}  // namespace

TEST_CASE("unban of a network lifts the bans inside it and no other") {
    ManagerHarness h(two_jails);
    for (const char* a : {"198.51.100.1", "198.51.100.2", "203.0.113.1"}) h.manager->ban("sshd", a, 1h);
    h.manager->ban("web", "198.51.100.3", 1h);
    CHECK(h.manager->unban("sshd", "198.51.100.0/24") == 2);
    CHECK(h.manager->bans("sshd").size() == 1);
    CHECK(h.manager->bans("web").size() == 1);
    CHECK(h.manager->unban("", "198.51.100.0/25") == 1);   // every jail
    CHECK_THROWS_AS(h.manager->unban("", "198.51.100.0/24"), OperationError);
}

TEST_CASE("unban_all lifts every ban of one jail or of all, and none is no error") {
    ManagerHarness h(two_jails);
    h.manager->ban("sshd", "198.51.100.1", 1h);
    h.manager->ban("sshd", "198.51.100.2", 1h);
    h.manager->ban("web", "198.51.100.3", 1h);
    CHECK(h.manager->unban_all("sshd") == 2);
    CHECK(h.manager->bans("").size() == 1);
    CHECK(h.manager->unban_all("") == 1);
    CHECK(h.manager->unban_all("") == 0);
    CHECK_THROWS_AS(h.manager->unban_all("nosuch"), OperationError);
}

TEST_CASE("maxretry and bantime set at runtime apply at once and a reload restores the file's") {
    ManagerHarness h(two_jails);
    h.manager->set_maxretry("sshd", 1);
    h.manager->set_bantime("sshd", 2h);
    CHECK(h.manager->jail("sshd").config->settings.maxretry == 1);
    CHECK(h.attack("sshd", "198.51.100.7") == 1);
    REQUIRE(h.events.banned_bans.size() == 1);
    CHECK(h.events.banned_bans[0].expires - h.events.banned_bans[0].banned == 2h);
    CHECK_THROWS_AS(h.manager->set_maxretry("sshd", 0), OperationError);
    CHECK_THROWS_AS(h.manager->set_findtime("sshd", Usec(0)), OperationError);

    h.manager->reload();   // the file still says 3 and 10m
    CHECK(h.manager->jail("sshd").config->settings.maxretry == 3);
    CHECK(h.manager->jail("sshd").config->settings.ban.bantime == Usec(10min));
    CHECK(h.attack("sshd", "198.51.100.8") == 3);
}

TEST_CASE("why names the ignore entry, the failures counted now and the bans") {
    ManagerHarness h(two_jails);
    CHECK_FALSE(h.fail("sshd", "198.51.100.9"));
    CHECK_FALSE(h.fail("sshd", "198.51.100.9"));
    h.manager->ban("web", "198.51.100.9", 1h);
    const Manager::Explanation e = h.manager->why("198.51.100.9");
    REQUIRE(e.jails.size() == 2);
    CHECK(e.jails[0].jail == "sshd");
    CHECK(e.jails[0].failure_times.size() == 2);
    CHECK_FALSE(e.jails[0].ignored_by);
    REQUIRE(e.active.size() == 1);
    CHECK(e.active[0].jail == "web");
    REQUIRE(e.past.size() == 1);
    CHECK(e.past[0].jail == "web");

    const Manager::Explanation ignored = h.manager->why("198.51.100.201");
    REQUIRE(ignored.jails[1].ignored_by);
    CHECK(ignored.jails[1].ignored_by->to_string() == "198.51.100.200/29");
    CHECK_THROWS_AS(h.manager->why("not-an-address"), OperationError);
}

TEST_CASE("a jail with observe = true decides but bans nothing, and decides once per bantime") {
    ManagerHarness h("[defaults]\nbantime = \"10m\"\nfindtime = \"10m\"\nmaxretry = 2\n"
                     "[jail.watch]\nfilter = \"demo\"\nobserve = true\n");
    CHECK(h.manager->config().jails[0].settings.observe);
    CHECK(h.attack("watch", "198.51.100.7") == 2);
    CHECK(h.events.banned_bans.empty());
    CHECK(h.manager->bans("").empty());
    CHECK(h.backend->count(RecordingBackend::Kind::add) == 0);
    CHECK(h.attack("watch", "198.51.100.7", 5) == 5);   // inside the would-be ban: no new decision
}
