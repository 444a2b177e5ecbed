// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/restore_check.hpp"

#include "core/special_address.hpp"

namespace banjo {

std::optional<std::string> why_not_restored(const Ban& ban, const Config& config, const CidrSet& self) {
    const JailConfig* jail = nullptr;
    for (const auto& j : config.jails)
        if (j.settings.name == ban.jail) jail = &j;
    if (!jail) return "jail " + ban.jail + " no longer exists";
    if (!jail->settings.enabled) return "jail " + ban.jail + " is disabled";
    if (auto kind = special_address(ban.address))
        return ban.address.to_string() + " is " + std::string(describe(*kind)) + ", which banjo never bans";
    if (auto on = jail->settings.ignore.longest_match(ban.address))
        return ban.address.to_string() + " is on the ignore list of jail " + ban.jail + " (" + on->to_string() + ")";
    if (jail->settings.ignore_self && self.contains(ban.address))
        return ban.address.to_string() + " is an address of this host (ignore-self)";
    return std::nullopt;
}

}  // namespace banjo
