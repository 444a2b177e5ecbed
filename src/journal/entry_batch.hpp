// SPDX-License-Identifier: GPL-2.0-or-later
// A run of journal entries read ahead (JournalReader::read_batch), each with its realtime and
// the fields an EntryFields names, processed after the reading. Why: one entry's way through
// libsystemd (next, the walk over its data) and then through banjo (router, PCRE2 JIT code,
// session table, jail) runs more code than the CPU's 32 KiB instruction cache holds, so taken
// entry by entry each half evicts the other's code every time (valgrind's cache simulation:
// 20 M instruction cache misses in a replay of 160,000 entries, against 3,000 for the bare
// read). Reading a batch, then matching it, keeps each half's code warm for the whole batch.
// The values sit side by side in one buffer (a few cache lines an entry), so that the batch
// also stays in the data cache. Entries keep their order: results are those of reading them
// one by one. No allocation once warm.
#pragma once

#include "core/duration.hpp"
#include "journal/entry_fields.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

class EntryBatch {
public:
    // Enough entries that the change of code is paid once per batch, few enough that their
    // values stay in the first-level data cache.
    static constexpr std::size_t default_capacity = 32;

    // Entries are read for the fields `names` asks for (its values are not used).
    explicit EntryBatch(EntryFields names, std::size_t capacity = default_capacity);

    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return times_.size(); }
    bool full() const noexcept { return size_ == times_.size(); }
    Usec time(std::size_t entry) const noexcept { return times_[entry]; }
    // Field `field` (an index of the names) of entry `entry`, nullopt if the entry has none.
    std::optional<std::string_view> value(std::size_t entry, std::size_t field) const noexcept {
        const Slot s = slots_[entry * fields_ + field];
        if (s.size == absent) return std::nullopt;
        return std::string_view(values_.data() + s.offset, s.size);
    }

    // For the reader: forget the batch; start each entry, then offer it the entry's
    // "FIELD=value" items until offer() returns false (every field found).
    void clear() noexcept {
        size_ = 0;
        values_.clear();
    }
    void start_entry(Usec time) noexcept;
    bool offer(std::string_view data, std::size_t max_value_bytes);

private:
    struct Slot {
        std::uint32_t offset;
        std::uint32_t size;
    };
    static constexpr std::uint32_t absent = UINT32_MAX;

    EntryFields names_;
    std::size_t fields_;
    std::vector<Usec> times_;
    std::vector<Slot> slots_;   // fields_ per entry
    std::string values_;        // every value of the batch
    std::size_t size_ = 0;
    std::size_t missing_ = 0;   // fields the current entry still lacks
};

}  // namespace banjo
