// SPDX-License-Identifier: GPL-2.0-or-later
#include "logfile/file_position.hpp"

#include <algorithm>

namespace banjo {

std::uint64_t file_fingerprint(std::string_view first_bytes) noexcept {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : first_bytes.substr(0, std::min(first_bytes.size(), fingerprint_max_bytes))) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

}  // namespace banjo
