// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/syslog_line.hpp"

#include <array>
#include <cctype>
#include <cstddef>

namespace banjo {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Words of the line: [begin, end) offsets, at most N, separated by runs of spaces.
template <std::size_t N>
std::size_t split_words(std::string_view s, std::array<std::pair<std::size_t, std::size_t>, N>& out) {
    std::size_t n = 0, i = 0;
    while (n < N) {
        while (i < s.size() && s[i] == ' ') ++i;
        if (i >= s.size()) break;
        std::size_t b = i;
        while (i < s.size() && s[i] != ' ') ++i;
        out[n++] = {b, i};
    }
    return n;
}

bool is_month(std::string_view w) {
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (auto m : months)
        if (w == m) return true;
    return false;
}

bool is_clock(std::string_view w) {   // HH:MM:SS, optionally with a fraction
    return w.size() >= 8 && is_digit(w[0]) && is_digit(w[1]) && w[2] == ':' && is_digit(w[3]) && is_digit(w[4]) &&
           w[5] == ':' && is_digit(w[6]) && is_digit(w[7]);
}

bool is_iso_time(std::string_view w) {   // 2024-05-02T14:03:11...
    return w.size() >= 19 && is_digit(w[0]) && is_digit(w[3]) && w[4] == '-' && w[7] == '-' && (w[10] == 'T' || w[10] == ' ') &&
           is_clock(w.substr(11));
}

// "ident[pid]:" -> ident, pid; "ident:" -> ident (only when `pid_optional`).
bool ident_token(std::string_view w, bool pid_optional, std::string_view& ident, std::string_view& pid) {
    if (w.size() < 2 || w.back() != ':') return false;
    w.remove_suffix(1);
    if (w.back() == ']') {
        auto open = w.rfind('[');
        if (open == std::string_view::npos || open == 0) return false;
        std::string_view p = w.substr(open + 1, w.size() - open - 2);
        if (p.empty()) return false;
        for (char c : p)
            if (!is_digit(c)) return false;
        ident = w.substr(0, open);
        pid = p;
        return true;
    }
    if (!pid_optional) return false;
    for (char c : w)
        if (c == '[' || c == ']') return false;
    ident = w;
    pid = {};
    return true;
}

SyslogLine rfc5424(std::string_view line) {
    // <PRI>1 TIME HOST APP PROCID MSGID SD MSG
    std::array<std::pair<std::size_t, std::size_t>, 7> w{};
    if (split_words(line, w) < 7) return {line, {}, {}, false};
    auto word = [&](std::size_t k) { return line.substr(w[k].first, w[k].second - w[k].first); };
    std::size_t i = w[6].first;
    if (line[i] == '-') {
        i += 1;
    } else if (line[i] == '[') {
        bool quoted = false;
        for (; i < line.size(); ++i) {
            if (line[i] == '\\' && quoted) {
                ++i;
                continue;
            }
            if (line[i] == '"') quoted = !quoted;
            if (!quoted && line[i] == ']' && (i + 1 >= line.size() || line[i + 1] != '[')) break;
        }
        i += 1;
    } else {
        return {line, {}, {}, false};
    }
    if (i < line.size() && line[i] == ' ') ++i;
    std::string_view app = word(3), procid = word(4);
    if (app == "-") app = {};
    if (procid == "-") procid = {};
    return {i <= line.size() ? line.substr(i) : std::string_view(), app, procid, true};
}

}  // namespace

SyslogLine split_syslog_line(std::string_view line) noexcept {
    if (line.size() > 3 && line[0] == '<') {
        std::size_t close = line.find('>');
        if (close != std::string_view::npos && close < 5 && close + 2 < line.size() && line[close + 1] == '1' &&
            line[close + 2] == ' ')
            return rfc5424(line);
    }
    std::array<std::pair<std::size_t, std::size_t>, 6> w{};
    const std::size_t n = split_words(line, w);
    auto word = [&](std::size_t k) { return line.substr(w[k].first, w[k].second - w[k].first); };

    std::size_t k = 0;
    bool timed = false;
    if (n >= 3 && is_month(word(0)) && is_digit(word(1)[0]) && word(1).size() <= 2 && is_clock(word(2))) {
        k = 3;
        timed = true;
    } else if (n >= 1 && is_iso_time(word(0))) {
        k = 1;
        timed = true;
    }
    std::string_view ident, pid;
    // The identifier, either right here or after a host name. Without a time stamp only the
    // "ident[pid]:" form counts, so that a bare message is never mistaken for a prefix.
    for (std::size_t at = k; at < n && at <= k + 1; ++at) {
        if (ident_token(word(at), timed, ident, pid)) {
            std::size_t start = w[at].second;
            if (start < line.size() && line[start] == ' ') ++start;
            return {line.substr(start), ident, pid, true};
        }
    }
    if (timed) {   // a time stamp and a host, but no identifier ("kernel" lines of some relays)
        std::size_t start = n > k + 1 ? w[k + 1].first : line.size();
        return {line.substr(start), {}, {}, true};
    }
    return {line, {}, {}, false};
}

}  // namespace banjo
