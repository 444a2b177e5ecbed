// SPDX-License-Identifier: GPL-2.0-or-later
// The fields one journal entry is read for, taken in a single walk over its data: the names
// (add, find) that an EntryBatch reads entries for (JournalReader::read_entry), and the values of
// one entry offered item by item. sd_journal_get_data walks the entry's fields from the first
// for every field asked, and an absent field (an entry without _UID) costs a walk over all of
// them, so a reader that needs the router's fields, MESSAGE and a session id reads each entry
// once this way instead of once per field. Values are copied out (the journal's view of a value
// ends at its next read) into buffers reused from entry to entry: no allocation once warm.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

class EntryFields {
public:
    // Adds FIELD (once: a name already added keeps its index) and returns its index.
    std::size_t add(std::string_view name);
    std::size_t size() const noexcept { return names_.size(); }

    // The value of field `index` in the entry last read (without "FIELD="), nullopt if absent.
    // Valid until the next read.
    std::optional<std::string_view> value(std::size_t index) const noexcept {
        if (!found_[index]) return std::nullopt;
        return std::string_view(values_[index]);
    }

    // For the reader: forget the last entry, then offer it each "FIELD=value" of the next.
    // offer() returns false once every field has been found (the walk may stop there).
    void clear() noexcept;
    bool offer(std::string_view data, std::size_t max_value_bytes);

    // Which asked field the "FIELD=value" item `data` is (npos: none), and where its value
    // starts (the name's size + 1). For readers that keep the values elsewhere (EntryBatch).
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::size_t find(std::string_view data, std::size_t& value_start) const noexcept;

private:
    std::vector<std::string> names_;      // "FIELD"
    std::size_t longest_name_ = 0;
    std::vector<std::string> values_;
    std::vector<char> found_;
    std::size_t missing_ = 0;
};

}  // namespace banjo
