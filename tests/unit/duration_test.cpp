// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/duration.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>

using banjo::format_timespan;
using banjo::infinite_usec;
using banjo::parse_timespan;
using banjo::Usec;
using namespace std::chrono_literals;

namespace {

constexpr Usec year = 31557600s;   // systemd's 365.25 days
constexpr Usec month = year / 12;

}  // namespace

TEST_CASE("a number with a unit parses to that many units") {
    CHECK(parse_timespan("90s") == 90s);
    CHECK(parse_timespan("10min") == 10min);
    CHECK(parse_timespan("2h") == 2h);
    CHECK(parse_timespan("2d") == 48h);
    CHECK(parse_timespan("1w") == 168h);
    CHECK(parse_timespan("250ms") == 250ms);
    CHECK(parse_timespan("7us") == 7us);
}

TEST_CASE("a bare number means seconds") {
    CHECK(parse_timespan("600") == 600s);
    CHECK(parse_timespan("0") == 0s);
    CHECK(parse_timespan("007") == 7s);
}

TEST_CASE("lower-case m is minutes and upper-case M is months") {
    CHECK(parse_timespan("10m") == 10min);
    CHECK(parse_timespan("1M") == month);
    CHECK(parse_timespan("1M") == 2629800s);
}

TEST_CASE("every unit spelling of systemd.time is understood") {
    struct Case { const char* text; Usec value; };
    for (const auto& c : {Case{"1usec", 1us}, {"1us", 1us}, {"1\xc2\xb5s", 1us}, {"1\xce\xbcs", 1us},
                               {"1msec", 1ms}, {"1ms", 1ms},
                               {"1seconds", 1s}, {"1second", 1s}, {"1sec", 1s}, {"1s", 1s},
                               {"1minutes", 1min}, {"1minute", 1min}, {"1min", 1min}, {"1m", 1min},
                               {"1hours", 1h}, {"1hour", 1h}, {"1hr", 1h}, {"1h", 1h},
                               {"1days", 24h}, {"1day", 24h}, {"1d", 24h},
                               {"1weeks", 168h}, {"1week", 168h}, {"1w", 168h},
                               {"1months", month}, {"1month", month}, {"1M", month},
                               {"1years", year}, {"1year", year}, {"1y", year}}) {
        CAPTURE(std::string(c.text));
        CHECK(parse_timespan(c.text) == c.value);
    }
}

TEST_CASE("terms add up, with or without spaces between them") {
    CHECK(parse_timespan("1h 30min") == 90min);
    CHECK(parse_timespan("1h30min") == 90min);
    CHECK(parse_timespan("2 h") == 2h);
    CHECK(parse_timespan("55s500ms") == 55500ms);
    CHECK(parse_timespan("300ms20s 5day") == 20300ms + 120h);
    CHECK(parse_timespan("1y 12month") == 2 * year);
    CHECK(parse_timespan("1h 30") == 3630s);   // a trailing bare number is seconds
    CHECK(parse_timespan("  1w\t2d\n") == 216h);
    CHECK(parse_timespan("55s.5ms") == 55000500us);
    CHECK(parse_timespan("1.5 .5s") == 2s);
}

TEST_CASE("a decimal fraction is exact to the microsecond") {
    CHECK(parse_timespan("1.5h") == 90min);
    CHECK(parse_timespan("1.5") == 1500ms);
    CHECK(parse_timespan(".5s") == 500ms);
    CHECK(parse_timespan("0.000001s") == 1us);
    CHECK(parse_timespan("0.0000009s") == 0us);    // below a microsecond rounds down
    CHECK(parse_timespan("1.23456789s") == 1234567us);
    CHECK(parse_timespan("2.5y") == 5 * year / 2);
    CHECK(parse_timespan("1.9999999999999999999999h") == 7199999999us);
}

TEST_CASE("infinity is the never-expiring span") {
    CHECK(parse_timespan("infinity") == infinite_usec);
    CHECK(parse_timespan(" infinity ") == infinite_usec);
    CHECK_FALSE(parse_timespan("Infinity"));
    CHECK_FALSE(parse_timespan("infinity 5s"));
    CHECK_FALSE(parse_timespan("inf"));
}

TEST_CASE("malformed spans are refused") {
    for (const char* bad : {"", " ", "s", "h1", "5.", "1.s", "1. 5h", "1.5.5s", "1.5.5", "1.2.3.4", ".", "-5s", "-0", "+5s", "5s,3s",
                            "5 s x", "1mo", "5secs", "5mins", "5hrs", "1hourss", "1ns", "5H", "5S", "1e3",
                            "0x10", "five", "10 minutes ago", "5%"}) {
        CAPTURE(std::string(bad));
        CHECK_FALSE(parse_timespan(bad));
    }
}

TEST_CASE("a span beyond the representable range is refused rather than wrapped") {
    CHECK_FALSE(parse_timespan("300000y"));
    CHECK_FALSE(parse_timespan("9223372036854775807us"));     // Usec::max() is infinity
    CHECK(parse_timespan("9223372036854775806us") == Usec(9223372036854775806));
    CHECK_FALSE(parse_timespan("9223372036854775806us 1us"));
    CHECK_FALSE(parse_timespan("99999999999999999999999999999s"));
    CHECK_FALSE(parse_timespan("292277y 292277y"));
}

TEST_CASE("hostile input gives nullopt quickly") {
    CHECK_FALSE(parse_timespan(std::string(1 << 20, '9')));
    CHECK_FALSE(parse_timespan(std::string_view("5s\0", 3)));
    CHECK_FALSE(parse_timespan(std::string_view("5\0s", 3)));
    std::string many;
    for (int i = 0; i < 100000; ++i) many += "1s ";
    CHECK(parse_timespan(many) == 100000s);
    CHECK(parse_timespan("1." + std::string(100000, '5') + "s") == 1555555us);
}

TEST_CASE("format uses the largest units first, from weeks down") {
    CHECK(format_timespan(90min) == "1h 30min");
    CHECK(format_timespan(10min) == "10min");
    CHECK(format_timespan(216h) == "1w 2d");
    CHECK(format_timespan(90s) == "1min 30s");
    CHECK(format_timespan(24h + 1s) == "1d 1s");
    CHECK(format_timespan(1min + 500ms) == "1min 500ms");
}

TEST_CASE("format never uses months or years") {
    CHECK(format_timespan(year) == "52w 1d 6h");
    CHECK(format_timespan(365 * 24h) == "52w 1d");
    CHECK(format_timespan(month) == "4w 2d 10h 30min");
}

TEST_CASE("format writes a fraction below a minute") {
    CHECK(format_timespan(1500ms) == "1.5s");
    CHECK(format_timespan(61500ms) == "1min 1.5s");
    CHECK(format_timespan(1500us) == "1.5ms");
    CHECK(format_timespan(1234567us) == "1.234567s");
    CHECK(format_timespan(500ms) == "500ms");
    CHECK(format_timespan(999us) == "999us");
    CHECK(format_timespan(1h + 1us) == "1h 1us");
}

TEST_CASE("format prints infinity and zero specially") {
    CHECK(format_timespan(infinite_usec) == "infinity");
    CHECK(format_timespan(0us) == "0");
    CHECK(format_timespan(-5s) == "0");
}

TEST_CASE("every formatted span parses back to the same microsecond") {
    std::mt19937_64 rng(7);
    auto check = [](Usec d) {
        CAPTURE(d.count());
        CAPTURE(format_timespan(d));
        REQUIRE(parse_timespan(format_timespan(d)) == d);
    };
    for (std::int64_t i = 0; i < 100000; ++i) check(Usec(i));
    for (int i = 0; i < 100000; ++i) check(Usec(static_cast<Usec::rep>(rng() >> (1 + rng() % 63))));
    check(Usec(Usec::max().count() - 1));
    check(infinite_usec);
}
