// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/ini_file.hpp"

#include "fail2ban/value_text.hpp"

#include <cctype>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace banjo {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n'; }

std::string_view strip(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// Where the comment of a line starts: the whole line when its first non-blank character is '#'
// or ';', else the first ';' at the line's start or after whitespace; npos when there is none.
std::size_t comment_start(std::string_view line) {
    std::string_view s = strip(line);
    if (!s.empty() && (s.front() == '#' || s.front() == ';')) return 0;
    for (std::size_t i = line.find(';'); i != std::string_view::npos; i = line.find(';', i + 1))
        if (i == 0 || is_space(line[i - 1])) return i;
    return std::string_view::npos;
}

class Parser {
public:
    Parser(std::string_view text, const std::string& path) : text_(text) { file_.path = path; }

    IniFile run() {
        std::size_t pos = 0;
        while (pos <= text_.size()) {
            std::size_t end = text_.find('\n', pos);
            if (end == std::string_view::npos) end = text_.size();
            ++line_no_;
            line(text_.substr(pos, end - pos));
            pos = end + 1;
        }
        finish_value();
        return std::move(file_);
    }

private:
    [[noreturn]] void fail(const std::string& message) const {
        throw ConfigError({file_.path, line_no_}, message);
    }

    void line(std::string_view raw) {
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        std::size_t comment = comment_start(raw);
        std::string_view value = strip(raw.substr(0, comment == std::string_view::npos ? raw.size() : comment));
        if (value.empty()) {
            // A blank line may sit inside a continued value; a comment line is simply skipped.
            if (comment == std::string_view::npos && current_) lines_.emplace_back();
            return;
        }
        std::size_t indent = 0;
        while (indent < raw.size() && is_space(raw[indent])) ++indent;
        if (current_ && static_cast<int>(indent) > indent_level_) {
            lines_.emplace_back(value);
            return;
        }
        indent_level_ = static_cast<int>(indent);
        finish_value();
        if (value.front() == '[') {
            std::size_t close = value.rfind(']');
            if (close != std::string_view::npos && close > 1) return header(std::string(value.substr(1, close - 1)));
        }
        if (!options_) fail("a line outside any [section]: " + std::string(value));
        option(value);
    }

    void header(const std::string& name) {
        if (name == "DEFAULT") {
            options_ = &file_.defaults;
            section_name_ = name;
            return;
        }
        if (!seen_sections_.insert(name).second) fail("section [" + name + "] appears twice in this file");
        file_.sections.push_back({name, {file_.path, line_no_}, {}});
        options_ = &file_.sections.back().options;
        section_name_ = name;
    }

    void option(std::string_view value) {
        std::size_t delim = value.find_first_of("=:");
        if (delim == std::string_view::npos) fail("expected 'key = value', a [section] or an indented continuation: " + std::string(value));
        std::string key = to_lower(strip(value.substr(0, delim)));
        if (key.empty()) fail("an option without a name: " + std::string(value));
        if (options_->count(key) && seen_keys_.count(section_name_ + '\n' + key))
            fail("'" + key + "' is set twice in [" + section_name_ + "]");
        seen_keys_.insert(section_name_ + '\n' + key);
        current_ = &(*options_)[key];
        *current_ = IniValue{{}, {file_.path, line_no_}};
        lines_.assign(1, std::string(strip(value.substr(delim + 1))));
    }

    void finish_value() {
        if (!current_) return;
        while (!lines_.empty() && lines_.back().empty()) lines_.pop_back();
        std::string joined;
        for (std::size_t i = 0; i < lines_.size(); ++i) joined += (i ? "\n" : "") + lines_[i];
        current_->text = std::move(joined);
        current_ = nullptr;
        lines_.clear();
    }

    std::string_view text_;
    IniFile file_;
    int line_no_ = 0;
    int indent_level_ = 0;
    IniOptions* options_ = nullptr;        // the section being read
    std::string section_name_;
    IniValue* current_ = nullptr;          // the option whose value may continue
    std::vector<std::string> lines_;
    std::set<std::string> seen_sections_;
    std::set<std::string> seen_keys_;      // "section\nkey" set in this file
};

}  // namespace

const IniSection* IniFile::section(std::string_view name) const noexcept {
    for (const auto& s : sections)
        if (s.name == name) return &s;
    return nullptr;
}

IniFile parse_ini(std::string_view text, const std::string& path) { return Parser(text, path).run(); }

IniFile read_ini_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError({path, 0}, "cannot read the file");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw ConfigError({path, 0}, "cannot read the file");
    return parse_ini(buf.str(), path);
}

}  // namespace banjo
