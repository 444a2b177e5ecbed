// SPDX-License-Identifier: GPL-2.0-or-later
// banjo on the system bus: the manager object, one object per jail, the authorizer, and the
// PropertiesChanged signals. Property changes are collected and sent once per loop iteration:
// a burst of ten thousand bans is a handful of signals, not twenty thousand.
#pragma once

#include "bus/authorizer.hpp"
#include "bus/jail_object.hpp"
#include "bus/manager_object.hpp"
#include "lib/sd/event.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace banjo {

class BusService {
public:
    BusService(sdbus::IConnection& bus, sd::Event& loop, Daemon& daemon);

    // Makes the jail objects match these names (creating and removing objects).
    void sync_jails(const std::vector<std::string>& names);

    void banned(const Ban& ban);
    void unbanned(const Ban& ban, std::string_view reason);
    void jails_changed();
    void manager_changed(std::vector<std::string> properties);
    void jail_changed(const std::string& jail, std::vector<std::string> properties);

private:
    void schedule_flush();
    void flush();

    sdbus::IConnection& bus_;
    Daemon& daemon_;
    Authorizer authorizer_;
    ManagerObject manager_;
    std::map<std::string, std::unique_ptr<JailObject>> jails_;
    std::set<std::string> manager_dirty_;
    std::map<std::string, std::set<std::string>> jail_dirty_;
    sd::EventSource flush_timer_;
};

}  // namespace banjo
