// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's [DEFAULT] and one jail section -> banjo settings, as the TOML values banjo.toml and
// jail.d/NAME.toml hold, with a report item for every setting: converted (maxretry, findtime,
// bantime, ignoreip, ignoreself, port, bantime.increment...), or skipped with the reason (the
// backend and logpath, since banjo reads the journal; actions, since banjo bans through
// firewalld; mail settings; ...). The filter a jail names is converted elsewhere
// (filter_conversion.hpp): this only reads `filter = NAME[key=value, ...]` apart.
#pragma once

#include "fail2ban/fail2ban_filter.hpp"
#include "fail2ban/import_report.hpp"
#include "fail2ban/port_translation.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

// Banjo keys and their values as TOML text ("\"10min\"", "5", "[\"ssh\"]").
struct BanjoSettings {
    std::map<std::string, std::string> values;      // maxretry, findtime, bantime, ignore, ignore-self, ports
    std::map<std::string, std::string> increment;   // enabled, factor, max
};

struct DefaultsConversion {
    BanjoSettings settings;
    std::vector<ReportItem> items;
};

struct JailConversion {
    JailReport report;
    bool enabled = false;
    std::string filter;                   // the fail2ban filter's name ("" when none is usable)
    FilterArgs filter_args;               // its arguments, `mode` included
    BanjoSettings settings;               // only what the jail sets itself or what differs from [DEFAULT]
    std::vector<std::vector<std::string>> journal_match;   // the jail's own journalmatch
    bool has_journal_match = false;
    bool failed = false;                  // see report.items
};

DefaultsConversion convert_defaults(const IniConfig& jails);
JailConversion convert_jail(const IniConfig& jails, const std::string& name, const DefaultsConversion& defaults,
                            const PortLookup& ports = {});

// fail2ban's `filter = NAME[key=value, key="quoted, value"]`; nullopt when it does not parse.
std::optional<std::pair<std::string, FilterArgs>> parse_filter_reference(std::string_view text);

// The TOML of [jail.NAME] (and its [jail.NAME.increment]) for a converted jail.
std::string jail_toml(const JailConversion& jail, const std::string& banjo_filter, const std::string& mode, bool enabled);

}  // namespace banjo
