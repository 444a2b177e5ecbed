// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl status [JAIL]: every jail in one table, or one jail's settings and bans.
#include "ctl/ban_list.hpp"
#include "ctl/bus_client.hpp"
#include "ctl/command.hpp"
#include "ctl/table.hpp"
#include "ctl/time_text.hpp"
#include "text/json_writer.hpp"

namespace banjo {

namespace {

Colour backend_colour(const std::string& state) {
    return state == "ready" ? Colour::green : state == "degraded" ? Colour::yellow : Colour::red;
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

int status_all(const Invocation& inv) {
    BanjoBus bus;
    ManagerProxy& m = bus.manager();
    auto jails = call_banjod([&] { return m.ListJails(); });
    const std::string version = call_banjod([&] { return m.Version(); });
    const std::string backend = call_banjod([&] { return m.Backend(); });
    const std::string backend_state = call_banjod([&] { return m.BackendState(); });
    const std::uint64_t entries = call_banjod([&] { return m.EntriesProcessed(); });
    const std::uint64_t failures = call_banjod([&] { return m.FailuresFound(); });
    const std::uint32_t active = call_banjod([&] { return m.ActiveBans(); });
    const std::uint64_t total = call_banjod([&] { return m.TotalBans(); });

    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.field("version", version);
        json.field("backend", backend);
        json.field("backend_state", backend_state);
        json.field("entries_processed", entries);
        json.field("failures_found", failures);
        json.field("active_bans", active);
        json.field("total_bans", total);
        json.key("jails").begin_array();
        for (const auto& j : jails) {
            json.begin_object();
            json.field("name", j.get<0>());
            json.field("object_path", std::string(j.get<1>()));
            json.field("enabled", j.get<2>());
            json.field("tracked", j.get<3>());
            json.field("active_bans", j.get<4>());
            json.field("total_bans", j.get<5>());
            json.end_object();
        }
        json.end_array().end_object();
        print(json.finish());
        return exit_ok;
    }

    Table table({{"JAIL"}, {"STATE"}, {"TRACKED", Align::right}, {"ACTIVE BANS", Align::right},
                 {"TOTAL BANS", Align::right}});
    std::size_t enabled = 0;
    for (const auto& j : jails) {
        enabled += j.get<2>() ? 1 : 0;
        table.add_row({Cell(printable(j.get<0>()), Colour::bold),
                       j.get<2>() ? Cell("enabled", Colour::green) : Cell("disabled", Colour::grey),
                       std::to_string(j.get<3>()), std::to_string(j.get<4>()), std::to_string(j.get<5>())});
    }
    std::string out = table.render(inv.term, inv.legend);
    if (inv.legend) {
        out += "\n" + plural(jails.size(), "jail", "jails") + " (" + std::to_string(enabled) + " enabled), " +
               plural(active, "active ban", "active bans") + ", " + std::to_string(total) + " since start.\n";
        out += "banjod " + printable(version) + ", backend " + printable(backend) + " (" +
               inv.term.paint(printable(backend_state), backend_colour(backend_state)) + "), " +
               std::to_string(entries) + " journal entries read, " + plural(failures, "failure", "failures") +
               " found.\n";
    }
    print(out);
    return exit_ok;
}

template <typename T>
T property(const std::map<std::string, sdbus::Variant>& props, const char* name) {
    auto it = props.find(name);
    if (it == props.end())
        throw CtlError(exit_failure, std::string("banjod's jail object has no property ") + name);
    return call_banjod([&] { return it->second.get<T>(); });
}

int status_jail(const Invocation& inv, const std::string& name) {
    BanjoBus bus;
    auto jail = bus.jail(name);
    const auto props = call_banjod([&] { return jail->properties(); });
    const auto list = call_banjod([&] { return jail->ListBans(); });
    const std::uint64_t now = realtime_now_usec();

    const std::string jail_name = property<std::string>(props, "Name");
    const bool enabled = property<bool>(props, "Enabled");
    const std::string filter = property<std::string>(props, "Filter");
    const std::string mode = property<std::string>(props, "Mode");
    const auto journal_match = property<std::vector<std::string>>(props, "JournalMatch");
    const std::uint32_t maxretry = property<std::uint32_t>(props, "MaxRetry");
    const std::uint64_t findtime = property<std::uint64_t>(props, "FindTimeUSec");
    const std::uint64_t bantime = property<std::uint64_t>(props, "BanTimeUSec");
    const auto ignore = property<std::vector<std::string>>(props, "IgnoreList");
    const std::uint32_t tracked = property<std::uint32_t>(props, "TrackedAddresses");
    const std::uint32_t active = property<std::uint32_t>(props, "ActiveBans");
    const std::uint64_t total_failures = property<std::uint64_t>(props, "TotalFailures");
    const std::uint64_t total_bans = property<std::uint64_t>(props, "TotalBans");

    std::vector<BanEntry> bans;
    for (const auto& b : list)
        bans.push_back({jail_name, b.get<0>(), b.get<1>(), b.get<2>(), b.get<3>(), b.get<4>()});
    sort_bans(bans);

    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.field("name", jail_name);
        json.field("object_path", std::string(jail->getObjectPath()));
        json.field("enabled", enabled);
        json.field("filter", filter);
        json.field("mode", mode);
        json.field("journal_match", journal_match);
        json.field("maxretry", maxretry);
        json.field("findtime_usec", findtime);
        json.field("findtime", span_text(findtime));
        json.key("bantime_usec");
        bantime == never_usec ? json.null() : json.value(bantime);
        json.field("bantime", span_text(bantime));
        json.field("ignore", ignore);
        json.field("tracked", tracked);
        json.field("active_bans", active);
        json.field("total_failures", total_failures);
        json.field("total_bans", total_bans);
        json.key("bans");
        write_bans_json(json, bans, now);
        json.end_object();
        print(json.finish());
        return exit_ok;
    }

    // Right-aligned labels, as timedatectl and resolvectl print them.
    std::string out;
    auto row = [&](const std::string& label, const std::string& value) {
        out += std::string(label.size() < 14 ? 14 - label.size() : 0, ' ') + label + (label.empty() ? "  " : ": ") +
               value + "\n";
    };
    auto list_rows = [&](const std::string& label, const std::vector<std::string>& items) {
        if (items.empty()) return row(label, "(none)");
        for (std::size_t i = 0; i < items.size(); ++i) row(i == 0 ? label : "", printable(items[i]));
    };
    out += inv.term.paint("Jail " + printable(jail_name), Colour::bold) + " (" +
           (enabled ? inv.term.paint("enabled", Colour::green) : inv.term.paint("disabled", Colour::grey)) + ")\n";
    row("Filter", printable(filter) + (mode.empty() ? "" : " (mode " + printable(mode) + ")"));
    list_rows("Journal match", journal_match);
    row("Max retry", std::to_string(maxretry) + (maxretry == 1 ? " failure" : " failures"));
    row("Find time", span_text(findtime));
    row("Ban time", span_text(bantime));
    list_rows("Ignore list", ignore);
    row("Tracked", std::to_string(tracked) + (tracked == 1 ? " address" : " addresses"));
    row("Active bans", std::to_string(active));
    row("Failures", std::to_string(total_failures) + " since start");
    row("Total bans", std::to_string(total_bans) + " since start");
    if (!bans.empty()) out += "\n" + bans_table(bans, now, false).render(inv.term, inv.legend);
    print(out);
    return exit_ok;
}

int run_status(const Invocation& inv) {
    require_arguments(inv, 0, 1);
    return inv.args.positional().empty() ? status_all(inv) : status_jail(inv, inv.args.positional()[0]);
}

}  // namespace

std::vector<CommandSpec> status_commands() {
    return {{
        "status",
        {"[JAIL]"},
        "Show every jail, or one jail's settings and bans",
        "Without JAIL: one table of the jails (name, state, addresses tracked inside findtime, active\n"
        "bans, bans since start) and a summary of the daemon. With JAIL: its filter, mode, journal\n"
        "matches, maxretry, findtime, bantime and ignore list, its counters, and its bans with the\n"
        "time each has left.",
        {no_legend_option},
        run_status,
    }};
}

}  // namespace banjo
