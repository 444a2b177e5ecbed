// SPDX-License-Identifier: GPL-2.0-or-later
// FirewalldBackend forgetting jails: when a jail goes (reload, disable, ports dropped) its rich
// rules and the entries of its banjo-<jail> ipsets must go with it and never come back, and
// what an earlier run of banjod left in firewalld's runtime for a jail that no longer exists
// must not keep blocking. The rules go in setup_rules (every rule of banjo's that no jail wants
// where it is); this step empties the ipsets of jails banjo no longer has. The
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
        for (bool networks : {false, true})
            ipsets_.erase(firewalld_ipset_name(jail, family, networks));
    log(LOG_INFO, "jail " + jail + " is gone: removing its rich rules and the entries of its ipsets");
    // The next setup finds the jail's rules and entries as stale and removes them.
    if (phase_ == Phase::running || phase_ == Phase::setting_up || phase_ == Phase::reloading)
        setup();   // (while reloading, the Reloaded signal runs it)
    update_state();
}

void FirewalldBackend::setup_stale() {
    begin_step([this] { setup_rules(); });
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
