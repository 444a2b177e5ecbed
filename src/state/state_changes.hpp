// SPDX-License-Identifier: GPL-2.0-or-later
// Changes to banjod's state that are not on disk yet: the bans put and removed, the offences
// counted, the journal cursor, a history cutoff. They are merged per (jail, address) as they
// come, so they cost memory in proportion to the addresses touched, not to the events: a ban
// and its unban while the disk is full leave one entry, the removal. Both maps are bounded:
// past max_ban_changes the next write replaces the stored bans whole from the ban table (which
// banjod holds anyway), and past max_offence_changes new offence counts are dropped (counted,
// not silently). Bans for the ban log are kept one by one, at most max_logged_bans of them.
// No I/O; one thread.
#pragma once

#include "state/state_storage.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace banjo {

class StateChanges {
public:
    // ~200 bytes an entry: at most ~13 MB of single ban changes, ~10 MB of offence counts.
    static constexpr std::size_t max_ban_changes = 65536;
    static constexpr std::size_t max_offence_changes = 65536;
    static constexpr std::size_t max_logged_bans = 65536;

    using Key = std::pair<std::string, Cidr>;   // jail, address
    // An address's offences in a jail: the stored count becomes max(stored, at_least) + added.
    struct Offences {
        unsigned at_least = 0;   // known from elsewhere (the journal), maybe stored already
        unsigned added = 0;      // new since the last write
        Usec last_banned_at{};
    };

    void put_ban(const StoredBan& ban);
    void remove_ban(std::string_view jail, const Cidr& address);
    // One more offence of the address in the jail (a ban decided now).
    void count_offence(std::string_view jail, const Cidr& address, Usec banned_at);
    // The address was banned at least `count` times, the last at `last_banned_at` (rebuilt
    // history: the store may hold these already, so they do not add up).
    void note_offences(std::string_view jail, const Cidr& address, unsigned count, Usec last_banned_at);
    // A ban for the ban log (ListBanHistory): one row per ban, never merged.
    void log_ban(const StoredBan& ban);
    void set_cursor(std::string_view cursor);
    void set_file_position(const FilePosition& position);   // the last one per path counts
    void set_fleet_position(std::string_view host, std::string_view stream_id);   // the last per host counts
    void forget_history_before(Usec cutoff);
    // The next write replaces every stored ban with the ban table: for a store whose bans
    // banjod did not load (a new file, one it could not read at start), and past the bound.
    void rewrite_bans();

    // Holds nothing to write.
    bool empty() const noexcept;
    // Entries held: bans, offences, the cursor and the cutoff; a rewrite counts as one.
    std::size_t size() const noexcept;
    // Everything written: hold nothing again. The count of dropped offences stays.
    void clear() noexcept;

    bool bans_rewritten() const noexcept { return rewrite_bans_; }
    // nullopt: removed. Empty while bans_rewritten().
    const std::map<Key, std::optional<StoredBan>>& bans() const noexcept { return bans_; }
    const std::map<Key, Offences>& offences() const noexcept { return offences_; }
    const std::vector<StoredBan>& logged_bans() const noexcept { return logged_bans_; }
    const std::optional<std::string>& cursor() const noexcept { return cursor_; }
    const std::map<std::string, FilePosition>& file_positions() const noexcept { return file_positions_; }
    const std::map<std::string, std::string>& fleet_positions() const noexcept { return fleet_positions_; }
    std::optional<Usec> forget_before() const noexcept { return forget_before_; }
    // Offence counts that did not fit, since start.
    std::uint64_t dropped_offences() const noexcept { return dropped_offences_; }
    // Bans that did not fit into the ban log, since start (the log only feeds a chart).
    std::uint64_t dropped_logged_bans() const noexcept { return dropped_logged_bans_; }

private:
    Offences* offences_of(std::string_view jail, const Cidr& address);

    std::map<Key, std::optional<StoredBan>> bans_;
    bool rewrite_bans_ = false;
    std::map<Key, Offences> offences_;
    std::vector<StoredBan> logged_bans_;
    std::optional<std::string> cursor_;
    std::map<std::string, FilePosition> file_positions_;   // one per followed file: bounded by the config
    std::map<std::string, std::string> fleet_positions_;   // one per peer: bounded by the config
    std::optional<Usec> forget_before_;
    std::uint64_t dropped_offences_ = 0;
    std::uint64_t dropped_logged_bans_ = 0;
};

}  // namespace banjo
