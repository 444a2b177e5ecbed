// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl set JAIL maxretry|findtime|bantime VALUE: a jail's setting changed at runtime
// (org.banjo1.Jail.SetMaxRetry/SetFindTime/SetBanTime), as fail2ban-client set does; the next
// reload restores the configured value.
#include "ctl/bus_client.hpp"
#include "ctl/command.hpp"
#include "core/duration.hpp"
#include "text/json_writer.hpp"

#include <cerrno>
#include <cstdlib>

namespace banjo {

namespace {

std::uint64_t span_argument(const std::string& text, bool infinity_allowed) {
    auto d = parse_timespan(text);
    if (!d || d->count() <= 0 || (!infinity_allowed && *d == infinite_usec))
        throw usage_error("'" + text + "' is not a duration above 0 (systemd time-span syntax: 90s, 10min, 1h 30min" +
                          (infinity_allowed ? ", infinity)" : ")"));
    return to_wire_usec(*d);
}

int run_set(const Invocation& inv) {
    require_arguments(inv, 3, 3);
    const auto& pos = inv.args.positional();
    const std::string& name = pos[0];
    const std::string& key = pos[1];
    const std::string& text = pos[2];
    BanjoBus bus;
    if (key == "maxretry") {
        char* end = nullptr;
        errno = 0;
        const unsigned long n = std::strtoul(text.c_str(), &end, 10);
        if (text.empty() || text[0] < '0' || text[0] > '9' || *end || errno || n < 1 || n > 1'000'000)
            throw usage_error("maxretry must be a number from 1 to 1000000, not '" + text + "'");
        auto jail = bus.jail(name);
        call_banjod([&] { jail->SetMaxRetry(static_cast<std::uint32_t>(n)); });
    } else if (key == "findtime") {
        const std::uint64_t v = span_argument(text, false);
        auto jail = bus.jail(name);
        call_banjod([&] { jail->SetFindTime(v); });
    } else if (key == "bantime") {
        const std::uint64_t v = span_argument(text, true);
        auto jail = bus.jail(name);
        call_banjod([&] { jail->SetBanTime(v); });
    } else {
        throw usage_error("unknown setting '" + key + "' (maxretry, findtime or bantime)");
    }
    if (inv.json) {
        JsonWriter json;
        json.begin_object().field("jail", name).field("setting", key).field("value", text).end_object();
        print(json.finish());
    } else {
        print("Set " + key + " of jail " + printable(name) + " to " + printable(text) + " until the next reload.\n");
    }
    return exit_ok;
}

}  // namespace

std::vector<CommandSpec> set_commands() {
    return {{
        "set",
        {"JAIL maxretry|findtime|bantime VALUE"},
        "Change a jail's maxretry, findtime or bantime until the next reload",
        "Sets maxretry (a number), findtime or bantime (durations in systemd's time-span syntax;\n"
        "bantime may be \"infinity\") of JAIL in the running banjod, as fail2ban-client set does.\n"
        "Nothing is written to the configuration: the next reload (or restart) restores the\n"
        "configured value. Failures already counted count against a new maxretry and findtime;\n"
        "bans in force keep their expiry. Needs the polkit action org.banjo1.manage.",
        {},
        run_set,
    }};
}

}  // namespace banjo
