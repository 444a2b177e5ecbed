// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/action_event.hpp"

#include <algorithm>
#include <cstdio>

namespace banjo {

namespace {

bool is_name_char(char c) noexcept { return (c >= 'a' && c <= 'z') || c == '_'; }

// `{name}` at text[i] (text[i] == '{'): the name's length, or 0 when none is there.
std::size_t placeholder_at(std::string_view text, std::size_t i) {
    std::size_t j = i + 1;
    while (j < text.size() && is_name_char(text[j])) ++j;
    if (j == i + 1 || j >= text.size() || text[j] != '}') return 0;
    return j - i - 1;
}

std::int64_t seconds(Usec t) { return std::chrono::duration_cast<std::chrono::seconds>(t).count(); }

void append_json_escaped(std::string& out, std::string_view value) {
    for (unsigned char c : value) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
}

}  // namespace

std::string_view to_string(ActionTrigger t) noexcept { return t == ActionTrigger::ban ? "ban" : "unban"; }

std::optional<std::string> placeholder_value(std::string_view name, const ActionEvent& e) {
    const bool permanent = e.expires == infinite_usec;
    if (name == "address") return e.address.to_string();
    if (name == "jail") return e.jail;
    if (name == "failures") return std::to_string(e.failures);
    if (name == "bantime") return std::to_string(permanent ? 0 : std::max<std::int64_t>(0, seconds(e.expires - e.banned)));
    if (name == "expires") return std::to_string(permanent ? 0 : seconds(e.expires));
    if (name == "time") return std::to_string(seconds(e.banned));
    if (name == "event") return std::string(to_string(e.trigger));
    if (name == "origin") return e.origin;
    if (name == "reason") return e.reason;
    if (name == "lines") {
        std::string out;
        if (e.lines)
            for (std::size_t i = 0; i < e.lines->size(); ++i) out += (i ? "\n" : "") + (*e.lines)[i];
        return out;
    }
    return std::nullopt;
}

std::string substitute_placeholders(std::string_view text, const ActionEvent& event, PlaceholderEscape escape) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            out += c;
            ++i;
            continue;
        }
        if (c == '{') {
            if (std::size_t n = placeholder_at(text, i)) {
                if (auto value = placeholder_value(text.substr(i + 1, n), event)) {
                    if (escape == PlaceholderEscape::json_string) append_json_escaped(out, *value);
                    else out += *value;
                    i += n + 1;
                    continue;
                }
            }
        }
        out += c;
    }
    return out;
}

std::optional<std::string> unknown_placeholder(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((text[i] == '{' || text[i] == '}') && i + 1 < text.size() && text[i + 1] == text[i]) {
            ++i;
            continue;
        }
        if (text[i] != '{') continue;
        if (std::size_t n = placeholder_at(text, i)) {
            const std::string_view name = text.substr(i + 1, n);
            if (std::find(std::begin(action_placeholders), std::end(action_placeholders), name) ==
                std::end(action_placeholders))
                return std::string(name);
            i += n + 1;
        }
    }
    return std::nullopt;
}

}  // namespace banjo
