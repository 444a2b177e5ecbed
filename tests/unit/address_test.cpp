// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/address.hpp"

#include <doctest/doctest.h>

#include <string>
#include <unordered_set>

using banjo::Address;
using banjo::AddressHash;
using banjo::Family;

namespace {

std::string canon(std::string_view text) {
    auto a = Address::parse(text);
    return a ? a->to_string() : "<nullopt>";
}

}  // namespace

TEST_CASE("a dotted quad parses to an IPv4 address and prints back unchanged") {
    auto a = Address::parse("198.51.100.7");
    REQUIRE(a);
    CHECK(a->family() == Family::ipv4);
    CHECK(a->bit_length() == 32);
    CHECK(a->bytes()[0] == 198);
    CHECK(a->bytes()[3] == 7);
    CHECK(a->to_string() == "198.51.100.7");
    CHECK(canon("0.0.0.0") == "0.0.0.0");
    CHECK(canon("255.255.255.255") == "255.255.255.255");
}

TEST_CASE("an IPv4 octet with a leading zero is refused because it could be read as octal") {
    CHECK_FALSE(Address::parse("192.030.0.6"));
    CHECK_FALSE(Address::parse("01.2.3.4"));
    CHECK_FALSE(Address::parse("1.2.3.00"));
}

TEST_CASE("IPv4 shorthand, extra octets and out-of-range octets are refused") {
    for (const char* bad : {"10.1", "10.1.2", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "256.1.1.1",
                            "1.2.3.1000", "1.2.3.-4", "+1.2.3.4", " 1.2.3.4", "1.2.3.4 ", "0x7f.0.0.1",
                            "4294967295", "1.2.3.4/32", "1.2.3.4:22"}) {
        CAPTURE(std::string(bad));
        CHECK_FALSE(Address::parse(bad));
    }
}

TEST_CASE("host names and other words are not addresses") {
    for (const char* bad : {"localhost", "example.com", "host-1.example.org", "abc", "dead:beef",
                            "cafe", "", "[", "[]", "[::1", "::1]", "%eth0"}) {
        CAPTURE(std::string(bad));
        CHECK_FALSE(Address::parse(bad));
    }
}

TEST_CASE("IPv6 in full, compressed and upper-case form prints in RFC 5952 canonical form") {
    CHECK(canon("2001:0db8:0000:0000:0000:0000:0000:0001") == "2001:db8::1");
    CHECK(canon("2001:DB8::1") == "2001:db8::1");
    CHECK(canon("2001:db8:0:0:0:0:0:1") == "2001:db8::1");
    CHECK(canon("::") == "::");
    CHECK(canon("::1") == "::1");
    CHECK(canon("1::") == "1::");
    CHECK(canon("fe80::0:0:1") == "fe80::1");
    CHECK(canon("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2:3:4:5:6");
}

TEST_CASE("canonical IPv6 compresses the longest zero run, the first one on a tie") {
    CHECK(canon("2001:db8:0:0:1:0:0:0") == "2001:db8:0:0:1::");
    CHECK(canon("2001:0:0:1:0:0:0:1") == "2001:0:0:1::1");
    CHECK(canon("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");
    CHECK(canon("0:0:1:0:0:1:0:0") == "::1:0:0:1:0:0");
}

TEST_CASE("canonical IPv6 never compresses a single zero group") {
    CHECK(canon("2001:db8:0:1:1:1:1:1") == "2001:db8:0:1:1:1:1:1");
    CHECK(canon("2001:db8::1:1:1:1:1") == "2001:db8:0:1:1:1:1:1");
    CHECK(canon("1:0:1:0:1:0:1:0") == "1:0:1:0:1:0:1:0");
}

TEST_CASE("IPv6 with a dotted IPv4 tail parses as the same 128 bits") {
    CHECK(canon("64:ff9b::198.51.100.7") == "64:ff9b::c633:6407");
    CHECK(canon("1:2:3:4:5:6:1.2.3.4") == "1:2:3:4:5:6:102:304");
    CHECK(canon("::1.2.3.4") == "::102:304");
}

TEST_CASE("IPv4-mapped IPv6 in any spelling folds to the IPv4 address") {
    for (const char* mapped : {"::ffff:198.51.100.7", "::FFFF:198.51.100.7", "::ffff:c633:6407",
                               "0:0:0:0:0:ffff:198.51.100.7", "0000:0000:0000:0000:0000:FFFF:C633:6407",
                               "[::ffff:198.51.100.7]", "::ffff:198.51.100.7%eth0"}) {
        CAPTURE(std::string(mapped));
        auto a = Address::parse(mapped);
        REQUIRE(a);
        CHECK(a->family() == Family::ipv4);
        CHECK(*a == *Address::parse("198.51.100.7"));
    }
}

TEST_CASE("the IPv4-mapped fold also applies to addresses built from bytes") {
    std::array<std::uint8_t, 16> b{};
    b[10] = b[11] = 0xff;
    b[12] = 203, b[13] = 0, b[14] = 113, b[15] = 9;
    CHECK(Address::ipv6(b) == Address::ipv4(0xcb007109));
    CHECK(Address::ipv6(b).to_string() == "203.0.113.9");
}

TEST_CASE("brackets around an IPv6 literal are accepted, around IPv4 they are not") {
    CHECK(canon("[2001:db8::1]") == "2001:db8::1");
    CHECK(canon("[fe80::1%eth0]") == "fe80::1");
    CHECK_FALSE(Address::parse("[198.51.100.7]"));
    CHECK_FALSE(Address::parse("[2001:db8::1]:22"));
}

TEST_CASE("a zone suffix is dropped, so the host is the same key on every link") {
    CHECK(Address::parse("fe80::1%eth0") == Address::parse("fe80::1"));
    CHECK(Address::parse("fe80::1%2") == Address::parse("fe80::1"));
    CHECK_FALSE(Address::parse("fe80::1%"));
    CHECK_FALSE(Address::parse("fe80::1%eth0 x"));
    CHECK_FALSE(Address::parse("fe80::1%eth0/64"));
    CHECK_FALSE(Address::parse("198.51.100.7%eth0"));
}

TEST_CASE("malformed IPv6 is refused") {
    for (const char* bad :
         {":::", "::::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1::2", "1::2:", "1:2:3:4:5:6:7:8::",
          "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6::7:8", "12345::1", "g::1", "::ffff:1.2.3", "::ffff:1.2.3.4.5",
          "::ffff:192.030.0.6", "::1.2.3.4:1", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:256.1.1.1", "2001:db8::1 ",
          "2001:db8:: 1", "-::1"}) {
        CAPTURE(std::string(bad));
        CHECK_FALSE(Address::parse(bad));
    }
}

TEST_CASE("'::' may stand for a single zero group on input") {
    CHECK(canon("1:2:3:4:5:6:7::") == "1:2:3:4:5:6:7:0");
    CHECK(canon("::2:3:4:5:6:7:8") == "0:2:3:4:5:6:7:8");
}

TEST_CASE("hostile input gives nullopt without crashing") {
    CHECK_FALSE(Address::parse(std::string(1 << 20, '1')));
    CHECK_FALSE(Address::parse(std::string(1 << 20, ':')));
    CHECK_FALSE(Address::parse("fe80::1%" + std::string(1000, 'a')));
    CHECK_FALSE(Address::parse(std::string_view("1.2.3.4\0", 8)));
    CHECK_FALSE(Address::parse(std::string_view("1.2.3.4\0.5", 10)));
    CHECK_FALSE(Address::parse(std::string_view("::1\0", 4)));
    CHECK_FALSE(Address::parse("\xff\xfe.1.2.3"));
    CHECK_FALSE(Address::parse("\xc2\xb9.2.3.4"));   // superscript one is not a digit
}

TEST_CASE("loopback is 127.0.0.0/8 and ::1, and nothing else") {
    CHECK(Address::parse("127.0.0.1")->is_loopback());
    CHECK(Address::parse("127.255.3.4")->is_loopback());
    CHECK(Address::parse("::1")->is_loopback());
    CHECK(Address::parse("::ffff:127.0.0.1")->is_loopback());
    CHECK_FALSE(Address::parse("128.0.0.1")->is_loopback());
    CHECK_FALSE(Address::parse("::")->is_loopback());
    CHECK_FALSE(Address::parse("::2")->is_loopback());
    CHECK_FALSE(Address::parse("1::1")->is_loopback());
}

TEST_CASE("bit 0 is the most significant bit of the first byte") {
    auto a = *Address::parse("128.0.0.1");
    CHECK(a.bit(0));
    CHECK_FALSE(a.bit(1));
    CHECK(a.bit(31));
    CHECK_FALSE(a.bit(32));   // beyond the family's length
    auto b = *Address::parse("::1");
    CHECK_FALSE(b.bit(0));
    CHECK(b.bit(127));
}

TEST_CASE("IPv4 and IPv6 addresses with the same leading bytes differ") {
    std::array<std::uint8_t, 16> b{};
    b[0] = 198, b[1] = 51, b[2] = 100, b[3] = 7;
    auto v6 = Address::ipv6(b);
    auto v4 = *Address::parse("198.51.100.7");
    CHECK(v6 != v4);
    CHECK(v4 < v6);
    CHECK(AddressHash{}(v4) != AddressHash{}(v6));
}

TEST_CASE("addresses order by family, then numerically") {
    CHECK(*Address::parse("9.0.0.0") < *Address::parse("10.0.0.0"));
    CHECK(*Address::parse("255.0.0.0") < *Address::parse("::"));
    CHECK(*Address::parse("2001:db8::2") < *Address::parse("2001:db8::10"));
}

TEST_CASE("ipv4() takes a host-order integer") {
    CHECK(Address::ipv4(0xc6336407).to_string() == "198.51.100.7");
    CHECK(Address::ipv4(0x7f000001).is_loopback());
}

TEST_CASE("every canonical text parses back to the same address") {
    for (const char* text : {"0.0.0.0", "203.0.113.255", "::", "::1", "2001:db8::", "2001:db8::1:0:0:1",
                             "1:0:1:0:1:0:1:0", "fe80::abcd:ef01", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                             "::ffff:0:0", "::fffe:1.2.3.4", "0:0:0:0:0:1:ffff:0"}) {
        CAPTURE(std::string(text));
        auto a = Address::parse(text);
        REQUIRE(a);
        CHECK(Address::parse(a->to_string()) == a);
    }
}

TEST_CASE("the hash spreads a dense IPv4 range and a dense IPv6 range without collisions") {
    AddressHash hash;
    std::unordered_set<std::size_t> seen;
    for (std::uint32_t i = 0; i < 65536; ++i) seen.insert(hash(Address::ipv4(0xcb000000 + i)));
    CHECK(seen.size() == 65536);

    seen.clear();
    std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
    for (unsigned i = 0; i < 65536; ++i) {
        b[14] = static_cast<std::uint8_t>(i >> 8);
        b[15] = static_cast<std::uint8_t>(i);
        seen.insert(hash(Address::ipv6(b)));
    }
    CHECK(seen.size() == 65536);
}

TEST_CASE("the hash fills the low bits that bucket selection uses evenly") {
    AddressHash hash;
    std::array<unsigned, 256> buckets{};
    for (std::uint32_t i = 0; i < 256 * 64; ++i) ++buckets[hash(Address::ipv4(0xc6336400 + (i << 8))) & 0xff];
    for (unsigned n : buckets) CHECK(n > 20);   // a uniform spread gives 64 per bucket
}

TEST_CASE("a seeded hash differs from the default one") {
    auto a = *Address::parse("198.51.100.7");
    CHECK(AddressHash{}(a) != AddressHash{42}(a));
    CHECK(AddressHash{42}(a) == AddressHash{42}(a));
}
