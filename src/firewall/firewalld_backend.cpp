// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/firewalld_backend.hpp"

#include "firewall/firewalld_rules.hpp"

#include <sdbus-c++/sdbus-c++.h>
#include <syslog.h>

#include <algorithm>

namespace banjo {

namespace {

const std::string firewalld_bus = "org.fedoraproject.FirewallD1";
const std::string firewalld_path = "/org/fedoraproject/FirewallD1";
const std::string main_iface = "org.fedoraproject.FirewallD1";
const std::string ipset_iface = "org.fedoraproject.FirewallD1.ipset";
const std::string zone_iface = "org.fedoraproject.FirewallD1.zone";
const std::string config_path = "/org/fedoraproject/FirewallD1/config";
const std::string config_iface = "org.fedoraproject.FirewallD1.config";
const std::string config_zone_iface = "org.fedoraproject.FirewallD1.config.zone";

// firewalld owns its name before it has loaded its rules and exported its objects; its `state`
// property is the only sign of readiness, so it is polled.
constexpr auto state_poll_interval = std::chrono::milliseconds(250);
constexpr auto max_backoff = std::chrono::seconds(60);
// setEntries of 100k entries took 23 s here, a reload several seconds: sd-bus's 25 s default is
// too tight for them.
constexpr auto slow_call_timeout = std::chrono::minutes(5);

using IpsetSettings = sdbus::Struct<std::string, std::string, std::string, std::string,
                                    std::map<std::string, std::string>, std::vector<std::string>>;

std::string code_of(const sdbus::Error* error) {
    return error ? std::string(firewalld_error_code(error->getMessage())) : std::string();
}

std::string describe(const sdbus::Error& error) {
    return error.getName() + ": " + error.getMessage();
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

template <typename... Out, typename F>
auto FirewalldBackend::reply(F f) {
    return [this, epoch = epoch_, f = std::move(f)](const sdbus::Error* error, Out... out) {
        if (epoch != epoch_)
            return;   // firewalld reloaded or restarted since: the answer is about a state that is gone
        try {
            f(error, std::move(out)...);
        } catch (const std::exception& e) {
            log(LOG_ERR, std::string("firewalld backend: ") + e.what());
        } catch (...) {
            log(LOG_ERR, "firewalld backend: unknown exception in a reply handler");
        }
    };
}

FirewalldBackend::FirewalldBackend(sdbus::IConnection& bus, sd::Event& loop, FirewalldOptions options)
    : bus_(bus), loop_(loop), options_(std::move(options)) {
    if (!options_.log)
        options_.log = default_log_sink();
    for (Family family : {Family::ipv4, Family::ipv6})
        ipsets_.emplace(firewalld_ipset_name("", family), Ipset{family, true});
    flush_timer_ = loop_.add_timer([this] { flush(); });
    poll_timer_ = loop_.add_timer([this] { poll_firewalld_state(); });
    retry_timer_ = loop_.add_timer([this] {
        if (phase_ != Phase::running)
            return;
        if (setup_failed_)
            setup();
        flush();
    });

    dbus_ = sdbus::createProxy(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    firewalld_ = sdbus::createProxy(bus_, firewalld_bus, firewalld_path);
    // A reload wipes every runtime ipset entry and runtime rich rule.
    firewalld_->uponSignal("Reloaded").onInterface(main_iface).call([this] {
        try {
            log(LOG_INFO, "firewalld reloaded: applying the bans again");
            reloading_ = false;
            lost_runtime_state(Phase::setting_up);
            update_state();
            setup();
        } catch (const std::exception& e) {
            log(LOG_ERR, std::string("firewalld backend: ") + e.what());
        }
    });
    // Port-limited jails' rules live in the default zone: follow it when it moves.
    firewalld_->uponSignal("DefaultZoneChanged").onInterface(main_iface).call([this](const std::string& zone) {
        try {
            if (!options_.rich_rule_zone.empty() || phase_ != Phase::running || zone == rule_zone_)
                return;
            log(LOG_INFO, "firewalld's default zone is now " + zone + ": moving the jails' rich rules there");
            remove_rules(rule_zone_, jails_);
            setup();
        } catch (const std::exception& e) {
            log(LOG_ERR, std::string("firewalld backend: ") + e.what());
        }
    });
    firewalld_->finishRegistration();
    // A restart shows only as a new owner of the name. Signal matches of proxies carry no
    // arg0 in sdbus-c++ 1.2, hence a raw match.
    owner_match_ = bus_.addMatch(
        "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
        "member='NameOwnerChanged',arg0='" + firewalld_bus + "'",
        [this](sdbus::Message& message) {
            try {
                std::string name, old_owner, new_owner;
                message >> name >> old_owner >> new_owner;
                on_name_owner(new_owner);
            } catch (const std::exception& e) {
                log(LOG_ERR, std::string("firewalld backend: ") + e.what());
            }
        });
    dbus_->callMethodAsync("GetNameOwner")
        .onInterface("org.freedesktop.DBus")
        .withArguments(firewalld_bus)
        .uponReplyInvoke(reply<std::string>([this](const sdbus::Error* error, std::string owner) {
            on_name_owner(error ? std::string() : owner);   // NameHasNoOwner: not running
        }));
    update_state();
}

FirewalldBackend::~FirewalldBackend() = default;

void FirewalldBackend::log(int priority, const std::string& message) const {
    options_.log(priority, message);
}

sdbus::IProxy& FirewalldBackend::config_proxy(const std::string& path) {
    // Kept for the backend's life: a proxy must not die inside one of its own reply handlers.
    auto& proxy = config_proxies_[path];
    if (!proxy)
        proxy = sdbus::createProxy(bus_, firewalld_bus, path);
    return *proxy;
}

FirewalldBackend::Ipset& FirewalldBackend::ipset_for(const BanTarget& target) {
    if (target.ports.empty())
        return ipsets_.at(firewalld_ipset_name("", target.address.family()));
    auto jail = jails_.find(target.jail);
    if (jail == jails_.end() || jail->second.ports != target.ports)
        prepare_jail(target.jail, target.ports);
    return ipsets_.at(firewalld_ipset_name(target.jail, target.address.family()));
}

void FirewalldBackend::add(const BanTarget& target) {
    if (ipset_for(target).mirror.want(target.address.to_string(), target.jail))
        schedule_flush();
}

void FirewalldBackend::remove(const BanTarget& target) {
    auto name = firewalld_ipset_name(target.ports.empty() ? "" : target.jail, target.address.family());
    auto it = ipsets_.find(name);
    if (it != ipsets_.end() && it->second.mirror.unwant(target.address.to_string(), target.jail))
        schedule_flush();
}

void FirewalldBackend::prepare_jail(const std::string& jail, const std::vector<std::string>& ports) {
    if (ports.empty())
        return;   // all-ports jails share banjo4/banjo6
    auto& entry = jails_[jail];
    if (entry.ports == ports && !entry.rules.empty())
        return;
    auto old_rules = std::move(entry.rules);
    entry = JailRules{ports, {}, {}};
    for (Family family : {Family::ipv4, Family::ipv6}) {
        auto name = firewalld_ipset_name(jail, family);
        ipsets_.try_emplace(name, Ipset{family, false});
        for (const auto& port : ports) {
            if (auto element = firewalld_rule_element(port))
                entry.rules.push_back({name, firewalld_rich_rule(family, name, *element)});
            else if (family == Family::ipv4)
                entry.problem += (entry.problem.empty() ? "" : ", ") + ("'" + port + "'");
        }
    }
    if (!entry.problem.empty()) {
        entry.problem = "jail " + jail + ": ports " + entry.problem +
                        " are neither a firewalld service nor PORT[-PORT][/PROTOCOL]; fix the jail's ports";
        log(LOG_ERR, entry.problem);
    }
    // Rules of the jail's old ports would keep blocking them until firewalld's next reload.
    if (phase_ == Phase::running)
        remove_rules(rule_zone_, {{jail, JailRules{{}, std::move(old_rules), {}}}});
    if (phase_ == Phase::running || phase_ == Phase::setting_up)
        setup();
    update_state();
}

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

void FirewalldBackend::lost_runtime_state(Phase next) {
    ++epoch_;
    phase_ = next;
    inflight_ = 0;
    setup_running_ = setup_again_ = setup_failed_ = failed_round_ = false;
    step_pending_ = 0;
    step_then_ = nullptr;
    for (auto& [name, ipset] : ipsets_) {
        ipset.active = false;
        ipset.fetch = true;
        ipset.fetching = false;
        ipset.mirror.forget_applied();
    }
    flush_timer_.disarm();
    retry_timer_.disarm();
    poll_timer_.disarm();
    backoff_ = std::chrono::seconds(1);
    setup_problems_.clear();
    apply_problem_.clear();
    firewalld_state_.clear();
}

void FirewalldBackend::on_name_owner(const std::string& new_owner) {
    if (new_owner.empty()) {
        if (phase_ != Phase::absent || epoch_ == 0)
            log(LOG_WARNING, "firewalld is not on the bus: bans are kept and applied when it starts");
        lost_runtime_state(Phase::absent);
        reloading_ = reloaded_ = false;
    } else {
        log(LOG_INFO, "firewalld appeared on the bus as " + new_owner);
        lost_runtime_state(Phase::starting);
        reloading_ = reloaded_ = false;
        poll_firewalld_state();
    }
    update_state();
}

void FirewalldBackend::poll_firewalld_state() {
    firewalld_->callMethodAsync("Get")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(main_iface, std::string("state"))
        .uponReplyInvoke(reply<sdbus::Variant>([this](const sdbus::Error* error, sdbus::Variant value) {
            std::string state = error ? std::string() : value.get<std::string>();
            if (state == "RUNNING") {
                phase_ = Phase::setting_up;
                update_state();
                setup();
                return;
            }
            firewalld_state_ = state;   // empty: its objects are not exported yet
            poll_timer_.arm_in(state == "FAILED" ? state_poll_interval * 8 : state_poll_interval);
            update_state();
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
                if (!error || code_of(error) == "NAME_CONFLICT") {
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
    begin_step(&FirewalldBackend::setup_rules);
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
    if (!missing.empty() && !setup_failed_) {
        if (options_.allow_reload && !reloaded_) {
            // Once per firewalld instance: a reload that does not bring them is not retried.
            reloading_ = reloaded_ = true;
            ++counters_.reloads;
            log(LOG_NOTICE, "reloading firewalld to activate the ipsets " + missing);
            firewalld_->callMethodAsync("reload").onInterface(main_iface).withTimeout(slow_call_timeout)
                .uponReplyInvoke(reply<>([this](const sdbus::Error* error) {
                    reloading_ = false;   // on success the Reloaded signal has started over already
                    if (error) {
                        setup_problems_.push_back("reloading firewalld failed: " + describe(*error));
                        update_state();
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

void FirewalldBackend::schedule_flush() {
    if (phase_ == Phase::running && !flush_timer_.armed() && !retry_timer_.armed())
        flush_timer_.arm_in(std::chrono::microseconds(0));
}

// Called from a zero-delay timer, so every change made in the current loop iteration (a
// journal batch, a restore of saved bans) is in one flush; and not while calls are in flight,
// so changes made meanwhile pile up into the next batch instead of single calls.
void FirewalldBackend::flush() {
    if (phase_ != Phase::running || inflight_ > 0)
        return;
    for (auto& [name, ipset] : ipsets_) {
        if (!ipset.active || ipset.fetching)
            continue;
        if (ipset.fetch) {
            ipset.fetching = true;
            ++inflight_;
            ++counters_.get_entries;
            firewalld_->callMethodAsync("getEntries").onInterface(ipset_iface).withArguments(name)
                .uponReplyInvoke(reply<std::vector<std::string>>(
                    [this, name = name](const sdbus::Error* error, std::vector<std::string> entries) {
                        auto& ipset = ipsets_.at(name);
                        ipset.fetching = false;
                        if (!error) {
                            ipset.fetch = false;
                            ipset.mirror.set_applied(entries);
                        }
                        call_done(name, error, "");
                    }));
            continue;
        }
        auto batch = ipset.mirror.take(options_.burst_threshold);
        if (batch.replace) {
            ++inflight_;
            ++counters_.set_entries;
            firewalld_->callMethodAsync("setEntries").onInterface(ipset_iface).withTimeout(slow_call_timeout)
                .withArguments(name, batch.entries)
                .uponReplyInvoke(reply<>([this, name = name](const sdbus::Error* error) { call_done(name, error, ""); }));
        }
        // An add of an address firewalld already holds, or a remove of one it does not, is
        // what we wanted: firewalld calls it ALREADY_ENABLED / NOT_ENABLED.
        for (const auto& address : batch.add) {
            ++inflight_;
            ++counters_.add_entry;
            firewalld_->callMethodAsync("addEntry").onInterface(ipset_iface).withArguments(name, address)
                .uponReplyInvoke(reply<>([this, name = name](const sdbus::Error* error) {
                    call_done(name, error, "ALREADY_ENABLED");
                }));
        }
        for (const auto& address : batch.remove) {
            ++inflight_;
            ++counters_.remove_entry;
            firewalld_->callMethodAsync("removeEntry").onInterface(ipset_iface).withArguments(name, address)
                .uponReplyInvoke(reply<>([this, name = name](const sdbus::Error* error) {
                    call_done(name, error, "NOT_ENABLED");
                }));
        }
    }
}

void FirewalldBackend::call_done(const std::string& ipset, const sdbus::Error* error, std::string_view ok_code) {
    if (inflight_ > 0)
        --inflight_;
    if (error && (ok_code.empty() || code_of(error) != ok_code)) {
        ++counters_.failed_calls;
        apply_problem_ = "firewalld refused a change of ipset " + ipset + ": " + describe(*error);
        log(LOG_ERR, apply_problem_);
        ipsets_.at(ipset).fetch = true;   // we no longer know what it holds
        failed_round_ = true;
    }
    if (inflight_ > 0)
        return;
    if (failed_round_) {
        failed_round_ = false;
        retry_later();
    } else {
        backoff_ = std::chrono::seconds(1);
        apply_problem_.clear();
        schedule_flush();
    }
    update_state();
}

void FirewalldBackend::retry_later() {
    flush_timer_.disarm();
    retry_timer_.arm_in(backoff_);
    backoff_ = std::min(backoff_ * 2, std::chrono::seconds(max_backoff));
}

bool FirewalldBackend::idle() const {
    if (phase_ == Phase::starting || phase_ == Phase::setting_up)
        return false;
    return inflight_ == 0 && !setup_running_ && !reloading_ && !flush_timer_.armed() && !retry_timer_.armed();
}

void FirewalldBackend::update_state() {
    auto state = BackendState::unavailable;
    std::string detail;
    switch (phase_) {
    case Phase::absent:
        detail = "firewalld is not running (nobody owns " + firewalld_bus +
                 " on the system bus); bans are kept and applied when it starts";
        break;
    case Phase::starting:
        if (firewalld_state_ == "FAILED") {
            state = BackendState::degraded;
            detail = "firewalld reports state FAILED (it could not apply its configuration): see its log";
        } else {
            detail = "waiting for firewalld to finish starting";
        }
        break;
    case Phase::setting_up:
        detail = reloading_ ? "reloading firewalld to activate the banjo ipsets"
                            : "checking firewalld's banjo ipsets and zone binding";
        break;
    case Phase::running: {
        std::vector<std::string> problems = setup_problems_;
        for (const auto& [jail, rules] : jails_)
            if (!rules.problem.empty())
                problems.push_back(rules.problem);
        if (!apply_problem_.empty())
            problems.push_back(apply_problem_);
        for (const auto& problem : problems)
            detail += (detail.empty() ? "" : "; ") + problem;
        state = detail.empty() ? BackendState::ready : BackendState::degraded;
        break;
    }
    }
    bool changed = state != state_;
    // Unavailable while setting up after a reload is routine; absent or degraded is not.
    bool worrying = state == BackendState::degraded || phase_ == Phase::absent;
    if (changed || (detail != detail_ && state == BackendState::degraded))
        log(worrying ? LOG_WARNING : LOG_INFO,
            "firewalld backend " + std::string(to_string(state)) + (detail.empty() ? "" : ": " + detail));
    state_ = state;
    detail_ = std::move(detail);
    if (changed && on_state_changed)
        on_state_changed(state);
}

}  // namespace banjo
