// SPDX-License-Identifier: GPL-2.0-or-later
// The bans in force, across jails: who is banned where, since when, until when, and why. It
// answers "what expires next" in O(log n) so the daemon arms one timer, not one per ban.
// Times are wall-clock (ban expiry is wall-clock even though failure counting is journal time).
// No I/O; one thread.
#pragma once

#include "core/cidr.hpp"
#include "core/duration.hpp"
#include "core/matched_lines.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// Why a ban exists. Its text ("filter", "manual", "restored") is ListBans' origin column; a
// ban a peer of the fleet decided is "fleet:<host>" (origin_text).
enum class BanOrigin { filter, manual, restored, fleet };
std::string_view to_string(BanOrigin o) noexcept;
std::optional<BanOrigin> parse_ban_origin(std::string_view text) noexcept;
// "fleet:<host>" for a fleet ban with its host, else to_string(o).
std::string origin_text(BanOrigin o, std::string_view host);
struct OriginText {
    BanOrigin origin = BanOrigin::filter;
    std::string host;   // a fleet ban's origin host
};
// The inverse of origin_text; nullopt for text it never gives.
std::optional<OriginText> parse_origin_text(std::string_view text);

// Why a ban ended: its time ran out, an administrator lifted it, or its jail went away (removed
// or disabled). Its text ("expired", "manual", "flushed") is the Unbanned signal's reason and
// the journal's BANJO_REASON.
enum class UnbanReason { expired, manual, flushed };
std::string_view to_string(UnbanReason r) noexcept;

struct Ban {
    std::string jail;
    Cidr address;            // one address, or a network (a prefix ban); prints as such
    Usec banned{};
    Usec expires{};          // infinite_usec: never
    std::uint32_t failures = 0;
    BanOrigin origin = BanOrigin::filter;
    std::string origin_host{};   // the fleet host that decided it (origin fleet only)
    BanLines lines = nullptr;   // the matched lines behind it (max-lines); nullptr: none
};

class BanTable {
public:
    // Adds or replaces the ban of (ban.jail, ban.address). Returns true if it was new.
    bool insert(const Ban& ban);
    // Removes and returns the ban, if there was one.
    std::optional<Ban> erase(std::string_view jail, const Cidr& address);
    const Ban* find(std::string_view jail, const Cidr& address) const;

    // The bans whose expiry is <= now, removed from the table, earliest first.
    std::vector<Ban> take_expired(Usec now);
    // The earliest finite expiry, if any ban can expire.
    std::optional<Usec> next_expiry() const;

    std::vector<Ban> list(std::string_view jail = {}) const;   // "" = every jail; ordered by jail, address
    std::size_t size() const noexcept { return bans_.size(); }
    std::size_t count(std::string_view jail) const;
    // Removes every ban of `jail` and returns them.
    std::vector<Ban> take_jail(std::string_view jail);

private:
    using Key = std::pair<std::string, Cidr>;
    std::map<Key, Ban, std::less<>> bans_;
    std::set<std::pair<Usec, Key>> by_expiry_;   // finite expiries only
};

}  // namespace banjo
