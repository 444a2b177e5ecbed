// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/failure_window.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace banjo {

namespace {

std::int64_t whole_seconds(Usec t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t).count();
}

std::uint32_t stored_seconds(std::int64_t s) {
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(s, 0, std::numeric_limits<std::uint32_t>::max()));
}

}  // namespace

FailureWindow::FailureWindow(FailureWindow&& other) noexcept : count_(other.count_) {
    std::memcpy(words_, other.words_, sizeof words_);
    other.count_ = 0;
}

FailureWindow& FailureWindow::operator=(FailureWindow&& other) noexcept {
    if (this != &other) {
        release();
        std::memcpy(words_, other.words_, sizeof words_);
        count_ = other.count_;
        other.count_ = 0;
    }
    return *this;
}

FailureWindow::FailureWindow(const FailureWindow& other) {
    if (other.spilled()) reserve(other.capacity());
    std::copy_n(other.data(), other.size(), data());
    count_ = (count_ & spilled_bit) | static_cast<std::uint32_t>(other.size());
}

FailureWindow& FailureWindow::operator=(const FailureWindow& other) {
    if (this != &other) {
        FailureWindow copy(other);
        *this = std::move(copy);
    }
    return *this;
}

FailureWindow::~FailureWindow() { release(); }

void FailureWindow::release() noexcept {
    if (spilled()) delete[] data();
    count_ = 0;
}

std::uint32_t* FailureWindow::data() noexcept {
    if (!spilled()) return words_;
    std::uint32_t* p;
    std::memcpy(&p, words_, sizeof p);
    return p;
}

const std::uint32_t* FailureWindow::data() const noexcept {
    return const_cast<FailureWindow*>(this)->data();
}

void FailureWindow::reserve(std::uint32_t n) {
    if (n <= capacity()) return;
    auto* block = new std::uint32_t[n];
    std::copy_n(data(), size(), block);
    const std::uint32_t count = static_cast<std::uint32_t>(size());
    if (spilled()) delete[] data();
    std::memcpy(words_, &block, sizeof block);
    words_[2] = n;
    count_ = spilled_bit | count;
}

unsigned FailureWindow::add(Usec time, Usec findtime, unsigned maxretry) {
    const std::int64_t now = whole_seconds(time);
    const std::int64_t span = whole_seconds(findtime);
    const std::uint32_t stamp = stored_seconds(now);
    std::uint32_t* t = data();
    std::uint32_t n = static_cast<std::uint32_t>(size());
    const std::int64_t last = n == 0 ? now : std::max(last_second(), now);
    // A failure at second s counts while s > now - span: with findtime 10m, a failure at 12:00:00
    // still counts at 12:09:59 and no longer at 12:10:00. What is too old for the newest time
    // seen can never count again and goes.
    n = static_cast<std::uint32_t>(std::remove_if(t, t + n, [&](std::uint32_t s) { return s <= last - span; }) - t);
    if (n >= capacity()) {
        reserve(std::max<std::uint32_t>(capacity() * 2, n + 1));
        t = data();
    }
    t[n++] = stamp;
    if (maxretry > 0 && n > maxretry) {
        std::uint32_t* oldest = std::min_element(t, t + n);
        *oldest = t[n - 1];
        --n;
    }
    count_ = (count_ & spilled_bit) | n;
    // Counted against `now`, not the newest time: an entry that arrives late with an earlier
    // timestamp is judged by the failures around it.
    return static_cast<unsigned>(std::count_if(t, t + n, [&](std::uint32_t s) { return s > now - span && s <= now; }));
}

std::int64_t FailureWindow::last_second() const noexcept {
    // The newest failure is never the one dropped (only those older than it by findtime, or
    // the oldest when more than maxretry), so the newest time seen is the largest kept.
    const auto t = times();
    return t.empty() ? 0 : *std::max_element(t.begin(), t.end());
}

std::vector<std::int64_t> FailureWindow::seconds_within(Usec now, Usec findtime) const {
    const std::int64_t end = whole_seconds(now), span = whole_seconds(findtime);
    std::vector<std::int64_t> out;
    for (std::uint32_t s : times())
        if (s > end - span) out.push_back(s);
    std::sort(out.begin(), out.end());
    return out;
}

bool FailureWindow::stale(Usec now, Usec findtime) const noexcept {
    return last_second() <= whole_seconds(now) - whole_seconds(findtime);
}

}  // namespace banjo
