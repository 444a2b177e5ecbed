// SPDX-License-Identifier: GPL-2.0-or-later
// A fail2ban filter, resolved for each of its modes, becomes one or more banjo filter files.
// Every pattern is translated (regex_translation.hpp) and then compiled by banjo's own engine;
// a pattern either engine step refuses is reported and left out, the rest of the filter stays.
// fail2ban's modes become banjo's [modes.X]: the patterns every mode shares, in order, are the
// common list and each mode adds the rest, so the order of trial is fail2ban's. banjo has one
// prefregex (and journal-match) per file, so modes whose prefregex differs (postfix's) go to a
// file of their own, NAME.MODE. Each file is read back with banjo's filter reader and checked
// (every mode compiled) before it counts as converted.
#pragma once

#include "fail2ban/fail2ban_filter.hpp"
#include "fail2ban/import_report.hpp"

#include <map>
#include <string>
#include <vector>

namespace banjo {

struct BanjoFilterFile {
    std::string name;                 // the banjo filter name: the file is NAME.toml
    std::string toml;
    std::vector<std::string> modes;   // banjo modes it has (fail2ban's names)
    std::string default_mode;
    std::vector<std::vector<std::string>> journal_match;   // empty: the filter has none
};

struct FilterConversion {
    FilterReport report;
    std::vector<BanjoFilterFile> files;          // files[0] holds the default mode
    std::map<std::string, std::size_t> file_of_mode;   // fail2ban mode -> index into files
    bool moded = false;                          // the filter chooses patterns by `mode`
};

// Who may write the daemon's log lines: the _UID values every converted journal-match group
// requires (require_daemon_users), and the shipped banjo filter they come from ("" = none:
// root only, and the report says to add the daemon's user if it logs as one).
struct DaemonUsers {
    std::vector<std::string> users{"0"};
    std::string from;
};

// `args`: the filter's arguments other than `mode` (a jail's `filter = NAME[key=value]`).
// `banjo_name`: the name of the main file. `fail2ban_dir`: to name fail2ban's files in comments.
FilterConversion convert_filter(const Fail2banFilter& filter, const FilterArgs& args, const std::string& banjo_name,
                                const std::string& fail2ban_dir, const DaemonUsers& users = {});

}  // namespace banjo
