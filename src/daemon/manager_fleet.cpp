// SPDX-License-Identifier: GPL-2.0-or-later
// The Manager's side of the fleet: decisions of peer hosts applied through this host's ban path.
#include "daemon/manager.hpp"

#include "core/special_address.hpp"

#include <algorithm>

namespace banjo {

Manager::FleetOutcome Manager::fleet_decision(const FleetDecision& d) {
    const auto& jails = config_.jails;
    auto jc = std::find_if(jails.begin(), jails.end(), [&](const JailConfig& j) { return j.settings.name == d.jail; });
    JailPipeline* running = jails_->find(d.jail);
    if (jc == jails.end() || jc->fleet == FleetMode::off || !running) return FleetOutcome::not_shared;
    Jail& jail = running->jail();
    const Ban* current = bans_.table().find(d.jail, d.address);
    if (d.kind == FleetDecision::Kind::unban) {
        if (!current || current->origin != BanOrigin::fleet || current->origin_host != d.host) return FleetOutcome::not_banned;
        bans_.unban(d.jail, d.address, UnbanReason::manual);
        jail.forget_ban(d.address);
        return FleetOutcome::unbanned;
    }
    const Usec now = clock_.now();
    if (d.expires <= now) return FleetOutcome::expired;
    // This host's ignore list (its own addresses included) always wins over a peer: a peer's
    // prefix ban that would cover an address ignored or never banned here is not applied.
    if (d.address.is_host()) {
        if (jail.ignores(d.address.network)) return FleetOutcome::ignored;
        if (special_address(d.address.network)) return FleetOutcome::refused;
    } else {
        if (jail.ignores_any(d.address)) return FleetOutcome::ignored;
        if (special_networks().overlapping(d.address)) return FleetOutcome::refused;
    }
    if (current && current->expires >= d.expires) return FleetOutcome::unchanged;
    bans_.ban(Ban{d.jail, d.address, std::min(d.banned, now), d.expires, d.failures, BanOrigin::fleet, d.host});
    jail.note_ban(d.address, d.expires, false);
    return FleetOutcome::banned;
}

void Manager::fleet_count_reached(const std::string& jail_name, const Address& address, unsigned failures) {
    JailPipeline* running = jails_->find(jail_name);
    if (!running) return;
    Jail& jail = running->jail();
    if (jail.ignores(address) || special_address(address) || jail.settings().observe) return;
    // The jail's prefix (ipv4-prefix, ipv6-prefix) as for its own bans, narrowed the same way.
    const Cidr scope = jail.ban_scope(address);
    if (bans_.table().find(jail_name, scope)) return;
    const Usec now = clock_.now();
    const Usec bantime = jail.next_bantime(scope);
    const Ban& b = bans_.ban(Ban{jail_name, scope, now, saturating_add(now, bantime), failures, BanOrigin::filter});
    jail.note_ban(scope, b.expires, true);
    bans_.flush();
}

void Manager::fleet_read(const std::map<std::string, std::string>& positions) {
    for (const auto& [host, id] : positions) state_.set_fleet_position(host, id);
    bans_.flush();
}

}  // namespace banjo
