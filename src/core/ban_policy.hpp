// SPDX-License-Identifier: GPL-2.0-or-later
// How long a ban lasts: the jail's bantime, grown for repeat offenders (fail2ban's
// bantime.increment): the n-th ban of an address lasts bantime * factor^(n-1), capped at max.
#pragma once

#include "core/duration.hpp"

namespace banjo {

struct IncrementPolicy {
    bool enabled = false;
    double factor = 2.0;
    Usec max = std::chrono::duration_cast<Usec>(std::chrono::weeks(1));
};

struct BanPolicy {
    Usec bantime = std::chrono::duration_cast<Usec>(std::chrono::minutes(10));
    IncrementPolicy increment;

    // `previous_bans`: how often this address was banned before (0 for a first offender).
    // Never overflows: infinite bantime stays infinite, growth saturates at max.
    Usec duration_for(unsigned previous_bans) const noexcept;
};

}  // namespace banjo
