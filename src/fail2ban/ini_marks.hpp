// SPDX-License-Identifier: GPL-2.0-or-later
// Marks around the expansion of a marked variable in interpolated text:
//   '\x01' NAME '\x02' VALUE '\x03'
// They survive both of fail2ban's substitutions (%(name)s and <name>) untouched, so the code
// that finally reads a pattern can tell where a variable ended up: the syslog prefix fail2ban's
// filters put at the start of every line means nothing for a journal MESSAGE and is dropped
// there, while the same variable in the middle of a message is kept (see regex_translation.hpp).
// Configuration text never holds these control bytes.
#pragma once

#include <string>
#include <string_view>

namespace banjo {

enum class MarkKind {
    value,   // the variable's value, marked
    empty,   // marked, value never looked up (it is always dropped)
};

inline constexpr char mark_open = '\x01';
inline constexpr char mark_value = '\x02';
inline constexpr char mark_close = '\x03';

inline std::string mark_variable(std::string_view name, std::string_view value) {
    return std::string(1, mark_open) + std::string(name) + mark_value + std::string(value) + mark_close;
}

// `text` with every mark removed and every marked value kept.
std::string unmark(std::string_view text);

}  // namespace banjo
