// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/overall_bans.hpp"

#include "core/jail.hpp"

#include <cstdint>

namespace banjo {

unsigned OverallBans::previous_bans(const Cidr& network) const {
    std::uint64_t sum = 0;
    for (const Jail* j : jails_) sum += j->previous_bans(network);
    return sum > UINT32_MAX ? UINT32_MAX : static_cast<unsigned>(sum);
}

}  // namespace banjo
