// SPDX-License-Identifier: GPL-2.0-or-later
// The names of a blocklist's firewall sets: "banjo-bl.NAME4" and "banjo-bl.NAME6", the same
// in firewalld (hash:net ipsets) and in table inet banjo (interval sets). A jail's sets are
// "banjo-JAIL4/6" and jail names have no '.', so the two never meet; the "banjo-" prefix lets
// the backends' clean-up of sets nobody wants (a blocklist removed from the config) find them.
#pragma once

#include "core/address.hpp"

#include <string>
#include <string_view>

namespace banjo {

inline std::string blocklist_set_name(std::string_view list, Family family) {
    return "banjo-bl." + std::string(list) + (family == Family::ipv4 ? "4" : "6");
}

}  // namespace banjo
