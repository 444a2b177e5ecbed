// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/jail_conversion.hpp"

#include "core/cidr.hpp"
#include "core/duration.hpp"
#include "core/ignore_entry.hpp"
#include "fail2ban/fail2ban_time.hpp"
#include "fail2ban/journal_match.hpp"
#include "fail2ban/toml_text.hpp"
#include "fail2ban/value_text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

namespace banjo {
namespace {

// fail2ban's boolean: 1, on, true, yes (any case); everything else is false.
bool as_bool(const std::string& v) {
    std::string l = to_lower(trim_space(v));
    return l == "1" || l == "on" || l == "true" || l == "yes";
}

// The jail options fail2ban knows (its JailReader and FilterReader), and what becomes of the
// ones banjo has no use for. Keys not listed here are helper variables, used through %(name)s.
const std::map<std::string, std::string>& skipped_options() {
    static const std::map<std::string, std::string> reasons = {
        {"backend", "banjo always reads the journal"},
        {"logpath", "banjo reads the journal first; set logpath in the jail's jail.d file for a service that logs only to files (banjo.toml(5))"},
        {"logencoding", "journal entries are read as they are stored"},
        {"logtimezone", "the journal gives every entry its time"},
        {"usedns", "banjo never resolves host names in log lines: a line naming a host instead of an address bans nothing"},
        {"action", "banjo bans through firewalld (banjo.toml [firewalld]), not through fail2ban's actions"},
        {"banaction", "banjo bans through firewalld (banjo.toml [firewalld]), not through fail2ban's actions"},
        {"banaction_allports", "banjo bans through firewalld; a jail without ports blocks every port"},
        {"chain", "an iptables chain; banjo bans through firewalld"},
        {"maxmatches", "banjo keeps no matched lines per ban"},
        {"destemail", "used by fail2ban's mail actions; banjo sends no mail"},
        {"sender", "used by fail2ban's mail actions; banjo sends no mail"},
        {"mta", "used by fail2ban's mail actions; banjo sends no mail"},
        {"datepattern", "the journal gives every entry its time"},
        {"maxlines", "banjo matches one journal entry at a time and correlates a session's entries by its id"},
    };
    return reasons;
}

// Handled by the conversion itself (or internal to fail2ban).
const std::set<std::string>& used_options() {
    static const std::set<std::string> keys = {
        "enabled", "filter", "mode", "port", "protocol", "maxretry", "findtime", "bantime", "ignoreip", "ignoreself",
        "ignorecommand", "ignorecache",
        "bantime.increment", "bantime.factor", "bantime.maxtime", "bantime.multipliers", "bantime.formula",
        "bantime.overalljails", "bantime.rndtime", "journalmatch", "failregex", "ignoreregex", "prefregex",
        "fail2ban_version", "fail2ban_confpath", "fail2ban_agent",
    };
    return keys;
}

class Reader {
public:
    Reader(const IniConfig& cfg, std::string section, std::vector<ReportItem>& items)
        : cfg_(cfg), section_(std::move(section)), items_(items) {}

    bool own(const std::string& key) const {
        if (section_ == "DEFAULT") return cfg_.defaults().count(key) > 0;
        const IniOptions* o = cfg_.own_options(section_);
        return o && o->count(key);
    }
    bool set(const std::string& key) const { return cfg_.raw(section_, key) != nullptr; }
    SourceLocation where(const std::string& key) const {
        const IniValue* v = cfg_.raw(section_, key);
        return v ? v->where : SourceLocation{};
    }
    // The interpolated value; an error item (reported when `report`) and nullopt if it has none.
    std::optional<std::string> get(const std::string& key, bool report = true) const {
        try {
            auto v = cfg_.get(section_, key);
            if (v) return trim_space(*v);
        } catch (const ConfigError& e) {
            if (report) items_.push_back({ItemKind::error, e.message(), e.where()});
        }
        return std::nullopt;
    }
    void item(ItemKind kind, const std::string& key, std::string text) const {
        items_.push_back({kind, std::move(text), where(key)});
    }

private:
    const IniConfig& cfg_;
    std::string section_;
    std::vector<ReportItem>& items_;
};

// One banjo key's value as TOML, or nullopt with an item saying why.
using Translation = std::optional<std::string>;

Translation span(const Reader& r, const std::string& key, const std::string& banjo_key, bool is_bantime, bool report) {
    auto text = r.get(key, report);
    if (!text) return std::nullopt;
    auto seconds = fail2ban_seconds(*text);
    auto fail = [&](const std::string& why) -> Translation {
        if (report) r.item(ItemKind::error, key, key + " = " + *text + ": " + why);
        return std::nullopt;
    };
    if (!seconds) return fail("not a fail2ban time (seconds, or terms like 10m, 1h 30m, 1d)");
    Usec usec;
    if (is_bantime && *seconds < 0) {
        usec = infinite_usec;
    } else if (*seconds <= 0) {
        return fail("banjo needs a time longer than 0");
    } else if (*seconds > 1e12) {
        return fail("too long");
    } else {
        usec = Usec(std::llround(*seconds * 1e6));
    }
    std::string out = format_timespan(usec);
    if (report)
        r.item(ItemKind::converted, key, key + " = " + *text + " -> " + banjo_key + " = \"" + out + "\"" +
                                             (usec == infinite_usec ? " (a negative bantime bans for ever)" : ""));
    return toml_string(out);
}

Translation maxretry(const Reader& r, bool report) {
    auto text = r.get("maxretry", report);
    if (!text) return std::nullopt;
    char* end = nullptr;
    long n = std::strtol(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || n < 1 || n > 1'000'000) {
        if (report) r.item(ItemKind::error, "maxretry", "maxretry = " + *text + ": banjo needs a number from 1 to 1000000");
        return std::nullopt;
    }
    if (report) r.item(ItemKind::converted, "maxretry", "maxretry = " + *text);
    return std::to_string(n);
}

// A netmask written as an address ("255.255.255.0") as a prefix length, if it is contiguous.
std::optional<unsigned> mask_length(const std::string& mask) {
    auto a = Address::parse(mask);
    if (!a || mask.find('.') == std::string::npos) return std::nullopt;
    auto c = Cidr::parse(mask);
    if (!c) return std::nullopt;
    unsigned bits = 0;
    bool ended = false;
    std::string text = c->to_string();
    unsigned octets[4];
    if (std::sscanf(text.c_str(), "%u.%u.%u.%u", &octets[0], &octets[1], &octets[2], &octets[3]) != 4) return std::nullopt;
    for (unsigned o : octets)
        for (int b = 7; b >= 0; --b) {
            bool one = (o >> b) & 1;
            if (one && ended) return std::nullopt;
            if (one) ++bits;
            else ended = true;
        }
    return bits;
}

Translation ignore(const Reader& r, bool report) {
    auto text = r.get("ignoreip", report);
    if (!text) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& w : split_words(*text, ",")) {
        if (w.rfind("file:", 0) == 0) continue;   // ignore_file()'s
        std::optional<Cidr> c = Cidr::parse(w);
        if (!c) {
            auto slash = w.find('/');
            if (slash != std::string::npos)
                if (auto len = mask_length(w.substr(slash + 1)))
                    c = Cidr::parse(w.substr(0, slash) + "/" + std::to_string(*len));
        }
        std::optional<std::string> entry;
        if (c) entry = c->to_string();
        else if (auto e = parse_ignore_entry(w); e && std::holds_alternative<HostName>(*e)) entry = std::get<HostName>(*e).name;
        if (entry) {
            if (std::find(out.begin(), out.end(), *entry) == out.end()) out.push_back(*entry);
        } else if (report) {
            r.item(ItemKind::skipped, "ignoreip", "ignoreip entry \"" + w + "\": not an address, a network or a host name");
        }
    }
    std::string list = toml_inline_list(out);
    if (report) r.item(ItemKind::converted, "ignoreip", "ignoreip = " + one_line(*text) + " -> ignore = " + list);
    return list;
}

// fail2ban's "file:PATH" entries of ignoreip: banjo takes one ignore-file (same format: one
// entry a line, # comments); further files are reported.
Translation ignore_file(const Reader& r, bool report) {
    auto text = r.get("ignoreip", false);
    if (!text) return std::nullopt;
    std::optional<std::string> file;
    for (const auto& w : split_words(*text, ",")) {
        if (w.rfind("file:", 0) != 0) continue;
        const std::string path = w.substr(5);
        if (file || path.empty() || path[0] != '/') {
            if (report)
                r.item(ItemKind::skipped, "ignoreip", "ignoreip entry \"" + w + "\": " +
                                                          (file ? "banjo reads one ignore-file per jail; merge it into " + *file
                                                                : std::string("not an absolute path")));
            continue;
        }
        file = path;
        if (report) r.item(ItemKind::converted, "ignoreip", "ignoreip entry \"" + w + "\" -> ignore-file = " + toml_string(path));
    }
    if (!file) return std::nullopt;
    return toml_string(*file);
}

// fail2ban runs ignorecommand through a shell with <ip> replaced; banjo runs argv without one.
// A command that needs the shell (pipes, redirections, variables, quoting) is reported.
Translation ignore_command(const Reader& r, bool report) {
    auto text = r.get("ignorecommand", report);
    if (!text) return std::nullopt;
    if (text->empty()) return std::string("[]");   // no command (fail2ban's default), or one turned off
    auto refuse = [&](const std::string& why) -> Translation {
        if (report) r.item(ItemKind::skipped, "ignorecommand", "ignorecommand = " + one_line(*text) + ": " + why);
        return std::nullopt;
    };
    std::string command = *text;
    for (const char* tag : {"<ip>", "<ADDR>", "<F-HOST>"})
        for (std::size_t at; (at = command.find(tag)) != std::string::npos;) command.replace(at, std::strlen(tag), "{address}");
    if (command.find_first_of("|;&$`()<>\"'\\*?~\n") != std::string::npos)
        return refuse("needs a shell (or a tag other than <ip>); banjo runs ignore-command without one: "
                      "wrap it in a script and name that");
    std::vector<std::string> argv = split_words(command, " \t");
    if (argv.empty() || argv[0][0] != '/')
        return refuse("banjo needs the program by absolute path (it runs no shell that searches PATH)");
    std::string list = toml_inline_list(argv);
    if (report) r.item(ItemKind::converted, "ignorecommand", "ignorecommand = " + one_line(*text) + " -> ignore-command = " + list);
    return list;
}

// ignorecache = key="<ip>", max-count=100, max-time=5m: banjo caches per address for max-time.
Translation ignore_cache(const Reader& r, bool report) {
    auto text = r.get("ignorecache", report);
    if (!text) return std::nullopt;
    for (const auto& w : split_words(*text, ",")) {
        const std::string word = trim_space(w);
        if (word.rfind("max-time", 0) != 0) continue;
        const std::size_t eq = word.find('=');
        auto seconds = eq == std::string::npos ? std::nullopt : fail2ban_seconds(trim_space(word.substr(eq + 1)));
        if (!seconds || *seconds < 0 || *seconds > 1e9) break;
        const std::string out = *seconds == 0 ? "0" : format_timespan(Usec(std::llround(*seconds * 1e6)));
        if (report)
            r.item(ItemKind::converted, "ignorecache", "ignorecache = " + one_line(*text) + " -> ignore-command-cache = \"" + out +
                                                           "\" (per address; key and max-count have no counterpart)");
        return toml_string(out);
    }
    if (report) r.item(ItemKind::skipped, "ignorecache", "ignorecache = " + one_line(*text) + ": no max-time to convert");
    return std::nullopt;
}

Translation ignore_self(const Reader& r, bool report) {
    auto text = r.get("ignoreself", report);
    if (!text) return std::nullopt;
    bool v = as_bool(*text);
    if (report) r.item(ItemKind::converted, "ignoreself", "ignoreself = " + *text + " -> ignore-self = " + (v ? "true" : "false"));
    return v ? "true" : "false";
}

// A number as TOML writes it: integers without a fraction.
std::string toml_number(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

// bantime.* -> [increment]. fail2ban's n-th repeat (n earlier bans, n >= 1) lasts
// bantime * multipliers[n] * factor with multipliers, else by its default formula
// bantime * 2^min(n, 20) * factor; a first ban is the plain bantime. banjo's factor 2 is the
// default formula with factor 1; anything else becomes banjo's multipliers list, whose first
// entry (a first ban) is 1.
void increment(const Reader& r, std::map<std::string, std::string>& out, bool defaults) {
    bool report_all = defaults;
    bool any_own = false;
    for (const char* k : {"bantime.increment", "bantime.factor", "bantime.maxtime", "bantime.multipliers",
                          "bantime.formula", "bantime.overalljails", "bantime.rndtime"})
        any_own = any_own || r.own(k);
    if (!defaults && !any_own) return;
    auto enabled_text = r.get("bantime.increment");
    bool enabled = enabled_text && as_bool(*enabled_text);
    out["enabled"] = enabled ? "true" : "false";
    if (report_all || r.own("bantime.increment"))
        r.item(ItemKind::converted, "bantime.increment",
               "bantime.increment = " + (enabled_text ? *enabled_text : std::string("(not set: false)")) +
                   " -> [increment] enabled = " + (enabled ? "true" : "false"));
    if (!enabled) return;
    auto factor_text = r.get("bantime.factor");
    double factor = 1.0;
    if (factor_text && !factor_text->empty()) {
        char* end = nullptr;
        factor = std::strtod(factor_text->c_str(), &end);
        if (*end != '\0' || !(factor > 0.0) || factor > 1e6) {
            r.item(ItemKind::warning, "bantime.factor", "bantime.factor = " + *factor_text + ": not a number above 0; 1 used");
            factor = 1.0;
        }
    }
    std::string default_formula = "ban.Time * (1<<(ban.Count if ban.Count<20 else 20)) * banFactor";
    auto formula = r.get("bantime.formula");
    auto multipliers_text = r.get("bantime.multipliers");
    std::vector<double> list;
    if (multipliers_text && !multipliers_text->empty()) {
        for (const auto& w : split_words(*multipliers_text, " ,")) {
            char* end = nullptr;
            const double m = std::strtod(w.c_str(), &end);
            if (*end != '\0' || !(m > 0.0)) {
                r.item(ItemKind::warning, "bantime.multipliers", "bantime.multipliers entry \"" + w + "\" is not a number above 0: left out");
                continue;
            }
            list.push_back(m * factor);
        }
        if (!list.empty()) list[0] = 1.0;   // fail2ban bans a first offender for plain bantime
    }
    if (!list.empty()) {
        std::string text = "[";
        for (std::size_t i = 0; i < list.size() && i < 64; ++i) text += (i ? ", " : "") + toml_number(list[i]);
        out["multipliers"] = text + "]";
        r.item(ItemKind::converted, "bantime.multipliers",
               "bantime.multipliers = " + *multipliers_text + (factor != 1.0 ? " (times bantime.factor " + *factor_text + ")" : "") +
                   " -> [increment] multipliers = " + out["multipliers"] + " (the first entry is a first ban: 1, as fail2ban)");
    } else {
        if (formula && !formula->empty() && *formula != default_formula)
            r.item(ItemKind::warning, "bantime.formula", "bantime.formula = " + *formula +
                                                             ": banjo has no formulas; fail2ban's default formula (doubling) used instead");
        if (factor == 1.0) {
            out["factor"] = "2";
            r.item(ItemKind::changed, "bantime.increment",
                   "fail2ban doubles a repeat offender's ban (its formula bantime * 2^n * bantime.factor): [increment] factor = 2");
        } else {
            // bantime * 2^n * factor for n >= 1, the exponent capped at 20 as fail2ban caps it.
            std::string text = "[1";
            for (int n = 1; n <= 20; ++n) text += ", " + toml_number(std::ldexp(factor, n));
            out["multipliers"] = text + "]";
            r.item(ItemKind::converted, "bantime.factor",
                   "bantime.factor = " + *factor_text + " (fail2ban's formula bantime * 2^n * factor) -> [increment] multipliers = " +
                       out["multipliers"]);
        }
    }
    if (auto maxtime = span(r, "bantime.maxtime", "[increment] max", false, true)) {
        out["max"] = *maxtime;
    } else if (!r.set("bantime.maxtime")) {
        out["max"] = "\"infinity\"";
        r.item(ItemKind::changed, "bantime.increment", "bantime.maxtime not set: fail2ban sets no limit; [increment] max = \"infinity\"");
    }
    if (auto rnd = span(r, "bantime.rndtime", "[increment] rnd", false, true)) out["rnd"] = *rnd;
    if (auto all = r.get("bantime.overalljails")) {
        out["overall-jails"] = as_bool(*all) ? "true" : "false";
        r.item(ItemKind::converted, "bantime.overalljails",
               "bantime.overalljails = " + *all + " -> [increment] overall-jails = " + out["overall-jails"]);
    }
}

// Reports the option keys a section sets that banjo has no use for.
void report_skipped(const Reader& r, const IniOptions& own, bool defaults) {
    std::vector<std::string> helpers;
    for (const auto& [key, value] : own) {
        if (used_options().count(key)) continue;
        if (key.find('?') != std::string::npos) continue;
        auto reason = skipped_options().find(key);
        if (reason == skipped_options().end()) {
            helpers.push_back(key);
            continue;
        }
        if (key == "maxlines" || key == "datepattern") continue;   // reported with the filter
        if (key == "logpath" && !defaults) continue;                // reported with the journal-match used
        if (trim_space(value.text).empty()) continue;
        std::string shown = one_line(value.text);
        if (auto v = r.get(key, false)) shown = one_line(*v);
        if (shown.size() > 100) shown = shown.substr(0, 97) + "...";
        ItemKind kind = key == "usedns" && to_lower(shown) != "no" ? ItemKind::warning : ItemKind::skipped;
        r.item(kind, key, key + " = " + shown + ": " + reason->second);
    }
    if (!helpers.empty()) {
        std::string list;
        for (std::size_t i = 0; i < helpers.size() && i < 12; ++i) list += (i ? ", " : "") + helpers[i];
        if (helpers.size() > 12) list += ", ...";
        r.item(ItemKind::skipped, helpers.front(),
               std::to_string(helpers.size()) + (defaults ? " [DEFAULT]" : "") + " variable" +
                   (helpers.size() > 1 ? "s" : "") + " fail2ban uses only through %(name)s (paths, action templates): " + list);
    }
}

}  // namespace

std::optional<std::pair<std::string, FilterArgs>> parse_filter_reference(std::string_view text) {
    std::string t = trim_space(text);
    auto open = t.find('[');
    std::string name = trim_space(t.substr(0, open));
    if (name.empty()) return std::nullopt;
    FilterArgs args;
    if (open == std::string::npos) return std::pair{name, args};
    auto close = t.rfind(']');
    if (close == std::string::npos || close < open) return std::nullopt;
    std::string_view s = std::string_view(t).substr(open + 1, close - open - 1);
    std::size_t i = 0;
    auto space = [&] {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    };
    while (true) {
        space();
        if (i >= s.size()) break;
        std::size_t k = i;
        while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '-' || s[i] == '.')) ++i;
        if (i == k || i >= s.size() || s[i] != '=') return std::nullopt;
        std::string key(s.substr(k, i - k));
        ++i;
        std::string value;
        if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
            char q = s[i];
            std::size_t end = s.find(q, i + 1);
            if (end == std::string_view::npos) return std::nullopt;
            value = std::string(s.substr(i + 1, end - i - 1));
            i = end + 1;
        } else {
            std::size_t end = s.find_first_of(",]", i);
            if (end == std::string_view::npos) end = s.size();
            value = std::string(s.substr(i, end - i));
            i = end;
        }
        args[key] = trim_space(value);
        space();
        if (i >= s.size()) break;
        if (s[i] == ',') {
            ++i;
            continue;
        }
        if (s[i] == ']') {   // "][" between option groups
            ++i;
            space();
            if (i < s.size() && s[i] == '[') {
                ++i;
                continue;
            }
        }
        return std::nullopt;
    }
    return std::pair{name, args};
}

DefaultsConversion convert_defaults(const IniConfig& cfg) {
    DefaultsConversion d;
    Reader r(cfg, "DEFAULT", d.items);
    auto builtin = [&](const std::string& key, const std::string& banjo_key, const std::string& value, const std::string& text) {
        d.settings.values[banjo_key] = value;
        d.items.push_back({ItemKind::converted, key + " not set: fail2ban's built-in " + text + " -> " + banjo_key + " = " + value, {}});
    };
    if (r.set("maxretry")) {
        if (auto v = maxretry(r, true)) d.settings.values["maxretry"] = *v;
    } else {
        builtin("maxretry", "maxretry", "3", "3");
    }
    if (r.set("findtime")) {
        if (auto v = span(r, "findtime", "findtime", false, true)) d.settings.values["findtime"] = *v;
    } else {
        builtin("findtime", "findtime", "\"10min\"", "600 seconds");
    }
    if (r.set("bantime")) {
        if (auto v = span(r, "bantime", "bantime", true, true)) d.settings.values["bantime"] = *v;
    } else {
        builtin("bantime", "bantime", "\"10min\"", "600 seconds");
    }
    if (r.set("ignoreip")) {
        if (auto v = ignore(r, true)) d.settings.values["ignore"] = *v;
    } else {
        d.settings.values["ignore"] = "[]";
        d.items.push_back({ItemKind::converted, "ignoreip not set -> ignore = [] (banjo's own default would ignore "
                                                "127.0.0.0/8 and ::1; ignore-self covers them)", {}});
    }
    if (r.set("ignoreself")) {
        if (auto v = ignore_self(r, true)) d.settings.values["ignore-self"] = *v;
    } else {
        d.settings.values["ignore-self"] = "true";
    }
    if (r.set("ignoreip"))
        if (auto v = ignore_file(r, true)) d.settings.values["ignore-file"] = *v;
    if (r.set("ignorecommand"))
        if (auto v = ignore_command(r, true); v && *v != "[]") d.settings.values["ignore-command"] = *v;
    if (r.set("ignorecache"))
        if (auto v = ignore_cache(r, true)) d.settings.values["ignore-command-cache"] = *v;
    increment(r, d.settings.increment, true);
    report_skipped(r, cfg.defaults(), true);
    return d;
}

JailConversion convert_jail(const IniConfig& cfg, const std::string& name, const DefaultsConversion& defaults,
                            const PortLookup& ports) {
    JailConversion j;
    j.report.name = name;
    auto& items = j.report.items;
    Reader r(cfg, name, items);
    j.report.where = cfg.section_where(name);
    const IniOptions* own = cfg.own_options(name);

    auto enabled = r.get("enabled");
    j.enabled = enabled && as_bool(*enabled);

    auto filter = r.get("filter");
    if (!filter || filter->empty()) {
        items.push_back({ItemKind::error, "no filter: the jail sets none and [DEFAULT] neither", r.where("filter")});
        j.failed = true;
    } else if (auto ref = parse_filter_reference(*filter)) {
        j.filter = ref->first;
        j.filter_args = ref->second;
        if (r.own("filter"))
            items.push_back({ItemKind::converted, "filter = " + *filter, r.where("filter")});
    } else {
        items.push_back({ItemKind::error, "filter = " + *filter + ": not NAME or NAME[key=value, ...]", r.where("filter")});
        j.failed = true;
    }
    // A jail may set the filter's options itself; fail2ban lets them replace the filter's.
    for (const char* key : {"failregex", "ignoreregex", "prefregex", "maxlines", "datepattern"}) {
        if (!r.own(key)) continue;
        if (auto v = r.get(key)) {
            j.filter_args[key] = *v;
            items.push_back({ItemKind::changed, std::string(key) + " set in the jail: it replaces the filter's, in a filter "
                                                                   "written for this jail", r.where(key)});
        }
    }
    if (r.set("journalmatch")) {
        if (auto v = r.get("journalmatch")) {
            TranslatedJournalMatch jm = translate_journalmatch(*v);
            if (!jm.error.empty()) {
                items.push_back({ItemKind::error, jm.error, r.where("journalmatch")});
                j.failed = true;
            } else {
                j.journal_match = jm.groups;
                j.has_journal_match = true;
                items.push_back({ItemKind::converted, "journalmatch = " + one_line(*v) + " -> journal-match = " +
                                                          journal_match_text(jm.groups), r.where("journalmatch")});
                for (const auto& w : jm.warnings) items.push_back({ItemKind::warning, w, r.where("journalmatch")});
            }
        }
    }

    // Each banjo key: written when the jail sets it or when it differs from [defaults].
    auto settle = [&](const std::string& banjo_key, bool own_key, auto translate) {
        Translation v = translate(own_key);
        if (!v) return;
        auto d = defaults.settings.values.find(banjo_key);
        if (own_key || d == defaults.settings.values.end() || d->second != *v) j.settings.values[banjo_key] = *v;
    };
    settle("maxretry", r.own("maxretry"), [&](bool rep) { return r.set("maxretry") ? maxretry(r, rep) : std::nullopt; });
    settle("findtime", r.own("findtime"), [&](bool rep) { return r.set("findtime") ? span(r, "findtime", "findtime", false, rep) : std::nullopt; });
    settle("bantime", r.own("bantime"), [&](bool rep) { return r.set("bantime") ? span(r, "bantime", "bantime", true, rep) : std::nullopt; });
    settle("ignore", r.own("ignoreip"), [&](bool rep) { return r.set("ignoreip") ? ignore(r, rep) : std::nullopt; });
    settle("ignore-self", r.own("ignoreself"), [&](bool rep) { return r.set("ignoreself") ? ignore_self(r, rep) : std::nullopt; });
    settle("ignore-file", r.own("ignoreip"), [&](bool rep) { return r.set("ignoreip") ? ignore_file(r, rep) : std::nullopt; });
    // An empty ignorecommand is written only where it turns off the one of [DEFAULT].
    settle("ignore-command", r.own("ignorecommand"), [&](bool rep) -> Translation {
        auto v = r.set("ignorecommand") ? ignore_command(r, rep) : std::nullopt;
        if (v && *v == "[]" && !defaults.settings.values.count("ignore-command")) return std::nullopt;
        return v;
    });
    settle("ignore-command-cache", r.own("ignorecache"),
           [&](bool rep) { return r.set("ignorecache") ? ignore_cache(r, rep) : std::nullopt; });
    increment(r, j.settings.increment, false);

    // Ports: the jail's port list, unless its ban action blocks every port anyway.
    auto banaction = r.get("banaction", false).value_or("");
    auto port = r.get("port");
    if (banaction.find("allports") != std::string::npos) {
        if (r.own("banaction") || r.own("port"))
            items.push_back({ItemKind::changed, "banaction = " + banaction + " blocks every port: no ports written", r.where("banaction")});
    } else if (port) {
        std::vector<ReportItem> port_items;
        auto list = translate_ports(*port, r.get("protocol", false).value_or("tcp"), ports, port_items, r.where("port"));
        if (r.own("port") || r.own("protocol")) {
            items.insert(items.end(), port_items.begin(), port_items.end());
            items.push_back({ItemKind::converted, "port = " + one_line(*port) + " -> " +
                                                      (list.empty() ? std::string("every port (no ports)") : "ports = " + toml_inline_list(list)),
                             r.where("port")});
        }
        if (!list.empty()) j.settings.values["ports"] = toml_inline_list(list);
    }
    if (own) report_skipped(r, *own, false);
    return j;
}

std::string jail_toml(const JailConversion& j, const std::string& banjo_filter, const std::string& mode, bool enabled) {
    std::string t = "# Converted from fail2ban's jail " + j.report.name + " by banjoctl import-fail2ban.\n";
    std::string table = "jail." + toml_key(j.report.name);
    t += "[" + table + "]\n";
    t += std::string("enabled = ") + (enabled ? "true" : "false") + "\n";
    t += "filter = " + toml_string(banjo_filter) + "\n";
    if (!mode.empty()) t += "mode = " + toml_string(mode) + "\n";
    if (j.has_journal_match) {
        t += "journal-match = [";
        for (std::size_t g = 0; g < j.journal_match.size(); ++g) t += (g ? ", " : "") + toml_inline_list(j.journal_match[g]);
        t += "]\n";
    }
    for (const char* key : {"maxretry", "findtime", "bantime", "ignore", "ignore-self", "ignore-file", "ignore-command",
                            "ignore-command-cache", "ports"})
        if (auto it = j.settings.values.find(key); it != j.settings.values.end()) t += std::string(key) + " = " + it->second + "\n";
    if (!j.settings.increment.empty()) {
        t += "\n[" + table + ".increment]\n";
        for (const char* key : {"enabled", "factor", "multipliers", "max", "rnd", "overall-jails"})
            if (auto it = j.settings.increment.find(key); it != j.settings.increment.end())
                t += std::string(key) + " = " + it->second + "\n";
    }
    return t;
}

}  // namespace banjo
