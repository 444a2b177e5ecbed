// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/ipset_mirror.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using banjo::IpsetMirror;

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

TEST_CASE("an ipset whose content firewalld has not reported is replaced as a whole") {
    IpsetMirror m;
    m.want("198.51.100.1", "sshd");
    auto batch = m.take(16);
    CHECK(batch.replace);
    CHECK(batch.entries == std::vector<std::string>{"198.51.100.1"});
    CHECK(m.pending() == 0);
}

TEST_CASE("a few changes against a known ipset become single adds and removes") {
    IpsetMirror m;
    m.want("198.51.100.1", "sshd");
    m.want("198.51.100.2", "sshd");
    m.set_applied({"198.51.100.2", "203.0.113.9"});   // 203.0.113.9: a leftover nobody wants
    auto batch = m.take(16);
    CHECK_FALSE(batch.replace);
    CHECK(batch.add == std::vector<std::string>{"198.51.100.1"});
    CHECK(batch.remove == std::vector<std::string>{"203.0.113.9"});
    CHECK(m.take(16).empty());
}

TEST_CASE("more pending changes than the burst threshold become one replace") {
    IpsetMirror m;
    m.set_applied({});
    for (int i = 1; i <= 20; ++i)
        m.want("198.51.100." + std::to_string(i), "sshd");
    auto batch = m.take(16);
    CHECK(batch.replace);
    CHECK(batch.entries.size() == 20);
    CHECK(batch.add.empty());
}

TEST_CASE("an address wanted by two jails stays until both let go") {
    IpsetMirror m;
    m.set_applied({});
    CHECK(m.want("198.51.100.1", "sshd"));
    CHECK_FALSE(m.want("198.51.100.1", "recidive"));
    CHECK_FALSE(m.want("198.51.100.1", "sshd"));   // idempotent
    m.take(16);
    CHECK_FALSE(m.unwant("198.51.100.1", "sshd"));
    CHECK(m.take(16).empty());
    CHECK(m.unwant("198.51.100.1", "recidive"));
    CHECK(m.take(16).remove == std::vector<std::string>{"198.51.100.1"});
}

TEST_CASE("a ban lifted before it was applied costs no call") {
    IpsetMirror m;
    m.set_applied({});
    m.want("198.51.100.1", "sshd");
    m.unwant("198.51.100.1", "sshd");
    CHECK(m.take(16).empty());
}

TEST_CASE("after firewalld lost its entries everything wanted is sent again") {
    IpsetMirror m;
    m.set_applied({});
    m.want("198.51.100.1", "sshd");
    m.want("2001:db8::1", "sshd");
    m.take(16);
    m.forget_applied();
    auto batch = m.take(16);
    CHECK(batch.replace);
    CHECK(sorted(batch.entries) == std::vector<std::string>{"198.51.100.1", "2001:db8::1"});
}
