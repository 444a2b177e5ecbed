// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal/entry_fields.hpp"

#include <algorithm>

namespace banjo {

std::size_t EntryFields::add(std::string_view name) {
    std::string prefix = std::string(name) + "=";
    auto it = std::find(prefixes_.begin(), prefixes_.end(), prefix);
    if (it != prefixes_.end()) return static_cast<std::size_t>(it - prefixes_.begin());
    prefixes_.push_back(std::move(prefix));
    values_.emplace_back();
    found_.push_back(0);
    return prefixes_.size() - 1;
}

void EntryFields::clear() noexcept {
    std::fill(found_.begin(), found_.end(), 0);
    missing_ = prefixes_.size();
}

bool EntryFields::offer(std::string_view data, std::size_t max_value_bytes) {
    for (std::size_t i = 0; i < prefixes_.size(); ++i) {
        // A field occurs once per entry as journald writes it; should one repeat, the first counts,
        // as sd_journal_get_data would answer.
        if (found_[i] || !data.starts_with(prefixes_[i])) continue;
        std::string_view value = data.substr(prefixes_[i].size());
        values_[i].assign(value.substr(0, std::min(value.size(), max_value_bytes)));
        found_[i] = 1;
        --missing_;
        break;
    }
    return missing_ > 0;
}

}  // namespace banjo
