// SPDX-License-Identifier: GPL-2.0-or-later
// One subcommand's command line: its options (as the command declares them, which is also what
// its --help prints, so the two cannot drift apart) and its positional arguments. Options may
// come before, between or after the arguments; "--" ends them; "-" is an argument (stdin).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

struct OptionSpec {
    std::string_view name;        // "--mode"
    std::string_view short_name;  // "-h", or ""
    std::string_view value;       // "MODE" when the option takes a value, "" for a flag
    std::string_view help;
    bool repeatable = false;
};

class Arguments {
public:
    const std::vector<std::string>& positional() const noexcept { return positional_; }
    bool has(std::string_view option) const;
    // The (last) value of an option that takes one.
    std::optional<std::string> value(std::string_view option) const;
    // Every value of a repeatable option, in order.
    std::vector<std::string> values(std::string_view option) const;

    // Throws CtlError (exit 2) for an unknown option, a missing value, a value given to a flag or
    // a second use of an option that is not repeatable. `command` names it in messages.
    static Arguments parse(const std::vector<std::string>& args, const std::vector<OptionSpec>& options,
                           std::string_view command);

private:
    std::vector<std::string> positional_;
    std::map<std::string, std::vector<std::string>, std::less<>> options_;
};

}  // namespace banjo
