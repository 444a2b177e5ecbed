// SPDX-License-Identifier: GPL-2.0-or-later
// The small text operations of the import, in one place for its readers, converters and report:
// those fail2ban's own Python applies to configuration values (str.strip, str.lower, splitting
// lists on commas and blanks; ASCII rules, on the bytes fail2ban's files hold), and how the
// report shows a value and a path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// s without leading and trailing whitespace.
std::string trim_space(std::string_view s);

// s with A-Z lowered.
std::string to_lower(std::string_view s);

// The words of `text`: runs of characters between whitespace or any of `separators`, never empty.
std::vector<std::string> split_words(std::string_view text, std::string_view separators);

// A multi-line value on one line: each newline becomes a space.
std::string one_line(std::string s);

// `path` relative to `dir` when it lies inside it, else `path` itself.
std::string relative_path(const std::string& path, const std::string& dir);

}  // namespace banjo
