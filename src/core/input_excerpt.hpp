// SPDX-License-Identifier: GPL-2.0-or-later
// How an error message quotes what a caller or a config file supplied: at most 64 characters
// of it, so a 10 KB "address" sent over D-Bus or written into a config file cannot turn one
// error into 10 KB of journal, terminal or D-Bus reply; control characters and bytes that are
// not UTF-8 are shown as \xNN, so the quote can neither forge a second log line nor make the
// message invalid UTF-8 (which sd-bus would refuse to send). Pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace banjo {

inline constexpr std::size_t max_echoed_chars = 64;

// The first `max_chars` characters (UTF-8 code points) of `input`, escaped as above, followed by
// "..." when something was cut.
std::string input_excerpt(std::string_view input, std::size_t max_chars = max_echoed_chars);

}  // namespace banjo
