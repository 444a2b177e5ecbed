// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl fleet: this host's link to the fleet's Redis and the peers it follows
// (org.banjo1.Manager's Fleet* properties).
#include "ctl/bus_client.hpp"
#include "ctl/command.hpp"
#include "ctl/table.hpp"
#include "ctl/time_text.hpp"
#include "text/json_writer.hpp"

namespace banjo {

namespace {

int run_fleet(const Invocation& inv) {
    require_arguments(inv, 0, 0);
    BanjoBus bus;
    ManagerProxy& m = bus.manager();
    const std::string host = call_banjod([&] { return m.FleetHost(); });
    const bool connected = call_banjod([&] { return m.FleetConnected(); });
    const std::string problem = call_banjod([&] { return m.FleetProblem(); });
    const std::uint64_t lag = call_banjod([&] { return m.FleetLagUSec(); });
    const std::uint32_t backlog = call_banjod([&] { return m.FleetBacklog(); });
    auto peers = call_banjod([&] { return m.FleetPeers(); });

    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.field("host", host);
        json.field("enabled", !host.empty());
        json.field("connected", connected);
        json.field("problem", problem);
        json.field("lag_usec", lag);
        json.field("backlog", backlog);
        json.key("peers").begin_array();
        for (const auto& p : peers) {
            json.begin_object();
            json.field("host", p.get<0>());
            json.field("last_id", p.get<1>());
            json.field("last_entry_usec", p.get<2>());
            json.end_object();
        }
        json.end_array().end_object();
        print(json.finish());
        return exit_ok;
    }
    if (host.empty()) {
        print("This host is in no fleet (banjo.toml has no [fleet]).\n");
        return exit_ok;
    }
    std::string out;
    if (inv.legend)
        out = "Host " + printable(host) + ": " +
                      (connected ? inv.term.paint("connected", Colour::green)
                                 : inv.term.paint("not connected", Colour::red) + " (" + printable(problem) + ")") +
                      ", " + std::to_string(backlog) + " decisions waiting, last lag " + std::to_string(lag / 1000) +
                      " ms.\n";
    Table table({{"PEER"}, {"LAST ID"}, {"LAST ENTRY"}});
    for (const auto& p : peers)
        table.add_row({Cell(printable(p.get<0>()), Colour::bold), printable(p.get<1>()),
                       p.get<2>() ? timestamp_text(p.get<2>()) : std::string("-")});
    out += (inv.legend ? "\n" : "") + table.render(inv.term, inv.legend);
    print(out);
    return exit_ok;
}

}  // namespace

std::vector<CommandSpec> fleet_commands() {
    return {{
        "fleet",
        {""},
        "Show this host's link to the fleet and the peers it follows",
        "Shows whether banjod is connected to the fleet's Redis ([fleet] in banjo.toml), why not\n"
        "when it is not, how many of this host's decisions wait to be shared, the lag of the last\n"
        "decision applied from a peer, and per peer the last entry of its stream read here and\n"
        "when that peer made its last accepted decision.",
        {no_legend_option},
        run_fleet,
    }};
}

}  // namespace banjo
