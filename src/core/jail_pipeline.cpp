// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/jail_pipeline.hpp"

namespace banjo {

JailPipeline::JailPipeline(JailSettings settings, std::shared_ptr<const Filter> filter)
    : filter_(std::move(filter)),
      sessions_(default_max_sessions, default_session_max_age_usec),
      jail_(std::move(settings)) {}

JailPipeline::JailPipeline(JailSettings settings, const FilterSpec& filter)
    : JailPipeline(settings, std::make_shared<const Filter>(Filter::compile(filter, settings.mode))) {}

std::optional<FilterMatch> JailPipeline::match(std::string_view message) noexcept {
    auto m = filter_->match(message);
    if (m) ++counters_.matches;
    return m;
}

std::optional<BanDecision> JailPipeline::count(const FilterMatch& m, std::string_view session_id, Usec time,
                                               std::string_view line) {
    counted_.reset();
    std::optional<Address> address = sessions_.feed(m, session_id, time);
    // The session table decides: a failure may wait for its host, and a later line that names
    // the host (even one that is no failure itself) then counts it.
    if (!address) {
        if (m.kind == MatchKind::failure) ++counters_.no_address;
        return std::nullopt;
    }
    FailureOutcome outcome{};
    auto decision = jail_.add_failure(*address, time, &outcome);
    if (outcome == FailureOutcome::ignored) {
        ++counters_.ignored;
    } else if (outcome == FailureOutcome::refused) {
        const SpecialAddress kind = *special_address(*address);
        ++counters_.refused[static_cast<std::size_t>(kind)];
        if (refusals_.size() < max_pending_refusals) refusals_.push_back({*address, kind, time});
        else ++refusals_not_kept_;
    } else {
        ++counters_.failures;
        if (outcome == FailureOutcome::counted || outcome == FailureOutcome::banned) counted_ = *address;
        if (lines_ && !line.empty()) lines_->add(jail_.name(), jail_.counted_as(*address), line, jail_.settings().max_lines);
    }
    if (decision) {
        ++counters_.bans;
        if (lines_) decision->lines = lines_->take(jail_.name(), decision->address);
    }
    return decision;
}

std::vector<Refusal> JailPipeline::take_refusals(std::uint64_t& not_kept) {
    not_kept = refusals_not_kept_;
    refusals_not_kept_ = 0;
    std::vector<Refusal> out;
    out.swap(refusals_);
    return out;
}

}  // namespace banjo
