// SPDX-License-Identifier: GPL-2.0-or-later
// BanHistory (src/core/ban_history.cpp): the records and their bounds in entries and bytes.
#include "core/ban_history.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace std::chrono_literals;

namespace {
Cidr net(std::uint32_t i) { return Cidr(Address::ipv4(0xc6336400u + i)); }   // 198.51.100.0 + i
Usec at(int seconds) { return Usec(std::chrono::seconds(1'700'000'000 + seconds)); }
}  // namespace

TEST_CASE("a history record keeps its ban count and end") {
    BanHistory h;
    h.at(net(1)).bans = 3;
    h.at(net(1)).set_banned_until(at(100));
    REQUIRE(h.find(net(1)));
    CHECK(h.find(net(1))->bans == 3);
    CHECK(h.find(net(1))->banned_until() == at(100));
    CHECK_FALSE(h.find(net(2)));
}

TEST_CASE("a full history drops the records whose last ban ended longest ago") {
    BanHistory h(0, 100, 1u << 20);
    for (std::uint32_t i = 0; i < 100; ++i) h.at(net(i)).set_banned_until(at(static_cast<int>(i)));
    CHECK(h.size() == 100);
    h.at(net(1000)).set_banned_until(at(5000));
    CHECK(h.size() <= 100);
    CHECK(h.dropped() >= 1);
    CHECK(h.find(net(1000)));
    CHECK_FALSE(h.find(net(0)));     // the oldest went first
    CHECK(h.find(net(99)));          // the newest stayed
    // Whatever went is older than whatever stayed.
    Usec newest_dropped{0}, oldest_kept = at(1'000'000);
    for (std::uint32_t i = 0; i < 100; ++i) {
        if (const HistoryRecord* r = h.find(net(i))) oldest_kept = std::min(oldest_kept, r->banned_until());
        else newest_dropped = std::max(newest_dropped, at(static_cast<int>(i)));
    }
    CHECK(newest_dropped < oldest_kept);
}

TEST_CASE("a permanent ban's record outlives every ended one") {
    BanHistory h(0, 10, 1u << 20);
    h.at(net(0)).set_banned_until(infinite_usec);
    for (std::uint32_t i = 1; i < 200; ++i) h.at(net(i)).set_banned_until(at(static_cast<int>(i)));
    CHECK(h.size() <= 10);
    CHECK(h.find(net(0)));
}

TEST_CASE("the byte bound caps the records below the entry bound") {
    const std::size_t bytes = 64 * 1024;
    BanHistory h(0, 1'000'000, bytes);
    CHECK(h.capacity() < 2048);
    CHECK(BanHistory::bytes_for(h.capacity()) <= bytes);
    CHECK(BanHistory::bytes_for(h.capacity() + 1) > bytes);
    for (std::uint32_t i = 0; i < 10000; ++i) h.at(net(i)).set_banned_until(at(static_cast<int>(i)));
    CHECK(h.size() <= h.capacity());
    CHECK(h.bytes() <= bytes);
}

TEST_CASE("smaller limits drop the oldest records at once") {
    BanHistory h(0, 1000, 1u << 20);
    for (std::uint32_t i = 0; i < 1000; ++i) h.at(net(i)).set_banned_until(at(static_cast<int>(i)));
    h.set_limits(10, 1u << 20);
    CHECK(h.size() == 10);
    for (std::uint32_t i = 990; i < 1000; ++i) CHECK(h.find(net(i)));
}

TEST_CASE("forget_before forgets only records that ended before the cutoff") {
    BanHistory h;
    for (std::uint32_t i = 0; i < 10; ++i) h.at(net(i)).set_banned_until(at(static_cast<int>(i) * 10));
    CHECK(h.forget_before(at(50)) == 5);
    CHECK_FALSE(h.find(net(4)));
    CHECK(h.find(net(5)));
}
