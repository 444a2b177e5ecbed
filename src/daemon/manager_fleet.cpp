// SPDX-License-Identifier: GPL-2.0-or-later
// The Manager's side of the fleet: decisions of peer hosts applied through this host's ban path.
#include "daemon/manager.hpp"

#include "core/special_address.hpp"
#include "daemon/ignore_command_runner.hpp"

#include <algorithm>

namespace banjo {

Manager::FleetOutcome Manager::fleet_decision(const FleetDecision& d) {
    const auto& jails = config_.jails;
    auto jc = std::find_if(jails.begin(), jails.end(), [&](const JailConfig& j) { return j.settings.name == d.jail; });
    JailPipeline* running = jails_->find(d.jail);
    if (jc == jails.end() || jc->fleet == FleetMode::off || !running) return FleetOutcome::not_shared;
    Jail& jail = running->jail();
    const auto current = bans_.table().find(d.jail, d.address);
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
    switch (fleet_ignore_gate(jail, d.address, [this, d] { apply_fleet_ban(d); })) {
    case IgnoreGate::ignored: return FleetOutcome::ignored;
    case IgnoreGate::asking: return FleetOutcome::asking;
    case IgnoreGate::pass: break;
    }
    apply_fleet_ban(d);
    return FleetOutcome::banned;
}

// Also when the ignore-command answered later: the ban may have expired meanwhile, or a longer
// one come.
void Manager::apply_fleet_ban(const FleetDecision& d) {
    JailPipeline* running = jails_->find(d.jail);
    if (!running) return;
    const Usec now = clock_.now();
    if (d.expires <= now) return;
    if (const auto current = bans_.table().find(d.jail, d.address); current && current->expires >= d.expires) return;
    bans_.ban(Ban{d.jail, d.address, std::min(d.banned, now), d.expires, d.failures, BanOrigin::fleet, d.host});
    running->jail().note_ban(d.address, d.expires, false);
}

Manager::IgnoreGate Manager::fleet_ignore_gate(const Jail& jail, const Cidr& address, std::function<void()> apply) {
    if (jail.settings().ignore_command.empty() || !ignore_runner_) return IgnoreGate::pass;
    if (auto ignore = ignore_answers_.ignores(jail.name(), address, clock_.now()))
        return *ignore ? IgnoreGate::ignored : IgnoreGate::pass;
    auto key = std::make_pair(jail.name(), address);
    const bool running = fleet_asking_.count(key) != 0;
    fleet_asking_[key] = std::move(apply);   // the latest request is the one that counts
    if (running) return IgnoreGate::asking;
    ignore_runner_->start(ignore_command_argv(jail.settings().ignore_command, address), jail.settings().ignore_command_timeout,
                          [this, key](IgnoreCommandVerdict verdict, const std::string& detail) {
                              auto it = fleet_asking_.find(key);
                              if (it == fleet_asking_.end()) return;
                              const std::function<void()> apply = std::move(it->second);
                              fleet_asking_.erase(it);
                              JailPipeline* p = jails_->find(key.first);
                              if (!p) return;   // the jail went away or was disabled meanwhile
                              if (!take_ignore_answer(p->jail(), key.second, verdict, detail, "the fleet's ban not applied",
                                                      "applying the fleet's ban"))
                                  return;
                              apply();
                              bans_.flush();
                          });
    return IgnoreGate::asking;
}

void Manager::fleet_count_reached(const std::string& jail_name, const Address& address, unsigned failures) {
    JailPipeline* running = jails_->find(jail_name);
    if (!running) return;
    Jail& jail = running->jail();
    if (jail.ignores(address) || special_address(address) || jail.settings().observe) return;
    // The jail's prefix (ipv4-prefix, ipv6-prefix) as for its own bans, narrowed the same way.
    const Cidr scope = jail.ban_scope(address);
    if (bans_.table().contains(jail_name, scope)) return;
    if (fleet_ignore_gate(jail, scope, [this, jail_name, scope, failures] { ban_counted(jail_name, scope, failures); }) !=
        IgnoreGate::pass)
        return;
    ban_counted(jail_name, scope, failures);
    bans_.flush();
}

void Manager::ban_counted(const std::string& jail_name, const Cidr& scope, unsigned failures) {
    JailPipeline* running = jails_->find(jail_name);
    if (!running || bans_.table().contains(jail_name, scope)) return;
    Jail& jail = running->jail();
    const Usec now = clock_.now();
    const Ban& b = bans_.ban(Ban{jail_name, scope, now, saturating_add(now, jail.next_bantime(scope)), failures, BanOrigin::filter});
    jail.note_ban(scope, b.expires, true);
}

void Manager::fleet_published(Usec banned) { state_.set_fleet_position(fleet_published_key, std::to_string(banned.count())); }

Usec Manager::fleet_published_through() const {
    const auto positions = state_.fleet_positions();
    auto it = positions.find(std::string(fleet_published_key));
    if (it == positions.end()) return Usec(0);   // never shared: every ban in force goes out
    try {
        return Usec(std::stoll(it->second));
    } catch (const std::exception&) {
        return Usec(0);
    }
}

void Manager::fleet_read(const std::map<std::string, std::string>& positions) {
    for (const auto& [host, id] : positions) state_.set_fleet_position(host, id);
    bans_.flush();
}

}  // namespace banjo
