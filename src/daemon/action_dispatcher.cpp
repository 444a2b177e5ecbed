// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/action_dispatcher.hpp"

#include "lib/sd/log.hpp"
#include "text/printable.hpp"

#include <syslog.h>

#include <utility>

namespace banjo {

namespace {

ActionEvent event_of(const Ban& ban, ActionTrigger trigger) {
    ActionEvent e;
    e.trigger = trigger;
    e.jail = ban.jail;
    e.address = ban.address;
    e.failures = ban.failures;
    e.banned = ban.banned;
    e.expires = ban.expires;
    e.origin = std::string(to_string(ban.origin));
    if (ban.lines) {
        // An attacker's bytes: made printable once (no control characters, valid UTF-8) before
        // they reach a program, a mail or a JSON document.
        auto lines = std::make_shared<std::vector<std::string>>();
        for (const auto& line : *ban.lines) lines->push_back(printable(line));
        e.lines = std::move(lines);
    }
    return e;
}

}  // namespace

ActionDispatcher::ActionDispatcher(sd::Event& loop, Backend& backend, const Clock& clock)
    : loop_(loop),
      backend_(backend),
      clock_(clock),
      runner_(loop),
      queue_(default_action_concurrency, default_action_queue) {
    pump_timer_ = loop_.add_timer([this] { pump(); });
}

void ActionDispatcher::configure(const Config& config) {
    actions_.clear();
    for (const auto& a : config.actions) actions_.emplace(a.name, a);
    jail_actions_.clear();
    for (const auto& j : config.jails)
        if (!j.settings.actions.empty()) jail_actions_.emplace(j.settings.name, j.settings.actions);
    queue_.set_limits(config.action_concurrency, config.action_queue);
}

void ActionDispatcher::banned(const Ban& ban) {
    auto it = jail_actions_.find(ban.jail);
    if (it == jail_actions_.end()) return;
    offer(ban.jail, ActionTrigger::ban, event_of(ban, ActionTrigger::ban));
}

void ActionDispatcher::unbanned(const Ban& ban, UnbanReason reason) {
    auto it = jail_actions_.find(ban.jail);
    if (it == jail_actions_.end()) return;
    ActionEvent e = event_of(ban, ActionTrigger::unban);
    e.reason = std::string(to_string(reason));
    offer(ban.jail, ActionTrigger::unban, e);
}

void ActionDispatcher::offer(const std::string& jail, ActionTrigger trigger, const ActionEvent& event) {
    bool offered = false;
    for (const auto& name : jail_actions_.find(jail)->second) {
        auto spec = actions_.find(name);
        if (spec == actions_.end()) continue;
        if (trigger == ActionTrigger::ban ? !spec->second.on_ban : !spec->second.on_unban) continue;
        switch (queue_.offer(ActionRun{name, event, 0})) {
        case ActionQueue::Offer::queued: offered = true; break;
        case ActionQueue::Offer::coalesced:
            offered = true;
            ++counts_.coalesced;
            break;
        case ActionQueue::Offer::dropped:
            ++counts_.dropped;
            report_overflow(name, event, "dropped (action-queue is full)");
            break;
        }
    }
    if (offered) request_release();
}

// One when_applied() at a time, however many bans come: when it answers, every run offered
// before it went out may start, and another goes out for those offered since.
void ActionDispatcher::request_release() {
    if (release_pending_) {
        release_again_ = true;
        return;
    }
    release_pending_ = true;
    const std::uint64_t up_to = queue_.next_sequence() - 1;
    backend_.when_applied([this, up_to] {
        release_pending_ = false;
        queue_.release(up_to);
        if (release_again_) {
            release_again_ = false;
            request_release();
        }
        if (!pump_timer_.armed()) pump_timer_.arm_in(std::chrono::microseconds(0));
    });
}

void ActionDispatcher::pump() {
    while (auto run = queue_.start_next()) {
        auto spec = actions_.find(run->action);
        if (spec == actions_.end()) {   // removed by a reload while it waited
            queue_.finished();
            continue;
        }
        ++counts_.started;
        runner_.run(spec->second, run->event, [this, action = run->action, event = run->event](const ActionOutcome& o) {
            queue_.finished();
            finished(action, event, o);
            if (!pump_timer_.armed()) pump_timer_.arm_in(std::chrono::microseconds(0));
        });
    }
}

void ActionDispatcher::report_overflow(const std::string& action, const ActionEvent& event, const char* what) {
    std::uint64_t held_back = 0;
    if (!overflow_log_.allow(clock_.now(), held_back)) return;
    sd::log(LOG_WARNING,
            "Action " + action + " for " + event.address.to_string() + " in jail " + event.jail + " " + what + "; " +
                std::to_string(counts_.dropped) + " runs dropped since start" +
                (held_back ? " (" + std::to_string(held_back) + " more not logged)" : ""),
            {{"MESSAGE_ID", sd::message_id::action_dropped},
             {"BANJO_ACTION", action},
             {"BANJO_JAIL", event.jail},
             {"BANJO_ADDRESS", event.address.to_string()},
             {"BANJO_ACTIONS_DROPPED", std::to_string(counts_.dropped)}});
}

void ActionDispatcher::finished(const std::string& action, const ActionEvent& event, const ActionOutcome& o) {
    const std::string attempts = o.attempts > 1 ? " after " + std::to_string(o.attempts) + " attempts" : "";
    if (o.ok) {
        ++counts_.succeeded;
        sd::log(LOG_DEBUG, "Action " + action + " for " + event.address.to_string() + " in jail " + event.jail + " done" + attempts,
                {{"BANJO_ACTION", action}, {"BANJO_JAIL", event.jail}, {"BANJO_ADDRESS", event.address.to_string()}});
        return;
    }
    ++counts_.failed;
    std::uint64_t held_back = 0;
    if (!failure_log_.allow(clock_.now(), held_back)) return;
    sd::log(LOG_WARNING,
            "Action " + action + " for " + event.address.to_string() + " in jail " + event.jail + " failed" + attempts +
                ": " + printable(o.detail, 300) + " (the ban stands)" +
                (held_back ? " (" + std::to_string(held_back) + " more failures not logged)" : ""),
            {{"MESSAGE_ID", sd::message_id::action_failed},
             {"BANJO_ACTION", action},
             {"BANJO_JAIL", event.jail},
             {"BANJO_ADDRESS", event.address.to_string()},
             {"BANJO_EVENT", std::string(to_string(event.trigger))}});
}

ActionCounters ActionDispatcher::counters() const {
    ActionCounters c = counts_;
    c.retries = runner_.retries();
    c.running = queue_.running();
    c.waiting = queue_.waiting();
    return c;
}

std::string ActionDispatcher::metrics_text() const {
    const ActionCounters c = counters();
    std::string out;
    out += "# HELP banjo_action_runs_total Runs of [action.NAME]s by outcome: started, succeeded, failed, coalesced "
           "(merged into a waiting run), dropped (action-queue full).\n";
    out += "# TYPE banjo_action_runs_total counter\n";
    using Row = std::pair<const char*, std::uint64_t>;
    for (auto [name, value] : {Row{"started", c.started}, Row{"succeeded", c.succeeded}, Row{"failed", c.failed},
                               Row{"coalesced", c.coalesced}, Row{"dropped", c.dropped}})
        out += "banjo_action_runs_total{outcome=\"" + std::string(name) + "\"} " + std::to_string(value) + "\n";
    out += "# HELP banjo_action_retries_total HTTP attempts of webhook and abuseipdb actions repeated after a failure.\n";
    out += "# TYPE banjo_action_retries_total counter\n";
    out += "banjo_action_retries_total " + std::to_string(c.retries) + "\n";
    out += "# HELP banjo_action_queue Runs of actions running now and waiting for their turn.\n";
    out += "# TYPE banjo_action_queue gauge\n";
    out += "banjo_action_queue{state=\"running\"} " + std::to_string(c.running) + "\n";
    out += "banjo_action_queue{state=\"waiting\"} " + std::to_string(c.waiting) + "\n";
    return out;
}

}  // namespace banjo
