// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/failure_window.hpp"

#include <algorithm>

namespace banjo {

namespace {

std::int64_t whole_seconds(Usec t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t).count();
}

}  // namespace

unsigned FailureWindow::add(Usec time, Usec findtime, unsigned maxretry) {
    const std::int64_t now = whole_seconds(time);
    const std::int64_t span = whole_seconds(findtime);
    last_second_ = seconds_.empty() ? now : std::max(last_second_, now);
    // A failure at second s counts while s > now - span: with findtime 10m, a failure at 12:00:00
    // still counts at 12:09:59 and no longer at 12:10:00. What is too old for the newest time
    // seen can never count again and goes.
    std::erase_if(seconds_, [&](std::int64_t s) { return s <= last_second_ - span; });
    seconds_.push_back(now);
    if (maxretry > 0 && seconds_.size() > maxretry)
        seconds_.erase(std::min_element(seconds_.begin(), seconds_.end()));
    // Counted against `now`, not the newest time: an entry that arrives late with an earlier
    // timestamp is judged by the failures around it.
    return static_cast<unsigned>(
        std::count_if(seconds_.begin(), seconds_.end(), [&](std::int64_t s) { return s > now - span && s <= now; }));
}

std::vector<std::int64_t> FailureWindow::seconds_within(Usec now, Usec findtime) const {
    const std::int64_t end = whole_seconds(now), span = whole_seconds(findtime);
    std::vector<std::int64_t> out;
    for (std::int64_t s : seconds_)
        if (s > end - span) out.push_back(s);
    std::sort(out.begin(), out.end());
    return out;
}

bool FailureWindow::stale(Usec now, Usec findtime) const noexcept {
    return last_second_ <= whole_seconds(now) - whole_seconds(findtime);
}

}  // namespace banjo
