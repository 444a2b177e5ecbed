// SPDX-License-Identifier: GPL-2.0-or-later
// Hands bans and unbans to the actions of their jail ([action.NAME], a jail's `actions`), off
// the ban path: the ban is in the firewall before its actions start (Backend::when_applied), at
// most action-concurrency runs go at once and at most action-queue wait (core/action_queue.hpp);
// what overflows is coalesced or dropped, said in the journal (rate-limited) and counted in the
// metrics. Nothing an action does (fail, hang, crash) reaches the ban: it only shows as a
// journal entry and a counter. One thread: the loop's.
#pragma once

#include "config/config.hpp"
#include "core/action_queue.hpp"
#include "core/ban_table.hpp"
#include "core/log_rate_limit.hpp"
#include "daemon/action_runner.hpp"
#include "daemon/clock.hpp"
#include "firewall/backend.hpp"
#include "lib/sd/event.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace banjo {

struct ActionCounters {
    std::uint64_t started = 0;
    std::uint64_t succeeded = 0;
    std::uint64_t failed = 0;
    std::uint64_t coalesced = 0;
    std::uint64_t dropped = 0;
    std::uint64_t retries = 0;
    std::uint64_t running = 0;
    std::uint64_t waiting = 0;
};

class ActionDispatcher {
public:
    ActionDispatcher(sd::Event& loop, Backend& backend, const Clock& clock);

    // The actions, the jails' lists and the limits of `config` apply from now on (start, reload);
    // runs already waiting or running go on with the action as it was.
    void configure(const Config& config);
    void set_host_addresses(CidrSet self) { runner_.set_host_addresses(std::move(self)); }

    void banned(const Ban& ban);
    void unbanned(const Ban& ban, UnbanReason reason);

    ActionCounters counters() const;
    // Prometheus text: banjo_action_runs_total{outcome=...}, banjo_action_queue{state=...}.
    std::string metrics_text() const;

private:
    void offer(const std::string& jail, ActionTrigger trigger, const ActionEvent& event);
    void request_release();
    void pump();
    void report_overflow(const std::string& action, const ActionEvent& event, const char* what);
    void finished(const std::string& action, const ActionEvent& event, const ActionOutcome& outcome);

    sd::Event& loop_;
    Backend& backend_;
    const Clock& clock_;
    ActionRunner runner_;
    ActionQueue queue_;
    std::map<std::string, ActionSpec, std::less<>> actions_;
    std::map<std::string, std::vector<std::string>, std::less<>> jail_actions_;
    bool release_pending_ = false;   // a when_applied() is out
    bool release_again_ = false;     // runs were offered after it went out
    sd::EventSource pump_timer_;
    LogRateLimit overflow_log_{5, std::chrono::seconds(10)};
    LogRateLimit failure_log_{20, std::chrono::seconds(10)};
    ActionCounters counts_;
};

}  // namespace banjo
