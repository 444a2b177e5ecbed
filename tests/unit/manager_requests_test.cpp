// SPDX-License-Identifier: GPL-2.0-or-later
// What org.banjo1's methods ask of the Manager (ban, unban, enable, ignore lists), and how it
// refuses what it must not do.
#include "daemon/manager.hpp"

#include "daemon/operation_error.hpp"
#include "manager_harness.hpp"

#include <doctest/doctest.h>

#include <functional>

using namespace banjo;
using namespace banjo::test;

namespace {

const std::string two_jails =
    "[defaults]\nbantime = \"10m\"\nfindtime = \"10m\"\nmaxretry = 3\nignore = [\"198.51.100.0/28\"]\n"
    "[jail.sshd]\nfilter = \"demo\"\n"
    "[jail.web]\nfilter = \"demo\"\n";

// The kind of refusal f() ends in; fails the test when it is none.
template <typename F>
OperationErrorKind refusal(F f) {
    try {
        f();
    } catch (const OperationError& e) {
        return e.kind();
    }
    FAIL("no OperationError");
    return OperationErrorKind::no_such_jail;
}

}  // namespace

TEST_CASE("a manual ban of an ignored address is refused and bans nothing") {
    ManagerHarness h(two_jails);
    CHECK(refusal([&] { h.manager->ban("sshd", "198.51.100.7", 0us); }) == OperationErrorKind::ignored);
    CHECK(h.backend->count(RecordingBackend::Kind::add) == 0);
    CHECK(h.stored_bans().empty());
    CHECK(h.events.banned_bans.empty());
}

TEST_CASE("a manual ban of one of the host's own addresses is refused in a jail with ignore-self") {
    ManagerHarness h(two_jails);
    h.self.insert(*Cidr::parse("203.0.113.5"));
    h.restart();
    CHECK(refusal([&] { h.manager->ban("sshd", "203.0.113.5", 0us); }) == OperationErrorKind::ignored);
    CHECK(h.backend->held() == 0);
}

TEST_CASE("a manual ban with duration 0 lasts the jail's bantime, and counts as an offence") {
    ManagerHarness h(two_jails);
    CHECK(h.manager->ban("sshd", "203.0.113.7", 0us) == t0 + 10min);
    CHECK(h.backend->holds("sshd", address("203.0.113.7")));
    const auto stored = h.stored_bans();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].origin == BanOrigin::manual);
    CHECK(stored[0].failures == 0);
    CHECK(h.on_disk().history("sshd").size() == 1);
    // The jail does not ban it again meanwhile.
    CHECK_FALSE(h.fail("sshd", "203.0.113.7"));
    CHECK_FALSE(h.fail("sshd", "203.0.113.7"));
    CHECK_FALSE(h.fail("sshd", "203.0.113.7"));
}

TEST_CASE("a manual ban names an existing jail and an address") {
    ManagerHarness h(two_jails);
    CHECK(refusal([&] { h.manager->ban("nosuch", "203.0.113.7", 0us); }) == OperationErrorKind::no_such_jail);
    CHECK(refusal([&] { h.manager->ban("sshd", "203.0.113.0/24", 0us); }) == OperationErrorKind::invalid_address);
    CHECK(refusal([&] { h.manager->ban("sshd", "host.example", 0us); }) == OperationErrorKind::invalid_address);
    CHECK(h.backend->entry_calls() == 0);
}

TEST_CASE("unban in one jail lifts only that jail's ban of the address") {
    ManagerHarness h(two_jails);
    h.manager->ban("sshd", "203.0.113.7", 1h);
    h.manager->ban("web", "203.0.113.7", 1h);

    CHECK(h.manager->unban("sshd", "203.0.113.7") == 1);
    CHECK_FALSE(h.backend->holds("sshd", address("203.0.113.7")));
    CHECK(h.backend->holds("web", address("203.0.113.7")));
    REQUIRE(h.events.unbanned_bans.size() == 1);
    CHECK(h.events.unbanned_bans[0].second == UnbanReason::manual);
    CHECK(h.stored_bans().size() == 1);
}

TEST_CASE("unban with jail \"\" lifts the address's bans in every jail") {
    ManagerHarness h(two_jails);
    h.manager->ban("sshd", "203.0.113.7", 1h);
    h.manager->ban("web", "203.0.113.7", 1h);
    h.manager->ban("web", "203.0.113.8", 1h);

    CHECK(h.manager->unban("", "203.0.113.7") == 2);
    CHECK(h.backend->held() == 1);
    CHECK(h.stored_bans().size() == 1);
}

TEST_CASE("unbanning an address that is not banned is refused with NotBanned") {
    ManagerHarness h(two_jails);
    h.manager->ban("web", "203.0.113.7", 1h);
    try {
        h.manager->unban("sshd", "203.0.113.7");
        FAIL("no refusal");
    } catch (const OperationError& e) {
        CHECK(e.kind() == OperationErrorKind::not_banned);
        CHECK(std::string(e.what()) == "203.0.113.7 is not banned in jail sshd");
    }
    CHECK(h.backend->holds("web", address("203.0.113.7")));
}

TEST_CASE("an address unbanned by hand counts its failures from zero again") {
    ManagerHarness h(two_jails);
    h.attack("sshd", "203.0.113.7");
    h.manager->unban("sshd", "203.0.113.7");

    CHECK_FALSE(h.fail("sshd", "203.0.113.7"));
    CHECK_FALSE(h.fail("sshd", "203.0.113.7"));
    CHECK(h.fail("sshd", "203.0.113.7"));
}

TEST_CASE("disabling a jail flushes its bans and stops its counting until it is enabled again") {
    ManagerHarness h(two_jails);
    h.attack("web", "203.0.113.7");
    h.manager->set_enabled("web", false);

    CHECK_FALSE(h.backend->holds("web", address("203.0.113.7")));
    REQUIRE(h.events.unbanned_bans.size() == 1);
    CHECK(h.events.unbanned_bans[0].second == UnbanReason::flushed);
    CHECK(h.events.enabled_changes == std::vector<std::string>{"web"});
    CHECK(h.events.jail_set_changes == 1);
    CHECK(h.manager->jail_set().find("web") == nullptr);
    CHECK_FALSE(h.manager->jail("web").enabled);

    h.manager->set_enabled("web", true);
    CHECK(h.manager->jail_set().find("web") != nullptr);
    CHECK(h.events.jail_set_changes == 2);
}

TEST_CASE("an ignore entry added at runtime protects the address in the running jail") {
    ManagerHarness h(two_jails);
    h.manager->add_ignore("sshd", "203.0.113.0/24");
    CHECK(h.events.ignore_changes == std::vector<std::string>{"sshd"});
    CHECK(refusal([&] { h.manager->ban("sshd", "203.0.113.7", 0us); }) == OperationErrorKind::ignored);
    h.manager->ban("web", "203.0.113.7", 0us);   // another jail's list is its own

    h.manager->remove_ignore("sshd", "203.0.113.0/24");
    CHECK(refusal([&] { h.manager->remove_ignore("sshd", "203.0.113.0/24"); }) == OperationErrorKind::not_ignored);
    CHECK(refusal([&] { h.manager->add_ignore("sshd", "not-a-cidr"); }) == OperationErrorKind::invalid_address);
    h.manager->ban("sshd", "203.0.113.7", 0us);
    CHECK(h.backend->holds("sshd", address("203.0.113.7")));
}

TEST_CASE("the jail summary counts tracked addresses, bans and failures") {
    ManagerHarness h(two_jails);
    h.attack("sshd", "203.0.113.7");
    h.fail("sshd", "203.0.113.8");
    h.manager->ban("sshd", "203.0.113.9", 1h);

    const JailSummary s = h.manager->jail("sshd");
    CHECK(s.enabled);
    CHECK(s.tracked == 1);
    CHECK(s.active_bans == 2);
    CHECK(s.total_bans == 2);
    CHECK(s.total_failures == 4);
    CHECK(h.manager->failures_found() == 4);
    CHECK(refusal([&] { h.manager->jail("nosuch"); }) == OperationErrorKind::no_such_jail);
}

TEST_CASE("a manual ban of an address banjo never bans is refused as invalid, after the ignore list") {
    ManagerHarness h("[defaults]\nignore-self = false\nignore = [\"127.0.0.0/8\"]\n[jail.sshd]\nfilter = \"demo\"\n");
    for (const char* text : {"0.0.0.0", "::", "255.255.255.255", "224.0.0.1", "ff02::1", "169.254.1.1", "fe80::1%eth0",
                             "::ffff:0.0.0.0", "0.1.2.3", "::1", "::198.51.100.7"})
        CHECK_MESSAGE(refusal([&] { h.manager->ban("sshd", text, 0us); }) == OperationErrorKind::invalid_address, text);
    // Loopback on the ignore list keeps its answer.
    CHECK(refusal([&] { h.manager->ban("sshd", "127.0.0.1", 0us); }) == OperationErrorKind::ignored);
    CHECK(h.backend->entry_calls() == 0);
    CHECK(h.stored_bans().empty());
    CHECK(h.events.banned_bans.empty());
}

TEST_CASE("a refusal quotes at most 64 characters of what the caller sent") {
    ManagerHarness h(two_jails);
    const std::string huge(10'000, 'x');
    for (auto call : std::vector<std::function<void()>>{
             [&] { h.manager->ban("sshd", huge, 0us); },
             [&] { h.manager->ban(huge, "198.51.100.7", 0us); },
             [&] { h.manager->unban("", huge); },
             [&] { h.manager->add_ignore("sshd", huge); },
             [&] { h.manager->jail(huge); },
         }) {
        try {
            call();
            FAIL("not refused");
        } catch (const OperationError& e) {
            CHECK(std::string(e.what()).size() < 150);
            CHECK(std::string(e.what()).find(std::string(64, 'x') + "...") != std::string::npos);
        }
    }
}

TEST_CASE("disabling a jail makes the backend forget its rules") {
    ManagerHarness h("[defaults]\nmaxretry = 3\n[jail.sshd]\nfilter = \"demo\"\nports = [\"ssh\"]\n");
    h.attack("sshd", "198.51.100.7");
    CHECK_FALSE(h.backend->forgot("sshd"));
    h.manager->set_enabled("sshd", false);
    CHECK(h.backend->forgot("sshd"));
    CHECK(h.backend->held() == 0);
}

TEST_CASE("failures from an address banjo never bans are counted as refused and never ban") {
    ManagerHarness h(two_jails);
    for (int i = 0; i < 10; ++i) CHECK_FALSE(h.fail("sshd", "0.0.0.0"));
    h.end_chunk();
    CHECK(h.backend->entry_calls() == 0);
    const JailPipeline* p = h.manager->jail_set().find("sshd");
    REQUIRE(p);
    CHECK(p->counters().refused[static_cast<std::size_t>(SpecialAddress::unspecified)] == 10);
    CHECK(p->counters().failures == 0);
    CHECK(h.manager->failures_found() == 0);
    std::uint64_t not_kept = 0;
    CHECK(h.manager->jail_set().find("sshd")->take_refusals(not_kept).empty());   // the chunk's end reported them
}

TEST_CASE("the ban history lists the bans of every jail since a time, manual ones included") {
    ManagerHarness h(two_jails);
    h.attack("sshd", "203.0.113.1");
    h.clock.advance(1h);
    h.manager->ban("web", "203.0.113.2", 0us);
    auto all = h.manager->ban_history(t0);
    REQUIRE(all.size() == 2);
    CHECK(all[0].jail == "sshd");
    CHECK(all[0].address == address("203.0.113.1"));
    CHECK(all[0].origin == BanOrigin::filter);
    CHECK(all[1].jail == "web");
    CHECK(all[1].origin == BanOrigin::manual);
    CHECK(all[1].banned_at == t0 + 1h);
    CHECK(h.manager->ban_history(t0 + 30min).size() == 1);
    // It outlives the ban and a restart.
    h.manager->unban("", "203.0.113.2");
    h.restart();
    CHECK(h.manager->ban_history(t0).size() == 2);
}

TEST_CASE("the filter tester tells each line's outcome and address, with or without a syslog prefix") {
    ManagerHarness h(two_jails);
    auto v = h.manager->test_filter("demo", "",
                                    {"Dec  7 10:00:01 host demo[42]: bad login from 203.0.113.9", "all is well",
                                     "bad login from 2001:db8:0::7"});
    REQUIRE(v.size() == 3);
    CHECK(v[0].outcome == "failure");
    CHECK(v[0].address == "203.0.113.9");
    CHECK(v[1].outcome == "no-match");
    CHECK(v[1].address.empty());
    CHECK(v[2].outcome == "failure");
    CHECK(v[2].address == "2001:db8::7");
    CHECK(h.backend->count(RecordingBackend::Kind::add) == 0);   // a test bans nothing
    CHECK(h.manager->jail("sshd").tracked == 0);
}

TEST_CASE("the filter tester refuses unknown filters, paths, unknown modes and too many lines") {
    ManagerHarness h(two_jails);
    CHECK(refusal([&] { h.manager->test_filter("nosuch", "", {}); }) == OperationErrorKind::no_such_filter);
    CHECK(refusal([&] { h.manager->test_filter("../filter.d/demo", "", {}); }) == OperationErrorKind::no_such_filter);
    CHECK(refusal([&] { h.manager->test_filter("demo", "nosuchmode", {"x"}); }) == OperationErrorKind::invalid_argument);
    const std::vector<std::string> many(Manager::max_trial_lines + 1, "x");
    CHECK(refusal([&] { h.manager->test_filter("demo", "", many); }) == OperationErrorKind::invalid_argument);
}
