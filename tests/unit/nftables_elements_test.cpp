// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/nftables_elements.hpp"

#include <doctest/doctest.h>

using namespace banjo;

namespace {

Cidr net(const char* text) { return *Cidr::parse(text); }

std::vector<std::uint8_t> bytes(std::initializer_list<int> list) {
    std::vector<std::uint8_t> out;
    for (int b : list) out.push_back(static_cast<std::uint8_t>(b));
    return out;
}

const Usec now{1'700'000'000'000'000};
const Usec hour{3'600'000'000};

}  // namespace

TEST_CASE("a single address is an interval from itself to the next address") {
    auto e = interval_elements(net("198.51.100.7"), 5000);
    REQUIRE(e.size() == 2);
    CHECK(e[0].key == bytes({198, 51, 100, 7}));
    CHECK_FALSE(e[0].interval_end);
    CHECK(e[1].key == bytes({198, 51, 100, 8}));
    CHECK(e[1].interval_end);
    CHECK(e[0].timeout_ms == 5000u);
    CHECK_FALSE(e[1].timeout_ms);   // the kernel refuses a timeout on an interval end
}

TEST_CASE("a prefix is one interval, its end carried across bytes") {
    auto e = interval_elements(net("2001:db8:1:2::/64"), std::nullopt);
    REQUIRE(e.size() == 2);
    CHECK(e[1].key == bytes({0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0}));
    auto carry = interval_elements(net("10.0.255.255"), std::nullopt);
    CHECK(carry[1].key == bytes({10, 1, 0, 0}));
    CHECK_FALSE(e[0].timeout_ms);
}

TEST_CASE("an interval that runs to the last address has no end element") {
    CHECK(interval_elements(net("255.255.255.255"), std::nullopt).size() == 1);
    CHECK(interval_elements(net("255.255.255.0/24"), std::nullopt).size() == 1);
}

TEST_CASE("a dump reads back as the networks written, with their kernel expiry") {
    std::vector<nft::SetElement> dump;
    for (const char* n : {"198.51.100.7", "198.51.100.8", "203.0.113.0/24"}) {
        auto e = interval_elements(net(n), 60'000);
        for (auto& x : e) x.expires_ms = 30'000;
        dump.insert(dump.begin(), e.begin(), e.end());   // the kernel lists them backwards
    }
    auto permanent = interval_elements(net("255.255.255.255"), std::nullopt);
    dump.insert(dump.end(), permanent.begin(), permanent.end());
    // nft writes a lone end element at 0 into interval sets it fills itself.
    dump.push_back(nft::SetElement{bytes({0, 0, 0, 0}), true, std::nullopt, std::nullopt});
    auto read = read_interval_elements(Family::ipv4, dump, now);
    REQUIRE(read.networks.size() == 4);
    CHECK(read.networks.at(net("198.51.100.7")) == now + Usec(30'000'000));
    CHECK(read.networks.at(net("198.51.100.8")) == now + Usec(30'000'000));   // adjacent to .7
    CHECK(read.networks.count(net("203.0.113.0/24")) == 1);
    CHECK(read.networks.at(net("255.255.255.255")) == infinite_usec);
    CHECK(read.strays.empty());
}

TEST_CASE("a dump read over minutes: each element's time left counts from when its message was read") {
    // Two bans written together with the same end; the kernel put the first in a message
    // 10 minutes before the last (a dump of 1M elements walks the set again for every
    // message), so its time left is 10 minutes longer.
    const Usec written_end = now + hour + expiry_slack;
    const Usec first_read = now - Usec(600'000'000);
    std::vector<nft::SetElement> dump;
    for (auto [n, read_at] : {std::pair{"198.51.100.7", first_read}, std::pair{"198.51.100.9", now}}) {
        auto e = interval_elements(net(n), static_cast<std::uint64_t>((hour + expiry_slack).count() / 1000));
        for (auto& x : e) {
            x.expires_ms = static_cast<std::uint64_t>((written_end - read_at).count() / 1000);
            x.read_at_us = read_at.count();
        }
        dump.insert(dump.end(), e.begin(), e.end());
    }
    auto read = read_interval_elements(Family::ipv4, dump, now);
    REQUIRE(read.networks.size() == 2);
    CHECK(read.networks.at(net("198.51.100.7")) == written_end);
    CHECK(read.networks.at(net("198.51.100.9")) == written_end);
    // Reconciled with the bans as they are: nothing to rewrite.
    SetPlan plan;
    plan.want(net("198.51.100.7"), "sshd", now + hour);
    plan.want(net("198.51.100.9"), "sshd", now + hour);
    plan.kernel_holds(std::move(read), now);
    auto c = plan.take_changes(now);
    CHECK(c.added == 0);
    CHECK(c.removed == 0);
}

TEST_CASE("lookups read back as networks only where both the start and the end are their own") {
    const std::vector<Cidr> networks{net("198.51.100.7"), net("203.0.113.0"), net("203.0.113.0/24"),
                                     net("255.255.255.255")};
    const auto probes = probe_elements(networks);
    // Starts only, but the end too of the two networks that begin at 203.0.113.0.
    REQUIRE(probes.size() == 6);
    std::vector<std::optional<nft::SetElement>> found(probes.size());
    auto held = [&](std::size_t i, std::uint64_t expires_ms) {
        found[i] = probes[i];
        found[i]->timeout_ms = 7'200'000;
        found[i]->expires_ms = expires_ms;
        found[i]->read_at_us = now.count();
    };
    held(0, 60'000);
    // 203.0.113.0 itself is not held: its start lookup answers with the /24's start (same key),
    // its end lookup with nothing.
    held(1, 90'000);
    held(3, 90'000);
    held(4, 90'000);
    found[5] = probes[5];   // permanent: no timeout
    auto read = read_probed(networks, found, now);
    REQUIRE(read.networks.size() == 3);
    CHECK(read.networks.at(net("198.51.100.7")) == now + Usec(60'000'000));
    CHECK(read.networks.at(net("203.0.113.0/24")) == now + Usec(90'000'000));
    CHECK(read.networks.at(net("255.255.255.255")) == infinite_usec);
    CHECK(read.networks.count(net("203.0.113.0")) == 0);
}

TEST_CASE("a range that is not one network is a stray, to be deleted as it is") {
    std::vector<nft::SetElement> dump{{bytes({10, 0, 0, 1}), false, std::nullopt, std::nullopt},
                                      {bytes({10, 0, 0, 4}), true, std::nullopt, std::nullopt}};
    auto read = read_interval_elements(Family::ipv4, dump, now);
    CHECK(read.networks.empty());
    REQUIRE(read.strays.size() == 1);
    CHECK(read.strays[0].size() == 2);
}

TEST_CASE("the kernel gets a ban's end plus the slack, and nothing for a permanent ban") {
    SetPlan plan;
    plan.kernel_lost(now);
    plan.want(net("198.51.100.7"), "sshd", now + hour);
    plan.want(net("2001:db8::1"), "sshd", infinite_usec);
    auto c = plan.take_changes(now);
    CHECK(c.added == 2);
    CHECK(c.remove.empty());
    REQUIRE(c.add.size() == 4);
    const std::uint64_t expected_ms = static_cast<std::uint64_t>((hour + expiry_slack).count() / 1000);
    CHECK(*c.add[0].timeout_ms >= expected_ms);
    CHECK(*c.add[0].timeout_ms <= expected_ms + 1);
    CHECK_FALSE(c.add[2].timeout_ms);
    CHECK_FALSE(plan.dirty());
    CHECK(plan.take_changes(now).added == 0);
}

TEST_CASE("reconciling with a dump sends only the difference") {
    SetPlan plan;
    plan.want(net("198.51.100.1"), "sshd", now + hour);   // in the kernel, same end: kept
    plan.want(net("198.51.100.2"), "sshd", now + hour);   // missing: added
    plan.want(net("198.51.100.3"), "sshd", now + 2 * hour);   // kernel has another end: replaced
    KernelContents k;
    k.networks[net("198.51.100.1")] = now + hour + expiry_slack + Usec(300'000);
    k.networks[net("198.51.100.3")] = now + hour + expiry_slack;
    k.networks[net("198.51.100.9")] = now + hour;   // nobody wants it: removed
    const auto drift = plan.kernel_holds(k, now);
    CHECK(drift.foreign == 3);   // a first read: all of it was unknown
    auto c = plan.take_changes(now);
    CHECK(c.added == 2);
    CHECK(c.removed == 2);
    CHECK(c.remove.size() == 4);
    CHECK(plan.in_kernel() == 3);
}

TEST_CASE("an address two jails ban stays until both let go, with the later end") {
    SetPlan plan;
    plan.kernel_lost(now);
    plan.want(net("203.0.113.5"), "sshd", now + hour);
    plan.want(net("203.0.113.5"), "recidive", now + 3 * hour);
    auto first = plan.take_changes(now);
    CHECK(first.added == 1);
    CHECK(*first.add[0].timeout_ms >= static_cast<std::uint64_t>((3 * hour).count() / 1000));
    plan.unwant(net("203.0.113.5"), "recidive");
    auto shorter = plan.take_changes(now);   // the end moves back to sshd's: replaced
    CHECK(shorter.removed == 1);
    CHECK(shorter.added == 1);
    plan.unwant(net("203.0.113.5"), "sshd");
    auto gone = plan.take_changes(now);
    CHECK(gone.removed == 1);
    CHECK(gone.added == 0);
}

TEST_CASE("three jails on one address: each lift leaves the latest end of those still banning") {
    SetPlan plan;
    plan.kernel_lost(now);
    plan.want(net("2001:db8::5"), "sshd", now + hour);
    plan.want(net("2001:db8::5"), "recidive", now + 3 * hour);
    plan.want(net("2001:db8::5"), "postfix", now + 2 * hour);
    CHECK(plan.take_changes(now).added == 1);
    plan.unwant(net("2001:db8::5"), "sshd");      // the first owner goes: the end stays 3 h
    plan.unwant(net("2001:db8::5"), "dovecot");   // never banned it: nothing
    auto same = plan.take_changes(now);
    CHECK(same.added == 0);
    CHECK(same.removed == 0);
    plan.unwant(net("2001:db8::5"), "recidive");   // 2 h now: replaced
    auto shorter = plan.take_changes(now);
    REQUIRE(shorter.added == 1);
    CHECK(*shorter.add[0].timeout_ms < static_cast<std::uint64_t>((2 * hour + expiry_slack).count() / 1000) + 2);
    CHECK(*shorter.add[0].timeout_ms >= static_cast<std::uint64_t>((2 * hour).count() / 1000));
    plan.want(net("2001:db8::5"), "postfix", now + 4 * hour);   // the same jail again: its end moves
    CHECK(*plan.take_changes(now).add[0].timeout_ms >= static_cast<std::uint64_t>((4 * hour).count() / 1000));
    plan.unwant(net("2001:db8::5"), "postfix");
    CHECK(plan.take_changes(now).removed == 1);
    CHECK(plan.wanted() == 0);
}

TEST_CASE("a kernel end a little later than written is kept; an earlier one is rewritten") {
    SetPlan plan;
    plan.want(net("198.51.100.5"), "sshd", now + hour);
    plan.want(net("198.51.100.6"), "sshd", now + hour);
    KernelContents k;
    // Inserted 5 s into a long transaction: the kernel's timeout started 5 s late.
    k.networks[net("198.51.100.5")] = now + hour + expiry_slack + Usec(5'000'000);
    k.networks[net("198.51.100.6")] = now + hour;   // before banjod's own unban: a race
    plan.kernel_holds(k, now);
    auto c = plan.take_changes(now);
    CHECK(c.added == 1);
    CHECK(c.removed == 1);
}

TEST_CASE("an element past its kernel end is not deleted: the kernel already dropped it") {
    SetPlan plan;
    KernelContents k;
    k.networks[net("198.51.100.4")] = now - Usec(1000);
    plan.kernel_holds(k, now);
    auto c = plan.take_changes(now);
    CHECK(c.removed == 0);
    CHECK(plan.in_kernel() == 0);
}

TEST_CASE("a dump that lacks what was written, or holds more, is drift") {
    SetPlan plan;
    plan.kernel_lost(now);
    plan.want(net("198.51.100.1"), "sshd", now + hour);
    plan.want(net("198.51.100.2"), "sshd", now + hour);
    plan.take_changes(now);
    KernelContents k;
    k.networks[net("198.51.100.1")] = now + hour + expiry_slack;
    k.networks[net("203.0.113.1")] = infinite_usec;
    const auto drift = plan.kernel_holds(k, now);
    CHECK(drift.missing == 1);
    CHECK(drift.foreign == 1);
    CHECK(plan.kernel_lost(now).missing == 2);
}
