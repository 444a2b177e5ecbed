// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/special_address.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using namespace banjo;

namespace {

std::optional<SpecialAddress> kind_of(const char* text) {
    auto a = Address::parse(text);
    REQUIRE(a);
    return special_address(*a);
}

}  // namespace

TEST_CASE("the unspecified addresses of both families are never banned") {
    CHECK(kind_of("0.0.0.0") == SpecialAddress::unspecified);
    CHECK(kind_of("::") == SpecialAddress::unspecified);
    CHECK(kind_of("0:0:0:0:0:0:0:0") == SpecialAddress::unspecified);
}

TEST_CASE("IPv4-mapped forms are judged as the IPv4 address they carry") {
    CHECK(kind_of("::ffff:0.0.0.0") == SpecialAddress::unspecified);
    CHECK(kind_of("::ffff:255.255.255.255") == SpecialAddress::broadcast);
    CHECK(kind_of("::ffff:224.0.0.1") == SpecialAddress::multicast);
    CHECK(kind_of("::ffff:169.254.1.1") == SpecialAddress::link_local);
    CHECK(kind_of("::ffff:127.0.0.1") == SpecialAddress::loopback);
    CHECK(kind_of("::ffff:198.51.100.7") == std::nullopt);
}

TEST_CASE("0.0.0.0/8 other than 0.0.0.0 is 'this network'") {
    CHECK(kind_of("0.0.0.1") == SpecialAddress::this_network);
    CHECK(kind_of("0.255.255.255") == SpecialAddress::this_network);
    CHECK(kind_of("1.0.0.0") == std::nullopt);
}

TEST_CASE("multicast is refused in both families, at the edges of its ranges") {
    CHECK(kind_of("224.0.0.0") == SpecialAddress::multicast);
    CHECK(kind_of("239.255.255.255") == SpecialAddress::multicast);
    CHECK(kind_of("223.255.255.255") == std::nullopt);
    CHECK(kind_of("ff02::1") == SpecialAddress::multicast);
    CHECK(kind_of("ff00::") == SpecialAddress::multicast);
    CHECK(kind_of("fe00::1") == std::nullopt);
}

TEST_CASE("link-local addresses are refused, with or without a zone") {
    CHECK(kind_of("169.254.0.0") == SpecialAddress::link_local);
    CHECK(kind_of("169.254.255.255") == SpecialAddress::link_local);
    CHECK(kind_of("169.253.255.255") == std::nullopt);
    CHECK(kind_of("fe80::1") == SpecialAddress::link_local);
    CHECK(kind_of("fe80::1%eth0") == SpecialAddress::link_local);
    CHECK(kind_of("[febf:ffff::1%2]") == SpecialAddress::link_local);
    CHECK(kind_of("fec0::1") == std::nullopt);   // site-local, deprecated but routable in old networks
}

TEST_CASE("the limited broadcast address is refused, the rest of 240.0.0.0/4 is not") {
    CHECK(kind_of("255.255.255.255") == SpecialAddress::broadcast);
    CHECK(kind_of("255.255.255.254") == std::nullopt);
    CHECK(kind_of("240.0.0.1") == std::nullopt);
}

TEST_CASE("loopback is special in both families") {
    CHECK(kind_of("127.0.0.1") == SpecialAddress::loopback);
    CHECK(kind_of("127.255.255.254") == SpecialAddress::loopback);
    CHECK(kind_of("::1") == SpecialAddress::loopback);
    CHECK(kind_of("::2") == SpecialAddress::ipv4_compatible);
}

TEST_CASE("deprecated IPv4-compatible IPv6 addresses are refused") {
    CHECK(kind_of("::198.51.100.7") == SpecialAddress::ipv4_compatible);
    CHECK(kind_of("::1:0:0:0") == std::nullopt);
}

TEST_CASE("ordinary addresses, documentation ranges included, may be banned") {
    for (const char* text : {"198.51.100.7", "203.0.113.1", "192.0.2.1", "10.0.0.1", "2001:db8::1", "fd00::1",
                             "2002:c000:0204::1", "64:ff9b::198.51.100.7"})
        CHECK_MESSAGE(kind_of(text) == std::nullopt, text);
}

TEST_CASE("every kind has a label word and a description") {
    for (SpecialAddress kind : all_special_addresses) {
        CHECK(!to_string(kind).empty());
        CHECK(to_string(kind).find(' ') == std::string_view::npos);
        CHECK(!describe(kind).empty());
    }
}
