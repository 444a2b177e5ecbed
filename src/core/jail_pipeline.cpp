// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/jail_pipeline.hpp"

namespace banjo {

namespace {

// A session lives at most as long as the jail's failure window: older lines cannot count anyway.
Usec session_age(const JailSettings& s) { return s.findtime; }

}  // namespace

JailPipeline::JailPipeline(JailSettings settings, const FilterSpec& filter)
    : filter_(Filter::compile(filter, settings.mode)),
      sessions_(default_max_sessions, session_age(settings)),
      jail_(std::move(settings)) {}

std::optional<FilterMatch> JailPipeline::match(std::string_view message) noexcept {
    auto m = filter_.match(message);
    if (m) ++counters_.matches;
    return m;
}

std::optional<BanDecision> JailPipeline::count(const FilterMatch& m, std::string_view session_id, Usec time) {
    FilterMatch owned;
    owned.kind = m.kind;
    owned.address = m.address;
    owned.pattern_index = m.pattern_index;
    std::optional<Address> address = sessions_.feed(owned, session_id, time);
    if (m.kind != MatchKind::failure) return std::nullopt;
    if (!address) {
        ++counters_.no_address;
        return std::nullopt;
    }
    FailureOutcome outcome{};
    auto decision = jail_.add_failure(*address, time, &outcome);
    if (outcome == FailureOutcome::ignored) ++counters_.ignored;
    else ++counters_.failures;
    if (decision) ++counters_.bans;
    return decision;
}

}  // namespace banjo
