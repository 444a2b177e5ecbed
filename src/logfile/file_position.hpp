// SPDX-License-Identifier: GPL-2.0-or-later
// Where banjod stopped reading a log file, saved with the bans it led to (the file's
// counterpart of the journal cursor). A file is the same one after a restart when its device
// and inode are, it is not shorter than the offset, and its first bytes still give the same
// fingerprint: an inode number reused by a new file (rotation, then deletion) fails the last
// test. No I/O.
#pragma once

#include "core/duration.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace banjo {

struct FilePosition {
    std::string path;              // as the jail's logpath matched it
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t offset = 0;      // just past the last line read
    std::uint32_t fingerprint_bytes = 0;   // how many of the first bytes the fingerprint covers
    std::uint64_t fingerprint = 0;
    Usec last_line_time{0};        // the time of the last line read (for the recount at start)

    bool operator==(const FilePosition&) const = default;
};

// The first bytes of a file a fingerprint covers (fewer while the file is shorter).
inline constexpr std::size_t fingerprint_max_bytes = 256;

// FNV-1a of `first_bytes` (at most fingerprint_max_bytes of them count).
std::uint64_t file_fingerprint(std::string_view first_bytes) noexcept;

}  // namespace banjo
