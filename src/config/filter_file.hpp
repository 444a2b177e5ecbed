// SPDX-License-Identifier: GPL-2.0-or-later
// Filter files (filter.d/NAME.toml) -> FilterSpec. Only parsing and structural checks happen
// here (keys, types, journal-match terms, modes that exist and do not include themselves);
// the patterns are compiled by Filter::compile / Filter::check, which report a bad regex at
// the line this reader recorded for it. The format is documented at the top of
// conf/filter.d/sshd.toml.
#pragma once

#include "core/filter.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// Throws ConfigError (FILE:LINE: message). The filter's name is the file's name without ".toml".
FilterSpec load_filter_file(const std::string& path);

// As load_filter_file, from text; `name` is the path used in messages and, without a directory
// and ".toml", the filter's name.
FilterSpec parse_filter_toml(std::string_view text, const std::string& name);

// The path of NAME.toml in the first of `dirs` holding one (list /etc/banjo/filter.d before
// /usr/share/banjo/filter.d so that an administrator's copy wins). nullopt when none does, or
// when `name` is not a plain file name (a '/', a leading '.'): a filter name given over D-Bus
// must not reach outside the filter directories.
std::optional<std::string> find_filter_file(const std::string& name, const std::vector<std::string>& dirs);

}  // namespace banjo
