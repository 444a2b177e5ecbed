// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/options.hpp"

#include "config/config.hpp"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace banjo {

const char* const daemon_usage =
    "Usage: banjod [OPTION]...\n"
    "Ban hosts that attack this machine: read the systemd journal, recognise failures with\n"
    "filters, count them per address in jails, ban offenders through firewalld or a table of\n"
    "its own in nftables.\n"
    "\n"
    "  --config FILE            configuration (default " BANJO_SYSCONFDIR "/banjo.toml);\n"
    "                           jail.d/ and filter.d/ are looked up beside it\n"
    "  --state-dir DIR          bans, ban history, journal cursor (default /var/lib/banjo)\n"
    "  --journal-directory DIR  read the journal files in DIR instead of the system journal\n"
    "  --journal-file FILE      read FILE instead of the system journal (repeatable)\n"
    "  --backend NAME           firewalld, nftables or dry-run, overriding the configuration\n"
    "  --replay                 read the selected journal from first to last entry, print every\n"
    "                           ban decision as one JSON object per line, a summary on stderr;\n"
    "                           no D-Bus, no firewall, no state written\n"
    "  --seed N                 with --replay: the seed of the random extra ban time (an\n"
    "                           increment's rnd); the same seed gives the same output (default 0)\n"
    "  --check-config           validate configuration and filters; errors as FILE:LINE: message\n"
    "  -h, --help               show this help\n"
    "      --version            show the version\n";

DaemonOptions parse_daemon_options(int argc, char** argv) {
    DaemonOptions o;
    o.config_path = default_config_path;
    bool action_set = false;
    auto set_action = [&](DaemonAction a, std::string_view flag) {
        if (action_set && o.action != a)
            throw std::invalid_argument(std::string(flag) + " cannot be combined with another action");
        o.action = a;
        action_set = true;
    };
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::string value;
        bool has_inline_value = false;
        if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            value = std::string(arg.substr(eq + 1));
            arg = arg.substr(0, eq);
            has_inline_value = true;
        }
        auto take_value = [&]() -> std::string {
            if (has_inline_value) return value;
            if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
            return argv[++i];
        };
        if (arg == "--config") o.config_path = take_value();
        else if (arg == "--state-dir") o.state_dir = take_value();
        else if (arg == "--journal-directory") o.journal_directory = take_value();
        else if (arg == "--journal-file") o.journal_files.push_back(take_value());
        else if (arg == "--backend") {
            o.backend = take_value();
            if (*o.backend != "firewalld" && *o.backend != "nftables" && *o.backend != "dry-run")
                throw std::invalid_argument("--backend must be firewalld, nftables or dry-run, not '" + *o.backend + "'");
        } else if (arg == "--seed") {
            const std::string text = take_value();
            char* end = nullptr;
            errno = 0;
            const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
            if (text.empty() || text[0] < '0' || text[0] > '9' || *end != '\0' || errno == ERANGE)
                throw std::invalid_argument("--seed must be a number from 0 to 18446744073709551615, not '" + text + "'");
            o.seed = v;
        } else if (arg == "--replay") set_action(DaemonAction::replay, arg);
        else if (arg == "--check-config") set_action(DaemonAction::check_config, arg);
        else if (arg == "--help" || arg == "-h") set_action(DaemonAction::help, arg);
        else if (arg == "--version") set_action(DaemonAction::version, arg);
        else throw std::invalid_argument("unknown option '" + std::string(argv[i]) + "' (see banjod --help)");
        if (has_inline_value && (arg == "--replay" || arg == "--check-config" || arg == "--help" || arg == "--version"))
            throw std::invalid_argument(std::string(arg) + " takes no value");
    }
    if (!o.journal_directory.empty() && !o.journal_files.empty())
        throw std::invalid_argument("--journal-directory and --journal-file exclude each other");
    return o;
}

}  // namespace banjo
