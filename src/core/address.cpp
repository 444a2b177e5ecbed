// SPDX-License-Identifier: GPL-2.0-or-later
// A hand-written parser rather than inet_pton: the text comes from log lines an attacker writes,
// so it must honour string_view bounds (inet_pton stops at an embedded NUL and would accept
// "1.2.3.4\0garbage"), never allocate, and refuse the ambiguous forms some libcs accept.
#include "core/address.hpp"

#include <cstring>

namespace banjo {
namespace {

// Longer than any real literal: "[" + 45-char IPv6 + "%" + a zone + "]". Refusing early keeps
// the cost of a hostile megabyte-long token at one comparison.
constexpr std::size_t max_text_len = 128;
constexpr std::size_t max_zone_len = 64;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Dotted quad, exactly four decimal octets. A leading zero is refused because inet_aton and
// some tools read "030" as octal 24: the same text would name two different hosts.
bool parse_ipv4(std::string_view s, std::uint8_t* out) noexcept {
    std::size_t pos = 0;
    for (int octet = 0; octet < 4; ++octet) {
        if (octet > 0) {
            if (pos >= s.size() || s[pos] != '.') return false;
            ++pos;
        }
        std::size_t start = pos;
        unsigned value = 0;
        while (pos < s.size() && is_digit(s[pos]) && pos - start < 3) {
            value = value * 10 + static_cast<unsigned>(s[pos] - '0');
            ++pos;
        }
        std::size_t digits = pos - start;
        if (digits == 0 || value > 255) return false;
        if (digits > 1 && s[start] == '0') return false;
        out[octet] = static_cast<std::uint8_t>(value);
    }
    return pos == s.size();
}

// RFC 4291 section 2.2 text: up to eight 16-bit hex groups, at most one "::" standing for one or
// more zero groups, and optionally a dotted-quad tail counting as the last two groups.
bool parse_ipv6(std::string_view s, std::uint8_t* out) noexcept {
    std::uint16_t groups[8] = {};
    int count = 0;
    int gap = -1;   // index in groups where "::" sits
    std::size_t pos = 0;

    if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        pos = 2;
        if (pos == s.size()) {
            std::memset(out, 0, 16);
            return true;
        }
    } else if (!s.empty() && s[0] == ':') {
        return false;
    }

    while (pos < s.size()) {
        if (count == 8) return false;
        std::size_t start = pos;
        unsigned value = 0;
        while (pos < s.size() && hex_value(s[pos]) >= 0 && pos - start < 5) {
            value = value * 16 + static_cast<unsigned>(hex_value(s[pos]));
            ++pos;
        }
        std::size_t digits = pos - start;
        if (digits == 0 || digits > 4) {
            return false;
        }
        if (pos < s.size() && s[pos] == '.') {
            // The dotted tail: must be last and leave room for two groups.
            if (count > 6) return false;
            std::uint8_t v4[4];
            if (!parse_ipv4(s.substr(start), v4)) return false;
            groups[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
            groups[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
            pos = s.size();
            break;
        }
        groups[count++] = static_cast<std::uint16_t>(value);
        if (pos == s.size()) break;
        if (s[pos] != ':') return false;
        ++pos;
        if (pos < s.size() && s[pos] == ':') {
            if (gap >= 0) return false;   // a second "::"
            gap = count;
            ++pos;
        } else if (pos == s.size()) {
            return false;                 // a single trailing ':'
        }
    }

    if (gap < 0) {
        if (count != 8) return false;
    } else if (count > 7) {
        return false;                     // "::" must stand for at least one group
    }

    std::uint16_t full[8] = {};
    if (gap < 0) {
        std::memcpy(full, groups, sizeof full);
    } else {
        int tail = count - gap;
        for (int i = 0; i < gap; ++i) full[i] = groups[i];
        for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap + i];
    }
    for (int i = 0; i < 8; ++i) {
        out[2 * i] = static_cast<std::uint8_t>(full[i] >> 8);
        out[2 * i + 1] = static_cast<std::uint8_t>(full[i] & 0xff);
    }
    return true;
}

bool is_zone_char(char c) noexcept {
    // Interface names and numeric indexes; nothing that could be a delimiter in a log line.
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
           c == '_' || c == '.';
}

bool is_v4_mapped(const std::array<std::uint8_t, 16>& b) noexcept {
    for (int i = 0; i < 10; ++i)
        if (b[i] != 0) return false;
    return b[10] == 0xff && b[11] == 0xff;
}

std::uint64_t load_u64(const std::uint8_t* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
    return v;
}

// The finaliser of MurmurHash3 (public domain): a bijection on 64 bits in which every input bit
// reaches every output bit, so sequential addresses spread over all buckets.
std::uint64_t mix64(std::uint64_t x) noexcept {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

}  // namespace

std::optional<Address> Address::parse(std::string_view text) noexcept {
    if (text.empty() || text.size() > max_text_len) return std::nullopt;

    if (text.front() == '[') {
        if (text.back() != ']' || text.size() < 3) return std::nullopt;
        text = text.substr(1, text.size() - 2);
        if (text.find(':') == std::string_view::npos) return std::nullopt;   // "[1.2.3.4]"
    }

    if (text.find(':') == std::string_view::npos) {
        std::uint8_t v4[4];
        if (!parse_ipv4(text, v4)) return std::nullopt;
        Address a;
        std::memcpy(a.bytes_.data(), v4, 4);
        return a;
    }

    // A zone names the link a link-local address was seen on; banning is per host, so it goes.
    if (auto percent = text.find('%'); percent != std::string_view::npos) {
        std::string_view zone = text.substr(percent + 1);
        if (zone.empty() || zone.size() > max_zone_len) return std::nullopt;
        for (char c : zone)
            if (!is_zone_char(c)) return std::nullopt;
        text = text.substr(0, percent);
    }

    std::array<std::uint8_t, 16> b{};
    if (!parse_ipv6(text, b.data())) return std::nullopt;
    return Address::ipv6(b);
}

Address Address::ipv4(std::uint32_t host_order) noexcept {
    Address a;
    a.bytes_[0] = static_cast<std::uint8_t>(host_order >> 24);
    a.bytes_[1] = static_cast<std::uint8_t>(host_order >> 16);
    a.bytes_[2] = static_cast<std::uint8_t>(host_order >> 8);
    a.bytes_[3] = static_cast<std::uint8_t>(host_order);
    return a;
}

Address Address::ipv6(const std::array<std::uint8_t, 16>& bytes) noexcept {
    Address a;
    // One host, one key: a dual-stack socket logs IPv4 clients as ::ffff:a.b.c.d.
    if (is_v4_mapped(bytes)) {
        std::memcpy(a.bytes_.data(), bytes.data() + 12, 4);
        return a;
    }
    a.family_ = Family::ipv6;
    a.bytes_ = bytes;
    return a;
}

Address Address::from_bytes(Family f, const std::array<std::uint8_t, 16>& bytes) noexcept {
    if (f == Family::ipv6) return ipv6(bytes);
    Address a;
    std::memcpy(a.bytes_.data(), bytes.data(), 4);
    return a;
}

bool Address::bit(std::size_t index) const noexcept {
    if (index >= bit_length()) return false;
    return (bytes_[index / 8] >> (7 - index % 8)) & 1;
}

std::string Address::to_string() const {
    char buf[48];
    char* p = buf;
    if (family_ == Family::ipv4) {
        for (int i = 0; i < 4; ++i) {
            if (i > 0) *p++ = '.';
            unsigned v = bytes_[i];
            if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
            if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
            *p++ = static_cast<char>('0' + v % 10);
        }
        return std::string(buf, p);
    }

    unsigned groups[8];
    for (int i = 0; i < 8; ++i) groups[i] = unsigned(bytes_[2 * i]) << 8 | bytes_[2 * i + 1];

    // RFC 5952 4.2: compress the longest run of zero groups, the first on a tie, never a lone one.
    int best_start = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0) ++j;
        if (j - i > best_len) {
            best_start = i;
            best_len = j - i;
        }
        i = j;
    }

    static constexpr char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; ++i) {
        if (i == best_start) {
            *p++ = ':';
            *p++ = ':';
            i += best_len - 1;
            continue;
        }
        if (i > 0 && i != best_start + best_len) *p++ = ':';
        unsigned g = groups[i];
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            unsigned nibble = (g >> shift) & 0xf;
            if (nibble != 0 || started || shift == 0) {
                *p++ = hex[nibble];
                started = true;
            }
        }
    }
    return std::string(buf, p);
}

bool Address::is_loopback() const noexcept {
    if (family_ == Family::ipv4) return bytes_[0] == 127;
    for (int i = 0; i < 15; ++i)
        if (bytes_[i] != 0) return false;
    return bytes_[15] == 1;
}

std::size_t AddressHash::operator()(const Address& a) const noexcept {
    std::uint64_t hi = load_u64(a.bytes().data());
    std::uint64_t lo = load_u64(a.bytes().data() + 8);
    std::uint64_t h = mix64(hi ^ seed ^ static_cast<std::uint64_t>(a.family()));
    return static_cast<std::size_t>(mix64(h ^ lo ^ 0x9e3779b97f4a7c15ULL));
}

}  // namespace banjo
