// SPDX-License-Identifier: GPL-2.0-or-later
// What a new reading of a blocklist changes in the set in force, and whether it may: the
// networks normalised (sorted, duplicates and networks inside a wider entry dropped, since a
// firewall interval set refuses overlapping elements), the ignore list applied (an entry that
// holds or lies in an ignored network is left out whole), and the difference to what is in
// force. A reading that looks broken never empties the set:
//   - more than max_malformed_percent of its entry lines are malformed, or none is valid while
//     some are malformed: refused, the set stays as it is;
//   - it would take out more than half of the entries in force (a file cut short while being
//     written, an error page served with status 200, an empty download): held back; the same
//     reading seen again at the next check (`confirmed`) is applied, so a list that really
//     shrank takes effect one interval later.
// Pure: no I/O.
#pragma once

#include "core/blocklist_parser.hpp"
#include "core/cidr.hpp"
#include "core/cidr_set.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace banjo {

inline constexpr std::size_t max_malformed_percent = 10;

struct NormalisedBlocklist {
    std::vector<Cidr> networks;     // sorted, no duplicates, none inside another
    std::size_t duplicates = 0;     // listed twice, or inside a wider entry
    std::vector<Cidr> ignored;      // left out for the ignore list
};
NormalisedBlocklist normalise_blocklist(std::vector<Cidr> networks, const CidrSet& ignore);

// Sorted difference: what `wanted` adds to and removes from `in_force` (both sorted, unique).
struct BlocklistDiff {
    std::vector<Cidr> add, remove;
};
BlocklistDiff diff_blocklist(const std::vector<Cidr>& in_force, const std::vector<Cidr>& wanted);

struct BlocklistPlan {
    enum class Verdict { apply, refused, held };
    Verdict verdict = Verdict::apply;
    std::string reason;              // why refused or held
    NormalisedBlocklist wanted;
    BlocklistDiff diff;              // empty unless apply
};
// `in_force`: sorted, unique. `confirmed`: this reading was held back once already.
BlocklistPlan plan_blocklist_update(const std::vector<Cidr>& in_force, const ParsedBlocklist& parsed,
                                    const CidrSet& ignore, bool confirmed);

}  // namespace banjo
