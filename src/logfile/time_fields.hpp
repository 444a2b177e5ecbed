// SPDX-License-Identifier: GPL-2.0-or-later
// Reads the parts of a time stamp from a line, left to right: numbers of so many digits, month
// and weekday names, fractions, zones. Each step either consumes what it read and returns true,
// or leaves the position as it was and returns false. No allocation.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace banjo {

struct TimeCursor {
    std::string_view line;
    std::size_t at = 0;

    bool done() const noexcept { return at >= line.size(); }
    char peek() const noexcept { return at < line.size() ? line[at] : '\0'; }
    bool literal(char c) noexcept;
    bool spaces() noexcept;                                    // one or more ' '
    bool number(int min_digits, int max_digits, int& out) noexcept;
    bool long_number(int min_digits, int max_digits, long long& out) noexcept;
    bool month_name(int& month) noexcept;                      // "Oct" or "October", 1..12
    bool weekday_name() noexcept;                              // "Wed" or "Wednesday"
    bool fraction(long& microsecond) noexcept;                 // digits after the point, 1..9
    bool zone(std::optional<int>& offset_seconds) noexcept;    // Z, +HH, +HHMM, +HH:MM
    // Whether the next byte ends a word: end of line, or not a digit or letter.
    bool at_boundary() const noexcept;
};

}  // namespace banjo
