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

using LineRows = std::vector<sdbus::Struct<std::string, std::string, std::string, std::vector<std::string>>>;

struct LinesAnswer {
    LineRows lines;
    std::string withheld;   // why the lines were not given; empty: they were
};

// The log lines need org.banjo1.read-lines: without it (or from a banjod without WhyLines)
// the rest of the answer stands and says the lines were withheld.
LinesAnswer why_lines(BanjoBus& bus, const std::string& address) {
    LinesAnswer out;
    try {
        out.lines = bus.manager().WhyLines(address);
    } catch (const sdbus::Error& e) {
        if (e.getName() == "org.banjo1.Error.AccessDenied")
            out.withheld = "reading them needs the polkit action org.banjo1.read-lines";
        else if (e.getName() == "org.freedesktop.DBus.Error.UnknownMethod")
            out.withheld = "this banjod does not give them (no WhyLines)";
        else
            out.withheld = e.getMessage().empty() ? e.getName() : e.getMessage();
    }
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
    std::vector<BanEntry> active = ban_entries(active_list);
    const std::vector<BanEntry> past = ban_entries(past_list);
    const std::uint64_t now = realtime_now_usec();
    const LinesAnswer lines = why_lines(bus, address);
    std::map<std::string, std::vector<std::string>> failure_lines;   // by jail
    for (const auto& l : lines.lines) {
        if (l.get<1>() == "failures") failure_lines[l.get<0>()] = l.get<3>();
        if (l.get<1>() != "ban") continue;
        for (auto& b : active)
            if (b.jail == l.get<0>() && b.address == l.get<2>()) b.lines = l.get<3>();
    }
    if (lines.withheld.empty())
        for (auto& b : active)
            if (!b.lines) b.lines = std::vector<std::string>{};

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
            json.key("lines");
            if (!lines.withheld.empty()) json.null();
            else json.value(failure_lines[j.get<0>()]);
            json.end_object();
        }
        json.end_array();
        json.key("active");
        write_bans_json(json, active, now);
        json.key("past");
        write_bans_json(json, past, now);
        json.key("lines_withheld");
        lines.withheld.empty() ? json.null() : json.value(lines.withheld);
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
        for (const auto& l : failure_lines[j.get<0>()]) out += "  line: " + printable(l) + "\n";
    }
    out += "\nBans in force:\n";
    out += active.empty() ? "  none\n" : bans_table(active, now, true).render(inv.term, inv.legend) + ban_lines_text(active);
    out += "\nBans in the ban log:\n";
    out += past.empty() ? "  none\n" : bans_table(past, now, true).render(inv.term, inv.legend);
    if (!lines.withheld.empty()) out += "\nLog lines withheld: " + lines.withheld + ".\n";
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
        "log (kept for history-age). Open to every user; the matched log lines of its failures and\n"
        "of its bans in force are shown only to callers with the polkit action\n"
        "org.banjo1.read-lines (root always), and said to be withheld to others.",
        {no_legend_option},
        run_why,
    }};
}

}  // namespace banjo
