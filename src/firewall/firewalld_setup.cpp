// SPDX-License-Identifier: GPL-2.0-or-later
// FirewalldBackend's setup, run when firewalld is RUNNING, after every reload and for every new
// port-limited jail: find which banjo ipsets firewalld has at runtime and in its permanent
// configuration, create the missing ones permanently, bind banjo4/banjo6 to the zone, add the
// jails' rich rules, then reload firewalld (only if allowed) or say what the administrator
// must do. Each step asks before it adds: firewalld logs a warning for every redundant add.
#include "firewall/firewalld_backend.hpp"

#include "firewall/firewalld_dbus.hpp"

namespace banjo {

using namespace firewalld;

void FirewalldBackend::remove_rules(const std::string& zone, const std::map<std::string, JailRules>& jails) {
    if (zone.empty())
        return;
    for (const auto& [jail, rules] : jails)
        for (const auto& rule : rules.rules)
            firewalld_->callMethodAsync("removeRichRule").onInterface(zone_iface)
                .withArguments(zone, rule.text)
                .uponReplyInvoke(reply<std::string>([this, text = rule.text](const sdbus::Error* error, std::string) {
                    if (error && code_of(error) != "NOT_ENABLED")
                        log(LOG_WARNING, "removing rich rule '" + text + "' failed: " + describe(*error));
                }));
}

void FirewalldBackend::begin_step(void (FirewalldBackend::*then)()) {
    step_then_ = then;
    step_pending_ = 1;   // the step's own guard, dropped by end_step()
}

void FirewalldBackend::step_reply() {
    if (step_pending_ == 0 || --step_pending_ != 0)
        return;
    auto then = step_then_;
    step_then_ = nullptr;
    if (then)
        (this->*then)();
}

void FirewalldBackend::setup() {
    if (reloading_)
        return;   // the Reloaded signal starts it over
    if (setup_running_) {
        setup_again_ = true;
        return;
    }
    setup_running_ = true;
    setup_again_ = setup_failed_ = false;
    setup_problems_.clear();
    runtime_ipsets_.clear();
    permanent_ipsets_.clear();
    zone_path_.clear();
    auto failed = [this](const std::string& what, const sdbus::Error& error) {
        setup_problems_.push_back(what + " failed: " + describe(error));
        setup_failed_ = true;
    };

    begin_step(&FirewalldBackend::setup_ipsets);
    step_pending_ += 3;
    firewalld_->callMethodAsync("getIPSets").onInterface(ipset_iface).uponReplyInvoke(
        reply<std::vector<std::string>>([this, failed](const sdbus::Error* error, std::vector<std::string> names) {
            if (error)
                failed("getIPSets", *error);
            runtime_ipsets_ = std::move(names);
            step_reply();
        }));
    config_proxy(config_path).callMethodAsync("getIPSetNames").onInterface(config_iface).uponReplyInvoke(
        reply<std::vector<std::string>>([this, failed](const sdbus::Error* error, std::vector<std::string> names) {
            if (error)
                failed("config.getIPSetNames", *error);
            permanent_ipsets_ = std::move(names);
            step_reply();
        }));
    config_proxy(config_path).callMethodAsync("getZoneByName").onInterface(config_iface)
        .withArguments(options_.zone)
        .uponReplyInvoke(reply<sdbus::ObjectPath>([this](const sdbus::Error* error, sdbus::ObjectPath path) {
            if (error)
                setup_problems_.push_back("zone '" + options_.zone + "' is not usable (" + describe(*error) +
                                          "): set [firewalld] zone to an existing zone");
            zone_path_ = path;
            step_reply();
        }));
    // Asked first rather than added blindly: firewalld logs a warning for every redundant add.
    permanent_zone_of_.clear();
    runtime_zone_of_.clear();
    for (const auto& [name, ipset] : ipsets_) {
        if (!ipset.shared)
            continue;
        auto source = "ipset:" + name;
        step_call();
        config_proxy(config_path).callMethodAsync("getZoneOfSource").onInterface(config_iface)
            .withArguments(source)
            .uponReplyInvoke(reply<std::string>([this, source](const sdbus::Error* error, std::string zone) {
                if (!error)
                    permanent_zone_of_[source] = zone;
                step_reply();
            }));
    }
    if (options_.rich_rule_zone.empty()) {
        step_call();
        firewalld_->callMethodAsync("getDefaultZone").onInterface(main_iface).uponReplyInvoke(
            reply<std::string>([this, failed](const sdbus::Error* error, std::string zone) {
                if (error)
                    failed("getDefaultZone", *error);
                rule_zone_ = zone;
                step_reply();
            }));
    } else {
        rule_zone_ = options_.rich_rule_zone;
    }
    end_step();
}

// Runtime ipsets cannot be created over D-Bus: only permanent ones, activated by a reload.
void FirewalldBackend::setup_ipsets() {
    begin_step(&FirewalldBackend::setup_bindings);
    for (auto& [name, ipset] : ipsets_) {
        ipset.active = contains(runtime_ipsets_, name);
        if (ipset.shared && ipset.active) {   // (firewalld logs INVALID_IPSET for an inactive one)
            auto source = "ipset:" + name;
            step_call();
            firewalld_->callMethodAsync("getZoneOfSource").onInterface(zone_iface)
                .withArguments(source)
                .uponReplyInvoke(reply<std::string>([this, source](const sdbus::Error* error, std::string zone) {
                    if (!error)
                        runtime_zone_of_[source] = zone;
                    step_reply();
                }));
        }
        if (contains(permanent_ipsets_, name) || setup_failed_)
            continue;
        std::map<std::string, std::string> options{{"family", ipset.family == Family::ipv4 ? "inet" : "inet6"}};
        // No "timeout" option: on firewalld < 2.1 with nftables it never expires entries and
        // hides them from getEntries/removeEntry; banjod expires bans itself.
        IpsetSettings settings{std::string(), "banjo " + name,
                               "Addresses banned by banjod. banjod owns the entries: do not add any.",
                               std::string("hash:ip"), options, std::vector<std::string>()};
        step_call();
        config_proxy(config_path).callMethodAsync("addIPSet").onInterface(config_iface)
            .withArguments(name, settings)
            .uponReplyInvoke(reply<sdbus::ObjectPath>([this, name = name](const sdbus::Error* error, sdbus::ObjectPath) {
                if (!error || code_of(error) == "NAME_CONFLICT") {   // (created meanwhile by someone else)
                    if (!error)
                        log(LOG_NOTICE, "created ipset " + name + " in firewalld's permanent configuration");
                    permanent_ipsets_.push_back(name);
                } else {
                    setup_problems_.push_back("creating ipset " + name + " failed: " + describe(*error));
                }
                step_reply();
            }));
    }
    end_step();
}

// banjo4/banjo6 are bound as sources of the zone, permanently (so the binding survives every
// reload) and, when the ipset is active, at runtime too (so it works before the next reload).
void FirewalldBackend::setup_bindings() {
    begin_step(&FirewalldBackend::setup_stale);
    for (auto& [name, ipset] : ipsets_) {
        if (!ipset.shared || !contains(permanent_ipsets_, name))
            continue;
        auto source = "ipset:" + name;
        auto elsewhere = [&](const std::string& zone, const char* where) {
            setup_problems_.push_back(source + " is bound to zone " + zone + " " + where + ", banjo expects zone " +
                                      options_.zone + ": remove it there (firewall-cmd --permanent --zone=" + zone +
                                      " --remove-source=" + source + "), then run firewall-cmd --reload");
        };
        auto permanent = permanent_zone_of_.find(source);
        if (permanent != permanent_zone_of_.end() && !permanent->second.empty() && permanent->second != options_.zone)
            elsewhere(permanent->second, "permanently");
        else if (!zone_path_.empty() && (permanent == permanent_zone_of_.end() || permanent->second.empty())) {
            step_call();
            config_proxy(zone_path_).callMethodAsync("addSource").onInterface(config_zone_iface)
                .withArguments(source)
                .uponReplyInvoke(reply<>([this, source](const sdbus::Error* error) {
                    if (error && code_of(error) != "ALREADY_ENABLED")
                        setup_problems_.push_back("binding " + source + " to zone " + options_.zone +
                                                  " permanently failed: " + describe(*error));
                    step_reply();
                }));
        }
        if (!ipset.active)
            continue;
        auto runtime = runtime_zone_of_.find(source);
        if (runtime != runtime_zone_of_.end() && !runtime->second.empty()) {
            if (runtime->second != options_.zone)
                elsewhere(runtime->second, "at runtime");
            continue;
        }
        step_call();
        firewalld_->callMethodAsync("addSource").onInterface(zone_iface)
            .withArguments(options_.zone, source)
            .uponReplyInvoke(reply<std::string>([this, source](const sdbus::Error* error, std::string) {
                if (error && code_of(error) != "ZONE_ALREADY_SET")
                    setup_problems_.push_back("binding " + source + " to zone " + options_.zone +
                                              " failed: " + describe(*error));
                step_reply();
            }));
    }
    end_step();
}

// Runtime rich rules, added again after every reload like the entries: nothing of a jail's
// ports stays in firewalld's permanent configuration when the jail goes away.
void FirewalldBackend::setup_rules() {
    begin_step(&FirewalldBackend::setup_done);
    for (const auto& [jail, rules] : jails_) {
        for (const auto& rule : rules.rules) {
            auto ipset = ipsets_.find(rule.ipset);
            if (rule_zone_.empty() || ipset == ipsets_.end() || !ipset->second.active)
                continue;
            step_call();
            firewalld_->callMethodAsync("queryRichRule").onInterface(zone_iface)
                .withArguments(rule_zone_, rule.text)
                .uponReplyInvoke(reply<bool>([this, text = rule.text](const sdbus::Error* error, bool present) {
                    if (error || present) {
                        if (error)
                            setup_problems_.push_back("querying rich rule '" + text + "' failed: " + describe(*error));
                        step_reply();
                        return;
                    }
                    firewalld_->callMethodAsync("addRichRule").onInterface(zone_iface)
                        .withArguments(rule_zone_, text, 0)
                        .uponReplyInvoke(reply<std::string>([this, text](const sdbus::Error* error, std::string) {
                            if (error && code_of(error) != "ALREADY_ENABLED")
                                setup_problems_.push_back("adding rich rule '" + text + "' failed: " + describe(*error));
                            step_reply();
                        }));
                }));
        }
    }
    end_step();
}

void FirewalldBackend::setup_done() {
    setup_running_ = false;
    std::string missing;
    for (const auto& [name, ipset] : ipsets_)
        if (!ipset.active && contains(permanent_ipsets_, name))
            missing += (missing.empty() ? "" : ", ") + name;
    if (missing.empty())
        reloaded_ = false;   // a later new jail may need (and get) one more reload
    if (!missing.empty() && !setup_failed_) {
        if (options_.allow_reload && !reloaded_) {
            // Once until they are all there: a reload that does not bring them is not retried.
            reloading_ = reloaded_ = true;
            ++counters_.reloads;
            log(LOG_NOTICE, "reloading firewalld to activate the ipsets " + missing);
            firewalld_->callMethodAsync("reload").onInterface(main_iface).withTimeout(slow_call_timeout)
                .uponReplyInvoke(reply<>([this](const sdbus::Error* error) {
                    reloading_ = false;   // on success the Reloaded signal has started over already
                    if (error) {
                        setup_problems_.push_back("reloading firewalld failed: " + describe(*error));
                        phase_ = Phase::running;
                        update_state();
                        schedule_flush();
                    }
                }));
            update_state();
            return;
        }
        setup_problems_.push_back(
            reloaded_ ? "the ipsets " + missing + " are still missing after a firewalld reload: see firewalld's log"
                      : "run firewall-cmd --reload to activate the banjo ipsets (" + missing +
                            " were created in firewalld's permanent configuration; their bans are kept until then)");
    }
    phase_ = Phase::running;
    if (setup_failed_)
        retry_later();
    update_state();
    schedule_flush();
    if (setup_again_)
        setup();
}

}  // namespace banjo
