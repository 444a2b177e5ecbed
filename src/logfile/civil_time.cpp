// SPDX-License-Identifier: GPL-2.0-or-later
#include "logfile/civil_time.hpp"

#include <chrono>
#include <ctime>

namespace banjo {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's well-known formula).
long long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const long long yoe = y - era * 400;
    const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool valid(const CivilTime& t) {
    static constexpr int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return t.year >= 1970 && t.year < 10000 && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
           t.day <= month_days[t.month - 1] && t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 &&
           t.second >= 0 && t.second <= 60 && t.microsecond >= 0 && t.microsecond < 1'000'000;
}

constexpr Usec one_day = std::chrono::hours(24);

}  // namespace

std::optional<Usec> to_realtime(const CivilTime& t) {
    if (!valid(t)) return std::nullopt;
    long long seconds = 0;
    if (t.utc_offset_seconds) {
        seconds = days_from_civil(t.year, t.month, t.day) * 86400LL + t.hour * 3600LL + t.minute * 60LL + t.second -
                  *t.utc_offset_seconds;
    } else {
        std::tm tm{};
        tm.tm_year = t.year - 1900;
        tm.tm_mon = t.month - 1;
        tm.tm_mday = t.day;
        tm.tm_hour = t.hour;
        tm.tm_min = t.minute;
        tm.tm_sec = t.second;
        tm.tm_isdst = -1;   // whatever the zone says for that date
        const std::time_t s = std::mktime(&tm);
        if (s == static_cast<std::time_t>(-1) && !(tm.tm_year == 69)) return std::nullopt;
        seconds = s;
    }
    if (seconds < 0) return std::nullopt;
    return Usec(seconds * 1'000'000LL + t.microsecond);
}

int local_year(Usec reference) {
    const std::time_t s = static_cast<std::time_t>(reference.count() / 1'000'000);
    std::tm tm{};
    localtime_r(&s, &tm);
    return tm.tm_year + 1900;
}

std::optional<Usec> with_inferred_year(CivilTime t, Usec reference) {
    const int year = local_year(reference);
    // Latest first: the first candidate not more than a day ahead is the closest one.
    for (int y : {year + 1, year, year - 1}) {
        t.year = y;
        auto at = to_realtime(t);
        if (at && *at <= reference + one_day) return at;
    }
    return std::nullopt;
}

}  // namespace banjo
