// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/jail.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace std::chrono_literals;

namespace {

Address addr(const char* text) { return *Address::parse(text); }
Usec at(int seconds) { return Usec(std::chrono::seconds(1'700'000'000 + seconds)); }

JailSettings sshd(unsigned maxretry = 3) {
    JailSettings s;
    s.name = "sshd";
    s.maxretry = maxretry;
    s.findtime = 10min;
    s.ban.bantime = 10min;
    return s;
}

}  // namespace

TEST_CASE("an address is banned at its maxretry-th failure inside findtime") {
    Jail jail(sshd(3));
    CHECK_FALSE(jail.add_failure(addr("198.51.100.4"), at(0)));
    CHECK_FALSE(jail.add_failure(addr("198.51.100.4"), at(10)));
    auto ban = jail.add_failure(addr("198.51.100.4"), at(20));
    REQUIRE(ban);
    CHECK(ban->address == addr("198.51.100.4"));
    CHECK(ban->failures == 3);
    CHECK(ban->bantime == Usec(10min));
    CHECK(ban->time == at(20));
}

TEST_CASE("failures spread wider than findtime never ban") {
    Jail jail(sshd(3));
    for (int i = 0; i < 20; ++i) CHECK_FALSE(jail.add_failure(addr("198.51.100.4"), at(i * 301)));
}

TEST_CASE("failures of different addresses are counted apart") {
    Jail jail(sshd(2));
    CHECK_FALSE(jail.add_failure(addr("198.51.100.4"), at(0)));
    CHECK_FALSE(jail.add_failure(addr("203.0.113.9"), at(1)));
    CHECK(jail.add_failure(addr("203.0.113.9"), at(2)));
    CHECK(jail.tracked_addresses() == 1);
}

TEST_CASE("an IPv4-mapped IPv6 address counts as the same host as its IPv4 form") {
    Jail jail(sshd(2));
    CHECK_FALSE(jail.add_failure(addr("::ffff:198.51.100.4"), at(0)));
    auto ban = jail.add_failure(addr("198.51.100.4"), at(1));
    REQUIRE(ban);
    CHECK(ban->address.to_string() == "198.51.100.4");
}

TEST_CASE("an address on the ignore list is never banned") {
    JailSettings s = sshd(1);
    s.ignore.insert(*Cidr::parse("203.0.113.0/24"));
    Jail jail(s);
    FailureOutcome outcome{};
    CHECK_FALSE(jail.add_failure(addr("203.0.113.77"), at(0), &outcome));
    CHECK(outcome == FailureOutcome::ignored);
    CHECK(jail.add_failure(addr("198.51.100.4"), at(0)));
}

TEST_CASE("a banned address is not banned again while its ban lasts") {
    Jail jail(sshd(1));
    CHECK(jail.add_failure(addr("198.51.100.4"), at(0)));
    FailureOutcome outcome{};
    CHECK_FALSE(jail.add_failure(addr("198.51.100.4"), at(300), &outcome));
    CHECK(outcome == FailureOutcome::already_banned);
    CHECK(jail.add_failure(addr("198.51.100.4"), at(601)));
}

TEST_CASE("a repeat offender's ban grows with the increment policy") {
    JailSettings s = sshd(1);
    s.ban.increment = {true, 3.0, {}, 24h};
    Jail jail(s);
    auto first = jail.add_failure(addr("198.51.100.4"), at(0));
    auto second = jail.add_failure(addr("198.51.100.4"), at(700));
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->bantime == Usec(10min));
    CHECK(second->bantime == Usec(30min));
    CHECK(second->previous_bans == 1);
}

TEST_CASE("failures after an early unban count again") {
    Jail jail(sshd(1));
    CHECK(jail.add_failure(addr("198.51.100.4"), at(0)));
    jail.forget_ban(addr("198.51.100.4"));
    CHECK(jail.add_failure(addr("198.51.100.4"), at(5)));
}

TEST_CASE("the number of tracked addresses stays bounded under a flood of distinct addresses") {
    JailSettings s = sshd(5);
    s.max_tracked = 1000;
    Jail jail(s);
    for (std::uint32_t i = 0; i < 20'000; ++i) jail.add_failure(Address::ipv4(0xC6336400u + i), at(static_cast<int>(i / 100)));
    CHECK(jail.tracked_addresses() <= 1000);
}

TEST_CASE("a flood of distinct addresses does not stop a persistent attacker from being banned") {
    JailSettings s = sshd(5);
    s.max_tracked = 1000;
    Jail jail(s);
    bool banned = false;
    for (std::uint32_t i = 0; i < 5000; ++i) {
        jail.add_failure(Address::ipv4(0xCB007100u + i), at(static_cast<int>(i / 50)));
        if (i % 900 == 0) banned = banned || jail.add_failure(addr("198.51.100.4"), at(static_cast<int>(i / 50))).has_value();
    }
    CHECK(banned);
}

TEST_CASE("pruning forgets addresses whose failures are all older than findtime") {
    Jail jail(sshd(5));
    jail.add_failure(addr("198.51.100.4"), at(0));
    jail.add_failure(addr("198.51.100.5"), at(500));
    jail.prune(at(650));
    CHECK(jail.tracked_addresses() == 1);
}

TEST_CASE("a repeat offender is forgotten once its history is older than the retention") {
    JailSettings s = sshd(1);
    s.ban.increment = {true, 2.0, {}, 24h};
    Jail jail(s);
    CHECK(jail.add_failure(addr("198.51.100.4"), at(0)));
    CHECK(jail.previous_bans(addr("198.51.100.4")) == 1);
    jail.forget_history_before(at(10'000));
    CHECK(jail.previous_bans(addr("198.51.100.4")) == 0);
    auto again = jail.add_failure(addr("198.51.100.4"), at(20'000));
    REQUIRE(again);
    CHECK(again->bantime == Usec(10min));
}

TEST_CASE("a failure from an address banjo never bans is refused and never counted") {
    Jail jail(sshd(1));
    for (const char* text : {"0.0.0.0", "::", "255.255.255.255", "224.0.0.1", "ff02::1", "169.254.1.1", "fe80::1%eth0",
                             "::ffff:0.0.0.0", "0.1.2.3", "127.0.0.1", "::1"}) {
        FailureOutcome outcome{};
        CHECK_FALSE(jail.add_failure(addr(text), at(0), &outcome));
        CHECK_MESSAGE(outcome == FailureOutcome::refused, text);
    }
    CHECK(jail.tracked_addresses() == 0);
    CHECK(jail.total_failures() == 0);
    CHECK(jail.add_failure(addr("198.51.100.4"), at(1)));   // and a real attacker still is banned
}

TEST_CASE("an address on the ignore list is ignored before it is judged special") {
    JailSettings s = sshd(1);
    s.ignore.insert(*Cidr::parse("127.0.0.0/8"));
    Jail jail(s);
    FailureOutcome outcome{};
    CHECK_FALSE(jail.add_failure(addr("127.0.0.1"), at(0), &outcome));
    CHECK(outcome == FailureOutcome::ignored);
    CHECK_FALSE(jail.add_failure(addr("::1"), at(0), &outcome));
    CHECK(outcome == FailureOutcome::refused);
}

namespace {

JailSettings one_strike(const char* name, bool overall) {
    JailSettings s = sshd(1);
    s.name = name;
    s.ban.increment.enabled = true;
    s.ban.increment.factor = 2.0;
    s.ban.increment.max = std::chrono::weeks(1);
    s.ban.increment.overall_jails = overall;
    return s;
}

}  // namespace

TEST_CASE("with overall-jails the increment counts the address's bans in every jail") {
    Jail sshd_jail(one_strike("sshd", true));
    Jail postfix(one_strike("postfix", false));
    OverallBans overall;
    overall.set_jails({&sshd_jail, &postfix});
    sshd_jail.set_overall(&overall);
    postfix.set_overall(&overall);
    const Address x = addr("203.0.113.9");

    auto first = postfix.add_failure(x, at(0));   // postfix: its first ban
    REQUIRE(first);
    CHECK(first->bantime == Usec(10min));
    auto second = sshd_jail.add_failure(x, at(1000));   // sshd counts postfix's ban: n = 1
    REQUIRE(second);
    CHECK(second->previous_bans == 1);
    CHECK(second->bantime == Usec(20min));
    // postfix counts only its own ban (n = 1), not sshd's.
    auto third = postfix.add_failure(x, at(2000));
    REQUIRE(third);
    CHECK(third->bantime == Usec(20min));
    // sshd now sees 1 of its own and 2 of postfix: 10 min * 2^3.
    auto fourth = sshd_jail.add_failure(x, at(5000));
    REQUIRE(fourth);
    CHECK(fourth->previous_bans == 3);
    CHECK(fourth->bantime == Usec(80min));
}

TEST_CASE("without overall-jails another jail's bans do not lengthen this jail's") {
    Jail sshd_jail(one_strike("sshd", false));
    Jail postfix(one_strike("postfix", false));
    OverallBans overall;
    overall.set_jails({&sshd_jail, &postfix});
    sshd_jail.set_overall(&overall);
    const Address x = addr("203.0.113.9");
    REQUIRE(postfix.add_failure(x, at(0)));
    auto ban = sshd_jail.add_failure(x, at(1000));
    REQUIRE(ban);
    CHECK(ban->bantime == Usec(10min));
}

TEST_CASE("rnd draws come from the jail's seed: the same seed bans for the same time") {
    JailSettings s = one_strike("sshd", false);
    s.ban.increment.rnd = 60s;
    s.random_seed = 0;
    Jail a(s), b(s);
    auto ban_a = a.add_failure(addr("203.0.113.9"), at(0));
    auto ban_b = b.add_failure(addr("203.0.113.9"), at(0));
    REQUIRE(ban_a);
    REQUIRE(ban_b);
    // The first splitmix64 draw of seed 0 is 0xe220a8397b1dcdaf; modulo 60000001 that is 28471784.
    CHECK(ban_a->bantime == Usec(10min) + Usec(28'471'784));
    CHECK(ban_b->bantime == ban_a->bantime);
    // The next ban takes the next draw (0x6e789e6aa1b965f4 % 60000001 = 22915875), n = 1.
    auto again = a.add_failure(addr("203.0.113.9"), at(2000));
    REQUIRE(again);
    CHECK(again->bantime == Usec(20min) + Usec(22'915'875));
}

TEST_CASE("a jail whose ban history is full forgets the offender banned longest ago") {
    JailSettings s = sshd(1);
    s.history_max_entries = 16;
    Jail jail(s);
    const Address first = addr("198.51.100.1");
    REQUIRE(jail.add_failure(first, at(0)));
    CHECK(jail.previous_bans(first) == 1);
    // 40 other offenders, each banned later than the first.
    for (std::uint32_t i = 0; i < 40; ++i) REQUIRE(jail.add_failure(Address::ipv4(0xcb007100u + i), at(10 + static_cast<int>(i))));
    CHECK(jail.addresses_with_history() <= 16);
    CHECK(jail.previous_bans(first) == 0);                         // dropped: a first offender again
    CHECK(jail.previous_bans(Address::ipv4(0xcb007100u + 39)) == 1);   // the newest is kept
}
