// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/filter_run.hpp"

namespace banjo {

namespace {

bool has_ignoreregex(const FilterSpec& spec) {
    if (!spec.ignoreregex.empty()) return true;
    for (const auto& [name, mode] : spec.modes)
        if (!mode.ignoreregex.empty()) return true;
    return false;
}

FilterSpec without_ignoreregex(FilterSpec spec) {
    spec.ignoreregex.clear();
    for (auto& [name, mode] : spec.modes) mode.ignoreregex.clear();
    return spec;
}

}  // namespace

FilterRun::FilterRun(const FilterSpec& spec, const std::string& mode, bool keep_missed)
    : filter_(Filter::compile(spec, mode)),
      sessions_(default_max_sessions, default_session_max_age_usec),
      keep_missed_(keep_missed) {
    if (has_ignoreregex(spec)) without_ignore_.emplace(Filter::compile(without_ignoreregex(spec), mode));
    result_.hits.assign(filter_.failregex_texts().size(), 0);
}

void FilterRun::feed(std::uint64_t number, std::uint64_t time_usec, std::string_view text, std::string_view message,
                     std::string_view id, Usec time) {
    ++result_.lines;
    auto m = filter_.match(message);
    if (!m) {
        if (without_ignore_) {
            if (auto ignored = without_ignore_->match(message)) {
                result_.ignored.push_back({number, time_usec, std::string(text), ignored->pattern_index + 1});
                return;
            }
        }
        ++result_.missed_count;
        if (keep_missed_) result_.missed.push_back({number, time_usec, std::string(text), 0});
        return;
    }
    ++result_.hits[m->pattern_index];
    MatchedLine line;
    line.number = number;
    line.time_usec = time_usec;
    line.text = std::string(text);
    line.message = std::string(message);
    line.pattern = m->pattern_index + 1;
    line.kind = m->kind;
    line.gained = m->gained;
    line.ends_session = m->ends_session;
    line.host = std::string(m->host);
    line.address = m->address;
    line.user = std::string(m->user);
    line.id = std::string(m->id.empty() ? id : m->id);
    line.counted = sessions_.feed(*m, line.id, time);
    if (line.counted) ++result_.failures;
    result_.matched.push_back(std::move(line));
}

}  // namespace banjo
