// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/ban_recovery.hpp"

#include <algorithm>
#include <set>

namespace banjo {

BanRecovery::BanRecovery(std::vector<BanRecord> records, std::vector<Jail> jails) : jails_(std::move(jails)) {
    // The journal interleaves files; what counts is the order in which banjo wrote them.
    std::stable_sort(records.begin(), records.end(),
                     [](const BanRecord& a, const BanRecord& b) { return a.time < b.time; });
    for (BanRecord& r : records) {
        if (!jail(r.jail)) continue;
        ++records_;
        Key key{r.jail, r.address};
        if (r.kind == BanRecord::Kind::ban) ban_times_[key] = r.time;
        if (r.kind == BanRecord::Kind::ban && r.origin != BanOrigin::restored) {
            auto& [count, last] = offences_[key];
            ++count;
            last = std::max(last, r.time);
        }
        last_[std::move(key)] = std::move(r);
    }
}

const BanRecovery::Jail* BanRecovery::jail(const std::string& name) const {
    auto it = std::find_if(jails_.begin(), jails_.end(), [&](const Jail& j) { return j.name == name; });
    return it == jails_.end() ? nullptr : &*it;
}

std::vector<Ban> BanRecovery::journal_bans(Usec now) const {
    std::vector<Ban> out;
    for (const auto& [key, r] : last_) {
        if (r.kind != BanRecord::Kind::ban || r.expires <= now) continue;
        out.push_back(Ban{r.jail, r.address, r.time, r.expires, r.failures, BanOrigin::restored});
    }
    return out;
}

std::vector<BanRecord> BanRecovery::last_unbans() const {
    std::vector<BanRecord> out;
    for (const auto& [key, r] : last_)
        if (r.kind == BanRecord::Kind::unban) out.push_back(r);
    return out;
}

std::vector<RecoveredHistory> BanRecovery::history() const {
    std::vector<RecoveredHistory> out;
    out.reserve(offences_.size());
    for (const auto& [key, o] : offences_) out.push_back(RecoveredHistory{key.first, key.second, o.first, o.second});
    return out;
}

std::vector<Ban> BanRecovery::held_bans(const std::vector<HeldBan>& held, Usec now) const {
    std::vector<Ban> out;
    // Two entries for one jail and address (sets of both kinds) make one ban.
    std::set<Key> seen;
    for (const HeldBan& h : held) {
        std::vector<const Jail*> candidates;
        if (!h.jail.empty()) {
            if (const Jail* j = jail(h.jail)) candidates.push_back(j);
        } else {
            for (const Jail& j : jails_)
                if (j.all_ports) candidates.push_back(&j);
        }
        const bool journal_knows = std::any_of(candidates.begin(), candidates.end(), [&](const Jail* j) {
            return last_.count(Key{j->name, h.address}) != 0;
        });
        if (candidates.empty() || journal_knows) continue;
        const Jail& j = *candidates.front();
        const Usec expires = h.expires ? *h.expires : saturating_add(now, j.bantime);
        if (expires <= now) continue;
        if (seen.insert(Key{j.name, h.address}).second)
            out.push_back(Ban{j.name, h.address, now, expires, 0, BanOrigin::restored});
    }
    return out;
}

}  // namespace banjo
