// SPDX-License-Identifier: GPL-2.0-or-later
#include "logfile/log_line.hpp"

namespace banjo {

LogLine read_log_line(std::string_view line, LogTimeReader& times, Usec reference) {
    LogLine out;
    out.fields = split_syslog_line(line);
    if (auto t = times.read(line, reference)) {
        out.time = t->time;
        out.time_found = true;
    } else {
        out.time = reference;
    }
    return out;
}

std::string_view log_line_id(const SyslogLine& line, const std::string& id_field) {
    if (id_field == "_PID" || id_field == "SYSLOG_PID") return line.pid;
    if (id_field == "SYSLOG_IDENTIFIER" || id_field == "_COMM") return line.ident;
    return {};
}

}  // namespace banjo
