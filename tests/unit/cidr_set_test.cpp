// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/cidr_set.hpp"

#include <doctest/doctest.h>

#include <random>
#include <utility>

using banjo::Address;
using banjo::Cidr;
using banjo::CidrSet;

namespace {

Address addr(std::string_view text) { return *Address::parse(text); }
Cidr cidr(std::string_view text) { return *Cidr::parse(text); }

std::string match(const CidrSet& s, std::string_view text) {
    auto m = s.longest_match(addr(text));
    return m ? m->to_string() : "<none>";
}

}  // namespace

TEST_CASE("an empty set contains nothing") {
    CidrSet s;
    CHECK(s.empty());
    CHECK(s.size() == 0);
    CHECK_FALSE(s.contains(addr("198.51.100.7")));
    CHECK_FALSE(s.contains(addr("::1")));
    CHECK(s.entries().empty());
}

TEST_CASE("inserting the same network twice is reported and counted once") {
    CidrSet s;
    CHECK(s.insert(cidr("198.51.100.0/24")));
    CHECK_FALSE(s.insert(cidr("198.51.100.0/24")));
    CHECK_FALSE(s.insert(cidr("198.51.100.99/24")));   // same network once host bits are cleared
    CHECK(s.size() == 1);
}

TEST_CASE("a hand-built network with host bits set is stored as its network") {
    CidrSet s;
    CHECK(s.insert(Cidr{addr("198.51.100.99"), 24}));
    CHECK(s.entries() == std::vector<Cidr>{cidr("198.51.100.0/24")});
    CHECK(s.erase(Cidr{addr("198.51.100.1"), 24}));
    CHECK(s.empty());
}

TEST_CASE("a network longer than its family is refused") {
    CidrSet s;
    CHECK_FALSE(s.insert(Cidr{addr("198.51.100.7"), 33}));
    CHECK_FALSE(s.insert(Cidr{addr("2001:db8::"), 200}));
    CHECK(s.empty());
}

TEST_CASE("lookup returns the most specific network holding the address") {
    CidrSet s;
    s.insert(cidr("10.0.0.0/8"));
    s.insert(cidr("10.1.0.0/16"));
    s.insert(cidr("10.1.2.0/24"));
    s.insert(cidr("10.1.2.3"));
    CHECK(match(s, "10.1.2.3") == "10.1.2.3");
    CHECK(match(s, "10.1.2.4") == "10.1.2.0/24");
    CHECK(match(s, "10.1.3.4") == "10.1.0.0/16");
    CHECK(match(s, "10.2.3.4") == "10.0.0.0/8");
    CHECK(match(s, "11.0.0.0") == "<none>");
}

TEST_CASE("a zero-length network matches every address of its family only") {
    CidrSet s;
    s.insert(cidr("0.0.0.0/0"));
    CHECK(match(s, "203.0.113.9") == "0.0.0.0/0");
    CHECK(match(s, "255.255.255.255") == "0.0.0.0/0");
    CHECK_FALSE(s.contains(addr("2001:db8::1")));
    s.insert(cidr("::/0"));
    CHECK(match(s, "2001:db8::1") == "::/0");
}

TEST_CASE("IPv4 and IPv6 networks live apart") {
    CidrSet s;
    s.insert(cidr("::/96"));    // would hold 198.51.100.7 if families were mixed up
    s.insert(cidr("2001:db8::/32"));
    CHECK_FALSE(s.contains(addr("198.51.100.7")));
    CHECK(match(s, "2001:db8:1::5") == "2001:db8::/32");
    CHECK(match(s, "::5") == "::/96");
}

TEST_CASE("an IPv4-mapped address matches the IPv4 ignore entry") {
    CidrSet s;
    s.insert(cidr("127.0.0.0/8"));
    s.insert(cidr("::1"));
    CHECK(s.contains(addr("::ffff:127.0.0.1")));
    CHECK(s.contains(addr("::1")));
    CHECK_FALSE(s.contains(addr("::2")));
}

TEST_CASE("host entries match exactly, including the last IPv6 bit") {
    CidrSet s;
    s.insert(cidr("2001:db8::ffff"));
    s.insert(cidr("255.255.255.255"));
    CHECK(s.contains(addr("2001:db8::ffff")));
    CHECK_FALSE(s.contains(addr("2001:db8::fffe")));
    CHECK(s.contains(addr("255.255.255.255")));
    CHECK_FALSE(s.contains(addr("255.255.255.254")));
}

TEST_CASE("erasing a network leaves the wider and narrower ones in place") {
    CidrSet s;
    s.insert(cidr("10.0.0.0/8"));
    s.insert(cidr("10.1.0.0/16"));
    s.insert(cidr("10.1.2.0/24"));
    CHECK(s.erase(cidr("10.1.0.0/16")));
    CHECK(s.size() == 2);
    CHECK(match(s, "10.1.2.3") == "10.1.2.0/24");
    CHECK(match(s, "10.1.3.3") == "10.0.0.0/8");
}

TEST_CASE("erasing a network that is absent changes nothing") {
    CidrSet s;
    s.insert(cidr("10.1.2.0/24"));
    CHECK_FALSE(s.erase(cidr("10.1.0.0/16")));   // a node on the path, but not a network
    CHECK_FALSE(s.erase(cidr("10.1.2.0/25")));
    CHECK_FALSE(s.erase(cidr("2001:db8::/32")));
    CHECK(s.size() == 1);
    CHECK(s.contains(addr("10.1.2.200")));
}

TEST_CASE("erasing every network empties the set") {
    CidrSet s;
    s.insert(cidr("10.1.2.0/24"));
    s.insert(cidr("2001:db8::1"));
    CHECK(s.erase(cidr("10.1.2.0/24")));
    CHECK(s.erase(cidr("2001:db8::1")));
    CHECK(s.empty());
    CHECK_FALSE(s.contains(addr("10.1.2.3")));
    CHECK(s.entries().empty());
    CHECK(s.insert(cidr("10.1.2.0/24")));   // usable again after the roots were freed
}

TEST_CASE("entries come back sorted whatever the insertion order") {
    const std::vector<Cidr> sorted = {cidr("10.0.0.0/8"), cidr("10.0.0.0/16"), cidr("127.0.0.0/8"),
                                      cidr("203.0.113.9"), cidr("::/0"), cidr("::1"),
                                      cidr("2001:db8::/32"), cidr("2001:db8::ffff")};
    CidrSet a, b;
    for (const auto& c : sorted) a.insert(c);
    for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) b.insert(*it);
    CHECK(a.entries() == sorted);
    CHECK(b.entries() == sorted);
}

TEST_CASE("a copy is independent of its original") {
    CidrSet a;
    a.insert(cidr("10.0.0.0/8"));
    a.insert(cidr("2001:db8::/32"));
    CidrSet b = a;
    b.erase(cidr("10.0.0.0/8"));
    b.insert(cidr("203.0.113.0/24"));
    CHECK(a.contains(addr("10.1.1.1")));
    CHECK_FALSE(a.contains(addr("203.0.113.1")));
    CHECK_FALSE(b.contains(addr("10.1.1.1")));
    CHECK(b.contains(addr("2001:db8::1")));

    CidrSet c;
    c.insert(cidr("::1"));
    c = a;
    CHECK(c.entries() == a.entries());
    const CidrSet& same = c;
    c = same;   // self-assignment keeps the contents
    CHECK(c.size() == 2);
}

TEST_CASE("a moved-from set is empty and the target holds the networks") {
    CidrSet a;
    a.insert(cidr("10.0.0.0/8"));
    CidrSet b = std::move(a);
    CHECK(b.contains(addr("10.9.9.9")));
    CidrSet c;
    c = std::move(b);
    CHECK(c.size() == 1);
    CHECK(c.contains(addr("10.9.9.9")));
}

TEST_CASE("lookup agrees with a linear scan over thousands of random networks") {
    std::mt19937_64 rng(20240601);
    CidrSet set;
    std::vector<Cidr> list;
    auto random_address = [&](bool v6) {
        std::array<std::uint8_t, 16> b{};
        for (auto& x : b) x = static_cast<std::uint8_t>(rng());
        // Concentrate in a few prefixes so nesting happens often.
        b[0] = static_cast<std::uint8_t>(rng() % 3);
        return v6 ? Address::ipv6(b) : Address::from_bytes(banjo::Family::ipv4, b);
    };
    for (int i = 0; i < 5000; ++i) {
        bool v6 = rng() % 2;
        auto c = *Cidr::make(random_address(v6), static_cast<unsigned>(rng() % (v6 ? 129 : 33)));
        if (set.insert(c)) list.push_back(c);
    }
    CHECK(set.size() == list.size());
    for (int i = 0; i < 5000; ++i) {
        Address a = random_address(rng() % 2);
        std::optional<Cidr> expected;
        for (const auto& c : list)
            if (c.contains(a) && (!expected || c.prefix_len > expected->prefix_len)) expected = c;
        CAPTURE(a.to_string());
        REQUIRE(set.longest_match(a) == expected);
    }
}
