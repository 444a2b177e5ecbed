// SPDX-License-Identifier: GPL-2.0-or-later
// The time stamp of a log file line, for the failure windows. The common forms are detected
// by themselves; the form that last worked is tried first (a file keeps its form), and the
// others only when it fails, so detection costs once per file, not per line:
//   iso8601       "2000-10-10T13:55:36[.123][Z|+02:00|+0200]", also with a space for the T
//                 (rsyslog, syslog-ng, exim); at the start of the line or after '['
//   rfc3164       "Oct 10 13:55:36[.123]" at the start (BSD syslog, no year)
//   apache        "[10/Oct/2000:13:55:36 -0700]" anywhere in the first 512 bytes (access
//                 logs); "[10-Oct-2000 13:55:36 +0200]" (roundcube, PHP) at the start
//   apache-error  "[Wed Oct 11 14:32:52[.123456] 2000]" at the start (httpd's error log)
//   slash         "2000/10/10 13:55:36" at the start (nginx's error log)
//   epoch         "1286536308[.779]" at the start (squid)
//   tai64n        "@4000000037c219bf2ef02e94" at the start (daemontools' multilog)
// A jail's datepattern replaces detection. A stamp without a zone is local time (TZ); one
// without a year takes the year that puts it closest to the reference time and not more than
// a day after it (see civil_time.hpp). One thread; one reader per file.
#pragma once

#include "logfile/date_pattern.hpp"

#include <optional>
#include <string_view>

namespace banjo {

enum class LogTimeForm { iso8601, rfc3164, apache, apache_error, slash, epoch, tai64n, pattern };
std::string_view to_string(LogTimeForm form) noexcept;

class LogTimeReader {
public:
    LogTimeReader() = default;
    explicit LogTimeReader(std::optional<DatePattern> pattern) : pattern_(std::move(pattern)) {}

    // `reference`: when the line is read (live), or the file's modification time (replay).
    std::optional<FoundTime> read(std::string_view line, Usec reference);
    // The form found last, nullopt before the first time stamp.
    std::optional<LogTimeForm> form() const noexcept { return form_; }

private:
    std::optional<DatePattern> pattern_;
    std::optional<LogTimeForm> form_;
};

// One form at its place in the line, nullopt when the line does not have it.
std::optional<FoundTime> read_log_time(LogTimeForm form, std::string_view line, Usec reference);

}  // namespace banjo
