// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ban_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

using namespace banjo;
using namespace std::chrono_literals;

namespace {

Ban ban(const char* jail, const char* address, Usec expires) {
    return Ban{jail, *Address::parse(address), Usec(0), expires, 5, BanOrigin::filter};
}

}  // namespace

TEST_CASE("banning the same address in the same jail twice keeps one ban with the later data") {
    BanTable t;
    CHECK(t.insert(ban("sshd", "198.51.100.4", 100s)));
    CHECK_FALSE(t.insert(ban("sshd", "198.51.100.4", 200s)));
    CHECK(t.size() == 1);
    CHECK(t.find("sshd", *Address::parse("198.51.100.4"))->expires == Usec(200s));
    CHECK(t.next_expiry() == Usec(200s));
}

TEST_CASE("the same address may be banned in two jails independently") {
    BanTable t;
    t.insert(ban("sshd", "198.51.100.4", 100s));
    t.insert(ban("postfix", "198.51.100.4", 50s));
    CHECK(t.size() == 2);
    CHECK(t.count("sshd") == 1);
    CHECK(t.erase("postfix", *Address::parse("198.51.100.4")));
    CHECK(t.find("sshd", *Address::parse("198.51.100.4")));
}

TEST_CASE("expired bans come out earliest first and permanent bans never expire") {
    BanTable t;
    t.insert(ban("sshd", "198.51.100.4", 300s));
    t.insert(ban("sshd", "203.0.113.9", 100s));
    t.insert(ban("sshd", "2001:db8::1", infinite_usec));
    auto expired = t.take_expired(Usec(1000s));
    REQUIRE(expired.size() == 2);
    CHECK(expired[0].address.to_string() == "203.0.113.9");
    CHECK(expired[1].address.to_string() == "198.51.100.4");
    CHECK(t.size() == 1);
    CHECK_FALSE(t.next_expiry());
}

TEST_CASE("a ban is not expired before its time") {
    BanTable t;
    t.insert(ban("sshd", "198.51.100.4", 300s));
    CHECK(t.take_expired(Usec(299s)).empty());
    CHECK(t.take_expired(Usec(300s)).size() == 1);
}

TEST_CASE("removing a jail's bans leaves the other jails' bans") {
    BanTable t;
    t.insert(ban("sshd", "198.51.100.4", 300s));
    t.insert(ban("sshd", "198.51.100.5", 300s));
    t.insert(ban("web", "198.51.100.4", 300s));
    CHECK(t.take_jail("sshd").size() == 2);
    CHECK(t.size() == 1);
    CHECK(t.next_expiry() == Usec(300s));
}

TEST_CASE("many bans with equal and different expiries come out in expiry, jail, address order") {
    // Enough entries that the flat table grows, moves entries on erase and shrinks.
    BanTable t(12345);
    std::vector<Ban> all;
    for (int i = 0; i < 3000; ++i) {
        const std::string address = "2001:db8::" + std::to_string(i % 1000) + ":" + std::to_string(i / 1000);
        Ban b{i % 2 ? "web" : "sshd", *Address::parse(address), Usec(0), Usec(std::chrono::seconds(1 + (i * 7919) % 50)), 5,
              BanOrigin::filter};
        if (i % 97 == 0) b.expires = infinite_usec;
        CHECK(t.insert(b));
        all.push_back(b);
    }
    // Lift a third by hand, extend a few: the heap follows the entries the map moves.
    for (int i = 0; i < 3000; i += 3) CHECK(t.erase(all[i].jail, all[i].address));
    for (int i = 1; i < 3000; i += 300) {
        all[i].expires = Usec(60s);
        CHECK_FALSE(t.insert(all[i]));
    }
    CHECK(t.size() == 2000);
    CHECK(t.count("sshd") + t.count("web") == 2000);
    std::vector<Ban> expected;
    for (int i = 0; i < 3000; ++i)
        if (i % 3 != 0 && all[i].expires != infinite_usec) expected.push_back(all[i]);
    std::sort(expected.begin(), expected.end(), [](const Ban& a, const Ban& b) {
        return std::tie(a.expires, a.jail, a.address) < std::tie(b.expires, b.jail, b.address);
    });
    std::vector<Ban> got;
    for (int s = 0; s <= 60; ++s) {
        auto part = t.take_expired(Usec(std::chrono::seconds(s)));
        got.insert(got.end(), part.begin(), part.end());
        if (auto next = t.next_expiry()) CHECK(*next > Usec(std::chrono::seconds(s)));
    }
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].address == expected[i].address);
        CHECK(got[i].jail == expected[i].jail);
        CHECK(got[i].expires == expected[i].expires);
    }
    CHECK_FALSE(t.next_expiry());
    CHECK(t.size() == 2000 - expected.size());   // the permanent ones
    for (const Ban& b : t.list()) CHECK(b.expires == infinite_usec);
}

TEST_CASE("a ban keeps its origin, fleet host, failures and times; list is ordered by jail, then address") {
    BanTable t;
    t.insert(Ban{"web", *Address::parse("203.0.113.9"), Usec(5s), Usec(50s), 7, BanOrigin::fleet, "peer-a"});
    t.insert(Ban{"sshd", *Address::parse("203.0.113.9"), Usec(6s), Usec(60s), 3, BanOrigin::manual});
    t.insert(Ban{"sshd", *Cidr::parse("2001:db8:1::/64"), Usec(7s), infinite_usec, 0, BanOrigin::restored});
    t.insert(Ban{"sshd", *Address::parse("198.51.100.1"), Usec(8s), Usec(80s), 5, BanOrigin::fleet, "peer-b"});
    const auto listed = t.list();
    REQUIRE(listed.size() == 4);
    CHECK(listed[0].jail == "sshd");
    CHECK(listed[0].address.to_string() == "198.51.100.1");
    CHECK(listed[0].origin_host == "peer-b");
    CHECK(listed[1].address.to_string() == "203.0.113.9");
    CHECK(listed[1].origin == BanOrigin::manual);
    CHECK(listed[1].origin_host.empty());
    CHECK(listed[2].address.to_string() == "2001:db8:1::/64");
    CHECK(listed[3].jail == "web");
    const auto web = t.find("web", *Address::parse("203.0.113.9"));
    REQUIRE(web);
    CHECK(web->banned == Usec(5s));
    CHECK(web->expires == Usec(50s));
    CHECK(web->failures == 7);
    CHECK(web->origin == BanOrigin::fleet);
    CHECK(web->origin_host == "peer-a");
    CHECK(t.list("web").size() == 1);
    CHECK(t.list("nope").empty());
    CHECK(t.count("nope") == 0);
    CHECK_FALSE(t.find("nope", *Address::parse("203.0.113.9")));
    CHECK_FALSE(t.erase("nope", *Address::parse("203.0.113.9")));
}
