// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/cidr.hpp"

namespace banjo {
namespace {

std::array<std::uint8_t, 16> masked(const std::array<std::uint8_t, 16>& bytes, unsigned len) noexcept {
    std::array<std::uint8_t, 16> out{};
    for (unsigned i = 0; i < 16 && len > 0; ++i) {
        unsigned keep = len >= 8 ? 8 : len;
        out[i] = static_cast<std::uint8_t>(bytes[i] & (0xff00u >> keep));
        len -= keep;
    }
    return out;
}

// Prefix lengths are written in decimal without leading zeros, as "/08" could be read as octal
// by the same tools that read "010.0.0.1" as 8.0.0.1.
std::optional<unsigned> parse_length(std::string_view s) noexcept {
    if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
}

}  // namespace

std::optional<Cidr> Cidr::make(const Address& a, unsigned prefix_len) noexcept {
    if (prefix_len > a.bit_length()) return std::nullopt;
    auto bytes = masked(a.bytes(), prefix_len);
    // Clearing trailing bits cannot turn an IPv6 address into ::ffff:a.b.c.d (that would need its
    // leading 80 bits to become zero while bits 80-95 stay set), so the family survives.
    return Cidr{Address::from_bytes(a.family(), bytes), static_cast<std::uint8_t>(prefix_len)};
}

Cidr Cidr::host(const Address& a) noexcept {
    return Cidr{a, static_cast<std::uint8_t>(a.bit_length())};
}

std::optional<Cidr> Cidr::parse(std::string_view text) noexcept {
    auto slash = text.find('/');
    std::string_view addr_text = text.substr(0, slash);
    auto addr = Address::parse(addr_text);
    if (!addr) return std::nullopt;
    if (slash == std::string_view::npos) return host(*addr);

    auto len = parse_length(text.substr(slash + 1));
    if (!len) return std::nullopt;

    // "::ffff:198.51.100.0/120" was written in IPv6 bits; the address already folded to IPv4.
    bool written_as_ipv6 = addr_text.find(':') != std::string_view::npos;
    if (addr->family() == Family::ipv4 && written_as_ipv6) {
        if (*len > 128) return std::nullopt;
        if (*len >= 96) return make(*addr, *len - 96);
        // Shorter than the mapped range: a genuine IPv6 prefix that covers ::ffff:0:0/96.
        std::array<std::uint8_t, 16> bytes{};
        bytes[10] = bytes[11] = 0xff;
        for (int i = 0; i < 4; ++i) bytes[12 + i] = addr->bytes()[i];
        auto network = masked(bytes, *len);
        Address v6 = Address::ipv6(network);
        return Cidr{v6, static_cast<std::uint8_t>(*len)};
    }
    return make(*addr, *len);
}

bool Cidr::contains(const Address& a) const noexcept {
    if (a.family() != network.family()) return false;
    return masked(a.bytes(), prefix_len) == network.bytes();
}

bool Cidr::contains(const Cidr& inner) const noexcept {
    return inner.family() == family() && inner.prefix_len >= prefix_len && contains(inner.network);
}

std::string Cidr::to_string() const {
    std::string s = network.to_string();
    if (prefix_len == network.bit_length()) return s;
    s += '/';
    s += std::to_string(prefix_len);
    return s;
}

}  // namespace banjo
