// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ban_table.hpp"

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

bool BanTable::insert(const Ban& ban) {
    Key key{ban.jail, ban.address};
    auto it = bans_.find(key);
    const bool fresh = it == bans_.end();
    if (!fresh) {
        if (it->second.expires != infinite_usec) by_expiry_.erase({it->second.expires, key});
        it->second = ban;
    } else {
        bans_.emplace(key, ban);
    }
    if (ban.expires != infinite_usec) by_expiry_.insert({ban.expires, std::move(key)});
    return fresh;
}

std::optional<Ban> BanTable::erase(std::string_view jail, const Cidr& address) {
    auto it = bans_.find(Key{std::string(jail), address});
    if (it == bans_.end()) return std::nullopt;
    Ban ban = std::move(it->second);
    if (ban.expires != infinite_usec) by_expiry_.erase({ban.expires, it->first});
    bans_.erase(it);
    return ban;
}

const Ban* BanTable::find(std::string_view jail, const Cidr& address) const {
    auto it = bans_.find(Key{std::string(jail), address});
    return it == bans_.end() ? nullptr : &it->second;
}

std::vector<Ban> BanTable::take_expired(Usec now) {
    std::vector<Ban> out;
    while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
        Key key = by_expiry_.begin()->second;
        by_expiry_.erase(by_expiry_.begin());
        auto it = bans_.find(key);
        out.push_back(std::move(it->second));
        bans_.erase(it);
    }
    return out;
}

std::optional<Usec> BanTable::next_expiry() const {
    if (by_expiry_.empty()) return std::nullopt;
    return by_expiry_.begin()->first;
}

std::vector<Ban> BanTable::list(std::string_view jail) const {
    std::vector<Ban> out;
    for (const auto& [key, ban] : bans_)
        if (jail.empty() || key.first == jail) out.push_back(ban);
    return out;
}

std::size_t BanTable::count(std::string_view jail) const {
    std::size_t n = 0;
    for (const auto& [key, ban] : bans_) n += key.first == jail ? 1 : 0;
    return n;
}

std::vector<Ban> BanTable::take_jail(std::string_view jail) {
    std::vector<Ban> out = list(jail);
    for (const Ban& b : out) erase(b.jail, b.address);
    return out;
}

}  // namespace banjo
