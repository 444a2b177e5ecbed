// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ban_policy.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace std::chrono_literals;

TEST_CASE("a first offender gets the plain bantime") {
    BanPolicy p{10min, {true, 2.0, 1h}};
    CHECK(p.duration_for(0) == Usec(10min));
}

TEST_CASE("repeat offenders get bantime times factor to the number of earlier bans") {
    BanPolicy p{10min, {true, 2.0, 24h}};
    CHECK(p.duration_for(1) == Usec(20min));
    CHECK(p.duration_for(2) == Usec(40min));
    CHECK(p.duration_for(3) == Usec(80min));
}

TEST_CASE("an increased ban never exceeds the configured maximum") {
    BanPolicy p{10min, {true, 2.0, 1h}};
    CHECK(p.duration_for(3) == Usec(1h));
    CHECK(p.duration_for(4'000'000'000u) == Usec(1h));
}

TEST_CASE("without the increment policy every ban lasts bantime") {
    BanPolicy p{10min, {false, 2.0, 1h}};
    CHECK(p.duration_for(5) == Usec(10min));
}

TEST_CASE("an infinite bantime stays infinite") {
    BanPolicy p{infinite_usec, {true, 2.0, 1h}};
    CHECK(p.duration_for(3) == infinite_usec);
}
