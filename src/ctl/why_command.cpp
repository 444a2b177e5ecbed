// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl why ADDRESS: what banjod knows about one address (Manager.Why), the question an
// administrator asks when a user says "I'm locked out": per jail its ignore-list hit, its
// failures counted now, its earlier bans; then its bans in force and in the ban log.
#include "ctl/ban_list.hpp"
#include "ctl/bus_client.hpp"
#include "ctl/command.hpp"
#include "ctl/time_text.hpp"
#include "text/json_writer.hpp"

#include <map>

namespace banjo {

namespace {

std::vector<BanEntry> ban_entries(
    const std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, uint32_t, std::string>>& list) {
    std::vector<BanEntry> out;
    for (const auto& b : list) out.push_back({b.get<0>(), b.get<1>(), b.get<2>(), b.get<3>(), b.get<4>(), b.get<5>()});
    return out;
}

int run_why(const Invocation& inv) {
    require_arguments(inv, 1, 1);
    const std::string& address = inv.args.positional()[0];
    BanjoBus bus;
    auto [jails, active_list, past_list] = call_banjod([&] { return bus.manager().Why(address); });
    // Which source holds the address (ignore-file line, host name...): a banjod older than
    // IgnoreHits only gives the entry.
    std::map<std::string, std::string> sources;
    try {
        for (const auto& h : bus.manager().IgnoreHits(address)) sources[h.get<0>()] = h.get<2>();
    } catch (const sdbus::Error&) {
    }
    const std::vector<BanEntry> active = ban_entries(active_list), past = ban_entries(past_list);
    const std::uint64_t now = realtime_now_usec();

    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.field("address", address);
        json.key("jails").begin_array();
        for (const auto& j : jails) {
            json.begin_object();
            json.field("jail", j.get<0>());
            json.field("enabled", j.get<1>());
            json.key("ignored_by");
            j.get<2>().empty() ? json.null() : json.value(j.get<2>());
            json.key("ignore_source");
            sources.count(j.get<0>()) ? json.value(sources[j.get<0>()]) : json.null();
            json.field("previous_bans", j.get<3>());
            json.field("maxretry", j.get<4>());
            json.key("failures_usec").begin_array();
            for (std::uint64_t t : j.get<5>()) json.value(t);
            json.end_array();
            json.end_object();
        }
        json.end_array();
        json.key("active");
        write_bans_json(json, active, now);
        json.key("past");
        write_bans_json(json, past, now);
        json.end_object();
        print(json.finish());
        return exit_ok;
    }

    std::string out;
    for (const auto& j : jails) {
        const auto& times = j.get<5>();
        std::string line = printable(j.get<0>()) + (j.get<1>() ? "" : " (disabled)") + ": ";
        if (!j.get<2>().empty())
            line += "ignored (" + printable(j.get<2>()) +
                    (sources.count(j.get<0>()) ? " from " + printable(sources[j.get<0>()]) : std::string(" on the ignore list")) +
                    "); ";
        line += std::to_string(times.size()) + " of " + std::to_string(j.get<4>()) + " failures counted now";
        line += ", " + std::to_string(j.get<3>()) + " earlier " + (j.get<3>() == 1 ? "ban" : "bans");
        out += line + "\n";
        for (std::uint64_t t : times) out += "  failure at " + timestamp_text(t) + "\n";
    }
    out += "\nBans in force:\n";
    out += active.empty() ? "  none\n" : bans_table(active, now, true).render(inv.term, inv.legend);
    out += "\nBans in the ban log:\n";
    out += past.empty() ? "  none\n" : bans_table(past, now, true).render(inv.term, inv.legend);
    print(out);
    return exit_ok;
}

}  // namespace

std::vector<CommandSpec> why_commands() {
    return {{
        "why",
        {"ADDRESS"},
        "Show why ADDRESS is (or is not) banned",
        "For each jail: whether its ignore list holds ADDRESS (which entry, and its source: the\n"
        "jail's ignore list, a host name, an ignore-file line, a cached ignore-command answer),\n"
        "the failures of\n"
        "ADDRESS counted in the jail's window now with their times, out of maxretry, and the\n"
        "earlier bans its increment counts; then the bans of ADDRESS in force and those in the ban\n"
        "log (kept for history-age). Open to every user.",
        {no_legend_option},
        run_why,
    }};
}

}  // namespace banjo
