// SPDX-License-Identifier: GPL-2.0-or-later
#include "logfile/time_fields.hpp"

#include <array>

namespace banjo {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

constexpr std::array<std::string_view, 12> months = {"january", "february", "march",     "april",   "may",      "june",
                                                     "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<std::string_view, 7> weekdays = {"monday", "tuesday", "wednesday", "thursday",
                                                      "friday", "saturday", "sunday"};

// A name from `names`, abbreviated to three letters or in full, case-insensitive. Returns its
// index or -1.
template <std::size_t N>
int read_name(TimeCursor& in, const std::array<std::string_view, N>& names) {
    std::size_t end = in.at;
    while (end < in.line.size() && is_alpha(in.line[end]) && end - in.at < 10) ++end;
    const std::string_view word = in.line.substr(in.at, end - in.at);
    if (word.size() < 3) return -1;
    for (std::size_t i = 0; i < N; ++i) {
        const std::string_view name = names[i];
        if (word.size() != 3 && word.size() != name.size()) continue;
        bool same = true;
        for (std::size_t k = 0; k < word.size() && same; ++k) same = lower(word[k]) == name[k];
        if (same) {
            in.at = end;
            return static_cast<int>(i);
        }
    }
    return -1;
}

}  // namespace

bool TimeCursor::literal(char c) noexcept {
    if (peek() != c || done()) return false;
    ++at;
    return true;
}

bool TimeCursor::spaces() noexcept {
    const std::size_t start = at;
    while (!done() && line[at] == ' ') ++at;
    return at > start;
}

bool TimeCursor::long_number(int min_digits, int max_digits, long long& out) noexcept {
    std::size_t end = at;
    long long v = 0;
    while (end < line.size() && is_digit(line[end]) && static_cast<int>(end - at) < max_digits) {
        v = v * 10 + (line[end] - '0');
        ++end;
    }
    if (static_cast<int>(end - at) < min_digits) return false;
    out = v;
    at = end;
    return true;
}

bool TimeCursor::number(int min_digits, int max_digits, int& out) noexcept {
    long long v = 0;
    if (!long_number(min_digits, max_digits, v)) return false;
    out = static_cast<int>(v);
    return true;
}

bool TimeCursor::month_name(int& month) noexcept {
    const int i = read_name(*this, months);
    if (i < 0) return false;
    month = i + 1;
    return true;
}

bool TimeCursor::weekday_name() noexcept { return read_name(*this, weekdays) >= 0; }

bool TimeCursor::fraction(long& microsecond) noexcept {
    std::size_t end = at;
    long v = 0;
    int digits = 0;
    while (end < line.size() && is_digit(line[end]) && digits < 9) {
        if (digits < 6) v = v * 10 + (line[end] - '0');
        ++digits;
        ++end;
    }
    if (digits == 0) return false;
    for (int d = digits; d < 6; ++d) v *= 10;
    microsecond = v;
    at = end;
    return true;
}

bool TimeCursor::zone(std::optional<int>& offset_seconds) noexcept {
    if (peek() == 'Z') {
        ++at;
        offset_seconds = 0;
        return true;
    }
    if (peek() != '+' && peek() != '-') return false;
    const std::size_t start = at;
    const int sign = line[at] == '-' ? -1 : 1;
    ++at;
    int hours = 0, minutes = 0;
    if (!number(2, 2, hours)) {
        at = start;
        return false;
    }
    if (literal(':')) {
        if (!number(2, 2, minutes)) {
            at = start;
            return false;
        }
    } else {
        number(2, 2, minutes);
    }
    if (hours > 14 || minutes > 59) {
        at = start;
        return false;
    }
    offset_seconds = sign * (hours * 3600 + minutes * 60);
    return true;
}

bool TimeCursor::at_boundary() const noexcept { return done() || !(is_digit(peek()) || is_alpha(peek())); }

}  // namespace banjo
