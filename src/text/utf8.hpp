// SPDX-License-Identifier: GPL-2.0-or-later
// UTF-8 as RFC 3629 defines it, for text that leaves banjo (JSON, TOML, a terminal) but came
// from outside: journal fields and configuration files hold bytes, not necessarily UTF-8, and
// an overlong form, a surrogate or a code point past U+10FFFF must never pass as valid.
#pragma once

#include <cstddef>
#include <string_view>

namespace banjo {

// The length (1 to 4) of the valid UTF-8 sequence that starts at s[i], or 0 when the bytes there
// are not one (a stray continuation byte, a truncated sequence, an overlong form, a surrogate,
// a code point past U+10FFFF). i must be < s.size().
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

bool is_valid_utf8(std::string_view s) noexcept;

}  // namespace banjo
