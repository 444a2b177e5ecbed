// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/log_rate_limit.hpp"

namespace banjo {

bool LogRateLimit::allow(Usec now, std::uint64_t& held_back) noexcept {
    // A clock that went back starts a new window rather than holding messages back for long.
    if (used_ == 0 || now < window_start_ || now - window_start_ >= interval_) {
        window_start_ = now;
        used_ = 0;
    }
    if (used_ >= burst_) {
        ++held_back_;
        return false;
    }
    ++used_;
    held_back = held_back_;
    held_back_ = 0;
    return true;
}

}  // namespace banjo
