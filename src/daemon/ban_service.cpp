// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/ban_service.hpp"

#include "lib/sd/log.hpp"

#include <syslog.h>

namespace banjo {

namespace {

std::string usec_text(Usec t) {
    return t == infinite_usec ? std::to_string(UINT64_MAX) : std::to_string(t.count());
}

StoredBan stored(const Ban& b) {
    return StoredBan{b.jail, b.address, b.banned, b.expires, b.failures, std::string(to_string(b.origin))};
}

}  // namespace

BanService::BanService(StateStore& store, Backend& backend) : store_(store), backend_(backend) {}

void BanService::set_jail_ports(const std::string& jail, std::vector<std::string> ports) {
    auto it = ports_.find(jail);
    if (it != ports_.end() && it->second == ports) return;
    // The firewall files a ban by its ports: take the jail's bans out under the old ones
    // before putting them back under the new.
    const auto active = table_.list(jail);
    for (const Ban& b : active) backend_.remove(target(b));
    ports_[jail] = std::move(ports);
    for (const Ban& b : active) backend_.add(target(b));
}

BanTarget BanService::target(const Ban& b) const {
    auto it = ports_.find(b.jail);
    return BanTarget{b.address, b.jail, it == ports_.end() ? std::vector<std::string>{} : it->second};
}

StateStore::Batch& BanService::batch() {
    if (!batch_) batch_.emplace(store_.begin());
    return *batch_;
}

void BanService::flush(std::optional<std::string_view> cursor) {
    if (cursor) batch().set_cursor(*cursor);
    if (!batch_) return;
    batch_->commit();
    batch_.reset();
}

std::vector<Ban> BanService::restore(Usec now, const LiftCheck& lift) {
    std::vector<Ban> restored;
    for (const StoredBan& s : store_.active_bans()) {
        Ban b{s.jail, s.address, s.banned_at, s.expires_at, static_cast<std::uint32_t>(s.failures),
              BanOrigin::restored};
        if (b.expires != infinite_usec && b.expires <= now) {
            // It ended while banjod was away: it never reaches the firewall again.
            batch().remove_ban(b.jail, b.address);
            continue;
        }
        if (auto why = lift ? lift(b) : std::nullopt) {
            // Never handed to the backend: the firewall drops what banjo no longer wants.
            batch().remove_ban(b.jail, b.address);
            const std::string address = b.address.to_string();
            sd::log(LOG_NOTICE, "Lifted the saved ban of " + address + " in jail " + b.jail + ": " + *why,
                    {{"MESSAGE_ID", sd::message_id::unban},
                     {"BANJO_JAIL", b.jail},
                     {"BANJO_ADDRESS", address},
                     {"BANJO_REASON", "flushed"}});
            continue;
        }
        table_.insert(b);
        backend_.add(target(b));
        restored.push_back(b);
    }
    flush();
    return restored;
}

const Ban& BanService::ban(Ban b, bool counts_as_offence) {
    table_.insert(b);
    batch().add_ban(stored(b), counts_as_offence);
    backend_.add(target(b));
    ++total_bans_;
    ++counts_[b.jail].bans;
    const Ban& in_table = *table_.find(b.jail, b.address);
    const std::string address = b.address.to_string();
    const std::string why = b.origin == BanOrigin::manual ? std::string(" by request")
                                                           : " after " + std::to_string(b.failures) + " failures";
    sd::log(LOG_NOTICE, "Banned " + address + " in jail " + b.jail + why,
            {{"MESSAGE_ID", sd::message_id::ban},
             {"BANJO_JAIL", b.jail},
             {"BANJO_ADDRESS", address},
             {"BANJO_FAILURES", std::to_string(b.failures)},
             {"BANJO_EXPIRES_USEC", usec_text(b.expires)},
             {"BANJO_ORIGIN", std::string(to_string(b.origin))}});
    if (listener_.banned) listener_.banned(in_table);
    return in_table;
}

void BanService::announce_unban(const Ban& b, std::string_view reason) {
    ++counts_[b.jail].unbans[std::string(reason)];
    const std::string address = b.address.to_string();
    sd::log(LOG_NOTICE, "Unbanned " + address + " in jail " + b.jail + " (" + std::string(reason) + ")",
            {{"MESSAGE_ID", sd::message_id::unban},
             {"BANJO_JAIL", b.jail},
             {"BANJO_ADDRESS", address},
             {"BANJO_REASON", std::string(reason)}});
    if (listener_.unbanned) listener_.unbanned(b, reason);
}

std::optional<Ban> BanService::unban(std::string_view jail, const Address& address, std::string_view reason) {
    auto b = table_.erase(jail, address);
    if (!b) return std::nullopt;
    batch().remove_ban(jail, address);
    backend_.remove(target(*b));
    announce_unban(*b, reason);
    return b;
}

std::size_t BanService::expire(Usec now) {
    auto expired = table_.take_expired(now);
    for (const Ban& b : expired) {
        batch().remove_ban(b.jail, b.address);
        backend_.remove(target(b));
        announce_unban(b, "expired");
    }
    return expired.size();
}

std::vector<Ban> BanService::unban_jail(std::string_view jail, std::string_view reason) {
    auto removed = table_.take_jail(jail);
    for (const Ban& b : removed) {
        batch().remove_ban(b.jail, b.address);
        backend_.remove(target(b));
        announce_unban(b, reason);
    }
    return removed;
}

}  // namespace banjo
