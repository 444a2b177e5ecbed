// SPDX-License-Identifier: GPL-2.0-or-later
// Tells the journal about failures that named an address banjo never bans (0.0.0.0, a
// multicast group...: a forged or misread log line). The jails keep them in a short queue on
// the hot path; this writes them after each chunk of journal, at most 10 a minute, so a flood
// of such lines cannot flood the journal: the next message written says how many were not.
// The metric banjo_refused_failures_total counts every one.
#pragma once

#include "core/log_rate_limit.hpp"
#include "daemon/jail_set.hpp"

namespace banjo {

class RefusalReport {
public:
    void report(JailSet& jails, Usec now);
    // Empties the queues unwritten: the warm-up after a restart reads again entries whose
    // refusals the last run already wrote.
    static void discard(JailSet& jails);

private:
    LogRateLimit limit_{10, std::chrono::duration_cast<Usec>(std::chrono::minutes(1))};
};

}  // namespace banjo
