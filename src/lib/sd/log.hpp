// SPDX-License-Identifier: GPL-2.0-or-later
// Structured logging to the journal (sd_journal_send). Events that people and tools search for
// carry a stable MESSAGE_ID, explained by banjo's catalog under "journalctl -x"; a recidive
// jail reads the ban entries back by that id. The only place sd_journal_send appears.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace banjo::sd {

namespace message_id {
inline constexpr const char* ban = "add223c30bb94799abc230d2cf7655f3";
inline constexpr const char* unban = "9b7fd027ac2540358579faa7bfa7e8f9";
inline constexpr const char* backend_state = "99c696126c034f4d92bfa5a10c49c4ea";
inline constexpr const char* started = "8312cf64cfae4374a5773c43d3fdac33";
inline constexpr const char* config_rejected = "0a70a0441d984a36864e3eacf98eb1df";
inline constexpr const char* state_corrupt = "fee716e33a9749678b9b5ce1d16d984c";
inline constexpr const char* state_health = "5461b8e97c204bb0896c943cb7b15f05";
inline constexpr const char* state_rebuilt = "ee51d510686c4769b9f6cf0ce901a6e8";
// A jail with observe = true decided a ban it does not make.
inline constexpr const char* ban_observed = "1894c964f166453995c86e82ee33c2e7";
// A prefix ban (ipv4-prefix, ipv6-prefix) held an ignored address: one address banned instead.
inline constexpr const char* ban_narrowed = "a1cd2f875d574fc5adaff8d2f1392e1f";
inline constexpr const char* refused_address = "2802dbdf53954a779b2af9f0847b57c2";
// An action's run failed (the ban stands), or overflowed the action queue and was dropped.
inline constexpr const char* action_failed = "5c3f0e6a8d2b4b1f9a7e4c1d2b3a6f80";
inline constexpr const char* action_dropped = "b7e2d4c9a1f64e3b8c5d0a9e7f1b2c46";
// A blocklist reading: applied (with its counts), refused, held back, or unreadable.
inline constexpr const char* blocklist = "6df75d3176914f09beae397f1aa34f06";
// The fleet's Redis link came up or went down.
inline constexpr const char* fleet_link = "875bf68c648c4a1bbfb4c7b8fe545d93";
// A decision from the fleet was refused (unknown origin, forged origin, rate exceeded, malformed).
inline constexpr const char* fleet_refused = "cb8e41916a4c420599270bca37d05b21";
}  // namespace message_id

using Fields = std::vector<std::pair<std::string, std::string>>;   // FIELD (upper case), value

// Sends MESSAGE, PRIORITY and the given fields. Never throws; when the journal is not there
// (tests, a foreground run), writes "banjod: MESSAGE" to stderr instead, if `echo_to_stderr`.
void log(int priority, std::string_view message, const Fields& fields = {});
void set_echo_to_stderr(bool on);

}  // namespace banjo::sd
