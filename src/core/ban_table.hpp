// SPDX-License-Identifier: GPL-2.0-or-later
// The bans in force, across jails: who is banned where, since when, until when, and why. It
// answers "what expires next" in O(1) (kept in O(log n)) so the daemon arms one timer, not one per ban.
// Times are wall-clock (ban expiry is wall-clock even though failure counting is journal time).
// No I/O; one thread.
#pragma once

#include "core/cidr.hpp"
#include "core/duration.hpp"
#include "core/flat_map.hpp"
#include "core/matched_lines.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// Why a ban exists. Its text ("filter", "manual", "restored") is ListBans' origin column; a
// ban a peer of the fleet decided is "fleet:<host>" (origin_text).
enum class BanOrigin : std::uint8_t { filter, manual, restored, fleet };
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
    // The matched lines behind it (max-lines); nullptr: none. The table does not keep them (a
    // ban it gives back has none): they live in the state store (BanService::lines).
    BanLines lines = nullptr;
};

// Flat: each ban is one entry of a FlatMap keyed by (address, jail number), 56-75 bytes with
// its index slot and its place in the expiry heap, where a std::map keyed by the jail's name
// and a second std::set by expiry took ~340 bytes (100,000 bans: ~7 MB instead of ~34 MB).
// Jail names and fleet hosts are kept once each, by number.
class BanTable {
public:
    explicit BanTable(std::uint64_t hash_seed = 0);

    // Adds or replaces the ban of (ban.jail, ban.address). Returns true if it was new.
    bool insert(const Ban& ban);
    // Removes and returns the ban, if there was one.
    std::optional<Ban> erase(std::string_view jail, const Cidr& address);
    std::optional<Ban> find(std::string_view jail, const Cidr& address) const;
    bool contains(std::string_view jail, const Cidr& address) const;

    // The bans whose expiry is <= now, removed from the table, earliest first (then by jail,
    // address).
    std::vector<Ban> take_expired(Usec now);
    // The earliest finite expiry, if any ban can expire.
    std::optional<Usec> next_expiry() const;

    std::vector<Ban> list(std::string_view jail = {}) const;   // "" = every jail; ordered by jail, address
    std::size_t size() const noexcept { return bans_.size(); }
    std::size_t count(std::string_view jail) const;
    // Removes every ban of `jail` and returns them.
    std::vector<Ban> take_jail(std::string_view jail);
    // What the table holds in memory (its entries, index and heap; not the names).
    std::size_t bytes() const noexcept { return bans_.bytes() + heap_.capacity() * sizeof(std::uint32_t); }

private:
    static constexpr std::uint32_t no_heap = UINT32_MAX;   // a permanent ban is not in the heap
    struct Key {
        Cidr address;
        std::uint16_t jail = 0;   // index into jails_
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::uint64_t seed = 0;
        std::size_t operator()(const Key& k) const noexcept {
            return CidrHash{seed ^ (std::uint64_t{k.jail} + 1) * 0xbf58476d1ce4e5b9ULL}(k.address);
        }
    };
    struct Entry {
        Usec banned{};
        Usec expires{};
        std::uint32_t failures = 0;
        std::uint32_t heap_pos = no_heap;
        std::uint16_t origin_host = 0;   // index into hosts_ (0: none)
        BanOrigin origin = BanOrigin::filter;
    };
    using Map = FlatMap<Key, Entry, KeyHash>;

    std::optional<std::uint16_t> jail_number(std::string_view jail) const noexcept;
    std::uint16_t intern_jail(std::string_view jail);
    std::uint16_t intern_host(std::string_view host);
    Ban to_ban(const Map::Entry& e) const;
    std::size_t position(std::string_view jail, const Cidr& address) const;
    Ban erase_at(std::size_t pos);

    // The expiry heap: entry positions, earliest expiry on top; each entry knows its place.
    bool earlier(std::uint32_t a, std::uint32_t b) const noexcept;
    void heap_set(std::size_t i, std::uint32_t pos) noexcept;
    void heap_push(std::uint32_t pos);
    void heap_remove(std::size_t i);
    void sift_up(std::size_t i) noexcept;
    void sift_down(std::size_t i) noexcept;

    Map bans_;
    std::vector<std::uint32_t> heap_;
    std::vector<std::string> jails_;
    std::vector<std::size_t> jail_counts_;
    std::vector<std::string> hosts_{std::string()};
};

}  // namespace banjo
