// SPDX-License-Identifier: GPL-2.0-or-later
// One file in fail2ban's INI dialect, which is Python's configparser as fail2ban sets it up,
// parsed without interpolation: [sections], `key = value` (or `key: value`), a value continued
// on the lines indented deeper than its key, full-line comments (# or ;) anywhere, even inside a
// continued value, inline comments after a ';' that follows whitespace. Keys are lower-cased as
// configparser does; section names are kept as written. Every value remembers FILE:LINE.
#pragma once

#include "core/config_error.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

struct IniValue {
    std::string text;      // continuation lines joined with '\n', each stripped; trailing blank lines dropped
    SourceLocation where;  // the line of the key
};

using IniOptions = std::map<std::string, IniValue>;

struct IniSection {
    std::string name;
    SourceLocation where;   // the [name] line
    IniOptions options;
};

struct IniFile {
    std::string path;
    IniOptions defaults;                 // [DEFAULT]: inherited by every section
    std::vector<IniSection> sections;    // in file order, without [DEFAULT]

    const IniSection* section(std::string_view name) const noexcept;
};

// Throws ConfigError at the offending line for what configparser refuses (and fail2ban with
// it): a line before the first section, a line that is neither a header, an option nor a
// continuation, a section or a key given twice in one file.
IniFile parse_ini(std::string_view text, const std::string& path);

// parse_ini on the file's contents; ConfigError (line 0) when it cannot be read.
IniFile read_ini_file(const std::string& path);

}  // namespace banjo
