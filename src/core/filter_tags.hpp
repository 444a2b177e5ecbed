// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's pattern dialect -> plain PCRE2: <HOST>, <ADDR>, <IP4>, <IP6>, <CIDR> and
// <F-NAME>..</F-NAME> become named groups that Filter reads after a match. Used at load time
// only; the result is compiled once.
//
// A '<' starts a tag only when an identifier and '>' follow ("<HOST>", "<F-USER>", "</F-USER>");
// anything else ("<invalid username>", "<=", "\<") stays literal. An identifier tag banjo does
// not know is an error rather than literal text: it is nearly always a fail2ban tag or an
// unexpanded fail2ban variable (<mdre-normal>) that would otherwise silently never match.
#pragma once

#include "core/filter.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace banjo::tag_group {

// Group names the translation produces. Raw named groups with these names in a pattern
// ("(?<host>...)", "(?P<user>...)") are read the same way.
inline constexpr std::string_view host = "host";            // <HOST> <ADDR> <IP4> <IP6> <F-HOST>
inline constexpr std::string_view user = "user";            // <F-USER>
inline constexpr std::string_view alt_user = "alt_user";    // <F-ALT_USER>: the user when <F-USER> is empty
inline constexpr std::string_view id = "fid";               // <F-ID>: session id
inline constexpr std::string_view mlfid = "mlfid";          // <F-MLFID>: fail2ban's name for the same
inline constexpr std::string_view content = "content";      // <F-CONTENT> (prefregex)
inline constexpr std::string_view nofail = "nofail";        // <F-NOFAIL>
inline constexpr std::string_view forget = "mlfforget";     // <F-MLFFORGET>
inline constexpr std::string_view gained = "mlfgained";     // <F-MLFGAINED>
inline constexpr std::string_view cidr = "cidr";            // <CIDR>

}  // namespace banjo::tag_group

namespace banjo {

struct TranslatedPattern {
    std::string regex;
    // For every byte of `regex`, the offset in the pattern's own text it came from, so that a
    // PCRE2 error offset can be reported where the author wrote it.
    std::vector<std::size_t> source_offset;
};

// `what` names the pattern's role in messages ("failregex", "prefregex").
// Throws ConfigError at pattern.where: unknown tag, unbalanced or badly nested <F-...> tags.
TranslatedPattern translate_tags(const Pattern& pattern, std::string_view what);

}  // namespace banjo
