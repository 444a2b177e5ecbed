// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/input_excerpt.hpp"

namespace banjo {

namespace {

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_sequence_length(std::string_view s) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = byte(0);
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xbf;   // the allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3;
        if (b0 == 0xe0) lo = 0xa0;
        if (b0 == 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4;
        if (b0 == 0xf0) lo = 0x90;
        if (b0 == 0xf4) hi = 0x8f;
    } else {
        return 0;
    }
    if (s.size() < n || byte(1) < lo || byte(1) > hi) return 0;
    for (std::size_t i = 2; i < n; ++i)
        if (byte(i) < 0x80 || byte(i) > 0xbf) return 0;
    return n;
}

void append_escaped(std::string& out, unsigned char c) {
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 0xf];
}

}  // namespace

std::string input_excerpt(std::string_view input, std::size_t max_chars) {
    std::string out;
    std::size_t chars = 0, pos = 0;
    while (pos < input.size() && chars < max_chars) {
        const auto c = static_cast<unsigned char>(input[pos]);
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) append_escaped(out, c);
            else out += static_cast<char>(c);
            ++pos;
        } else if (std::size_t n = utf8_sequence_length(input.substr(pos)); n > 0) {
            out.append(input.substr(pos, n));
            pos += n;
        } else {
            append_escaped(out, c);
            ++pos;
        }
        ++chars;
    }
    if (pos < input.size()) out += "...";
    return out;
}

}  // namespace banjo
