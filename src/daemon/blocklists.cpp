// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/blocklists.hpp"

#include <algorithm>
#include <syslog.h>

namespace banjo {

namespace {

std::string source_of(const BlocklistConfig& c) { return c.path.empty() ? c.url : c.path; }

}  // namespace

Blocklists::Blocklists(Backend& backend, const Clock& clock, Log log)
    : backend_(backend), clock_(clock), log_(std::move(log)) {}

void Blocklists::configure(const std::vector<BlocklistConfig>& lists, CidrSet ignore) {
    std::vector<BlocklistConfig> enabled;
    for (const auto& c : lists)
        if (c.enabled) enabled.push_back(c);
    for (auto it = lists_.begin(); it != lists_.end();) {
        const bool kept = std::any_of(enabled.begin(), enabled.end(), [&](const auto& c) { return c.name == it->first; });
        if (kept) {
            ++it;
            continue;
        }
        for (const Cidr& c : it->second.in_force) backend_.blocklist_remove(it->first, c);
        backend_.forget_blocklist(it->first);
        log_(LOG_INFO, "blocklist " + it->first + " is no longer configured: its " +
                           std::to_string(it->second.in_force.size()) + " entries are lifted", it->first);
        it = lists_.erase(it);
    }
    for (const auto& c : enabled) {
        List& list = lists_[c.name];
        const bool ports_changed = list.config.ports != c.ports || list.status.name.empty();
        list.config = c;
        list.status.name = c.name;
        list.status.source = source_of(c);
        list.status.format = std::string(to_string(c.format));
        if (ports_changed) backend_.prepare_blocklist(c.name, c.ports);
    }
    configs_ = std::move(enabled);
    set_ignore(std::move(ignore));
}

void Blocklists::set_ignore(CidrSet ignore) {
    ignore_ = std::move(ignore);
    for (auto& [name, list] : lists_) {
        if (list.status.readings == 0) continue;
        // Not a new reading: nothing to hold back.
        ParsedBlocklist again;
        again.networks = list.last_reading;
        again.entry_lines = again.networks.size();
        const BlocklistPlan plan = plan_blocklist_update(list.in_force, again, ignore_, true);
        if (!plan.diff.add.empty() || !plan.diff.remove.empty()) apply(list, plan, "the ignore list changed");
    }
}

bool Blocklists::read(const std::string& name, std::string_view text, bool drop_unterminated, const std::string& origin) {
    auto it = lists_.find(name);
    if (it == lists_.end()) return false;
    List& list = it->second;
    ++list.status.readings;
    const std::string& source = origin.empty() ? list.status.source : origin;
    const ParsedBlocklist parsed = parse_blocklist(list.config.format, text, drop_unterminated);
    list.status.malformed_lines += parsed.malformed;
    for (const auto& e : parsed.errors)
        log_(LOG_WARNING, source + ":" + std::to_string(e.line) + ": " + e.message + " (skipped)", name);
    if (parsed.malformed > parsed.errors.size())
        log_(LOG_WARNING, source + ": " + std::to_string(parsed.malformed - parsed.errors.size()) +
                              " more malformed lines (skipped)", name);
    if (parsed.cut_line_dropped)
        log_(LOG_WARNING, source + ":" + std::to_string(parsed.lines) +
                              ": the last line has no newline: left out (the file may be being written)", name);

    BlocklistPlan plan = plan_blocklist_update(list.in_force, parsed, ignore_, false);
    if (plan.verdict == BlocklistPlan::Verdict::held && !list.held.empty() && plan.wanted.networks == list.held)
        plan = plan_blocklist_update(list.in_force, parsed, ignore_, true);   // seen twice: it is meant
    switch (plan.verdict) {
    case BlocklistPlan::Verdict::refused:
        ++list.status.refused;
        list.held.clear();
        list.status.result = "refused: " + plan.reason;
        log_(LOG_ERR, "blocklist " + name + ": " + source + " refused, the " + std::to_string(list.in_force.size()) +
                          " entries in force stay: " + plan.reason, name);
        return false;
    case BlocklistPlan::Verdict::held:
        ++list.status.held;
        list.held = plan.wanted.networks;
        list.status.result = "held back: " + plan.reason;
        log_(LOG_WARNING, "blocklist " + name + ": " + source + " held back, the " +
                              std::to_string(list.in_force.size()) + " entries in force stay: " + plan.reason, name);
        return false;
    case BlocklistPlan::Verdict::apply:
        break;
    }
    list.held.clear();
    list.last_reading = parsed.networks;
    list.status.ignored = plan.wanted.ignored.size();
    for (const Cidr& c : plan.wanted.ignored)
        log_(LOG_INFO, "blocklist " + name + ": " + c.to_string() + " is (or holds) an address of the ignore list: not banned", name);
    std::string what = std::to_string(parsed.entry_lines) + " entry lines";
    if (plan.wanted.duplicates) what += ", " + std::to_string(plan.wanted.duplicates) + " duplicates or inside a wider entry";
    if (parsed.malformed) what += ", " + std::to_string(parsed.malformed) + " malformed";
    if (!plan.wanted.ignored.empty()) what += ", " + std::to_string(plan.wanted.ignored.size()) + " ignored";
    apply(list, plan, source + ": " + what);
    return true;
}

void Blocklists::not_modified(const std::string& name) {
    auto it = lists_.find(name);
    if (it == lists_.end()) return;
    it->second.held.clear();   // the source is back at what is in force
    BlocklistStatus& s = it->second.status;
    ++s.readings;
    s.updated = clock_.now();
    s.result = "not modified";
    log_(LOG_INFO, "blocklist " + name + ": " + s.source + " not modified: the " + std::to_string(s.entries) +
                       " entries in force stay", name);
}

void Blocklists::apply(List& list, const BlocklistPlan& plan, const std::string& what) {
    const std::string& name = list.config.name;
    for (const Cidr& c : plan.diff.remove) backend_.blocklist_remove(name, c);
    for (const Cidr& c : plan.diff.add) backend_.blocklist_add(name, c);
    const std::size_t unchanged = list.in_force.size() - plan.diff.remove.size();
    list.in_force = plan.wanted.networks;
    list.status.entries = list.in_force.size();
    list.status.added += plan.diff.add.size();
    list.status.removed += plan.diff.remove.size();
    list.status.updated = clock_.now();
    const bool changed = !plan.diff.add.empty() || !plan.diff.remove.empty();
    list.status.result = changed ? "applied" : "unchanged";
    log_(changed ? LOG_NOTICE : LOG_INFO,
         "blocklist " + name + ": " + std::to_string(list.in_force.size()) + " entries in force: " +
             std::to_string(plan.diff.add.size()) + " added, " + std::to_string(plan.diff.remove.size()) + " removed, " +
             std::to_string(unchanged) + " unchanged (" + what + ")",
         name);
}

void Blocklists::unreadable(const std::string& name, const std::string& why) {
    auto it = lists_.find(name);
    if (it == lists_.end()) return;
    ++it->second.status.unreadable;
    it->second.status.result = "unreadable: " + why;
    log_(LOG_ERR, "blocklist " + name + ": cannot read " + it->second.status.source + ": " + why + "; the " +
                      std::to_string(it->second.in_force.size()) + " entries in force stay", name);
}

std::vector<BlocklistStatus> Blocklists::status() const {
    std::vector<BlocklistStatus> out;
    for (const auto& [name, list] : lists_) out.push_back(list.status);
    return out;
}

std::size_t Blocklists::entries() const {
    std::size_t n = 0;
    for (const auto& [name, list] : lists_) n += list.in_force.size();
    return n;
}

}  // namespace banjo
