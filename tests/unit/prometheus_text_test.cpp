// SPDX-License-Identifier: GPL-2.0-or-later
#include "metrics/prometheus_text.hpp"

#include <doctest/doctest.h>

using namespace banjo;

namespace {

MetricsSnapshot one_jail(const std::string& name) {
    MetricsSnapshot m;
    m.version = "1.0";
    m.backend = "firewalld";
    m.backend_state = "degraded";
    JailMetrics j;
    j.name = name;
    j.filter = "sshd";
    j.enabled = true;
    j.bans = 7;
    j.unbans["expired"] = 2;
    m.jails.push_back(j);
    return m;
}

}  // namespace

TEST_CASE("every figure a scraper reads appears with its TYPE line") {
    const std::string page = render_prometheus_text(one_jail("sshd"));
    CHECK(page.find("# TYPE banjo_bans_total counter\n") != std::string::npos);
    CHECK(page.find("banjo_bans_total{jail=\"sshd\"} 7\n") != std::string::npos);
    CHECK(page.find("banjo_unbans_total{jail=\"sshd\",reason=\"expired\"} 2\n") != std::string::npos);
    CHECK(page.find("banjo_unbans_total{jail=\"sshd\",reason=\"manual\"} 0\n") != std::string::npos);
    CHECK(page.find("banjo_backend_state{backend=\"firewalld\",state=\"degraded\"} 1\n") != std::string::npos);
    CHECK(page.find("banjo_backend_state{backend=\"firewalld\",state=\"ready\"} 0\n") != std::string::npos);
}

TEST_CASE("a label value with quotes, backslashes and newlines is escaped") {
    const std::string page = render_prometheus_text(one_jail("a\"b\\c\nd"));
    CHECK(page.find("jail=\"a\\\"b\\\\c\\nd\"") != std::string::npos);
}

TEST_CASE("histogram buckets are cumulative and end with +Inf equal to the count") {
    LatencyHistogram h;
    h.observe(std::chrono::microseconds(500));       // <= 1 ms
    h.observe(std::chrono::microseconds(3000));      // <= 5 ms
    h.observe(std::chrono::seconds(60));             // beyond the last bound
    MetricsSnapshot m = one_jail("sshd");
    m.apply_latency = &h;
    const std::string page = render_prometheus_text(m);
    CHECK(page.find("banjo_backend_apply_seconds_bucket{le=\"0.001\"} 1\n") != std::string::npos);
    CHECK(page.find("banjo_backend_apply_seconds_bucket{le=\"0.005\"} 2\n") != std::string::npos);
    CHECK(page.find("banjo_backend_apply_seconds_bucket{le=\"30\"} 2\n") != std::string::npos);
    CHECK(page.find("banjo_backend_apply_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
    CHECK(page.find("banjo_backend_apply_seconds_count 3\n") != std::string::npos);
}

TEST_CASE("refused failures are shown per jail and kind, kinds never seen as 0") {
    MetricsSnapshot m = one_jail("sshd");
    m.jails[0].refused["unspecified"] = 12;
    const std::string page = render_prometheus_text(m);
    CHECK(page.find("# TYPE banjo_refused_failures_total counter\n") != std::string::npos);
    CHECK(page.find("banjo_refused_failures_total{jail=\"sshd\",kind=\"unspecified\"} 12\n") != std::string::npos);
    CHECK(page.find("banjo_refused_failures_total{jail=\"sshd\",kind=\"multicast\"} 0\n") != std::string::npos);
}
