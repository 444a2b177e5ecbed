// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/bus_client.hpp"

#include <string_view>

namespace banjo {

ManagerProxy::ManagerProxy(sdbus::IConnection& bus) : ProxyInterfaces(bus, banjo_bus_name, banjo_manager_path) {}
ManagerProxy::~ManagerProxy() { unregisterProxy(); }

void ManagerProxy::onBanned(const std::string& jail, const std::string& address, const uint64_t& expires_usec,
                            const uint32_t& failures) {
    if (on_banned) on_banned(jail, address, expires_usec, failures);
}

void ManagerProxy::onUnbanned(const std::string& jail, const std::string& address, const std::string& reason) {
    if (on_unbanned) on_unbanned(jail, address, reason);
}

void ManagerProxy::onJailsChanged() {
    if (on_jails_changed) on_jails_changed();
}

JailProxy::JailProxy(sdbus::IConnection& bus, const std::string& path) : ProxyInterfaces(bus, banjo_bus_name, path) {}
JailProxy::~JailProxy() { unregisterProxy(); }

std::map<std::string, sdbus::Variant> JailProxy::properties() { return GetAll(org::banjo1::Jail_proxy::INTERFACE_NAME); }

BanjoBus::BanjoBus() {
    try {
        connection_ = sdbus::createSystemBusConnection();
    } catch (const sdbus::Error& e) {
        throw CtlError(exit_unreachable, "cannot connect to the system bus: " + e.getMessage(), e.getName());
    }
    manager_ = std::make_unique<ManagerProxy>(*connection_);
}

std::unique_ptr<JailProxy> BanjoBus::jail(const std::string& name) {
    const sdbus::ObjectPath path = call_banjod([&] { return manager_->GetJail(name); });
    return std::make_unique<JailProxy>(*connection_, path);
}

bool is_unreachable_error(const std::string& name) {
    static constexpr std::string_view unreachable[] = {
        "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.NoServer",       "org.freedesktop.DBus.Error.NoReply",
        "org.freedesktop.DBus.Error.Timeout",        "org.freedesktop.DBus.Error.TimedOut",
        "org.freedesktop.DBus.Error.Disconnected",   "org.freedesktop.DBus.Error.NoNetwork",
        "org.freedesktop.DBus.Error.FileNotFound",   "org.freedesktop.systemd1.NoSuchUnit",
    };
    for (auto u : unreachable)
        if (name == u) return true;
    // Bus activation failed (the unit is missing or banjod exited at start), or sd-bus reports
    // a broken connection as a plain errno.
    return name.starts_with("org.freedesktop.DBus.Error.Spawn.") || name.starts_with("System.Error.");
}

CtlError to_ctl_error(const sdbus::Error& e) {
    const std::string& name = e.getName();
    const std::string message = e.getMessage().empty() ? name : e.getMessage();
    if (is_unreachable_error(name)) return CtlError(exit_unreachable, "cannot reach banjod: " + message, name);
    if (name.starts_with("org.banjo1.Error.")) return CtlError(exit_failure, message, name);
    // UnknownObject, UnknownMethod, AccessDenied from the bus policy...: say who said it.
    return CtlError(exit_failure, message + " (" + name + ")", name);
}

}  // namespace banjo
