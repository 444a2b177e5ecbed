// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/fail2ban_filter.hpp"

#include "fail2ban/tag_substitution.hpp"
#include "fail2ban/value_text.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace banjo {
namespace {

bool plain_tag_char(char c) { return c != ' ' && c != '<' && c != '>'; }

// Every <PREFIX<mode>SUFFIX> in `text`, as (PREFIX, SUFFIX).
void mode_templates(const std::string& text, std::set<std::pair<std::string, std::string>>& out) {
    const std::string tag = "<mode>";
    for (std::size_t p = text.find(tag); p != std::string::npos; p = text.find(tag, p + 1)) {
        std::size_t j = p;
        while (j > 0 && plain_tag_char(text[j - 1])) --j;
        std::size_t k = p + tag.size();
        while (k < text.size() && plain_tag_char(text[k])) ++k;
        if (j > 0 && text[j - 1] == '<' && k < text.size() && text[k] == '>')
            out.emplace(text.substr(j, p - j), text.substr(p + tag.size(), k - p - tag.size()));
    }
}

bool section_option(const std::string& name, std::string& sec, std::string& opt) {
    auto slash = name.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == name.size()) return false;
    for (std::size_t i = 0; i < slash; ++i)
        if (!(std::isalnum(static_cast<unsigned char>(name[i])) || name[i] == '_' || name[i] == '-')) return false;
    sec = name.substr(0, slash);
    opt = name.substr(slash + 1);
    return true;
}

}  // namespace

const std::map<std::string, MarkKind>& syslog_prefix_variables() {
    static const std::map<std::string, MarkKind> vars = {
        {"__prefix_line", MarkKind::empty},   {"__daemon_re", MarkKind::value},
        {"__pid_re", MarkKind::value},        {"__daemon_combs_re", MarkKind::value},
        {"__hostname", MarkKind::value},      {"__bsd_syslog_verbose", MarkKind::value},
        {"__vserver", MarkKind::value},       {"__date_ambit", MarkKind::value},
    };
    return vars;
}

Fail2banFilter Fail2banFilter::read(const std::string& filter_dir, const std::string& name, IniFileCache& cache) {
    std::string base = (std::filesystem::path(filter_dir) / name).string();
    auto files = fail2ban_config_files(base);
    if (files.empty()) throw ConfigError({base + ".conf", 0}, "no such filter (neither " + name + ".conf nor " + name + ".local)");
    IniConfig cfg = IniConfig::read(files, cache);
    cfg.set_marked(syslog_prefix_variables());
    return Fail2banFilter(name, std::move(cfg));
}

std::optional<FilterValue> Fail2banFilter::value_of(const std::string& name, const FilterArgs& args,
                                                    const IniVars& vars) const {
    auto from = [&](std::string_view section, const std::string& key, const IniVars& v) -> std::optional<FilterValue> {
        auto text = cfg_.get(section, key, v);
        if (!text) return std::nullopt;
        const IniValue* raw = cfg_.raw(section, to_lower(key));
        return FilterValue{*text, raw ? raw->where : SourceLocation{}};
    };
    if (auto it = args.find(name); it != args.end()) return FilterValue{it->second, {}};
    const IniOptions* init = cfg_.own_options("Init");
    if (init && init->count(to_lower(name))) return from("Init", name, {});
    if (init && name.rfind("known/", 0) == 0 && init->count(to_lower(name.substr(6)))) return from("Init", name.substr(6), {});
    std::string sec, opt;
    if (section_option(name, sec, opt)) {
        // fail2ban's get_ex: <known/x> is the overridden value, else the current one;
        // <default/x> [DEFAULT]'s; <other/x> section [other]'s.
        std::string s = to_lower(sec);
        if (s == "known") {
            if (const IniValue* k = cfg_.known("Definition", opt))
                return FilterValue{cfg_.interpolate("Definition", opt, *k, vars), k->where};
            if (cfg_.has_section("Definition"))
                if (auto v = from("Definition", opt, vars)) return v;
        } else if (s == "default") {
            if (auto v = from("DEFAULT", opt, {})) return v;
        } else if (cfg_.has_section(sec)) {
            if (auto v = from(sec, opt, {})) return v;
        }
    }
    if (!cfg_.has_section("Definition")) return std::nullopt;
    return from("Definition", name, vars);
}

std::optional<FilterValue> Fail2banFilter::option(const std::string& key, const FilterArgs& args,
                                                  const IniVars& vars) const {
    auto v = value_of(key, args, vars);
    if (!v) return std::nullopt;
    TagLookup lookup = [&](const std::string& name) -> std::optional<std::string> {
        auto x = value_of(name, args, vars);
        return x ? std::optional<std::string>(x->text) : std::nullopt;
    };
    v->text = substitute_tags(std::move(v->text), key, lookup, v->where);
    return v;
}

ResolvedFilter Fail2banFilter::resolve(const FilterArgs& args) const {
    // As fail2ban's FilterReader: the arguments, then the [Init] values (and known/NAME for
    // each) are the variables %(...)s sees first. banjo reads the journal: logtype "journal".
    IniVars vars;
    for (const auto& [k, v] : args) vars[to_lower(k)] = v;
    if (const IniOptions* init = cfg_.own_options("Init")) {
        for (const auto& [k, raw] : *init) {
            auto v = cfg_.get("Init", k);
            if (!v) continue;
            vars.emplace(k, *v);
            vars.emplace("known/" + k, *v);
        }
    }
    vars.emplace("logtype", "journal");

    ResolvedFilter r;
    r.prefregex = option("prefregex", args, vars);
    r.failregex = option("failregex", args, vars);
    r.ignoreregex = option("ignoreregex", args, vars);
    r.journalmatch = option("journalmatch", args, vars);
    // common.conf sets a datepattern for every filter; only the filter's own choice is worth a word.
    auto own = [&](const std::string& key) {
        const IniOptions* def = cfg_.own_options("Definition");
        const IniOptions* init = cfg_.own_options("Init");
        return args.count(key) || (def && def->count(key)) || (init && init->count(key));
    };
    if (own("datepattern")) r.datepattern = option("datepattern", args, vars);
    if (own("maxlines")) r.maxlines = option("maxlines", args, vars);
    return r;
}

std::string Fail2banFilter::default_mode() const {
    FilterArgs none;
    IniVars vars{{"logtype", "journal"}};
    auto v = value_of("mode", none, vars);
    if (!v) return {};
    std::string m = unmark(v->text);
    while (!m.empty() && std::isspace(static_cast<unsigned char>(m.back()))) m.pop_back();
    while (!m.empty() && std::isspace(static_cast<unsigned char>(m.front()))) m.erase(m.begin());
    return m;
}

std::vector<std::string> Fail2banFilter::modes() const {
    std::set<std::pair<std::string, std::string>> templates;
    std::set<std::string> keys;
    auto scan = [&](const IniOptions* options) {
        if (!options) return;
        for (const auto& [k, v] : *options) {
            keys.insert(k);
            mode_templates(v.text, templates);
        }
    };
    scan(&cfg_.defaults());
    scan(cfg_.own_options("Definition"));
    scan(cfg_.own_options("Init"));
    if (templates.empty()) return {};

    std::optional<std::set<std::string>> common;
    for (const auto& [prefix, suffix] : templates) {
        std::set<std::string> found;
        for (const auto& k : keys) {
            if (k.size() <= prefix.size() + suffix.size() || k.compare(0, prefix.size(), prefix) != 0 ||
                k.compare(k.size() - suffix.size(), suffix.size(), suffix) != 0)
                continue;
            std::string x = k.substr(prefix.size(), k.size() - prefix.size() - suffix.size());
            if (x.find_first_of(" <>/") == std::string::npos) found.insert(x);
        }
        if (!common) {
            common = std::move(found);
        } else {
            std::set<std::string> both;
            std::set_intersection(common->begin(), common->end(), found.begin(), found.end(),
                                  std::inserter(both, both.end()));
            common = std::move(both);
        }
    }
    std::string def = default_mode();
    if (!def.empty()) common->insert(def);
    return {common->begin(), common->end()};
}

}  // namespace banjo
