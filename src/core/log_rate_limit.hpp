// SPDX-License-Identifier: GPL-2.0-or-later
// A budget for journal messages that an attacker can cause (one per forged log line): at most
// `burst` messages in any window of `interval`; the rest are counted, and the next message let
// through says how many were held back. Time is passed in; no I/O, one thread.
#pragma once

#include "core/duration.hpp"

#include <cstddef>
#include <cstdint>

namespace banjo {

class LogRateLimit {
public:
    LogRateLimit(std::size_t burst, Usec interval) : burst_(burst), interval_(interval) {}

    // True: write the message now, and say that `held_back` messages before it were not
    // written (0 mostly). False: counted as held back.
    bool allow(Usec now, std::uint64_t& held_back) noexcept;
    // Adds messages that were never offered (dropped earlier, e.g. beyond a queue's bound).
    void hold_back(std::uint64_t n) noexcept { held_back_ += n; }

private:
    std::size_t burst_;
    Usec interval_;
    Usec window_start_{0};
    std::size_t used_ = 0;
    std::uint64_t held_back_ = 0;
};

}  // namespace banjo
