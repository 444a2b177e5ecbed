// SPDX-License-Identifier: GPL-2.0-or-later
// A log file read from its first line to its last, offline, the way the live follower reads
// it (LogFile, LineSplitter, read_log_line): banjod --replay and banjoctl test-filter, so what
// they show is what banjod does with the same lines. Year-less time stamps take the year that
// fits the file's modification time.
#pragma once

#include "logfile/log_line.hpp"

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

namespace banjo {

// `raw`: the line as read (cut at 64 KiB); `number`: from 1.
using WholeFileLine = std::function<void(std::uint64_t number, std::string_view raw, const LogLine& line)>;

// Throws std::runtime_error naming the path when it cannot be opened. `datepattern`: "" = detect.
void read_whole_log_file(const std::string& path, const std::string& datepattern, const WholeFileLine& on_line);

// The same for a stream that cannot be read by offset (stdin); `reference` for year-less stamps.
void read_log_stream(std::istream& in, const std::string& datepattern, Usec reference, const WholeFileLine& on_line);

}  // namespace banjo
