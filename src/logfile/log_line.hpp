// SPDX-License-Identifier: GPL-2.0-or-later
// A log file line as the jails take it: the fields journald would have stored had the program
// logged to the journal (MESSAGE without the syslog header, SYSLOG_IDENTIFIER, _PID from
// "prog[pid]:"; see journal/syslog_line.hpp) and the time the line itself gives. A program's
// own time stamp inside MESSAGE stays there, as it would in the journal, so filters written for
// journal entries read file lines alike. No I/O.
#pragma once

#include "journal/syslog_line.hpp"
#include "logfile/log_time.hpp"

#include <string>
#include <string_view>

namespace banjo {

struct LogLine {
    SyslogLine fields;
    Usec time{};
    bool time_found = false;   // false: `time` is the reference (the time it was read)
};

// `reference`: when the line is read (live), or the file's modification time (replay); also
// the time of a line without a readable time stamp.
LogLine read_log_line(std::string_view line, LogTimeReader& times, Usec reference);

// The value a filter's id field (a session id: _PID, SYSLOG_IDENTIFIER...) has for a line:
// what its syslog header gives, empty when it gives none.
std::string_view log_line_id(const SyslogLine& line, const std::string& id_field);

}  // namespace banjo
