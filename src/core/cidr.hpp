// SPDX-License-Identifier: GPL-2.0-or-later
// A network prefix ("198.51.100.0/24", "2001:db8::/32", or a single address), as written in
// ignore lists and as banned (a prefix ban, ipv6-prefix = 64). The host bits are cleared at
// parse time, so equal networks compare equal. An Address converts to its host prefix (/32,
// /128), which prints as the bare address: a single-address ban reads as it always did.
#pragma once

#include "core/address.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace banjo {

struct Cidr {
    Address network;            // host bits zero
    std::uint8_t prefix_len = 0;

    Cidr() = default;
    Cidr(const Address& a) noexcept   // NOLINT(google-explicit-constructor): a host is a /32 or /128
        : network(a), prefix_len(static_cast<std::uint8_t>(a.bit_length())) {}
    Cidr(const Address& n, std::uint8_t len) noexcept : network(n), prefix_len(len) {}

    // "ADDR" (a /32 or /128) or "ADDR/LEN". IPv4-mapped IPv6 prefixes of length >= 96 fold to
    // IPv4 like addresses do. Returns nullopt on bad text or a length beyond the family's.
    static std::optional<Cidr> parse(std::string_view text) noexcept;
    static Cidr host(const Address& a) noexcept;
    // The network of length prefix_len holding a (host bits cleared); nullopt if prefix_len
    // exceeds a's family length.
    static std::optional<Cidr> make(const Address& a, unsigned prefix_len) noexcept;

    bool contains(const Address& a) const noexcept;
    // Every address of `inner` is in this network.
    bool contains(const Cidr& inner) const noexcept;
    // The two networks share an address: one holds the other.
    bool overlaps(const Cidr& other) const noexcept { return contains(other) || other.contains(*this); }
    Family family() const noexcept { return network.family(); }
    bool is_host() const noexcept { return prefix_len == network.bit_length(); }
    std::string to_string() const;   // canonical; a host prefix prints as the bare address

    friend bool operator==(const Cidr&, const Cidr&) = default;
    // By family, then network, then length: a sorted list reads from wide to narrow.
    friend auto operator<=>(const Cidr&, const Cidr&) = default;
};

// AddressHash over the network, the length mixed into the seed (see AddressHash on seeds).
struct CidrHash {
    std::uint64_t seed = 0;
    std::size_t operator()(const Cidr& c) const noexcept {
        return AddressHash{seed ^ (std::uint64_t{c.prefix_len} * 0x9e3779b97f4a7c15ULL)}(c.network);
    }
};

}  // namespace banjo
