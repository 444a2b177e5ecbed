// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/tag_substitution.hpp"

#include <map>

namespace banjo {
namespace {

constexpr std::size_t max_value_bytes = 1 << 20;

struct Tag {
    std::size_t begin = 0, end = 0;   // the whole "<name>"
    std::string name;
};

// fail2ban's tag: '<', one or more characters other than space, '<' and '>', then '>'.
std::optional<Tag> find_tag(const std::string& s, std::size_t from) {
    for (std::size_t i = s.find('<', from); i != std::string::npos; i = s.find('<', i + 1)) {
        std::size_t j = i + 1;
        while (j < s.size() && s[j] != ' ' && s[j] != '<' && s[j] != '>') ++j;
        if (j < s.size() && s[j] == '>' && j > i + 1) return Tag{i, j + 1, s.substr(i + 1, j - i - 1)};
    }
    return std::nullopt;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

}  // namespace

std::string substitute_tags(std::string value, const std::string& own_name, const TagLookup& lookup,
                            const SourceLocation& where) {
    std::map<std::string, int> count;
    std::map<std::string, std::optional<std::string>> cache;
    for (bool changed = true; changed;) {
        changed = false;
        std::size_t pos = 0;
        while (auto tag = find_tag(value, pos)) {
            if (tag->name == own_name)
                throw ConfigError(where, "'" + own_name + "' refers to itself through <" + tag->name + ">");
            auto it = cache.find(tag->name);
            if (it == cache.end()) it = cache.emplace(tag->name, lookup(tag->name)).first;
            if (!it->second) {
                pos = tag->end;
                continue;
            }
            if (++count[tag->name] > max_tag_replacements)
                throw ConfigError(where, "'" + own_name + "': <" + tag->name + "> substituted more than " +
                                             std::to_string(max_tag_replacements) + " times (tags that refer to each other?)");
            replace_all(value, "<" + tag->name + ">", *it->second);
            if (value.size() > max_value_bytes)
                throw ConfigError(where, "'" + own_name + "' grows beyond a megabyte while its tags are substituted");
            changed = true;
            pos = tag->begin;
        }
    }
    return value;
}

}  // namespace banjo
