// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl monitor: prints Banned, Unbanned and JailsChanged as banjod emits them, and banjod
// appearing on or leaving the bus, one line each, until SIGINT or SIGTERM. The connection and
// the signals are served by one sd-event loop (src/lib/sd/event.hpp), as in banjod.
#include "ctl/bus_client.hpp"
#include "ctl/command.hpp"
#include "ctl/time_text.hpp"
#include "lib/sd/event.hpp"
#include "text/json_writer.hpp"

#include <csignal>
#include <cstdio>
#include <optional>

namespace banjo {

namespace {

struct BanjoEvent {
    const char* kind;   // banned, unbanned, jails_changed, daemon_started, daemon_stopped
    std::string jail, address, reason;
    std::uint64_t expires_usec = 0;
    std::uint32_t failures = 0;
};

void print_event(const Invocation& inv, const BanjoEvent& e) {
    const std::uint64_t now = realtime_now_usec();
    const std::string_view kind = e.kind;
    std::string line;
    if (inv.json) {
        JsonWriter json;
        json.begin_object();
        json.field("time_usec", now);
        json.field("event", e.kind);
        if (kind == "banned" || kind == "unbanned") {
            json.field("jail", e.jail);
            json.field("address", e.address);
        }
        if (kind == "banned") {
            json.key("expires_usec");
            e.expires_usec == never_usec ? json.null() : json.value(e.expires_usec);
            json.field("permanent", e.expires_usec == never_usec);
            json.field("failures", e.failures);
        }
        if (kind == "unbanned") json.field("reason", e.reason);
        json.end_object();
        line = json.finish();
    } else {
        line = inv.term.paint(short_timestamp_text(now), Colour::grey) + " ";
        if (kind == "banned") {
            line += inv.term.paint("banned", Colour::red) + " " + printable(e.jail) + " " +
                    inv.term.paint(printable(e.address), Colour::bold);
            line += e.expires_usec == never_usec
                        ? std::string(" permanently")
                        : " until " + timestamp_text(e.expires_usec) + " (" + remaining_text(e.expires_usec, now) + ")";
            line += e.failures == 0 ? std::string(", manual") : " after " + std::to_string(e.failures) + " failures";
        } else if (kind == "unbanned") {
            line += inv.term.paint("unbanned", Colour::green) + " " + printable(e.jail) + " " +
                    inv.term.paint(printable(e.address), Colour::bold) + " (" + printable(e.reason) + ")";
        } else if (kind == "jails_changed") {
            line += "jails changed";
        } else if (kind == "daemon_started") {
            line += "banjod appeared on the bus";
        } else {
            line += inv.term.paint("banjod left the bus", Colour::yellow);
        }
        line += "\n";
    }
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
}

int run_monitor(const Invocation& inv) {
    require_arguments(inv, 0, 0);
    BanjoBus bus;
    ManagerProxy& manager = bus.manager();
    manager.on_banned = [&](const std::string& jail, const std::string& address, std::uint64_t expires,
                            std::uint32_t failures) {
        print_event(inv, BanjoEvent{"banned", jail, address, "", expires, failures});
    };
    manager.on_unbanned = [&](const std::string& jail, const std::string& address, const std::string& reason) {
        print_event(inv, BanjoEvent{"unbanned", jail, address, reason, 0, 0});
    };
    manager.on_jails_changed = [&] { print_event(inv, BanjoEvent{"jails_changed", "", "", "", 0, 0}); };

    // SIGINT and SIGTERM end the loop cleanly: sd-event blocks them and reads them from a signalfd.
    sd::Event loop = sd::Event::create();
    const sd::EventSource on_interrupt = loop.add_signal(SIGINT, [&] { loop.exit(exit_ok); });
    const sd::EventSource on_terminate = loop.add_signal(SIGTERM, [&] { loop.exit(exit_ok); });

    sdbus::Slot owner_match;
    call_banjod([&] {
        manager.subscribe();
        owner_match = bus.connection().addMatch(
            "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
            "member='NameOwnerChanged',arg0='org.banjo1'",
            [&](sdbus::Message& msg) {
                std::string name, old_owner, new_owner;
                msg >> name >> old_owner >> new_owner;
                print_event(inv, BanjoEvent{new_owner.empty() ? "daemon_stopped" : "daemon_started", "", "", "", 0, 0});
            });
    });
    std::optional<CtlError> lost;
    const sd::BusAttachment attached = sd::attach_bus(loop.get(), bus.connection(), [&](const std::exception& e) {
        const auto* bus_error = dynamic_cast<const sdbus::Error*>(&e);
        lost = bus_error ? to_ctl_error(*bus_error) : CtlError(exit_failure, e.what());
        loop.exit(exit_failure);
    });
    // On stderr, so that it never mixes with --json lines; tests wait for it.
    std::fputs("Monitoring banjod (org.banjo1) on the system bus. Press Ctrl-C to stop.\n", stderr);

    const int status = loop.loop();
    if (lost) throw *lost;
    return status;
}

}  // namespace

std::vector<CommandSpec> monitor_commands() {
    return {{
        "monitor",
        {""},
        "Print bans, unbans and jail changes as they happen",
        "Prints one line per event, with the time it was received, until interrupted (Ctrl-C,\n"
        "SIGTERM): a ban (jail, address, expiry, failures), the end of a ban (jail, address,\n"
        "reason: expired, manual or flushed), a change of the jails (reload, enable, disable), and\n"
        "banjod appearing on or leaving the bus. With --json, one JSON object per line.",
        {},
        run_monitor,
    }};
}

}  // namespace banjo
