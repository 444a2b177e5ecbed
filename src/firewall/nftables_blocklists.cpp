// SPDX-License-Identifier: GPL-2.0-or-later
// NftablesBackend's blocklist sets: interval sets of table inet banjo like the jails' (same
// rules, drop), elements without timeout (a blocklist entry holds until the list drops it,
// banjod running or not), changed element by element through the same diff as bans.
#include "firewall/blocklist_sets.hpp"
#include "firewall/nftables_backend.hpp"

#include <syslog.h>

namespace banjo {

namespace {

const std::string blocklist_owner = "blocklist";

}  // namespace

NftablesBackend::Set& NftablesBackend::blocklist_set(const std::string& list, Family family) {
    const std::string name = blocklist_set_name(list, family);
    auto [it, inserted] = sets_.try_emplace(name);
    Set& set = it->second;
    if (inserted) {
        set.spec.name = name;
        set.spec.family = family;
        schema_dirty_ = true;
    }
    const auto& ports = blocklist_ports_[list];
    ResolvedPorts resolved = resolve_ports(ports);
    if (resolved.ranges != set.spec.ports) {
        set.spec.ports = std::move(resolved.ranges);
        schema_dirty_ = true;
    }
    const std::string problem_key = "blocklist " + list;
    if (resolved.unknown.empty()) {
        jail_problems_.erase(problem_key);
    } else {
        std::string names;
        for (const auto& u : resolved.unknown) names += (names.empty() ? "'" : ", '") + u + "'";
        jail_problems_[problem_key] = problem_key + ": " + names + " is neither a port nor a service in /etc/services" +
                                      (set.spec.ports.empty() ? " (its entries block every port)" : " (not blocked)");
    }
    return set;
}

void NftablesBackend::prepare_blocklist(const std::string& list, const std::vector<std::string>& ports) {
    blocklist_ports_[list] = ports;
    for (Family f : {Family::ipv4, Family::ipv6}) blocklist_set(list, f);
    schedule_flush();
}

void NftablesBackend::blocklist_add(const std::string& list, const Cidr& network) {
    auto it = sets_.find(blocklist_set_name(list, network.network.family()));
    Set& set = it != sets_.end() ? it->second : blocklist_set(list, network.network.family());
    set.plan.want(network, blocklist_owner, infinite_usec);
    schedule_flush();
}

void NftablesBackend::blocklist_remove(const std::string& list, const Cidr& network) {
    auto it = sets_.find(blocklist_set_name(list, network.network.family()));
    if (it == sets_.end()) return;
    it->second.plan.unwant(network, blocklist_owner);
    schedule_flush();
}

// The sets go with their elements: write_schema() deletes sets no one wants.
void NftablesBackend::forget_blocklist(const std::string& list) {
    bool erased = false;
    for (Family f : {Family::ipv4, Family::ipv6}) erased |= sets_.erase(blocklist_set_name(list, f)) > 0;
    blocklist_ports_.erase(list);
    jail_problems_.erase("blocklist " + list);
    if (erased) {
        schema_dirty_ = true;
        schedule_flush();
    }
}

}  // namespace banjo
