// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/filter_file.hpp"

#include "config/toml_source.hpp"
#include "core/input_excerpt.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <set>

namespace banjo {
namespace {

// What sd_journal_add_match accepts as a field name: upper-case letters, digits and '_', not
// starting with a digit, at most 64 bytes. "__" names (__CURSOR, ...) are not fields of entries.
bool valid_field_name(std::string_view f) {
    if (f.empty() || f.size() > 64 || (f[0] >= '0' && f[0] <= '9') || f.substr(0, 2) == "__") return false;
    for (char c : f)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

std::string stem(const std::string& path) {
    std::string base = std::filesystem::path(path).filename().string();
    if (base.size() > 5 && base.compare(base.size() - 5, 5, ".toml") == 0) base.resize(base.size() - 5);
    return base;
}

class FilterReader {
public:
    explicit FilterReader(TomlSource src) : src_(std::move(src)) {}

    FilterSpec read() {
        const toml::table& root = src_.root();
        src_.require_known_keys(root, {"description", "journal-match", "id-field", "default-mode", "prefregex",
                                       "failregex", "ignoreregex", "modes"},
                                "filter");
        FilterSpec spec;
        spec.name = stem(src_.path());
        spec.where = {src_.path(), 1};
        spec.description = src_.get_string(root, "description").value_or("");
        spec.journal_match = journal_match(root);
        spec.journal_match_where = root.get("journal-match") ? src_.where(*root.get("journal-match")) : spec.where;
        if (auto id = src_.get_string(root, "id-field")) {
            if (!valid_field_name(*id))
                src_.fail(*root.get("id-field"), "'id-field': \"" + input_excerpt(*id) + "\" is not a journal field name");
            spec.id_field = *id;
        }
        if (const toml::node* n = root.get("prefregex")) {
            if (!n->is_string()) src_.fail(*n, "'prefregex' must be a string");
            spec.prefregex = Pattern{n->as_string()->get(), src_.where(*n)};
        }
        spec.failregex = patterns(root, "failregex");
        spec.ignoreregex = patterns(root, "ignoreregex");
        if (const toml::table* modes = src_.get_table(root, "modes")) read_modes(*modes, spec);

        spec.default_mode = src_.get_string(root, "default-mode").value_or("");
        if (!spec.default_mode.empty() && !spec.modes.count(spec.default_mode))
            src_.fail(*root.get("default-mode"), "'default-mode': no mode '" + input_excerpt(spec.default_mode) + "' in [modes]");
        return spec;
    }

private:
    // [[ "A=1", "B=2" ], [ "C=3" ]]: groups OR-ed, terms inside a group AND-ed. A flat list is
    // refused rather than guessed at: it could mean either.
    std::vector<std::vector<std::string>> journal_match(const toml::table& root) const {
        std::vector<std::vector<std::string>> out;
        const toml::node* n = root.get("journal-match");
        if (!n) return out;
        const char* shape = "'journal-match' must be a list of groups, each a list of \"FIELD=value\" terms, "
                            "e.g. [[\"_SYSTEMD_UNIT=ssh.service\"], [\"_COMM=sshd\"]]";
        if (!n->is_array()) src_.fail(*n, shape);
        for (const auto& group : *n->as_array()) {
            if (!group.is_array() || group.as_array()->empty()) src_.fail(group, shape);
            std::vector<std::string> terms;
            for (const auto& term : *group.as_array()) {
                if (!term.is_string()) src_.fail(term, shape);
                const std::string& t = term.as_string()->get();
                auto eq = t.find('=');
                if (eq == std::string::npos || !valid_field_name(std::string_view(t).substr(0, eq)))
                    src_.fail(term, "'journal-match': \"" + input_excerpt(t) +
                                        "\" is not FIELD=value with an upper-case journal field name");
                terms.push_back(t);
            }
            out.push_back(std::move(terms));
        }
        return out;
    }

    // A list of patterns, each remembering its own line; a single string is a list of one.
    std::vector<Pattern> patterns(const toml::table& t, std::string_view key) const {
        std::vector<Pattern> out;
        const toml::node* n = t.get(key);
        if (!n) return out;
        if (n->is_string()) {
            out.push_back({n->as_string()->get(), src_.where(*n)});
            return out;
        }
        if (!n->is_array()) src_.fail(*n, "'" + std::string(key) + "' must be a list of patterns");
        for (const auto& item : *n->as_array()) {
            if (!item.is_string()) src_.fail(item, "'" + std::string(key) + "' must contain only strings");
            out.push_back({item.as_string()->get(), src_.where(item)});
        }
        return out;
    }

    void read_modes(const toml::table& modes, FilterSpec& spec) const {
        std::map<std::string, const toml::node*> include_nodes;
        for (const auto& [key, node] : modes) {
            const std::string name(key.str());
            if (!node.is_table()) src_.fail(node, "mode '" + input_excerpt(name) + "' must be a table");
            const toml::table& m = *node.as_table();
            src_.require_known_keys(m, {"failregex", "ignoreregex", "include"}, "mode '" + name + "'");
            FilterModeSpec mode;
            mode.failregex = patterns(m, "failregex");
            mode.ignoreregex = patterns(m, "ignoreregex");
            mode.include = src_.get_strings(m, "include").value_or(std::vector<std::string>{});
            if (const toml::node* inc = m.get("include")) include_nodes[name] = inc;
            spec.modes.emplace(name, std::move(mode));
        }
        for (const auto& [name, mode] : spec.modes)
            for (const auto& inc : mode.include)
                if (!spec.modes.count(inc))
                    src_.fail(*include_nodes.at(name), "mode '" + input_excerpt(name) + "' includes '" + input_excerpt(inc) + "', which does not exist");
        for (const auto& [name, mode] : spec.modes) {
            std::set<std::string> path;
            if (includes_itself(spec, name, path))
                src_.fail(*include_nodes.at(name), "mode '" + name + "' includes itself (through " + join(path) + ")");
        }
    }

    static bool includes_itself(const FilterSpec& spec, const std::string& start, std::set<std::string>& seen) {
        std::function<bool(const std::string&)> visit = [&](const std::string& m) {
            for (const auto& inc : spec.modes.at(m).include) {
                if (inc == start) return true;
                if (seen.insert(inc).second && visit(inc)) return true;
            }
            return false;
        };
        return visit(start);
    }

    static std::string join(const std::set<std::string>& names) {
        std::string out;
        for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
        return out;
    }

    TomlSource src_;
};

}  // namespace

FilterSpec load_filter_file(const std::string& path) { return FilterReader(TomlSource::parse_file(path)).read(); }

FilterSpec parse_filter_toml(std::string_view text, const std::string& name) {
    return FilterReader(TomlSource::parse_text(text, name)).read();
}

std::optional<std::string> find_filter_file(const std::string& name, const std::vector<std::string>& dirs) {
    if (name.empty() || name[0] == '.' || name.find('/') != std::string::npos || name.find('\0') != std::string::npos)
        return std::nullopt;
    for (const auto& dir : dirs) {
        std::filesystem::path p = std::filesystem::path(dir) / (name + ".toml");
        std::error_code ec;
        if (std::filesystem::is_regular_file(p, ec)) return p.string();
    }
    return std::nullopt;
}

}  // namespace banjo
