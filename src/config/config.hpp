// SPDX-License-Identifier: GPL-2.0-or-later
// The whole configuration, read and validated in one go: banjo.toml, the jail.d/*.toml beside
// it (in name order, later files override earlier keys of the same jail), and every filter the
// jails name, found in filter.d/ beside the config, then in the shipped filter directory.
// Either a complete, consistent Config comes back or a ConfigError naming FILE:LINE: a reload
// never sees a half-read config.
#pragma once

#include "config/action_config.hpp"
#include "config/blocklist_config.hpp"
#include "config/journal_match.hpp"
#include "core/filter.hpp"
#include "core/jail.hpp"
#include "core/port_spec.hpp"
#include "fleet/fleet_settings.hpp"

#include <memory>
#include <string>
#include <vector>

namespace banjo {

inline constexpr const char* default_config_path = BANJO_SYSCONFDIR "/banjo.toml";
inline constexpr const char* shipped_filter_dir = BANJO_DATADIR "/filter.d";
// [defaults] history-age: how long an address not banned again is remembered as an offender.
inline constexpr Usec default_history_age = std::chrono::duration_cast<Usec>(std::chrono::days(30));

struct FirewalldSettings {
    std::string zone = "drop";
    bool allow_reload = false;   // may banjo reload firewalld itself to activate its ipsets?
    // Zones of port-limited jails' rich rules; empty: every zone with interfaces or sources at
    // runtime and the default zone, except trusted, drop, block and `zone`.
    std::vector<std::string> rule_zones;
    // Zones whose sources banjo never bans (firewalld's own allow-list).
    std::vector<std::string> trusted_zones = {"trusted"};
    // Bans also in a forward-only inet banjo table, for DNAT'd (published) ports firewalld
    // accepts before its zones (forward_guard_backend.hpp).
    bool forward_guard = false;
};

struct JailConfig {
    JailSettings settings;
    FilterSpec filter;           // the filter file the jail names, parsed
    // That filter compiled (JIT) for the jail's mode, once: loading checks it and the jail
    // then matches with it.
    std::shared_ptr<const Filter> compiled_filter;
    SourceLocation where;        // the [jail.NAME] table that declared it
    // Log files the jail reads (absolute paths; '*', '?' and [...] in the file name): for
    // services that do not log to the journal. A jail with logpath reads only these files unless
    // it sets its own journal-match too.
    std::vector<std::string> logpath;
    std::string datepattern;     // the files' time stamp form (logfile/date_pattern.hpp); "" = detect
    FleetMode fleet = FleetMode::off;   // its part in the [fleet]
    SourceLocation fleet_where;  // its `fleet` key (for the error when there is no [fleet])
};

// Something the config allows but an administrator should fix; printed by --check-config as
// "FILE:LINE: warning: message".
struct ConfigWarning {
    SourceLocation where;
    std::string message;
    std::string text() const;
};

struct Config {
    std::string path;                       // banjo.toml
    std::vector<std::string> files;         // every file read, in order
    std::string backend = "firewalld";      // "firewalld", "nftables" or "dry-run"
    FirewalldSettings firewalld;
    FleetSettings fleet;                    // [fleet]; disabled when absent
    Usec history_age = default_history_age;   // ban history and ban log are purged past it
    // [defaults] lines-memory: the bytes all jails' kept lines (max-lines) may take together.
    std::size_t lines_memory = default_lines_memory_bytes;
    // [action.NAME], in name order; a jail's settings.actions name them.
    std::vector<ActionSpec> actions;
    // [defaults] action-concurrency, action-queue: runs at once, and runs waiting at most.
    std::size_t action_concurrency = default_action_concurrency;
    std::size_t action_queue = default_action_queue;
    std::vector<JailConfig> jails;          // in name order
    std::vector<BlocklistConfig> blocklists;   // in name order
    // [defaults] ignore (addresses and networks; host names), ignore-file and ignore-self: what
    // blocklists leave out (jails have their own copy).
    CidrSet default_ignore;
    std::vector<std::string> default_ignore_hosts;
    std::string default_ignore_file;
    bool default_ignore_self = true;
    std::vector<std::string> filter_dirs;   // where filters were looked up, in order
    // Journal matches that others than the daemon can satisfy (any jail), and groups that can
    // never match because their user does not exist here (enabled jails). Each once.
    std::vector<ConfigWarning> warnings;
};

// `filter_dirs_override` replaces the default lookup (tests); empty = filter.d beside the config,
// then the shipped directory. A jail's ports are checked and resolved through `services` (the
// first form: this host's firewalld service definitions and /etc/services, read afresh). User
// names in _UID journal-match terms (filters' and jails') are resolved through `users` (see
// journal_match.hpp), so every journal-match in the Config is what the journal reader gets.
Config load_config(const std::string& path, std::vector<std::string> filter_dirs_override = {},
                   const UserLookup& users = host_user_id);
Config load_config(const std::string& path, const ServiceCatalog& services,
                   std::vector<std::string> filter_dirs_override = {}, const UserLookup& users = host_user_id);

// What the config sets that `backend` will not use (zones are firewalld's). load_config adds
// these for the config's own backend; --check-config --backend asks again for the one named.
std::vector<ConfigWarning> backend_warnings(const Config& config, const std::string& backend);

// A text that differs exactly when two jails would judge the journal differently (settings,
// filter patterns, modes): a reload keeps a jail whose fingerprint did not change, with its
// failure counts.
std::string jail_fingerprint(const JailConfig& jail);

// The journal-match a jail uses: its own if set, else its filter's.
const std::vector<std::vector<std::string>>& effective_journal_match(const JailConfig& jail);

// Whether the jail takes journal entries: not a jail with logpath and no journal-match of its own.
bool reads_journal(const JailConfig& jail);

}  // namespace banjo
