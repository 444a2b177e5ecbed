// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/special_address.hpp"

namespace banjo {

namespace {

std::optional<SpecialAddress> special_ipv4(const std::array<std::uint8_t, 16>& b) noexcept {
    if (b[0] == 0) {
        if (b[1] == 0 && b[2] == 0 && b[3] == 0) return SpecialAddress::unspecified;
        return SpecialAddress::this_network;
    }
    if (b[0] == 127) return SpecialAddress::loopback;
    if (b[0] == 169 && b[1] == 254) return SpecialAddress::link_local;
    if ((b[0] & 0xf0) == 224) return SpecialAddress::multicast;
    if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255) return SpecialAddress::broadcast;
    // The rest of 240.0.0.0/4 stays bannable: Linux accepts it as a source since 2.6.25 and
    // some private networks use it.
    return std::nullopt;
}

std::optional<SpecialAddress> special_ipv6(const std::array<std::uint8_t, 16>& b) noexcept {
    if (b[0] == 0xff) return SpecialAddress::multicast;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return SpecialAddress::link_local;
    for (int i = 0; i < 12; ++i)
        if (b[i] != 0) return std::nullopt;
    // ::/96. (::ffff:0:0/96, the IPv4-mapped form, never gets here: it is folded to IPv4.)
    if (b[12] == 0 && b[13] == 0 && b[14] == 0) {
        if (b[15] == 0) return SpecialAddress::unspecified;
        if (b[15] == 1) return SpecialAddress::loopback;
    }
    return SpecialAddress::ipv4_compatible;
}

}  // namespace

std::optional<SpecialAddress> special_address(const Address& a) noexcept {
    return a.family() == Family::ipv4 ? special_ipv4(a.bytes()) : special_ipv6(a.bytes());
}

const CidrSet& special_networks() {
    static const CidrSet networks = [] {
        CidrSet set;
        for (const char* text : {"0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "255.255.255.255/32",
                                 "::/96", "fe80::/10", "ff00::/8"})
            set.insert(*Cidr::parse(text));
        return set;
    }();
    return networks;
}

std::string_view to_string(SpecialAddress kind) noexcept {
    switch (kind) {
    case SpecialAddress::unspecified: return "unspecified";
    case SpecialAddress::this_network: return "this-network";
    case SpecialAddress::loopback: return "loopback";
    case SpecialAddress::link_local: return "link-local";
    case SpecialAddress::multicast: return "multicast";
    case SpecialAddress::broadcast: return "broadcast";
    case SpecialAddress::ipv4_compatible: return "ipv4-compatible";
    }
    return "special";
}

std::string_view describe(SpecialAddress kind) noexcept {
    switch (kind) {
    case SpecialAddress::unspecified: return "the unspecified address";
    case SpecialAddress::this_network: return "an address of 0.0.0.0/8 (\"this network\")";
    case SpecialAddress::loopback: return "a loopback address";
    case SpecialAddress::link_local: return "a link-local address";
    case SpecialAddress::multicast: return "a multicast address";
    case SpecialAddress::broadcast: return "the broadcast address";
    case SpecialAddress::ipv4_compatible: return "a deprecated IPv4-compatible IPv6 address (::/96)";
    }
    return "a special address";
}

}  // namespace banjo
