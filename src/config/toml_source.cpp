// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/toml_source.hpp"

#include "core/input_excerpt.hpp"
#include <fstream>
#include <sstream>

namespace banjo {

namespace {

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

}  // namespace

TomlSource TomlSource::parse_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError({path, 0}, "cannot read file");
    std::stringstream text;
    text << in.rdbuf();
    return parse_text(text.str(), path);
}

TomlSource TomlSource::parse_text(std::string_view text, const std::string& name) {
    try {
        return TomlSource(toml::parse(text, name), name);
    } catch (const toml::parse_error& e) {
        throw ConfigError({name, static_cast<int>(e.source().begin.line)},
                          std::string(e.description()));
    }
}

SourceLocation TomlSource::where(const toml::node& n) const { return {path_, line_of(n)}; }

void TomlSource::fail(const toml::node& n, const std::string& message) const {
    throw ConfigError(where(n), message);
}

void TomlSource::require_known_keys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                                    std::string_view what) const {
    for (const auto& [key, node] : t) {
        bool known = false;
        for (auto a : allowed) known = known || key.str() == a;
        if (!known) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            throw ConfigError({path_, static_cast<int>(key.source().begin.line ? key.source().begin.line
                                                                                 : node.source().begin.line)},
                              "unknown key '" + input_excerpt(key.str()) + "' in " + std::string(what) +
                                  " (known: " + list + ")");
        }
    }
}

std::optional<std::string> TomlSource::get_string(const toml::table& t, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) fail(*n, "'" + std::string(key) + "' must be a string");
    return n->as_string()->get();
}

std::optional<bool> TomlSource::get_bool(const toml::table& t, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) fail(*n, "'" + std::string(key) + "' must be true or false");
    return n->as_boolean()->get();
}

std::optional<std::int64_t> TomlSource::get_integer(const toml::table& t, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) fail(*n, "'" + std::string(key) + "' must be an integer");
    return n->as_integer()->get();
}

std::optional<double> TomlSource::get_number(const toml::table& t, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
    if (!n->is_floating_point()) fail(*n, "'" + std::string(key) + "' must be a number");
    return n->as_floating_point()->get();
}

std::optional<Usec> TomlSource::get_timespan(const toml::table& t, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (n->is_integer()) {
        auto s = n->as_integer()->get();
        if (s < 0) fail(*n, "'" + std::string(key) + "' must not be negative");
        return std::chrono::duration_cast<Usec>(std::chrono::seconds(s));
    }
    if (!n->is_string())
        fail(*n, "'" + std::string(key) + "' must be a time span such as \"10m\" or \"1h 30min\"");
    auto span = parse_timespan(n->as_string()->get());
    if (!span)
        fail(*n, "'" + std::string(key) + "': invalid time span \"" + input_excerpt(n->as_string()->get()) +
                     "\" (examples: \"90s\", \"10m\", \"1h 30min\", \"1w\", \"infinity\")");
    return span;
}

std::optional<std::vector<std::string>> TomlSource::get_strings(const toml::table& t,
                                                                std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (n->is_string()) return std::vector<std::string>{n->as_string()->get()};
    if (!n->is_array()) fail(*n, "'" + std::string(key) + "' must be a list of strings");
    std::vector<std::string> out;
    for (const auto& item : *n->as_array()) {
        if (!item.is_string()) fail(item, "'" + std::string(key) + "' must contain only strings");
        out.push_back(item.as_string()->get());
    }
    return out;
}

const toml::table* TomlSource::get_table(const toml::table& t, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(*n, "'" + std::string(key) + "' must be a table");
    return n->as_table();
}

}  // namespace banjo
