// SPDX-License-Identifier: GPL-2.0-or-later
// A hash map for the per-address state an attacker can grow (failure windows, ban history,
// sessions): the entries sit side by side in one array, found through an open-addressing index
// of 4-byte slots (linear probing, at most 13/16 full). Against std::unordered_map it saves the
// node per entry (two pointers, a cached hash and malloc's own header: ~40 bytes) and its
// bucket array. An erase moves the last entry into the hole, so positions are not stable across
// erases (erase_at says what moved). A map that shrank to a quarter of its array gives the
// rest back (a flood's windows, once banned, cost nothing after). At most max_entries
// (16,777,215) entries. One thread.
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <utility>
#include <vector>

namespace banjo {

template <class Key, class Value, class Hash, class Equal = std::equal_to<Key>>
class FlatMap {
public:
    struct Entry {
        Key key;
        Value value;
    };
    // A slot holds the entry's position + 1 in its low 24 bits (0: empty) and 8 bits of the
    // key's hash above, so a probe rarely looks at an entry that is not the one sought.
    static constexpr std::size_t max_entries = (std::size_t{1} << 24) - 1;
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    explicit FlatMap(Hash hash = Hash{}) : hash_(std::move(hash)) {}

    std::size_t size() const noexcept { return entries_.size(); }
    bool empty() const noexcept { return entries_.empty(); }
    Entry& at(std::size_t pos) noexcept { return entries_[pos]; }
    const Entry& at(std::size_t pos) const noexcept { return entries_[pos]; }
    auto begin() noexcept { return entries_.begin(); }
    auto end() noexcept { return entries_.end(); }
    auto begin() const noexcept { return entries_.begin(); }
    auto end() const noexcept { return entries_.end(); }
    // What the map holds in memory: its entries and its index (capacity, not size).
    std::size_t bytes() const noexcept {
        return entries_.capacity() * sizeof(Entry) + slots_.capacity() * sizeof(std::uint32_t);
    }

    // A map that will never hold more than `n` entries does not grow its array past n (a
    // bound in bytes, not only in entries). 0: no limit.
    void set_capacity_limit(std::size_t n) noexcept { capacity_limit_ = n == 0 ? max_entries : n; }
    // The memory of a map of n entries that grew to them (entries and index).
    static std::size_t bytes_for(std::size_t n) noexcept { return n * sizeof(Entry) + slots_for(n) * sizeof(std::uint32_t); }

    // The position of `key`, or npos.
    std::size_t find(const Key& key) const noexcept {
        if (entries_.empty()) return npos;
        const std::size_t h = hash_(key);
        const std::uint32_t tag = tag_of(h);
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const std::uint32_t s = slots_[i];
            if (s == 0) return npos;
            if ((s & tag_mask) == tag && equal_(entries_[(s & pos_mask) - 1].key, key)) return (s & pos_mask) - 1;
        }
    }
    Value* get(const Key& key) noexcept {
        const std::size_t p = find(key);
        return p == npos ? nullptr : &entries_[p].value;
    }
    const Value* get(const Key& key) const noexcept {
        const std::size_t p = find(key);
        return p == npos ? nullptr : &entries_[p].value;
    }

    // The position of `key`'s entry, made with a value-initialized Value if there was none
    // (second: true). Throws std::length_error past max_entries.
    std::pair<std::size_t, bool> try_emplace(const Key& key) {
        if (const std::size_t p = find(key); p != npos) return {p, false};
        return {emplace_absent(key), true};
    }
    // As try_emplace for a key that find() has just not found (nothing inserted since): the
    // position of its new entry, without searching again.
    std::size_t emplace_absent(const Key& key) {
        if (entries_.size() >= max_entries) throw std::length_error("FlatMap: too many entries");
        if ((entries_.size() + 1) * 16 > slots_.size() * 13) grow();
        if (entries_.size() == entries_.capacity())
            entries_.reserve(std::min(std::max(entries_.size() + 1, capacity_limit_),
                                      std::max<std::size_t>(16, entries_.capacity() * 2)));
        entries_.push_back(Entry{key, Value{}});
        place(hash_(key), static_cast<std::uint32_t>(entries_.size()));
        return entries_.size() - 1;
    }
    Value& operator[](const Key& key) { return entries_[try_emplace(key).first].value; }

    bool erase(const Key& key) {
        const std::size_t p = find(key);
        if (p == npos) return false;
        erase_at(p);
        return true;
    }
    // Removes the entry at `pos`; the last entry moves into `pos` (unless it was the last).
    // Returns the old position of the entry that moved there, or npos.
    std::size_t erase_at(std::size_t pos) {
        unplace(pos);
        const std::size_t last = entries_.size() - 1;
        if (pos == last) {
            entries_.pop_back();
            shrink_if_sparse();
            return npos;
        }
        // The last entry's slot now names pos.
        const std::size_t s = slot_of(last);
        slots_[s] = (slots_[s] & tag_mask) | static_cast<std::uint32_t>(pos + 1);
        entries_[pos] = std::move(entries_[last]);
        entries_.pop_back();
        shrink_if_sparse();
        return last;
    }
    // Erases every entry for which pred(entry) holds; returns how many.
    template <class Pred>
    std::size_t erase_if(Pred pred) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < entries_.size();) {
            if (pred(std::as_const(entries_[i]))) {
                erase_at(i);
                ++n;
            } else {
                ++i;
            }
        }
        return n;
    }
    void clear() noexcept {
        entries_.clear();
        std::fill(slots_.begin(), slots_.end(), 0);
    }
    // Gives back the memory of a map much larger than it was (after a flood).
    void shrink_to_fit() {
        if (entries_.capacity() <= 2 * entries_.size() + 64) return;
        std::vector<Entry> kept(std::make_move_iterator(entries_.begin()), std::make_move_iterator(entries_.end()));
        entries_.swap(kept);
        rebuild(slots_for(entries_.size()));
    }

private:
    static constexpr std::uint32_t pos_mask = 0x00ffffff;
    static constexpr std::uint32_t tag_mask = 0xff000000;
    static std::uint32_t tag_of(std::size_t hash) noexcept {
        return static_cast<std::uint32_t>(hash >> (sizeof(std::size_t) * 8 - 8)) << 24;
    }
    static std::size_t slots_for(std::size_t n) noexcept {
        std::size_t cap = 16;
        while (n * 16 > cap * 13) cap *= 2;
        return cap;
    }
    void place(std::size_t hash, std::uint32_t pos_plus_one) {
        std::size_t i = hash & mask_;
        while (slots_[i] != 0) i = (i + 1) & mask_;
        slots_[i] = tag_of(hash) | pos_plus_one;
    }
    std::size_t slot_of(std::size_t pos) const noexcept {
        const std::size_t h = hash_(entries_[pos].key);
        std::size_t i = h & mask_;
        while ((slots_[i] & pos_mask) != pos + 1) i = (i + 1) & mask_;
        return i;
    }
    // Empties pos's slot and shifts the probe chain after it back (no tombstones).
    void unplace(std::size_t pos) {
        std::size_t hole = slot_of(pos);
        slots_[hole] = 0;
        for (std::size_t i = (hole + 1) & mask_; slots_[i] != 0; i = (i + 1) & mask_) {
            const std::size_t home = hash_(entries_[(slots_[i] & pos_mask) - 1].key) & mask_;
            // The entry at i may move to the hole when its home is not in (hole, i].
            const bool stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (stays) continue;
            slots_[hole] = slots_[i];
            slots_[i] = 0;
            hole = i;
        }
    }
    // Positions stay as they are (the array is copied in order).
    void shrink_if_sparse() {
        if (entries_.capacity() >= 1024 && entries_.size() * 4 <= entries_.capacity()) shrink_to_fit();
    }
    void grow() { rebuild(slots_.empty() ? 16 : slots_.size() * 2); }
    void rebuild(std::size_t slot_count) {
        slots_.assign(slot_count, 0);
        slots_.shrink_to_fit();
        mask_ = slot_count - 1;
        for (std::size_t p = 0; p < entries_.size(); ++p)
            place(hash_(entries_[p].key), static_cast<std::uint32_t>(p + 1));
    }

    Hash hash_;
    [[no_unique_address]] Equal equal_;
    std::vector<Entry> entries_;
    std::vector<std::uint32_t> slots_;
    std::size_t mask_ = 0;
    std::size_t capacity_limit_ = max_entries;
};

}  // namespace banjo
