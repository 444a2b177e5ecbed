// SPDX-License-Identifier: GPL-2.0-or-later
// A peer's decisions applied through the Manager: origin, ignore list, idempotence, expiry,
// local unban, persistence of the streams' positions.
#include "daemon/manager.hpp"

#include "daemon/ignore_command_runner.hpp"
#include "manager_harness.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace banjo::test;

namespace {

const std::string fleet_config =
    "[defaults]\nbantime = \"10m\"\nmaxretry = 3\nignore = [\"198.51.100.0/28\"]\n"
    "[fleet]\nredis = \"redis://127.0.0.1:6379\"\nhost-name = \"host-a\"\npeers = [\"host-b\"]\n"
    "[jail.sshd]\nfilter = \"demo\"\nfleet = \"share\"\n"
    "[jail.web]\nfilter = \"demo\"\n";

FleetDecision peer_ban(const char* jail, const char* text, Usec expires) {
    FleetDecision d;
    d.host = "host-b";
    d.jail = jail;
    d.address = *Cidr::parse(text);
    d.banned = t0;
    d.expires = expires;
    d.failures = 5;
    return d;
}

}  // namespace

TEST_CASE("a peer's ban is applied through the backend with origin fleet:<host>, once") {
    ManagerHarness h(fleet_config);
    CHECK(h.manager->fleet_decision(peer_ban("sshd", "203.0.113.9", t0 + 10min)) == Manager::FleetOutcome::banned);
    CHECK(h.backend->holds("sshd", address("203.0.113.9")));
    auto bans = h.manager->bans("sshd");
    REQUIRE(bans.size() == 1);
    CHECK(origin_text(bans[0].origin, bans[0].origin_host) == "fleet:host-b");
    // The same entry again (a re-read after a reconnect) changes nothing.
    CHECK(h.manager->fleet_decision(peer_ban("sshd", "203.0.113.9", t0 + 10min)) == Manager::FleetOutcome::unchanged);
    CHECK(h.backend->count(RecordingBackend::Kind::add) == 1);
    h.manager->fleet_read({{"host-b", "1700000000000-0"}});
    auto stored = h.stored_bans();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].origin == BanOrigin::fleet);
    CHECK(stored[0].origin_host == "host-b");
    CHECK(h.on_disk().fleet_positions().at("host-b") == "1700000000000-0");
}

TEST_CASE("this host's ignore list wins over a peer, and jails that do not share take nothing") {
    ManagerHarness h(fleet_config);
    CHECK(h.manager->fleet_decision(peer_ban("sshd", "198.51.100.3", t0 + 10min)) == Manager::FleetOutcome::ignored);
    CHECK(h.manager->fleet_decision(peer_ban("web", "203.0.113.9", t0 + 10min)) == Manager::FleetOutcome::not_shared);
    CHECK(h.manager->fleet_decision(peer_ban("nosuch", "203.0.113.9", t0 + 10min)) == Manager::FleetOutcome::not_shared);
    CHECK(h.backend->count(RecordingBackend::Kind::add) == 0);
}

TEST_CASE("a peer's prefix ban is applied as the network, unless it covers an address ignored or never banned here") {
    ManagerHarness h(fleet_config);
    CHECK(h.manager->fleet_decision(peer_ban("sshd", "203.0.113.0/24", t0 + 10min)) == Manager::FleetOutcome::banned);
    auto bans = h.manager->bans("sshd");
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].address.to_string() == "203.0.113.0/24");
    CHECK(h.manager->ban_service().table().contains("sshd", *Cidr::parse("203.0.113.0/24")));
    // 198.51.100.0/28 is on the ignore list: a /24 around it is not banned here.
    CHECK(h.manager->fleet_decision(peer_ban("sshd", "198.51.100.0/24", t0 + 10min)) == Manager::FleetOutcome::ignored);
    // 169.254.0.0/16 (link-local) is never banned: nor is a network that holds it.
    CHECK(h.manager->fleet_decision(peer_ban("sshd", "169.254.0.0/15", t0 + 10min)) == Manager::FleetOutcome::refused);
    CHECK(h.manager->bans("sshd").size() == 1);
    FleetDecision unban = peer_ban("sshd", "203.0.113.0/24", t0);
    unban.kind = FleetDecision::Kind::unban;
    CHECK(h.manager->fleet_decision(unban) == Manager::FleetOutcome::unbanned);
    CHECK(h.manager->bans("sshd").empty());
}

TEST_CASE("a peer's ban that has expired is not applied") {
    ManagerHarness h(fleet_config);
    h.clock.advance(11min);
    CHECK(h.manager->fleet_decision(peer_ban("sshd", "203.0.113.9", t0 + 10min)) == Manager::FleetOutcome::expired);
    CHECK(h.manager->bans("sshd").empty());
}

TEST_CASE("a peer's unban lifts only that peer's ban; this host may lift a peer's ban itself") {
    ManagerHarness h(fleet_config);
    h.manager->ban("sshd", "203.0.113.7", 0us);   // this host's own
    FleetDecision unban = peer_ban("sshd", "203.0.113.7", t0);
    unban.kind = FleetDecision::Kind::unban;
    CHECK(h.manager->fleet_decision(unban) == Manager::FleetOutcome::not_banned);
    CHECK(h.banned("sshd", "203.0.113.7"));

    h.manager->fleet_decision(peer_ban("sshd", "203.0.113.9", t0 + 10min));
    unban.address = *Cidr::parse("203.0.113.9");
    CHECK(h.manager->fleet_decision(unban) == Manager::FleetOutcome::unbanned);
    CHECK_FALSE(h.banned("sshd", "203.0.113.9"));

    h.manager->fleet_decision(peer_ban("sshd", "203.0.113.10", t0 + 10min));
    CHECK(h.manager->unban("sshd", "203.0.113.10") == 1);
    CHECK_FALSE(h.backend->holds("sshd", address("203.0.113.10")));
}

TEST_CASE("a peer's ban survives a restart with its origin host") {
    ManagerHarness h(fleet_config);
    h.manager->fleet_decision(peer_ban("sshd", "203.0.113.9", t0 + 10min));
    h.manager->fleet_read({{"host-b", "1-0"}});
    h.restart();
    auto bans = h.manager->bans("sshd");
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].origin == BanOrigin::fleet);
    CHECK(bans[0].origin_host == "host-b");
}

TEST_CASE("the fleet's shared count reaching maxretry bans here as a filter ban, once") {
    ManagerHarness h(fleet_config);
    h.manager->fleet_count_reached("sshd", address("203.0.113.20"), 3);
    auto bans = h.manager->bans("sshd");
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].origin == BanOrigin::filter);
    CHECK(bans[0].failures == 3);
    h.manager->fleet_count_reached("sshd", address("203.0.113.20"), 4);
    CHECK(h.backend->count(RecordingBackend::Kind::add) == 1);
    h.manager->fleet_count_reached("sshd", address("198.51.100.3"), 3);   // ignored here
    CHECK(h.manager->bans("sshd").size() == 1);
}

namespace {

// Records what would run; the test answers when it wants.
struct AskedCommands final : IgnoreCommandRunner {
    std::vector<std::pair<std::vector<std::string>, Done>> calls;
    void start(std::vector<std::string> argv, std::chrono::microseconds, Done done) override { calls.emplace_back(std::move(argv), std::move(done)); }
};

const std::string fleet_with_command =
    "[defaults]\nbantime = \"10m\"\nmaxretry = 3\n"
    "[fleet]\nredis = \"redis://127.0.0.1:6379\"\nhost-name = \"host-a\"\npeers = [\"host-b\"]\n"
    "[jail.sshd]\nfilter = \"demo\"\nfleet = \"count\"\n"
    "ignore-command = [\"/usr/local/bin/known\", \"{address}\"]\nignore-command-cache = \"10m\"\n";

}  // namespace

TEST_CASE("a peer's ban waits for this host's ignore-command, which can refuse it") {
    ManagerHarness h(fleet_with_command);
    AskedCommands runner;
    h.manager->set_ignore_command_runner(&runner);
    CHECK(h.manager->fleet_decision(peer_ban("sshd", "203.0.113.9", t0 + 10min)) == Manager::FleetOutcome::asking);
    REQUIRE(runner.calls.size() == 1);
    CHECK(runner.calls[0].first == std::vector<std::string>{"/usr/local/bin/known", "203.0.113.9"});
    CHECK_FALSE(h.backend->holds("sshd", address("203.0.113.9")));
    // The same decision read again while the command runs starts no second command.
    CHECK(h.manager->fleet_decision(peer_ban("sshd", "203.0.113.9", t0 + 10min)) == Manager::FleetOutcome::asking);
    CHECK(runner.calls.size() == 1);
    runner.calls[0].second(IgnoreCommandVerdict::ignore, "exit status 0");
    CHECK(h.manager->fleet_asking() == 0);
    CHECK_FALSE(h.backend->holds("sshd", address("203.0.113.9")));
    // The answer is cached: the next peer ban of it is refused without asking.
    CHECK(h.manager->fleet_decision(peer_ban("sshd", "203.0.113.9", t0 + 10min)) == Manager::FleetOutcome::ignored);
    CHECK(runner.calls.size() == 1);

    CHECK(h.manager->fleet_decision(peer_ban("sshd", "203.0.113.10", t0 + 10min)) == Manager::FleetOutcome::asking);
    REQUIRE(runner.calls.size() == 2);
    runner.calls[1].second(IgnoreCommandVerdict::ban, "exit status 1");
    CHECK(h.backend->holds("sshd", address("203.0.113.10")));
    auto bans = h.manager->bans("sshd");
    REQUIRE(bans.size() == 1);
    CHECK(origin_text(bans[0].origin, bans[0].origin_host) == "fleet:host-b");
    CHECK(h.stored_bans().size() == 1);   // committed when the command answered
}

TEST_CASE("a shared count that reaches maxretry asks the ignore-command before this host bans") {
    ManagerHarness h(fleet_with_command);
    AskedCommands runner;
    h.manager->set_ignore_command_runner(&runner);
    h.manager->fleet_count_reached("sshd", address("203.0.113.11"), 5);
    REQUIRE(runner.calls.size() == 1);
    CHECK_FALSE(h.backend->holds("sshd", address("203.0.113.11")));
    runner.calls[0].second(IgnoreCommandVerdict::failed, "timed out after 10 s");
    CHECK(h.backend->holds("sshd", address("203.0.113.11")));   // a failed command bans, as for local bans
    h.manager->fleet_count_reached("sshd", address("203.0.113.12"), 5);
    REQUIRE(runner.calls.size() == 2);
    runner.calls[1].second(IgnoreCommandVerdict::ignore, "exit status 0");
    CHECK_FALSE(h.backend->holds("sshd", address("203.0.113.12")));
}

TEST_CASE("the ban time of the last decision Redis answered is kept with the state, apart from the peers' positions") {
    ManagerHarness h(fleet_config);
    CHECK(h.manager->fleet_published_through() == Usec(0));   // never shared: everything goes out
    h.manager->fleet_published(t0 + 5s);
    h.manager->fleet_read({{"host-b", "1700000000000-0"}});   // the next commit saves it
    CHECK(h.manager->fleet_published_through() == t0 + 5s);
    const auto on_disk = h.on_disk().fleet_positions();
    CHECK(on_disk.at("host-b") == "1700000000000-0");
    CHECK(on_disk.at(std::string(Manager::fleet_published_key)) == std::to_string((t0 + 5s).count()));
}
