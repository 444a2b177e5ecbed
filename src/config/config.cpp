// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/config.hpp"

#include "config/blocklist_config.hpp"
#include "config/filter_file.hpp"
#include "config/system_services.hpp"
#include "config/toml_source.hpp"
#include "core/ignore_entry.hpp"
#include "core/input_excerpt.hpp"
#include "fleet/fleet_config.hpp"
#include "logfile/date_pattern.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

namespace banjo {

std::size_t read_byte_size(const TomlSource& src, const toml::table& t, std::string_view key) {
    const toml::node& n = *t.get(key);
    const std::string usage = "'" + std::string(key) + "' must be a size in bytes like 4194304 or \"4M\" (at most 1G)";
    std::int64_t bytes = -1;
    if (n.is_integer()) {
        bytes = *n.value<std::int64_t>();
    } else if (n.is_string()) {
        const std::string text = *n.value<std::string>();
        std::size_t used = 0;
        long long number = -1;
        try {
            number = std::stoll(text, &used);
        } catch (const std::exception&) {
            src.fail(n, usage);
        }
        const std::string unit = text.substr(used);
        const std::int64_t scale = unit.empty() ? 1 : unit == "K" ? 1 << 10 : unit == "M" ? 1 << 20 : unit == "G" ? 1 << 30 : -1;
        if (scale < 0 || number < 0 || number > (1LL << 30)) src.fail(n, usage);
        bytes = number * scale;
    }
    if (bytes < 0 || bytes > (1LL << 30)) src.fail(n, usage);
    return static_cast<std::size_t>(bytes);
}

namespace {

namespace fs = std::filesystem;

// One [jail.NAME] table as written in one file. A jail's settings are the defaults overlaid
// with its layers in file order, key by key.
struct Layer {
    const TomlSource* source;
    const toml::table* table;
};

struct Defaults {
    Usec bantime = std::chrono::duration_cast<Usec>(std::chrono::minutes(10));
    Usec findtime = std::chrono::duration_cast<Usec>(std::chrono::minutes(10));
    unsigned maxretry = 5;
    CidrSet ignore;
    std::vector<std::string> ignore_hosts;
    std::string ignore_file;
    std::vector<std::string> ignore_command;
    Usec ignore_command_cache = std::chrono::duration_cast<Usec>(std::chrono::minutes(5));
    Usec ignore_command_timeout = std::chrono::duration_cast<Usec>(std::chrono::seconds(10));
    bool ignore_self = true;
    IncrementPolicy increment;
    Usec history_age = default_history_age;
    BlockAction block = BlockAction::drop;
    bool cut_connections = true;
    std::uint8_t ipv4_prefix = 32;
    std::uint8_t ipv6_prefix = 128;
    std::size_t max_lines = default_max_lines;
    std::size_t lines_memory = default_lines_memory_bytes;
    std::size_t history_max_entries = default_history_max_entries;
    std::size_t history_memory = default_history_memory_bytes;
    std::vector<std::string> actions;
    std::size_t action_concurrency = default_action_concurrency;
    std::size_t action_queue = default_action_queue;
};

std::size_t read_max_lines(const TomlSource& src, const toml::table& t) {
    auto v = src.get_integer(t, "max-lines");
    if (*v < 0 || *v > 100) src.fail(*t.get("max-lines"), "'max-lines' must be between 0 and 100");
    return static_cast<std::size_t>(*v);
}

// A size in bytes: an integer, or a string with a K, M or G suffix (powers of 1024).
const toml::node& node_of(const Layer& l, std::string_view key) { return *l.table->get(key); }

unsigned read_maxretry(const TomlSource& src, const toml::table& t) {
    auto v = src.get_integer(t, "maxretry");
    if (*v < 1 || *v > 1'000'000) src.fail(*t.get("maxretry"), "'maxretry' must be between 1 and 1000000");
    return static_cast<unsigned>(*v);
}

Usec read_positive_span(const TomlSource& src, const toml::table& t, std::string_view key) {
    Usec v = *src.get_timespan(t, key);
    if (v <= Usec(0)) src.fail(*t.get(key), "'" + std::string(key) + "' must be longer than 0");
    return v;
}

// Addresses and networks go to the set; host names to `hosts`, resolved later by the daemon.
void read_ignore(const TomlSource& src, const toml::table& t, CidrSet& set, std::vector<std::string>& hosts) {
    set = CidrSet();
    hosts.clear();
    const std::vector<std::string> entries = *src.get_strings(t, "ignore");
    for (const auto& text : entries) {
        auto entry = parse_ignore_entry(text);
        if (!entry)
            src.fail(*t.get("ignore"), "'ignore': \"" + input_excerpt(text) + "\" is not an address, a CIDR or a host name");
        if (const auto* c = std::get_if<Cidr>(&*entry))
            set.insert(*c);
        else if (const auto& name = std::get<HostName>(*entry).name; std::find(hosts.begin(), hosts.end(), name) == hosts.end())
            hosts.push_back(name);
    }
}

std::string read_ignore_file(const TomlSource& src, const toml::table& t) {
    std::string path = *src.get_string(t, "ignore-file");
    if (path.empty()) return path;   // "" turns an inherited file off
    if (path[0] != '/') src.fail(*t.get("ignore-file"), "'ignore-file': \"" + input_excerpt(path) + "\" is not an absolute path");
    if (path.back() == '/') src.fail(*t.get("ignore-file"), "'ignore-file': \"" + input_excerpt(path) + "\" names a directory, not a file");
    return path;
}

// argv, no shell: the program by absolute path, so what runs does not depend on banjod's PATH.
std::vector<std::string> read_ignore_command(const TomlSource& src, const toml::table& t) {
    const toml::node& n = *t.get("ignore-command");
    if (n.is_string()) src.fail(n, "'ignore-command' must be a list like [\"/usr/local/bin/known-host\", \"{address}\"] (no shell)");
    std::vector<std::string> argv = *src.get_strings(t, "ignore-command");
    if (argv.empty()) return argv;   // [] turns an inherited command off
    if (argv[0].empty() || argv[0][0] != '/')
        src.fail(n, "'ignore-command': the program \"" + input_excerpt(argv[0]) + "\" must be an absolute path");
    if (argv.size() > 64) src.fail(n, "'ignore-command': at most 64 arguments");
    for (const auto& a : argv)
        if (a.find('\0') != std::string::npos) src.fail(n, "'ignore-command': an argument holds a NUL character");
    return argv;
}

Usec read_ignore_command_cache(const TomlSource& src, const toml::table& t) {
    Usec v = *src.get_timespan(t, "ignore-command-cache");
    if (v < Usec(0) || v == infinite_usec)
        src.fail(*t.get("ignore-command-cache"), "'ignore-command-cache' must be a finite time span (0: no cache)");
    return v;
}

// Beyond a few minutes a hung command would hold its decision (and the ban) that long.
Usec read_ignore_command_timeout(const TomlSource& src, const toml::table& t) {
    Usec v = *src.get_timespan(t, "ignore-command-timeout");
    if (v <= Usec(0) || v > std::chrono::duration_cast<Usec>(std::chrono::minutes(10)))
        src.fail(*t.get("ignore-command-timeout"), "'ignore-command-timeout' must be longer than 0 and at most 10min");
    return v;
}

// Absolute paths, globs only in the file name: the follower watches each path's directory,
// which must therefore be a fixed one.
std::vector<std::string> read_logpath(const TomlSource& src, const toml::table& t) {
    const toml::node& n = *t.get("logpath");
    if (n.is_string()) src.fail(n, "'logpath' must be a list of paths, like [\"/var/log/nginx/error.log\"]");
    std::vector<std::string> paths = *src.get_strings(t, "logpath");
    for (const auto& p : paths) {
        if (p.empty() || p[0] != '/') src.fail(n, "'logpath': \"" + input_excerpt(p) + "\" is not an absolute path");
        const std::size_t slash = p.rfind('/');
        if (p.find_first_of("*?[", 0) < slash)
            src.fail(n, "'logpath': \"" + input_excerpt(p) + "\": wildcards are allowed in the file name only");
        if (slash + 1 == p.size()) src.fail(n, "'logpath': \"" + input_excerpt(p) + "\" names a directory, not a file");
    }
    return paths;
}

std::string read_datepattern(const TomlSource& src, const toml::table& t) {
    std::string text = *src.get_string(t, "datepattern");
    try {
        DatePattern check(text);
    } catch (const std::invalid_argument& e) {
        src.fail(*t.get("datepattern"), std::string("'datepattern': ") + e.what());
    }
    return text;
}

// A filter's journal-match names who may write its lines (_UID, _SYSTEMD_UNIT, _EXE: fields the
// journal sets itself). File lines carry no such proof: whoever can write to the file (any
// local user, through logger(1), for a file syslog writes) can write a line the filter takes.
void warn_file_jail(const JailConfig& jc, const SourceLocation& where, std::vector<ConfigWarning>& warnings) {
    if (jc.logpath.empty() || !jc.settings.enabled) return;
    std::string trusted;
    for (const auto& g : jc.filter.journal_match)
        for (const auto& term : g)
            if (term.starts_with("_") && trusted.find(term.substr(0, term.find('='))) == std::string::npos)
                trusted += (trusted.empty() ? "" : ", ") + term.substr(0, term.find('='));
    if (!jc.filter.id_field.empty() && jc.filter.id_field[0] == '_' && trusted.find(jc.filter.id_field) == std::string::npos)
        trusted += (trusted.empty() ? "" : ", ") + jc.filter.id_field;
    if (trusted.empty()) return;
    warnings.push_back({where, "jail '" + jc.settings.name + "' reads log files, but its filter '" + jc.filter.name +
                                   "' relies on the journal's trusted fields (" + trusted +
                                   "), which file lines do not have: whoever can write to those files (for a file "
                                   "syslog writes, any local user with logger(1)) can forge the lines it counts"});
}

std::vector<double> read_multipliers(const TomlSource& src, const toml::table& t) {
    const toml::node& n = *t.get("multipliers");
    const auto* list = n.as_array();
    if (!list || list->empty() || list->size() > 64)
        src.fail(n, "'multipliers' must be a list of 1 to 64 numbers like [1, 2, 4, 8]");
    std::vector<double> out;
    for (const auto& item : *list) {
        std::optional<double> v;
        if (auto i = item.as_integer()) v = static_cast<double>(i->get());
        else if (auto f = item.as_floating_point()) v = f->get();
        if (!v || !(*v > 0.0 && *v <= 1e9)) src.fail(item, "'multipliers' entries must be numbers above 0, at most 1000000000");
        out.push_back(*v);
    }
    return out;
}

// Key by key over what the jail inherited, so a jail can change one of [defaults.increment].
void read_increment(const TomlSource& src, const toml::table& parent, IncrementPolicy& inc) {
    const toml::table* t = src.get_table(parent, "increment");
    if (!t) return;
    src.require_known_keys(*t, {"enabled", "factor", "multipliers", "max", "rnd", "overall-jails"}, "[increment]");
    if (auto v = src.get_bool(*t, "enabled")) inc.enabled = *v;
    if (auto v = src.get_number(*t, "factor")) {
        if (!(*v >= 1.0 && *v <= 1000.0)) src.fail(*t->get("factor"), "'factor' must be between 1 and 1000");
        inc.factor = *v;
    }
    if (t->get("multipliers")) inc.multipliers = read_multipliers(src, *t);
    if (t->get("max")) inc.max = read_positive_span(src, *t, "max");
    if (t->get("rnd")) {
        inc.rnd = *src.get_timespan(*t, "rnd");
        if (inc.rnd < Usec(0) || inc.rnd == infinite_usec) src.fail(*t->get("rnd"), "'rnd' must be a finite time span");
    }
    if (auto v = src.get_bool(*t, "overall-jails")) inc.overall_jails = *v;
}

// ipv4-prefix, ipv6-prefix: at most a /8 or a /32, a registry's allocation; a wider network
// would ban bystanders by the million.
std::uint8_t read_prefix(const TomlSource& src, const toml::table& t, std::string_view key, int shortest, int longest) {
    auto v = src.get_integer(t, key);
    if (*v < shortest || *v > longest)
        src.fail(*t.get(key), "'" + std::string(key) + "' must be between " + std::to_string(shortest) + " and " +
                                  std::to_string(longest));
    return static_cast<std::uint8_t>(*v);
}

void read_prefixes(const TomlSource& src, const toml::table& t, std::uint8_t& ipv4, std::uint8_t& ipv6) {
    if (t.get("ipv4-prefix")) ipv4 = read_prefix(src, t, "ipv4-prefix", 8, 32);
    if (t.get("ipv6-prefix")) ipv6 = read_prefix(src, t, "ipv6-prefix", 32, 128);
}

BlockAction read_block(const TomlSource& src, const toml::table& t) {
    const std::string text = *src.get_string(t, "block");
    auto action = parse_block_action(text);
    if (!action) src.fail(*t.get("block"), "'block' must be \"drop\" or \"reject\", not \"" + input_excerpt(text) + "\"");
    return *action;
}

Defaults read_defaults(const TomlSource& src, std::string& backend, const std::vector<ActionSpec>& actions) {
    Defaults d;
    const toml::table* t = src.get_table(src.root(), "defaults");
    if (!t) return d;
    src.require_known_keys(*t, {"bantime", "findtime", "maxretry", "ignore", "ignore-self", "backend", "increment", "block",
                                "cut-connections", "history-age", "history-max-entries", "history-memory", "ignore-file",
                                "ignore-command", "ignore-command-cache", "ignore-command-timeout", "ipv4-prefix", "ipv6-prefix",
                                "max-lines", "lines-memory", "actions", "action-concurrency",
                                "action-queue"},
                           "[defaults]");
    if (t->get("bantime")) d.bantime = read_positive_span(src, *t, "bantime");
    if (t->get("findtime")) d.findtime = read_positive_span(src, *t, "findtime");
    if (t->get("maxretry")) d.maxretry = read_maxretry(src, *t);
    if (t->get("ignore")) read_ignore(src, *t, d.ignore, d.ignore_hosts);
    if (t->get("ignore-file")) d.ignore_file = read_ignore_file(src, *t);
    if (t->get("ignore-command")) d.ignore_command = read_ignore_command(src, *t);
    if (t->get("ignore-command-cache")) d.ignore_command_cache = read_ignore_command_cache(src, *t);
    if (t->get("ignore-command-timeout")) d.ignore_command_timeout = read_ignore_command_timeout(src, *t);
    if (auto v = src.get_bool(*t, "ignore-self")) d.ignore_self = *v;
    if (t->get("block")) d.block = read_block(src, *t);
    if (auto v = src.get_bool(*t, "cut-connections")) d.cut_connections = *v;
    read_prefixes(src, *t, d.ipv4_prefix, d.ipv6_prefix);
    if (auto v = src.get_string(*t, "backend")) {
        if (*v != "firewalld" && *v != "nftables" && *v != "dry-run")
            src.fail(*t->get("backend"),
                     "'backend' must be \"firewalld\", \"nftables\" or \"dry-run\", not \"" + input_excerpt(*v) + "\"");
        backend = *v;
    }
    read_increment(src, *t, d.increment);
    if (t->get("history-age")) d.history_age = read_positive_span(src, *t, "history-age");
    if (auto v = src.get_integer(*t, "history-max-entries")) {
        if (*v < 1 || *v > 10'000'000) src.fail(*t->get("history-max-entries"), "'history-max-entries' must be between 1 and 10000000");
        d.history_max_entries = static_cast<std::size_t>(*v);
    }
    if (t->get("history-memory")) {
        d.history_memory = read_byte_size(src, *t, "history-memory");
        if (d.history_memory < 4096) src.fail(*t->get("history-memory"), "'history-memory' must be at least 4096 bytes");
    }
    if (t->get("max-lines")) d.max_lines = read_max_lines(src, *t);
    if (t->get("lines-memory")) d.lines_memory = read_byte_size(src, *t, "lines-memory");
    if (t->get("actions")) d.actions = read_action_names(src, *t, actions);
    if (auto v = src.get_integer(*t, "action-concurrency")) {
        if (*v < 1 || *v > 64) src.fail(*t->get("action-concurrency"), "'action-concurrency' must be between 1 and 64");
        d.action_concurrency = static_cast<std::size_t>(*v);
    }
    if (auto v = src.get_integer(*t, "action-queue")) {
        if (*v < 0 || *v > 100000) src.fail(*t->get("action-queue"), "'action-queue' must be between 0 and 100000");
        d.action_queue = static_cast<std::size_t>(*v);
    }
    return d;
}

bool is_zone_name(const std::string& text) {
    static const std::regex zone_name("[A-Za-z0-9_-]{1,17}");
    return std::regex_match(text, zone_name);
}

std::vector<std::string> read_zones(const TomlSource& src, const toml::table& t, std::string_view key) {
    std::vector<std::string> zones;
    std::vector<std::string> written = *src.get_strings(t, key);
    for (auto& zone : written) {
        if (!is_zone_name(zone))
            src.fail(*t.get(key), "'" + std::string(key) + "': \"" + input_excerpt(zone) + "\" is not a firewalld zone name");
        if (std::find(zones.begin(), zones.end(), zone) == zones.end()) zones.push_back(std::move(zone));
    }
    return zones;
}

FirewalldSettings read_firewalld(const TomlSource& src) {
    FirewalldSettings f;
    const toml::table* t = src.get_table(src.root(), "firewalld");
    if (!t) return f;
    src.require_known_keys(*t, {"zone", "allow-reload", "rule-zones", "trusted-zones", "forward-guard"}, "[firewalld]");
    if (auto v = src.get_string(*t, "zone")) {
        if (!is_zone_name(*v)) src.fail(*t->get("zone"), "'zone': \"" + input_excerpt(*v) + "\" is not a firewalld zone name");
        f.zone = *v;
    }
    if (auto v = src.get_bool(*t, "allow-reload")) f.allow_reload = *v;
    if (auto v = src.get_bool(*t, "forward-guard")) f.forward_guard = *v;
    if (t->get("rule-zones")) {
        f.rule_zones = read_zones(src, *t, "rule-zones");
        if (f.rule_zones.empty()) src.fail(*t->get("rule-zones"), "'rule-zones' must name at least one zone (leave it out for every active zone)");
    }
    if (t->get("trusted-zones")) f.trusted_zones = read_zones(src, *t, "trusted-zones");
    return f;
}

void check_jail_name(const TomlSource& src, const toml::key& key) {
    // The name becomes part of firewalld ipset names ("banjo-NAME4") and a D-Bus object path:
    // keep it short and plain.
    static const std::regex jail_name("[A-Za-z0-9][A-Za-z0-9_-]{0,23}");
    if (!std::regex_match(std::string(key.str()), jail_name))
        throw ConfigError({src.path(), static_cast<int>(key.source().begin.line)},
                          "jail name '" + input_excerpt(key.str()) +
                              "' must be 1-24 letters, digits, '-' or '_', starting with a letter or digit");
}

}  // namespace

// Each entry checked as firewalld will check it and resolved to what the rich rule says, so a
// port firewalld would refuse is an error here, at its own line, and never a degraded backend.
std::vector<std::string> read_ports(const TomlSource& src, const toml::table& t, const ServiceCatalog& services) {
    const toml::node& n = *t.get("ports");
    std::vector<const toml::node*> items;
    if (n.is_string()) {
        items.push_back(&n);
    } else if (n.is_array()) {
        for (const auto& item : *n.as_array()) items.push_back(&item);
    } else {
        src.fail(n, "'ports' must be a list of strings like [\"ssh\", \"8080/tcp\"]");
    }
    std::vector<std::string> ports;
    for (const toml::node* item : items) {
        if (!item->is_string()) src.fail(*item, "'ports' entries must be strings");
        PortResolution r = resolve_port(item->as_string()->get(), services);
        if (!r.error.empty()) src.fail(*item, "'ports': " + r.error);
        for (auto& p : r.ports)
            if (std::find(ports.begin(), ports.end(), p) == ports.end()) ports.push_back(std::move(p));
    }
    return ports;
}

namespace {

void check_journal_match(const TomlSource& src, const toml::node& n, const std::vector<std::vector<std::string>>& groups) {
    static const std::regex term("[A-Z0-9_]+=.*");
    for (const auto& g : groups)
        for (const auto& t : g)
            if (!std::regex_match(t, term)) src.fail(n, "'journal-match': \"" + input_excerpt(t) + "\" is not FIELD=value");
}

std::vector<std::vector<std::string>> read_journal_match(const TomlSource& src, const toml::table& t) {
    const toml::node* n = t.get("journal-match");
    std::vector<std::vector<std::string>> groups;
    if (!n->is_array()) src.fail(*n, "'journal-match' must be a list of groups like [[\"_SYSTEMD_UNIT=ssh.service\"]]");
    for (const auto& g : *n->as_array()) {
        std::vector<std::string> terms;
        if (g.is_string()) {
            terms.push_back(g.as_string()->get());
        } else if (g.is_array()) {
            for (const auto& s : *g.as_array()) {
                if (!s.is_string()) src.fail(s, "'journal-match' terms must be strings");
                terms.push_back(s.as_string()->get());
            }
        } else {
            src.fail(g, "'journal-match' groups must be lists of \"FIELD=value\" strings");
        }
        groups.push_back(std::move(terms));
    }
    check_journal_match(src, *n, groups);
    return groups;
}

// Puts this host's uids into the jail's journal-match and its filter's, and records what in
// the effective one others than the daemon could satisfy (every jail: the filter is there to
// be enabled) or can never match (enabled jails: a disabled jail for a daemon this host lacks
// is the shipped normal case).
void check_journal_matches(JailConfig& jc, const SourceLocation& jail_match_where, const UserLookup& users,
                           std::vector<ConfigWarning>& warnings) {
    JailSettings& s = jc.settings;
    const bool own = !s.journal_match.empty();
    ResolvedJournalMatch filter_match = resolve_journal_users(jc.filter.journal_match, users);
    jc.filter.journal_match = std::move(filter_match.groups);
    ResolvedJournalMatch jail_match = resolve_journal_users(s.journal_match, users);
    s.journal_match = std::move(jail_match.groups);

    // A jail that reads only files takes nothing from the journal: its matches say nothing.
    if (!reads_journal(jc)) return;
    const SourceLocation& where = own ? jail_match_where : jc.filter.journal_match_where;
    const std::string who = own ? "jail '" + s.name + "': " : "filter '" + jc.filter.name + "': ";
    for (const auto& m : forgeable_groups(effective_journal_match(jc))) warnings.push_back({where, who + m});
    if (s.enabled)
        for (const auto& m : (own ? jail_match : filter_match).dead_groups)
            warnings.push_back({where, "jail '" + s.name + "': " + m});
}

// Resolves one jail from its layers: later layers win, key by key.
JailConfig build_jail(const std::string& name, const std::vector<Layer>& layers, const Defaults& d,
                      const std::vector<std::string>& filter_dirs, const ServiceCatalog& services,
                      const UserLookup& users, std::vector<ConfigWarning>& warnings,
                      const std::vector<ActionSpec>& actions) {
    JailConfig jc;
    JailSettings& s = jc.settings;
    s.name = name;
    s.filter = name;
    s.findtime = d.findtime;
    s.maxretry = d.maxretry;
    s.ban.bantime = d.bantime;
    s.ban.increment = d.increment;
    s.ignore = d.ignore;
    s.ignore_hosts = d.ignore_hosts;
    s.ignore_file = d.ignore_file;
    s.ignore_command = d.ignore_command;
    s.ignore_command_cache = d.ignore_command_cache;
    s.ignore_command_timeout = d.ignore_command_timeout;
    s.ignore_self = d.ignore_self;
    s.history_max_entries = d.history_max_entries;
    s.history_memory = d.history_memory;
    s.block = d.block;
    s.cut_connections = d.cut_connections;
    s.ipv4_prefix = d.ipv4_prefix;
    s.ipv6_prefix = d.ipv6_prefix;
    s.max_lines = d.max_lines;
    s.actions = d.actions;
    jc.where = layers.front().source->where(*layers.front().table);
    Layer filter_layer = layers.front();
    Layer mode_layer = layers.front();
    SourceLocation jail_match_where = jc.where;
    SourceLocation logpath_where = jc.where;
    for (const Layer& l : layers) {
        const TomlSource& src = *l.source;
        const toml::table& t = *l.table;
        src.require_known_keys(t, {"enabled", "filter", "mode", "journal-match", "maxretry", "findtime", "bantime",
                                   "ignore", "ignore-self", "ports", "increment", "rule-zones", "block", "cut-connections",
                                   "logpath", "datepattern", "observe", "ignore-file", "ignore-command",
                                   "ignore-command-cache", "ignore-command-timeout", "ipv4-prefix", "ipv6-prefix", "max-lines", "actions", "fleet"},
                               "[jail." + name + "]");
        if (auto v = src.get_bool(t, "enabled")) s.enabled = *v;
        if (auto v = src.get_string(t, "filter")) {
            s.filter = *v;
            filter_layer = l;
        }
        if (auto v = src.get_string(t, "mode")) {
            s.mode = *v;
            mode_layer = l;
        }
        if (t.get("journal-match")) {
            s.journal_match = read_journal_match(src, t);
            jail_match_where = src.where(*t.get("journal-match"));
        }
        if (t.get("maxretry")) s.maxretry = read_maxretry(src, t);
        if (t.get("findtime")) s.findtime = read_positive_span(src, t, "findtime");
        if (t.get("bantime")) s.ban.bantime = read_positive_span(src, t, "bantime");
        if (t.get("ignore")) read_ignore(src, t, s.ignore, s.ignore_hosts);
        if (t.get("ignore-file")) s.ignore_file = read_ignore_file(src, t);
        if (t.get("ignore-command")) s.ignore_command = read_ignore_command(src, t);
        if (t.get("ignore-command-cache")) s.ignore_command_cache = read_ignore_command_cache(src, t);
        if (t.get("ignore-command-timeout")) s.ignore_command_timeout = read_ignore_command_timeout(src, t);
        if (auto v = src.get_bool(t, "ignore-self")) s.ignore_self = *v;
        if (auto v = src.get_bool(t, "observe")) s.observe = *v;
        if (t.get("max-lines")) s.max_lines = read_max_lines(src, t);
        if (t.get("actions")) s.actions = read_action_names(src, t, actions);
        if (t.get("ports")) s.ports = read_ports(src, t, services);
        if (t.get("logpath")) {
            jc.logpath = read_logpath(src, t);
            logpath_where = src.where(*t.get("logpath"));
        }
        if (t.get("datepattern")) jc.datepattern = read_datepattern(src, t);
        if (t.get("fleet")) {
            jc.fleet = read_jail_fleet_mode(src, t);
            jc.fleet_where = src.where(*t.get("fleet"));
        }
        if (t.get("block")) s.block = read_block(src, t);
        if (auto v = src.get_bool(t, "cut-connections")) s.cut_connections = *v;
        read_prefixes(src, t, s.ipv4_prefix, s.ipv6_prefix);
        if (t.get("rule-zones")) {
            s.rule_zones = read_zones(src, t, "rule-zones");
            if (s.rule_zones.empty()) src.fail(*t.get("rule-zones"), "'rule-zones' must name at least one zone (leave it out for [firewalld] rule-zones)");
        }
        read_increment(src, t, s.ban.increment);
    }
    const TomlSource& fsrc = *filter_layer.source;
    const toml::node& fnode = filter_layer.table->get("filter") ? node_of(filter_layer, "filter") : *filter_layer.table;
    static const std::regex filter_name("[A-Za-z0-9][A-Za-z0-9_.-]*");
    if (!std::regex_match(s.filter, filter_name)) fsrc.fail(fnode, "'filter': \"" + input_excerpt(s.filter) + "\" is not a filter name");
    auto file = find_filter_file(s.filter, filter_dirs);
    if (!file) {
        std::string dirs;
        for (const auto& dir : filter_dirs) dirs += (dirs.empty() ? "" : ", ") + dir;
        fsrc.fail(fnode, "jail '" + name + "': no filter '" + input_excerpt(s.filter) + "' (looked for " +
                             input_excerpt(s.filter + ".toml") + " in " + dirs + ")");
    }
    jc.filter = load_filter_file(*file);
    if (s.mode.empty()) {
        s.mode = jc.filter.default_mode;
    } else if (!jc.filter.modes.count(s.mode)) {
        std::string known;
        for (const auto& [m, spec] : jc.filter.modes) known += (known.empty() ? "" : ", ") + m;
        mode_layer.source->fail(node_of(mode_layer, "mode"), "jail '" + name + "': filter '" + s.filter +
                                                                 "' has no mode '" + input_excerpt(s.mode) + "' (modes: " +
                                                                 (known.empty() ? "none" : known) + ")");
    }
    // Compiling here makes a bad pattern a config error at load time, naming the filter's line.
    jc.compiled_filter = std::make_shared<const Filter>(Filter::compile(jc.filter, s.mode));
    check_journal_matches(jc, jail_match_where, users, warnings);
    warn_file_jail(jc, logpath_where, warnings);
    return jc;
}

std::vector<std::string> drop_in_files(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".toml" && e.path().filename().string()[0] != '.') out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

std::string jail_fingerprint(const JailConfig& jail) {
    const JailSettings& s = jail.settings;
    std::string f;
    // Fields end with '\x1f', lists with '\x1e': pattern text cannot fake a boundary that way.
    auto add = [&](const std::string& text) { f += text + '\x1f'; };
    auto add_list = [&](const std::vector<std::string>& list) {
        for (const auto& item : list) add(item);
        f += '\x1e';
    };
    auto add_patterns = [&](const std::vector<Pattern>& list) {
        for (const auto& p : list) add(p.text);
        f += '\x1e';
    };
    add(s.name);
    add(s.enabled ? "on" : "off");
    add(s.filter);
    add(s.mode);
    for (const auto& g : effective_journal_match(jail)) add_list(g);
    f += '\x1e';
    add(std::to_string(s.maxretry));
    add(std::to_string(s.findtime.count()));
    add(std::to_string(s.ban.bantime.count()));
    add(s.ban.increment.enabled ? "inc" : "noinc");
    add(std::to_string(s.ban.increment.factor));
    add(std::to_string(s.ban.increment.max.count()));
    for (double m : s.ban.increment.multipliers) add(std::to_string(m));
    f += '\x1e';
    add(std::to_string(s.ban.increment.rnd.count()));
    add(s.ban.increment.overall_jails ? "overall" : "own");
    for (const auto& c : s.ignore.entries()) add(c.to_string());
    f += '\x1e';
    add_list(s.ignore_hosts);
    add(s.ignore_file);
    add_list(s.ignore_command);
    add(std::to_string(s.ignore_command_cache.count()));
    add(std::to_string(s.ignore_command_timeout.count()));
    add(s.ignore_self ? "self" : "noself");
    add(std::to_string(s.ipv4_prefix) + "/" + std::to_string(s.ipv6_prefix));
    add(s.observe ? "observe" : "act");
    add(std::to_string(s.max_lines));
    add_list(s.ports);
    const FilterSpec& fs = jail.filter;
    add(fs.prefregex ? fs.prefregex->text : "");
    add_patterns(fs.failregex);
    add_patterns(fs.ignoreregex);
    for (const auto& [name, mode] : fs.modes) {
        add(name);
        add_patterns(mode.failregex);
        add_patterns(mode.ignoreregex);
        add_list(mode.include);
    }
    add(fs.default_mode);
    add(fs.id_field);
    add_list(jail.logpath);
    add(jail.datepattern);
    return f;
}

const std::vector<std::vector<std::string>>& effective_journal_match(const JailConfig& jail) {
    return jail.settings.journal_match.empty() ? jail.filter.journal_match : jail.settings.journal_match;
}

bool reads_journal(const JailConfig& jail) { return jail.logpath.empty() || !jail.settings.journal_match.empty(); }

std::string ConfigWarning::text() const {
    return (where.file.empty() ? "" : where.file + ":" + std::to_string(where.line) + ": ") + "warning: " + message;
}

std::vector<ConfigWarning> backend_warnings(const Config& cfg, const std::string& backend) {
    std::vector<ConfigWarning> warnings;
    // Zones are firewalld's: another backend blocks before every zone and would ignore them.
    if (backend == "firewalld") return warnings;
    if (!cfg.firewalld.rule_zones.empty())
        warnings.push_back({{cfg.path, 0}, "'rule-zones' in [firewalld] applies to the firewalld backend only; backend \"" +
                                               backend + "\" blocks in every zone"});
    for (const auto& j : cfg.jails)
        if (!j.settings.rule_zones.empty())
            warnings.push_back({j.where, "jail '" + j.settings.name + "': 'rule-zones' applies to the firewalld backend only; backend \"" +
                                             backend + "\" blocks in every zone"});
    return warnings;
}

Config load_config(const std::string& path, std::vector<std::string> filter_dirs_override, const UserLookup& users) {
    return load_config(path, SystemServiceCatalog(), std::move(filter_dirs_override), users);
}

Config load_config(const std::string& path, const ServiceCatalog& services, std::vector<std::string> filter_dirs_override,
                   const UserLookup& users) {
    Config cfg;
    cfg.path = path;
    const fs::path dir = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
    cfg.filter_dirs = filter_dirs_override.empty()
                          ? std::vector<std::string>{(dir / "filter.d").string(), shipped_filter_dir}
                          : std::move(filter_dirs_override);

    std::vector<TomlSource> sources;
    sources.push_back(TomlSource::parse_file(path));
    for (const auto& f : drop_in_files(dir / "jail.d")) sources.push_back(TomlSource::parse_file(f));

    const TomlSource& main = sources.front();
    main.require_known_keys(main.root(), {"defaults", "firewalld", "fleet", "jail", "action", "blocklist"}, "banjo.toml");
    cfg.actions = read_actions(main);
    Defaults defaults = read_defaults(main, cfg.backend, cfg.actions);
    cfg.action_concurrency = defaults.action_concurrency;
    cfg.action_queue = defaults.action_queue;
    cfg.history_age = defaults.history_age;
    cfg.lines_memory = defaults.lines_memory;
    cfg.firewalld = read_firewalld(main);
    cfg.blocklists = read_blocklists(main, services);
    cfg.default_ignore = defaults.ignore;
    cfg.default_ignore_hosts = defaults.ignore_hosts;
    cfg.default_ignore_file = defaults.ignore_file;
    cfg.default_ignore_self = defaults.ignore_self;
    if (!defaults.ignore_command.empty() && !cfg.blocklists.empty())
        cfg.warnings.push_back({cfg.blocklists.front().where,
                                "[defaults] ignore-command is not asked for blocklist entries (one program per entry of a "
                                "list); put addresses no list may ban in [defaults] ignore or ignore-file"});
    cfg.fleet = read_fleet(main);

    std::map<std::string, std::vector<Layer>> layers;
    for (const TomlSource& src : sources) {
        cfg.files.push_back(src.path());
        if (&src != &main) src.require_known_keys(src.root(), {"jail"}, "a jail.d file");
        const toml::table* jails = src.get_table(src.root(), "jail");
        if (!jails) continue;
        for (const auto& [key, node] : *jails) {
            check_jail_name(src, key);
            if (!node.is_table()) src.fail(node, "'jail." + std::string(key.str()) + "' must be a table");
            layers[std::string(key.str())].push_back({&src, node.as_table()});
        }
    }
    std::vector<ConfigWarning> warnings;
    for (const auto& [name, ls] : layers)
        cfg.jails.push_back(build_jail(name, ls, defaults, cfg.filter_dirs, services, users, warnings, cfg.actions));
    for (const auto& j : cfg.jails)
        if (j.fleet != FleetMode::off && !cfg.fleet.enabled)
            throw ConfigError(j.fleet_where, "jail '" + j.settings.name + "': 'fleet' = \"" + std::string(to_string(j.fleet)) +
                                                 "\" needs a [fleet] table in " + main.path() + " (where the fleet's Redis is)");
    for (auto& w : backend_warnings(cfg, cfg.backend)) warnings.push_back(std::move(w));
    // A filter used by several jails is reported once.
    std::set<std::string> seen;
    for (auto& w : warnings)
        if (seen.insert(w.text()).second) cfg.warnings.push_back(std::move(w));
    return cfg;
}

}  // namespace banjo
