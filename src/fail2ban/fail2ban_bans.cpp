// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/fail2ban_bans.hpp"

#include "core/special_address.hpp"
#include "daemon/restore_check.hpp"
#include "text/printable.hpp"

#include <algorithm>
#include <climits>
#include <set>
#include <tuple>

namespace banjo {

namespace {

// fail2ban's upgrade from a database without bantime wrote this: "not known".
constexpr std::int64_t unknown_bantime = -2;
constexpr std::int64_t permanent_bantime = -1;

const JailConfig* find_jail(const Config& config, const std::string& name) {
    for (const auto& j : config.jails)
        if (j.settings.name == name) return &j;
    return nullptr;
}

// Seconds to microseconds; what does not fit is "never" (a ban of a million years is permanent).
Usec from_seconds(std::int64_t s) {
    constexpr std::int64_t limit = std::chrono::duration_cast<std::chrono::seconds>(infinite_usec).count();
    return s >= limit ? infinite_usec : std::chrono::duration_cast<Usec>(std::chrono::seconds(s));
}

// The row's bantime; nullopt for a value fail2ban never writes.
std::optional<Usec> bantime_of(const Fail2banBanRow& row, const JailConfig& jail) {
    if (!row.bantime || *row.bantime == unknown_bantime) return jail.settings.ban.bantime;
    if (*row.bantime == permanent_bantime) return infinite_usec;
    if (*row.bantime < 0) return std::nullopt;
    return from_seconds(*row.bantime);
}

std::optional<std::string> never_banned(const Cidr& address) {
    if (address.is_host()) {
        if (auto kind = special_address(address.network))
            return "is " + std::string(describe(*kind)) + ", which banjo never bans";
    } else if (auto special = special_networks().overlapping(address)) {
        return "holds " + special->to_string() + ", which banjo never bans";
    }
    return std::nullopt;
}

unsigned clamp_unsigned(std::int64_t v) { return static_cast<unsigned>(std::clamp<std::int64_t>(v, 0, UINT_MAX)); }

BanLines last_lines(const std::vector<std::string>& matches, std::size_t max_lines) {
    if (matches.empty() || max_lines == 0) return nullptr;
    const std::size_t from = matches.size() > max_lines ? matches.size() - max_lines : 0;
    return std::make_shared<const std::vector<std::string>>(matches.begin() + static_cast<std::ptrdiff_t>(from), matches.end());
}

struct Group {
    std::string fail2ban_jail;   // the first row's, for the report
    std::string ip;
    const JailConfig* jail = nullptr;
    std::vector<const Fail2banBanRow*> rows;
};

class Planner {
public:
    Planner(const Config& config, const BanImportSettings& settings) : config_(config), settings_(settings) {
        cutoff_ = settings.now > config.history_age ? settings.now - config.history_age : Usec(0);
    }

    void add(const Fail2banBanRow& row) {
        auto mapped = settings_.jail_map.find(row.jail);
        const std::string& name = mapped == settings_.jail_map.end() ? row.jail : mapped->second;
        const JailConfig* jail = find_jail(config_, name);
        if (!jail) {
            missing_[row.jail].first = name;
            missing_[row.jail].second.insert(row.ip);
            return;
        }
        auto address = Cidr::parse(row.ip);
        if (!address) return skip(row.jail, row.ip, "not an IP address or network");
        if (auto why = never_banned(*address)) return skip(row.jail, row.ip, *why);
        if (row.time_of_ban <= 0) return skip(row.jail, row.ip, "no valid time of ban (" + std::to_string(row.time_of_ban) + ")");
        Group& g = groups_[{name, *address}];
        if (g.rows.empty()) {
            g.fail2ban_jail = row.jail;
            g.ip = row.ip;
            g.jail = jail;
        }
        g.rows.push_back(&row);
    }

    BanImportPlan finish() {
        for (auto& [key, group] : groups_) convert(key.first, key.second, group);
        for (const auto& [fail2ban_jail, target] : missing_) {
            std::string reason = "no jail " + target.first + " in banjo's configuration";
            if (target.first == fail2ban_jail) reason += " (--jail " + fail2ban_jail + "=NAME imports them into jail NAME)";
            plan_.skipped.push_back({fail2ban_jail, "", target.second.size(), reason});
        }
        for (const auto& [fail2ban_jail, n] : too_old_)
            plan_.skipped.push_back({fail2ban_jail, "", n,
                                     "not banned within history-age (" + format_timespan(config_.history_age) +
                                         "), which banjod would forget at once"});
        std::stable_sort(plan_.skipped.begin(), plan_.skipped.end(),
                         [](const SkippedBans& a, const SkippedBans& b) { return a.jail < b.jail; });
        return std::move(plan_);
    }

private:
    void skip(const std::string& jail, const std::string& ip, const std::string& reason) {
        if (skipped_once_.insert({jail, ip, reason}).second) plan_.skipped.push_back({jail, printable(ip, 100), 1, reason});
    }

    void convert(const std::string& jail_name, const Cidr& address, const Group& g) {
        const Fail2banBanRow* latest = g.rows.front();
        std::size_t ban_rows = 0;
        std::int64_t ban_count = 1;
        for (const Fail2banBanRow* r : g.rows) {
            if (r->time_of_ban > latest->time_of_ban) latest = r;
            if (!r->latest_only) ++ban_rows;
            ban_count = std::max(ban_count, r->ban_count);
        }
        ban_count = std::max<std::int64_t>(ban_count, static_cast<std::int64_t>(ban_rows));
        const Usec banned = from_seconds(latest->time_of_ban);
        const auto bantime = bantime_of(*latest, *g.jail);
        const Usec expires = bantime ? saturating_add(banned, *bantime) : banned;
        BanImportCounts& counts = plan_.counts[jail_name];
        const bool in_force = expires > settings_.now;
        if (!bantime)
            skip(g.fail2ban_jail, g.ip, "bantime " + std::to_string(*latest->bantime) + " is none fail2ban writes; the ban is not imported");
        if (in_force) {
            StoredBan ban{jail_name, address, banned, expires, clamp_unsigned(latest->failures), BanOrigin::filter, {},
                          last_lines(latest->matches, g.jail->settings.max_lines)};
            if (auto why = why_not_restored(Ban{jail_name, address, banned, expires, ban.failures, BanOrigin::restored}, config_)) {
                skip(g.fail2ban_jail, g.ip, *why + "; the ban in force is not imported");
            } else {
                plan_.active.push_back(std::move(ban));
                ++counts.active;
                if (expires == infinite_usec) ++counts.permanent;
            }
        } else if (banned < cutoff_) {
            ++too_old_[g.fail2ban_jail];
            return;
        }
        plan_.history.push_back({jail_name, address, clamp_unsigned(ban_count), banned});
        ++counts.history;
        for (const Fail2banBanRow* r : g.rows) {
            // bips rows copy the latest bans row; alone (bans purged) they still say it happened.
            if (r->latest_only && ban_rows > 0) continue;
            const Usec at = from_seconds(r->time_of_ban);
            if (at < cutoff_) continue;
            const auto span = bantime_of(*r, *g.jail);
            plan_.ban_log.push_back(StoredBan{jail_name, address, at, span ? saturating_add(at, *span) : at,
                                              clamp_unsigned(r->failures), BanOrigin::filter});
            ++counts.logged;
        }
    }

    const Config& config_;
    const BanImportSettings& settings_;
    Usec cutoff_{};
    std::map<std::pair<std::string, Cidr>, Group> groups_;
    std::map<std::string, std::pair<std::string, std::set<std::string>>> missing_;   // fail2ban jail -> (banjo name, ips)
    std::map<std::string, std::size_t> too_old_;
    std::set<std::tuple<std::string, std::string, std::string>> skipped_once_;
    BanImportPlan plan_;
};

}  // namespace

BanImportPlan plan_ban_import(const std::vector<Fail2banBanRow>& rows, const Config& config,
                              const BanImportSettings& settings) {
    Planner planner(config, settings);
    for (const Fail2banBanRow& row : rows) planner.add(row);
    return planner.finish();
}

}  // namespace banjo
