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
    const Cidr& banned = ban.address;
    if (banned.is_host()) {
        if (auto kind = special_address(banned.network))
            return banned.to_string() + " is " + std::string(describe(*kind)) + ", which banjo never bans";
    } else if (auto special = special_networks().overlapping(banned)) {
        return banned.to_string() + " holds " + special->to_string() + ", which banjo never bans";
    }
    // A prefix ban that now holds an ignored address is lifted whole: the jail bans that
    // network's attackers one by one (narrowed) from now on.
    if (auto on = jail->settings.ignore.overlapping(banned))
        return banned.to_string() + (banned.is_host() || on->contains(banned) ? " is on" : " holds an address of") +
               " the ignore list of jail " + ban.jail + " (" + on->to_string() + ")";
    if (jail->settings.ignore_self)
        if (auto own = self.overlapping(banned))
            return banned.is_host() ? banned.to_string() + " is an address of this host (ignore-self)"
                                    : banned.to_string() + " holds " + own->to_string() + ", an address of this host (ignore-self)";
    return std::nullopt;
}

}  // namespace banjo
