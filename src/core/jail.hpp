// SPDX-License-Identifier: GPL-2.0-or-later
// A jail counts the failures of each address inside findtime and decides a ban when an address
// reaches maxretry. It knows nothing of journals, regexes or firewalls: failures come in with
// their journal timestamp, ban decisions go out. Everything an attacker can grow (the number of
// tracked addresses) is bounded. One thread.
#pragma once

#include "core/address.hpp"
#include "core/ban_history.hpp"
#include "core/ban_policy.hpp"
#include "core/block_action.hpp"
#include "core/cidr_set.hpp"
#include "core/duration.hpp"
#include "core/failure_window.hpp"
#include "core/flat_map.hpp"
#include "core/ignore_entry.hpp"
#include "core/matched_lines.hpp"
#include "core/overall_bans.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

inline constexpr std::size_t default_max_tracked_addresses = 200'000;

struct JailSettings {
    std::string name;
    bool enabled = true;
    std::string filter;
    std::string mode;
    std::vector<std::vector<std::string>> journal_match;   // empty: the filter's own
    unsigned maxretry = 5;
    Usec findtime = std::chrono::duration_cast<Usec>(std::chrono::minutes(10));
    BanPolicy ban;
    CidrSet ignore;
    bool ignore_self = true;
    // Host names of `ignore` (resolved by the daemon), the ignore-file, and the ignore-command
    // (argv; "{address}" in an element becomes the address) with how long its answers count.
    std::vector<std::string> ignore_hosts;
    std::string ignore_file;
    std::vector<std::string> ignore_command;
    Usec ignore_command_cache = std::chrono::duration_cast<Usec>(std::chrono::minutes(5));
    Usec ignore_command_timeout = std::chrono::duration_cast<Usec>(std::chrono::seconds(10));   // then killed: "failed"
    std::vector<std::string> ports;   // empty: every port
    // Observe only: the jail decides, logs and signals its bans, and bans nothing, so a new
    // jail can run beside the old tool before it is trusted.
    bool observe = false;
    BlockAction block = BlockAction::drop;
    // firewalld zones of the jail's rich rules; empty: [firewalld] rule-zones, else automatic.
    std::vector<std::string> rule_zones;
    bool cut_connections = true;      // delete the address's conntrack entries after each ban
    // Failures are counted and bans made per network of this length (ipv4-prefix,
    // ipv6-prefix): an attacker who rotates addresses inside its /64 is one attacker. The
    // family's full length counts each address alone.
    std::uint8_t ipv4_prefix = 32;
    std::uint8_t ipv6_prefix = 128;
    std::size_t max_tracked = default_max_tracked_addresses;
    // Bounds of the ban history ([defaults] history-max-entries, history-memory; per jail).
    std::size_t history_max_entries = default_history_max_entries;
    std::size_t history_memory = default_history_memory_bytes;
    // The matched lines kept per tracked address and handed on with its ban (max-lines).
    std::size_t max_lines = default_max_lines;
    // The [action.NAME]s run after each ban (and unban) of the jail, in order.
    std::vector<std::string> actions = {};
    // Seed of the per-address hash tables: chosen at random by the daemon, so that an attacker
    // who controls many addresses (an IPv6 /64) cannot aim them all at one bucket.
    std::uint64_t hash_seed = 0;
    // Seed of the draws for the increment's rnd: random in the daemon, fixed for --replay.
    std::uint64_t random_seed = 0;
};

struct BanDecision {
    Cidr address;       // the address, or its network with ipv4-prefix/ipv6-prefix
    Usec time{};        // the failure that tripped it (journal time)
    unsigned failures = 0;
    Usec bantime{};     // infinite_usec: permanent
    unsigned previous_bans = 0;   // the increment's n (in every jail with overall-jails)
    // The jail's prefix held an address of the ignore list (or one banjo never bans): the ban
    // was narrowed to `address` alone. `wide` is the prefix, `kept_out` what it held.
    struct Narrowing {
        Cidr wide;
        Cidr kept_out;
        bool never_banned = false;   // kept_out is not on the ignore list: banjo never bans it
    };
    std::optional<Narrowing> narrowed;
    BanLines lines = nullptr;     // the last matched lines of the address (max-lines), oldest first
};

// refused: the address is one banjo never bans (core/special_address.hpp); not counted.
enum class FailureOutcome { counted, banned, ignored, already_banned, refused };

class Jail {
public:
    explicit Jail(JailSettings settings);

    const JailSettings& settings() const noexcept { return settings_; }
    const std::string& name() const noexcept { return settings_.name; }

    // One failure of `address` at journal time `time`. Returns the ban decision when this
    // failure reaches maxretry; `outcome` (if given) says what happened otherwise. The ignore
    // list is asked first, so a loopback address on it stays "ignored"; an address that may
    // never be banned is "refused" and never counted.
    std::optional<BanDecision> add_failure(const Address& address, Usec time,
                                           FailureOutcome* outcome = nullptr);

    // Where the failures of `address` count and what a ban of it covers: its network of the
    // jail's prefix length (the address itself with the defaults 32 and 128).
    Cidr counted_as(const Address& address) const noexcept;
    // What a ban for `address` covers: counted_as(address), or `address` alone when that
    // network holds an address of the ignore list or one banjo never bans (said in `narrowed`).
    Cidr ban_scope(const Address& address, std::optional<BanDecision::Narrowing>* narrowed = nullptr) const;

    // Bans made outside the failure count (manual, restored from state) and their end, so the
    // jail neither bans the network again meanwhile nor forgets it for the increment policy.
    void note_ban(const Cidr& network, Usec until, bool counts_as_offence);
    void forget_ban(const Cidr& network);   // unbanned early: failures count again
    // How often this network (an address: a /32 or /128) was banned before (the increment policy's n).
    unsigned previous_bans(const Cidr& network) const;
    void set_previous_bans(const Cidr& network, unsigned n);
    // The earlier bans the increment policy counts: this jail's, or with overall-jails those
    // of every jail of `overall` (set by the jails' owner; nullptr: this jail's only).
    unsigned offences_before(const Cidr& network) const;
    void set_overall(const OverallBans* overall) noexcept { overall_ = overall; }
    // The length of the next ban of `network` by the jail's policy (a random draw for rnd).
    Usec next_bantime(const Cidr& network);

    bool ignores(const Address& address) const noexcept;
    // Some address of `network` is ignored (by any entry ignores() consults).
    bool ignores_any(const Cidr& network) const;
    // The entry that holds ADDRESS and its source ("ignore" for the jail's own list, which
    // holds the host's addresses with ignore-self and runtime AddIgnore entries too).
    std::optional<IgnoreHit> ignore_hit(const Address& address) const;
    // The entries of host names and ignore-files (IgnoreSources), replacing the last ones.
    void set_dynamic_ignore(const std::vector<IgnoreHit>& entries);
    // A held ban (ignore-command) turned out to be of an ignored address: as if never decided.
    void withdraw_ban(const Cidr& banned);
    void set_ignore(CidrSet ignore) { settings_.ignore = std::move(ignore); }
    void add_ignore(const Cidr& c) { settings_.ignore.insert(c); }
    bool remove_ignore(const Cidr& c) { return settings_.ignore.erase(c); }

    // Changed at runtime (SetMaxRetry and the like), until a reload.
    void set_maxretry(unsigned n) noexcept { settings_.maxretry = n; }
    void set_findtime(Usec t) noexcept { settings_.findtime = t; }
    void set_bantime(Usec t) noexcept { settings_.ban.bantime = t; }
    // The failures counted now against `address`'s network (journal time `now`), oldest first:
    // what banjoctl why shows.
    std::vector<Usec> failure_times(const Address& address, Usec now) const;

    std::size_t tracked_addresses() const noexcept { return windows_.size(); }
    std::size_t addresses_with_history() const noexcept { return history_.size(); }
    const BanHistory& history() const noexcept { return history_; }
    // New bounds for the ban history (a reload); the oldest records go if it holds more.
    void set_history_limits(std::size_t max_entries, std::size_t max_bytes);
    // The memory of the per-address state: failure windows and ban history.
    std::size_t state_bytes() const noexcept { return windows_.bytes() + history_.bytes(); }
    std::uint64_t total_failures() const noexcept { return total_failures_; }
    std::uint64_t total_bans() const noexcept { return total_bans_; }

    // Drops windows that can no longer reach maxretry by `now`; called on a timer by the daemon
    // and whenever the tracking limit is reached.
    void prune(Usec now);
    // Forgets the ban history of addresses whose last ban ended before `cutoff`, as the store
    // does: a bound on memory that grows with every distinct offender.
    void forget_history_before(Usec cutoff);

private:
    void make_room(Usec now);

    JailSettings settings_;
    bool banned_at(const Cidr& network, Usec time) const;

    FlatMap<Cidr, FailureWindow, CidrHash> windows_;   // by counted_as()
    BanHistory history_;                                 // by what was banned
    std::uint64_t total_failures_ = 0;
    std::uint64_t total_bans_ = 0;
    const OverallBans* overall_ = nullptr;
    CidrSet dynamic_ignore_;
    std::map<Cidr, std::string> dynamic_sources_;
    std::uint64_t random_state_;
};

}  // namespace banjo
