// SPDX-License-Identifier: GPL-2.0-or-later
// Writing the TOML banjo reads: strings quoted so that a pattern reads as written where TOML
// allows it (a literal '...' string holds backslashes as they are), escaped otherwise.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// 'text' when text is valid UTF-8 with no ' and no control character but tab; '''text''' when
// its quotes allow; else a basic string written by quoted_string() (escapes, and U+FFFD for each
// byte that is not UTF-8: TOML files must be UTF-8).
std::string toml_string(std::string_view text);
// [ "a", "b" ] on one line.
std::string toml_inline_list(const std::vector<std::string>& items);
// KEY = [ one item per line, indented ], or KEY = [] when empty.
std::string toml_list(std::string_view key, const std::vector<std::string>& items);
// A key as TOML allows it bare (A-Z a-z 0-9 _ -), else quoted.
std::string toml_key(std::string_view key);

}  // namespace banjo
