// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/value_text.hpp"

#include <cctype>

namespace banjo {

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string trim_space(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> split_words(std::string_view text, std::string_view separators) {
    std::vector<std::string> out;
    std::string w;
    for (char c : text) {
        if (separators.find(c) != std::string_view::npos || is_space(c)) {
            if (!w.empty()) out.push_back(std::move(w));
            w.clear();
        } else {
            w += c;
        }
    }
    if (!w.empty()) out.push_back(std::move(w));
    return out;
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n') c = ' ';
    return s;
}

std::string relative_path(const std::string& path, const std::string& dir) {
    std::string_view d = dir;
    while (d.size() > 1 && d.back() == '/') d.remove_suffix(1);
    if (!d.empty() && path.size() > d.size() && path.compare(0, d.size(), d) == 0 && path[d.size()] == '/')
        return path.substr(d.size() + 1);
    return path;
}

}  // namespace banjo
