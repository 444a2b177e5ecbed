// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal/entry_fields.hpp"

#include <algorithm>
#include <cstring>

namespace banjo {

std::size_t EntryFields::add(std::string_view name) {
    auto it = std::find(names_.begin(), names_.end(), name);
    if (it != names_.end()) return static_cast<std::size_t>(it - names_.begin());
    names_.emplace_back(name);
    values_.emplace_back();
    found_.push_back(0);
    longest_name_ = std::max(longest_name_, name.size());
    return names_.size() - 1;
}

void EntryFields::clear() noexcept {
    std::fill(found_.begin(), found_.end(), 0);
    missing_ = names_.size();
}

std::size_t EntryFields::find(std::string_view data, std::size_t& value_start) const noexcept {
    // An entry has a dozen or more fields and few are asked for: find the '=' once (a name
    // longer than every asked one cannot be one of them) and compare whole names only where
    // the lengths agree, instead of a prefix comparison per asked field and item.
    const void* eq = std::memchr(data.data(), '=', std::min(data.size(), longest_name_ + 1));
    if (!eq) return npos;
    const std::size_t name_size = static_cast<std::size_t>(static_cast<const char*>(eq) - data.data());
    for (std::size_t i = 0; i < names_.size(); ++i) {
        if (names_[i].size() != name_size || std::memcmp(names_[i].data(), data.data(), name_size) != 0) continue;
        value_start = name_size + 1;
        return i;
    }
    return npos;
}

bool EntryFields::offer(std::string_view data, std::size_t max_value_bytes) {
    std::size_t start = 0;
    const std::size_t i = find(data, start);
    // A field occurs once per entry as journald writes it; should one repeat, the first counts,
    // as sd_journal_get_data would answer.
    if (i == npos || found_[i]) return missing_ > 0;
    std::string_view value = data.substr(start);
    values_[i].assign(value.substr(0, std::min(value.size(), max_value_bytes)));
    found_[i] = 1;
    --missing_;
    return missing_ > 0;
}

}  // namespace banjo
