// SPDX-License-Identifier: GPL-2.0-or-later
#include "logfile/date_pattern.hpp"

#include "logfile/civil_time.hpp"
#include "logfile/time_fields.hpp"

#include <stdexcept>

namespace banjo {

namespace {

constexpr std::size_t search_bytes = 256;

}  // namespace

DatePattern::DatePattern(std::string pattern) : text_(std::move(pattern)) {
    std::string_view p = text_;
    if (p.starts_with("{^LN-BEG}")) {
        anchored_ = true;
        p.remove_prefix(9);
    } else if (p.starts_with("^")) {
        anchored_ = true;
        p.remove_prefix(1);
    }
    pattern_ = std::string(p);
    bool clock = false;
    for (std::size_t i = 0; i < pattern_.size(); ++i) {
        if (pattern_[i] != '%') continue;
        if (++i == pattern_.size()) throw std::invalid_argument("datepattern ends with a lone '%'");
        const char c = pattern_[i];
        if (std::string_view("YymdebBhaAHMSfzs%").find(c) == std::string_view::npos)
            throw std::invalid_argument(std::string("datepattern: unknown conversion %") + c);
        if (c == 'H' || c == 's') clock = true;
    }
    if (!clock) throw std::invalid_argument("datepattern has no time of day (%H) nor %s");
}

std::optional<FoundTime> DatePattern::find(std::string_view line, Usec reference) const {
    if (anchored_) return match_at(line, 0, reference);
    const std::size_t last = std::min(line.size(), search_bytes);
    for (std::size_t at = 0; at < last; ++at)
        if (auto t = match_at(line, at, reference)) return t;
    return std::nullopt;
}

std::optional<FoundTime> DatePattern::match_at(std::string_view line, std::size_t at, Usec reference) const {
    TimeCursor in{line, at};
    CivilTime t;
    bool have_year = false;
    std::optional<long long> epoch;
    for (std::size_t i = 0; i < pattern_.size(); ++i) {
        const char p = pattern_[i];
        if (p != '%') {
            if (p == ' ') {
                if (!in.spaces()) return std::nullopt;
            } else if (!in.literal(p)) {
                return std::nullopt;
            }
            continue;
        }
        const char c = pattern_[++i];
        bool ok = true;
        switch (c) {
        case 'Y': ok = in.number(4, 4, t.year); have_year = ok; break;
        case 'y': ok = in.number(2, 2, t.year); t.year += 2000; have_year = ok; break;
        case 'm': ok = in.number(1, 2, t.month); break;
        case 'd': case 'e': in.spaces(); ok = in.number(1, 2, t.day); break;
        case 'b': case 'B': case 'h': ok = in.month_name(t.month); break;
        case 'a': case 'A': ok = in.weekday_name(); break;
        case 'H': ok = in.number(1, 2, t.hour); break;
        case 'M': ok = in.number(2, 2, t.minute); break;
        case 'S': ok = in.number(2, 2, t.second); break;
        case 'f': ok = in.fraction(t.microsecond); break;
        case 'z': ok = in.zone(t.utc_offset_seconds); break;
        case 's': {
            long long s = 0;
            ok = in.long_number(1, 12, s);
            if (ok) epoch = s;
            break;
        }
        case '%': ok = in.literal('%'); break;
        default: ok = false;
        }
        if (!ok) return std::nullopt;
    }
    std::optional<Usec> time;
    if (epoch) time = Usec(*epoch * 1'000'000LL + t.microsecond);
    else if (have_year) time = to_realtime(t);
    else time = with_inferred_year(t, reference);
    if (!time) return std::nullopt;
    return FoundTime{*time, at, in.at};
}

}  // namespace banjo
