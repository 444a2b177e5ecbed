// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/blocklist_update.hpp"

#include <algorithm>

namespace banjo {

namespace {

bool inside(const Cidr& outer, const Cidr& inner) {
    return outer.network.family() == inner.network.family() && outer.prefix_len <= inner.prefix_len &&
           outer.contains(inner.network);
}

// An ignored network that overlaps `c`: one holding it, or one inside it.
bool touches_ignored(const Cidr& c, const CidrSet& ignore, const std::vector<Cidr>& ignore_entries) {
    if (auto m = ignore.longest_match(c.network); m && m->prefix_len <= c.prefix_len) return true;
    return std::any_of(ignore_entries.begin(), ignore_entries.end(), [&](const Cidr& i) { return inside(c, i); });
}

}  // namespace

NormalisedBlocklist normalise_blocklist(std::vector<Cidr> networks, const CidrSet& ignore) {
    NormalisedBlocklist out;
    std::sort(networks.begin(), networks.end());
    const std::vector<Cidr> ignore_entries = ignore.entries();
    out.networks.reserve(networks.size());
    const Cidr* last = nullptr;   // the last network kept: sorted wide to narrow, so any
                                  // network inside a kept one follows it directly
    for (const Cidr& c : networks) {
        if (last && inside(*last, c)) {
            ++out.duplicates;
            continue;
        }
        if (touches_ignored(c, ignore, ignore_entries)) {
            if (out.ignored.empty() || out.ignored.back() != c) out.ignored.push_back(c);
            continue;
        }
        out.networks.push_back(c);
        last = &out.networks.back();
    }
    return out;
}

BlocklistDiff diff_blocklist(const std::vector<Cidr>& in_force, const std::vector<Cidr>& wanted) {
    BlocklistDiff d;
    std::set_difference(wanted.begin(), wanted.end(), in_force.begin(), in_force.end(), std::back_inserter(d.add));
    std::set_difference(in_force.begin(), in_force.end(), wanted.begin(), wanted.end(), std::back_inserter(d.remove));
    return d;
}

BlocklistPlan plan_blocklist_update(const std::vector<Cidr>& in_force, const ParsedBlocklist& parsed,
                                    const CidrSet& ignore, bool confirmed) {
    BlocklistPlan plan;
    const std::size_t valid = parsed.entry_lines - parsed.malformed;
    if (parsed.malformed * 100 > parsed.entry_lines * max_malformed_percent || (parsed.malformed > 0 && valid == 0)) {
        plan.verdict = BlocklistPlan::Verdict::refused;
        plan.reason = std::to_string(parsed.malformed) + " of " + std::to_string(parsed.entry_lines) +
                      " entry lines are malformed (more than " + std::to_string(max_malformed_percent) +
                      "%): not a list of this format, or damaged";
        return plan;
    }
    plan.wanted = normalise_blocklist(parsed.networks, ignore);
    BlocklistDiff diff = diff_blocklist(in_force, plan.wanted.networks);
    if (!confirmed && !in_force.empty() && diff.remove.size() * 2 > in_force.size()) {
        plan.verdict = BlocklistPlan::Verdict::held;
        plan.reason = "it would remove " + std::to_string(diff.remove.size()) + " of the " +
                      std::to_string(in_force.size()) +
                      " entries in force (more than half): cut short? applied only if the next check reads the same";
        return plan;
    }
    plan.diff = std::move(diff);
    return plan;
}

}  // namespace banjo
