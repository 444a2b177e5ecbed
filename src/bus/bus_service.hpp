// SPDX-License-Identifier: GPL-2.0-or-later
// banjo on the system bus: the manager object, one object per jail, the authorizer, and the
// signals. Property changes are collected and sent once per loop iteration: a burst of ten
// thousand bans is a handful of signals, not twenty thousand.
//
// The bus is the Manager's face and depends on it (daemon/manager.hpp), never the other way:
// the Manager reports its changes through Manager::Listener, and banjod's wiring (daemon.cpp)
// hands each event to the method of the same name here.
#pragma once

#include "bus/authorizer.hpp"
#include "bus/jail_object.hpp"
#include "bus/manager_object.hpp"
#include "core/jail.hpp"
#include "lib/sd/event.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace banjo {

class BusService {
public:
    // Creates the objects of the Manager's jails; the name is requested by the caller.
    BusService(sdbus::IConnection& bus, sd::Event& loop, Manager& manager);

    void banned(const Ban& ban);
    void unbanned(const Ban& ban, UnbanReason reason);
    // Jail objects come and go with the configured jails; JailsChanged is sent.
    void jails_changed();
    void jail_enabled_changed(const std::string& jail);
    void ignore_list_changed(const std::string& jail);
    void jail_settings_changed(const std::string& jail);
    void ban_observed(const std::string& jail, const BanDecision& decision);
    void backend_state_changed();
    void state_health_changed();
    // Bans were put in force without a Banned signal each (rebuilt from the firewall's sets).
    void bans_rebuilt();

private:
    void sync_jails();
    void manager_changed(std::vector<std::string> properties);
    void jail_changed(const std::string& jail, std::vector<std::string> properties);
    void schedule_flush();
    void flush();

    sdbus::IConnection& bus_;
    Manager& manager_;
    Authorizer authorizer_;
    ManagerObject manager_object_;
    std::map<std::string, std::unique_ptr<JailObject>> jails_;
    std::set<std::string> manager_dirty_;
    std::map<std::string, std::set<std::string>> jail_dirty_;
    sd::EventSource flush_timer_;
};

}  // namespace banjo
