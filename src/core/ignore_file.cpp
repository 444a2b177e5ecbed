// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ignore_file.hpp"

#include "core/input_excerpt.hpp"

namespace banjo {

namespace {

std::string_view trim(std::string_view s) {
    const char* space = " \t\r\f\v";
    const std::size_t first = s.find_first_not_of(space);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(space) - first + 1);
}

}  // namespace

IgnoreFileContents parse_ignore_file(std::string_view text) {
    IgnoreFileContents out;
    unsigned number = 0;
    while (!text.empty()) {
        ++number;
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        line = trim(line.substr(0, line.find('#')));
        if (line.empty()) continue;
        if (out.entries.size() >= max_ignore_file_entries) {
            out.errors.push_back({number, "more than " + std::to_string(max_ignore_file_entries) +
                                              " entries: this line and the rest of the file are skipped"});
            break;
        }
        if (auto entry = parse_ignore_entry(line))
            out.entries.push_back({number, std::move(*entry)});
        else
            out.errors.push_back({number, "\"" + input_excerpt(line) + "\" is not an address, a CIDR or a host name"});
    }
    return out;
}

}  // namespace banjo
