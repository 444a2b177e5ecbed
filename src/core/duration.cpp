// SPDX-License-Identifier: GPL-2.0-or-later
// Integer arithmetic throughout: "1.5h" must be exactly 5400 s, and format_timespan's output must
// parse back to the same microsecond, which floating point cannot promise.
#include "core/duration.hpp"

#include <array>
#include <limits>

namespace banjo {
namespace {

__extension__ using u128 = unsigned __int128;

constexpr std::uint64_t usec_per_ms = 1000;
constexpr std::uint64_t usec_per_s = 1000 * usec_per_ms;
constexpr std::uint64_t usec_per_min = 60 * usec_per_s;
constexpr std::uint64_t usec_per_h = 60 * usec_per_min;
constexpr std::uint64_t usec_per_d = 24 * usec_per_h;
constexpr std::uint64_t usec_per_w = 7 * usec_per_d;
// systemd's calendar averages: a year of 365.25 days, a month of a twelfth of that.
constexpr std::uint64_t usec_per_y = 31557600 * usec_per_s;
constexpr std::uint64_t usec_per_month = usec_per_y / 12;

// Finite spans stay below Usec::max(), which means "infinity".
constexpr std::uint64_t max_finite_usec = std::numeric_limits<Usec::rep>::max() - 1;

struct Unit {
    std::string_view name;
    std::uint64_t usec;
};

// Case matters: "m" is a minute, "M" a month, as in systemd. The longest matching name wins, so
// "ms" is not read as "m" followed by garbage.
constexpr std::array<Unit, 30> units = {{
    {"usec", 1}, {"us", 1}, {"\xc2\xb5s", 1}, {"\xce\xbcs", 1},   // micro sign and Greek mu
    {"msec", usec_per_ms}, {"ms", usec_per_ms},
    {"seconds", usec_per_s}, {"second", usec_per_s}, {"sec", usec_per_s}, {"s", usec_per_s},
    {"minutes", usec_per_min}, {"minute", usec_per_min}, {"min", usec_per_min}, {"m", usec_per_min},
    {"hours", usec_per_h}, {"hour", usec_per_h}, {"hr", usec_per_h}, {"h", usec_per_h},
    {"days", usec_per_d}, {"day", usec_per_d}, {"d", usec_per_d},
    {"weeks", usec_per_w}, {"week", usec_per_w}, {"w", usec_per_w},
    {"months", usec_per_month}, {"month", usec_per_month}, {"M", usec_per_month},
    {"years", usec_per_y}, {"year", usec_per_y}, {"y", usec_per_y},
}};

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// The unit at the start of s; a term without one counts in seconds ("1h 30" is 1h 30s).
Unit take_unit(std::string_view& s) noexcept {
    const Unit* best = nullptr;
    for (const auto& u : units)
        if (s.substr(0, u.name.size()) == u.name && (!best || u.name.size() > best->name.size())) best = &u;
    if (!best) return {"", usec_per_s};
    s.remove_prefix(best->name.size());
    return *best;
}

// One NUMBER[UNIT] term at the start of s, consumed; nullopt on bad text or overflow.
std::optional<std::uint64_t> take_term(std::string_view& s) noexcept {
    std::uint64_t whole = 0;
    bool any_digit = false, overflow = false;
    while (!s.empty() && is_digit(s.front())) {
        auto digit = static_cast<std::uint64_t>(s.front() - '0');
        if (whole > (max_finite_usec - digit) / 10) overflow = true;
        else whole = whole * 10 + digit;
        any_digit = true;
        s.remove_prefix(1);
    }

    // The fraction as numerator/denominator; digits past the 18th are below any unit's microsecond.
    std::uint64_t frac = 0, denom = 1;
    if (!s.empty() && s.front() == '.') {
        s.remove_prefix(1);
        if (s.empty() || !is_digit(s.front())) return std::nullopt;   // "5." as systemd refuses it
        while (!s.empty() && is_digit(s.front())) {
            if (denom < 1000000000000000000ULL) {
                frac = frac * 10 + static_cast<std::uint64_t>(s.front() - '0');
                denom *= 10;
            }
            any_digit = true;
            s.remove_prefix(1);
        }
        if (!s.empty() && s.front() == '.') return std::nullopt;   // "1.5.5s", a typo or an IP
    }
    if (!any_digit || overflow) return std::nullopt;

    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    const Unit unit = take_unit(s);

    u128 value = u128(whole) * unit.usec + u128(frac) * unit.usec / denom;
    if (value > max_finite_usec) return std::nullopt;
    return static_cast<std::uint64_t>(value);
}

// "N" or "N.FFF" with trailing zeros of the fraction dropped: 1500 us in ms is "1.5".
void append_decimal(std::string& out, std::uint64_t t, std::uint64_t unit) {
    out += std::to_string(t / unit);
    std::uint64_t rest = t % unit;
    if (rest == 0) return;
    std::string frac;
    for (std::uint64_t step = unit / 10; step > 0; step /= 10) {
        frac += static_cast<char>('0' + rest / step);
        rest %= step;
    }
    while (frac.back() == '0') frac.pop_back();
    out += '.';
    out += frac;
}

}  // namespace

std::optional<Usec> parse_timespan(std::string_view text) noexcept {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    if (text == "infinity") return infinite_usec;

    std::uint64_t total = 0;
    while (!text.empty()) {
        auto term = take_term(text);
        if (!term || *term > max_finite_usec - total) return std::nullopt;
        total += *term;
        while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    }
    return Usec(static_cast<Usec::rep>(total));
}

std::string format_timespan(Usec d) {
    if (d == infinite_usec) return "infinity";
    if (d.count() <= 0) return "0";

    auto t = static_cast<std::uint64_t>(d.count());
    std::string out;
    auto separate = [&] {
        if (!out.empty()) out += ' ';
    };

    // Months and years are averages (a year is 365.25 days), so "365d" would print as
    // "11month 4w 2d 4h 30min"; whole weeks read better and parse back exactly.
    static constexpr Unit whole_units[] = {{"w", usec_per_w}, {"d", usec_per_d}, {"h", usec_per_h},
                                           {"min", usec_per_min}};
    for (const auto& u : whole_units) {
        if (t < u.usec) continue;
        separate();
        out += std::to_string(t / u.usec);
        out += u.name;
        t %= u.usec;
    }
    if (t == 0) return out;

    // Below a minute, a fraction is shorter than a list of units: "1.5s", not "1s 500ms".
    separate();
    if (t >= usec_per_s) {
        append_decimal(out, t, usec_per_s);
        out += 's';
    } else if (t >= usec_per_ms) {
        append_decimal(out, t, usec_per_ms);
        out += "ms";
    } else {
        out += std::to_string(t);
        out += "us";
    }
    return out;
}

}  // namespace banjo
