// SPDX-License-Identifier: GPL-2.0-or-later
// glibc keeps what a burst freed (the queues, statements and per-ban copies of 100,000 bans
// decided or lifted at once) in its arenas, where it counts as banjod's memory until reused:
// ~11 MB after 100,000 bans (bench/RESULTS.md, live-memory). After a burst of bans or unbans
// the daemon gives it back to the system (malloc_trim), once the firewall has applied what the
// burst sent it. A quiet daemon never trims. One thread.
#pragma once

#include <cstddef>

namespace banjo {

class MemoryReturn {
public:
    // Bans and unbans since the last return that make a burst.
    static constexpr std::size_t burst = 1024;

    // One more ban or unban. True once per burst: when a return becomes due.
    bool changed() noexcept { return ++changes_ == burst; }
    // The return is under way: the next burst counts from zero.
    void returning() noexcept { changes_ = 0; }

    // Gives the free memory at the top of the heap and in whole free pages back to the system.
    static void give_back() noexcept;

private:
    std::size_t changes_ = 0;
};

}  // namespace banjo
