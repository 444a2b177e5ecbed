// SPDX-License-Identifier: GPL-2.0-or-later
// A jail's memory of the networks it banned: until when the last ban runs (so a failure of a
// banned network is not counted) and how many bans it had (the increment policy's n). It grows
// with every distinct offender, so it is bounded twice, in entries (history-max-entries) and
// in bytes (history-memory): past either, the records whose last ban ended longest ago are
// dropped first (a permanent ban's record last of all). A record costs 32 bytes in one array
// plus 5-10 bytes of index (bytes_for), against ~75 in a std::unordered_map. No I/O;
// one thread.
#pragma once

#include "core/cidr.hpp"
#include "core/duration.hpp"
#include "core/flat_map.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace banjo {

inline constexpr std::size_t default_history_max_entries = 200'000;   // [defaults] history-max-entries
inline constexpr std::size_t default_history_memory_bytes = 16u << 20;   // [defaults] history-memory

// One record; the time is kept in two 4-byte words so that a record packs beside its 18-byte key.
class HistoryRecord {
public:
    Usec banned_until() const noexcept {
        std::int64_t v;
        std::memcpy(&v, until_, sizeof v);
        return Usec(v);
    }
    void set_banned_until(Usec t) noexcept {
        const std::int64_t v = t.count();
        std::memcpy(until_, &v, sizeof v);
    }
    std::uint32_t bans = 0;

private:
    std::uint32_t until_[2] = {};
};

class BanHistory {
public:
    explicit BanHistory(std::uint64_t hash_seed = 0, std::size_t max_entries = default_history_max_entries,
                        std::size_t max_bytes = default_history_memory_bytes);

    // Both bounds; a history past them drops its oldest records at once.
    void set_limits(std::size_t max_entries, std::size_t max_bytes);
    // The records kept at most: max_entries, or fewer when max_bytes holds fewer.
    std::size_t capacity() const noexcept { return limit_; }

    const HistoryRecord* find(const Cidr& network) const noexcept { return records_.get(network); }
    HistoryRecord* find(const Cidr& network) noexcept { return records_.get(network); }
    // The record of `network`, new (zero) if there was none; making room may drop the oldest.
    HistoryRecord& at(const Cidr& network);

    // Forgets the records whose last ban ended before `cutoff`; returns how many.
    std::size_t forget_before(Usec cutoff);

    std::size_t size() const noexcept { return records_.size(); }
    std::size_t bytes() const noexcept { return records_.bytes(); }
    // Records dropped to stay within the bounds, since start.
    std::uint64_t dropped() const noexcept { return dropped_; }

    using Records = FlatMap<Cidr, HistoryRecord, CidrHash>;
    // What n records cost at most (their array and index).
    static std::size_t bytes_for(std::size_t n) noexcept { return Records::bytes_for(n); }

private:
    void drop_oldest(std::size_t count);

    Records records_;
    std::size_t limit_ = 0;
    std::uint64_t dropped_ = 0;
};

}  // namespace banjo
