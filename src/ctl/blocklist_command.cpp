// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl blocklists: the [blocklist.NAME] lists in force (org.banjo1.Manager.ListBlocklists):
// where each comes from, how many networks it holds, when it was last read or fetched, and
// what that reading did.
#include "ctl/bus_client.hpp"
#include "ctl/command.hpp"
#include "ctl/exit_status.hpp"
#include "ctl/table.hpp"
#include "ctl/time_text.hpp"
#include "text/json_writer.hpp"

namespace banjo {

namespace {

int run_blocklists(const Invocation& inv) {
    require_arguments(inv, 0, 0);
    BanjoBus bus;
    ManagerProxy& m = bus.manager();
    const auto lists = call_banjod([&] { return m.ListBlocklists(); });

    if (inv.json) {
        JsonWriter json;
        json.begin_array();
        for (const auto& l : lists) {
            json.begin_object();
            json.field("name", l.get<0>());
            json.field("source", l.get<1>());
            json.field("format", l.get<2>());
            json.field("entries", l.get<3>());
            json.field("updated_usec", l.get<4>());
            json.field("added", l.get<5>());
            json.field("removed", l.get<6>());
            json.field("result", l.get<7>());
            json.end_object();
        }
        json.end_array();
        print(json.finish());
        return exit_ok;
    }
    Table table({{"NAME"}, {"ENTRIES", Align::right}, {"UPDATED"}, {"RESULT"}, {"SOURCE"}});
    std::uint64_t entries = 0;
    for (const auto& l : lists) {
        entries += l.get<3>();
        const std::string& result = l.get<7>();
        const bool trouble = result.rfind("applied", 0) != 0 && result.rfind("unchanged", 0) != 0 &&
                             result.rfind("not modified", 0) != 0;
        table.add_row({Cell(printable(l.get<0>()), Colour::bold), std::to_string(l.get<3>()),
                       l.get<4>() ? timestamp_text(l.get<4>()) : std::string("never"),
                       Cell(printable(result.empty() ? "-" : result), trouble ? Colour::red : Colour::none),
                       printable(l.get<1>()) + " (" + printable(l.get<2>()) + ")"});
    }
    std::string out = table.render(inv.term, inv.legend);
    if (inv.legend) out += "\n" + std::to_string(lists.size()) + " blocklists, " + std::to_string(entries) + " networks in force.\n";
    print(out);
    return exit_ok;
}

}  // namespace

std::vector<CommandSpec> blocklist_commands() {
    return {{
        "blocklists",
        {""},
        "Show the blocklists and what their last reading did",
        "Lists the blocklists of the running configuration ([blocklist.NAME] in banjo.toml): the\n"
        "networks each holds in force, when a reading or download last applied or confirmed\n"
        "them (UPDATED; a download answered \"not modified\" confirms them), what the last\n"
        "reading or download did (applied, unchanged, not modified, held back, refused,\n"
        "unreadable: the entries in force stay), and where the list comes from.",
        {no_legend_option},
        run_blocklists,
    }};
}

}  // namespace banjo
