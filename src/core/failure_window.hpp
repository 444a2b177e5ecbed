// SPDX-License-Identifier: GPL-2.0-or-later
// The recent failures of one address: just enough of them (at most maxretry) to tell whether
// maxretry fall inside findtime. Times are counted in whole seconds, as fail2ban counts log
// timestamps, so a journal replay and a syslog replay of the same events decide alike.
// 24 bytes: up to inline_capacity failures sit inside the object as 32-bit seconds since the
// Unix epoch (good until 2106; earlier than 1970 counts as 1970), more (maxretry above 5) in
// one heap block. One per tracked address, so its size is most of what an address costs.
#pragma once

#include "core/duration.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace banjo {

class FailureWindow {
public:
    static constexpr std::uint32_t inline_capacity = 5;

    FailureWindow() noexcept = default;
    FailureWindow(FailureWindow&& other) noexcept;
    FailureWindow& operator=(FailureWindow&& other) noexcept;
    FailureWindow(const FailureWindow& other);
    FailureWindow& operator=(const FailureWindow& other);
    ~FailureWindow();

    // Records a failure at `time` and returns how many recorded failures lie inside the window of
    // `findtime` that ends at `time` (this one included). Out-of-order times are handled: the
    // journal can hold an entry written later with an earlier timestamp.
    unsigned add(Usec time, Usec findtime, unsigned maxretry);

    // True when no failure recorded here can still count at `now`.
    bool stale(Usec now, Usec findtime) const noexcept;
    // The newest failure recorded (whole seconds); 0 when empty.
    std::int64_t last_second() const noexcept;
    std::size_t size() const noexcept { return count_ & count_mask; }
    // The recorded failures (whole seconds) still inside the window at `now`, oldest first.
    std::vector<std::int64_t> seconds_within(Usec now, Usec findtime) const;

private:
    static constexpr std::uint32_t spilled_bit = 0x80000000u, count_mask = 0x7fffffffu;
    bool spilled() const noexcept { return (count_ & spilled_bit) != 0; }
    std::uint32_t capacity() const noexcept { return spilled() ? words_[2] : inline_capacity; }
    std::uint32_t* data() noexcept;
    const std::uint32_t* data() const noexcept;
    std::span<const std::uint32_t> times() const noexcept { return {data(), size()}; }
    void reserve(std::uint32_t n);
    void release() noexcept;

    // Inline: the failures. Spilled: words 0-1 hold the heap block's address, word 2 its
    // capacity (the block holds the failures, unordered).
    std::uint32_t words_[inline_capacity] = {};
    std::uint32_t count_ = 0;   // low 31 bits: failures recorded; bit 31: spilled
};

}  // namespace banjo
