// SPDX-License-Identifier: GPL-2.0-or-later
#include "metrics/daemon_metrics.hpp"

#include "manager_harness.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace banjo::test;

TEST_CASE("the metrics show each jail's matches, failures, bans, unbans by reason and the journal's lag") {
    ManagerHarness h("[defaults]\nmaxretry = 2\n[jail.sshd]\nfilter = \"demo\"\n[jail.web]\nfilter = \"demo\"\nenabled = false\n");
    h.attack("sshd", "198.51.100.7");
    h.manager->ban("sshd", "198.51.100.8", 1min);
    h.manager->unban("sshd", "198.51.100.7");
    h.clock.advance(90s);
    h.manager->expire_due();

    LatencyHistogram latency;
    const MetricsSnapshot m = metrics_snapshot(*h.manager, latency);
    CHECK(m.backend == "recording");
    CHECK(m.backend_state == "ready");
    CHECK(m.entries_processed == 1);
    CHECK(m.journal_lag_seconds == doctest::Approx(90.0));
    REQUIRE(m.jails.size() == 2);
    const JailMetrics& sshd = m.jails[0];
    CHECK(sshd.name == "sshd");
    CHECK(sshd.enabled);
    CHECK(sshd.matches == 2);
    CHECK(sshd.failures == 2);
    CHECK(sshd.bans == 2);
    CHECK(sshd.unbans.at("manual") == 1);
    CHECK(sshd.unbans.at("expired") == 1);
    CHECK(sshd.active_bans == 0);
    CHECK_FALSE(m.jails[1].enabled);
    CHECK(render_daemon_metrics(*h.manager, latency).find("banjo_unbans_total{jail=\"sshd\",reason=\"manual\"} 1") !=
          std::string::npos);
}

TEST_CASE("the metrics show the state's health, its failed writes and what is held in memory") {
    ManagerHarness h("[jail.sshd]\nfilter = \"demo\"\n");
    h.disk->full = true;
    h.attack("sshd", "198.51.100.7");
    LatencyHistogram latency;
    MetricsSnapshot m = metrics_snapshot(*h.manager, latency);
    CHECK(m.state_health == "degraded");
    CHECK(m.state_write_failures == 1);
    CHECK(m.state_held_changes == 4);   // the ban, its offence, its line in the ban log, the cursor
    const std::string page = render_daemon_metrics(*h.manager, latency);
    CHECK(page.find("banjo_state_health{state=\"degraded\"} 1\n") != std::string::npos);
    CHECK(page.find("banjo_state_health{state=\"ok\"} 0\n") != std::string::npos);
    CHECK(page.find("banjo_state_write_failures_total 1\n") != std::string::npos);

    h.disk->full = false;
    h.clock.advance(1s);
    h.manager->retry_state();
    m = metrics_snapshot(*h.manager, latency);
    CHECK(m.state_health == "ok");
    CHECK(m.state_held_changes == 0);
}
