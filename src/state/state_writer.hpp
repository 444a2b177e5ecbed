// SPDX-License-Identifier: GPL-2.0-or-later
// Keeps banjod's state on disk when the disk lets it, and in memory when it does not. Every
// change is held (StateChanges) until a commit writes it in one transaction; a commit that
// fails keeps it held, and from then on only retry() writes, on a backoff, so a full disk is
// not hammered on every journal chunk. Nothing here throws for a disk problem and nothing
// waits on one for more than SQLite's busy timeout: bans never depend on the disk.
//
// Health: ok (every commit is written), degraded (the store is open but writes fail: a full
// disk, an I/O error, a read-only remount, a lock), memory-only (no store could be opened, or
// its file was lost under banjod: everything is held in memory and the directory is opened
// again on each retry). Once a retry writes, everything held is on disk and health is ok.
// No timers and no clock of its own: the caller passes the time and arms the retry. One thread.
#pragma once

#include "core/duration.hpp"
#include "state/state_changes.hpp"
#include "state/state_opening.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

enum class StateHealth { ok, degraded, memory_only };
// "ok", "degraded", "memory-only": the StateHealth property, the metric's label, the journal.
std::string_view to_string(StateHealth health) noexcept;

class StateWriter {
public:
    using Opener = std::function<StateOpening(Usec now)>;
    // Retries wait 1 s after the first failure, twice as long after each further one, at most
    // a minute: a disk freed by an administrator is used within a minute.
    static constexpr Usec first_retry = std::chrono::seconds(1);
    static constexpr Usec longest_retry = std::chrono::minutes(1);

    // `opened`: the directory as open_state() found it at `now`; `reopen` opens it again when
    // a retry has no store.
    StateWriter(StateOpening opened, Opener reopen, Usec now);

    StateHealth health() const noexcept;
    // Why the state is not saved (the last failure), empty when ok.
    const std::string& problem() const noexcept { return problem_; }
    // The bans in force could not be read from a store: they must be rebuilt from what else
    // knows them (the journal, the firewall). True when the file was damaged or unreadable.
    bool bans_lost() const noexcept { return bans_lost_; }
    // An earlier banjod stopped with changes it could not save, made from this time on (the
    // marker mark_unsaved() leaves): the store's bans are there but may lack those changes.
    std::optional<Usec> stale_since() const noexcept { return stale_since_; }
    // What the store lacked has been put back from elsewhere (or was lost for good): once the
    // state is written, the next start needs no rebuild. Until then the marker stays.
    void merged();

    // The stored bans, as restore() needs them; nullopt (and bans_lost()) when they cannot be
    // read. Nothing held in memory is added: at start nothing is.
    std::optional<std::vector<StoredBan>> stored_bans();
    // The last cursor set, else the stored one; nullopt when neither is known.
    std::optional<std::string> cursor() const;
    // The stored log file positions with the last ones set on top; empty when none is known.
    std::vector<FilePosition> file_positions() const;
    // The stored fleet positions with the last ones set on top.
    std::map<std::string, std::string> fleet_positions() const;
    // The stored history of the jail with the offences held in memory added.
    std::vector<History> history(std::string_view jail) const;
    // The ban log since `since` (stored and held), oldest first, at most the `limit` latest.
    // What the store cannot give is left out: the log only feeds a chart.
    std::vector<StoredBan> ban_log(Usec since, std::size_t limit) const;

    // The matched lines of the ban in force of (jail, address): held in memory while its put
    // is not written, else read from the store; nullptr when neither has them.
    BanLines ban_lines(std::string_view jail, const Cidr& address) const;

    // Changes, held until written. counts_as_offence: the ban adds one to the history and a
    // row to the ban log.
    void put_ban(const StoredBan& ban, bool counts_as_offence);
    void remove_ban(std::string_view jail, const Cidr& address);
    // A rebuilt history: the address was banned at least `count` times (see StateChanges).
    void note_offences(std::string_view jail, const Cidr& address, unsigned count, Usec last_banned_at);
    void set_cursor(std::string_view cursor);
    void set_file_position(const FilePosition& position);
    void set_fleet_position(std::string_view host, std::string_view stream_id);
    void forget_history_before(Usec cutoff);

    // Writes what is held when health is ok; otherwise leaves it for retry(). Never throws.
    void commit(Usec now, const BanSnapshot& all_bans);
    // Opens the directory again if there is no store, then writes what is held. Never throws.
    void retry(Usec now, const BanSnapshot& all_bans);
    // When retry() is due; nullopt while health is ok.
    std::optional<Usec> retry_at() const noexcept;

    std::size_t held_changes() const noexcept { return changes_.size(); }
    std::uint64_t write_failures() const noexcept { return write_failures_; }
    std::uint64_t dropped_offences() const noexcept { return changes_.dropped_offences(); }
    // When the state stopped being saved (the first failure since the last write).
    Usec unsaved_since() const noexcept { return unsaved_since_; }

    // Called after commit() or retry() changed health(), or met a new problem while not ok.
    std::function<void(StateHealth)> on_health_changed;
    // Called when a retry opened the directory again, before it writes: how it found it.
    std::function<void(const StateOpening&)> on_reopened;

private:
    void write(Usec now, const BanSnapshot& all_bans);
    void failed(Usec now, std::string problem);
    void report(StateHealth before, const std::string& problem_before);

    void mark();
    void settle_marker();

    std::string dir_;
    Opener reopen_;
    std::unique_ptr<StateStorage> storage_;
    StateChanges changes_;
    std::optional<std::string> cursor_;   // the last set, written or not
    std::map<std::string, FilePosition> file_positions_;   // the last set per path, written or not
    std::map<std::string, std::string> fleet_positions_;   // the last set per host, written or not
    bool failing_ = false;                // the last write failed (or there is no store)
    bool bans_lost_ = false;
    std::optional<Usec> stale_since_;
    bool merge_pending_ = false;   // bans lost or stale at start, not merged back yet
    bool marked_ = false;          // the unsaved marker may be there
    std::string problem_;
    Usec retry_at_{0};
    Usec backoff_ = first_retry;
    Usec unsaved_since_{0};
    std::uint64_t write_failures_ = 0;
};

}  // namespace banjo
