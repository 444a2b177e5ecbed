// SPDX-License-Identifier: GPL-2.0-or-later
#include "text/printable.hpp"

#include "text/utf8.hpp"

namespace banjo {

namespace {

void append_escaped(std::string& out, unsigned char c) {
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
}

}  // namespace

std::string printable(std::string_view s, std::size_t max_chars) {
    std::string out;
    out.reserve(s.size() < 256 ? s.size() : 256);
    std::size_t i = 0;
    for (std::size_t chars = 0; i < s.size() && chars < max_chars; ++chars) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t n = utf8_sequence_length(s, i);
        if (n == 1 && c >= 0x20 && c != 0x7f) {
            out += static_cast<char>(c);
        } else if (n == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0) {
            // U+0080..U+009F: C1 controls; U+009B is a CSI on some terminals.
            append_escaped(out, c);
            append_escaped(out, static_cast<unsigned char>(s[i + 1]));
        } else if (n > 1) {
            out.append(s.substr(i, n));
        } else {
            append_escaped(out, c);   // a C0 control, DEL, or a byte that is not UTF-8
            i += 1;
            continue;
        }
        i += n;
    }
    if (i < s.size()) out += "...";
    return out;
}

}  // namespace banjo
