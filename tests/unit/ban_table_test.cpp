// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ban_table.hpp"

#include <doctest/doctest.h>

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
