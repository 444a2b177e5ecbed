// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal/entry_batch.hpp"

#include <algorithm>
#include <utility>

namespace banjo {

EntryBatch::EntryBatch(EntryFields names, std::size_t capacity)
    : names_(std::move(names)),
      fields_(names_.size()),
      times_(std::max<std::size_t>(capacity, 1)),
      slots_(times_.size() * fields_) {
    // 8 KiB values (the reader's threshold) are rare: room for ordinary ones.
    values_.reserve(times_.size() * 256);
}

void EntryBatch::start_entry(Usec time) noexcept {
    times_[size_] = time;
    std::fill_n(slots_.begin() + static_cast<std::ptrdiff_t>(size_ * fields_), fields_, Slot{0, absent});
    ++size_;
    missing_ = fields_;
}

bool EntryBatch::offer(std::string_view data, std::size_t max_value_bytes) {
    std::size_t start = 0;
    const std::size_t i = names_.find(data, start);
    if (i == EntryFields::npos) return missing_ > 0;
    Slot& s = slots_[(size_ - 1) * fields_ + i];
    // A field occurs once per entry as journald writes it; should one repeat, the first counts,
    // as sd_journal_get_data would answer.
    if (s.size != absent) return missing_ > 0;
    const std::string_view value = data.substr(start, max_value_bytes);
    s = Slot{static_cast<std::uint32_t>(values_.size()), static_cast<std::uint32_t>(value.size())};
    values_.append(value);
    --missing_;
    return missing_ > 0;
}

}  // namespace banjo
