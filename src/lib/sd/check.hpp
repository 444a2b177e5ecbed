// SPDX-License-Identifier: GPL-2.0-or-later
// libsystemd's calls return -errno on failure. check() turns that into std::system_error named
// by the call, once, for every wrapper in src/lib/sd, so a message says what failed.
#pragma once

#include <system_error>

namespace banjo::sd {

// r when it is >= 0; else throws std::system_error(-r) whose what() starts with `call`.
inline int check(int r, const char* call) {
    if (r < 0) throw std::system_error(-r, std::generic_category(), call);
    return r;
}

}  // namespace banjo::sd
