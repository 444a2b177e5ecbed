// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ban_policy.hpp"

#include <algorithm>
#include <cmath>

namespace banjo {

namespace {

Usec grown_bantime(const BanPolicy& p, unsigned previous_bans) noexcept {
    const IncrementPolicy& inc = p.increment;
    double scale = 1.0;
    if (!inc.multipliers.empty()) {
        scale = inc.multipliers[std::min<std::size_t>(previous_bans, inc.multipliers.size() - 1)];
    } else {
        if (previous_bans == 0 || inc.factor <= 1.0) return p.bantime;
        scale = std::pow(inc.factor, previous_bans);
    }
    const Usec cap = std::max(inc.max, p.bantime);
    // Computed in floating point so that a large exponent saturates instead of wrapping.
    const double grown = static_cast<double>(p.bantime.count()) * scale;
    if (!std::isfinite(grown) || grown >= static_cast<double>(cap.count())) return cap;
    return Usec(static_cast<Usec::rep>(grown));
}

}  // namespace

Usec BanPolicy::duration_for(unsigned previous_bans, std::uint64_t random) const noexcept {
    if (bantime == infinite_usec) return infinite_usec;
    if (!increment.enabled) return bantime;
    const Usec base = grown_bantime(*this, previous_bans);
    if (increment.rnd <= Usec(0)) return base;
    const auto span = static_cast<std::uint64_t>(increment.rnd.count()) + 1;
    return saturating_add(base, Usec(static_cast<Usec::rep>(random % span)));
}

std::uint64_t next_random(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

}  // namespace banjo
