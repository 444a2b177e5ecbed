// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/import_command.hpp"

#include "config/config.hpp"
#include "fail2ban/ban_import_command.hpp"
#include "fail2ban/fail2ban_import.hpp"

#include <iostream>
#include <string>
#include <string_view>

namespace banjo {
namespace {

constexpr std::string_view usage_text =
    "Usage: banjoctl import-fail2ban [DIR] [--output DIR] [--json] [--all]\n"
    "       banjoctl import-fail2ban --bans FILE [--config FILE] [--state-dir DIR] ...\n"
    "\n"
    "Converts a fail2ban configuration into banjo's and reports, per jail and filter, what was\n"
    "converted, what was changed on the way, and what was skipped and why.\n"
    "\n"
    "  DIR            fail2ban's configuration directory (default /etc/fail2ban): jail.conf,\n"
    "                 jail.local, jail.d/*.conf and *.local, filter.d/\n"
    "  --output DIR   where to write banjo.toml, jail.d/NAME.toml and filter.d/NAME.toml\n"
    "                 (default ./banjo-import); files of the same names there are replaced\n"
    "  --json         print the report as one JSON document\n"
    "  --all          also convert the jails fail2ban does not enable (written with\n"
    "                 enabled = false) and every filter in filter.d\n"
    "  --help         show this text\n"
    "\n"
    "  --bans FILE    instead: import fail2ban's bans from its database FILE into banjo's state\n"
    "  --config FILE  with --bans: banjo's configuration, whose jails receive the bans\n"
    "  --state-dir DIR  with --bans: banjo's state directory (default /var/lib/banjo)\n"
    "  --jail F2B=BANJO  with --bans: import fail2ban's jail F2B into banjo's jail BANJO\n"
    "  --dry-run      with --bans: report what would be imported, write nothing\n"
    "\n"
    "With --bans, fail2ban's bans in force and ban history go from its database FILE into\n"
    "banjo's state instead (banjoctl import-fail2ban --bans FILE --help says more).\n"
    "\n"
    "Every converted filter is compiled by banjo's own engine and every jail loaded by banjo's\n"
    "config loader before it is written; what fails is reported, not written. Nothing is\n"
    "installed: review the report, then copy the output to /etc/banjo/.\n"
    "\n"
    "Exit status: 0 when the output was written, 1 on a fatal error, 2 on a usage error.\n";

int usage_error(const std::string& message) {
    std::cerr << "banjoctl import-fail2ban: " << message << "\n"
              << "Try 'banjoctl import-fail2ban --help'.\n";
    return 2;
}

}  // namespace

int import_fail2ban_command(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]) == "--bans") return import_fail2ban_bans_command(argc, argv);
    ImportOptions options;
    options.shipped_filter_dirs = {shipped_filter_dir};
    bool json = false, have_source = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            std::cout << usage_text;
            return 0;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--all") {
            options.all = true;
        } else if (a == "--output" || a == "-o") {
            if (i + 1 >= argc) return usage_error(std::string(a) + " needs a directory");
            options.output = argv[++i];
        } else if (a.rfind("--output=", 0) == 0) {
            options.output = std::string(a.substr(9));
        } else if (!a.empty() && a[0] == '-' && a != "-") {
            return usage_error("unknown option " + std::string(a));
        } else if (have_source) {
            return usage_error("one fail2ban directory only (got " + options.source + " and " + std::string(a) + ")");
        } else {
            options.source = std::string(a);
            have_source = true;
        }
    }
    if (options.output.empty()) return usage_error("--output needs a directory");

    ImportResult result = convert_fail2ban_config(options);
    if (!result.fatal.empty()) {
        std::cerr << "banjoctl import-fail2ban: " << result.fatal << "\n";
        return 1;
    }
    std::cout << (json ? report_json(result.report) : report_text(result.report));
    std::cout.flush();
    return result.wrote ? 0 : 1;
}

}  // namespace banjo
