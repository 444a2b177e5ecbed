// SPDX-License-Identifier: GPL-2.0-or-later
// The text of a blocklist (a file or a download) read into networks. Three formats:
//   plain      one address or CIDR a line; '#' or ';' starts a comment; blank lines skipped.
//   abuseipdb  AbuseIPDB's blacklist: the plaintext form (one address a line, as plain) or
//              the JSON form ({"meta":..,"data":[{"ipAddress":"..",..},..]}), told apart by
//              the first character.
//   misp       a MISP CSV export (a header line naming a "value" column, rows whose "type" is
//              ip-src, ip-dst or their "|port" forms; rows of other types are skipped), or a
//              MISP text export (one value a line, as plain).
// A line that should hold an entry and does not is counted and reported with its line number,
// never guessed at. Pure: no I/O.
#pragma once

#include "core/cidr.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

enum class BlocklistFormat { plain, abuseipdb, misp };

std::optional<BlocklistFormat> parse_blocklist_format(std::string_view text);
std::string_view to_string(BlocklistFormat format);

struct BlocklistLineError {
    std::size_t line = 0;   // 1-based
    std::string message;
};

struct ParsedBlocklist {
    std::vector<Cidr> networks;            // as listed (duplicates and overlaps included)
    std::vector<BlocklistLineError> errors;   // the first max_reported_errors malformed lines
    std::size_t malformed = 0;             // every malformed line
    std::size_t entry_lines = 0;           // lines that should hold an entry (valid or not)
    std::size_t lines = 0;                 // lines read
    bool unterminated = false;             // the text did not end with a newline
    bool cut_line_dropped = false;         // ... and its last line was left out for it
};

inline constexpr std::size_t max_reported_errors = 20;

// drop_unterminated: a text that does not end with a newline may have been cut inside its
// last line (a file read while its writer is still at it): that line is left out, never read
// as an entry ("198.51.100.12" cut to "198.51.100.1" is another, valid address).
ParsedBlocklist parse_blocklist(BlocklistFormat format, std::string_view text, bool drop_unterminated);

}  // namespace banjo
