// SPDX-License-Identifier: GPL-2.0-or-later
// The text of an ignore-file: one entry a line (address, CIDR or host name), '#' starts a
// comment, blank lines are skipped. A bad line is reported with its number and skipped; the
// rest of the file still counts, so one typo never empties an administrator's allow-list.
// No I/O: the daemon reads the file and hands the text here.
#pragma once

#include "core/ignore_entry.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// At most this many entries are taken from one file; the rest is reported as one error.
inline constexpr std::size_t max_ignore_file_entries = 100'000;

struct IgnoreFileContents {
    struct Line {
        unsigned line = 0;
        IgnoreEntry entry;
    };
    struct Error {
        unsigned line = 0;
        std::string message;
    };
    std::vector<Line> entries;
    std::vector<Error> errors;
};

IgnoreFileContents parse_ignore_file(std::string_view text);

}  // namespace banjo
