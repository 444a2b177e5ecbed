// SPDX-License-Identifier: GPL-2.0-or-later
// FirewalldBackend's setup, run when firewalld is RUNNING, after every reload and for every new
// port-limited jail: find which banjo ipsets firewalld has at runtime and in its permanent
// configuration, create the missing ones permanently, bind banjo4/banjo6 to the zone, add the
// jails' rich rules, then reload firewalld (only if allowed) or say what the administrator
// must do. Each step asks before it adds: firewalld logs a warning for every redundant add.
#include "firewall/firewalld_backend.hpp"

#include "firewall/firewalld_dbus.hpp"

#include <algorithm>
#include <set>

namespace banjo {

using namespace firewalld;

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
    setup_ = SetupRun{};   // not emplace(): clang judges SetupRun unconstructible inside its own class
    trusted_ipsets_.clear();   // this run reads which ipsets the trusted zones hold
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
        if (!ipset.bound)
            continue;
        auto source = "ipset:" + name;
        config_proxy(config_path).callMethodAsync("getZoneOfSource").onInterface(config_iface)
            .withArguments(source)
            .uponReplyInvoke(step_reply<std::string>([this, source](const sdbus::Error* error, std::string zone) {
                if (!error)
                    setup_->permanent_zone_of[source] = zone;
            }));
    }
    // Where traffic arrives: the zones with interfaces or sources, and the default zone (for
    // interfaces bound to none).
    firewalld_->callMethodAsync("getDefaultZone").onInterface(main_iface).uponReplyInvoke(
        step_reply<std::string>([this](const sdbus::Error* error, std::string zone) {
            if (error)
                setup_call_failed("getDefaultZone", *error);
            setup_->default_zone = zone;
        }));
    firewalld_->callMethodAsync("getZones").onInterface(zone_iface).uponReplyInvoke(
        step_reply<std::vector<std::string>>([this](const sdbus::Error* error, std::vector<std::string> zones) {
            if (error)
                setup_call_failed("getZones", *error);
            setup_->zones = std::move(zones);
        }));
    using ActiveZones = std::map<std::string, std::map<std::string, std::vector<std::string>>>;
    firewalld_->callMethodAsync("getActiveZones").onInterface(zone_iface).uponReplyInvoke(
        step_reply<ActiveZones>([this](const sdbus::Error* error, ActiveZones zones) {
            if (error)
                setup_call_failed("getActiveZones", *error);
            for (const auto& [zone, bound] : zones)
                setup_->active_zones.insert(zone);
        }));
    for (const auto& zone : options_.trusted_zones)
        firewalld_->callMethodAsync("getSources").onInterface(zone_iface).withArguments(zone).uponReplyInvoke(
            step_reply<std::vector<std::string>>([this, zone](const sdbus::Error* error, std::vector<std::string> sources) {
                if (error) {
                    // A zone this firewalld does not have trusts nobody; any other failure
                    // leaves the last known list in force.
                    if (code_of(error) != "INVALID_ZONE")
                        setup_->trusted_known = false;
                    return;
                }
                for (const auto& source : sources) {
                    if (auto cidr = Cidr::parse(source))
                        setup_->trusted.push_back(*cidr);
                    else if (source.rfind("ipset:", 0) == 0)
                        read_trusted_ipset(source.substr(6));
                    // A MAC source names no address: nothing banjo could keep out of a ban.
                }
            }));
    end_step();
}

// An ipset bound to a trusted zone trusts its entries; those that are addresses or networks
// join the trusted list (hash:ip,port and the like name flows, not addresses: skipped).
void FirewalldBackend::read_trusted_ipset(const std::string& name) {
    trusted_ipsets_.insert(name);
    firewalld_->callMethodAsync("getEntries").onInterface(ipset_iface).withArguments(name).uponReplyInvoke(
        step_reply<std::vector<std::string>>([this](const sdbus::Error* error, std::vector<std::string> entries) {
            if (error) {
                setup_->trusted_known = false;
                return;
            }
            for (const auto& entry : entries)
                if (auto cidr = Cidr::parse(entry))
                    setup_->trusted.push_back(*cidr);
        }));
}

// The zones that get the rules of jails without zones of their own, and the addresses
// firewalld trusts, as this setup run found them; each change is said once.
void FirewalldBackend::setup_zones() {
    SetupRun& run = *setup_;
    if (run.failed)
        return;
    std::set<std::string> zones = run.active_zones;
    if (!run.default_zone.empty())
        zones.insert(run.default_zone);
    for (const char* never : {"trusted", "drop", "block"})
        zones.erase(never);
    zones.erase(options_.zone);
    if (zones != auto_zones_) {
        std::string list;
        for (const auto& zone : zones)
            list += (list.empty() ? "" : ", ") + zone;
        log(LOG_INFO, "firewalld zones that traffic arrives in: " + (list.empty() ? std::string("none") : list));
        auto_zones_ = std::move(zones);
    }
    if (run.trusted_known) {
        std::sort(run.trusted.begin(), run.trusted.end());
        run.trusted.erase(std::unique(run.trusted.begin(), run.trusted.end()), run.trusted.end());
        if (!trusted_ || *trusted_ != run.trusted) {
            trusted_ = run.trusted;
            if (on_trusted_changed)
                guarded([&] { on_trusted_changed(*trusted_); });
        }
    }
}

// Runtime ipsets cannot be created over D-Bus: only permanent ones, activated by a reload.
void FirewalldBackend::setup_ipsets() {
    setup_zones();
    begin_step([this] { setup_bindings(); });
    for (auto& [name, ipset] : ipsets_) {
        ipset.active = contains(setup_->runtime_ipsets, name);
        if (ipset.bound && ipset.active) {   // (firewalld logs INVALID_IPSET for an inactive one)
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
        // Blocklists and prefix bans hold networks; other bans are addresses.
        IpsetSettings settings{std::string(), "banjo " + name,
                               !ipset.blocklist.empty() ? "Blocklist " + ipset.blocklist + " of banjod. banjod owns the entries: do not add any."
                               : ipset.networks         ? "Networks banned by banjod (prefix bans). banjod owns the entries: do not add any."
                                                        : "Addresses banned by banjod. banjod owns the entries: do not add any.",
                               std::string(ipset.networks || !ipset.blocklist.empty() ? "hash:net" : "hash:ip"), options,
                               std::vector<std::string>()};
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
        if (!ipset.bound || !contains(run.permanent_ipsets, name))
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
// ports stays in firewalld's permanent configuration when the jail goes away. Every zone is
// read: a rule of banjo's (banjo_jail_rule_ipset) that is not wanted where it is goes (a jail
// gone, its ports or zones changed, a zone that lost its interfaces), a wanted one missing is
// added.
void FirewalldBackend::setup_rules() {
    begin_step([this] { setup_done(); });
    std::map<std::string, std::set<std::string>> wanted;   // zone -> rules
    for (const auto& [jail, rules] : jails_)
        for (const auto& zone : zones_for(rules))
            for (const auto& rule : rules.rules) {
                auto ipset = ipsets_.find(rule.ipset);
                if (ipset != ipsets_.end() && ipset->second.active)   // firewalld refuses a rule over an unknown ipset
                    wanted[zone].insert(rule.text);
            }
    std::set<std::string> zones(setup_->zones.begin(), setup_->zones.end());
    for (const auto& [zone, rules] : wanted)
        zones.insert(zone);   // (a zone firewalld lacks: the add fails and says so)
    for (const auto& zone : zones) {
        firewalld_->callMethodAsync("getRichRules").onInterface(zone_iface).withArguments(zone).uponReplyInvoke(
            step_reply<std::vector<std::string>>([this, zone, want = wanted[zone]](const sdbus::Error* error,
                                                                                   std::vector<std::string> present) {
                if (error && want.empty())
                    return;
                std::set<std::string> missing = want;
                for (const auto& rule : present) {
                    if (missing.erase(rule) || !banjo_jail_rule_ipset(rule))
                        continue;
                    // Part of the same step: it counts before the listing's answer is done.
                    firewalld_->callMethodAsync("removeRichRule").onInterface(zone_iface)
                        .withArguments(zone, rule)
                        .uponReplyInvoke(step_reply<std::string>([this, zone, rule](const sdbus::Error* error, std::string) {
                            if (!error)
                                log(LOG_NOTICE, "removed rich rule '" + rule + "' from zone " + zone + ": no jail wants it there");
                            else if (code_of(error) != "NOT_ENABLED")
                                setup_problems_.push_back("removing rich rule '" + rule + "' from zone " + zone +
                                                          " failed: " + describe(*error));
                        }));
                }
                for (const auto& rule : missing)
                    firewalld_->callMethodAsync("addRichRule").onInterface(zone_iface)
                        .withArguments(zone, rule, 0)
                        .uponReplyInvoke(step_reply<std::string>([this, zone, rule](const sdbus::Error* error, std::string) {
                            if (error && code_of(error) != "ALREADY_ENABLED")
                                setup_problems_.push_back("adding rich rule '" + rule + "' to zone " + zone +
                                                          " failed: " + describe(*error));
                        }));
            }));
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
