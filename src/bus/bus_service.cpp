// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus/bus_service.hpp"

#include "daemon/manager.hpp"

#include "lib/sd/log.hpp"

#include <chrono>
#include <syslog.h>

namespace banjo {

BusService::BusService(sdbus::IConnection& bus, sd::Event& loop, Manager& manager)
    : bus_(bus), manager_(manager), authorizer_(bus), manager_object_(bus, manager, authorizer_) {
    flush_timer_ = loop.add_timer([this] { flush(); });
    sync_jails();
}

void BusService::sync_jails() {
    std::vector<std::string> names;
    for (const auto& j : manager_.config().jails) names.push_back(j.settings.name);
    std::set<std::string> wanted(names.begin(), names.end());
    for (auto it = jails_.begin(); it != jails_.end();) {
        if (wanted.count(it->first)) {
            ++it;
            continue;
        }
        it->second->announce_removed();
        jail_dirty_.erase(it->first);
        it = jails_.erase(it);
    }
    for (const auto& name : names) {
        if (jails_.count(name)) continue;
        auto object = std::make_unique<JailObject>(bus_, manager_, authorizer_, name);
        object->announce_added();
        jails_.emplace(name, std::move(object));
    }
}

void BusService::banned(const Ban& ban) {
    manager_object_.announce_banned(ban);
    manager_changed({"ActiveBans", "TotalBans"});
    jail_changed(ban.jail, {"ActiveBans", "TotalBans"});
}

void BusService::unbanned(const Ban& ban, UnbanReason reason) {
    manager_object_.announce_unbanned(ban, reason);
    manager_changed({"ActiveBans"});
    jail_changed(ban.jail, {"ActiveBans"});
}

// Every property the XML says emits change signals, and may change with a reload. Never
// TrackedAddresses or TotalFailures (marked as not emitting): sd-bus refuses a whole
// PropertiesChanged that names one (EDOM).
void BusService::jails_changed() {
    sync_jails();
    // A reload restores the file's settings over those changed at runtime.
    for (const auto& [jail, object] : jails_) jail_settings_changed(jail);
    manager_object_.announce_jails_changed();
    manager_changed({"ActiveBans", "TotalBans"});
    for (const auto& [jail, object] : jails_)
        jail_changed(jail, {"Enabled", "Filter", "Mode", "JournalMatch", "MaxRetry", "FindTimeUSec", "BanTimeUSec",
                            "IgnoreList", "ActiveBans", "TotalBans"});
}

void BusService::jail_enabled_changed(const std::string& jail) { jail_changed(jail, {"Enabled", "ActiveBans"}); }

void BusService::ban_observed(const std::string& jail, const BanDecision& d) {
    manager_object_.emitBanObserved(jail, d.address.to_string(), to_wire_usec(d.bantime), d.failures);
}

void BusService::jail_settings_changed(const std::string& jail) {
    jail_changed(jail, {"MaxRetry", "FindTimeUSec", "BanTimeUSec"});
}

void BusService::ignore_list_changed(const std::string& jail) { jail_changed(jail, {"IgnoreList"}); }

void BusService::backend_state_changed() { manager_changed({"BackendState"}); }

void BusService::state_health_changed() { manager_changed({"StateHealth"}); }

void BusService::bans_rebuilt() {
    manager_changed({"ActiveBans"});
    for (const auto& [jail, object] : jails_) jail_changed(jail, {"ActiveBans"});
}

void BusService::manager_changed(std::vector<std::string> properties) {
    manager_dirty_.insert(properties.begin(), properties.end());
    schedule_flush();
}

void BusService::jail_changed(const std::string& jail, std::vector<std::string> properties) {
    if (!jails_.count(jail)) return;
    jail_dirty_[jail].insert(properties.begin(), properties.end());
    schedule_flush();
}

void BusService::schedule_flush() {
    if (!flush_timer_.armed()) flush_timer_.arm_in(std::chrono::microseconds(0));
}

// Each object's signal on its own: one that fails must not keep the others from going out,
// and a failure is said (a client's cached properties are wrong from then on).
void BusService::flush() {
    auto emit = [](const std::string& path, const std::set<std::string>& names, auto&& send) {
        try {
            send(std::vector<std::string>(names.begin(), names.end()));
        } catch (const sdbus::Error& e) {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            sd::log(LOG_WARNING, "PropertiesChanged of " + path + " (" + list + ") could not be sent: " + e.getName() +
                                     ": " + e.getMessage());
        }
    };
    if (!manager_dirty_.empty())
        emit("/org/banjo1", manager_dirty_, [&](std::vector<std::string> n) { manager_object_.properties_changed(n); });
    for (const auto& [jail, names] : jail_dirty_) {
        auto it = jails_.find(jail);
        if (it != jails_.end())
            emit("jail " + jail, names, [&](std::vector<std::string> n) { it->second->properties_changed(n); });
    }
    manager_dirty_.clear();
    jail_dirty_.clear();
}

}  // namespace banjo
