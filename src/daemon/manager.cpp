// SPDX-License-Identifier: GPL-2.0-or-later
// The Manager's life: start-up, the journal's ban decisions, expiry, housekeeping, reload.
// Its requests (ban, unban, enable, ignore lists) are in manager_requests.cpp.
#include "daemon/manager.hpp"

#include "daemon/restore_check.hpp"
#include "daemon/state_report.hpp"
#include "lib/sd/log.hpp"
#include "lib/sd/notify.hpp"

#include <algorithm>
#include <chrono>
#include <syslog.h>

namespace banjo {

namespace {

using namespace std::chrono_literals;

// The expiry timer never sleeps longer than this, so a wall-clock step is noticed.
constexpr Usec longest_expiry_sleep = 60s;

}  // namespace

Manager::Manager(Config config, ConfigLoader load, CidrSet self, StateWriter& state, Backend& backend,
                 const Clock& clock)
    : config_(std::move(config)),
      load_(std::move(load)),
      self_(std::move(self)),
      state_(state),
      backend_(backend),
      clock_(clock),
      bans_(state, backend, clock),
      jails_(std::make_unique<JailSet>(config_, self_, trusted_)),
      backend_state_(backend.state()),
      lines_(config_.lines_memory),
      blocklists_(backend, clock, [](int priority, const std::string& message, const std::string& list) {
          sd::log(priority, message, {{"MESSAGE_ID", sd::message_id::blocklist}, {"BANJO_BLOCKLIST", list}});
      }) {
    configure_ignore_sources();
    jails_->keep_lines(&lines_);
    backend_.on_state_changed = [this](BackendState s) { on_backend_state(s); };
    backend_.on_trusted_changed = [this](const std::vector<Cidr>& trusted) { set_firewall_trusted(trusted); };
    state_.on_health_changed = [this](StateHealth h) { on_state_health(h); };
    state_.on_reopened = [](const StateOpening& opened) { report_state_opening(opened); };
    bans_.set_listener({[this](const Ban& b) {
                            if (listener_) listener_->banned(b);
                        },
                        [this](const Ban& b, UnbanReason reason) {
                            if (listener_) listener_->unbanned(b, reason);
                        },
                        [this](std::string_view jail) {
                            // Only a jail with actions hands an unban's lines on.
                            for (const auto& jc : config_.jails)
                                if (jc.settings.name == jail) return !jc.settings.actions.empty();
                            return false;
                        }});
    configure_jail_ports();
    blocklists_.configure(config_.blocklists, blocklist_ignore());
}

CidrSet Manager::blocklist_ignore() const {
    CidrSet ignore = config_.default_ignore;
    for (const IgnoreHit& h : ignore_sources_.entries_for(blocklist_ignore_owner)) ignore.insert(h.entry);
    if (config_.default_ignore_self)
        for (const Cidr& c : self_.entries()) ignore.insert(c);
    for (const Cidr& c : trusted_.entries()) ignore.insert(c);
    return ignore;
}

Manager::~Manager() {
    backend_.on_state_changed = nullptr;
    backend_.on_trusted_changed = nullptr;
    state_.on_health_changed = nullptr;
    state_.on_reopened = nullptr;
}

void Manager::on_state_health(StateHealth) {
    report_state_health(state_, clock_.now());
    if (listener_) listener_->state_health_changed();
}

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

// What firewalld trusts banjo never bans: the jails' ignore lists take it (their failure counts
// stay), and bans in force of such addresses are lifted.
void Manager::set_firewall_trusted(const std::vector<Cidr>& trusted) {
    CidrSet fresh;
    std::string list;
    for (const Cidr& c : trusted) {
        fresh.insert(c);
        list += (list.empty() ? "" : ", ") + c.to_string();
    }
    if (fresh.entries() == trusted_.entries()) return;
    trusted_ = std::move(fresh);
    sd::log(LOG_INFO, "The firewall trusts " + (list.empty() ? std::string("no sources") : list) +
                          ": banjo never bans " + (list.empty() ? "them" : "these"));
    rebuild_jails();
    blocklists_.set_ignore(blocklist_ignore());
    lift_bans([this](const Ban& b) -> std::optional<std::string> {
        auto trusted = trusted_.overlapping(b.address);
        if (!trusted) return std::nullopt;
        return "the firewall trusts " + (b.address.is_host() ? std::string("it") : trusted->to_string() + " inside it");
    });
}

void Manager::lift_bans(const std::function<std::optional<std::string>(const Ban&)>& why_lift) {
    std::vector<std::pair<Ban, std::string>> lift;
    for (const Ban& b : bans_.table().list(""))
        if (auto why = why_lift(b)) lift.emplace_back(b, std::move(*why));
    for (const auto& [b, why] : lift) {
        sd::log(LOG_NOTICE, "Lifting the ban of " + b.address.to_string() + " in jail " + b.jail + ": " + why);
        bans_.unban(b.jail, b.address, UnbanReason::manual);
    }
    if (!lift.empty()) bans_.flush();
}

void Manager::set_host_addresses(CidrSet self) {
    if (self.entries() == self_.entries()) return;
    std::string list;
    for (const Cidr& c : self.entries()) list += (list.empty() ? "" : ", ") + c.to_string();
    self_ = std::move(self);
    sd::log(LOG_INFO, "The host's addresses changed; jails with ignore-self now ignore " + list);
    rebuild_jails();
    // A ban in force on an address the host now holds would lock the host out of itself.
    lift_bans([this](const Ban& b) -> std::optional<std::string> {
        auto jail = std::find_if(config_.jails.begin(), config_.jails.end(),
                                 [&](const JailConfig& j) { return j.settings.name == b.jail; });
        if (jail == config_.jails.end() || !jail->settings.ignore_self || !self_.overlapping(b.address)) return std::nullopt;
        return std::string("it is now one of the host's own addresses");
    });
    blocklists_.set_ignore(blocklist_ignore());
}

void Manager::configure_jail_ports() {
    for (const auto& j : config_.jails) {
        // Bans already in the firewall under other ports move to the new ones.
        bans_.set_jail_ports(j.settings.name, j.settings.ports, j.settings.block);
        const JailBlocking blocking{j.settings.ports, j.settings.block, j.settings.rule_zones, j.settings.ipv4_prefix,
                                    j.settings.ipv6_prefix};
        // (A prefix jail that shares the all-ports sets still tells: they need hash:net ones beside.)
        if (j.settings.enabled && (!blocking.shared() || blocking.bans_networks(Family::ipv4) ||
                                   blocking.bans_networks(Family::ipv6)))
            backend_.prepare_jail(j.settings.name, blocking);
        else backend_.forget_jail(j.settings.name);
    }
}

std::vector<Ban> Manager::restore() {
    // Until the follower reads on, the journal stands where the store says it stopped.
    journal_.cursor = state_.cursor().value_or("");
    // Bans of jails gone or disabled meanwhile, or of addresses banjo never bans, are lifted.
    return bans_.restore(clock_.now(), [this](const Ban& b) { return why_not_restored(b, config_, self_); });
}

Usec Manager::longest_bantime() const {
    Usec longest{0};
    for (const auto& j : config_.jails) {
        if (!j.settings.enabled) continue;
        const BanPolicy& p = j.settings.ban;
        longest = std::max(longest, p.bantime);
        if (p.increment.enabled) longest = std::max(longest, p.increment.max);
    }
    return longest;
}

Usec Manager::rebuild_since() const {
    // A stale store lacks only what came after its marker (a chunk's worth before it too: the
    // write that failed first held changes from a little earlier).
    if (!state_.bans_lost() && state_.stale_since()) return *state_.stale_since() - std::chrono::minutes(1);
    const Usec window = longest_bantime();
    const Usec now = clock_.now();
    return window >= now ? Usec(0) : now - window;
}

std::vector<BanRecovery::Jail> Manager::recovery_jails() const {
    std::vector<BanRecovery::Jail> out;
    for (const auto& j : config_.jails)
        if (j.settings.enabled) out.push_back({j.settings.name, j.settings.ports.empty(), j.settings.ban.bantime});
    return out;
}

// What restore() would lift is not rebuilt either (an address banjo never bans, say, that an
// older banjo put in the firewall).
std::vector<Ban> Manager::restorable(std::vector<Ban> bans) const {
    std::erase_if(bans, [&](const Ban& b) { return why_not_restored(b, config_, self_).has_value(); });
    return bans;
}

std::vector<Ban> Manager::rebuild(std::vector<BanRecord> records) {
    const Usec now = clock_.now();
    recovery_ = std::make_unique<BanRecovery>(std::move(records), recovery_jails());
    answered_ = recovery_->take_ban_times();
    answered_until_ = now;
    // The journal's word on a ban is newer than a stale store's.
    const auto rebuilt = bans_.rebuild(restorable(recovery_->journal_bans(now)), true);
    for (const RecoveredHistory& h : recovery_->history())
        state_.note_offences(h.jail, h.address, h.bans, h.last_banned_at);
    // A store older than the records restored bans that were lifted since.
    for (const BanRecord& r : recovery_->last_unbans()) {
        const auto b = bans_.table().find(r.jail, r.address);
        if (b && b->banned <= r.time) bans_.unban(r.jail, r.address, UnbanReason::manual);
    }
    bans_.flush();
    report_rebuilt("journal", rebuilt.size(),
                   std::to_string(recovery_->records()) + " ban and unban entries of banjo's own read");
    // The firewall's sets come when the backend can read them; nothing is removed from them
    // before they have been looked at.
    backend_.adopt_held([this](const std::vector<HeldBan>& held) { adopt_held(held); });
    return rebuilt;
}

void Manager::adopt_held(const std::vector<HeldBan>& held) {
    if (!recovery_) return;
    const auto adopted = bans_.rebuild(restorable(recovery_->held_bans(held, clock_.now())));
    recovery_.reset();
    for (const Ban& b : adopted)
        if (JailPipeline* p = jails_->find(b.jail)) p->jail().note_ban(b.address, b.expires, false);
    bans_.flush();
    report_rebuilt("firewall", adopted.size(),
                   std::to_string(held.size()) + " entries found in the firewall, the others known to the journal or lifted");
    if (listener_ && !adopted.empty()) listener_->bans_rebuilt();
    state_.merged();
}

std::optional<Usec> Manager::state_retry_wait() const {
    const auto at = state_.retry_at();
    if (!at) return std::nullopt;
    const Usec now = clock_.now();
    return *at > now ? *at - now : Usec(0);
}

void Manager::retry_state() { bans_.retry_state(); }

void Manager::seed_jails() {
    for (std::size_t i = 0; i < jails_->size(); ++i) {
        Jail& jail = (*jails_)[i].jail();
        // The newest the jail's history holds (history-max-entries, history-memory), so that
        // a store larger than that keeps the addresses banned last.
        auto history = state_.history(jail.name());
        const std::size_t keep = jail.history().capacity();
        if (history.size() > keep) {
            std::nth_element(history.begin(), history.end() - static_cast<std::ptrdiff_t>(keep), history.end(),
                             [](const History& a, const History& b) { return a.last_banned_at < b.last_banned_at; });
            history.erase(history.begin(), history.end() - static_cast<std::ptrdiff_t>(keep));
        }
        for (const auto& h : history) jail.set_previous_bans(h.address, h.bans);
        for (const Ban& b : bans_.table().list(jail.name())) jail.note_ban(b.address, b.expires, false);
    }
}

// New jails from the current config; unchanged ones keep their counts.
void Manager::configure_ignore_sources() {
    std::vector<IgnoreSources::JailSpec> specs;
    for (const auto& j : config_.jails) specs.push_back({j.settings.name, j.settings.ignore_hosts, j.settings.ignore_file});
    if (!config_.blocklists.empty())
        specs.push_back({blocklist_ignore_owner, config_.default_ignore_hosts, config_.default_ignore_file});
    ignore_sources_.configure(std::move(specs));
}

void Manager::apply_ignore_sources(const std::vector<std::string>& jails) {
    for (const auto& name : jails) {
        if (name == blocklist_ignore_owner) blocklists_.set_ignore(blocklist_ignore());
        else if (JailPipeline* p = jails_->find(name)) p->jail().set_dynamic_ignore(ignore_sources_.entries_for(name));
    }
}

void Manager::set_ignore_file(const std::string& path, IgnoreFileContents contents) {
    ignore_sources_.set_file(path, std::move(contents));
    apply_ignore_sources(ignore_sources_.jails_using_file(path));
}

void Manager::set_ignore_host(const std::string& name, std::vector<Address> addresses) {
    if (ignore_sources_.set_host(name, std::move(addresses))) apply_ignore_sources(ignore_sources_.jails_using_host(name));
}

void Manager::rebuild_jails() {
    auto previous = std::move(jails_);
    jails_ = std::make_unique<JailSet>(config_, self_, trusted_, previous.get());
    configure_ignore_sources();
    std::vector<std::string> names;
    for (const auto& j : config_.jails) names.push_back(j.settings.name);
    apply_ignore_sources(names);
    lines_.set_max_bytes(config_.lines_memory);
    for (const auto& j : config_.jails)
        if (!j.settings.enabled || j.settings.max_lines == 0) lines_.forget_jail(j.settings.name);
    jails_->keep_lines(&lines_);
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

// A ban the journal shows banjo made at or after the failure that trips this decision: the
// decision was taken before the state was lost, and what became of it (in force, lifted by
// hand, ended) stands. The jail counted it as a new ban: that is undone.
bool Manager::already_answered(const Jail& decided_by, const BanDecision& d) {
    auto it = answered_.find({decided_by.name(), d.address});
    if (it == answered_.end() || it->second < d.time) return false;
    if (JailPipeline* p = jails_->find(decided_by.name())) {
        Jail& jail = p->jail();
        // d.previous_bans may count other jails' bans too (overall-jails): undo this jail's own.
        if (const unsigned own = jail.previous_bans(d.address); own > 0) jail.set_previous_bans(d.address, own - 1);
        if (const auto b = bans_.table().find(decided_by.name(), d.address))
            jail.note_ban(d.address, b->expires, false);
        else
            jail.forget_ban(d.address);
    }
    return true;
}

void Manager::report_narrowed(const std::string& jail, const Cidr& banned, const BanDecision::Narrowing& n) {
    sd::log(LOG_NOTICE,
            "Jail " + jail + ": " + n.wide.to_string() + " holds " + n.kept_out.to_string() +
                (n.never_banned ? ", which banjo never bans" : ", which is on the jail's ignore list") + ": banning " +
                banned.to_string() + " alone, not " + n.wide.to_string(),
            {{"MESSAGE_ID", sd::message_id::ban_narrowed},
             {"BANJO_JAIL", jail},
             {"BANJO_ADDRESS", banned.to_string()},
             {"BANJO_PREFIX", n.wide.to_string()},
             {"BANJO_IGNORED", n.kept_out.to_string()}});
}

void Manager::ban_decided(const Jail& jail, const BanDecision& d) {
    if (!jail.settings().ignore_command.empty() && !ask_ignore_command(jail, d)) return;
    carry_out(jail, d);
}

bool Manager::ask_ignore_command(const Jail& jail, const BanDecision& d) {
    const std::string& name = jail.name();
    if (auto ignore = ignore_answers_.ignores(name, d.address, clock_.now())) {
        if (!*ignore) return true;
        if (JailPipeline* p = jails_->find(name)) p->jail().withdraw_ban(d.address);
        return false;
    }
    if (!ignore_runner_) return true;
    auto key = std::make_pair(name, d.address);
    if (held_.count(key)) return false;
    if (held_.size() >= max_held_decisions) {
        sd::log(LOG_WARNING, "Jail " + name + ": " + std::to_string(held_.size()) +
                                 " bans already wait for ignore-command; banning " + d.address.to_string() + " without asking");
        return true;
    }
    held_.emplace(key, d);
    ignore_runner_->start(ignore_command_argv(jail.settings().ignore_command, d.address), jail.settings().ignore_command_timeout,
                          [this, key](IgnoreCommandVerdict v, const std::string& detail) {
                              ignore_command_answered(key.first, key.second, v, detail);
                          });
    return false;
}

void Manager::ignore_command_answered(const std::string& jail_name, const Cidr& address, IgnoreCommandVerdict verdict,
                                      const std::string& detail) {
    auto it = held_.find({jail_name, address});
    if (it == held_.end()) return;
    const BanDecision d = it->second;
    held_.erase(it);
    JailPipeline* p = jails_->find(jail_name);
    if (!p) return;   // the jail went away or was disabled meanwhile
    if (!take_ignore_answer(p->jail(), address, verdict, detail, "not banned", "banning it")) {
        p->jail().withdraw_ban(address);
        return;
    }
    carry_out(p->jail(), d);
    bans_.flush();
}

bool Manager::take_ignore_answer(const Jail& jail, const Cidr& address, IgnoreCommandVerdict verdict, const std::string& detail,
                                 std::string_view if_ignored, std::string_view if_failed) {
    const JailSettings& s = jail.settings();
    if (verdict != IgnoreCommandVerdict::failed && s.ignore_command_cache > Usec(0))
        ignore_answers_.remember(jail.name(), address, verdict == IgnoreCommandVerdict::ignore,
                                 saturating_add(clock_.now(), s.ignore_command_cache));
    const sd::Fields fields{{"BANJO_JAIL", jail.name()}, {"BANJO_ADDRESS", address.to_string()}};
    if (verdict == IgnoreCommandVerdict::ignore) {
        sd::log(LOG_NOTICE,
                "Jail " + jail.name() + ": ignore-command says to ignore " + address.to_string() + ", " + std::string(if_ignored),
                fields);
        return false;
    }
    if (verdict == IgnoreCommandVerdict::failed)
        sd::log(LOG_WARNING, "Jail " + jail.name() + ": ignore-command for " + address.to_string() + " failed (" + detail +
                                 "); " + std::string(if_failed),
                fields);
    return true;
}

void Manager::carry_out(const Jail& jail, const BanDecision& d) {
    if (d.narrowed) report_narrowed(jail.name(), d.address, *d.narrowed);
    if (jail.settings().observe) {
        // The jail keeps the decision (it will not decide again for the ban's length), the
        // firewall and the state never see it.
        sd::log(LOG_NOTICE,
                "Jail " + jail.name() + " would ban " + d.address.to_string() + " after " + std::to_string(d.failures) +
                    " failures for " + format_timespan(d.bantime) + " (observe = true: not banned)",
                {{"MESSAGE_ID", sd::message_id::ban_observed},
                 {"BANJO_JAIL", jail.name()},
                 {"BANJO_ADDRESS", d.address.to_string()},
                 {"BANJO_FAILURES", std::to_string(d.failures)},
                 {"BANJO_BANTIME_USEC", std::to_string(to_wire_usec(d.bantime))}});
        if (listener_) listener_->ban_observed(jail.name(), d);
        return;
    }
    if (!answered_.empty() && already_answered(jail, d)) return;
    const Usec now = clock_.now();
    bans_.ban(Ban{jail.name(), d.address, now, saturating_add(now, d.bantime), d.failures, BanOrigin::filter, {}, d.lines});
}

void Manager::journal_read(JournalProgress progress) {
    journal_ = std::move(progress);
    if (!answered_.empty() && journal_.last_entry >= answered_until_) answered_.clear();
    bans_.flush(journal_.cursor);
    refusals_.report(*jails_, clock_.now());
}

void Manager::files_read(const std::vector<FilePosition>& positions, const FileFollowerCounters& counters) {
    files_ = counters;
    for (const FilePosition& p : positions) state_.set_file_position(p);
    bans_.flush();
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
    // Ban history (the increment policy's memory) of addresses not banned for history-age is
    // forgotten: the table grows with every distinct attacker and needs a bound.
    const Usec history_cutoff = now > config_.history_age ? now - config_.history_age : Usec(0);
    for (std::size_t i = 0; i < jails_->size(); ++i) {
        (*jails_)[i].jail().prune(now);
        (*jails_)[i].jail().forget_history_before(history_cutoff);
    }
    state_.forget_history_before(history_cutoff);
    bans_.flush();
}

void Manager::stop() {
    bans_.flush(journal_.cursor.empty() ? std::nullopt : std::optional<std::string_view>(journal_.cursor));
    // One last try, whatever the backoff says: what is not written now is lost to the store.
    if (state_.health() != StateHealth::ok) bans_.retry_state();
    if (state_.health() != StateHealth::ok)
        sd::log(LOG_ERR,
                "Stopping with " + std::to_string(state_.held_changes()) + " changes of the state not saved (" +
                    state_.problem() + "); the next start finds the marker banjo.db-unsaved and rebuilds what the store lacks from the "
                    "journal and the firewall",
                {{"MESSAGE_ID", sd::message_id::state_health},
                 {"BANJO_STATE_HEALTH", std::string(to_string(state_.health()))},
                 {"BANJO_STATE_PROBLEM", state_.problem()}});
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
    // Keys the backend takes only when banjod starts: refused by name rather than ignored.
    std::string restart;
    auto needs_restart = [&](bool changed, const char* key) {
        if (changed) restart += std::string(restart.empty() ? "" : ", ") + key;
    };
    needs_restart(fresh.backend != config_.backend, "[defaults] backend");
    needs_restart(fresh.firewalld.zone != config_.firewalld.zone, "[firewalld] zone");
    needs_restart(fresh.firewalld.allow_reload != config_.firewalld.allow_reload, "[firewalld] allow-reload");
    needs_restart(fresh.firewalld.rule_zones != config_.firewalld.rule_zones, "[firewalld] rule-zones");
    needs_restart(fresh.firewalld.trusted_zones != config_.firewalld.trusted_zones, "[firewalld] trusted-zones");
    needs_restart(fresh.firewalld.forward_guard != config_.firewalld.forward_guard, "[firewalld] forward-guard");
    if (!restart.empty()) {
        const std::string message = fresh.path + ": " + restart +
                                    " changed: they take effect when banjod restarts (systemctl restart banjo); "
                                    "the running configuration stays";
        sd::log(LOG_ERR, "Configuration rejected, the running one stays: " + message,
                {{"MESSAGE_ID", sd::message_id::config_rejected}, {"BANJO_CONFIG_ERROR", message}});
        sd::notify_ready(status_line());
        throw ConfigError({}, message);
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
    ignore_answers_ = IgnoreCommandCache();   // a command may have changed: ask again
    blocklists_.configure(config_.blocklists, blocklist_ignore());
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
           std::string(to_string(backend_.state())) +
           (state_.health() == StateHealth::ok ? "" : "; state " + std::string(to_string(state_.health())));
}

}  // namespace banjo
