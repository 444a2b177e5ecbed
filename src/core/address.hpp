// SPDX-License-Identifier: GPL-2.0-or-later
// An IPv4 or IPv6 host address, the unit banjo counts and bans.
// Parsing accepts every textual form an attacker's log line may carry and folds it to one
// canonical value: zone suffixes ("%eth0") are dropped, IPv4-mapped IPv6 becomes IPv4, so the
// same host is always the same key. Plain value type, no allocation, no I/O.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace banjo {

enum class Family : std::uint8_t { ipv4 = 4, ipv6 = 6 };

class Address {
public:
    // Accepts dotted-quad IPv4 (no leading zeros, no shorthand), IPv6 in every RFC 4291/5952 form
    // (compressed, mixed "::ffff:1.2.3.4", upper/lower case, optional "[...]" brackets and
    // "%zone" suffix). Returns nullopt for anything else, including host names.
    static std::optional<Address> parse(std::string_view text) noexcept;

    static Address ipv4(std::uint32_t host_order) noexcept;
    static Address ipv6(const std::array<std::uint8_t, 16>& bytes) noexcept;
    // The inverse of family() and bytes(); IPv4-mapped IPv6 bytes still fold to IPv4.
    static Address from_bytes(Family f, const std::array<std::uint8_t, 16>& bytes) noexcept;

    Family family() const noexcept { return family_; }
    // Network-order bytes: 4 meaningful bytes for IPv4, 16 for IPv6.
    const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }
    std::size_t bit_length() const noexcept { return family_ == Family::ipv4 ? 32 : 128; }
    bool bit(std::size_t index) const noexcept;   // index 0 = most significant bit

    // Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. This is the form
    // firewalld, the state store and every output of banjo use.
    std::string to_string() const;

    bool is_loopback() const noexcept;

    friend auto operator<=>(const Address&, const Address&) = default;
    friend bool operator==(const Address&, const Address&) = default;

private:
    Family family_ = Family::ipv4;
    std::array<std::uint8_t, 16> bytes_{};
};

// Every bit of the address reaches every bit of the hash, so dense ranges (one /24, one /64)
// spread evenly over buckets. The function is public, so an attacker who controls many sources
// (an IPv6 /64) could aim at one bucket; a table that holds attacker-chosen keys should pass a
// random seed, chosen once at start-up.
struct AddressHash {
    std::uint64_t seed = 0;
    std::size_t operator()(const Address& a) const noexcept;
};

}  // namespace banjo
