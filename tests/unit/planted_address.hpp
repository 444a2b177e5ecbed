// SPDX-License-Identifier: GPL-2.0-or-later
// What the filter injection tests share: long attacker text, and the check that a host a filter
// reported is one of the addresses the attacker planted (in any spelling of it).
#pragma once

#include "core/address.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace banjo::test {

// `s` repeated until the result is at least `bytes` long.
inline std::string repeat(const std::string& s, std::size_t bytes) {
    std::string out;
    while (out.size() < bytes) out += s;
    return out;
}

// Whether `host` names one of `planted`: the same text, or the same address written otherwise.
inline bool names_planted(std::string_view host, const std::vector<std::string>& planted) {
    auto a = Address::parse(host);
    for (const auto& p : planted) {
        if (host == p) return true;
        if (a && a == Address::parse(p)) return true;
    }
    return false;
}

}  // namespace banjo::test
