// SPDX-License-Identifier: GPL-2.0-or-later
// Times as banjoctl prints them. D-Bus gives CLOCK_REALTIME microseconds with UINT64_MAX for
// "never"; people read local time the way systemctl shows it ("Thu 2024-05-02 14:03:11 CEST")
// and spans in systemd's syntax (core/duration.hpp).
#pragma once

#include "core/duration.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace banjo {

inline constexpr std::uint64_t never_usec = UINT64_MAX;

std::uint64_t realtime_now_usec();

// "Thu 2024-05-02 14:03:11 CEST"; "never" for never_usec; "-" for 0.
std::string timestamp_text(std::uint64_t usec);
// "2024-05-02 14:03:11", the shorter form monitor prints at the start of each line.
std::string short_timestamp_text(std::uint64_t usec);

// From now until `expires_usec`, to the nearest second: "9min 58s"; "infinity" for
// never_usec; "0" once past.
std::string remaining_text(std::uint64_t expires_usec, std::uint64_t now_usec);
// The same in microseconds for --json; nullopt for never_usec.
std::optional<std::uint64_t> remaining_usec(std::uint64_t expires_usec, std::uint64_t now_usec);

// A D-Bus duration (UINT64_MAX: infinity) in systemd's syntax.
std::string span_text(std::uint64_t usec);

}  // namespace banjo
