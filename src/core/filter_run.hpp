// SPDX-License-Identifier: GPL-2.0-or-later
// What test-filter measures: a filter (in one mode) and a SessionTable run over lines as banjod
// runs them over journal entries, with every outcome kept for the report: hits per failregex,
// each matched line with the host, address and user it gave and the address a failure was
// counted against, lines an ignoreregex discarded, and lines nothing matched. No I/O.
#pragma once

#include "core/address.hpp"
#include "core/filter.hpp"
#include "core/session_table.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

struct MatchedLine {
    std::uint64_t number = 0;          // line number in the file, or entry number in the journal
    std::uint64_t time_usec = 0;       // the journal entry's time; 0 for file lines
    std::string text;                  // the line as read (file) or the MESSAGE (journal)
    std::string message;               // what the filter saw
    std::size_t pattern = 0;           // failregex number, from 1
    MatchKind kind = MatchKind::failure;
    bool gained = false;
    bool ends_session = false;
    std::string host;                  // as captured; may be a DNS name or empty
    std::optional<Address> address;    // host as an address
    std::string user;
    std::string id;                    // the session id used (<F-ID>, else the id field)
    std::optional<Address> counted;    // the address a failure was counted against
};

struct OtherLine {
    std::uint64_t number = 0;
    std::uint64_t time_usec = 0;
    std::string text;
    std::size_t pattern = 0;           // ignored lines: the failregex that matched, from 1
};

struct FilterRunResult {
    std::uint64_t lines = 0;
    std::uint64_t failures = 0;        // lines that counted a failure against an address
    std::vector<std::uint64_t> hits;   // per failregex, in order
    std::vector<MatchedLine> matched;
    std::vector<OtherLine> ignored;
    std::vector<OtherLine> missed;     // kept only when asked for
    std::uint64_t missed_count = 0;
};

class FilterRun {
public:
    // Throws ConfigError for a bad pattern or an unknown mode ("" = the filter's default mode).
    FilterRun(const FilterSpec& spec, const std::string& mode, bool keep_missed);

    const Filter& filter() const noexcept { return filter_; }

    // One line. `message` is what the filter sees (text without its syslog prefix); `id` the
    // value of the filter's id field for this line ("" when unknown); `time` orders the session
    // table's ageing.
    void feed(std::uint64_t number, std::uint64_t time_usec, std::string_view text, std::string_view message,
              std::string_view id, Usec time);

    const FilterRunResult& result() const noexcept { return result_; }

private:
    Filter filter_;
    // The same patterns without any ignoreregex: a line that matches here but not in filter_
    // was discarded by an ignoreregex.
    std::optional<Filter> without_ignore_;
    SessionTable sessions_;
    bool keep_missed_;
    FilterRunResult result_;
};

}  // namespace banjo
