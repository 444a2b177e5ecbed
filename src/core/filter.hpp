// SPDX-License-Identifier: GPL-2.0-or-later
// A compiled filter: turns one journal MESSAGE into "a failure from this host", or nothing.
// Patterns are PCRE2, JIT-compiled once at load, written in fail2ban's dialect (<HOST>, <ADDR>,
// <IP4>, <IP6>, <CIDR>, <F-USER>..</F-USER>, <F-ID>..</F-ID>, <F-NOFAIL>, ...). Every pattern is
// anchored at both ends by the engine, so the host can only come from where the pattern puts it,
// never from text an attacker controls (a user name, a URL) that merely looks like an address.
// match() does not allocate and never throws; one Filter is used by one thread.
// A match describes one line; whether it counts, and against which host when the line names
// none, is the SessionTable's call (src/core/session_table.hpp).
#pragma once

#include "core/address.hpp"
#include "core/config_error.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

struct Pattern {
    std::string text;
    SourceLocation where;   // for error messages
};

// A mode adds patterns to the filter's common ones, as fail2ban's sshd modes do.
struct FilterModeSpec {
    std::vector<Pattern> failregex;
    std::vector<Pattern> ignoreregex;
    std::vector<std::string> include;   // other modes whose patterns this one also uses
};

// What a filter file says, before compilation (the config layer fills it).
struct FilterSpec {
    std::string name;
    std::string description;
    SourceLocation where;
    // journal-match: groups OR-ed; inside a group "FIELD=value" terms, AND across fields.
    std::vector<std::vector<std::string>> journal_match;
    SourceLocation journal_match_where;  // the journal-match key, for warnings about it
    // Must contain <F-CONTENT>..</F-CONTENT>; failregex and ignoreregex then see only that part.
    std::optional<Pattern> prefregex;
    std::vector<Pattern> failregex;
    // Anchored like failregex, so attacker text cannot trigger one by merely containing it.
    std::vector<Pattern> ignoreregex;
    std::map<std::string, FilterModeSpec> modes;
    std::string default_mode;            // used when the jail names none; "" = common patterns only
    std::string id_field;                // journal field used as session id when no <F-ID> (e.g. "_PID")
};

enum class MatchKind {
    failure,   // counts against the host
    info,      // <F-NOFAIL>: tells who the session's host is, counts nothing by itself
    forget,    // <F-NOFAIL> + <F-MLFFORGET>: as info, and the session is over: drop its id
};

// Views into the message passed to match(): valid until that message changes.
struct FilterMatch {
    MatchKind kind = MatchKind::failure;
    std::size_t pattern_index = 0;      // index into failregex_texts()
    std::string_view host;               // as captured: an address or a DNS name; may be empty
    std::optional<Address> address;      // host parsed as an address; nullopt for names
    std::string_view user;
    std::string_view id;                 // <F-ID> capture; empty when the pattern has none
    // <F-MLFFORGET> matched: forget the session after this line. Always set for kind == forget;
    // a failure can carry it too (a disconnect that is itself an attack).
    bool ends_session = false;
    // <F-MLFGAINED> matched (implies <F-NOFAIL>): the session logged in, which cancels failures
    // still waiting for its host.
    bool gained = false;
};

class Filter {
public:
    // Compiles the common patterns plus those of `mode` (and the modes it includes); mode ""
    // means spec.default_mode. Throws ConfigError at the offending pattern's location (bad
    // regex, unknown tag, prefregex without <F-CONTENT>, a failregex with no host tag in a
    // filter that has no session id to find the host by: no id-field and no <F-ID>), or at
    // spec.where for an unknown mode.
    static Filter compile(const FilterSpec& spec, const std::string& mode);
    // Compiles the common patterns and every mode, for --check-config. Throws as compile().
    static void check(const FilterSpec& spec);

    Filter(Filter&&) noexcept;
    Filter& operator=(Filter&&) noexcept;
    ~Filter();

    // nullopt: no failregex matched, or an ignoreregex did, or prefregex did not. The first
    // failregex that matches decides. Cost: one PCRE2 JIT match per pattern tried, no allocation.
    std::optional<FilterMatch> match(std::string_view message) const noexcept;

    const std::string& name() const noexcept;
    const std::string& mode() const noexcept;
    const std::string& id_field() const noexcept;
    // The effective failregex list, in pattern_index order (for test-filter's hit counts).
    const std::vector<std::string>& failregex_texts() const noexcept;

private:
    struct Impl;
    explicit Filter(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> impl_;
};

}  // namespace banjo
