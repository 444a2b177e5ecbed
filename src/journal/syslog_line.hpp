// SPDX-License-Identifier: GPL-2.0-or-later
// A line from a log file -> the fields journald would have stored had the program logged it
// to the journal: MESSAGE, SYSLOG_IDENTIFIER and _PID. Filters are written for MESSAGE, so a
// log line is matched only once its prefix is gone (banjoctl test-filter, the sample tests).
// Recognised forms, the time stamp and host being the syslog daemon's:
//   "May 29 20:56:52 [host] ident[pid]: MSG"      BSD syslog (RFC 3164); also "[ident]" there
//   "2024-05-02T14:03:11.123+02:00 [host] ident[pid]: MSG"   ISO 8601 time (rsyslog)
//   "2024-05-02 14:03:11 host ident[pid]: MSG"    syslog-ng (only this full form)
//   "<PRI>1 TIME HOST APP PROCID MSGID SD MSG"     RFC 5424
//   "host ident[pid]: MSG"                         journalctl's short form without a time
//   "type=NAME msg=audit(T:ID): BODY"              the kernel's audit records as auditd writes
//                                                  them: journald stores "NAME BODY", _PID=pid=
//   "@4000...(24 hex digits) MSG"                  daemontools' multilog (TAI64N label)
// Without a host, the identifier must look like one syslog(3) callers use ("sshd[5]:",
// "cyrus/imap:"): "auth-worker(22401):" after a time stamp is dovecot's own log-file prefix and
// stays in MESSAGE. A line in none of these forms is a program's own log line: MESSAGE is the
// whole line (its own time stamp and level included), with no identifier and no pid.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace banjo {

struct SyslogLine {
    std::string message;
    std::string ident;   // SYSLOG_IDENTIFIER; empty when the line named none
    std::string pid;     // _PID; empty when the line named none
};

SyslogLine split_syslog_line(std::string_view line);

struct SyslogIdentifier {
    std::string_view ident;
    std::string_view pid;   // empty in the "ident:" form
};

// journald's reading of the identifier word: "ident:" or "ident[pid]:"; with `after_bsd_time`
// also "[ident]" and "[ident]:", which some BSD syslog relays write after the time stamp.
std::optional<SyslogIdentifier> parse_syslog_identifier(std::string_view word, bool after_bsd_time = false);

}  // namespace banjo
