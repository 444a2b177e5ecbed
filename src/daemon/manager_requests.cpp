// SPDX-License-Identifier: GPL-2.0-or-later
// The Manager's requests: what org.banjo1's methods and properties ask of it. Each checks its
// arguments first and refuses with an OperationError a person can act on.
#include "daemon/manager.hpp"

#include "config/filter_file.hpp"
#include "core/config_error.hpp"
#include "core/filter_run.hpp"
#include "core/input_excerpt.hpp"
#include "core/special_address.hpp"
#include "daemon/operation_error.hpp"
#include "journal/syslog_line.hpp"
#include "lib/sd/log.hpp"

#include <algorithm>
#include <optional>
#include <syslog.h>

namespace banjo {

namespace {

// The configured jail NAME, enabled or not; as const as the jails it is looked up in.
template <typename Jails>
auto& require_jail(Jails& jails, const std::string& name) {
    auto it = std::find_if(jails.begin(), jails.end(), [&](const JailConfig& j) { return j.settings.name == name; });
    if (it == jails.end()) throw OperationError(OperationErrorKind::no_such_jail, "no jail named '" + input_excerpt(name) + "'");
    return *it;
}

Address require_address(const std::string& text) {
    auto a = Address::parse(text);
    if (!a) throw OperationError(OperationErrorKind::invalid_address, "'" + input_excerpt(text) + "' is not an IPv4 or IPv6 address");
    return *a;
}

Cidr require_cidr(const std::string& text) {
    auto c = Cidr::parse(text);
    if (!c) throw OperationError(OperationErrorKind::invalid_address, "'" + input_excerpt(text) + "' is not an address or CIDR");
    return *c;
}

// The running jail NAME, or nullptr when it is disabled.
Jail* running_jail(const JailSet& jails, const std::string& name) {
    JailPipeline* p = jails.find(name);
    return p ? &p->jail() : nullptr;
}

}  // namespace

std::vector<JailSummary> Manager::jails() const {
    std::vector<JailSummary> out;
    for (const auto& j : config_.jails) out.push_back(jail(j.settings.name));
    return out;
}

JailSummary Manager::jail(const std::string& name) const {
    const JailConfig& jc = require_jail(config_.jails, name);
    JailSummary s;
    s.name = name;
    s.enabled = jc.settings.enabled;
    s.config = &jc;
    s.active_bans = static_cast<std::uint32_t>(bans_.table().count(name));
    // Every ban of the jail since start, manual ones included.
    if (auto it = bans_.counts().find(name); it != bans_.counts().end()) s.total_bans = it->second.bans;
    if (const Jail* j = running_jail(*jails_, name)) {
        s.tracked = static_cast<std::uint32_t>(j->tracked_addresses());
        s.total_failures = j->total_failures();
    }
    return s;
}

Usec Manager::ban(const std::string& jail_name, const std::string& address_text, Usec duration) {
    const JailConfig& jc = require_jail(config_.jails, jail_name);
    const Address address = require_address(address_text);
    Jail* jail = running_jail(*jails_, jail_name);
    // A running jail's list includes the host's own addresses (ignore-self).
    if (jail ? jail->ignores(address) : jc.settings.ignore.contains(address))
        throw OperationError(OperationErrorKind::ignored,
                             address.to_string() + " is on the ignore list of jail " + jail_name + ": not banned");
    // After the ignore list, so that loopback, on it by default, keeps answering Ignored.
    if (auto kind = special_address(address))
        throw OperationError(OperationErrorKind::invalid_address,
                             address.to_string() + " is " + std::string(describe(*kind)) + ": banjo never bans it");
    // The jail's prefix, narrowed around ignored addresses as the jail narrows its own bans.
    std::optional<BanDecision::Narrowing> narrowed;
    const Cidr scope = jail ? jail->ban_scope(address, &narrowed) : Jail(jc.settings).ban_scope(address, &narrowed);
    if (narrowed) report_narrowed(jail_name, scope, *narrowed);
    if (duration == Usec(0)) duration = jail ? jail->next_bantime(scope) : jc.settings.ban.duration_for(0);
    const Usec now = clock_.now();
    // The lines the jail kept of the address go with a manual ban too: they say why it was asked for.
    const Ban& b = bans_.ban(Ban{jail_name, scope, now, saturating_add(now, duration), 0, BanOrigin::manual, {},
                                 lines_.take(jail_name, scope)});
    const Usec expires = b.expires;
    if (jail) jail->note_ban(scope, expires, true);
    bans_.flush();
    return expires;
}

unsigned Manager::unban(const std::string& jail_name, const std::string& address_text) {
    // An address, or a network: the bans inside it, and a prefix ban that holds it.
    const Cidr range = require_cidr(address_text);
    std::vector<std::string> names;
    if (jail_name.empty()) {
        for (const auto& j : config_.jails) names.push_back(j.settings.name);
    } else {
        names.push_back(require_jail(config_.jails, jail_name).settings.name);
    }
    unsigned removed = 0;
    for (const auto& name : names) {
        for (const Ban& b : bans_.table().list(name)) {
            if (!range.overlaps(b.address) || !bans_.unban(name, b.address, UnbanReason::manual)) continue;
            ++removed;
            if (Jail* j = running_jail(*jails_, name)) j->forget_ban(b.address);
        }
    }
    bans_.flush();
    if (removed == 0)
        throw OperationError(OperationErrorKind::not_banned,
                             range.to_string() + (range == Cidr::host(range.network) ? " is not banned" : ": no ban inside it") +
                                 (jail_name.empty() ? "" : " in jail " + jail_name));
    return removed;
}

unsigned Manager::unban_all(const std::string& jail_name) {
    if (!jail_name.empty()) require_jail(config_.jails, jail_name);
    unsigned removed = 0;
    for (const Ban& b : bans_.table().list(jail_name)) {
        if (!bans_.unban(b.jail, b.address, UnbanReason::manual)) continue;
        ++removed;
        if (Jail* j = running_jail(*jails_, b.jail)) j->forget_ban(b.address);
    }
    bans_.flush();
    sd::log(LOG_INFO, "Unbanned all " + std::to_string(removed) + " bans" + (jail_name.empty() ? "" : " of jail " + jail_name));
    return removed;
}

void Manager::set_maxretry(const std::string& jail_name, unsigned maxretry) {
    if (maxretry < 1 || maxretry > 1'000'000)
        throw OperationError(OperationErrorKind::invalid_argument, "maxretry must be between 1 and 1000000");
    JailConfig& jc = require_jail(config_.jails, jail_name);
    jc.settings.maxretry = maxretry;
    if (Jail* j = running_jail(*jails_, jail_name)) j->set_maxretry(maxretry);
    jails_->mark_changed(jail_name);
    sd::log(LOG_INFO, "Jail " + jail_name + ": maxretry " + std::to_string(maxretry) + " until the next reload");
    if (listener_) listener_->jail_settings_changed(jail_name);
}

void Manager::set_findtime(const std::string& jail_name, Usec findtime) {
    if (findtime <= Usec(0) || findtime == infinite_usec)
        throw OperationError(OperationErrorKind::invalid_argument, "findtime must be longer than 0 and finite");
    JailConfig& jc = require_jail(config_.jails, jail_name);
    jc.settings.findtime = findtime;
    if (Jail* j = running_jail(*jails_, jail_name)) j->set_findtime(findtime);
    jails_->mark_changed(jail_name);
    sd::log(LOG_INFO, "Jail " + jail_name + ": findtime " + format_timespan(findtime) + " until the next reload");
    if (listener_) listener_->jail_settings_changed(jail_name);
}

void Manager::set_bantime(const std::string& jail_name, Usec bantime) {
    if (bantime <= Usec(0)) throw OperationError(OperationErrorKind::invalid_argument, "bantime must be longer than 0");
    JailConfig& jc = require_jail(config_.jails, jail_name);
    jc.settings.ban.bantime = bantime;
    if (Jail* j = running_jail(*jails_, jail_name)) j->set_bantime(bantime);
    jails_->mark_changed(jail_name);
    sd::log(LOG_INFO, "Jail " + jail_name + ": bantime " + format_timespan(bantime) + " until the next reload");
    if (listener_) listener_->jail_settings_changed(jail_name);
}

Manager::Explanation Manager::why(const std::string& address_text) const {
    const Address address = require_address(address_text);
    Explanation out;
    const Usec now = clock_.now();
    for (const auto& jc : config_.jails) {
        JailVerdict v;
        v.jail = jc.settings.name;
        v.enabled = jc.settings.enabled;
        v.maxretry = jc.settings.maxretry;
        if (const Jail* j = running_jail(*jails_, v.jail)) {
            // The running list holds the host's own addresses too (ignore-self).
            if (auto hit = j->ignore_hit(address)) {
                v.ignored_by = hit->entry;
                v.ignore_source = hit->source;
            }
            v.previous_bans = j->offences_before(j->counted_as(address));
            v.failure_times = j->failure_times(address, std::max(now, journal_.last_entry));
        } else if ((v.ignored_by = jc.settings.ignore.longest_match(address))) {
            v.ignore_source = "ignore";
        } else {
            Jail dynamic(JailSettings{});
            dynamic.set_dynamic_ignore(ignore_sources_.entries_for(v.jail));
            if (auto hit = dynamic.ignore_hit(address)) {
                v.ignored_by = hit->entry;
                v.ignore_source = hit->source;
            }
        }
        if (!v.ignored_by) {
            if (auto ignore = ignore_answers_.ignores(v.jail, address, now); ignore && *ignore) {
                v.ignored_by = Cidr::host(address);
                v.ignore_source = "ignore-command (answer cached)";
            }
        }
        out.jails.push_back(std::move(v));
    }
    // A prefix ban that holds the address is its ban too.
    for (const Ban& b : bans_.table().list())
        if (b.address.contains(address)) out.active.push_back(b);
    for (StoredBan& b : state_.ban_log(Usec(0), max_ban_history))
        if (b.address.contains(address)) out.past.push_back(std::move(b));
    return out;
}

Manager::WhyLines Manager::why_lines(const std::string& address_text) const {
    const Address address = require_address(address_text);
    WhyLines out;
    for (const auto& jc : config_.jails)
        if (const Jail* j = running_jail(*jails_, jc.settings.name)) {
            const Cidr counted = j->counted_as(address);
            auto lines = lines_.peek(jc.settings.name, counted);
            if (!lines.empty()) out.failures.push_back({jc.settings.name, counted, std::move(lines)});
        }
    for (const Ban& b : bans_.table().list())
        if (b.address.contains(address)) {
            out.bans.push_back(b);
            out.bans.back().lines = bans_.lines(b.jail, b.address);
        }
    return out;
}

std::vector<Ban> Manager::bans_with_lines(const std::string& jail_name) const {
    std::vector<Ban> out = bans(jail_name);
    for (Ban& b : out) b.lines = bans_.lines(b.jail, b.address);
    return out;
}

std::vector<Ban> Manager::bans(const std::string& jail_name) const {
    if (!jail_name.empty()) require_jail(config_.jails, jail_name);
    return bans_.table().list(jail_name);
}

void Manager::set_enabled(const std::string& jail_name, bool enabled) {
    JailConfig& jc = require_jail(config_.jails, jail_name);
    if (jc.settings.enabled == enabled) return;
    jc.settings.enabled = enabled;
    if (!enabled) {
        bans_.unban_jail(jail_name, UnbanReason::flushed);
        backend_.forget_jail(jail_name);
    }
    rebuild_jails();
    bans_.flush();
    sd::log(LOG_INFO, "Jail " + jail_name + (enabled ? " enabled" : " disabled") + " until the next reload");
    if (listener_) listener_->jail_enabled_changed(jail_name);
}

void Manager::add_ignore(const std::string& jail_name, const std::string& text) {
    JailConfig& jc = require_jail(config_.jails, jail_name);
    const Cidr cidr = require_cidr(text);
    jc.settings.ignore.insert(cidr);
    if (Jail* j = running_jail(*jails_, jail_name)) j->add_ignore(cidr);
    if (listener_) listener_->ignore_list_changed(jail_name);
}

void Manager::remove_ignore(const std::string& jail_name, const std::string& text) {
    JailConfig& jc = require_jail(config_.jails, jail_name);
    const Cidr cidr = require_cidr(text);
    if (!jc.settings.ignore.erase(cidr))
        throw OperationError(OperationErrorKind::not_ignored,
                             cidr.to_string() + " is not on the ignore list of jail " + jail_name);
    if (Jail* j = running_jail(*jails_, jail_name)) j->remove_ignore(cidr);
    if (listener_) listener_->ignore_list_changed(jail_name);
}

std::vector<Cidr> Manager::ignore_list(const std::string& jail_name) const {
    // What the administrator configured (and changed at runtime); the host's own addresses,
    // added for ignore-self, are not listed.
    return require_jail(config_.jails, jail_name).settings.ignore.entries();
}

std::vector<StoredBan> Manager::ban_history(Usec since) const { return state_.ban_log(since, max_ban_history); }

std::vector<LineVerdict> Manager::test_filter(const std::string& name, const std::string& mode,
                                              const std::vector<std::string>& lines) const {
    if (lines.size() > max_trial_lines)
        throw OperationError(OperationErrorKind::invalid_argument,
                             std::to_string(lines.size()) + " lines to test: at most " + std::to_string(max_trial_lines));
    // find_filter_file takes plain names only: a caller cannot make banjod read other files.
    auto path = find_filter_file(name, config_.filter_dirs);
    if (!path) throw OperationError(OperationErrorKind::no_such_filter, "no filter named '" + input_excerpt(name) + "'");
    std::optional<FilterRun> run;
    try {
        run.emplace(load_filter_file(*path), mode, true);
    } catch (const ConfigError& e) {
        // An unknown mode, or a filter file that does not load: the caller's choice to fix.
        throw OperationError(OperationErrorKind::invalid_argument, e.what());
    }
    const std::string& id_field = run->filter().id_field();
    std::uint64_t number = 0;
    for (const std::string& line : lines) {
        ++number;
        const SyslogLine s = split_syslog_line(line);
        std::string_view id;
        if (id_field == "_PID" || id_field == "SYSLOG_PID") id = s.pid;
        if (id_field == "SYSLOG_IDENTIFIER" || id_field == "_COMM") id = s.ident;
        // Sessions age on a clock of 1 ms per line, as banjoctl test-filter's file lines do.
        run->feed(number, 0, line, s.message, id, Usec(static_cast<Usec::rep>(number) * 1000));
    }
    std::vector<LineVerdict> out(lines.size(), LineVerdict{"no-match", "", "", ""});
    const FilterRunResult& r = run->result();
    for (const MatchedLine& m : r.matched) {
        LineVerdict& v = out[m.number - 1];
        v.outcome = m.kind == MatchKind::failure ? "failure" : m.kind == MatchKind::info ? "info" : "forget";
        const auto& a = m.counted ? m.counted : m.address;
        v.address = a ? a->to_string() : "";
        v.host = m.host;
        v.user = m.user;
    }
    for (const OtherLine& o : r.ignored) out[o.number - 1].outcome = "ignored";
    return out;
}

}  // namespace banjo
