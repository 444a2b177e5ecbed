// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl bans [JAIL], ban JAIL ADDRESS [DURATION], unban [JAIL] ADDRESS: through
// org.banjo1.Manager, whose Ban/Unban/ListBans take the jail as an argument.
#include "ctl/ban_list.hpp"
#include "ctl/bus_client.hpp"
#include "ctl/command.hpp"
#include "ctl/time_text.hpp"
#include "text/json_writer.hpp"

#include <map>
#include <utility>

namespace banjo {

namespace {

int run_bans(const Invocation& inv) {
    require_arguments(inv, 0, 1);
    const std::string jail = inv.args.positional().empty() ? std::string() : inv.args.positional()[0];
    BanjoBus bus;
    auto list = call_banjod([&] { return bus.manager().ListBans(jail); });
    const std::uint64_t now = realtime_now_usec();
    std::vector<BanEntry> bans;
    for (const auto& b : list) bans.push_back({b.get<0>(), b.get<1>(), b.get<2>(), b.get<3>(), b.get<4>(), b.get<5>(), {}});
    if (inv.args.has("--lines")) {
        auto lines = call_banjod([&] { return bus.manager().ListBanLines(jail); });
        std::map<std::pair<std::string, std::string>, std::vector<std::string>> by_ban;
        for (auto& l : lines) by_ban[{l.get<0>(), l.get<1>()}] = std::move(l.get<2>());
        for (auto& b : bans) {
            auto it = by_ban.find({b.jail, b.address});
            b.lines = it == by_ban.end() ? std::vector<std::string>{} : std::move(it->second);
        }
    }
    sort_bans(bans);

    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.key("jail");
        jail.empty() ? json.null() : json.value(jail);
        json.key("bans");
        write_bans_json(json, bans, now);
        json.end_object();
        print(json.finish());
        return exit_ok;
    }
    std::string out = bans_table(bans, now, true).render(inv.term, inv.legend);
    out += ban_lines_text(bans);
    if (inv.legend) {
        if (!bans.empty()) out += "\n";
        out += std::to_string(bans.size()) + (bans.size() == 1 ? " active ban" : " active bans") +
               (jail.empty() ? "" : " in jail " + printable(jail)) + ".\n";
    }
    print(out);
    return exit_ok;
}

// DURATION in systemd's syntax; absent: 0, which tells banjod to apply the jail's policy.
std::uint64_t parse_duration_argument(const std::string& text) {
    auto d = parse_timespan(text);
    if (!d) throw usage_error("'" + text + "' is not a duration (systemd time-span syntax: 90s, 10min, 1h 30min, 1w, infinity)");
    if (*d == infinite_usec) return never_usec;
    if (d->count() <= 0) throw usage_error("a ban duration must be longer than 0 (leave it out for the jail's bantime)");
    return static_cast<std::uint64_t>(d->count());
}

int run_ban(const Invocation& inv) {
    require_arguments(inv, 2, 3);
    const auto& pos = inv.args.positional();
    const std::string& jail = pos[0];
    const std::string& address = pos[1];
    const std::uint64_t duration = pos.size() > 2 ? parse_duration_argument(pos[2]) : 0;
    BanjoBus bus;
    const std::uint64_t expires = call_banjod([&] { return bus.manager().Ban(jail, address, duration); });

    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.field("jail", jail);
        json.field("address", address);
        json.key("duration_usec");
        duration == 0 || duration == never_usec ? json.null() : json.value(duration);
        json.key("expires_usec");
        expires == never_usec ? json.null() : json.value(expires);
        json.field("permanent", expires == never_usec);
        json.end_object();
        print(json.finish());
        return exit_ok;
    }
    if (expires == never_usec) {
        print("Banned " + printable(address) + " in jail " + printable(jail) + " permanently.\n");
    } else {
        print("Banned " + printable(address) + " in jail " + printable(jail) + " until " + timestamp_text(expires) +
              " (" + remaining_text(expires, realtime_now_usec()) + ").\n");
    }
    return exit_ok;
}

// unban --all [JAIL]: every ban of JAIL or of every jail.
int run_unban_all(const Invocation& inv) {
    require_arguments(inv, 0, 1);
    const std::string jail = inv.args.positional().empty() ? std::string() : inv.args.positional()[0];
    BanjoBus bus;
    const std::uint32_t removed = call_banjod([&] { return bus.manager().UnbanAll(jail); });
    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.key("jail");
        jail.empty() ? json.null() : json.value(jail);
        json.field("all", true);
        json.field("removed", removed);
        json.end_object();
        print(json.finish());
        return exit_ok;
    }
    print("Unbanned " + std::to_string(removed) + (removed == 1 ? " ban" : " bans") +
          (jail.empty() ? " in every jail" : " in jail " + printable(jail)) + ".\n");
    return exit_ok;
}

int run_unban(const Invocation& inv) {
    if (inv.args.has("--all")) return run_unban_all(inv);
    require_arguments(inv, 1, 2);
    const auto& pos = inv.args.positional();
    const std::string jail = pos.size() == 2 ? pos[0] : std::string();
    const std::string& address = pos.back();
    BanjoBus bus;
    const std::uint32_t removed = call_banjod([&] { return bus.manager().Unban(jail, address); });

    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.key("jail");
        jail.empty() ? json.null() : json.value(jail);
        json.field("address", address);
        json.field("removed", removed);
        json.end_object();
        print(json.finish());
        return exit_ok;
    }
    if (!jail.empty()) print("Unbanned " + printable(address) + " in jail " + printable(jail) + ".\n");
    else
        print("Unbanned " + printable(address) + " in " + std::to_string(removed) + (removed == 1 ? " jail" : " jails") +
              ".\n");
    return exit_ok;
}

}  // namespace

std::vector<CommandSpec> ban_commands() {
    return {
        {
            "bans",
            {"[JAIL]"},
            "List the active bans, of every jail or of JAIL",
            "One line per ban: jail, address, when it was banned, when it expires, the time left,\n"
            "the failures that led to it and its origin (filter, manual or restored).\n"
            "With --lines, below the table the matched log lines behind each ban (the jail's\n"
            "max-lines, oldest first); they carry user names, so reading them needs the polkit\n"
            "action org.banjo1.read-lines.",
            {no_legend_option, {"--lines", "", "", "show the log lines behind each ban (org.banjo1.read-lines)"}},
            run_bans,
        },
        {
            "ban",
            {"JAIL ADDRESS [DURATION]"},
            "Ban ADDRESS in JAIL",
            "Bans ADDRESS (IPv4 or IPv6) in JAIL for DURATION, in systemd's time-span syntax (\"90s\",\n"
            "\"1h 30min\", \"1w\"; \"infinity\" bans permanently). Without DURATION the jail's policy\n"
            "decides, including its increment for repeat offenders. Banning an address that is\n"
            "already banned replaces its expiry. Needs the polkit action org.banjo1.manage.",
            {},
            run_ban,
        },
        {
            "unban",
            {"[JAIL] ADDRESS", "--all [JAIL]"},
            "Lift the ban of ADDRESS (or of a network), or every ban, in JAIL or in every jail",
            "Lifts the ban of ADDRESS in JAIL, or in every jail that bans it when JAIL is left out.\n"
            "ADDRESS may be a network in CIDR form (203.0.113.0/24, 2001:db8::/48): every ban of an\n"
            "address inside it is lifted. Fails (exit status 1) when nothing is banned there.\n"
            "With --all, lifts every ban of JAIL, or of every jail (none is no error). Needs the\n"
            "polkit action org.banjo1.manage.",
            {{"--all", "", "", "lift every ban (of JAIL, or of every jail)"}},
            run_unban,
        },
    };
}

}  // namespace banjo
