// SPDX-License-Identifier: GPL-2.0-or-later
// The Manager's life: start-up, the journal's ban decisions, expiry, housekeeping, reload.
// Its requests (ban, unban, enable, ignore lists) are in manager_requests.cpp.
#include "daemon/manager.hpp"

#include "daemon/restore_check.hpp"
#include "lib/sd/log.hpp"
#include "lib/sd/notify.hpp"

#include <algorithm>
#include <chrono>
#include <syslog.h>

namespace banjo {

namespace {

using namespace std::chrono_literals;

// Ban history (the increment policy's memory) of addresses not banned for this long is
// forgotten: the table grows with every distinct attacker and needs a bound.
constexpr auto history_retention = std::chrono::days(30);
// The expiry timer never sleeps longer than this, so a wall-clock step is noticed.
constexpr Usec longest_expiry_sleep = 60s;

}  // namespace

Manager::Manager(Config config, ConfigLoader load, CidrSet self, StateStore& store, Backend& backend,
                 const Clock& clock)
    : config_(std::move(config)),
      load_(std::move(load)),
      self_(std::move(self)),
      store_(store),
      backend_(backend),
      clock_(clock),
      bans_(store, backend),
      jails_(std::make_unique<JailSet>(config_, self_)),
      backend_state_(backend.state()) {
    backend_.on_state_changed = [this](BackendState s) { on_backend_state(s); };
    bans_.set_listener({[this](const Ban& b) {
                            if (listener_) listener_->banned(b);
                        },
                        [this](const Ban& b, UnbanReason reason) {
                            if (listener_) listener_->unbanned(b, reason);
                        }});
    configure_jail_ports();
}

Manager::~Manager() { backend_.on_state_changed = nullptr; }

// Logged here, once per change, with the fields tools search for; the backend itself only
// reports. A new problem while degraded is a change worth a line too.
void Manager::on_backend_state(BackendState state) {
    const std::string name(backend_.name());
    const std::string detail = backend_.state_detail();
    sd::log(state == BackendState::ready ? LOG_INFO : LOG_WARNING,
            "Firewall backend " + name + " is " + std::string(to_string(state)) + (detail.empty() ? "" : ": " + detail),
            {{"MESSAGE_ID", sd::message_id::backend_state},
             {"BANJO_BACKEND", name},
             {"BANJO_BACKEND_STATE", std::string(to_string(state))}});
    if (state == backend_state_) return;
    backend_state_ = state;
    if (listener_) listener_->backend_state_changed();
}

void Manager::configure_jail_ports() {
    for (const auto& j : config_.jails) {
        // Bans already in the firewall under other ports move to the new ones.
        bans_.set_jail_ports(j.settings.name, j.settings.ports);
        if (j.settings.enabled && !j.settings.ports.empty()) backend_.prepare_jail(j.settings.name, j.settings.ports);
        else backend_.forget_jail(j.settings.name);
    }
}

std::vector<Ban> Manager::restore() {
    // Until the follower reads on, the journal stands where the store says it stopped.
    journal_.cursor = store_.cursor().value_or("");
    // Bans of jails gone or disabled meanwhile, or of addresses banjo never bans, are lifted.
    return bans_.restore(clock_.now(), [this](const Ban& b) { return why_not_restored(b, config_); });
}

void Manager::seed_jails() {
    for (std::size_t i = 0; i < jails_->size(); ++i) {
        Jail& jail = (*jails_)[i].jail();
        for (const auto& h : store_.history(jail.name())) jail.set_previous_bans(h.address, h.bans);
        for (const Ban& b : bans_.table().list(jail.name())) jail.note_ban(b.address, b.expires, false);
    }
}

// New jails from the current config; unchanged ones keep their counts.
void Manager::rebuild_jails() {
    auto previous = std::move(jails_);
    jails_ = std::make_unique<JailSet>(config_, self_, previous.get());
    seed_jails();
    // Before `previous` goes: the journal follower still reads through it.
    if (listener_) listener_->jails_changed();
}

Usec Manager::longest_findtime() const {
    Usec longest{0};
    for (const auto& j : config_.jails)
        if (j.settings.enabled) longest = std::max(longest, j.settings.findtime);
    return longest;
}

void Manager::ban_decided(const Jail& jail, const BanDecision& d) {
    const Usec now = clock_.now();
    bans_.ban(Ban{jail.name(), d.address, now, saturating_add(now, d.bantime), d.failures, BanOrigin::filter});
}

void Manager::journal_read(JournalProgress progress) {
    journal_ = std::move(progress);
    bans_.flush(journal_.cursor);
    refusals_.report(*jails_, clock_.now());
}

void Manager::expire_due() {
    if (bans_.expire(clock_.now()) > 0) bans_.flush();
}

std::optional<Usec> Manager::expiry_wait() const {
    const auto next = bans_.table().next_expiry();
    if (!next) return std::nullopt;
    const Usec now = clock_.now();
    return std::min(*next > now ? *next - now : Usec(0), longest_expiry_sleep);
}

void Manager::housekeeping() {
    const Usec now = clock_.now();
    const Usec history_cutoff = now - std::chrono::duration_cast<Usec>(history_retention);
    for (std::size_t i = 0; i < jails_->size(); ++i) {
        (*jails_)[i].jail().prune(now);
        (*jails_)[i].jail().forget_history_before(history_cutoff);
    }
    try {
        store_.forget_history_before(history_cutoff);
    } catch (const std::exception& e) {
        sd::log(LOG_WARNING, std::string("Could not trim the ban history: ") + e.what());
    }
}

void Manager::stop() {
    bans_.flush(journal_.cursor.empty() ? std::nullopt : std::optional<std::string_view>(journal_.cursor));
}

void Manager::reload() {
    sd::notify_reloading();
    Config fresh;
    try {
        fresh = load_();
    } catch (const ConfigError& e) {
        sd::log(LOG_ERR, std::string("Configuration rejected, the running one stays: ") + e.what(),
                {{"MESSAGE_ID", sd::message_id::config_rejected}, {"BANJO_CONFIG_ERROR", e.what()}});
        sd::notify_ready(status_line());
        throw;
    }
    // Jails that are gone, or no longer enabled, release their bans.
    for (const auto& old : config_.jails) {
        const bool kept = std::any_of(fresh.jails.begin(), fresh.jails.end(), [&](const JailConfig& j) {
            return j.settings.name == old.settings.name && j.settings.enabled;
        });
        if (!kept) {
            bans_.unban_jail(old.settings.name, UnbanReason::flushed);
            backend_.forget_jail(old.settings.name);
        }
    }
    config_ = std::move(fresh);
    configure_jail_ports();
    rebuild_jails();
    bans_.flush();
    sd::log(LOG_INFO, "Configuration reloaded: " + std::to_string(jails_->size()) + " jails enabled");
    sd::notify_ready(status_line());
}

std::uint64_t Manager::failures_found() const {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < jails_->size(); ++i) n += (*jails_)[i].counters().failures;
    return n;
}

std::string Manager::status_line() const {
    return std::to_string(jails_->size()) + " jails, " + std::to_string(bans_.table().size()) + " active bans, " +
           std::to_string(journal_.entries) + " journal entries read; firewall " +
           std::string(to_string(backend_.state()));
}

}  // namespace banjo
