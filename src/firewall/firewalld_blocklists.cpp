// SPDX-License-Identifier: GPL-2.0-or-later
// FirewalldBackend's blocklists: a hash:net ipset per list and family (banjo-bl.NAME4/6),
// created in the permanent configuration like the jails' ipsets, its entries converged by the
// same mirror: one setEntries only into an empty set (the first load, after a firewalld
// reload), else single addEntry/removeEntry calls, however many: firewalld's setEntries
// flushes the set and refills it 1000 entries at a time, which would leave the listed
// networks unblocked meanwhile. (Each addEntry costs firewalld time in proportion to the
// set's size: large lists that change much belong on the nftables backend.) An all-ports list's
// ipsets are bound to the zone as sources, like banjo4/6; a list with ports gets rich rules
// like a port-limited jail (kept under the key "blocklist:NAME", which no jail name can be).
// A list removed from the config has its ipsets emptied by the clean-up of ipsets nobody
// wants (firewalld_cleanup.cpp); the ipsets themselves stay, empty.
#include "firewall/blocklist_sets.hpp"
#include "firewall/firewalld_backend.hpp"
#include "firewall/firewalld_rules.hpp"

#include <syslog.h>

namespace banjo {

namespace {

const std::string blocklist_owner = "blocklist";

std::string rules_key(const std::string& list) { return "blocklist:" + list; }

}  // namespace

FirewalldBackend::Ipset* FirewalldBackend::blocklist_ipset(const std::string& list, Family family) {
    auto it = ipsets_.find(blocklist_set_name(list, family));
    return it == ipsets_.end() ? nullptr : &it->second;
}

void FirewalldBackend::prepare_blocklist(const std::string& list, const std::vector<std::string>& ports) {
    bool changed = false;
    for (Family family : {Family::ipv4, Family::ipv6}) {
        auto [it, inserted] = ipsets_.try_emplace(blocklist_set_name(list, family), Ipset{family, false});
        it->second.blocklist = list;
        changed |= inserted || it->second.bound != ports.empty();
        it->second.bound = ports.empty();
    }
    const std::string key = rules_key(list);
    if (ports.empty()) {
        changed |= jails_.erase(key) > 0;
    } else {
        JailBlocking blocking{ports, BlockAction::drop, {}};
        auto& entry = jails_[key];
        if (!(entry.blocking == blocking) || entry.rules.empty()) {
            changed = true;
            entry = JailRules{blocking, {}, {}};
            for (Family family : {Family::ipv4, Family::ipv6}) {
                std::vector<std::string> elements;
                for (const auto& port : ports) {
                    if (auto element = firewalld_rule_element(port))
                        elements.push_back(*element);
                    else if (family == Family::ipv4)
                        entry.problem += (entry.problem.empty() ? "" : ", ") + ("'" + port + "'");
                }
                if (elements.empty())
                    continue;   // no rule rather than one that blocks every port
                const auto name = blocklist_set_name(list, family);
                for (auto& text : firewalld_jail_rules(family, name, elements, BlockAction::drop))
                    entry.rules.push_back({name, std::move(text)});
            }
            if (!entry.problem.empty()) {
                entry.problem = "blocklist " + list + ": ports " + entry.problem +
                                " are neither a firewalld service nor PORT[-PORT][/PROTOCOL]";
                log(LOG_ERR, entry.problem);
            }
        }
    }
    if (changed && (phase_ == Phase::running || phase_ == Phase::setting_up))
        setup();
    update_state();
}

void FirewalldBackend::blocklist_add(const std::string& list, const Cidr& network) {
    Ipset* ipset = blocklist_ipset(list, network.network.family());
    if (!ipset) {
        prepare_blocklist(list, {});
        ipset = blocklist_ipset(list, network.network.family());
    }
    if (ipset->mirror.want(network.to_string(), blocklist_owner))
        schedule_flush();
}

void FirewalldBackend::blocklist_remove(const std::string& list, const Cidr& network) {
    Ipset* ipset = blocklist_ipset(list, network.network.family());
    if (ipset && ipset->mirror.unwant(network.to_string(), blocklist_owner))
        schedule_flush();
}

void FirewalldBackend::forget_blocklist(const std::string& list) {
    bool erased = jails_.erase(rules_key(list)) > 0;
    for (Family family : {Family::ipv4, Family::ipv6})
        erased |= ipsets_.erase(blocklist_set_name(list, family)) > 0;
    if (!erased)
        return;
    log(LOG_INFO, "blocklist " + list + " is gone: emptying its ipsets");
    if (phase_ == Phase::running || phase_ == Phase::setting_up || phase_ == Phase::reloading)
        setup();
    update_state();
}

}  // namespace banjo
