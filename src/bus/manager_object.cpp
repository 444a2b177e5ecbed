// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus/manager_object.hpp"

#include "bus/bus_errors.hpp"
#include "daemon/manager.hpp"

namespace banjo {

namespace {

constexpr const char* manager_interface = "org.banjo1.Manager";

}  // namespace

std::string jail_object_path(const std::string& jail) {
    // sd_bus_path_encode's escaping: [A-Za-z0-9] stay, everything else becomes _XX (hex).
    static const char hex[] = "0123456789abcdef";
    std::string out = std::string(manager_path) + "/jail/";
    if (jail.empty()) return out + "_";
    for (unsigned char c : jail) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            out += static_cast<char>(c);
        } else {
            out += '_';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

ManagerObject::ManagerObject(sdbus::IConnection& bus, Manager& manager, Authorizer& authorizer)
    : AdaptorInterfaces(bus, manager_path), manager_(manager), authorizer_(authorizer) {
    registerAdaptor();
    // Lets clients (Cockpit's proxies(), busctl tree) find the jail objects and follow them.
    getObject().addObjectManager();
}

ManagerObject::~ManagerObject() { unregisterAdaptor(); }

void ManagerObject::announce_banned(const banjo::Ban& ban) {
    emitBanned(ban.jail, ban.address.to_string(), to_wire_usec(ban.expires), ban.failures);
}

void ManagerObject::announce_unbanned(const banjo::Ban& ban, UnbanReason reason) {
    emitUnbanned(ban.jail, ban.address.to_string(), std::string(to_string(reason)));
}

void ManagerObject::announce_jails_changed() { emitJailsChanged(); }

void ManagerObject::properties_changed(const std::vector<std::string>& names) {
    getObject().emitPropertiesChangedSignal(manager_interface, names);
}

std::vector<sdbus::Struct<std::string, sdbus::ObjectPath, bool, uint32_t, uint32_t, uint64_t>> ManagerObject::ListJails() {
    return with_bus_errors([&] {
        std::vector<sdbus::Struct<std::string, sdbus::ObjectPath, bool, uint32_t, uint32_t, uint64_t>> out;
        for (const JailSummary& j : manager_.jails())
            out.emplace_back(j.name, sdbus::ObjectPath(jail_object_path(j.name)), j.enabled, j.tracked, j.active_bans,
                             j.total_bans);
        return out;
    });
}

sdbus::ObjectPath ManagerObject::GetJail(const std::string& name) {
    return with_bus_errors([&] { return sdbus::ObjectPath(jail_object_path(manager_.jail(name).name)); });
}

void ManagerObject::Ban(sdbus::Result<uint64_t>&& result, std::string jail, std::string address, uint64_t duration_usec) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result), [&m, jail, address, duration_usec] {
        return to_wire_usec(m.ban(jail, address, duration_usec == 0 ? Usec(0) : from_wire_usec(duration_usec)));
    });
}

void ManagerObject::Unban(sdbus::Result<uint32_t>&& result, std::string jail, std::string address) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result),
                   [&m, jail, address] { return m.unban(jail, address); });
}

void ManagerObject::UnbanAll(sdbus::Result<uint32_t>&& result, std::string jail) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_manage, std::move(result), [&m, jail] { return m.unban_all(jail); });
}

void ManagerObject::ListBanLines(
    sdbus::Result<std::vector<sdbus::Struct<std::string, std::string, std::vector<std::string>>>>&& result,
    std::string jail) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_read_lines, std::move(result), [&m, jail] {
        std::vector<sdbus::Struct<std::string, std::string, std::vector<std::string>>> out;
        for (const banjo::Ban& b : m.bans_with_lines(jail))
            out.emplace_back(b.jail, b.address.to_string(), b.lines ? *b.lines : std::vector<std::string>{});
        return out;
    });
}

void ManagerObject::WhyLines(
    sdbus::Result<std::vector<sdbus::Struct<std::string, std::string, std::string, std::vector<std::string>>>>&& result,
    std::string address) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_read_lines, std::move(result), [&m, address] {
        const Manager::WhyLines found = m.why_lines(address);
        std::vector<sdbus::Struct<std::string, std::string, std::string, std::vector<std::string>>> out;
        for (const auto& f : found.failures) out.emplace_back(f.jail, "failures", f.counted.to_string(), f.lines);
        for (const banjo::Ban& b : found.bans)
            out.emplace_back(b.jail, "ban", b.address.to_string(), b.lines ? *b.lines : std::vector<std::string>{});
        return out;
    });
}

// Open to every caller, as ListBans and ListBanHistory are: it shows no log line.
std::tuple<std::vector<sdbus::Struct<std::string, bool, std::string, uint32_t, uint32_t, std::vector<uint64_t>>>,
           std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>>,
           std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>>>
ManagerObject::Why(const std::string& address) {
    return with_bus_errors([&] {
        const Manager::Explanation e = manager_.why(address);
        std::vector<sdbus::Struct<std::string, bool, std::string, uint32_t, uint32_t, std::vector<uint64_t>>> jails;
        for (const auto& v : e.jails) {
            std::vector<uint64_t> times;
            for (Usec t : v.failure_times) times.push_back(to_wire_usec(t));
            jails.emplace_back(v.jail, v.enabled, v.ignored_by ? v.ignored_by->to_string() : std::string(), v.previous_bans,
                               v.maxretry, std::move(times));
        }
        std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>> active, past;
        for (const banjo::Ban& b : e.active)
            active.emplace_back(b.jail, b.address.to_string(), to_wire_usec(b.banned), to_wire_usec(b.expires), b.failures,
                                origin_text(b.origin, b.origin_host));
        for (const StoredBan& b : e.past)
            past.emplace_back(b.jail, b.address.to_string(), to_wire_usec(b.banned_at), to_wire_usec(b.expires_at),
                              b.failures, origin_text(b.origin, b.origin_host));
        return std::make_tuple(std::move(jails), std::move(active), std::move(past));
    });
}

std::vector<sdbus::Struct<std::string, std::string, std::string>> ManagerObject::IgnoreHits(const std::string& address) {
    return with_bus_errors([&] {
        std::vector<sdbus::Struct<std::string, std::string, std::string>> out;
        for (const auto& v : manager_.why(address).jails)
            if (v.ignored_by) out.emplace_back(v.jail, v.ignored_by->to_string(), v.ignore_source);
        return out;
    });
}

std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>> ManagerObject::ListBans(
    const std::string& jail) {
    return with_bus_errors([&] {
        std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>> out;
        for (const banjo::Ban& b : manager_.bans(jail))
            out.emplace_back(b.jail, b.address.to_string(), to_wire_usec(b.banned), to_wire_usec(b.expires), b.failures,
                             origin_text(b.origin, b.origin_host));
        return out;
    });
}

std::vector<sdbus::Struct<std::string, std::string, std::string, uint64_t, uint64_t, uint64_t, uint64_t, std::string>>
ManagerObject::ListBlocklists() {
    return with_bus_errors([&] {
        std::vector<sdbus::Struct<std::string, std::string, std::string, uint64_t, uint64_t, uint64_t, uint64_t, std::string>> out;
        for (const BlocklistStatus& s : manager_.blocklists().status())
            out.emplace_back(s.name, s.source, s.format, s.entries, s.updated.count() > 0 ? to_wire_usec(s.updated) : 0,
                             s.added, s.removed, s.result);
        return out;
    });
}

std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>>
ManagerObject::ListBanHistory(const uint64_t& since_usec) {
    return with_bus_errors([&] {
        std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>> out;
        for (const StoredBan& b : manager_.ban_history(from_wire_usec(since_usec)))
            out.emplace_back(b.jail, b.address.to_string(), to_wire_usec(b.banned_at), to_wire_usec(b.expires_at), b.failures,
                             origin_text(b.origin, b.origin_host));
        return out;
    });
}

// Open to every caller: the lines are the caller's own, and nothing changes.
std::vector<sdbus::Struct<std::string, std::string, std::string, std::string>> ManagerObject::TestFilter(
    const std::string& filter, const std::string& mode, const std::vector<std::string>& lines) {
    return with_bus_errors([&] {
        std::vector<sdbus::Struct<std::string, std::string, std::string, std::string>> out;
        for (LineVerdict& v : manager_.test_filter(filter, mode, lines))
            out.emplace_back(std::move(v.outcome), std::move(v.address), std::move(v.host), std::move(v.user));
        return out;
    });
}

void ManagerObject::Reload(sdbus::Result<>&& result) {
    Manager& m = manager_;
    run_authorized(authorizer_, getObject(), action_reload, std::move(result), [&m] { m.reload(); });
}

std::string ManagerObject::Version() { return BANJO_VERSION; }
std::string ManagerObject::Backend() { return std::string(manager_.backend().name()); }
std::string ManagerObject::BackendState() { return std::string(to_string(manager_.backend().state())); }
std::string ManagerObject::StateHealth() { return std::string(to_string(manager_.state().health())); }
std::string ManagerObject::JournalCursor() { return manager_.journal().cursor; }
uint64_t ManagerObject::EntriesProcessed() { return manager_.journal().entries; }
uint64_t ManagerObject::FailuresFound() { return manager_.failures_found(); }
uint32_t ManagerObject::ActiveBans() { return static_cast<uint32_t>(manager_.ban_service().table().size()); }
uint64_t ManagerObject::TotalBans() { return manager_.ban_service().total_bans(); }

std::string ManagerObject::FleetHost() { return manager_.config().fleet.enabled ? manager_.config().fleet.host_name : ""; }
bool ManagerObject::FleetConnected() {
    const FleetStatus* s = manager_.fleet_status();
    return s && s->connected;
}
std::string ManagerObject::FleetProblem() {
    const FleetStatus* s = manager_.fleet_status();
    return s ? s->problem : "";
}
uint64_t ManagerObject::FleetLagUSec() {
    const FleetStatus* s = manager_.fleet_status();
    return s ? to_wire_usec(s->lag) : 0;
}
std::vector<sdbus::Struct<std::string, std::string, uint64_t>> ManagerObject::FleetPeers() {
    std::vector<sdbus::Struct<std::string, std::string, uint64_t>> out;
    const FleetStatus* s = manager_.fleet_status();
    if (!s) return out;
    for (const auto& [host, id] : s->last_ids) {
        auto seen = s->peers_seen.find(host);
        out.emplace_back(host, id, seen == s->peers_seen.end() ? 0 : to_wire_usec(seen->second));
    }
    return out;
}
uint32_t ManagerObject::FleetBacklog() {
    const FleetStatus* s = manager_.fleet_status();
    return s ? static_cast<uint32_t>(s->backlog) : 0;
}

}  // namespace banjo
