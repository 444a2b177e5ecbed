// SPDX-License-Identifier: GPL-2.0-or-later
// org.banjo1.Manager at /org/banjo1: the adaptor generated from dbus/org.banjo1.Manager.xml,
// implemented by asking the Manager. Handlers stay short: authorize, call, convert.
#pragma once

#include "bus/authorizer.hpp"
#include "core/ban_table.hpp"
#include "org.banjo1.Manager.adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>
#include <vector>

namespace banjo {

class Manager;

inline constexpr const char* bus_name = "org.banjo1";
inline constexpr const char* manager_path = "/org/banjo1";

// /org/banjo1/jail/NAME with NAME escaped as sd_bus_path_encode does.
std::string jail_object_path(const std::string& jail);

class ManagerObject final : public sdbus::AdaptorInterfaces<org::banjo1::Manager_adaptor> {
public:
    ManagerObject(sdbus::IConnection& bus, Manager& manager, Authorizer& authorizer);
    ~ManagerObject();

    void announce_banned(const banjo::Ban& ban);
    void announce_unbanned(const banjo::Ban& ban, UnbanReason reason);
    void announce_jails_changed();
    void properties_changed(const std::vector<std::string>& names);

private:
    std::vector<sdbus::Struct<std::string, sdbus::ObjectPath, bool, uint32_t, uint32_t, uint64_t>> ListJails() override;
    sdbus::ObjectPath GetJail(const std::string& name) override;
    void Ban(sdbus::Result<uint64_t>&& result, std::string jail, std::string address, uint64_t duration_usec) override;
    void Unban(sdbus::Result<uint32_t>&& result, std::string jail, std::string address) override;
    std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>> ListBans(
        const std::string& jail) override;
    void UnbanAll(sdbus::Result<uint32_t>&& result, std::string jail) override;
    void ListBanLines(sdbus::Result<std::vector<sdbus::Struct<std::string, std::string, std::vector<std::string>>>>&& result,
                      std::string jail) override;
    std::vector<sdbus::Struct<std::string, std::string, std::string, uint64_t, uint64_t, uint64_t, uint64_t, std::string>>
    ListBlocklists() override;
    std::tuple<std::vector<sdbus::Struct<std::string, bool, std::string, uint32_t, uint32_t, std::vector<uint64_t>>>,
               std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>>,
               std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>>>
    Why(const std::string& address) override;
    void WhyLines(
        sdbus::Result<std::vector<sdbus::Struct<std::string, std::string, std::string, std::vector<std::string>>>>&& result,
        std::string address) override;
    std::vector<sdbus::Struct<std::string, std::string, std::string>> IgnoreHits(const std::string& address) override;
    std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>> ListBanHistory(
        const uint64_t& since_usec) override;
    std::vector<sdbus::Struct<std::string, std::string, std::string, std::string>> TestFilter(
        const std::string& filter, const std::string& mode, const std::vector<std::string>& lines) override;
    void Reload(sdbus::Result<>&& result) override;

    std::string Version() override;
    std::string Backend() override;
    std::string BackendState() override;
    std::string StateHealth() override;
    std::string JournalCursor() override;
    uint64_t EntriesProcessed() override;
    uint64_t FailuresFound() override;
    uint32_t ActiveBans() override;
    uint64_t TotalBans() override;
    std::string FleetHost() override;
    bool FleetConnected() override;
    std::string FleetProblem() override;
    uint64_t FleetLagUSec() override;
    std::vector<sdbus::Struct<std::string, std::string, uint64_t>> FleetPeers() override;
    uint32_t FleetBacklog() override;

    Manager& manager_;
    Authorizer& authorizer_;
};

}  // namespace banjo
