// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/ini_config.hpp"

#include "fail2ban/value_text.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <system_error>

namespace banjo {
namespace {

namespace fs = std::filesystem;

// Include chains deeper than this are a loop fail2ban's own check missed, or a mistake.
constexpr std::size_t max_include_depth = 16;

std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string line(text.substr(pos, end - pos));
        if (!line.empty()) out.push_back(std::move(line));
        pos = end + 1;
    }
    return out;
}

// fail2ban reads NAME.local right after NAME.conf unless the list names it already.
std::vector<std::string> with_local_files(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) {
        out.push_back(p);
        std::string local = (fs::path(p).parent_path() / fs::path(p).stem()).string() + ".local";
        std::error_code ec;
        if (std::find(paths.begin(), paths.end(), local) == paths.end() && fs::is_regular_file(local, ec))
            out.push_back(local);
    }
    return out;
}

class IncludeResolver {
public:
    explicit IncludeResolver(IniFileCache& cache) : cache_(cache) {}

    std::vector<std::string> expand(const std::vector<std::string>& paths, const std::vector<std::string>& seen) {
        std::vector<std::string> out;
        for (const auto& p : with_local_files(paths)) {
            auto more = resource(p, seen);
            out.insert(out.end(), more.begin(), more.end());
        }
        return out;
    }

private:
    std::vector<std::string> resource(const std::string& path, const std::vector<std::string>& seen) {
        auto file = cache_.get(path);
        if (!file) return {};
        std::vector<std::string> before, after;
        if (const IniSection* inc = file->section("INCLUDES")) {
            if (seen.size() >= max_include_depth)
                throw ConfigError(inc->where, "[INCLUDES] nested deeper than " + std::to_string(max_include_depth) + " files");
            std::vector<std::string> chain = seen;
            chain.push_back(path);
            for (auto [key, list] : {std::pair{"before", &before}, std::pair{"after", &after}}) {
                auto it = inc->options.find(key);
                if (it == inc->options.end()) continue;
                for (const auto& name : split_lines(it->second.text)) {
                    std::string r = fs::path(name).is_absolute() ? name : (fs::path(path).parent_path() / name).string();
                    if (std::find(seen.begin(), seen.end(), r) != seen.end() || r == path) continue;
                    auto more = expand({r}, chain);
                    list->insert(list->end(), more.begin(), more.end());
                }
            }
        }
        std::vector<std::string> out = std::move(before);
        out.push_back(path);
        out.insert(out.end(), after.begin(), after.end());
        return out;
    }

    IniFileCache& cache_;
};

}  // namespace

std::string unmark(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == mark_open) {
            std::size_t v = text.find(mark_value, i);
            if (v != std::string_view::npos) i = v;
            continue;
        }
        if (text[i] != mark_close) out += text[i];
    }
    return out;
}

std::vector<std::string> fail2ban_config_files(const std::string& base) {
    auto sorted_in = [&](const std::string& ext) {
        std::vector<std::string> out;
        std::error_code ec;
        fs::path dir = base + ".d";
        if (!fs::is_directory(dir, ec)) return out;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().extension() == ext) out.push_back(e.path().string());
        std::sort(out.begin(), out.end());
        return out;
    };
    std::vector<std::string> all{base + ".conf"};
    for (auto& f : sorted_in(".conf")) all.push_back(f);
    all.push_back(base + ".local");
    for (auto& f : sorted_in(".local")) all.push_back(f);
    std::vector<std::string> out;
    std::error_code ec;
    for (auto& f : all)
        if (fs::exists(f, ec)) out.push_back(f);
    return out;
}

std::shared_ptr<const IniFile> IniFileCache::get(const std::string& path) {
    if (auto it = files_.find(path); it != files_.end()) return it->second;
    std::error_code ec;
    std::shared_ptr<const IniFile> file;
    if (fs::is_regular_file(path, ec)) {
        try {
            file = std::make_shared<const IniFile>(read_ini_file(path));
        } catch (const ConfigError& e) {
            if (e.where().line != 0) throw;   // a syntax error; an unreadable file is skipped
            unreadable_.push_back(path);
        }
    }
    files_[path] = file;
    return file;
}

IniConfig IniConfig::read(const std::vector<std::string>& paths, IniFileCache& cache) {
    IniConfig cfg;
    for (const auto& p : IncludeResolver(cache).expand(paths, {}))
        if (auto file = cache.get(p)) cfg.merge(*file);
    return cfg;
}

void IniConfig::merge(const IniFile& file) {
    files_.push_back(file.path);
    for (const auto& [k, v] : file.defaults) defaults_[k] = v;
    for (const auto& s : file.sections) {
        // fail2ban's conditional sections ("[Init?family=inet6]") add keys "KEY?family=inet6".
        std::string name = s.name;
        IniOptions options = s.options;
        if (auto q = name.find('?'); q != std::string::npos && q > 0) {
            std::string cond = name.substr(q);
            name.resize(q);
            IniOptions renamed;
            for (auto& [k, v] : options) renamed[k + cond] = v;
            options = std::move(renamed);
        }
        auto it = sections_.find(name);
        if (it == sections_.end()) {
            sections_.emplace(name, std::move(options));
            order_.push_back(name);
            section_where_[name] = s.where;
            continue;
        }
        for (auto& [k, v] : options) {
            if (auto old = it->second.find(k); old != it->second.end()) known_[name][k] = old->second;
            it->second[k] = std::move(v);
        }
    }
}

SourceLocation IniConfig::section_where(std::string_view section) const {
    auto it = section_where_.find(std::string(section));
    return it == section_where_.end() ? SourceLocation{} : it->second;
}

const IniOptions* IniConfig::own_options(std::string_view section) const {
    auto it = sections_.find(std::string(section));
    return it == sections_.end() ? nullptr : &it->second;
}

const IniValue* IniConfig::raw(std::string_view section, std::string_view key) const {
    if (const IniOptions* own = own_options(section))
        if (auto it = own->find(std::string(key)); it != own->end()) return &it->second;
    if (auto it = defaults_.find(std::string(key)); it != defaults_.end()) return &it->second;
    return nullptr;
}

std::optional<std::string> IniConfig::lookup(std::string_view section, const std::string& name,
                                             const IniVars& vars) const {
    if (name == "__name__") return std::string(section);
    if (auto it = vars.find(name); it != vars.end()) return it->second;
    if (const IniValue* v = raw(section, name)) return v->text;
    auto slash = name.find('/');
    if (slash == std::string::npos || slash == 0) return std::nullopt;
    std::string sec = name.substr(0, slash), opt = name.substr(slash + 1);
    auto from_defaults = [&]() -> std::optional<std::string> {
        if (auto it = defaults_.find(opt); it != defaults_.end()) return it->second.text;
        return std::nullopt;
    };
    if (sec == "known") {
        if (auto k = known_.find(std::string(section)); k != known_.end())
            if (auto it = k->second.find(opt); it != k->second.end()) return it->second.text;
        return from_defaults();
    }
    if (sec == "default") return from_defaults();
    // %(other/name)s: the section as written (section names keep their case), else [DEFAULT].
    auto other = sections_.end();
    for (auto it = sections_.begin(); it != sections_.end(); ++it)
        if (to_lower(it->first) == sec) other = it;
    if (other == sections_.end()) return std::nullopt;
    if (auto it = other->second.find(opt); it != other->second.end()) return it->second.text;
    return from_defaults();
}

std::optional<std::string> IniConfig::get(std::string_view section, std::string_view key, const IniVars& vars) const {
    std::string k = to_lower(key);
    if (auto m = marked_.find(k); m != marked_.end() && m->second == MarkKind::empty) return mark_variable(k, "");
    std::optional<std::string> out;
    if (auto it = vars.find(k); it != vars.end())
        out = interpolate(section, k, IniValue{it->second, {}}, vars);
    else if (const IniValue* v = raw(section, k))
        out = interpolate(section, k, *v, vars);
    if (out && marked_.count(k)) return mark_variable(k, *out);
    return out;
}

const IniValue* IniConfig::known(std::string_view section, std::string_view key) const {
    auto k = known_.find(std::string(section));
    if (k == known_.end()) return nullptr;
    auto it = k->second.find(to_lower(key));
    return it == k->second.end() ? nullptr : &it->second;
}

std::string IniConfig::interpolate(std::string_view section, std::string_view key, const IniValue& value,
                                   const IniVars& vars) const {
    const std::string where_text = "[" + std::string(section) + "] " + std::string(key);
    std::function<std::string(std::string_view, int)> expand = [&](std::string_view text, int depth) {
        if (depth > max_interpolation_depth)
            throw ConfigError(value.where, where_text + ": %(...)s references nested deeper than " +
                                               std::to_string(max_interpolation_depth) +
                                               " levels (a variable that refers to itself?)");
        std::string out;
        std::size_t i = 0;
        while (i < text.size()) {
            std::size_t p = text.find('%', i);
            if (p == std::string_view::npos) {
                out += text.substr(i);
                break;
            }
            out += text.substr(i, p - i);
            char next = p + 1 < text.size() ? text[p + 1] : '\0';
            if (next == '%') {
                out += '%';
                i = p + 2;
                continue;
            }
            std::size_t close = next == '(' ? text.find(')', p + 2) : std::string_view::npos;
            if (close == std::string_view::npos || close == p + 2 || close + 1 >= text.size() || text[close + 1] != 's')
                throw ConfigError(value.where, where_text + ": '%' must be followed by '%' or '(NAME)s' (near \"" +
                                                   std::string(text.substr(p, 24)) + "\")");
            std::string name = to_lower(text.substr(p + 2, close - p - 2));
            i = close + 2;
            auto mark = marked_.find(name);
            if (mark != marked_.end() && mark->second == MarkKind::empty) {
                out += mark_variable(name, "");
                continue;
            }
            auto v = lookup(section, name, vars);
            if (!v)
                throw ConfigError(value.where, where_text + ": %(" + name + ")s refers to '" + name +
                                                   "', which is set neither in [" + std::string(section) +
                                                   "] nor in [DEFAULT]");
            std::string expanded = v->find('%') == std::string::npos ? *v : expand(*v, depth + 1);
            out += mark != marked_.end() ? mark_variable(name, expanded) : expanded;
        }
        return out;
    };
    return expand(value.text, 1);
}

}  // namespace banjo
