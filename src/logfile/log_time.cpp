// SPDX-License-Identifier: GPL-2.0-or-later
#include "logfile/log_time.hpp"

#include "logfile/civil_time.hpp"
#include "logfile/time_fields.hpp"

#include <array>

namespace banjo {

namespace {

constexpr std::size_t apache_search_bytes = 512;
constexpr std::array<LogTimeForm, 7> detected_forms = {LogTimeForm::rfc3164, LogTimeForm::iso8601, LogTimeForm::slash,
                                                       LogTimeForm::apache, LogTimeForm::apache_error,
                                                       LogTimeForm::epoch, LogTimeForm::tai64n};

std::optional<FoundTime> found(const CivilTime& t, std::size_t begin, std::size_t end, bool has_year, Usec reference) {
    auto time = has_year ? to_realtime(t) : with_inferred_year(t, reference);
    if (!time) return std::nullopt;
    return FoundTime{*time, begin, end};
}

// HH:MM:SS[.fraction]
bool clock(TimeCursor& in, CivilTime& t) {
    if (!(in.number(2, 2, t.hour) && in.literal(':') && in.number(2, 2, t.minute) && in.literal(':') &&
          in.number(2, 2, t.second)))
        return false;
    if (in.peek() == '.' || in.peek() == ',') {
        const std::size_t dot = in.at++;
        if (!in.fraction(t.microsecond)) in.at = dot;
    }
    return true;
}

std::optional<FoundTime> iso8601(std::string_view line, Usec reference) {
    TimeCursor in{line, 0};
    in.literal('[');
    const std::size_t begin = in.at;
    CivilTime t;
    if (!(in.number(4, 4, t.year) && in.literal('-') && in.number(2, 2, t.month) && in.literal('-') &&
          in.number(2, 2, t.day)))
        return std::nullopt;
    if (!in.literal('T') && !in.literal(' ')) return std::nullopt;
    if (!clock(in, t)) return std::nullopt;
    if (!in.zone(t.utc_offset_seconds)) {
        // Exim's log_timezone: " +0200" after the clock.
        TimeCursor z = in;
        if (z.literal(' ') && (z.peek() == '+' || z.peek() == '-') && z.zone(t.utc_offset_seconds) && z.at_boundary())
            in = z;
    }
    if (!in.at_boundary()) return std::nullopt;
    return found(t, begin, in.at, true, reference);
}

std::optional<FoundTime> rfc3164(std::string_view line, Usec reference) {
    TimeCursor in{line, 0};
    CivilTime t;
    if (!(in.month_name(t.month) && in.at == 3 && in.spaces() && in.number(1, 2, t.day) && in.literal(' ') &&
          clock(in, t) && in.at_boundary()))
        return std::nullopt;
    return found(t, 0, in.at, false, reference);
}

// "DD/Mon/YYYY:HH:MM:SS +ZZZZ" after '[' at `open`.
std::optional<FoundTime> apache_at(std::string_view line, std::size_t open, Usec reference) {
    TimeCursor in{line, open + 1};
    CivilTime t;
    if (!(in.number(2, 2, t.day))) return std::nullopt;
    const char sep = in.peek();
    if (sep != '/' && sep != '-') return std::nullopt;
    ++in.at;
    if (!(in.month_name(t.month) && in.literal(sep) && in.number(4, 4, t.year))) return std::nullopt;
    if (!(sep == '/' ? in.literal(':') : in.literal(' '))) return std::nullopt;
    if (!clock(in, t)) return std::nullopt;
    TimeCursor z = in;
    if (z.literal(' ') && z.zone(t.utc_offset_seconds)) in = z;
    if (!in.literal(']')) return std::nullopt;
    return found(t, open, in.at, true, reference);
}

std::optional<FoundTime> apache(std::string_view line, Usec reference) {
    const std::size_t last = std::min(line.size(), apache_search_bytes);
    for (std::size_t open = line.find('['); open < last; open = line.find('[', open + 1))
        if (auto f = apache_at(line, open, reference)) return f;
    return std::nullopt;
}

std::optional<FoundTime> apache_error(std::string_view line, Usec reference) {
    TimeCursor in{line, 0};
    CivilTime t;
    if (!(in.literal('[') && in.weekday_name() && in.literal(' ') && in.month_name(t.month) && in.spaces() &&
          in.number(1, 2, t.day) && in.literal(' ') && clock(in, t) && in.literal(' ') && in.number(4, 4, t.year) &&
          in.literal(']')))
        return std::nullopt;
    return found(t, 0, in.at, true, reference);
}

std::optional<FoundTime> slash(std::string_view line, Usec reference) {
    TimeCursor in{line, 0};
    CivilTime t;
    if (!(in.number(4, 4, t.year) && in.literal('/') && in.number(2, 2, t.month) && in.literal('/') &&
          in.number(2, 2, t.day) && in.literal(' ') && clock(in, t) && in.at_boundary()))
        return std::nullopt;
    return found(t, 0, in.at, true, reference);
}

std::optional<FoundTime> epoch(std::string_view line) {
    TimeCursor in{line, 0};
    long long seconds = 0;
    long micro = 0;
    // Nine or ten digits (1973 to 2286): no short count or id is taken for a time.
    if (!in.long_number(9, 10, seconds) || seconds < 100'000'000LL) return std::nullopt;
    if (in.peek() == '.') {
        const std::size_t dot = in.at++;
        if (!in.fraction(micro)) in.at = dot;
    }
    if (!in.done() && in.peek() != ' ' && in.peek() != '\t') return std::nullopt;
    return FoundTime{Usec(seconds * 1'000'000LL + micro), 0, in.at};
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// "@" and 24 hex digits: 2^62 + 10 + the Unix seconds (daemontools' labels leave leap
// seconds out: TAI is taken as UTC + 10 s), then nanoseconds.
std::optional<FoundTime> tai64n(std::string_view line) {
    if (line.size() < 25 || line[0] != '@') return std::nullopt;
    unsigned long long seconds = 0, nanos = 0;
    for (std::size_t i = 1; i < 25; ++i) {
        const int v = hex_value(line[i]);
        if (v < 0) return std::nullopt;
        if (i <= 16) seconds = seconds << 4 | static_cast<unsigned>(v);
        else nanos = nanos << 4 | static_cast<unsigned>(v);
    }
    constexpr unsigned long long base = (1ULL << 62) + 10;
    if (seconds < base || nanos >= 1'000'000'000ULL || seconds - base > 1ULL << 40) return std::nullopt;
    if (line.size() > 25 && line[25] != ' ') return std::nullopt;
    return FoundTime{Usec(static_cast<long long>(seconds - base) * 1'000'000LL + static_cast<long long>(nanos / 1000)),
                     0, 25};
}

}  // namespace

std::string_view to_string(LogTimeForm form) noexcept {
    switch (form) {
    case LogTimeForm::iso8601: return "iso8601";
    case LogTimeForm::rfc3164: return "rfc3164";
    case LogTimeForm::apache: return "apache";
    case LogTimeForm::apache_error: return "apache-error";
    case LogTimeForm::slash: return "slash";
    case LogTimeForm::epoch: return "epoch";
    case LogTimeForm::tai64n: return "tai64n";
    case LogTimeForm::pattern: return "datepattern";
    }
    return "unknown";
}

std::optional<FoundTime> read_log_time(LogTimeForm form, std::string_view line, Usec reference) {
    switch (form) {
    case LogTimeForm::iso8601: return iso8601(line, reference);
    case LogTimeForm::rfc3164: return rfc3164(line, reference);
    case LogTimeForm::apache: return apache(line, reference);
    case LogTimeForm::apache_error: return apache_error(line, reference);
    case LogTimeForm::slash: return slash(line, reference);
    case LogTimeForm::epoch: return epoch(line);
    case LogTimeForm::tai64n: return tai64n(line);
    case LogTimeForm::pattern: return std::nullopt;
    }
    return std::nullopt;
}

std::optional<FoundTime> LogTimeReader::read(std::string_view line, Usec reference) {
    if (pattern_) {
        form_ = LogTimeForm::pattern;
        return pattern_->find(line, reference);
    }
    if (form_)
        if (auto t = read_log_time(*form_, line, reference)) return t;
    for (LogTimeForm f : detected_forms) {
        if (form_ && f == *form_) continue;
        if (auto t = read_log_time(f, line, reference)) {
            form_ = f;
            return t;
        }
    }
    return std::nullopt;
}

}  // namespace banjo
