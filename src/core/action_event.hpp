// SPDX-License-Identifier: GPL-2.0-or-later
// What an action ([action.NAME]) is told about a ban or an unban, and the placeholders that put
// it into an exec argv, a mail or a webhook body. A value never changes how the text around it
// is read: in argv it stays inside its one element (no shell ever sees it), in a JSON body it is
// escaped as a JSON string's content. No I/O.
#pragma once

#include "core/cidr.hpp"
#include "core/duration.hpp"
#include "core/matched_lines.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

enum class ActionTrigger { ban, unban };
std::string_view to_string(ActionTrigger t) noexcept;

struct ActionEvent {
    ActionTrigger trigger = ActionTrigger::ban;
    std::string jail;
    Cidr address;             // a prefix ban: its network (prints as the bare address for a host)
    unsigned failures = 0;
    Usec banned{};            // wall clock
    Usec expires{};           // infinite_usec: permanent
    std::string origin;       // filter, manual, restored
    std::string reason;       // unban only: expired, manual, flushed
    BanLines lines;           // oldest first; may be nullptr
};

// The placeholders, each `{name}`: address, jail, failures, bantime (seconds; 0: permanent),
// expires (epoch seconds; 0: permanent), time (epoch seconds of the ban), event ("ban" or
// "unban"), origin, reason (unban: expired, manual, flushed; "" for a ban), lines (the lines
// joined by "\n").
inline constexpr std::string_view action_placeholders[] = {"address", "jail", "failures", "bantime", "expires",
                                                           "time", "event", "origin", "reason", "lines"};

// The value of placeholder `name` for `event`; nullopt for a name that is none.
std::optional<std::string> placeholder_value(std::string_view name, const ActionEvent& event);

enum class PlaceholderEscape { none, json_string };

// `text` with every {name} replaced by its value (escaped as asked). "{{" and "}}" stand for a
// literal brace; any other brace is copied as it is (a JSON template's own braces).
std::string substitute_placeholders(std::string_view text, const ActionEvent& event,
                                    PlaceholderEscape escape = PlaceholderEscape::none);

// The first {name} in `text` that is no placeholder, for the config's error; nullopt when all are.
std::optional<std::string> unknown_placeholder(std::string_view text);

}  // namespace banjo
