// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/toml_text.hpp"

#include "text/quoted_string.hpp"
#include "text/utf8.hpp"

namespace banjo {

std::string toml_string(std::string_view text) {
    // TOML strings of every kind must be valid UTF-8; a literal one cannot escape anything.
    bool literal = is_valid_utf8(text);
    for (unsigned char c : text)
        if ((c < 0x20 && c != '\t') || c == 0x7f) literal = false;
    if (literal && text.find('\'') == std::string_view::npos) return "'" + std::string(text) + "'";
    // A pattern with a quote (sshd's "user's groups") reads best as a multi-line literal.
    if (literal && text.find("''") == std::string_view::npos && !text.empty() && text.front() != '\'' &&
        text.back() != '\'')
        return "'''" + std::string(text) + "'''";
    return quoted_string(text);
}

std::string toml_inline_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + toml_string(items[i]);
    return out + "]";
}

std::string toml_list(std::string_view key, const std::vector<std::string>& items) {
    if (items.empty()) return std::string(key) + " = []\n";
    std::string out = std::string(key) + " = [\n";
    for (const auto& i : items) out += "    " + toml_string(i) + ",\n";
    return out + "]\n";
}

std::string toml_key(std::string_view key) {
    bool bare = !key.empty();
    for (char c : key)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            bare = false;
    return bare ? std::string(key) : toml_string(key);
}

}  // namespace banjo
