// SPDX-License-Identifier: GPL-2.0-or-later
// One parsed TOML file that remembers where it came from, so that every complaint about its
// contents names FILE:LINE. All config readers (banjo.toml, jail.d/, filter.d/) go through it;
// it is where "unknown keys are errors" is enforced.
#pragma once

#include "core/config_error.hpp"
#include "core/duration.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

class TomlSource {
public:
    // Throws ConfigError with the parser's line on a syntax error, or line 0 if unreadable.
    static TomlSource parse_file(const std::string& path);
    static TomlSource parse_text(std::string_view text, const std::string& name);

    const toml::table& root() const noexcept { return root_; }
    const std::string& path() const noexcept { return path_; }

    SourceLocation where(const toml::node& n) const;
    [[noreturn]] void fail(const toml::node& n, const std::string& message) const;

    // Every key of t must be one of `allowed`; otherwise ConfigError at that key's line.
    void require_known_keys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                            std::string_view what) const;

    // Typed getters: nullopt when the key is absent; ConfigError when present with the wrong type
    // or an invalid value. `key` is only for the message.
    std::optional<std::string> get_string(const toml::table& t, std::string_view key) const;
    std::optional<bool> get_bool(const toml::table& t, std::string_view key) const;
    std::optional<std::int64_t> get_integer(const toml::table& t, std::string_view key) const;
    std::optional<double> get_number(const toml::table& t, std::string_view key) const;
    // A time span: a string in systemd syntax, or an integer number of seconds.
    std::optional<Usec> get_timespan(const toml::table& t, std::string_view key) const;
    // An array of strings (a single string is accepted as a one-element list).
    std::optional<std::vector<std::string>> get_strings(const toml::table& t, std::string_view key) const;
    const toml::table* get_table(const toml::table& t, std::string_view key) const;

private:
    TomlSource(toml::table root, std::string path) : root_(std::move(root)), path_(std::move(path)) {}
    toml::table root_;
    std::string path_;
};

}  // namespace banjo
