// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl's side of org.banjo1: one system bus connection (sd-bus honours
// DBUS_SYSTEM_BUS_ADDRESS) and proxies generated from dbus/*.xml, so a member the interface
// does not have cannot be called. Calls are synchronous (sd-bus's 25 s timeout); signals
// arrive only while the caller runs the connection (monitor does). D-Bus errors become
// CtlError: exit 3 when banjod cannot be reached, 1 when it answered with an error.
#pragma once

#include "ctl/exit_status.hpp"
#include "org.banjo1.Jail.proxy.h"
#include "org.banjo1.Manager.proxy.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace banjo {

inline constexpr const char* banjo_bus_name = "org.banjo1";
inline constexpr const char* banjo_manager_path = "/org/banjo1";

class ManagerProxy final : public sdbus::ProxyInterfaces<org::banjo1::Manager_proxy> {
public:
    explicit ManagerProxy(sdbus::IConnection& bus);
    ~ManagerProxy();

    // Starts receiving the signals below (adds the match rules on the bus).
    void subscribe() { registerProxy(); }
    std::function<void(const std::string& jail, const std::string& address, std::uint64_t expires_usec,
                       std::uint32_t failures)>
        on_banned;
    std::function<void(const std::string& jail, const std::string& address, const std::string& reason)> on_unbanned;
    std::function<void()> on_jails_changed;

private:
    void onBanned(const std::string& jail, const std::string& address, const uint64_t& expires_usec,
                  const uint32_t& failures) override;
    void onUnbanned(const std::string& jail, const std::string& address, const std::string& reason) override;
    void onJailsChanged() override;
    // banjoctl has no use for it yet (monitor shows bans made, not bans observed).
    void onBanObserved(const std::string&, const std::string&, const uint64_t&, const uint32_t&) override {}
};

class JailProxy final : public sdbus::ProxyInterfaces<org::banjo1::Jail_proxy, sdbus::Properties_proxy> {
public:
    JailProxy(sdbus::IConnection& bus, const std::string& path);
    ~JailProxy();

    // Every org.banjo1.Jail property in one call (GetAll), a consistent snapshot.
    std::map<std::string, sdbus::Variant> properties();

private:
    void onPropertiesChanged(const std::string&, const std::map<std::string, sdbus::Variant>&,
                             const std::vector<std::string>&) override {}
};

class BanjoBus {
public:
    // Connects to the system bus; throws CtlError(exit_unreachable) when it cannot.
    BanjoBus();

    sdbus::IConnection& connection() noexcept { return *connection_; }
    ManagerProxy& manager() noexcept { return *manager_; }
    // The proxy of jail NAME's object, found with GetJail (NoSuchJail becomes exit 1).
    std::unique_ptr<JailProxy> jail(const std::string& name);

private:
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<ManagerProxy> manager_;
};

// Whether a D-Bus error means banjod is not there (not running, not activatable, gone while
// we asked, no answer in time) rather than an answer from it.
bool is_unreachable_error(const std::string& error_name);

CtlError to_ctl_error(const sdbus::Error& e);

// Runs f, turning an sdbus::Error it throws into CtlError.
template <typename F>
auto call_banjod(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const sdbus::Error& e) {
        throw to_ctl_error(e);
    }
}

}  // namespace banjo
