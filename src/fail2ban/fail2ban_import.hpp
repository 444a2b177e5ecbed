// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl import-fail2ban's work: read a fail2ban configuration directory (jail.conf,
// jail.local, jail.d/, filter.d/, in fail2ban's order), convert [DEFAULT], every enabled jail
// and the filters they use, check each result with banjo's own config loader, and write what
// passed: OUTPUT/banjo.toml ([defaults]), OUTPUT/jail.d/NAME.toml, OUTPUT/filter.d/NAME.toml.
// What fails a check is reported, never written. Nothing outside OUTPUT is touched; files of
// the same names in OUTPUT are replaced.
#pragma once

#include "fail2ban/import_report.hpp"
#include "fail2ban/jail_conversion.hpp"

#include <string>
#include <vector>

namespace banjo {

struct ImportOptions {
    std::string source = "/etc/fail2ban";
    std::string output = "banjo-import";
    // Also the jails fail2ban does not enable (written with enabled = false) and every filter
    // in filter.d, used or not.
    bool all = false;
    PortLookup ports;
    // Where banjo's shipped filters are: a converted filter of the same name is pointed out,
    // since one in /etc/banjo/filter.d takes the shipped one's place.
    std::vector<std::string> shipped_filter_dirs;
};

struct ImportResult {
    ImportReport report;
    std::string fatal;   // non-empty: nothing could be done (unreadable DIR, no jail.conf, ...)
    bool wrote = false;
};

ImportResult convert_fail2ban_config(const ImportOptions& options);

}  // namespace banjo
