// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's time values (bantime, findtime, bantime.maxtime): a number of seconds ("600"), or
// terms with units as fail2ban's MyTime.str2seconds reads them ("10m", "1h 30m", "1d12h",
// "1year-6mo"; units d/dd/day(s), w/ww/week(s), mo/mon/month(s), y/yy/year(s), s/ss/sec/
// second(s), m/mm/min/minute(s), h/hh/hour(s), case-insensitive; a month is a twelfth of a
// year of 365.25 days). fail2ban evaluates the text as a Python expression; only sums and
// differences of such terms are understood here.
#pragma once

#include <optional>
#include <string_view>

namespace banjo {

// Seconds, possibly negative or fractional; nullopt for text outside the forms above.
std::optional<double> fail2ban_seconds(std::string_view text);

}  // namespace banjo
