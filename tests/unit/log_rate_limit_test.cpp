// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/log_rate_limit.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace std::chrono_literals;

TEST_CASE("a flood is written up to the burst, then held back until the window ends") {
    LogRateLimit limit(3, Usec(60s));
    std::uint64_t held = 99;
    const Usec t0 = Usec(1'000'000'000);
    CHECK(limit.allow(t0, held));
    CHECK(held == 0);
    CHECK(limit.allow(t0 + Usec(1), held));
    CHECK(limit.allow(t0 + Usec(2), held));
    for (int i = 0; i < 1000; ++i) CHECK_FALSE(limit.allow(t0 + Usec(3 + i), held));
    CHECK(limit.allow(t0 + Usec(60s), held));
    CHECK(held == 1000);   // the first message of the new window says how many were not written
    CHECK(limit.allow(t0 + Usec(61s), held));
    CHECK(held == 0);
}

TEST_CASE("messages dropped before they were offered are counted with the held-back ones") {
    LogRateLimit limit(1, Usec(60s));
    std::uint64_t held = 0;
    limit.hold_back(5);
    CHECK(limit.allow(Usec(10s), held));
    CHECK(held == 5);
}

TEST_CASE("a clock that steps back opens a new window instead of silencing the log") {
    LogRateLimit limit(1, Usec(60s));
    std::uint64_t held = 0;
    CHECK(limit.allow(Usec(100s), held));
    CHECK_FALSE(limit.allow(Usec(101s), held));
    CHECK(limit.allow(Usec(50s), held));
    CHECK(held == 1);
}
