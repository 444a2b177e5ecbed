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

void FirewalldBackend::begin_step(std::function<void()> next) {
    setup_->step = CallBatch::create(std::move(next));
}

// The step's calls are all started: the next step begins once they have answered.
void FirewalldBackend::end_step() {
    auto step = setup_->step;   // the next step replaces it, maybe before finish() returns
    step->finish();
}

void FirewalldBackend::setup_call_failed(const std::string& what, const sdbus::Error& error) {
    setup_problems_.push_back(what + " failed: " + describe(error));
    setup_->failed = true;
}

void FirewalldBackend::setup() {
    if (phase_ == Phase::reloading)
        return;   // the Reloaded signal starts it over
    if (setup_) {
        setup_->again = true;
        return;
    }
    setup_.emplace();
    retry_setup_ = false;
    setup_problems_.clear();

    begin_step([this] { setup_ipsets(); });
    firewalld_->callMethodAsync("getIPSets").onInterface(ipset_iface).uponReplyInvoke(
        step_reply<std::vector<std::string>>([this](const sdbus::Error* error, std::vector<std::string> names) {
            if (error)
                setup_call_failed("getIPSets", *error);
            setup_->runtime_ipsets = std::move(names);
        }));
    config_proxy(config_path).callMethodAsync("getIPSetNames").onInterface(config_iface).uponReplyInvoke(
        step_reply<std::vector<std::string>>([this](const sdbus::Error* error, std::vector<std::string> names) {
            if (error)
                setup_call_failed("config.getIPSetNames", *error);
            setup_->permanent_ipsets = std::move(names);
        }));
    config_proxy(config_path).callMethodAsync("getZoneByName").onInterface(config_iface)
        .withArguments(options_.zone)
        .uponReplyInvoke(step_reply<sdbus::ObjectPath>([this](const sdbus::Error* error, sdbus::ObjectPath path) {
            if (error)
                setup_problems_.push_back("zone '" + options_.zone + "' is not usable (" + describe(*error) +
                                          "): set [firewalld] zone to an existing zone");
            setup_->zone_path = path;
        }));
    // Asked first rather than added blindly: firewalld logs a warning for every redundant add.
    for (const auto& [name, ipset] : ipsets_) {
        if (!ipset.shared)
            continue;
        auto source = "ipset:" + name;
        config_proxy(config_path).callMethodAsync("getZoneOfSource").onInterface(config_iface)
            .withArguments(source)
            .uponReplyInvoke(step_reply<std::string>([this, source](const sdbus::Error* error, std::string zone) {
                if (!error)
                    setup_->permanent_zone_of[source] = zone;
            }));
    }
    if (options_.rich_rule_zone.empty()) {
        firewalld_->callMethodAsync("getDefaultZone").onInterface(main_iface).uponReplyInvoke(
            step_reply<std::string>([this](const sdbus::Error* error, std::string zone) {
                if (error)
                    setup_call_failed("getDefaultZone", *error);
                rule_zone_ = zone;
            }));
    } else {
        rule_zone_ = options_.rich_rule_zone;
    }
    end_step();
}

// Runtime ipsets cannot be created over D-Bus: only permanent ones, activated by a reload.
void FirewalldBackend::setup_ipsets() {
    begin_step([this] { setup_bindings(); });
    for (auto& [name, ipset] : ipsets_) {
        ipset.active = contains(setup_->runtime_ipsets, name);
        if (ipset.shared && ipset.active) {   // (firewalld logs INVALID_IPSET for an inactive one)
            auto source = "ipset:" + name;
            firewalld_->callMethodAsync("getZoneOfSource").onInterface(zone_iface)
                .withArguments(source)
                .uponReplyInvoke(step_reply<std::string>([this, source](const sdbus::Error* error, std::string zone) {
                    if (!error)
                        setup_->runtime_zone_of[source] = zone;
                }));
        }
        if (contains(setup_->permanent_ipsets, name) || setup_->failed)
            continue;
        std::map<std::string, std::string> options{{"family", ipset.family == Family::ipv4 ? "inet" : "inet6"}};
        // No "timeout" option: on firewalld < 2.1 with nftables it never expires entries and
        // hides them from getEntries/removeEntry; banjod expires bans itself.
        IpsetSettings settings{std::string(), "banjo " + name,
                               "Addresses banned by banjod. banjod owns the entries: do not add any.",
                               std::string("hash:ip"), options, std::vector<std::string>()};
        config_proxy(config_path).callMethodAsync("addIPSet").onInterface(config_iface)
            .withArguments(name, settings)
            .uponReplyInvoke(step_reply<sdbus::ObjectPath>([this, name = name](const sdbus::Error* error, sdbus::ObjectPath) {
                if (!error || code_of(error) == "NAME_CONFLICT") {   // (created meanwhile by someone else)
                    if (!error)
                        log(LOG_NOTICE, "created ipset " + name + " in firewalld's permanent configuration");
                    setup_->permanent_ipsets.push_back(name);
                } else {
                    setup_problems_.push_back("creating ipset " + name + " failed: " + describe(*error));
                }
            }));
    }
    end_step();
}

// banjo4/banjo6 are bound as sources of the zone, permanently (so the binding survives every
// reload) and, when the ipset is active, at runtime too (so it works before the next reload).
void FirewalldBackend::setup_bindings() {
    begin_step([this] { setup_stale(); });
    SetupRun& run = *setup_;
    for (auto& [name, ipset] : ipsets_) {
        if (!ipset.shared || !contains(run.permanent_ipsets, name))
            continue;
        auto source = "ipset:" + name;
        auto elsewhere = [&](const std::string& zone, const char* where) {
            setup_problems_.push_back(source + " is bound to zone " + zone + " " + where + ", banjo expects zone " +
                                      options_.zone + ": remove it there (firewall-cmd --permanent --zone=" + zone +
                                      " --remove-source=" + source + "), then run firewall-cmd --reload");
        };
        auto permanent = run.permanent_zone_of.find(source);
        if (permanent != run.permanent_zone_of.end() && !permanent->second.empty() && permanent->second != options_.zone)
            elsewhere(permanent->second, "permanently");
        else if (!run.zone_path.empty() && (permanent == run.permanent_zone_of.end() || permanent->second.empty())) {
            config_proxy(run.zone_path).callMethodAsync("addSource").onInterface(config_zone_iface)
                .withArguments(source)
                .uponReplyInvoke(step_reply<>([this, source](const sdbus::Error* error) {
                    if (error && code_of(error) != "ALREADY_ENABLED")
                        setup_problems_.push_back("binding " + source + " to zone " + options_.zone +
                                                  " permanently failed: " + describe(*error));
                }));
        }
        if (!ipset.active)
            continue;
        auto runtime = run.runtime_zone_of.find(source);
        if (runtime != run.runtime_zone_of.end() && !runtime->second.empty()) {
            if (runtime->second != options_.zone)
                elsewhere(runtime->second, "at runtime");
            continue;
        }
        firewalld_->callMethodAsync("addSource").onInterface(zone_iface)
            .withArguments(options_.zone, source)
            .uponReplyInvoke(step_reply<std::string>([this, source](const sdbus::Error* error, std::string) {
                if (error && code_of(error) != "ZONE_ALREADY_SET")
                    setup_problems_.push_back("binding " + source + " to zone " + options_.zone +
                                              " failed: " + describe(*error));
            }));
    }
    end_step();
}

// Runtime rich rules, added again after every reload like the entries: nothing of a jail's
// ports stays in firewalld's permanent configuration when the jail goes away.
void FirewalldBackend::setup_rules() {
    begin_step([this] { setup_done(); });
    for (const auto& [jail, rules] : jails_) {
        for (const auto& rule : rules.rules) {
            auto ipset = ipsets_.find(rule.ipset);
            if (rule_zone_.empty() || ipset == ipsets_.end() || !ipset->second.active)
                continue;
            firewalld_->callMethodAsync("queryRichRule").onInterface(zone_iface)
                .withArguments(rule_zone_, rule.text)
                .uponReplyInvoke(step_reply<bool>([this, text = rule.text](const sdbus::Error* error, bool present) {
                    if (error || present) {
                        if (error)
                            setup_problems_.push_back("querying rich rule '" + text + "' failed: " + describe(*error));
                        return;
                    }
                    // Part of the same step: it counts before the query's answer is done.
                    firewalld_->callMethodAsync("addRichRule").onInterface(zone_iface)
                        .withArguments(rule_zone_, text, 0)
                        .uponReplyInvoke(step_reply<std::string>([this, text](const sdbus::Error* error, std::string) {
                            if (error && code_of(error) != "ALREADY_ENABLED")
                                setup_problems_.push_back("adding rich rule '" + text + "' failed: " + describe(*error));
                        }));
                }));
        }
    }
    end_step();
}

void FirewalldBackend::setup_done() {
    const SetupRun run = std::move(*setup_);
    setup_.reset();
    std::string missing;
    for (const auto& [name, ipset] : ipsets_)
        if (!ipset.active && contains(run.permanent_ipsets, name))
            missing += (missing.empty() ? "" : ", ") + name;
    if (missing.empty())
        reloaded_ = false;   // a later new jail may need (and get) one more reload
    if (!missing.empty() && !run.failed) {
        if (options_.allow_reload && !reloaded_) {
            // Once until they are all there: a reload that does not bring them is not retried.
            // The Reloaded signal starts setup over (and makes a pending again moot).
            phase_ = Phase::reloading;
            reloaded_ = true;
            ++counters_.reloads;
            log(LOG_NOTICE, "reloading firewalld to activate the ipsets " + missing);
            firewalld_->callMethodAsync("reload").onInterface(main_iface).withTimeout(slow_call_timeout)
                .uponReplyInvoke(reply<>([this](const sdbus::Error* error) {
                    if (!error) {
                        phase_ = Phase::setting_up;   // until the Reloaded signal, which may come first
                        return;
                    }
                    setup_problems_.push_back("reloading firewalld failed: " + describe(*error));
                    phase_ = Phase::running;
                    update_state();
                    schedule_flush();
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
    retry_setup_ = run.failed;
    if (run.failed)
        retry_later();
    update_state();
    schedule_flush();
    if (run.again)
        setup();
}

}  // namespace banjo
