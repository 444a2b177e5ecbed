// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/failure_window.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace std::chrono_literals;

namespace {
Usec at(double seconds) { return Usec(static_cast<Usec::rep>(seconds * 1e6)); }
}  // namespace

TEST_CASE("failures inside findtime are counted together") {
    FailureWindow w;
    CHECK(w.add(at(100), 600s, 5) == 1);
    CHECK(w.add(at(200), 600s, 5) == 2);
    CHECK(w.add(at(699.9), 600s, 5) == 3);
}

TEST_CASE("a failure exactly findtime old no longer counts") {
    FailureWindow w;
    w.add(at(100), 600s, 5);
    CHECK(w.add(at(700), 600s, 5) == 1);
}

TEST_CASE("the window is counted in whole seconds like fail2ban's log timestamps") {
    FailureWindow w;
    // 100.9 s and 700.5 s are less than 600 s apart, but 100 and 700 are not.
    w.add(at(100.9), 600s, 5);
    CHECK(w.add(at(700.5), 600s, 5) == 1);
}

TEST_CASE("a window never holds more than maxretry failures") {
    FailureWindow w;
    for (int i = 0; i < 100; ++i) w.add(at(i), 600s, 3);
    CHECK(w.size() == 3);
    CHECK(w.add(at(101), 600s, 3) == 3);
}

TEST_CASE("an entry with an earlier timestamp arriving late is judged by the failures around it") {
    FailureWindow w;
    w.add(at(1000), 600s, 5);
    w.add(at(1010), 600s, 5);
    // Logged late but stamped before both: only itself lies in its own window's past.
    CHECK(w.add(at(300), 600s, 5) == 1);
    CHECK(w.add(at(1020), 600s, 5) == 3);
}

TEST_CASE("a window is stale once its newest failure is findtime old") {
    FailureWindow w;
    w.add(at(100), 600s, 5);
    CHECK_FALSE(w.stale(at(699), 600s));
    CHECK(w.stale(at(700), 600s));
}

TEST_CASE("a window of a maxretry above its inline room counts like a small one") {
    FailureWindow w;
    for (int i = 0; i < 19; ++i) CHECK(w.add(at(1000 + i), 600s, 20) == static_cast<unsigned>(i + 1));
    CHECK(w.add(at(1019), 600s, 20) == 20);
    CHECK(w.size() == 20);
    FailureWindow copy = w;
    CHECK(copy.seconds_within(at(1019), 600s).size() == 20);
    FailureWindow moved = std::move(copy);
    CHECK(moved.last_second() == 1019);
    // Failures findtime older than the newest go, in the heap block as inline.
    CHECK(moved.add(at(1615), 600s, 20) == 5);
}

TEST_CASE("a window keeps 32-bit seconds without losing today's timestamps") {
    FailureWindow w;
    const Usec now = std::chrono::seconds(1'765'000'000);   // December 2025
    w.add(now, 600s, 5);
    CHECK(w.last_second() == 1'765'000'000);
    CHECK(w.seconds_within(now, 600s) == std::vector<std::int64_t>{1'765'000'000});
}
