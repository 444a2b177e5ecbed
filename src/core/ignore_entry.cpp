// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ignore_entry.hpp"

#include <algorithm>

namespace banjo {

namespace {

bool is_label_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

bool is_host_name(std::string_view text) noexcept {
    if (!text.empty() && text.back() == '.') text.remove_suffix(1);
    if (text.empty() || text.size() > 253) return false;
    std::string_view last;
    while (!text.empty()) {
        const std::size_t dot = text.find('.');
        std::string_view label = text.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        if (!std::all_of(label.begin(), label.end(), is_label_char)) return false;
        last = label;
        if (dot == std::string_view::npos) break;
        text.remove_prefix(dot + 1);
        if (text.empty()) return false;   // "a..b" or a second trailing dot
    }
    return !std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<IgnoreEntry> parse_ignore_entry(std::string_view text) {
    if (auto cidr = Cidr::parse(text)) return IgnoreEntry{*cidr};
    if (!is_host_name(text)) return std::nullopt;
    std::string name(text);
    if (name.back() == '.') name.pop_back();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return IgnoreEntry{HostName{std::move(name)}};
}

}  // namespace banjo
