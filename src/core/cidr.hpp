// SPDX-License-Identifier: GPL-2.0-or-later
// A network prefix ("198.51.100.0/24", "2001:db8::/32", or a single address), as written in
// ignore lists. The host bits are cleared at parse time, so equal networks compare equal.
#pragma once

#include "core/address.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace banjo {

struct Cidr {
    Address network;            // host bits zero
    std::uint8_t prefix_len = 0;

    // "ADDR" (a /32 or /128) or "ADDR/LEN". IPv4-mapped IPv6 prefixes of length >= 96 fold to
    // IPv4 like addresses do. Returns nullopt on bad text or a length beyond the family's.
    static std::optional<Cidr> parse(std::string_view text) noexcept;
    static Cidr host(const Address& a) noexcept;
    // The network of length prefix_len holding a (host bits cleared); nullopt if prefix_len
    // exceeds a's family length.
    static std::optional<Cidr> make(const Address& a, unsigned prefix_len) noexcept;

    bool contains(const Address& a) const noexcept;
    std::string to_string() const;   // canonical; a host prefix prints as the bare address

    friend bool operator==(const Cidr&, const Cidr&) = default;
    // By family, then network, then length: a sorted list reads from wide to narrow.
    friend auto operator<=>(const Cidr&, const Cidr&) = default;
};

}  // namespace banjo
