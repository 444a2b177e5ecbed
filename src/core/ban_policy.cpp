// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ban_policy.hpp"

#include <cmath>

namespace banjo {

Usec BanPolicy::duration_for(unsigned previous_bans) const noexcept {
    if (bantime == infinite_usec) return infinite_usec;
    if (!increment.enabled || previous_bans == 0 || increment.factor <= 1.0) return bantime;
    const Usec cap = increment.max > bantime ? increment.max : bantime;
    // Computed in floating point so that a large exponent saturates instead of wrapping.
    const double grown = static_cast<double>(bantime.count()) * std::pow(increment.factor, previous_bans);
    if (!std::isfinite(grown) || grown >= static_cast<double>(cap.count())) return cap;
    return Usec(static_cast<Usec::rep>(grown));
}

}  // namespace banjo
