// SPDX-License-Identifier: GPL-2.0-or-later
// One jail's path for a journal entry: its filter, the session table that joins a session's
// lines, and the jail's counting. Two steps, because reading a session id from the journal
// invalidates the message the match points into: match() on the message, then count() with
// what the match found and the session id. No I/O; one thread.
#pragma once

#include "core/filter.hpp"
#include "core/jail.hpp"
#include "core/session_table.hpp"
#include "core/special_address.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace banjo {

struct JailCounters {
    std::uint64_t matches = 0;      // a failregex matched
    std::uint64_t failures = 0;     // a failure with a known address was counted
    std::uint64_t no_address = 0;   // matched, but no address (a host name, or an unknown session)
    std::uint64_t ignored = 0;      // the address is on the ignore list
    std::uint64_t bans = 0;
    // Failures naming an address banjo never bans, by kind (index: the SpecialAddress value).
    std::array<std::uint64_t, all_special_addresses.size()> refused{};
};

// A failure that named an address banjo never bans: kept for the journal, which the daemon
// writes off the hot path (and rate-limited), since the text behind it is the attacker's.
struct Refusal {
    Address address;
    SpecialAddress kind{};
    Usec time{};   // journal time of the entry
};

// Refusals kept between two take_refusals(); more are only counted, so a flood of forged lines
// costs a fixed amount of memory.
inline constexpr std::size_t max_pending_refusals = 16;

class JailPipeline {
public:
    // `filter`: compiled for settings.mode (the config's compiled_filter).
    JailPipeline(JailSettings settings, std::shared_ptr<const Filter> filter);
    // Compiles `filter` for settings.mode itself. Throws as Filter::compile().
    JailPipeline(JailSettings settings, const FilterSpec& filter);

    std::optional<FilterMatch> match(std::string_view message) noexcept;

    // Whether count() needs a session id from the journal (the filter's id-field) for this match.
    bool needs_journal_id(const FilterMatch& m) const noexcept {
        return m.id.empty() && !filter_->id_field().empty();
    }
    const std::string& id_field() const noexcept { return filter_->id_field(); }

    // Counts what match() found. The match's views must still be valid: copy them first if the
    // message had to be given up to read the session id.
    // `line`: the matched message, kept for the address (max-lines) when a store is set.
    std::optional<BanDecision> count(const FilterMatch& m, std::string_view session_id, Usec time,
                                     std::string_view line = {});
    // Where the matched lines of counted failures go (shared by the jails; nullptr: nowhere).
    void keep_lines(MatchedLines* lines) noexcept { lines_ = lines; }

    Jail& jail() noexcept { return jail_; }
    const Jail& jail() const noexcept { return jail_; }
    const Filter& filter() const noexcept { return *filter_; }
    const JailCounters& counters() const noexcept { return counters_; }
    // The address of the failure the last count() counted (not ignored, refused or already
    // banned), once: what a jail that counts across the fleet shares.
    std::optional<Address> take_counted() noexcept { return std::exchange(counted_, std::nullopt); }
    // The refusals since the last call, oldest first, and how many more there were.
    std::vector<Refusal> take_refusals(std::uint64_t& not_kept);

private:
    std::shared_ptr<const Filter> filter_;
    SessionTable sessions_;
    Jail jail_;
    JailCounters counters_;
    std::vector<Refusal> refusals_;
    std::uint64_t refusals_not_kept_ = 0;
    std::optional<Address> counted_;
    MatchedLines* lines_ = nullptr;
};

}  // namespace banjo
