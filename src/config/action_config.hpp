// SPDX-License-Identifier: GPL-2.0-or-later
// [action.NAME] tables: what banjod runs after a ban (or an unban) is in force. Four kinds:
// exec (an argv, never a shell), mail (the local MTA's sendmail -t), webhook (an HTTP POST of a
// JSON document) and abuseipdb (a webhook preset for AbuseIPDB's report API). Validated here
// in full, every error FILE:LINE: placeholders, paths, addresses, users.
#pragma once

#include "config/toml_source.hpp"
#include "core/config_error.hpp"
#include "core/duration.hpp"

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

enum class ActionKind { exec, mail, webhook, abuseipdb };
std::string_view to_string(ActionKind kind) noexcept;

inline constexpr const char* default_sendmail = "/usr/sbin/sendmail";
inline constexpr const char* abuseipdb_report_url = "https://api.abuseipdb.com/api/v2/report";
inline constexpr Usec default_action_timeout = std::chrono::duration_cast<Usec>(std::chrono::seconds(30));
inline constexpr unsigned default_action_retries = 3;
inline constexpr std::size_t default_action_concurrency = 4;
inline constexpr std::size_t default_action_queue = 1000;

struct ActionSpec {
    std::string name;
    ActionKind kind = ActionKind::exec;
    bool on_ban = true;
    bool on_unban = false;
    Usec timeout = default_action_timeout;   // per run (exec, mail) or per HTTP attempt
    // exec: argv[0] an absolute path; placeholders inside elements. user: run as (empty: banjod's).
    std::vector<std::string> argv;
    std::string user;
    std::optional<uid_t> uid;
    std::optional<gid_t> gid;
    // mail. whois: empty (none), "whois" (found on banjod's PATH when the mail is sent) or an
    // absolute path: a summary of its answer about the address goes into a ban's mail.
    std::string to, from, sendmail = default_sendmail, whois;
    // webhook and abuseipdb: url; body a JSON template (empty: the documented default);
    // secret_file (webhook) or key_file (abuseipdb): absolute, or a name under
    // $CREDENTIALS_DIRECTORY (systemd's LoadCredential=). Retries after a failed attempt.
    std::string url, body, secret_file;
    std::vector<unsigned> categories;   // abuseipdb
    unsigned retries = default_action_retries;
    SourceLocation where;
};

// Every [action.NAME] of `root` (banjo.toml), in name order. Throws ConfigError.
std::vector<ActionSpec> read_actions(const TomlSource& src);

// A jail's (or [defaults]') `actions` list, each checked against `known`. Throws ConfigError.
std::vector<std::string> read_action_names(const TomlSource& src, const toml::table& t,
                                           const std::vector<ActionSpec>& known);

}  // namespace banjo
