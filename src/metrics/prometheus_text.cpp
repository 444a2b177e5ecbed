// SPDX-License-Identifier: GPL-2.0-or-later
#include "metrics/prometheus_text.hpp"

#include <array>

#include "core/special_address.hpp"

#include <charconv>

namespace banjo {

namespace {

// Label values are escaped as the format says: backslash, double quote and newline.
std::string label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

// The shortest text that reads back as the same double ("0.005", not "0.0050000000000000001").
std::string number(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

void header(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void LatencyHistogram::observe(std::chrono::microseconds d) noexcept {
    const double seconds = static_cast<double>(d.count()) / 1e6;
    std::size_t i = 0;
    while (i < bounds_seconds.size() && seconds > bounds_seconds[i]) ++i;
    ++counts_[i];
    ++count_;
    sum_seconds_ += seconds;
}

std::string render_prometheus_text(const MetricsSnapshot& m) {
    std::string out;
    header(out, "banjo_info", "gauge", "banjod's version.");
    out += "banjo_info{version=\"" + label(m.version) + "\"} 1\n";
    header(out, "banjo_journal_entries_processed_total", "counter", "Journal entries read since start.");
    out += "banjo_journal_entries_processed_total " + std::to_string(m.entries_processed) + "\n";
    header(out, "banjo_log_lines_read_total", "counter", "Lines read from the jails' log files since start.");
    out += "banjo_log_lines_read_total " + std::to_string(m.log_lines_read) + "\n";
    header(out, "banjo_log_lines_without_time_total", "counter",
           "Log file lines without a readable time stamp, timed by when they were read.");
    out += "banjo_log_lines_without_time_total " + std::to_string(m.log_lines_without_time) + "\n";
    header(out, "banjo_log_lines_cut_total", "counter", "Log file lines longer than 64 KiB, cut to that length.");
    out += "banjo_log_lines_cut_total " + std::to_string(m.log_lines_cut) + "\n";
    header(out, "banjo_journal_lag_seconds", "gauge", "Wall clock minus the timestamp of the last journal entry read.");
    out += "banjo_journal_lag_seconds " + number(m.journal_lag_seconds) + "\n";

    header(out, "banjo_jail_enabled", "gauge", "1 when the jail reads the journal and bans.");
    for (const auto& j : m.jails)
        out += "banjo_jail_enabled{jail=\"" + label(j.name) + "\"} " + (j.enabled ? "1" : "0") + "\n";
    header(out, "banjo_matches_total", "counter", "Journal entries a jail's filter matched.");
    for (const auto& j : m.jails)
        out += "banjo_matches_total{jail=\"" + label(j.name) + "\",filter=\"" + label(j.filter) + "\"} " +
               std::to_string(j.matches) + "\n";
    header(out, "banjo_failures_total", "counter", "Failures counted against an address.");
    for (const auto& j : m.jails)
        out += "banjo_failures_total{jail=\"" + label(j.name) + "\",filter=\"" + label(j.filter) + "\"} " +
               std::to_string(j.failures) + "\n";
    header(out, "banjo_refused_failures_total", "counter",
           "Failures not counted because they named an address banjo never bans, by its kind.");
    for (const auto& j : m.jails)
        for (SpecialAddress kind : all_special_addresses) {
            const std::string k(to_string(kind));
            auto it = j.refused.find(k);
            out += "banjo_refused_failures_total{jail=\"" + label(j.name) + "\",kind=\"" + k + "\"} " +
                   std::to_string(it == j.refused.end() ? 0 : it->second) + "\n";
        }
    header(out, "banjo_bans_total", "counter", "Bans made since start.");
    for (const auto& j : m.jails) out += "banjo_bans_total{jail=\"" + label(j.name) + "\"} " + std::to_string(j.bans) + "\n";
    header(out, "banjo_unbans_total", "counter", "Bans ended since start, by reason.");
    for (const auto& j : m.jails)
        for (const char* reason : {"expired", "manual", "flushed"}) {
            auto it = j.unbans.find(reason);
            out += "banjo_unbans_total{jail=\"" + label(j.name) + "\",reason=\"" + reason + "\"} " +
                   std::to_string(it == j.unbans.end() ? 0 : it->second) + "\n";
        }
    header(out, "banjo_active_bans", "gauge", "Bans in force now.");
    for (const auto& j : m.jails)
        out += "banjo_active_bans{jail=\"" + label(j.name) + "\"} " + std::to_string(j.active_bans) + "\n";
    header(out, "banjo_tracked_addresses", "gauge", "Addresses with failures inside findtime.");
    for (const auto& j : m.jails)
        out += "banjo_tracked_addresses{jail=\"" + label(j.name) + "\"} " + std::to_string(j.tracked_addresses) + "\n";

    if (!m.blocklists.empty()) {
        auto each = [&](const char* name, const char* type, const char* help, auto value) {
            header(out, name, type, help);
            for (const auto& b : m.blocklists)
                out += std::string(name) + "{list=\"" + label(b.name) + "\"} " + std::to_string(value(b)) + "\n";
        };
        each("banjo_blocklist_entries", "gauge", "Networks of the blocklist in force.", [](const BlocklistMetrics& b) { return b.entries; });
        each("banjo_blocklist_readings_total", "counter", "Readings of the blocklist's file or URL since start.",
             [](const BlocklistMetrics& b) { return b.readings; });
        each("banjo_blocklist_added_total", "counter", "Networks added to the blocklist's sets since start.",
             [](const BlocklistMetrics& b) { return b.added; });
        each("banjo_blocklist_removed_total", "counter", "Networks removed from the blocklist's sets since start.",
             [](const BlocklistMetrics& b) { return b.removed; });
        each("banjo_blocklist_malformed_lines_total", "counter", "Malformed lines skipped in the blocklist's readings.",
             [](const BlocklistMetrics& b) { return b.malformed_lines; });
        header(out, "banjo_blocklist_rejected_readings_total", "counter",
               "Readings that changed nothing, by why: refused (malformed), held (would remove more than half), unreadable.");
        for (const auto& b : m.blocklists)
            for (const auto& [why, n] : std::array<std::pair<const char*, std::uint64_t>, 3>{
                     {{"refused", b.refused}, {"held", b.held}, {"unreadable", b.unreadable}}})
                out += "banjo_blocklist_rejected_readings_total{list=\"" + label(b.name) + "\",reason=\"" + why + "\"} " +
                       std::to_string(n) + "\n";
    }

    header(out, "banjo_backend_state", "gauge", "1 for the firewall backend's current state.");
    for (const char* state : {"ready", "unavailable", "degraded"})
        out += "banjo_backend_state{backend=\"" + label(m.backend) + "\",state=\"" + state + "\"} " +
               (m.backend_state == state ? "1" : "0") + "\n";

    header(out, "banjo_state_health", "gauge", "1 for the health of the saved state (bans, history, cursor).");
    for (const char* health : {"ok", "degraded", "memory-only"})
        out += std::string("banjo_state_health{state=\"") + health + "\"} " + (m.state_health == health ? "1" : "0") + "\n";
    header(out, "banjo_state_write_failures_total", "counter", "Writes of the state that failed (each retry counts).");
    out += "banjo_state_write_failures_total " + std::to_string(m.state_write_failures) + "\n";
    header(out, "banjo_state_held_changes", "gauge", "Changes of the state held in memory, not yet written.");
    out += "banjo_state_held_changes " + std::to_string(m.state_held_changes) + "\n";

    if (m.fleet) {
        const FleetStatus& f = *m.fleet;
        header(out, "banjo_fleet_connected", "gauge", "1 while connected and authenticated to the fleet's Redis.");
        out += std::string("banjo_fleet_connected ") + (f.connected ? "1" : "0") + "\n";
        header(out, "banjo_fleet_published_total", "counter", "Decisions of this host appended to its fleet stream.");
        out += "banjo_fleet_published_total " + std::to_string(f.published) + "\n";
        header(out, "banjo_fleet_received_total", "counter", "Entries read from the peers' streams.");
        out += "banjo_fleet_received_total " + std::to_string(f.received) + "\n";
        header(out, "banjo_fleet_refused_total", "counter", "Entries of peers refused (unknown or forged origin, over the rate, malformed).");
        out += "banjo_fleet_refused_total " + std::to_string(f.refused) + "\n";
        header(out, "banjo_fleet_dropped_total", "counter", "Decisions of this host never shared (backlog full, or refused by Redis).");
        out += "banjo_fleet_dropped_total " + std::to_string(f.dropped) + "\n";
        header(out, "banjo_fleet_failures_shared_total", "counter", "Failures counted in the fleet's shared windows.");
        out += "banjo_fleet_failures_shared_total " + std::to_string(f.failures_shared) + "\n";
        header(out, "banjo_fleet_backlog", "gauge", "Decisions of this host waiting for Redis.");
        out += "banjo_fleet_backlog " + std::to_string(f.backlog) + "\n";
        header(out, "banjo_fleet_lag_seconds", "gauge", "For the last peer decision applied: applied minus made.");
        out += "banjo_fleet_lag_seconds " + number(std::chrono::duration<double>(f.lag).count()) + "\n";
        header(out, "banjo_fleet_active_bans", "gauge", "Bans in force here that a peer decided, by origin host.");
        for (const auto& [host, n] : m.fleet_active_bans)
            out += "banjo_fleet_active_bans{origin=\"" + label(host) + "\"} " + std::to_string(n) + "\n";
    }

    if (m.apply_latency) {
        header(out, "banjo_backend_apply_seconds", "histogram", "Duration of the firewall calls that apply bans.");
        std::uint64_t cumulative = 0;
        const auto& counts = m.apply_latency->counts();
        for (std::size_t i = 0; i < LatencyHistogram::bounds_seconds.size(); ++i) {
            cumulative += counts[i];
            out += "banjo_backend_apply_seconds_bucket{le=\"" + number(LatencyHistogram::bounds_seconds[i]) + "\"} " +
                   std::to_string(cumulative) + "\n";
        }
        out += "banjo_backend_apply_seconds_bucket{le=\"+Inf\"} " + std::to_string(m.apply_latency->count()) + "\n";
        out += "banjo_backend_apply_seconds_sum " + number(m.apply_latency->sum_seconds()) + "\n";
        out += "banjo_backend_apply_seconds_count " + std::to_string(m.apply_latency->count()) + "\n";
    }
    return out;
}

}  // namespace banjo
