// SPDX-License-Identifier: GPL-2.0-or-later
// Addresses banjo never bans: those that can never be the source of a remote attacker's
// packets, so that a log line naming one is forged or misread, and a ban of one would at best
// do nothing and at worst cut the host off its own network (a router's link-local address, a
// multicast group). The list and the reason for each entry are in banjod(8). Pure functions.
#pragma once

#include "core/address.hpp"
#include "core/cidr_set.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace banjo {

enum class SpecialAddress : std::uint8_t {
    unspecified,       // 0.0.0.0, ::   (firewalld refuses them)
    this_network,      // 0.0.0.0/8     (RFC 1122: never a source once a host has an address)
    loopback,          // 127.0.0.0/8, ::1   (firewalld accepts all loopback traffic first)
    link_local,        // 169.254.0.0/16, fe80::/10, with or without a zone
    multicast,         // 224.0.0.0/4, ff00::/8
    broadcast,         // 255.255.255.255
    ipv4_compatible,   // ::/96 (RFC 4291 2.5.5.1, deprecated), other than :: and ::1
};

inline constexpr std::array<SpecialAddress, 7> all_special_addresses{
    SpecialAddress::unspecified, SpecialAddress::this_network,   SpecialAddress::loopback,
    SpecialAddress::link_local,  SpecialAddress::multicast,      SpecialAddress::broadcast,
    SpecialAddress::ipv4_compatible,
};
// Counters index by the enum's value.
static_assert(static_cast<std::size_t>(SpecialAddress::ipv4_compatible) + 1 == all_special_addresses.size());

// Which kind of never-banned address `a` is; nullopt for an address that may be banned.
// IPv4-mapped IPv6 forms were folded to IPv4 by Address::parse, so "::ffff:0.0.0.0" is
// unspecified like "0.0.0.0".
std::optional<SpecialAddress> special_address(const Address& a) noexcept;

// The networks of the never-banned addresses above, so that a prefix ban (ipv4-prefix,
// ipv6-prefix) can be kept from covering one.
const CidrSet& special_networks();

// "unspecified", "this-network", ...: a stable word for metric labels and journal fields.
std::string_view to_string(SpecialAddress kind) noexcept;
// "the unspecified address", "a link-local address", ...: for messages to people.
std::string_view describe(SpecialAddress kind) noexcept;

}  // namespace banjo
