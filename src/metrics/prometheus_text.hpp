// SPDX-License-Identifier: GPL-2.0-or-later
// banjod's figures in the Prometheus text exposition format (version 0.0.4): a snapshot in,
// the page a scraper GETs from /metrics out. Pure formatting, no I/O.
#pragma once

#include "fleet/fleet_status.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace banjo {

// Durations of firewall calls, in fixed buckets (seconds: 1 ms .. 30 s, then +Inf).
class LatencyHistogram {
public:
    static constexpr std::array<double, 10> bounds_seconds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5, 30};
    void observe(std::chrono::microseconds d) noexcept;
    const std::array<std::uint64_t, bounds_seconds.size() + 1>& counts() const noexcept { return counts_; }
    std::uint64_t count() const noexcept { return count_; }
    double sum_seconds() const noexcept { return sum_seconds_; }

private:
    std::array<std::uint64_t, bounds_seconds.size() + 1> counts_{};   // per bucket, not cumulative
    std::uint64_t count_ = 0;
    double sum_seconds_ = 0;
};

struct JailMetrics {
    std::string name;
    std::string filter;
    bool enabled = false;
    std::uint64_t matches = 0;
    std::uint64_t failures = 0;
    std::uint64_t bans = 0;
    std::map<std::string, std::uint64_t> unbans;   // by reason: expired, manual, flushed
    std::uint64_t active_bans = 0;
    std::uint64_t tracked_addresses = 0;
    // Failures not counted because they named an address banjo never bans, by its kind
    // ("unspecified", "multicast"...: core/special_address.hpp). Kinds absent here print as 0.
    std::map<std::string, std::uint64_t> refused;
};

struct BlocklistMetrics {
    std::string name;
    std::uint64_t entries = 0;   // networks in force
    std::uint64_t readings = 0, added = 0, removed = 0, malformed_lines = 0;
    std::uint64_t refused = 0, held = 0, unreadable = 0;   // readings that changed nothing, by why
};

struct MetricsSnapshot {
    std::string version;
    std::uint64_t entries_processed = 0;
    std::uint64_t log_lines_read = 0;           // from the jails' log files
    std::uint64_t log_lines_without_time = 0;   // of those, timed by when they were read
    std::uint64_t log_lines_cut = 0;            // longer than 64 KiB
    double journal_lag_seconds = 0;   // wall clock now minus the last entry's timestamp
    std::string backend;
    std::string backend_state;        // ready, unavailable, degraded
    std::string state_health;         // ok, degraded, memory-only
    std::uint64_t state_write_failures = 0;
    std::uint64_t state_held_changes = 0;
    std::vector<JailMetrics> jails;
    std::vector<BlocklistMetrics> blocklists;
    const LatencyHistogram* apply_latency = nullptr;
    const FleetStatus* fleet = nullptr;                     // nullptr: no [fleet]
    std::map<std::string, std::uint64_t> fleet_active_bans;   // per origin host: its bans in force here
};

std::string render_prometheus_text(const MetricsSnapshot& m);

}  // namespace banjo
