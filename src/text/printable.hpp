// SPDX-License-Identifier: GPL-2.0-or-later
// Text from outside (log lines, user names, what a D-Bus caller or a config file supplied) made
// safe to print, log and send: every control character (C0, DEL, the C1 range U+0080..U+009F)
// and every byte that is not valid UTF-8 is written as \xNN, so it can neither start a second log
// line, nor reach a terminal as an escape sequence, nor make a D-Bus string invalid UTF-8 (which
// sd-bus refuses to send). Backslashes stay as they are (patterns are full of them), so the
// result is for reading, not for parsing back.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace banjo {

// s escaped as above; with `max_chars`, only its first max_chars characters (code points, an
// escaped byte counting as one), followed by "..." when something was cut.
std::string printable(std::string_view s, std::size_t max_chars = std::numeric_limits<std::size_t>::max());

}  // namespace banjo
