// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's second variable syntax, <name>, which it substitutes in filter values after the
// %(name)s interpolation: innermost tags first and again until nothing changes, so that
// <mdre-<mode>> becomes <mdre-normal> and then that option's value. A tag nothing defines
// (<HOST>, <F-USER>, a literal "<foo>" in a pattern) is left as it is, as fail2ban leaves it
// for its regex compiler.
#pragma once

#include "core/config_error.hpp"

#include <functional>
#include <optional>
#include <string>

namespace banjo {

// Like fail2ban: a tag substituted more often than this in one value is a loop.
inline constexpr int max_tag_replacements = 25;

using TagLookup = std::function<std::optional<std::string>(const std::string& name)>;

// `value` with every tag that `lookup` knows replaced. `own_name` is the option the value
// belongs to: a value that refers to itself is an error. Throws ConfigError at `where` for a
// self-reference, a loop, or a result beyond a megabyte (tags that double at every level).
std::string substitute_tags(std::string value, const std::string& own_name, const TagLookup& lookup,
                            const SourceLocation& where);

}  // namespace banjo
