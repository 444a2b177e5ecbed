// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/command_line.hpp"

#include "ctl/exit_status.hpp"

namespace banjo {

bool Arguments::has(std::string_view option) const { return options_.find(option) != options_.end(); }

std::optional<std::string> Arguments::value(std::string_view option) const {
    auto it = options_.find(option);
    if (it == options_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> Arguments::values(std::string_view option) const {
    auto it = options_.find(option);
    return it == options_.end() ? std::vector<std::string>{} : it->second;
}

Arguments Arguments::parse(const std::vector<std::string>& args, const std::vector<OptionSpec>& options,
                           std::string_view command) {
    Arguments out;
    const std::string see = " (see banjoctl " + std::string(command) + " --help)";
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
            out.positional_.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        std::optional<std::string> inline_value;
        if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            inline_value = std::string(arg.substr(eq + 1));
            arg = arg.substr(0, eq);
        }
        const OptionSpec* spec = nullptr;
        for (const auto& o : options)
            if (arg == o.name || (!o.short_name.empty() && arg == o.short_name)) spec = &o;
        if (!spec) throw usage_error("unknown option '" + std::string(arg) + "'" + see);
        std::vector<std::string>& slot = out.options_[std::string(spec->name)];
        if (!slot.empty() && !spec->repeatable && spec->value.empty()) continue;   // "--json --json" is harmless
        if (!slot.empty() && !spec->repeatable)
            throw usage_error(std::string(spec->name) + " may be given only once" + see);
        if (spec->value.empty()) {
            if (inline_value) throw usage_error(std::string(spec->name) + " takes no value" + see);
            slot.emplace_back();
            continue;
        }
        if (inline_value) {
            slot.push_back(*inline_value);
        } else {
            if (i + 1 >= args.size()) throw usage_error(std::string(spec->name) + " needs a value" + see);
            slot.push_back(args[++i]);
        }
    }
    return out;
}

}  // namespace banjo
