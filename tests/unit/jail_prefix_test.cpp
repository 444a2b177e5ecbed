// SPDX-License-Identifier: GPL-2.0-or-later
// Jails that count and ban per network (ipv4-prefix, ipv6-prefix), and the ignore list that
// still wins over such a network.
#include "core/jail.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace std::chrono_literals;

namespace {

Address addr(const char* text) { return *Address::parse(text); }
Cidr cidr(const char* text) { return *Cidr::parse(text); }
Usec at(int seconds) { return Usec(std::chrono::seconds(1'700'000'000 + seconds)); }

JailSettings sshd(unsigned maxretry, unsigned ipv4_prefix = 32, unsigned ipv6_prefix = 128) {
    JailSettings s;
    s.name = "sshd";
    s.maxretry = maxretry;
    s.findtime = 10min;
    s.ban.bantime = 10min;
    s.ipv4_prefix = static_cast<std::uint8_t>(ipv4_prefix);
    s.ipv6_prefix = static_cast<std::uint8_t>(ipv6_prefix);
    return s;
}

}  // namespace

TEST_CASE("two addresses of one /64 add up to one ban of the /64 at maxretry") {
    Jail jail(sshd(3, 32, 64));
    CHECK_FALSE(jail.add_failure(addr("2001:db8:1:2::7"), at(0)));
    CHECK_FALSE(jail.add_failure(addr("2001:db8:1:2:ffff::1"), at(1)));
    CHECK(jail.tracked_addresses() == 1);
    auto ban = jail.add_failure(addr("2001:db8:1:2::7"), at(2));
    REQUIRE(ban);
    CHECK(ban->address.to_string() == "2001:db8:1:2::/64");
    CHECK(ban->failures == 3);
    CHECK_FALSE(ban->narrowed);
    // Every address of the network is banned with it: its failures are not counted anew.
    FailureOutcome outcome{};
    CHECK_FALSE(jail.add_failure(addr("2001:db8:1:2::99"), at(3), &outcome));
    CHECK(outcome == FailureOutcome::already_banned);
    // The next /64 is another attacker.
    CHECK_FALSE(jail.add_failure(addr("2001:db8:1:3::7"), at(4), &outcome));
    CHECK(outcome == FailureOutcome::counted);
}

TEST_CASE("ipv4-prefix counts the addresses of an IPv4 network together, IPv6 apart") {
    Jail jail(sshd(2, 24, 128));
    CHECK_FALSE(jail.add_failure(addr("198.51.100.4"), at(0)));
    auto ban = jail.add_failure(addr("198.51.100.200"), at(1));
    REQUIRE(ban);
    CHECK(ban->address.to_string() == "198.51.100.0/24");
    CHECK_FALSE(jail.add_failure(addr("2001:db8::1"), at(2)));
    CHECK_FALSE(jail.add_failure(addr("2001:db8::2"), at(3)));
}

TEST_CASE("the defaults 32 and 128 count and ban each address alone, as before prefixes") {
    Jail jail(sshd(2));
    CHECK_FALSE(jail.add_failure(addr("2001:db8:1:2::7"), at(0)));
    CHECK_FALSE(jail.add_failure(addr("2001:db8:1:2::8"), at(1)));
    CHECK_FALSE(jail.add_failure(addr("198.51.100.4"), at(2)));
    CHECK_FALSE(jail.add_failure(addr("198.51.100.5"), at(3)));
    CHECK(jail.tracked_addresses() == 4);
    auto ban = jail.add_failure(addr("2001:db8:1:2::8"), at(4));
    REQUIRE(ban);
    CHECK(ban->address.is_host());
    CHECK(ban->address.to_string() == "2001:db8:1:2::8");
    CHECK(ban->address == addr("2001:db8:1:2::8"));
    ban = jail.add_failure(addr("198.51.100.4"), at(5));
    REQUIRE(ban);
    CHECK(ban->address.to_string() == "198.51.100.4");
}

TEST_CASE("a prefix that holds an ignored address is narrowed to the address that failed") {
    JailSettings s = sshd(2, 32, 64);
    s.ignore.insert(cidr("2001:db8:1:2::99"));
    Jail jail(s);
    CHECK_FALSE(jail.add_failure(addr("2001:db8:1:2::7"), at(0)));
    auto ban = jail.add_failure(addr("2001:db8:1:2::8"), at(1));
    REQUIRE(ban);
    CHECK(ban->address.to_string() == "2001:db8:1:2::8");
    REQUIRE(ban->narrowed);
    CHECK(ban->narrowed->wide.to_string() == "2001:db8:1:2::/64");
    CHECK(ban->narrowed->kept_out.to_string() == "2001:db8:1:2::99");
    CHECK_FALSE(ban->narrowed->never_banned);
    // The ignored address itself is never counted, and the rest of the /64 goes on counting.
    FailureOutcome outcome{};
    CHECK_FALSE(jail.add_failure(addr("2001:db8:1:2::99"), at(2), &outcome));
    CHECK(outcome == FailureOutcome::ignored);
    CHECK_FALSE(jail.add_failure(addr("2001:db8:1:2::8"), at(3), &outcome));
    CHECK(outcome == FailureOutcome::already_banned);
    CHECK_FALSE(jail.add_failure(addr("2001:db8:1:2::7"), at(4), &outcome));
    CHECK(outcome == FailureOutcome::counted);
    ban = jail.add_failure(addr("2001:db8:1:2::7"), at(5));
    REQUIRE(ban);
    CHECK(ban->address.to_string() == "2001:db8:1:2::7");
}

TEST_CASE("an ignored network that holds the prefix narrows it too, one outside does not") {
    JailSettings s = sshd(1, 24, 128);
    s.ignore.insert(cidr("203.0.113.128/25"));
    Jail jail(s);
    auto ban = jail.add_failure(addr("203.0.113.5"), at(0));
    REQUIRE(ban);
    CHECK(ban->address.to_string() == "203.0.113.5");
    REQUIRE(ban->narrowed);
    CHECK(ban->narrowed->kept_out.to_string() == "203.0.113.128/25");
    ban = jail.add_failure(addr("198.51.100.5"), at(1));
    REQUIRE(ban);
    CHECK(ban->address.to_string() == "198.51.100.0/24");
}

TEST_CASE("a prefix never covers an address banjo never bans") {
    Jail jail(sshd(1, 8, 128));
    // 126.0.0.0/8 lies beside loopback; 127.0.0.0/8 is never banned, so that is all right.
    auto ban = jail.add_failure(addr("126.1.2.3"), at(0));
    REQUIRE(ban);
    CHECK(ban->address.to_string() == "126.0.0.0/8");
    // 255.255.255.0/24 would hold the broadcast address.
    Jail wide(sshd(1, 24, 128));
    ban = wide.add_failure(addr("255.255.255.7"), at(1));
    REQUIRE(ban);
    CHECK(ban->address.to_string() == "255.255.255.7");
    REQUIRE(ban->narrowed);
    CHECK(ban->narrowed->never_banned);
}

TEST_CASE("a network's earlier bans make its next ban longer") {
    JailSettings s = sshd(1, 32, 64);
    s.ban.increment.enabled = true;
    s.ban.increment.factor = 2;
    s.ban.increment.max = 1000min;
    Jail jail(s);
    auto first = jail.add_failure(addr("2001:db8:5::1"), at(0));
    REQUIRE(first);
    auto second = jail.add_failure(addr("2001:db8:5::2"), at(3600));
    REQUIRE(second);
    CHECK(second->address == first->address);
    CHECK(second->previous_bans == 1);
    CHECK(second->bantime > first->bantime);
}
