// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus/jail_object.hpp"

#include "bus/bus_errors.hpp"
#include "bus/manager_object.hpp"
#include "daemon/manager.hpp"

namespace banjo {

namespace {
constexpr const char* jail_interface = "org.banjo1.Jail";
}  // namespace

JailObject::JailObject(sdbus::IConnection& bus, Manager& manager, Authorizer& authorizer, std::string name)
    : AdaptorInterfaces(bus, jail_object_path(name)), manager_(manager), authorizer_(authorizer), name_(std::move(name)) {
    registerAdaptor();
}

JailObject::~JailObject() { unregisterAdaptor(); }

void JailObject::properties_changed(const std::vector<std::string>& names) {
    getObject().emitPropertiesChangedSignal(jail_interface, names);
}

void JailObject::announce_added() { getObject().emitInterfacesAddedSignal(); }
void JailObject::announce_removed() { getObject().emitInterfacesRemovedSignal(); }

void JailObject::Ban(sdbus::Result<uint64_t>&& result, std::string address, uint64_t duration_usec) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result), [&m, jail = name_, address, duration_usec] {
        return to_wire_usec(m.ban(jail, address, duration_usec == 0 ? Usec(0) : from_wire_usec(duration_usec)));
    });
}

void JailObject::Unban(sdbus::Result<>&& result, std::string address) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result),
                   [&m, jail = name_, address] { m.unban(jail, address); });
}

std::vector<sdbus::Struct<std::string, uint64_t, uint64_t, uint32_t, std::string>> JailObject::ListBans() {
    return with_bus_errors([&] {
        std::vector<sdbus::Struct<std::string, uint64_t, uint64_t, uint32_t, std::string>> out;
        for (const banjo::Ban& b : manager_.bans(name_))
            out.emplace_back(b.address.to_string(), to_wire_usec(b.banned), to_wire_usec(b.expires), b.failures,
                             origin_text(b.origin, b.origin_host));
        return out;
    });
}

void JailObject::SetEnabled(sdbus::Result<>&& result, bool enabled) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result),
                   [&m, jail = name_, enabled] { m.set_enabled(jail, enabled); });
}

void JailObject::AddIgnore(sdbus::Result<>&& result, std::string cidr) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result),
                   [&m, jail = name_, cidr] { m.add_ignore(jail, cidr); });
}

void JailObject::RemoveIgnore(sdbus::Result<>&& result, std::string cidr) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result),
                   [&m, jail = name_, cidr] { m.remove_ignore(jail, cidr); });
}

void JailObject::SetMaxRetry(sdbus::Result<>&& result, uint32_t maxretry) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result),
                   [&m, jail = name_, maxretry] { m.set_maxretry(jail, maxretry); });
}

void JailObject::SetFindTime(sdbus::Result<>&& result, uint64_t findtime_usec) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result),
                   [&m, jail = name_, findtime_usec] { m.set_findtime(jail, from_wire_usec(findtime_usec)); });
}

void JailObject::SetBanTime(sdbus::Result<>&& result, uint64_t bantime_usec) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result),
                   [&m, jail = name_, bantime_usec] { m.set_bantime(jail, from_wire_usec(bantime_usec)); });
}

std::string JailObject::Name() { return name_; }
bool JailObject::Enabled() { return with_bus_errors([&] { return manager_.jail(name_).enabled; }); }
std::string JailObject::Filter() { return with_bus_errors([&] { return manager_.jail(name_).config->settings.filter; }); }
std::string JailObject::Mode() { return with_bus_errors([&] { return manager_.jail(name_).config->settings.mode; }); }

std::vector<std::string> JailObject::JournalMatch() {
    return with_bus_errors([&] {
        std::vector<std::string> out;
        for (const auto& group : effective_journal_match(*manager_.jail(name_).config)) {
            std::string text;
            for (const auto& term : group) text += (text.empty() ? "" : " ") + term;
            out.push_back(text);
        }
        return out;
    });
}

uint32_t JailObject::MaxRetry() { return with_bus_errors([&] { return manager_.jail(name_).config->settings.maxretry; }); }
uint64_t JailObject::FindTimeUSec() {
    return with_bus_errors([&] { return to_wire_usec(manager_.jail(name_).config->settings.findtime); });
}
uint64_t JailObject::BanTimeUSec() {
    return with_bus_errors([&] { return to_wire_usec(manager_.jail(name_).config->settings.ban.bantime); });
}

std::vector<std::string> JailObject::IgnoreList() {
    return with_bus_errors([&] {
        std::vector<std::string> out;
        for (const Cidr& c : manager_.ignore_list(name_)) out.push_back(c.to_string());
        return out;
    });
}

uint32_t JailObject::TrackedAddresses() { return with_bus_errors([&] { return manager_.jail(name_).tracked; }); }
uint32_t JailObject::ActiveBans() { return with_bus_errors([&] { return manager_.jail(name_).active_bans; }); }
uint64_t JailObject::TotalFailures() { return with_bus_errors([&] { return manager_.jail(name_).total_failures; }); }
uint64_t JailObject::TotalBans() { return with_bus_errors([&] { return manager_.jail(name_).total_bans; }); }

}  // namespace banjo
