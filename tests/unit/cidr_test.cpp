// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/cidr.hpp"

#include <doctest/doctest.h>

using banjo::Address;
using banjo::Cidr;
using banjo::Family;

namespace {

Address addr(std::string_view text) { return *Address::parse(text); }

std::string canon(std::string_view text) {
    auto c = Cidr::parse(text);
    return c ? c->to_string() : "<nullopt>";
}

}  // namespace

TEST_CASE("a network with a length parses and prints back unchanged") {
    auto c = Cidr::parse("198.51.100.0/24");
    REQUIRE(c);
    CHECK(c->network == addr("198.51.100.0"));
    CHECK(c->prefix_len == 24);
    CHECK(c->to_string() == "198.51.100.0/24");
    CHECK(canon("2001:db8::/32") == "2001:db8::/32");
}

TEST_CASE("a bare address is a host prefix and prints without a length") {
    CHECK(*Cidr::parse("203.0.113.9") == Cidr{addr("203.0.113.9"), 32});
    CHECK(*Cidr::parse("2001:db8::7") == Cidr{addr("2001:db8::7"), 128});
    CHECK(canon("203.0.113.9/32") == "203.0.113.9");
    CHECK(canon("2001:DB8::7/128") == "2001:db8::7");
    CHECK(Cidr::host(addr("::1")).to_string() == "::1");
}

TEST_CASE("host bits are cleared, so equal networks compare equal") {
    CHECK(Cidr::parse("198.51.100.77/24") == Cidr::parse("198.51.100.0/24"));
    CHECK(canon("198.51.100.77/24") == "198.51.100.0/24");
    CHECK(canon("198.51.100.77/27") == "198.51.100.64/27");
    CHECK(canon("2001:db8:ffff::1/33") == "2001:db8:8000::/33");
    CHECK(canon("2001:db8::1/0") == "::/0");
    CHECK(canon("203.0.113.9/0") == "0.0.0.0/0");
}

TEST_CASE("an IPv4-mapped prefix of length 96 or more folds to IPv4") {
    CHECK(canon("::ffff:198.51.100.0/120") == "198.51.100.0/24");
    CHECK(canon("::FFFF:c633:6480/121") == "198.51.100.128/25");
    CHECK(canon("::ffff:198.51.100.7/128") == "198.51.100.7");
    CHECK(canon("::ffff:198.51.100.7") == "198.51.100.7");
    CHECK(canon("::ffff:0:0/96") == "0.0.0.0/0");
}

TEST_CASE("an IPv4-mapped address with a length below 96 is an IPv6 network") {
    auto c = Cidr::parse("::ffff:198.51.100.7/88");
    REQUIRE(c);
    CHECK(c->network.family() == Family::ipv6);
    CHECK(c->to_string() == "::ff00:0:0/88");
    CHECK(canon("::ffff:198.51.100.7/64") == "::/64");
}

TEST_CASE("a length beyond the family's or a malformed length is refused") {
    for (const char* bad : {"198.51.100.0/33", "2001:db8::/129", "::ffff:1.2.3.4/129", "198.51.100.0/",
                            "198.51.100.0/-1", "198.51.100.0/+8", "198.51.100.0/08", "198.51.100.0/ 8",
                            "198.51.100.0/8 ", "198.51.100.0/1000", "198.51.100.0/99999999999999999999",
                            "198.51.100.0/24/8", "/24", "", "/", "example.com/24", "10.1/16",
                            "198.51.100.0/255.255.255.0", "198.51.100.0\\24"}) {
        CAPTURE(std::string(bad));
        CHECK_FALSE(Cidr::parse(bad));
    }
}

TEST_CASE("zones and brackets in the address part are handled as for addresses") {
    CHECK(canon("fe80::1%eth0/64") == "fe80::/64");
    CHECK(canon("[2001:db8::]/32") == "2001:db8::/32");
    CHECK_FALSE(Cidr::parse("[2001:db8::/32]"));
}

TEST_CASE("a network contains the addresses inside it and no others") {
    auto net = *Cidr::parse("198.51.100.64/26");
    CHECK(net.contains(addr("198.51.100.64")));
    CHECK(net.contains(addr("198.51.100.127")));
    CHECK_FALSE(net.contains(addr("198.51.100.63")));
    CHECK_FALSE(net.contains(addr("198.51.100.128")));

    auto net6 = *Cidr::parse("2001:db8::/32");
    CHECK(net6.contains(addr("2001:db8:ffff::1")));
    CHECK_FALSE(net6.contains(addr("2001:db9::1")));
}

TEST_CASE("a network never contains an address of the other family") {
    CHECK_FALSE(Cidr::parse("::/0")->contains(addr("198.51.100.7")));
    CHECK_FALSE(Cidr::parse("0.0.0.0/0")->contains(addr("2001:db8::1")));
    CHECK_FALSE(Cidr::parse("::/96")->contains(addr("::ffff:198.51.100.7")));
}

TEST_CASE("a zero-length network contains every address of its family") {
    CHECK(Cidr::parse("0.0.0.0/0")->contains(addr("255.255.255.255")));
    CHECK(Cidr::parse("::/0")->contains(addr("ffff::1")));
}

TEST_CASE("a host prefix contains exactly its address") {
    auto h = Cidr::host(addr("2001:db8::7"));
    CHECK(h.contains(addr("2001:db8::7")));
    CHECK_FALSE(h.contains(addr("2001:db8::6")));
}

TEST_CASE("an IPv4-mapped address matches the IPv4 network it folds into") {
    CHECK(Cidr::parse("127.0.0.0/8")->contains(addr("::ffff:127.0.0.1")));
}

TEST_CASE("make clears host bits and refuses over-long prefixes") {
    CHECK(Cidr::make(addr("198.51.100.77"), 24)->to_string() == "198.51.100.0/24");
    CHECK_FALSE(Cidr::make(addr("198.51.100.77"), 33));
    CHECK(Cidr::make(addr("2001:db8::1"), 128)->to_string() == "2001:db8::1");
    CHECK_FALSE(Cidr::make(addr("2001:db8::1"), 129));
}

TEST_CASE("networks sort by family, then address, then length") {
    CHECK(*Cidr::parse("10.0.0.0/8") < *Cidr::parse("10.0.0.0/16"));
    CHECK(*Cidr::parse("10.0.0.0/16") < *Cidr::parse("11.0.0.0/8"));
    CHECK(*Cidr::parse("255.0.0.0/8") < *Cidr::parse("::/0"));
}

TEST_CASE("every canonical text parses back to the same network") {
    for (const char* text : {"0.0.0.0/0", "198.51.100.128/25", "203.0.113.9", "::/0", "2001:db8::/32",
                             "2001:db8:8000::/33", "::ff00:0:0/88", "fe80::/10"}) {
        CAPTURE(std::string(text));
        auto c = Cidr::parse(text);
        REQUIRE(c);
        CHECK(c->to_string() == text);
        CHECK(Cidr::parse(c->to_string()) == c);
    }
}
