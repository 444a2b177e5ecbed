// SPDX-License-Identifier: GPL-2.0-or-later
// Carries out bans: keeps the ban table, the firewall backend, the state and the
// announcements (D-Bus signals, journal entries) in agreement. Every ban and unban goes through
// here, whether a jail decided it, an administrator asked for it, or its time ran out.
// The firewall hears of a change first, then the state: a ban is in force even when it could
// not be saved, and a state that cannot be written holds it in memory (StateWriter). Changes
// are collected until flush(), which writes them in one transaction, so the journal follower
// can commit a chunk's bans together with the cursor of its last entry. One thread.
#pragma once

#include "core/ban_table.hpp"
#include "daemon/clock.hpp"
#include "firewall/backend.hpp"
#include "state/state_writer.hpp"

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

class BanService {
public:
    struct Listener {
        std::function<void(const Ban&)> banned;
        std::function<void(const Ban&, UnbanReason)> unbanned;
        // Whether unbanned() wants the ban's lines (read from the store) for the jail.
        std::function<bool(std::string_view jail)> unban_needs_lines;
    };

    BanService(StateWriter& state, Backend& backend, const Clock& clock);

    void set_listener(Listener l) { listener_ = std::move(l); }
    // The ports each jail blocks (empty: all traffic) and how (drop or reject); the backend
    // needs them with every ban. Changing them moves the jail's active bans in the firewall.
    void set_jail_ports(const std::string& jail, std::vector<std::string> ports, BlockAction block = BlockAction::drop);

    // Puts the stored bans back: expired ones are dropped (from the store, never applied), so
    // are those `lift` gives a reason for (said in the journal as an unban, reason "flushed");
    // the others go to the table and the backend with origin "restored". None when the store
    // cannot give them (StateWriter::bans_lost(): then rebuild()).
    using LiftCheck = std::function<std::optional<std::string>(const Ban&)>;
    std::vector<Ban> restore(Usec now, const LiftCheck& lift = {});
    // Puts rebuilt bans (origin "restored") in force and in the state, without announcing each;
    // a ban already in the table is left as it is, unless `newer_wins` and the rebuilt one was
    // made later. Returns the ones put in force.
    std::vector<Ban> rebuild(const std::vector<Ban>& bans, bool newer_wins = false);

    // Adds or replaces the ban; it adds to the address's ban history (the increment policy's n).
    Ban ban(const Ban& ban);
    // Removes the ban if there is one.
    std::optional<Ban> unban(std::string_view jail, const Cidr& address, UnbanReason reason);
    // Every ban whose time is up at `now` (an expiry equal to `now` included).
    std::size_t expire(Usec now);
    std::vector<Ban> unban_jail(std::string_view jail, UnbanReason reason);

    // Commits what was written since the last flush, with the journal cursor if given. When
    // the state cannot be written, it stays held until retry_state() writes it.
    void flush(std::optional<std::string_view> cursor = std::nullopt);
    void retry_state();

    const BanTable& table() const noexcept { return table_; }
    // The matched lines of a ban in force (ListBanLines, WhyLines): the table does not hold
    // them, the state does (memory while unwritten, else the store). nullptr: none.
    BanLines lines(std::string_view jail, const Cidr& address) const { return state_.ban_lines(jail, address); }
    std::uint64_t total_bans() const noexcept { return total_bans_; }
    struct JailCounts {
        std::uint64_t bans = 0;
        std::map<UnbanReason, std::uint64_t> unbans;
    };
    // Since start, per jail (metrics, TotalBans).
    const std::map<std::string, JailCounts, std::less<>>& counts() const noexcept { return counts_; }

private:
    BanTarget target(const Ban& b) const;
    void lifted(const Ban& b, UnbanReason reason);
    // Every ban in force as the store keeps it: what a rewrite of the stored bans writes.
    BanSnapshot snapshot() const;

    StateWriter& state_;   // the one way into the store: every change of a ban goes through it
    Backend& backend_;
    const Clock& clock_;
    Listener listener_;
    BanTable table_;
    struct Blocking {
        std::vector<std::string> ports;
        BlockAction block = BlockAction::drop;
        friend bool operator==(const Blocking&, const Blocking&) = default;
    };
    std::map<std::string, Blocking, std::less<>> ports_;
    std::uint64_t total_bans_ = 0;
    std::map<std::string, JailCounts, std::less<>> counts_;
};

}  // namespace banjo
