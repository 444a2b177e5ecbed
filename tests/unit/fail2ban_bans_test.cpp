// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's ban rows as banjo's state (src/fail2ban/fail2ban_bans.cpp): remaining times worked
// out by hand from the rows' time of ban and bantime.
#include "fail2ban/fail2ban_bans.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <limits>

using namespace banjo;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t now_s = 1'700'000'000;
constexpr Usec now = std::chrono::duration_cast<Usec>(std::chrono::seconds(now_s));

Usec at(std::int64_t seconds) { return std::chrono::duration_cast<Usec>(std::chrono::seconds(seconds)); }

Config config_with(std::vector<std::string> jails) {
    Config c;
    for (const auto& name : jails) {
        JailConfig j;
        j.settings.name = name;
        j.settings.ban.bantime = 10min;
        j.settings.max_lines = 2;
        j.settings.ignore.insert(*Cidr::parse("198.51.100.200/29"));
        c.jails.push_back(std::move(j));
    }
    return c;
}

Fail2banBanRow row(std::string jail, std::string ip, std::int64_t time, std::optional<std::int64_t> bantime,
                   std::int64_t count = 1) {
    Fail2banBanRow r;
    r.jail = std::move(jail);
    r.ip = std::move(ip);
    r.time_of_ban = time;
    r.bantime = bantime;
    r.ban_count = count;
    return r;
}

BanImportPlan plan(const std::vector<Fail2banBanRow>& rows, std::map<std::string, std::string> map = {}) {
    static const Config config = config_with({"sshd", "postfix"});
    return plan_ban_import(rows, config, BanImportSettings{now, std::move(map)});
}

const StoredBan* active(const BanImportPlan& p, const std::string& address) {
    for (const auto& b : p.active)
        if (b.address.to_string() == address) return &b;
    return nullptr;
}

const ImportedHistory* history(const BanImportPlan& p, const std::string& address) {
    for (const auto& h : p.history)
        if (h.address.to_string() == address) return &h;
    return nullptr;
}

const SkippedBans* skipped(const BanImportPlan& p, const std::string& address) {
    for (const auto& s : p.skipped)
        if (s.address == address) return &s;
    return nullptr;
}

}  // namespace

TEST_CASE("a ban still in force keeps the expiry fail2ban gave it, with its failures and last lines") {
    auto r = row("sshd", "203.0.113.5", now_s - 600, 3600);
    r.failures = 5;
    r.matches = {"line 1", "line 2", "line 3"};
    const auto p = plan({r});
    const StoredBan* b = active(p, "203.0.113.5");
    REQUIRE(b);
    CHECK(b->jail == "sshd");
    CHECK(b->banned_at == at(now_s - 600));
    CHECK(b->expires_at - now == 3000s);   // 3600 s bantime, 600 s of it gone
    CHECK(b->failures == 5);
    REQUIRE(b->lines);
    CHECK(*b->lines == std::vector<std::string>{"line 2", "line 3"});   // the jail's max-lines, the last ones
    CHECK(p.counts.at("sshd").active == 1);
    CHECK(history(p, "203.0.113.5")->bans == 1);
}

TEST_CASE("a permanent ban stays permanent however old it is") {
    const auto p = plan({row("sshd", "2001:db8::7", now_s - 10 * 86400, -1)});
    REQUIRE(active(p, "2001:db8::7"));
    CHECK(active(p, "2001:db8::7")->expires_at == infinite_usec);
    CHECK(p.counts.at("sshd").permanent == 1);
}

TEST_CASE("expired bans become ban history and ban log rows, the bips copy counted once") {
    auto older = row("sshd", "198.51.100.7", now_s - 3 * 86400, 600, 1);
    auto latest = row("sshd", "198.51.100.7", now_s - 2 * 86400, 1200, 2);
    auto bips = latest;
    bips.latest_only = true;
    const auto p = plan({older, latest, bips});
    CHECK_FALSE(active(p, "198.51.100.7"));
    const ImportedHistory* h = history(p, "198.51.100.7");
    REQUIRE(h);
    CHECK(h->bans == 2);
    CHECK(h->last_banned_at == at(now_s - 2 * 86400));
    REQUIRE(p.ban_log.size() == 2);
    const auto last = std::max_element(p.ban_log.begin(), p.ban_log.end(),
                                       [](const StoredBan& a, const StoredBan& b) { return a.banned_at < b.banned_at; });
    CHECK(last->expires_at == at(now_s - 2 * 86400 + 1200));
}

TEST_CASE("the ban count is fail2ban's bancount when its rows were purged") {
    const auto p = plan({row("sshd", "203.0.113.9", now_s - 86400, 600, 5)});
    CHECK(history(p, "203.0.113.9")->bans == 5);
}

TEST_CASE("an unknown bantime (fail2ban before 0.11) is the banjo jail's") {
    const auto p = plan({row("sshd", "203.0.113.10", now_s - 60, std::nullopt), row("sshd", "203.0.113.11", now_s - 60, -2)});
    REQUIRE(active(p, "203.0.113.10"));
    CHECK(active(p, "203.0.113.10")->expires_at - now == 540s);   // 10 min from a minute ago
    CHECK(active(p, "203.0.113.11")->expires_at - now == 540s);
}

TEST_CASE("addresses banjo rejects are reported and skipped, never imported") {
    const auto p = plan({row("sshd", "999.1.2.3", now_s - 60, 600), row("sshd", "not an address\n<script>", now_s - 60, 600),
                         row("sshd", "127.0.0.1", now_s - 60, 600), row("sshd", "", now_s - 60, 600),
                         row("sshd", "203.0.113.12", 0, 600), row("sshd", "203.0.113.13", now_s - 60, -7)});
    CHECK(p.active.empty());
    CHECK(skipped(p, "999.1.2.3")->reason == "not an IP address or network");
    CHECK(skipped(p, "not an address\\x0a<script>"));   // made printable for the report
    CHECK(skipped(p, "127.0.0.1")->reason.find("loopback") != std::string::npos);
    CHECK(skipped(p, ""));
    CHECK(skipped(p, "203.0.113.12")->reason.find("no valid time of ban") != std::string::npos);
    CHECK(skipped(p, "203.0.113.13")->reason.find("bantime -7") != std::string::npos);
    CHECK_FALSE(history(p, "127.0.0.1"));
}

TEST_CASE("a ban in force on the jail's ignore list is skipped, its history kept") {
    const auto p = plan({row("sshd", "198.51.100.201", now_s - 60, 600)});
    CHECK_FALSE(active(p, "198.51.100.201"));
    CHECK(skipped(p, "198.51.100.201")->reason.find("ignore list") != std::string::npos);
    CHECK(history(p, "198.51.100.201"));
}

TEST_CASE("jails banjo does not have are reported, or imported into the jail named with --jail") {
    const std::vector<Fail2banBanRow> rows{row("recidive", "203.0.113.20", now_s - 60, -1),
                                           row("recidive", "203.0.113.21", now_s - 60, -1)};
    const auto alone = plan(rows);
    CHECK(alone.active.empty());
    REQUIRE(alone.skipped.size() == 1);
    CHECK(alone.skipped[0].jail == "recidive");
    CHECK(alone.skipped[0].count == 2);
    CHECK(alone.skipped[0].reason.find("--jail recidive=NAME") != std::string::npos);
    const auto mapped = plan(rows, {{"recidive", "postfix"}});
    CHECK(mapped.counts.at("postfix").active == 2);
    CHECK(active(mapped, "203.0.113.20")->jail == "postfix");
}

TEST_CASE("bans older than history-age are left out and counted") {
    const auto p = plan({row("sshd", "203.0.113.30", now_s - 40 * 86400, 600), row("sshd", "203.0.113.31", now_s - 86400, 600)});
    CHECK_FALSE(history(p, "203.0.113.30"));
    CHECK(history(p, "203.0.113.31"));
    REQUIRE(p.skipped.size() == 1);
    CHECK(p.skipped[0].count == 1);
    CHECK(p.skipped[0].reason.find("history-age") != std::string::npos);
}

TEST_CASE("a huge bantime saturates to permanent instead of wrapping into the past") {
    const auto p = plan({row("sshd", "203.0.113.40", now_s - 60, std::numeric_limits<std::int64_t>::max() / 2)});
    REQUIRE(active(p, "203.0.113.40"));
    CHECK(active(p, "203.0.113.40")->expires_at == infinite_usec);
}
