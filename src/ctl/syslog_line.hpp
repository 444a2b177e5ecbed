// SPDX-License-Identifier: GPL-2.0-or-later
// A log file line -> what the journal would hold for it: MESSAGE without the syslog prefix,
// and the identifier and PID the prefix named (SYSLOG_IDENTIFIER, _PID). Filters are written
// for journal MESSAGEs, so test-filter strips the prefix before matching. Recognised forms:
//   "May 29 20:56:52 host ident[pid]: MSG"   BSD syslog (RFC 3164), host optional
//   "2024-05-02T14:03:11.123+02:00 host ident[pid]: MSG"   ISO time stamp (rsyslog's default)
//   "<PRI>1 TIME HOST APP PROCID MSGID SD MSG"   RFC 5424
//   "host ident[pid]: MSG"   journalctl's short form without a time ("[pid]" required here)
// A line in none of these forms is taken as the message itself.
#pragma once

#include <string_view>

namespace banjo {

struct SyslogLine {
    std::string_view message;
    std::string_view ident;   // empty when the line had no prefix or no identifier
    std::string_view pid;
    bool had_prefix = false;
};

SyslogLine split_syslog_line(std::string_view line) noexcept;

}  // namespace banjo
