// SPDX-License-Identifier: GPL-2.0-or-later
#include "state/state_changes.hpp"

#include <algorithm>

namespace banjo {

void StateChanges::put_ban(const StoredBan& ban) {
    if (rewrite_bans_) return;   // the ban table has it, and the rewrite takes the table
    Key key{ban.jail, ban.address};
    auto it = bans_.find(key);
    if (it != bans_.end()) {
        it->second = ban;
        return;
    }
    if (bans_.size() >= max_ban_changes) {
        rewrite_bans();
        return;
    }
    bans_.emplace(std::move(key), ban);
}

void StateChanges::remove_ban(std::string_view jail, const Cidr& address) {
    if (rewrite_bans_) return;
    Key key{std::string(jail), address};
    auto it = bans_.find(key);
    if (it != bans_.end()) {
        it->second.reset();
        return;
    }
    if (bans_.size() >= max_ban_changes) {
        rewrite_bans();
        return;
    }
    bans_.emplace(std::move(key), std::nullopt);
}

StateChanges::Offences* StateChanges::offences_of(std::string_view jail, const Cidr& address) {
    Key key{std::string(jail), address};
    auto it = offences_.find(key);
    if (it != offences_.end()) return &it->second;
    if (offences_.size() >= max_offence_changes) {
        ++dropped_offences_;
        return nullptr;
    }
    return &offences_.emplace(std::move(key), Offences{}).first->second;
}

void StateChanges::count_offence(std::string_view jail, const Cidr& address, Usec banned_at) {
    if (Offences* o = offences_of(jail, address)) {
        ++o->added;
        o->last_banned_at = std::max(o->last_banned_at, banned_at);
    }
}

void StateChanges::note_offences(std::string_view jail, const Cidr& address, unsigned count, Usec last_banned_at) {
    if (Offences* o = offences_of(jail, address)) {
        o->at_least = std::max(o->at_least, count);
        o->last_banned_at = std::max(o->last_banned_at, last_banned_at);
    }
}

void StateChanges::log_ban(const StoredBan& ban) {
    if (logged_bans_.size() >= max_logged_bans) {
        ++dropped_logged_bans_;
        return;
    }
    logged_bans_.push_back(ban);
}

void StateChanges::set_cursor(std::string_view cursor) { cursor_ = std::string(cursor); }

void StateChanges::set_file_position(const FilePosition& position) { file_positions_[position.path] = position; }

void StateChanges::set_fleet_position(std::string_view host, std::string_view stream_id) {
    fleet_positions_[std::string(host)] = std::string(stream_id);
}

void StateChanges::forget_history_before(Usec cutoff) {
    forget_before_ = std::max(forget_before_.value_or(cutoff), cutoff);
}

void StateChanges::rewrite_bans() {
    rewrite_bans_ = true;
    bans_.clear();
}

bool StateChanges::empty() const noexcept {
    return !rewrite_bans_ && bans_.empty() && offences_.empty() && logged_bans_.empty() && !cursor_ &&
           file_positions_.empty() && fleet_positions_.empty() &&
           !forget_before_;
}

std::size_t StateChanges::size() const noexcept {
    return bans_.size() + (rewrite_bans_ ? 1 : 0) + offences_.size() + logged_bans_.size() + (cursor_ ? 1 : 0) +
           file_positions_.size() + fleet_positions_.size() +
           (forget_before_ ? 1 : 0);
}

void StateChanges::clear() noexcept {
    bans_.clear();
    rewrite_bans_ = false;
    offences_.clear();
    logged_bans_.clear();
    cursor_.reset();
    file_positions_.clear();
    fleet_positions_.clear();
    forget_before_.reset();
}

}  // namespace banjo
