// SPDX-License-Identifier: GPL-2.0-or-later
// A fail2ban filter as fail2ban's FilterReader sees it: filter.d/NAME.conf, NAME.local and what
// their [INCLUDES] pull in (common.conf for most), resolved for one set of arguments, the
// jail's `filter = NAME[key=value, ...]`. Arguments override the filter's [Init] values, which
// override [Definition]'s; %(name)s is interpolated first, then fail2ban's <name> tags (which
// is how `mode` picks <mdre-<mode>>). The syslog prefix variables come back marked
// (ini_marks.hpp): the journal has no such prefix, and regex_translation drops them.
#pragma once

#include "fail2ban/ini_config.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace banjo {

using FilterArgs = std::map<std::string, std::string>;

struct FilterValue {
    std::string text;       // fail2ban's form: a list is one pattern per line
    SourceLocation where;   // the key that set it
};

struct ResolvedFilter {
    std::optional<FilterValue> prefregex;
    std::optional<FilterValue> failregex, ignoreregex;
    std::optional<FilterValue> journalmatch;
    std::optional<FilterValue> datepattern, maxlines;   // set by the filter itself, not by common.conf
};

// The syslog prefix variables of fail2ban's common.conf. __prefix_line is always dropped;
// the others only where they start a pattern (asterisk's "NOTICE%(__pid_re)s" is message text).
const std::map<std::string, MarkKind>& syslog_prefix_variables();

class Fail2banFilter {
public:
    // Reads filter.d/NAME.conf and NAME.local under `filter_dir`. Throws ConfigError when
    // neither exists or one has a syntax error.
    static Fail2banFilter read(const std::string& filter_dir, const std::string& name, IniFileCache& cache);

    const std::string& name() const noexcept { return name_; }
    const IniConfig& config() const noexcept { return cfg_; }

    // The filter's options for these arguments. Throws ConfigError (a reference to nothing, a
    // tag loop) at the offending key.
    ResolvedFilter resolve(const FilterArgs& args) const;

    // The filter's own `mode` (its [Init] or [Definition] value, "" if it has none), and the
    // values `mode` can take: X such that every <PREFIX<mode>SUFFIX> the filter uses has an
    // option PREFIX X SUFFIX. Empty when the filter does not choose patterns by mode.
    std::string default_mode() const;
    std::vector<std::string> modes() const;

private:
    Fail2banFilter(std::string name, IniConfig cfg) : name_(std::move(name)), cfg_(std::move(cfg)) {}
    std::optional<FilterValue> value_of(const std::string& name, const FilterArgs& args, const IniVars& vars) const;
    std::optional<FilterValue> option(const std::string& key, const FilterArgs& args, const IniVars& vars) const;

    std::string name_;
    IniConfig cfg_;
};

}  // namespace banjo
