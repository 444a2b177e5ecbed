// SPDX-License-Identifier: GPL-2.0-or-later
// The page banjod serves at /metrics: the Manager's figures (journal, jails, bans, backend) and
// the firewall calls' latencies, gathered into a MetricsSnapshot and rendered as Prometheus
// text. Reads the Manager, never changes it.
#pragma once

#include "daemon/manager.hpp"
#include "metrics/prometheus_text.hpp"

#include <string>

namespace banjo {

MetricsSnapshot metrics_snapshot(const Manager& manager, const LatencyHistogram& apply_latency);
std::string render_daemon_metrics(const Manager& manager, const LatencyHistogram& apply_latency);

}  // namespace banjo
