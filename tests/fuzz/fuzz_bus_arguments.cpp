// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target for what a D-Bus caller's arguments go through before banjod acts on them:
// addresses (Ban, Unban), CIDRs (AddIgnore, RemoveIgnore) and ban durations (the `t` of Ban,
// 0 = the jail's policy, UINT64_MAX = permanent), decoded by the functions banjod uses. Beyond
// not crashing: an accepted address or CIDR has a canonical form that reads back as itself, an
// ignore entry added and removed leaves the list as it was, and a duration never makes a ban
// that ends before it began or wraps into a finite one.
//
// Input, one call a line: METHOD TAB ARGUMENT..., METHOD being B (Ban: jail, address,
// duration in decimal), U (Unban: jail, address), I or R (AddIgnore, RemoveIgnore: jail, cidr).
#include "bus/bus_time.hpp"
#include "core/address.hpp"
#include "core/cidr.hpp"
#include "core/cidr_set.hpp"
#include "core/duration.hpp"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

std::vector<std::string_view> split(std::string_view line, char separator) {
    std::vector<std::string_view> out;
    while (true) {
        const std::size_t at = line.find(separator);
        out.push_back(line.substr(0, at));
        if (at == std::string_view::npos) return out;
        line.remove_prefix(at + 1);
    }
}

void check_address(std::string_view text) {
    auto a = banjo::Address::parse(text);
    if (!a) return;
    auto again = banjo::Address::parse(a->to_string());
    require(again && *again == *a && again->to_string() == a->to_string());
}

void check_ignore(banjo::CidrSet& ignore, std::string_view text, bool add) {
    auto c = banjo::Cidr::parse(text);
    if (!c) return;
    require(banjo::Cidr::parse(c->to_string()) == c);
    const std::vector<banjo::Cidr> before = ignore.entries();
    if (add) {
        const bool added = ignore.insert(*c);
        require(ignore.contains(c->network));
        if (added) require(ignore.erase(*c) && ignore.entries() == before);
    } else if (ignore.erase(*c)) {
        require(ignore.insert(*c) && ignore.entries() == before);
    }
}

// What Ban makes of its `t`: a ban from `now` that lasts the duration, permanent for UINT64_MAX.
void check_duration(std::string_view text) {
    std::uint64_t wire = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), wire).ec != std::errc()) return;
    for (std::uint64_t now_usec : {std::uint64_t(0), std::uint64_t(1'700'000'000'000'000), std::uint64_t(INT64_MAX - 1)}) {
        const banjo::Usec now(static_cast<banjo::Usec::rep>(now_usec));
        const banjo::Usec duration = banjo::from_bus_usec(wire);
        require(duration.count() >= 0);
        if (wire == UINT64_MAX) require(duration == banjo::infinite_usec);
        const banjo::Usec expires = duration == banjo::infinite_usec || now > banjo::infinite_usec - duration
                                        ? banjo::infinite_usec
                                        : now + duration;
        const std::uint64_t expires_wire = banjo::bus_usec(expires);
        require(expires_wire >= now_usec);
        if (wire == UINT64_MAX) require(expires_wire == UINT64_MAX);
        if (expires_wire != UINT64_MAX) require(expires_wire - now_usec == wire);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    banjo::CidrSet ignore;
    for (std::string_view line : split(std::string_view(reinterpret_cast<const char*>(data), size), '\n')) {
        const std::vector<std::string_view> args = split(line, '\t');
        if (args.size() < 3) continue;
        if (args[0] == "B") {
            check_address(args[2]);
            if (args.size() > 3) check_duration(args[3]);
        } else if (args[0] == "U") {
            check_address(args[2]);
        } else if (args[0] == "I" || args[0] == "R") {
            check_ignore(ignore, args[2], args[0] == "I");
        }
    }
    return 0;
}
