// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl reload: Manager.Reload. On an invalid configuration banjod keeps the running one and
// answers org.banjo1.Error.InvalidConfig with FILE:LINE: message, which is printed as is.
#include "ctl/bus_client.hpp"
#include "ctl/command.hpp"
#include "text/json_writer.hpp"

namespace banjo {

namespace {

int run_reload(const Invocation& inv) {
    require_arguments(inv, 0, 0);
    BanjoBus bus;
    call_banjod([&] { bus.manager().Reload(); });
    const auto jails = call_banjod([&] { return bus.manager().ListJails(); });
    std::size_t enabled = 0;
    for (const auto& j : jails) enabled += j.get<2>() ? 1 : 0;
    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.field("reloaded", true);
        json.field("jails", static_cast<std::uint64_t>(jails.size()));
        json.field("enabled", static_cast<std::uint64_t>(enabled));
        json.end_object();
        print(json.finish());
    } else {
        print("Reloaded: " + std::to_string(jails.size()) + (jails.size() == 1 ? " jail" : " jails") + ", " +
              std::to_string(enabled) + " enabled.\n");
    }
    return exit_ok;
}

}  // namespace

std::vector<CommandSpec> reload_commands() {
    return {{
        "reload",
        {""},
        "Re-read the configuration",
        "Asks banjod to re-read banjo.toml, jail.d/ and the filters. An invalid configuration is\n"
        "refused with FILE:LINE: message (exit status 1) and the running one stays in force. Jails\n"
        "that did not change keep their counts and bans. Needs the polkit action org.banjo1.reload.",
        {},
        run_reload,
    }};
}

}  // namespace banjo
