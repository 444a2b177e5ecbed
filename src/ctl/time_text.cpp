// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/time_text.hpp"

#include <ctime>

namespace banjo {

namespace {

std::string local_time(std::uint64_t usec, const char* format) {
    const std::time_t t = static_cast<std::time_t>(usec / 1'000'000);
    std::tm tm{};
    if (!localtime_r(&t, &tm)) return std::to_string(usec);
    char buf[128];
    const std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
    return n ? std::string(buf, n) : std::to_string(usec);
}

}  // namespace

std::uint64_t realtime_now_usec() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}

std::string timestamp_text(std::uint64_t usec) {
    if (usec == never_usec) return "never";
    if (usec == 0) return "-";
    return local_time(usec, "%a %Y-%m-%d %H:%M:%S %Z");
}

std::string short_timestamp_text(std::uint64_t usec) { return local_time(usec, "%Y-%m-%d %H:%M:%S"); }

std::optional<std::uint64_t> remaining_usec(std::uint64_t expires_usec, std::uint64_t now_usec) {
    if (expires_usec == never_usec) return std::nullopt;
    return expires_usec > now_usec ? expires_usec - now_usec : 0;
}

std::string remaining_text(std::uint64_t expires_usec, std::uint64_t now_usec) {
    auto left = remaining_usec(expires_usec, now_usec);
    if (!left) return "infinity";
    // To the nearest second: a 90 s ban read back a few microseconds later still shows "1min 30s".
    const std::uint64_t whole_seconds = (*left + 500'000) / 1'000'000 * 1'000'000;
    return format_timespan(Usec(static_cast<Usec::rep>(whole_seconds)));
}

std::string span_text(std::uint64_t usec) {
    if (usec == never_usec || usec > static_cast<std::uint64_t>(infinite_usec.count())) return "infinity";
    return format_timespan(Usec(static_cast<Usec::rep>(usec)));
}

}  // namespace banjo
