// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/ban_service.hpp"

#include "lib/sd/log.hpp"

#include <syslog.h>

#include <random>

namespace banjo {

namespace {

// The table's keys are attacker-chosen addresses: its hash is seeded once per start.
std::uint64_t random_seed() {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

StoredBan stored(const Ban& b) {
    return StoredBan{b.jail, b.address, b.banned, b.expires, b.failures, b.origin, b.origin_host, b.lines};
}

}  // namespace

BanService::BanService(StateWriter& state, Backend& backend, const Clock& clock)
    : state_(state), backend_(backend), clock_(clock), table_(random_seed()) {}

void BanService::set_jail_ports(const std::string& jail, std::vector<std::string> ports, BlockAction block) {
    Blocking blocking{std::move(ports), block};
    auto it = ports_.find(jail);
    if (it != ports_.end() && it->second == blocking) return;
    // The firewall files a ban by its ports: take the jail's bans out under the old ones
    // before putting them back under the new.
    const auto active = table_.list(jail);
    for (const Ban& b : active) backend_.remove(target(b));
    ports_[jail] = std::move(blocking);
    for (const Ban& b : active) backend_.add(target(b));
}

BanTarget BanService::target(const Ban& b) const {
    auto it = ports_.find(b.jail);
    if (it == ports_.end()) return BanTarget{b.address, b.jail, {}, b.expires};
    return BanTarget{b.address, b.jail, it->second.ports, b.expires, it->second.block};
}

BanSnapshot BanService::snapshot() const {
    return [this] {
        std::vector<StoredBan> out;
        out.reserve(table_.size());
        for (const Ban& b : table_.list()) out.push_back(stored(b));
        return out;
    };
}

void BanService::flush(std::optional<std::string_view> cursor) {
    if (cursor) state_.set_cursor(*cursor);
    state_.commit(clock_.now(), snapshot());
}

void BanService::retry_state() { state_.retry(clock_.now(), snapshot()); }

std::vector<Ban> BanService::restore(Usec now, const LiftCheck& lift) {
    std::vector<Ban> restored;
    const auto stored_bans = state_.stored_bans();
    if (!stored_bans) return restored;
    for (const StoredBan& s : *stored_bans) {
        // A peer's ban stays the peer's, so that the peer's unban still lifts it.
        Ban b{s.jail, s.address, s.banned_at, s.expires_at, s.failures,
              s.origin == BanOrigin::fleet ? BanOrigin::fleet : BanOrigin::restored, s.origin_host, s.lines};
        if (b.expires <= now) {
            // It ended while banjod was away: it never reaches the firewall again.
            state_.remove_ban(b.jail, b.address);
            continue;
        }
        if (auto why = lift ? lift(b) : std::nullopt) {
            // Never handed to the backend: the firewall drops what banjo no longer wants.
            state_.remove_ban(b.jail, b.address);
            const std::string address = b.address.to_string();
            sd::log(LOG_NOTICE, "Lifted the saved ban of " + address + " in jail " + b.jail + ": " + *why,
                    {{"MESSAGE_ID", sd::message_id::unban},
                     {"BANJO_JAIL", b.jail},
                     {"BANJO_ADDRESS", address},
                     {"BANJO_REASON", std::string(to_string(UnbanReason::flushed))}});
            continue;
        }
        table_.insert(b);
        backend_.add(target(b));
        restored.push_back(b);
    }
    flush();
    return restored;
}

std::vector<Ban> BanService::rebuild(const std::vector<Ban>& bans, bool newer_wins) {
    std::vector<Ban> added;
    for (const Ban& b : bans) {
        const auto in_table = table_.find(b.jail, b.address);
        if (in_table && !(newer_wins && in_table->banned < b.banned)) continue;
        table_.insert(b);
        backend_.add(target(b));
        state_.put_ban(stored(b), false);
        added.push_back(b);
    }
    return added;
}

Ban BanService::ban(const Ban& b) {
    table_.insert(b);
    backend_.add(target(b));
    state_.put_ban(stored(b), true);
    ++total_bans_;
    ++counts_[b.jail].bans;
    const std::string address = b.address.to_string();
    const std::string why = b.origin == BanOrigin::manual  ? std::string(" by request")
                            : b.origin == BanOrigin::fleet ? " as fleet host " + b.origin_host + " decided after " +
                                                                 std::to_string(b.failures) + " failures"
                                                           : " after " + std::to_string(b.failures) + " failures";
    sd::log(LOG_NOTICE, "Banned " + address + " in jail " + b.jail + why,
            {{"MESSAGE_ID", sd::message_id::ban},
             {"BANJO_JAIL", b.jail},
             {"BANJO_ADDRESS", address},
             {"BANJO_FAILURES", std::to_string(b.failures)},
             {"BANJO_EXPIRES_USEC", std::to_string(to_wire_usec(b.expires))},
             {"BANJO_ORIGIN", origin_text(b.origin, b.origin_host)}});
    if (listener_.banned) listener_.banned(b);
    return b;
}

// A ban taken out of the table: out of the firewall, out of the store, announced.
void BanService::lifted(const Ban& b, UnbanReason reason) {
    backend_.remove(target(b));
    // The lines go with the store's row: read them first when the unban's actions show them.
    Ban with_lines;
    const bool read_lines = listener_.unbanned && listener_.unban_needs_lines && listener_.unban_needs_lines(b.jail);
    if (read_lines) {
        with_lines = b;
        with_lines.lines = state_.ban_lines(b.jail, b.address);
    }
    state_.remove_ban(b.jail, b.address);
    ++counts_[b.jail].unbans[reason];
    const std::string address = b.address.to_string();
    const std::string why(to_string(reason));
    sd::log(LOG_NOTICE, "Unbanned " + address + " in jail " + b.jail + " (" + why + ")",
            {{"MESSAGE_ID", sd::message_id::unban},
             {"BANJO_JAIL", b.jail},
             {"BANJO_ADDRESS", address},
             {"BANJO_REASON", why}});
    if (listener_.unbanned) listener_.unbanned(read_lines ? with_lines : b, reason);
}

std::optional<Ban> BanService::unban(std::string_view jail, const Cidr& address, UnbanReason reason) {
    auto b = table_.erase(jail, address);
    if (b) lifted(*b, reason);
    return b;
}

std::size_t BanService::expire(Usec now) {
    auto expired = table_.take_expired(now);
    for (const Ban& b : expired) lifted(b, UnbanReason::expired);
    return expired.size();
}

std::vector<Ban> BanService::unban_jail(std::string_view jail, UnbanReason reason) {
    auto removed = table_.take_jail(jail);
    for (const Ban& b : removed) lifted(b, reason);
    return removed;
}

}  // namespace banjo
