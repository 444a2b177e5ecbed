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

// Only the web's two schemes: curl would take file://, ftp:// and more, which a list of
// addresses has no business reading.
bool valid_url(const std::string& url) {
    static const std::regex form("https?://[^/?#@\\s]+([/?#][^\\s]*)?", std::regex::icase);
    return url.size() <= 2048 && std::regex_match(url, form);
}

BlocklistConfig read_one(const TomlSource& src, const std::string& name, const toml::table& t,
                         const ServiceCatalog& services) {
    src.require_known_keys(t, {"enabled", "path", "url", "format", "interval", "ports", "timeout", "max-size"}, "[blocklist." + name + "]");
    BlocklistConfig b;
    b.name = name;
    b.where = src.where(t);
    if (auto v = src.get_bool(t, "enabled")) b.enabled = *v;
    if (auto v = src.get_string(t, "path")) {
        if (v->empty() || v->front() != '/') src.fail(*t.get("path"), "'path' must be an absolute file name");
        b.path = *v;
    }
    if (auto v = src.get_string(t, "url")) {
        if (!b.path.empty()) src.fail(*t.get("url"), "'url' and 'path' exclude each other: a blocklist has one source");
        if (!valid_url(*v))
            src.fail(*t.get("url"), "'url' must be an http:// or https:// URL with a host, not \"" + input_excerpt(*v) + "\"");
        b.url = *v;
    }
    if (b.path.empty() && b.url.empty())
        throw ConfigError(b.where, "blocklist '" + name + "' needs 'path' or 'url'");
    for (const char* key : {"timeout", "max-size"})
        if (b.url.empty() && t.get(key)) src.fail(*t.get(key), "'" + std::string(key) + "' applies to 'url' blocklists only");
    if (auto v = src.get_timespan(t, "timeout")) {
        if (*v < std::chrono::seconds(1) || *v > std::chrono::hours(1))
            src.fail(*t.get("timeout"), "'timeout' must be between 1s and 1h");
        b.timeout = *v;
    }
    if (t.get("max-size")) {
        b.max_bytes = read_byte_size(src, t, "max-size");
        if (b.max_bytes < 1024 || b.max_bytes > largest_blocklist_max_bytes)
            src.fail(*t.get("max-size"), "'max-size' must be between 1K and 256M");
    }
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
