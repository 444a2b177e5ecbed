// SPDX-License-Identifier: GPL-2.0-or-later
// FirewalldBackend forgetting jails: when a jail goes (reload, disable, ports dropped) its rich
// rules and the entries of its banjo-<jail> ipsets must go with it and never come back, and
// what an earlier run of banjod left in firewalld's runtime for a jail that no longer exists
// must not keep blocking. One setup step finds both: the rules in the rule zone that banjo
// wrote over a banjo-<jail> ipset no current jail owns, and the entries of such ipsets. The
// ipsets themselves stay in firewalld's permanent configuration (empty): deleting them would
// break a firewalld reload if an administrator's own rule names one.
#include "firewall/firewalld_backend.hpp"

#include "firewall/firewalld_dbus.hpp"

#include <set>

namespace banjo {

using namespace firewalld;

void FirewalldBackend::forget_jail(const std::string& jail) {
    auto rules = jails_.find(jail);
    if (rules == jails_.end())
        return;
    jails_.erase(rules);
    for (Family family : {Family::ipv4, Family::ipv6})
        ipsets_.erase(firewalld_ipset_name(jail, family));
    log(LOG_INFO, "jail " + jail + " is gone: removing its rich rules and the entries of its ipsets");
    // The next setup finds the jail's rules and entries as stale and removes them.
    if (phase_ == Phase::running || phase_ == Phase::setting_up || phase_ == Phase::reloading)
        setup();   // (while reloading, the Reloaded signal runs it)
    update_state();
}

void FirewalldBackend::setup_stale() {
    begin_step([this] { setup_rules(); });
    std::set<std::string> wanted;
    for (const auto& [jail, rules] : jails_)
        for (const auto& rule : rules.rules)
            wanted.insert(rule.text);
    if (!rule_zone_.empty()) {
        firewalld_->callMethodAsync("getRichRules").onInterface(zone_iface).withArguments(rule_zone_).uponReplyInvoke(
            step_reply<std::vector<std::string>>([this, wanted](const sdbus::Error* error, std::vector<std::string> rules) {
                if (error)
                    setup_problems_.push_back("listing the rich rules of zone " + rule_zone_ + " failed: " + describe(*error));
                for (const auto& rule : rules) {
                    if (!banjo_jail_rule_ipset(rule) || wanted.count(rule))
                        continue;
                    // Part of the same step: it counts before the listing's answer is done.
                    firewalld_->callMethodAsync("removeRichRule").onInterface(zone_iface)
                        .withArguments(rule_zone_, rule)
                        .uponReplyInvoke(step_reply<std::string>([this, rule](const sdbus::Error* error, std::string) {
                            if (!error)
                                log(LOG_NOTICE, "removed rich rule '" + rule + "' of a jail banjo no longer has");
                            else if (code_of(error) != "NOT_ENABLED")
                                setup_problems_.push_back("removing rich rule '" + rule +
                                                          "' of a jail banjo no longer has failed: " + describe(*error));
                        }));
                }
            }));
    }
    for (const auto& name : setup_->runtime_ipsets) {
        if (name.rfind("banjo-", 0) != 0 || ipsets_.count(name))
            continue;
        firewalld_->callMethodAsync("getEntries").onInterface(ipset_iface).withArguments(name).uponReplyInvoke(
            step_reply<std::vector<std::string>>([this, name](const sdbus::Error* error, std::vector<std::string> entries) {
                if (error || entries.empty())
                    return;
                firewalld_->callMethodAsync("setEntries").onInterface(ipset_iface).withTimeout(slow_call_timeout)
                    .withArguments(name, std::vector<std::string>())
                    .uponReplyInvoke(step_reply<>([this, name, count = entries.size()](const sdbus::Error* error) {
                        if (error)
                            setup_problems_.push_back("emptying ipset " + name + " of a jail banjo no longer has failed: " +
                                                      describe(*error));
                        else
                            log(LOG_NOTICE, "emptied ipset " + name + " (" + std::to_string(count) +
                                                " entries) of a jail banjo no longer has");
                    }));
            }));
    }
    end_step();
}

}  // namespace banjo
