// SPDX-License-Identifier: GPL-2.0-or-later
// src/logfile/log_time.cpp, civil_time.cpp, date_pattern.cpp: the time a log file line gives
// for the failure windows.
#include "local_zone.hpp"
#include "logfile/log_time.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using banjo::test::LocalZone;

namespace {

// 2000-10-10T13:55:36Z
constexpr long long oct10_utc = 971186136;

Usec seconds(long long s) { return Usec(s * 1'000'000LL); }

std::optional<Usec> time_of(std::string_view line, Usec reference = seconds(oct10_utc)) {
    LogTimeReader reader;
    auto t = reader.read(line, reference);
    if (!t) return std::nullopt;
    return t->time;
}

}  // namespace

TEST_CASE("ISO 8601 time stamps with a zone are read in that zone") {
    CHECK(time_of("2000-10-10T13:55:36Z sshd[1]: x") == seconds(oct10_utc));
    CHECK(time_of("2000-10-10T15:55:36+02:00 host sshd[1]: x") == seconds(oct10_utc));
    CHECK(time_of("2000-10-10T06:55:36-0700 x") == seconds(oct10_utc));
    CHECK(time_of("2000-10-10T13:55:36.250+00:00 x") == seconds(oct10_utc) + Usec(250'000));
    // Exim's log_timezone puts the offset after a space.
    CHECK(time_of("2000-10-10 15:55:36 +0200 [123] H=x") == seconds(oct10_utc));
}

TEST_CASE("a time stamp without a zone is the host's local time, as TZ says") {
    {
        LocalZone zone("UTC0");
        CHECK(time_of("2000-10-10 13:55:36 host sshd[1]: x") == seconds(oct10_utc));
    }
    {
        LocalZone zone("EST5");   // UTC-5, no daylight saving
        CHECK(time_of("2000-10-10 08:55:36 x") == seconds(oct10_utc));
        CHECK(time_of("2000/10/10 08:55:36 [error] 1#0: x") == seconds(oct10_utc));
    }
}

TEST_CASE("Apache and nginx forms: access log bracket, error log, nginx's slashes") {
    LocalZone zone("UTC0");
    CHECK(time_of("198.51.100.7 - frank [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200") ==
          seconds(oct10_utc + 7 * 3600));
    CHECK(time_of("[Tue Oct 10 13:55:36.123456 2000] [core:error] [pid 1] x") == seconds(oct10_utc) + Usec(123456));
    CHECK(time_of("2000/10/10 13:55:36 [error] 1234#0: *5 x") == seconds(oct10_utc));
    CHECK(time_of("[10-Oct-2000 13:55:36 +0000]: Failed login") == seconds(oct10_utc));
}

TEST_CASE("epoch seconds and TAI64N labels") {
    CHECK(time_of("971186136.779    180 198.51.100.7 TCP_MISS/200") == seconds(oct10_utc) + Usec(779'000));
    // 2^62 + 10 + 971186136 = 0x4000000039e31fe2.
    CHECK(time_of("@4000000039e31fe200000000 x") == seconds(oct10_utc));
    CHECK(!time_of("12345 not a time"));
    CHECK(!time_of("@40000000zzzzzzzz00000000 x"));
}

TEST_CASE("RFC 3164 time stamps take the year closest to the reading, at most a day ahead") {
    LocalZone zone("UTC0");
    const Usec jan1 = seconds(978307200 + 600);   // 2001-01-01T00:10:00Z
    // Read just after New Year: "Dec 31" is last year's, "Jan  1" this year's.
    CHECK(time_of("Dec 31 23:59:00 host sshd[1]: x", jan1) == seconds(978307200 - 60));
    CHECK(time_of("Jan  1 00:05:00 host sshd[1]: x", jan1) == seconds(978307200 + 300));
    // A writer's clock a little ahead of the reader's is still this year...
    const Usec dec31 = seconds(978307200 - 3600);   // 2000-12-31T23:00:00Z
    CHECK(time_of("Jan  1 00:30:00 host x[1]: x", dec31) == seconds(978307200 + 1800));
    // ...but a date more than a day ahead is last year's.
    CHECK(time_of("Jan  5 00:00:00 host x[1]: x", dec31) == seconds(947030400));   // 2000-01-05
}

TEST_CASE("the form found is kept for the file and tried first") {
    LocalZone zone("UTC0");
    LogTimeReader reader;
    REQUIRE(reader.read("2000/10/10 13:55:36 [error] x", seconds(oct10_utc)));
    CHECK(reader.form() == LogTimeForm::slash);
    REQUIRE(reader.read("Oct 10 13:55:36 host sshd[1]: x", seconds(oct10_utc)));
    CHECK(reader.form() == LogTimeForm::rfc3164);
    CHECK(!reader.read("no time here at all", seconds(oct10_utc)));
    CHECK(reader.form() == LogTimeForm::rfc3164);
}

TEST_CASE("impossible dates and clocks are no time stamps") {
    CHECK(!time_of("2000-13-10T13:55:36Z x"));
    CHECK(!time_of("2000-02-30T13:55:36Z x"));
    CHECK(!time_of("2000-10-10T25:55:36Z x"));
    CHECK(!time_of("Foo 10 13:55:36 host x"));
    CHECK(!time_of("2000-10-10T13:55:36Zjunk"));
}

TEST_CASE("a datepattern replaces detection, anchored or searched") {
    LocalZone zone("UTC0");
    LogTimeReader anchored(DatePattern("^%d.%m.%Y %H:%M:%S"));
    auto t = anchored.read("10.10.2000 13:55:36 login failed for x", seconds(0));
    REQUIRE(t);
    CHECK(t->time == seconds(oct10_utc));
    CHECK(t->begin == 0);
    CHECK(t->end == 19);
    CHECK(!anchored.read("x 10.10.2000 13:55:36", seconds(0)));

    LogTimeReader searched(DatePattern("time=%Y%m%dT%H%M%S%z"));
    auto s = searched.read("level=warn time=20001010T155536+0200 msg=x", seconds(0));
    REQUIRE(s);
    CHECK(s->time == seconds(oct10_utc));
    CHECK(s->begin == 11);

    LogTimeReader yearless(DatePattern("{^LN-BEG}%b %e %H:%M:%S"));
    CHECK(yearless.read("Oct  10 13:55:36 x", seconds(oct10_utc))->time == seconds(oct10_utc));
    LogTimeReader epoch(DatePattern("^%s"));
    CHECK(epoch.read("971186136 x", seconds(0))->time == seconds(oct10_utc));
}

TEST_CASE("a datepattern without a clock or with an unknown conversion is refused") {
    CHECK_THROWS_AS(DatePattern("%Y-%m-%d"), std::invalid_argument);
    CHECK_THROWS_AS(DatePattern("%Q %H"), std::invalid_argument);
    CHECK_THROWS_AS(DatePattern("%H%"), std::invalid_argument);
}
