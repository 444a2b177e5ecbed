// SPDX-License-Identifier: GPL-2.0-or-later
// The recent failures of one address: just enough of them (at most maxretry) to tell whether
// maxretry fall inside findtime. Times are counted in whole seconds, as fail2ban counts log
// timestamps, so a journal replay and a syslog replay of the same events decide alike.
#pragma once

#include "core/duration.hpp"

#include <cstdint>
#include <vector>

namespace banjo {

class FailureWindow {
public:
    // Records a failure at `time` and returns how many recorded failures lie inside the window of
    // `findtime` that ends at `time` (this one included). Out-of-order times are handled: the
    // journal can hold an entry written later with an earlier timestamp.
    unsigned add(Usec time, Usec findtime, unsigned maxretry);

    // True when no failure recorded here can still count at `now`.
    bool stale(Usec now, Usec findtime) const noexcept;
    std::int64_t last_second() const noexcept { return last_second_; }
    std::size_t size() const noexcept { return seconds_.size(); }
    // The recorded failures (whole seconds) still inside the window at `now`, oldest first.
    std::vector<std::int64_t> seconds_within(Usec now, Usec findtime) const;

private:
    std::vector<std::int64_t> seconds_;   // at most maxretry, unordered
    std::int64_t last_second_ = 0;
};

}  // namespace banjo
