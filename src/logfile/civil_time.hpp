// SPDX-License-Identifier: GPL-2.0-or-later
// A calendar date and clock time as a log line writes it, and its conversion to CLOCK_REALTIME
// microseconds: with the line's own UTC offset when it has one, else as the host's local time
// (mktime(3), so TZ is respected). No I/O beyond the time zone database libc reads.
#pragma once

#include "core/duration.hpp"

#include <optional>

namespace banjo {

struct CivilTime {
    int year = 1970;
    int month = 1;                      // 1..12
    int day = 1;                        // 1..31
    int hour = 0, minute = 0, second = 0;
    long microsecond = 0;
    std::optional<int> utc_offset_seconds;   // none: local time
};

// nullopt for a date or clock out of range (month 13, second 61, before 1970).
std::optional<Usec> to_realtime(const CivilTime& t);

// The local year `reference` falls in.
int local_year(Usec reference);

// For a time stamp without a year: `t` in the year that puts it closest to `reference`
// without being more than a day after it (a line read just after New Year that says "Dec 31"
// is from the year before; a clock a little ahead of the reader's is not next year's).
std::optional<Usec> with_inferred_year(CivilTime t, Usec reference);

}  // namespace banjo
