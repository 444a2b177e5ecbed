// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/jail.hpp"

#include "core/special_address.hpp"

#include <algorithm>

namespace banjo {

Jail::Jail(JailSettings settings)
    : settings_(std::move(settings)),
      windows_(CidrHash{settings_.hash_seed}),
      history_(settings_.hash_seed, settings_.history_max_entries, settings_.history_memory),
      random_state_(settings_.random_seed) {
    settings_.max_tracked = std::min(settings_.max_tracked, windows_.max_entries);
}

void Jail::set_history_limits(std::size_t max_entries, std::size_t max_bytes) {
    settings_.history_max_entries = max_entries;
    settings_.history_memory = max_bytes;
    history_.set_limits(max_entries, max_bytes);
}

bool Jail::ignores(const Address& address) const noexcept {
    return settings_.ignore.contains(address) || (!dynamic_ignore_.empty() && dynamic_ignore_.contains(address));
}

bool Jail::ignores_any(const Cidr& network) const {
    return settings_.ignore.overlapping(network) || dynamic_ignore_.overlapping(network);
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

void Jail::withdraw_ban(const Cidr& banned) {
    HistoryRecord* r = history_.find(banned);
    if (!r) return;
    r->set_banned_until(Usec(0));
    if (r->bans > 0) --r->bans;
    if (total_bans_ > 0) --total_bans_;
}

Cidr Jail::counted_as(const Address& address) const noexcept {
    const unsigned len = address.family() == Family::ipv4 ? settings_.ipv4_prefix : settings_.ipv6_prefix;
    return Cidr::make(address, len).value_or(Cidr(address));
}

Cidr Jail::ban_scope(const Address& address, std::optional<BanDecision::Narrowing>* narrowed) const {
    const Cidr wide = counted_as(address);
    if (wide.is_host()) return wide;
    // The ignore list wins over a prefix: a network that holds an ignored address (or one
    // banjo never bans) is not banned whole, only the address that failed.
    auto inside = settings_.ignore.overlapping(wide);
    const bool never_banned = !inside;
    if (!inside) inside = special_networks().overlapping(wide);
    if (!inside) return wide;
    if (narrowed) *narrowed = BanDecision::Narrowing{wide, *inside, never_banned};
    return Cidr(address);
}

bool Jail::banned_at(const Cidr& network, Usec time) const {
    const HistoryRecord* r = history_.find(network);
    return r && r->banned_until() > time;
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
    const Cidr key = counted_as(address);
    // Banned as a network, or alone (a narrowed or manual ban inside the network).
    if (banned_at(key, time) || (!key.is_host() && banned_at(Cidr(address), time))) {
        out = FailureOutcome::already_banned;
        return std::nullopt;
    }
    std::size_t window = windows_.find(key);
    if (window == windows_.npos) {
        if (windows_.size() >= settings_.max_tracked) make_room(time);
        window = windows_.emplace_absent(key);
    }
    const unsigned failures = windows_.at(window).value.add(time, settings_.findtime, settings_.maxretry);
    if (failures < settings_.maxretry) {
        out = FailureOutcome::counted;
        return std::nullopt;
    }
    windows_.erase_at(window);
    std::optional<BanDecision::Narrowing> narrowed;
    const Cidr scope = ban_scope(address, &narrowed);
    const unsigned before = offences_before(scope);
    const Usec bantime = next_bantime(scope);
    HistoryRecord& r = history_.at(scope);
    BanDecision decision{scope, time, failures, bantime, before, narrowed};
    r.bans = r.bans == UINT32_MAX ? r.bans : r.bans + 1;
    r.set_banned_until(saturating_add(time, decision.bantime));
    ++total_bans_;
    out = FailureOutcome::banned;
    return decision;
}

void Jail::note_ban(const Cidr& network, Usec until, bool counts_as_offence) {
    HistoryRecord& r = history_.at(network);
    r.set_banned_until(std::max(r.banned_until(), until));
    if (counts_as_offence && r.bans != UINT32_MAX) ++r.bans;
    windows_.erase(network);
}

void Jail::forget_ban(const Cidr& network) {
    if (HistoryRecord* r = history_.find(network)) r->set_banned_until(Usec(0));
}

unsigned Jail::previous_bans(const Cidr& network) const {
    const HistoryRecord* r = history_.find(network);
    return r ? r->bans : 0;
}

void Jail::set_previous_bans(const Cidr& network, unsigned n) { history_.at(network).bans = n; }

unsigned Jail::offences_before(const Cidr& network) const {
    if (overall_ && settings_.ban.increment.overall_jails) return overall_->previous_bans(network);
    return previous_bans(network);
}

Usec Jail::next_bantime(const Cidr& network) {
    const BanPolicy& policy = settings_.ban;
    // Drawn only when rnd is in play, so that jails without it ban exactly as before.
    const std::uint64_t draw =
        policy.increment.enabled && policy.increment.rnd > Usec(0) ? next_random(random_state_) : 0;
    return policy.duration_for(offences_before(network), draw);
}

std::vector<Usec> Jail::failure_times(const Address& address, Usec now) const {
    std::vector<Usec> out;
    const FailureWindow* w = windows_.get(counted_as(address));
    if (!w) return out;
    for (std::int64_t s : w->seconds_within(now, settings_.findtime)) out.push_back(std::chrono::seconds(s));
    return out;
}

void Jail::prune(Usec now) {
    if (windows_.erase_if([&](const auto& e) { return e.value.stale(now, settings_.findtime); }) > 0)
        windows_.shrink_to_fit();
}

void Jail::forget_history_before(Usec cutoff) {
    history_.forget_before(cutoff);
}

void Jail::make_room(Usec now) {
    prune(now);
    if (windows_.size() < settings_.max_tracked) return;
    // Still full of live windows: a flood of distinct addresses. Forget the tenth that failed
    // least recently; they are the least likely to reach maxretry soon.
    std::vector<std::int64_t> lasts;
    lasts.reserve(windows_.size());
    for (const auto& e : windows_) lasts.push_back(e.value.last_second());
    auto cut = lasts.begin() + static_cast<std::ptrdiff_t>(lasts.size() / 10);
    std::nth_element(lasts.begin(), cut, lasts.end());
    const std::int64_t threshold = *cut;
    std::size_t to_drop = lasts.size() / 10 + 1;
    windows_.erase_if([&](const auto& e) {
        if (to_drop == 0 || e.value.last_second() > threshold) return false;
        --to_drop;
        return true;
    });
}

}  // namespace banjo
