// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ignore_command.hpp"

#include <algorithm>

namespace banjo {

std::vector<std::string> ignore_command_argv(const std::vector<std::string>& argv, const Cidr& address) {
    static constexpr std::string_view placeholder = "{address}";
    const std::string text = address.to_string();
    std::vector<std::string> out;
    out.reserve(argv.size());
    for (const auto& arg : argv) {
        std::string a;
        for (std::size_t at = 0;;) {
            const std::size_t hit = arg.find(placeholder, at);
            a.append(arg, at, hit == std::string::npos ? std::string::npos : hit - at);
            if (hit == std::string::npos) break;
            a += text;
            at = hit + placeholder.size();
        }
        out.push_back(std::move(a));
    }
    return out;
}

std::optional<bool> IgnoreCommandCache::ignores(const std::string& jail, const Cidr& address, Usec now) const {
    auto it = entries_.find({jail, address});
    if (it == entries_.end() || it->second.until <= now) return std::nullopt;
    return it->second.ignore;
}

void IgnoreCommandCache::remember(const std::string& jail, const Cidr& address, bool ignore, Usec until) {
    if (entries_.size() >= max_entries && !entries_.count({jail, address})) {
        // Drop the tenth that expires soonest.
        std::vector<Usec> untils;
        for (const auto& kv : entries_) untils.push_back(kv.second.until);
        auto cut = untils.begin() + static_cast<std::ptrdiff_t>(untils.size() / 10);
        std::nth_element(untils.begin(), cut, untils.end());
        const Usec threshold = *cut;
        std::erase_if(entries_, [&](const auto& kv) { return kv.second.until <= threshold; });
    }
    entries_[{jail, address}] = {ignore, until};
}

void IgnoreCommandCache::forget_jail(const std::string& jail) {
    std::erase_if(entries_, [&](const auto& kv) { return kv.first.first == jail; });
}

}  // namespace banjo
