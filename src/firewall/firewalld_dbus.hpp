// SPDX-License-Identifier: GPL-2.0-or-later
// firewalld's D-Bus names and the handler wrappers, shared by firewalld_backend.cpp (entries,
// presence, state) and firewalld_setup.cpp (ipsets, zone binding, rich rules). Internal to
// src/firewall.
#pragma once

#include "firewall/firewalld_backend.hpp"
#include "firewall/firewalld_rules.hpp"

#include <sdbus-c++/sdbus-c++.h>
#include <syslog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace banjo::firewalld {

inline const std::string firewalld_bus = "org.fedoraproject.FirewallD1";
inline const std::string firewalld_path = "/org/fedoraproject/FirewallD1";
inline const std::string main_iface = "org.fedoraproject.FirewallD1";
inline const std::string ipset_iface = "org.fedoraproject.FirewallD1.ipset";
inline const std::string zone_iface = "org.fedoraproject.FirewallD1.zone";
inline const std::string config_path = "/org/fedoraproject/FirewallD1/config";
inline const std::string config_iface = "org.fedoraproject.FirewallD1.config";
inline const std::string config_zone_iface = "org.fedoraproject.FirewallD1.config.zone";

// firewalld owns its name before it has loaded its rules and exported its objects; its `state`
// property is the only sign of readiness, so it is polled.
inline constexpr auto state_poll_interval = std::chrono::milliseconds(250);
inline constexpr auto max_backoff = std::chrono::seconds(60);
// setEntries of 100k entries took 23 s here, a reload several seconds: sd-bus's 25 s default is
// too tight for them.
inline constexpr auto slow_call_timeout = std::chrono::minutes(5);

using IpsetSettings = sdbus::Struct<std::string, std::string, std::string, std::string,
                                    std::map<std::string, std::string>, std::vector<std::string>>;

inline std::string code_of(const sdbus::Error* error) {
    return error ? std::string(firewalld_error_code(error->getMessage())) : std::string();
}

inline std::string describe(const sdbus::Error& error) {
    return error.getName() + ": " + error.getMessage();
}

inline bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace banjo::firewalld

namespace banjo {

template <typename F>
void FirewalldBackend::guarded(F&& f) const {
    try {
        f();
    } catch (const std::exception& e) {
        log(LOG_ERR, std::string("firewalld backend: ") + e.what());
    } catch (...) {
        log(LOG_ERR, "firewalld backend: unknown exception in a handler");
    }
}

template <typename... Out, typename F>
auto FirewalldBackend::reply(F f) {
    return [this, epoch = epoch_, f = std::move(f)](const sdbus::Error* error, Out... out) {
        if (epoch != epoch_)
            return;   // firewalld reloaded or restarted since: the answer is about a state that is gone
        guarded([&] { f(error, std::move(out)...); });
    };
}

template <typename... Out, typename F>
auto FirewalldBackend::step_reply(F f) {
    return reply<Out...>(setup_->step->track(std::move(f)));
}

}  // namespace banjo
