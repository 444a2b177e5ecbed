// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/blocklist_config.hpp"

#include "core/input_excerpt.hpp"

#include <regex>

namespace banjo {

namespace {

void check_name(const TomlSource& src, const toml::key& key) {
    // The name becomes part of firewall set names ("banjobl-NAME4", at most 32 characters).
    static const std::regex name("[A-Za-z0-9][A-Za-z0-9_-]{0,19}");
    if (!std::regex_match(std::string(key.str()), name))
        throw ConfigError({src.path(), static_cast<int>(key.source().begin.line)},
                          "blocklist name '" + input_excerpt(key.str()) +
                              "' must be 1-20 letters, digits, '-' or '_', starting with a letter or digit");
}

BlocklistConfig read_one(const TomlSource& src, const std::string& name, const toml::table& t,
                         const ServiceCatalog& services) {
    src.require_known_keys(t, {"enabled", "path", "url", "format", "interval", "ports"}, "[blocklist." + name + "]");
    BlocklistConfig b;
    b.name = name;
    b.where = src.where(t);
    if (auto v = src.get_bool(t, "enabled")) b.enabled = *v;
    if (auto v = src.get_string(t, "path")) {
        if (v->empty() || v->front() != '/') src.fail(*t.get("path"), "'path' must be an absolute file name");
        b.path = *v;
    }
    if (t.get("url"))
        // Refused by name rather than accepted and never fetched.
        src.fail(*t.get("url"), "'url' blocklists are not implemented in this build: fetch the list into a file "
                                "(curl -z FILE -o FILE URL from a timer) and name it with 'path'");
    if (b.path.empty())
        throw ConfigError(b.where, "blocklist '" + name + "' needs 'path'");
    if (auto v = src.get_string(t, "format")) {
        auto f = parse_blocklist_format(*v);
        if (!f)
            src.fail(*t.get("format"),
                     "'format' must be \"plain\", \"abuseipdb\" or \"misp\", not \"" + input_excerpt(*v) + "\"");
        b.format = *f;
    }
    if (auto v = src.get_timespan(t, "interval")) {
        if (*v < shortest_blocklist_interval || *v == infinite_usec)
            src.fail(*t.get("interval"), "'interval' must be at least 10s and finite");
        b.interval = *v;
    }
    if (t.get("ports")) b.ports = read_ports(src, t, services);
    return b;
}

}  // namespace

std::vector<BlocklistConfig> read_blocklists(const TomlSource& src, const ServiceCatalog& services) {
    std::vector<BlocklistConfig> out;
    const toml::table* lists = src.get_table(src.root(), "blocklist");
    if (!lists) return out;
    for (const auto& [key, node] : *lists) {
        check_name(src, key);
        const std::string name(key.str());
        if (!node.is_table()) src.fail(node, "'blocklist." + name + "' must be a table");
        out.push_back(read_one(src, name, *node.as_table(), services));
    }
    return out;
}

}  // namespace banjo
