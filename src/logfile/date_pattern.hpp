// SPDX-License-Identifier: GPL-2.0-or-later
// A jail's `datepattern`: where a log line's time stamp is and how it reads, for the forms
// LogTimeReader does not detect by itself. strptime(3)-like conversions:
//   %Y year (4 digits)   %y year (2 digits, 2000-2099)   %m month (1-2 digits)   %d %e day
//   %b %B %h month name (English, abbreviated or full)  %a %A weekday name (skipped)
//   %H hour  %M minute  %S second  %f fraction of a second (1-9 digits)
//   %z zone (Z, +HH, +HHMM, +HH:MM)  %s seconds since 1970   %% a literal '%'
// Any other character stands for itself; a space matches one or more spaces. Without %Y/%y the
// year is inferred. A pattern starting with "^" (or fail2ban's "{^LN-BEG}") must match at the
// start of the line; otherwise the first match in the line's first 256 bytes counts.
#pragma once

#include "core/duration.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace banjo {

struct FoundTime {
    Usec time{};
    std::size_t begin = 0;   // the time stamp's bytes in the line
    std::size_t end = 0;
};

class DatePattern {
public:
    // Throws std::invalid_argument naming what is wrong (an unknown conversion, no clock).
    explicit DatePattern(std::string pattern);

    const std::string& text() const noexcept { return text_; }
    // `reference`: the time the line is read, for a pattern without a year.
    std::optional<FoundTime> find(std::string_view line, Usec reference) const;

private:
    std::optional<FoundTime> match_at(std::string_view line, std::size_t at, Usec reference) const;

    std::string text_;
    std::string pattern_;   // without the anchor
    bool anchored_ = false;
};

}  // namespace banjo
