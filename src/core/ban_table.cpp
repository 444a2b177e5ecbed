// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ban_table.hpp"

#include <algorithm>
#include <stdexcept>

namespace banjo {

std::string_view to_string(BanOrigin o) noexcept {
    switch (o) {
    case BanOrigin::filter: return "filter";
    case BanOrigin::manual: return "manual";
    case BanOrigin::restored: return "restored";
    case BanOrigin::fleet: return "fleet";
    }
    return "filter";
}

std::string_view to_string(UnbanReason r) noexcept {
    switch (r) {
    case UnbanReason::expired: return "expired";
    case UnbanReason::manual: return "manual";
    case UnbanReason::flushed: return "flushed";
    }
    return "expired";
}

std::optional<BanOrigin> parse_ban_origin(std::string_view text) noexcept {
    if (text == "filter") return BanOrigin::filter;
    if (text == "manual") return BanOrigin::manual;
    if (text == "restored") return BanOrigin::restored;
    if (text == "fleet") return BanOrigin::fleet;
    return std::nullopt;
}

std::string origin_text(BanOrigin o, std::string_view host) {
    if (o == BanOrigin::fleet && !host.empty()) return "fleet:" + std::string(host);
    return std::string(to_string(o));
}

std::optional<OriginText> parse_origin_text(std::string_view text) {
    if (text.starts_with("fleet:") && text.size() > 6) return OriginText{BanOrigin::fleet, std::string(text.substr(6))};
    if (auto o = parse_ban_origin(text)) return OriginText{*o, {}};
    return std::nullopt;
}

BanTable::BanTable(std::uint64_t hash_seed) : bans_(KeyHash{hash_seed}) {}

std::optional<std::uint16_t> BanTable::jail_number(std::string_view jail) const noexcept {
    // A handful of jails: a scan beats a map.
    for (std::size_t i = 0; i < jails_.size(); ++i)
        if (jails_[i] == jail) return static_cast<std::uint16_t>(i);
    return std::nullopt;
}

std::uint16_t BanTable::intern_jail(std::string_view jail) {
    if (auto n = jail_number(jail)) return *n;
    if (jails_.size() > UINT16_MAX) throw std::length_error("BanTable: too many jails");
    jails_.emplace_back(jail);
    jail_counts_.push_back(0);
    return static_cast<std::uint16_t>(jails_.size() - 1);
}

std::uint16_t BanTable::intern_host(std::string_view host) {
    for (std::size_t i = 0; i < hosts_.size(); ++i)
        if (hosts_[i] == host) return static_cast<std::uint16_t>(i);
    if (hosts_.size() > UINT16_MAX) throw std::length_error("BanTable: too many fleet hosts");
    hosts_.emplace_back(host);
    return static_cast<std::uint16_t>(hosts_.size() - 1);
}

Ban BanTable::to_ban(const Map::Entry& e) const {
    const Entry& v = e.value;
    return Ban{jails_[e.key.jail], e.key.address, v.banned, v.expires, v.failures, v.origin, hosts_[v.origin_host]};
}

std::size_t BanTable::position(std::string_view jail, const Cidr& address) const {
    const auto n = jail_number(jail);
    return n ? bans_.find(Key{address, *n}) : Map::npos;
}

bool BanTable::earlier(std::uint32_t a, std::uint32_t b) const noexcept {
    return bans_.at(a).value.expires < bans_.at(b).value.expires;
}

void BanTable::heap_set(std::size_t i, std::uint32_t pos) noexcept {
    heap_[i] = pos;
    bans_.at(pos).value.heap_pos = static_cast<std::uint32_t>(i);
}

void BanTable::sift_up(std::size_t i) noexcept {
    const std::uint32_t pos = heap_[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!earlier(pos, heap_[parent])) break;
        heap_set(i, heap_[parent]);
        i = parent;
    }
    heap_set(i, pos);
}

void BanTable::sift_down(std::size_t i) noexcept {
    const std::uint32_t pos = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && earlier(heap_[child + 1], heap_[child])) ++child;
        if (!earlier(heap_[child], pos)) break;
        heap_set(i, heap_[child]);
        i = child;
    }
    heap_set(i, pos);
}

void BanTable::heap_push(std::uint32_t pos) {
    heap_.push_back(pos);
    sift_up(heap_.size() - 1);
}

void BanTable::heap_remove(std::size_t i) {
    bans_.at(heap_[i]).value.heap_pos = no_heap;
    const std::uint32_t last = heap_.back();
    heap_.pop_back();
    if (i < heap_.size()) {
        heap_set(i, last);
        sift_up(i);
        sift_down(bans_.at(last).value.heap_pos);
    }
    // After a wave of expiries the heap gives its array back, as the map does.
    if (heap_.capacity() >= 1024 && heap_.size() * 4 <= heap_.capacity()) heap_.shrink_to_fit();
}

bool BanTable::insert(const Ban& ban) {
    const Key key{ban.address, intern_jail(ban.jail)};
    const auto [pos, fresh] = bans_.try_emplace(key);
    Entry& e = bans_.at(pos).value;
    if (!fresh && e.heap_pos != no_heap) heap_remove(e.heap_pos);
    e.banned = ban.banned;
    e.expires = ban.expires;
    e.failures = ban.failures;
    e.origin = ban.origin;
    e.origin_host = intern_host(ban.origin_host);
    if (ban.expires != infinite_usec) heap_push(static_cast<std::uint32_t>(pos));
    if (fresh) ++jail_counts_[key.jail];
    return fresh;
}

Ban BanTable::erase_at(std::size_t pos) {
    Ban ban = to_ban(bans_.at(pos));
    if (const std::uint32_t h = bans_.at(pos).value.heap_pos; h != no_heap) heap_remove(h);
    --jail_counts_[bans_.at(pos).key.jail];
    // The map moves its last entry into the hole: its place in the heap follows.
    if (bans_.erase_at(pos) != Map::npos)
        if (const std::uint32_t h = bans_.at(pos).value.heap_pos; h != no_heap) heap_[h] = static_cast<std::uint32_t>(pos);
    return ban;
}

std::optional<Ban> BanTable::erase(std::string_view jail, const Cidr& address) {
    const std::size_t pos = position(jail, address);
    if (pos == Map::npos) return std::nullopt;
    return erase_at(pos);
}

std::optional<Ban> BanTable::find(std::string_view jail, const Cidr& address) const {
    const std::size_t pos = position(jail, address);
    if (pos == Map::npos) return std::nullopt;
    return to_ban(bans_.at(pos));
}

bool BanTable::contains(std::string_view jail, const Cidr& address) const {
    return position(jail, address) != Map::npos;
}

namespace {

bool by_jail_then_address(const Ban& a, const Ban& b) {
    if (a.jail != b.jail) return a.jail < b.jail;
    return a.address < b.address;
}

}  // namespace

std::vector<Ban> BanTable::take_expired(Usec now) {
    std::vector<Ban> out;
    while (!heap_.empty() && bans_.at(heap_.front()).value.expires <= now) out.push_back(erase_at(heap_.front()));
    // Equal expiries leave the heap in no particular order: earliest first, then by jail, address.
    std::sort(out.begin(), out.end(), [](const Ban& a, const Ban& b) {
        if (a.expires != b.expires) return a.expires < b.expires;
        return by_jail_then_address(a, b);
    });
    return out;
}

std::optional<Usec> BanTable::next_expiry() const {
    if (heap_.empty()) return std::nullopt;
    return bans_.at(heap_.front()).value.expires;
}

std::vector<Ban> BanTable::list(std::string_view jail) const {
    std::vector<Ban> out;
    std::optional<std::uint16_t> only;
    if (!jail.empty()) {
        only = jail_number(jail);
        if (!only) return out;
        out.reserve(jail_counts_[*only]);
    } else {
        out.reserve(bans_.size());
    }
    for (const auto& e : bans_)
        if (!only || e.key.jail == *only) out.push_back(to_ban(e));
    std::sort(out.begin(), out.end(), by_jail_then_address);
    return out;
}

std::size_t BanTable::count(std::string_view jail) const {
    const auto n = jail_number(jail);
    return n ? jail_counts_[*n] : 0;
}

std::vector<Ban> BanTable::take_jail(std::string_view jail) {
    std::vector<Ban> out = list(jail);
    for (const Ban& b : out) erase(b.jail, b.address);
    return out;
}

}  // namespace banjo
