// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl enable JAIL, disable JAIL, ignore JAIL [list|add CIDR|remove CIDR]: through the
// jail's own object (org.banjo1.Jail); the changes last until the next reload.
#include "ctl/bus_client.hpp"
#include "ctl/command.hpp"
#include "text/json_writer.hpp"

namespace banjo {

namespace {

int set_enabled(const Invocation& inv, bool enabled) {
    require_arguments(inv, 1, 1);
    const std::string& name = inv.args.positional()[0];
    BanjoBus bus;
    auto jail = bus.jail(name);
    call_banjod([&] { jail->SetEnabled(enabled); });
    if (inv.json) {
        JsonWriter json;
        json.begin_object().field("jail", name).field("enabled", enabled).end_object();
        print(json.finish());
    } else {
        print(std::string(enabled ? "Enabled" : "Disabled") + " jail " + printable(name) + " until the next reload.\n");
    }
    return exit_ok;
}

int run_enable(const Invocation& inv) { return set_enabled(inv, true); }
int run_disable(const Invocation& inv) { return set_enabled(inv, false); }

int run_ignore(const Invocation& inv) {
    require_arguments(inv, 1, 3);
    const auto& pos = inv.args.positional();
    const std::string& name = pos[0];
    const std::string action = pos.size() > 1 ? pos[1] : "list";
    if (action == "list") {
        if (pos.size() != 2 && pos.size() != 1) throw usage_error("'ignore JAIL list' takes no further argument");
    } else if (action == "add" || action == "remove") {
        if (pos.size() != 3) throw usage_error("'ignore JAIL " + action + "' needs an address or CIDR");
    } else {
        throw usage_error("unknown ignore action '" + action + "' (list, add or remove)");
    }

    BanjoBus bus;
    auto jail = bus.jail(name);
    if (action == "add") call_banjod([&] { jail->AddIgnore(pos[2]); });
    if (action == "remove") call_banjod([&] { jail->RemoveIgnore(pos[2]); });
    const std::vector<std::string> list = call_banjod([&] { return jail->IgnoreList(); });

    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.field("jail", name);
        json.field("action", action);
        json.key("cidr");
        action == "list" ? json.null() : json.value(pos[2]);
        json.field("ignore", list);
        json.end_object();
        print(json.finish());
        return exit_ok;
    }
    std::string out;
    if (action == "add") out += "Added " + printable(pos[2]) + " to the ignore list of jail " + printable(name) + ".\n";
    if (action == "remove")
        out += "Removed " + printable(pos[2]) + " from the ignore list of jail " + printable(name) + ".\n";
    if (action == "list") {
        for (const auto& c : list) out += printable(c) + "\n";
    }
    print(out);
    return exit_ok;
}

}  // namespace

std::vector<CommandSpec> jail_commands() {
    return {
        {
            "enable",
            {"JAIL"},
            "Enable JAIL until the next reload",
            "Makes JAIL read the journal and ban again, until the next reload (the configuration's\n"
            "\"enabled\" key decides after that). Needs the polkit action org.banjo1.manage.",
            {},
            run_enable,
        },
        {
            "disable",
            {"JAIL"},
            "Disable JAIL until the next reload",
            "Stops JAIL until the next reload: its bans are lifted and its failure counts forgotten.\n"
            "Needs the polkit action org.banjo1.manage.",
            {},
            run_disable,
        },
        {
            "ignore",
            {"JAIL [list]", "JAIL add CIDR", "JAIL remove CIDR"},
            "Show or change the ignore list of JAIL",
            "list (the default) prints the addresses and networks JAIL never bans. add and remove\n"
            "change the list until the next reload; CIDR is an address or a network such as\n"
            "198.51.100.0/24 or 2001:db8::/32. Changing needs the polkit action org.banjo1.manage.",
            {},
            run_ignore,
        },
    };
}

}  // namespace banjo
