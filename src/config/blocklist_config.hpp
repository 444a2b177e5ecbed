// SPDX-License-Identifier: GPL-2.0-or-later
// The [blocklist.NAME] tables of banjo.toml: lists of addresses and networks banned as they
// stand (a file re-read when it changes, or a document downloaded every interval), in firewall
// sets of their own. Every error names FILE:LINE.
#pragma once

#include "config/toml_source.hpp"
#include "core/blocklist_parser.hpp"
#include "core/duration.hpp"
#include "core/port_spec.hpp"

#include <string>
#include <vector>

namespace banjo {

inline constexpr Usec default_blocklist_interval = std::chrono::duration_cast<Usec>(std::chrono::hours(1));
inline constexpr Usec shortest_blocklist_interval = std::chrono::duration_cast<Usec>(std::chrono::seconds(10));
inline constexpr Usec default_blocklist_timeout = std::chrono::duration_cast<Usec>(std::chrono::seconds(60));
inline constexpr std::size_t default_blocklist_max_bytes = 64u << 20;
inline constexpr std::size_t largest_blocklist_max_bytes = 256u << 20;

struct BlocklistConfig {
    std::string name;
    bool enabled = true;
    std::string path;   // absolute; re-read when it changes (inotify), and every interval
    std::string url;    // http:// or https://; downloaded every interval (one of path and url)
    BlocklistFormat format = BlocklistFormat::plain;
    // How often the file is read again besides its change events, or the URL fetched (with a
    // conditional request); a later reading also confirms one held back as cut short.
    Usec interval = default_blocklist_interval;
    Usec timeout = default_blocklist_timeout;            // url: the whole download
    std::size_t max_bytes = default_blocklist_max_bytes;   // url: a larger download fails
    std::vector<std::string> ports;   // as a jail's; empty: all traffic
    SourceLocation where;
    // Everything but where it was written.
    bool same_as(const BlocklistConfig& o) const {
        return name == o.name && enabled == o.enabled && path == o.path && url == o.url && format == o.format &&
               interval == o.interval && timeout == o.timeout && max_bytes == o.max_bytes && ports == o.ports;
    }
};

// Reads src's [blocklist] table (absent: none). Port names are checked through `services`.
std::vector<BlocklistConfig> read_blocklists(const TomlSource& src, const ServiceCatalog& services);

// Declared here, defined in config.cpp: a jail's `ports` key, shared with blocklists, and a
// size in bytes ("64M").
std::vector<std::string> read_ports(const TomlSource& src, const toml::table& t, const ServiceCatalog& services);
std::size_t read_byte_size(const TomlSource& src, const toml::table& t, std::string_view key);

}  // namespace banjo
