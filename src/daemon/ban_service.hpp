// SPDX-License-Identifier: GPL-2.0-or-later
// Carries out bans: keeps the ban table, the firewall backend, the state store and the
// announcements (D-Bus signals, journal entries) in agreement. Every ban and unban goes through
// here, whether a jail decided it, an administrator asked for it, or its time ran out.
// Writes are collected in one store transaction until flush(), so the journal follower can
// commit a chunk's bans together with the cursor of its last entry. One thread.
#pragma once

#include "core/ban_table.hpp"
#include "firewall/backend.hpp"
#include "state/state_store.hpp"

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
        std::function<void(const Ban&, std::string_view reason)> unbanned;
    };

    BanService(StateStore& store, Backend& backend);

    void set_listener(Listener l) { listener_ = std::move(l); }
    // The ports each jail blocks (empty: all traffic); the backend needs them with every ban.
    // Changing them moves the jail's active bans in the firewall.
    void set_jail_ports(const std::string& jail, std::vector<std::string> ports);

    // Puts the stored bans back: expired ones are dropped (from the store, never applied), so
    // are those `lift` gives a reason for (said in the journal as an unban, reason "flushed");
    // the others go to the table and the backend with origin "restored".
    using LiftCheck = std::function<std::optional<std::string>(const Ban&)>;
    std::vector<Ban> restore(Usec now, const LiftCheck& lift = {});

    // Adds or replaces the ban. counts_as_offence: it adds to the address's history.
    const Ban& ban(Ban ban, bool counts_as_offence);
    // Removes the ban if there is one; `reason`: "expired", "manual" or "flushed".
    std::optional<Ban> unban(std::string_view jail, const Address& address, std::string_view reason);
    // Every ban whose time is up at `now`.
    std::size_t expire(Usec now);
    std::vector<Ban> unban_jail(std::string_view jail, std::string_view reason);

    // Commits what was written since the last flush, with the journal cursor if given.
    void flush(std::optional<std::string_view> cursor = std::nullopt);

    const BanTable& table() const noexcept { return table_; }
    std::uint64_t total_bans() const noexcept { return total_bans_; }
    struct JailCounts {
        std::uint64_t bans = 0;
        std::map<std::string, std::uint64_t> unbans;   // by reason
    };
    // Since start, per jail (metrics).
    const std::map<std::string, JailCounts, std::less<>>& counts() const noexcept { return counts_; }

private:
    StateStore::Batch& batch();
    BanTarget target(const Ban& b) const;
    void announce_unban(const Ban& b, std::string_view reason);

    StateStore& store_;
    Backend& backend_;
    Listener listener_;
    BanTable table_;
    std::map<std::string, std::vector<std::string>, std::less<>> ports_;
    std::optional<StateStore::Batch> batch_;
    std::uint64_t total_bans_ = 0;
    std::map<std::string, JailCounts, std::less<>> counts_;
};

}  // namespace banjo
