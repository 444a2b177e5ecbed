// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl's command table and entry: global options, "COMMAND --help", running the command,
// and turning whatever it throws into "banjoctl: MESSAGE" and an exit status (exit_status.hpp).
// import-fail2ban lives in src/fail2ban/ and parses its own arguments: it gets
// argv[0] = "import-fail2ban" followed by the arguments after the command (with --json added
// when it was given before the command) and returns the exit status itself.
#include "ctl/bus_client.hpp"
#include "ctl/command.hpp"
#include "ctl/dispatch.hpp"
#include "ctl/exit_status.hpp"
#include "ctl/terminal.hpp"
#include "fail2ban/import_command.hpp"
#include "text/json_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace banjo {

const OptionSpec json_option{"--json", "", "", "print the result as one JSON document"};
const OptionSpec help_option{"--help", "-h", "", "show this help"};
const OptionSpec no_legend_option{"--no-legend", "", "", "print no column headers and no summary"};

namespace {

constexpr std::string_view import_name = "import-fail2ban";

CommandSpec import_spec() {
    static const OptionSpec output_option{"--output", "", "DIR", "write the banjo configuration into DIR"};
    static const OptionSpec all_option{"--all", "", "", "also convert jails fail2ban does not enable"};
    return {
        import_name,
        {"[DIR]"},
        "Convert a fail2ban configuration to banjo's",
        "Reads fail2ban's jail.conf, jail.local, jail.d/ and filter.d/ in DIR (default\n"
        "/etc/fail2ban) and writes the equivalent banjo.toml, jail.d/ and filter.d/ files into the\n"
        "--output directory, reporting what could not be carried over. Local, no daemon needed.",
        {output_option, all_option},
        nullptr,   // run() hands the raw arguments to run_import()
    };
}

const std::vector<CommandSpec>& command_table() {
    static const std::vector<CommandSpec> table = [] {
        std::vector<CommandSpec> all;
        for (auto group : {status_commands, ban_commands, jail_commands, reload_commands, monitor_commands,
                           test_filter_commands, why_commands, set_commands, fleet_commands,
                           blocklist_commands})
            for (auto& c : group()) all.push_back(std::move(c));
        all.push_back(import_spec());
        return all;
    }();
    return table;
}

std::vector<OptionSpec> options_of(const CommandSpec& c) {
    std::vector<OptionSpec> out = c.options;
    out.push_back(json_option);
    out.push_back(help_option);
    return out;
}

std::string option_help(const std::vector<OptionSpec>& options) {
    std::string out;
    for (const auto& o : options) {
        std::string left = o.short_name.empty() ? "      " : "  " + std::string(o.short_name) + ", ";
        left += std::string(o.name);
        if (!o.value.empty()) left += " " + std::string(o.value);
        if (left.size() < 28) left.append(28 - left.size(), ' ');
        else left += "\n" + std::string(28, ' ');
        out += left + std::string(o.help) + "\n";
    }
    return out;
}

std::string command_help(const CommandSpec& c) {
    std::string out;
    for (std::size_t i = 0; i < c.synopsis.size(); ++i) {
        out += std::string(i == 0 ? "Usage: " : "       ") + "banjoctl " + std::string(c.name);
        if (!c.synopsis[i].empty()) out += " " + std::string(c.synopsis[i]);
        out += " [OPTIONS...]\n";
    }
    out += "\n" + std::string(c.summary) + ".\n\n" + std::string(c.description) + "\n\nOptions:\n";
    out += option_help(options_of(c));
    return out;
}

std::string main_help() {
    std::string out =
        "Usage: banjoctl [OPTIONS...] [COMMAND] [ARGS...]\n"
        "\n"
        "Control banjod, which bans hosts that attack this machine, over D-Bus (org.banjo1).\n"
        "\n"
        "Commands:\n";
    for (const auto& c : command_table()) {
        for (std::size_t i = 0; i < c.synopsis.size(); ++i) {
            std::string left = "  " + std::string(c.name);
            if (!c.synopsis[i].empty()) left += " " + std::string(c.synopsis[i]);
            if (i == 0) {
                if (left.size() < 38) left.append(38 - left.size(), ' ');
                else left += "\n" + std::string(38, ' ');
                left += std::string(c.summary);
            }
            out += left + "\n";
        }
    }
    out += "\nOptions:\n";
    out += option_help({json_option, help_option, {"--version", "", "", "show the version"}});
    out +=
        "\n"
        "Without a command, banjoctl runs status. Every command takes --help and --json;\n"
        "see banjoctl COMMAND --help.\n"
        "Exit status: 0 success, 1 banjod refused or failed (or a local command failed),\n"
        "2 usage error, 3 banjod cannot be reached. See banjoctl(1).\n";
    return out;
}

int run_import(const std::vector<std::string>& args, bool json) {
    std::vector<std::string> owned{std::string(import_name)};
    owned.insert(owned.end(), args.begin(), args.end());
    if (json) owned.push_back("--json");
    std::vector<char*> argv;
    for (auto& a : owned) argv.push_back(a.data());
    argv.push_back(nullptr);
    return import_fail2ban_command(static_cast<int>(owned.size()), argv.data());
}

int run(int argc, char** argv, bool& json) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::size_t i = 0;
    for (; i < args.size() && args[i].size() > 1 && args[i][0] == '-'; ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            print(main_help());
            return exit_ok;
        }
        if (a == "--version") {
            print("banjoctl " BANJO_VERSION "\n");
            return exit_ok;
        }
        if (a == "--json") json = true;
        else if (a == "--") {
            ++i;
            break;
        } else throw usage_error("unknown option '" + a + "' (see banjoctl --help)");
    }
    // Without a command: status, as resolvectl and timedatectl do.
    const std::string name = i < args.size() ? args[i] : "status";
    const std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(std::min(i + 1, args.size())),
                                        args.end());

    const CommandSpec* spec = nullptr;
    for (const auto& c : command_table())
        if (c.name == name) spec = &c;
    if (!spec) throw usage_error("unknown command '" + name + "' (see banjoctl --help)");
    if (spec->name == import_name) return run_import(rest, json);

    Invocation inv{*spec, Arguments::parse(rest, options_of(*spec), spec->name), json, Terminal::for_stdout()};
    inv.json = json || inv.args.has("--json");
    json = inv.json;
    inv.legend = !inv.args.has("--no-legend");
    if (inv.args.has("--help")) {
        print(command_help(*spec));
        return exit_ok;
    }
    return spec->run(inv);
}

// "banjoctl: MESSAGE" on stderr; with --json also {"error", "message", "exit_status"} on
// stdout, except for usage errors, which no script should parse.
int report(const CtlError& e, bool json) {
    std::fprintf(stderr, "banjoctl: %s\n", printable(e.what()).c_str());
    if (json && e.exit_code() != exit_usage) {
        JsonWriter doc;
        doc.begin_object();
        doc.key("error");
        e.error_name().empty() ? doc.null() : doc.value(e.error_name());
        doc.field("message", std::string(e.what()));
        doc.field("exit_status", e.exit_code());
        doc.end_object();
        print(doc.finish());
    }
    return e.exit_code();
}

}  // namespace

void require_arguments(const Invocation& inv, std::size_t min, std::size_t max) {
    const std::size_t n = inv.args.positional().size();
    if (n >= min && n <= max) return;
    std::string usage;
    for (auto s : inv.command.synopsis)
        usage += std::string(usage.empty() ? "" : " | ") + "banjoctl " + std::string(inv.command.name) +
                 (s.empty() ? "" : " " + std::string(s));
    throw usage_error(std::string(n < min ? "too few" : "too many") + " arguments; usage: " + usage);
}

void print(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

int banjoctl_main(int argc, char** argv) {
    bool json = false;
    try {
        return run(argc, argv, json);
    } catch (const CtlError& e) {
        return report(e, json);
    } catch (const sdbus::Error& e) {
        return report(to_ctl_error(e), json);
    } catch (const std::exception& e) {
        return report(CtlError(exit_failure, e.what()), json);
    }
}

}  // namespace banjo
