// SPDX-License-Identifier: GPL-2.0-or-later
// conf/filter.d/recidive.toml and conf/jail.d/recidive.toml: banjo's own ban entries (as
// src/daemon/ban_service.cpp writes them) count against the banned address, except those of
// the recidive jail itself, and only entries journald attributes to banjo.service's root
// process are read.
#include "config/config.hpp"
#include "config/filter_file.hpp"
#include "core/filter.hpp"
#include "core/jail_pipeline.hpp"
#include "journal/entry_router.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace banjo;

namespace {

const std::string root = BANJO_SOURCE_ROOT;
const std::string ban_message_id = "add223c30bb94799abc230d2cf7655f3";

FilterSpec recidive_spec() { return load_filter_file(root + "/conf/filter.d/recidive.toml"); }

const JailConfig& shipped_jail(const Config& c, const std::string& name) {
    auto it = std::find_if(c.jails.begin(), c.jails.end(), [&](const JailConfig& j) { return j.settings.name == name; });
    REQUIRE_MESSAGE(it != c.jails.end(), "no jail " << name << " in the shipped config");
    return *it;
}

// "Banned ADDRESS in jail JAIL after N failures", exactly as BanService::ban words it.
std::string ban_message(const std::string& address, const std::string& jail, unsigned failures) {
    return "Banned " + address + " in jail " + jail + " after " + std::to_string(failures) + " failures";
}

// Which of `jails` an entry with these fields is routed to. A second jail (sshd's match) keeps
// the router from taking every entry unread, as it does when one jail's match is the union.
std::vector<std::size_t> routed(const std::map<std::string, std::string>& fields) {
    EntryRouter router({recidive_spec().journal_match, {{"_SYSTEMD_UNIT=ssh.service"}}});
    std::vector<std::size_t> out;
    router.route_fields(
        [&](const std::string& name) -> std::optional<std::string_view> {
            auto it = fields.find(name);
            if (it == fields.end()) return std::nullopt;
            return std::string_view(it->second);
        },
        out);
    return out;
}

}  // namespace

TEST_CASE("a ban by another jail counts against the banned address") {
    Filter f = Filter::compile(recidive_spec(), "");
    for (std::string address : {"198.51.100.7", "2001:db8::7"}) {
        auto m = f.match(ban_message(address, "sshd", 5));
        REQUIRE(m);
        CHECK(m->kind == MatchKind::failure);
        CHECK(m->address == Address::parse(address));
    }
    CHECK(f.match(ban_message("203.0.113.9", "nginx-http-auth", 0)));
    CHECK(f.match(ban_message("203.0.113.9", "recidive-web", 3)));
}

TEST_CASE("the recidive jail's own bans never count, or every long ban would feed the next") {
    Filter f = Filter::compile(recidive_spec(), "");
    CHECK_FALSE(f.match(ban_message("198.51.100.7", "recidive", 5)));
}

TEST_CASE("only banjod's exact wording counts, anchored at both ends") {
    Filter f = Filter::compile(recidive_spec(), "");
    CHECK_FALSE(f.match("Unbanned 198.51.100.7 in jail sshd (expired)"));
    CHECK_FALSE(f.match("Banned 198.51.100.7 in jail sshd"));
    CHECK_FALSE(f.match("x " + ban_message("198.51.100.7", "sshd", 5)));
    CHECK_FALSE(f.match(ban_message("198.51.100.7", "sshd", 5) + " Banned 203.0.113.9"));
    CHECK_FALSE(f.match("Banned example.com in jail sshd after 5 failures"));
}

TEST_CASE("only ban entries journald attributes to banjo.service are read") {
    const std::map<std::string, std::string> banjod{
        {"MESSAGE_ID", ban_message_id}, {"_SYSTEMD_UNIT", "banjo.service"}, {"_UID", "0"}, {"_COMM", "banjod"}};
    CHECK(routed(banjod) == std::vector<std::size_t>{0});

    // A process of another user inside banjo.service's cgroup (a drop-in's ExecStartPost= with
    // User=): the unit is right, the uid the kernel gives journald is not.
    std::map<std::string, std::string> other_user = banjod;
    other_user["_UID"] = "1000";
    CHECK(routed(other_user).empty());

    // `logger --journald` or sd_journal_send by a local user: any MESSAGE_ID and MESSAGE, and a
    // process name of the user's choosing, but the cgroup journald sees is the user's.
    const std::map<std::string, std::string> forged{{"MESSAGE_ID", ban_message_id},
                                                    {"_SYSTEMD_UNIT", "user@1000.service"},
                                                    {"_SYSTEMD_USER_UNIT", "banjo.service"},
                                                    {"_COMM", "banjod"},
                                                    {"SYSLOG_IDENTIFIER", "banjod"}};
    CHECK(routed(forged).empty());

    // banjod's other entries (unbans, its own log lines) carry another MESSAGE_ID or none.
    CHECK(routed({{"MESSAGE_ID", "0123456789abcdef0123456789abcdef"}, {"_SYSTEMD_UNIT", "banjo.service"}, {"_UID", "0"}})
              .empty());
    CHECK(routed({{"_SYSTEMD_UNIT", "banjo.service"}, {"_UID", "0"}}).empty());
}

TEST_CASE("the shipped recidive jail: off by default, 5 bans in a day ban for a week on every port") {
    Config c = load_config(root + "/conf/banjo.toml", {root + "/conf/filter.d"});
    const JailConfig& j = shipped_jail(c, "recidive");
    CHECK_FALSE(j.settings.enabled);
    CHECK(j.settings.filter == "recidive");
    CHECK(j.settings.maxretry == 5);
    CHECK(j.settings.findtime == std::chrono::duration_cast<Usec>(std::chrono::days(1)));
    CHECK(j.settings.ban.bantime == std::chrono::duration_cast<Usec>(std::chrono::weeks(1)));
    CHECK(j.settings.ports.empty());
    CHECK(effective_journal_match(j) == recidive_spec().journal_match);
}

TEST_CASE("five bans by other jails within findtime ban the address in recidive; spread over days they do not") {
    Config c = load_config(root + "/conf/banjo.toml", {root + "/conf/filter.d"});
    const JailConfig& j = shipped_jail(c, "recidive");
    const Usec hour = std::chrono::duration_cast<Usec>(std::chrono::hours(1));

    auto feed = [](JailPipeline& p, const std::string& message, Usec time) -> std::optional<BanDecision> {
        auto m = p.match(message);
        return m ? p.count(*m, {}, time) : std::nullopt;
    };

    JailPipeline within(j.settings, j.filter);
    Usec t = std::chrono::duration_cast<Usec>(std::chrono::hours(500'000));
    const char* jails[] = {"sshd", "postfix", "sshd", "recidive", "dovecot", "sshd"};
    std::optional<BanDecision> decision;
    for (const char* jail : jails) {
        t += 4 * hour;
        decision = feed(within, ban_message("198.51.100.7", jail, 5), t);
        if (decision) break;
    }
    REQUIRE(decision);
    CHECK(decision->address == *Address::parse("198.51.100.7"));
    CHECK(decision->failures == 5);
    CHECK(decision->bantime == std::chrono::duration_cast<Usec>(std::chrono::weeks(1)));
    CHECK(within.counters().matches == 5);   // the recidive jail's own ban was not one of them

    JailPipeline spread(j.settings, j.filter);
    for (int i = 0; i < 10; ++i) CHECK_FALSE(feed(spread, ban_message("198.51.100.8", "sshd", 5), t + i * 7 * hour));
}
