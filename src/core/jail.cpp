// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/jail.hpp"

#include "core/special_address.hpp"

#include <algorithm>

namespace banjo {

Jail::Jail(JailSettings settings)
    : settings_(std::move(settings)),
      windows_(0, AddressHash{settings_.hash_seed}),
      records_(0, AddressHash{settings_.hash_seed}),
      random_state_(settings_.random_seed) {}

bool Jail::ignores(const Address& address) const noexcept {
    return settings_.ignore.contains(address) || (!dynamic_ignore_.empty() && dynamic_ignore_.contains(address));
}

std::optional<IgnoreHit> Jail::ignore_hit(const Address& address) const {
    if (auto c = settings_.ignore.longest_match(address)) return IgnoreHit{*c, "ignore"};
    if (auto c = dynamic_ignore_.longest_match(address)) return IgnoreHit{*c, dynamic_sources_.at(*c)};
    return std::nullopt;
}

void Jail::set_dynamic_ignore(const std::vector<IgnoreHit>& entries) {
    dynamic_ignore_ = CidrSet();
    dynamic_sources_.clear();
    for (const auto& e : entries)
        if (dynamic_ignore_.insert(e.entry)) dynamic_sources_.emplace(e.entry, e.source);
}

void Jail::withdraw_ban(const Address& address) {
    auto it = records_.find(address);
    if (it == records_.end()) return;
    it->second.banned_until = Usec(0);
    if (it->second.bans > 0) --it->second.bans;
    if (total_bans_ > 0) --total_bans_;
}

std::optional<BanDecision> Jail::add_failure(const Address& address, Usec time, FailureOutcome* outcome) {
    FailureOutcome dummy;
    FailureOutcome& out = outcome ? *outcome : dummy;
    if (ignores(address)) {
        out = FailureOutcome::ignored;
        return std::nullopt;
    }
    if (special_address(address)) {
        out = FailureOutcome::refused;
        return std::nullopt;
    }
    ++total_failures_;
    auto record = records_.find(address);
    if (record != records_.end() && record->second.banned_until > time) {
        out = FailureOutcome::already_banned;
        return std::nullopt;
    }
    auto window = windows_.find(address);
    if (window == windows_.end()) {
        if (windows_.size() >= settings_.max_tracked) make_room(time);
        window = windows_.emplace(address, FailureWindow{}).first;
    }
    const unsigned failures = window->second.add(time, settings_.findtime, settings_.maxretry);
    if (failures < settings_.maxretry) {
        out = FailureOutcome::counted;
        return std::nullopt;
    }
    windows_.erase(window);
    const unsigned before = offences_before(address);
    const Usec bantime = next_bantime(address);
    Record& r = records_[address];
    BanDecision decision{address, time, failures, bantime, before};
    r.bans = r.bans == UINT32_MAX ? r.bans : r.bans + 1;
    r.banned_until = saturating_add(time, decision.bantime);
    ++total_bans_;
    out = FailureOutcome::banned;
    return decision;
}

void Jail::note_ban(const Address& address, Usec until, bool counts_as_offence) {
    Record& r = records_[address];
    r.banned_until = std::max(r.banned_until, until);
    if (counts_as_offence && r.bans != UINT32_MAX) ++r.bans;
    windows_.erase(address);
}

void Jail::forget_ban(const Address& address) {
    auto it = records_.find(address);
    if (it != records_.end()) it->second.banned_until = Usec(0);
}

unsigned Jail::previous_bans(const Address& address) const {
    auto it = records_.find(address);
    return it == records_.end() ? 0 : it->second.bans;
}

void Jail::set_previous_bans(const Address& address, unsigned n) { records_[address].bans = n; }

unsigned Jail::offences_before(const Address& address) const {
    if (overall_ && settings_.ban.increment.overall_jails) return overall_->previous_bans(address);
    return previous_bans(address);
}

Usec Jail::next_bantime(const Address& address) {
    const BanPolicy& policy = settings_.ban;
    // Drawn only when rnd is in play, so that jails without it ban exactly as before.
    const std::uint64_t draw =
        policy.increment.enabled && policy.increment.rnd > Usec(0) ? next_random(random_state_) : 0;
    return policy.duration_for(offences_before(address), draw);
}

std::vector<Usec> Jail::failure_times(const Address& address, Usec now) const {
    std::vector<Usec> out;
    auto it = windows_.find(address);
    if (it == windows_.end()) return out;
    for (std::int64_t s : it->second.seconds_within(now, settings_.findtime)) out.push_back(std::chrono::seconds(s));
    return out;
}

void Jail::prune(Usec now) {
    std::erase_if(windows_, [&](const auto& kv) { return kv.second.stale(now, settings_.findtime); });
}

void Jail::forget_history_before(Usec cutoff) {
    std::erase_if(records_, [&](const auto& kv) { return kv.second.banned_until < cutoff; });
}

void Jail::make_room(Usec now) {
    prune(now);
    if (windows_.size() < settings_.max_tracked) return;
    // Still full of live windows: a flood of distinct addresses. Forget the tenth that failed
    // least recently; they are the least likely to reach maxretry soon.
    std::vector<std::int64_t> lasts;
    lasts.reserve(windows_.size());
    for (const auto& kv : windows_) lasts.push_back(kv.second.last_second());
    auto cut = lasts.begin() + static_cast<std::ptrdiff_t>(lasts.size() / 10);
    std::nth_element(lasts.begin(), cut, lasts.end());
    const std::int64_t threshold = *cut;
    std::size_t to_drop = lasts.size() / 10 + 1;
    for (auto it = windows_.begin(); it != windows_.end() && to_drop > 0;) {
        if (it->second.last_second() <= threshold) {
            it = windows_.erase(it);
            --to_drop;
        } else {
            ++it;
        }
    }
}

}  // namespace banjo
