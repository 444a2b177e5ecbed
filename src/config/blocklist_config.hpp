// SPDX-License-Identifier: GPL-2.0-or-later
// The [blocklist.NAME] tables of banjo.toml: lists of addresses and networks banned as they
// stand (a file re-read when it changes), in firewall sets of
// their own. Every error names FILE:LINE.
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

struct BlocklistConfig {
    std::string name;
    bool enabled = true;
    std::string path;   // absolute; re-read when it changes (inotify), and every interval
    std::string url;    // reserved: the config refuses 'url' until downloads are implemented
    BlocklistFormat format = BlocklistFormat::plain;
    // How often the file is read again besides its change events, which also confirms a
    // reading held back as cut short.
    Usec interval = default_blocklist_interval;
    std::vector<std::string> ports;   // as a jail's; empty: all traffic
    SourceLocation where;
    // Everything but where it was written.
    bool same_as(const BlocklistConfig& o) const {
        return name == o.name && enabled == o.enabled && path == o.path && url == o.url && format == o.format &&
               interval == o.interval && ports == o.ports;
    }
};

// Reads src's [blocklist] table (absent: none). Port names are checked through `services`.
std::vector<BlocklistConfig> read_blocklists(const TomlSource& src, const ServiceCatalog& services);

// Declared here, defined in config.cpp: a jail's `ports` key, shared with blocklists.
std::vector<std::string> read_ports(const TomlSource& src, const toml::table& t, const ServiceCatalog& services);

}  // namespace banjo
