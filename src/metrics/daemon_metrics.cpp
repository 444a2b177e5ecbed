// SPDX-License-Identifier: GPL-2.0-or-later
#include "metrics/daemon_metrics.hpp"

#include "core/special_address.hpp"

namespace banjo {

MetricsSnapshot metrics_snapshot(const Manager& manager, const LatencyHistogram& apply_latency) {
    MetricsSnapshot m;
    m.version = BANJO_VERSION;
    const JournalProgress& journal = manager.journal();
    m.entries_processed = journal.entries;
    m.log_lines_read = manager.files().lines;
    m.log_lines_without_time = manager.files().lines_without_time;
    m.log_lines_cut = manager.files().long_lines;
    if (journal.last_entry > Usec(0))
        m.journal_lag_seconds = std::chrono::duration<double>(manager.clock().now() - journal.last_entry).count();
    m.backend = std::string(manager.backend().name());
    m.backend_state = std::string(to_string(manager.backend().state()));
    const StateWriter& state = manager.state();
    m.state_health = std::string(to_string(state.health()));
    m.state_write_failures = state.write_failures();
    m.state_held_changes = state.held_changes();
    const BanService& bans = manager.ban_service();
    m.fleet = manager.fleet_status();
    if (m.fleet) {
        for (const auto& peer : manager.config().fleet.peers) m.fleet_active_bans[peer] = 0;
        for (const Ban& b : bans.table().list())
            if (b.origin == BanOrigin::fleet) ++m.fleet_active_bans[b.origin_host];
    }
    for (const auto& j : manager.config().jails) {
        JailMetrics jm;
        jm.name = j.settings.name;
        jm.filter = j.settings.filter;
        jm.enabled = j.settings.enabled;
        jm.active_bans = bans.table().count(jm.name);
        if (auto it = bans.counts().find(jm.name); it != bans.counts().end()) {
            jm.bans = it->second.bans;
            for (const auto& [reason, n] : it->second.unbans) jm.unbans[std::string(to_string(reason))] = n;
        }
        if (const JailPipeline* p = manager.jail_set().find(jm.name)) {
            jm.matches = p->counters().matches;
            jm.failures = p->counters().failures;
            jm.tracked_addresses = p->jail().tracked_addresses();
            for (SpecialAddress kind : all_special_addresses)
                jm.refused[std::string(to_string(kind))] = p->counters().refused[static_cast<std::size_t>(kind)];
        }
        m.jails.push_back(std::move(jm));
    }
    for (const BlocklistStatus& s : manager.blocklists().status())
        m.blocklists.push_back({s.name, s.entries, s.readings, s.added, s.removed, s.malformed_lines, s.refused, s.held,
                                s.unreadable});
    m.apply_latency = &apply_latency;
    return m;
}

std::string render_daemon_metrics(const Manager& manager, const LatencyHistogram& apply_latency) {
    return render_prometheus_text(metrics_snapshot(manager, apply_latency));
}

}  // namespace banjo
