// SPDX-License-Identifier: GPL-2.0-or-later
// Time spans in systemd's syntax ("90s", "10m", "1h 30min", "2d", "1w", "infinity"), the
// notation of every duration in banjo's config, command line and output.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace banjo {

using Usec = std::chrono::microseconds;
// "infinity": a ban that never expires. Also the D-Bus value UINT64_MAX.
inline constexpr Usec infinite_usec = Usec::max();

// `t` + `d` for a point in time and a span: infinite when `d` is, and infinite rather than
// wrapped when the sum does not fit (a ban of "100000y" is a permanent one, not one in the past).
constexpr Usec saturating_add(Usec t, Usec d) noexcept {
    return d == infinite_usec || (d.count() > 0 && t > infinite_usec - d) ? infinite_usec : t + d;
}

// Times and spans outside banjo (D-Bus, journal fields, JSON) are unsigned microseconds with
// UINT64_MAX for "never" / "permanent", systemd's USEC_INFINITY. Inside, that is infinite_usec.
constexpr std::uint64_t to_wire_usec(Usec t) noexcept {
    return t == infinite_usec ? UINT64_MAX : static_cast<std::uint64_t>(t.count() < 0 ? 0 : t.count());
}
constexpr Usec from_wire_usec(std::uint64_t usec) noexcept {
    return usec > static_cast<std::uint64_t>(infinite_usec.count()) ? infinite_usec
                                                                    : Usec(static_cast<Usec::rep>(usec));
}

// Accepts what systemd.time(7) accepts for spans: a sequence of NUMBER[UNIT] terms, optional
// spaces between them, units usec/us/µs, ms/msec, s/sec/second(s), m/min/minute(s), h/hr/hour(s),
// d/day(s), w/week(s), M/month(s), y/year(s); a bare number means seconds; decimals allowed
// ("1.5h"). "infinity" gives infinite_usec. Returns nullopt on bad text, negatives or overflow.
std::optional<Usec> parse_timespan(std::string_view text) noexcept;

// Short systemd-style text for d, e.g. "1h 30min", "10min", "1w 2d", "1.5s", "infinity", "0":
// units from weeks down (never months or years, which are averages), a fraction below a minute.
// parse_timespan(format_timespan(d)) == d for every d >= 0; a negative d prints as "0".
std::string format_timespan(Usec d);

}  // namespace banjo
