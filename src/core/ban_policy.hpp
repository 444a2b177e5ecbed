// SPDX-License-Identifier: GPL-2.0-or-later
// How long a ban lasts: the jail's bantime, grown for repeat offenders (fail2ban's
// bantime.increment). The n-th ban of an address (n = its earlier bans) lasts
// bantime * multipliers[min(n, last)] when multipliers are given, else bantime * factor^n;
// either capped at max (never below bantime), then up to rnd of random time added on top, so
// that an attacker cannot time his return to the second. Pure arithmetic: the random draw
// comes in as an argument.
#pragma once

#include "core/duration.hpp"

#include <cstdint>
#include <vector>

namespace banjo {

struct IncrementPolicy {
    bool enabled = false;
    double factor = 2.0;
    std::vector<double> multipliers;   // non-empty: replaces factor
    Usec max = std::chrono::duration_cast<Usec>(std::chrono::weeks(1));
    Usec rnd{0};                       // random extra time, 0 .. rnd inclusive
    bool overall_jails = false;        // n counts the address's bans in every jail
};

struct BanPolicy {
    Usec bantime = std::chrono::duration_cast<Usec>(std::chrono::minutes(10));
    IncrementPolicy increment;

    // `previous_bans`: how often this address was banned before (0 for a first offender).
    // `random`: a uniformly drawn 64-bit number; it picks the extra time of rnd.
    // Never overflows: infinite bantime stays infinite, growth saturates at max.
    Usec duration_for(unsigned previous_bans, std::uint64_t random = 0) const noexcept;
};

// The next number of a small deterministic generator (splitmix64), advancing `state`: the same
// seed gives the same bans, which --replay needs.
std::uint64_t next_random(std::uint64_t& state) noexcept;

}  // namespace banjo
