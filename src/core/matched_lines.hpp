// SPDX-License-Identifier: GPL-2.0-or-later
// The last matched lines of each tracked address, per jail (fail2ban's maxmatches): what a ban
// hands to its actions and what `banjoctl bans --lines` shows. An attacker chooses these lines
// and how many addresses send them, so the store is bounded twice: at most `keep` lines per
// (jail, address), and at most max_bytes in all, past which the lines of the address seen least
// recently go first. A line longer than max_line_bytes is cut. No I/O; one thread.
#pragma once

#include "core/cidr.hpp"

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace banjo {

// The lines behind one ban, shared between the ban table, the store and the actions.
using BanLines = std::shared_ptr<const std::vector<std::string>>;

inline constexpr std::size_t default_max_lines = 5;                    // per address, [jail] max-lines
inline constexpr std::size_t default_lines_memory_bytes = 4u << 20;    // [defaults] lines-memory

class MatchedLines {
public:
    static constexpr std::size_t max_line_bytes = 2048;
    // What one (jail, address) costs beside its lines: the key and the containers.
    static constexpr std::size_t entry_overhead_bytes = 128;

    explicit MatchedLines(std::size_t max_bytes = default_lines_memory_bytes) : max_bytes_(max_bytes) {}

    // Smaller than what is held: the least recently seen addresses go at once.
    void set_max_bytes(std::size_t max_bytes);
    std::size_t max_bytes() const noexcept { return max_bytes_; }

    // One more matched line in `jail` of `counted` (the address, or its network when the jail
    // counts per prefix); keeps the last `keep` (0: keeps nothing).
    void add(std::string_view jail, const Cidr& counted, std::string_view line, std::size_t keep);
    // The lines of (jail, counted), oldest first, taken out of the store (a ban carries them on).
    BanLines take(std::string_view jail, const Cidr& counted);
    // The lines of (jail, counted), oldest first, left in the store (banjoctl why).
    std::vector<std::string> peek(std::string_view jail, const Cidr& counted) const;
    // Forgets every line of `jail` (the jail was removed or disabled).
    void forget_jail(std::string_view jail);

    std::size_t bytes() const noexcept { return bytes_; }
    std::size_t addresses() const noexcept { return index_.size(); }
    // Addresses whose lines were dropped to stay within max_bytes, since start.
    std::uint64_t evicted() const noexcept { return evicted_; }

private:
    using Key = std::pair<std::string, Cidr>;
    struct Entry {
        Key key;
        // A vector, not a deque: a deque's first block is 512 bytes whatever it holds, which
        // made a tracked address with one line cost ~900 bytes instead of ~350.
        std::vector<std::string> lines;
        std::size_t bytes = 0;
    };
    void erase(std::list<Entry>::iterator it);
    void make_room();

    std::size_t max_bytes_;
    std::size_t bytes_ = 0;
    std::uint64_t evicted_ = 0;
    std::list<Entry> recent_;   // most recently seen first
    std::map<Key, std::list<Entry>::iterator, std::less<>> index_;
};

}  // namespace banjo
