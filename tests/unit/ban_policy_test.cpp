// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ban_policy.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace std::chrono_literals;

TEST_CASE("a first offender gets the plain bantime") {
    BanPolicy p{10min, {true, 2.0, {}, 1h}};
    CHECK(p.duration_for(0) == Usec(10min));
}

TEST_CASE("repeat offenders get bantime times factor to the number of earlier bans") {
    BanPolicy p{10min, {true, 2.0, {}, 24h}};
    CHECK(p.duration_for(1) == Usec(20min));
    CHECK(p.duration_for(2) == Usec(40min));
    CHECK(p.duration_for(3) == Usec(80min));
}

TEST_CASE("an increased ban never exceeds the configured maximum") {
    BanPolicy p{10min, {true, 2.0, {}, 1h}};
    CHECK(p.duration_for(3) == Usec(1h));
    CHECK(p.duration_for(4'000'000'000u) == Usec(1h));
}

TEST_CASE("without the increment policy every ban lasts bantime") {
    BanPolicy p{10min, {false, 2.0, {}, 1h}};
    CHECK(p.duration_for(5) == Usec(10min));
}

TEST_CASE("an infinite bantime stays infinite") {
    BanPolicy p{infinite_usec, {true, 2.0, {}, 1h}};
    CHECK(p.duration_for(3) == infinite_usec);
}

TEST_CASE("multipliers replace the factor: the n-th ban lasts bantime times the n-th multiplier") {
    BanPolicy p{10min, {true, 2.0, {1, 5, 30}, 24h}};
    CHECK(p.duration_for(0) == Usec(10min));
    CHECK(p.duration_for(1) == Usec(50min));
    CHECK(p.duration_for(2) == Usec(300min));
}

TEST_CASE("past the end of the multipliers the last one goes on") {
    BanPolicy p{10min, {true, 2.0, {1, 5, 30}, 24h}};
    CHECK(p.duration_for(7) == Usec(300min));
}

TEST_CASE("a multiplied ban is capped at max too") {
    BanPolicy p{10min, {true, 2.0, {1, 5, 30}, 4h}};
    CHECK(p.duration_for(2) == Usec(4h));
}

TEST_CASE("rnd adds the draw modulo rnd plus one microsecond, after the cap") {
    IncrementPolicy inc{true, 2.0, {}, 1h, 60s};
    BanPolicy p{10min, inc};
    CHECK(p.duration_for(0, 0) == Usec(10min));
    CHECK(p.duration_for(0, 60'000'000) == Usec(11min));
    CHECK(p.duration_for(0, 60'000'001) == Usec(10min));   // wraps: 0 .. rnd inclusive
    CHECK(p.duration_for(0, 30'000'000) == Usec(10min) + Usec(30s));
    // 10 min * 2^5 is past the hour: the cap, then the extra on top.
    CHECK(p.duration_for(5, 30'000'000) == Usec(1h) + Usec(30s));
}

TEST_CASE("rnd needs the increment to be enabled and leaves a permanent ban permanent") {
    CHECK(BanPolicy{10min, {false, 2.0, {}, 1h, 60s}}.duration_for(0, 30'000'000) == Usec(10min));
    CHECK(BanPolicy{infinite_usec, {true, 2.0, {}, 1h, 60s}}.duration_for(0, 30'000'000) == infinite_usec);
}

TEST_CASE("the random draws are splitmix64: the same seed gives the same numbers") {
    std::uint64_t state = 0;
    CHECK(next_random(state) == 0xe220a8397b1dcdafULL);
    CHECK(next_random(state) == 0x6e789e6aa1b965f4ULL);
    std::uint64_t again = 0;
    CHECK(next_random(again) == 0xe220a8397b1dcdafULL);
}
