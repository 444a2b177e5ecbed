// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/session_table.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

namespace banjo {

Usec SessionTable::Session::last() const noexcept {
    std::int64_t v;
    std::memcpy(&v, last_words, sizeof v);
    return Usec(v);
}

void SessionTable::Session::set_last(Usec t) noexcept {
    const std::int64_t v = t.count();
    std::memcpy(last_words, &v, sizeof v);
}

SessionTable::SessionTable(std::size_t max_sessions, Usec max_age)
    : max_sessions_(std::min(max_sessions, Table::max_entries)), max_age_(max_age) {
    index_.set_capacity_limit(max_sessions_);
}

void SessionTable::clear() noexcept {
    index_.clear();
    oldest_ = newest_ = none;
}

bool SessionTable::expired(const Session& s, Usec time) const noexcept {
    // Journal time can step backwards (an entry written late); such a line is not "later".
    return time > s.last() && time - s.last() > max_age_;
}

// The list is in order of last use, which is time order while time moves forward, so expired
// sessions sit at its front: this costs O(1) per dropped session.
void SessionTable::drop_expired(Usec time) {
    while (oldest_ != none && expired(at(oldest_), time)) erase(oldest_);
}

void SessionTable::unlink(std::uint32_t pos) noexcept {
    Session& s = at(pos);
    (s.older != none ? at(s.older).newer : oldest_) = s.newer;
    (s.newer != none ? at(s.newer).older : newest_) = s.older;
    s.older = s.newer = none;
}

void SessionTable::link_newest(std::uint32_t pos) noexcept {
    Session& s = at(pos);
    s.older = newest_;
    s.newer = none;
    (newest_ != none ? at(newest_).newer : oldest_) = pos;
    newest_ = pos;
}

void SessionTable::erase(std::uint32_t pos) {
    unlink(pos);
    const std::size_t moved = index_.erase_at(pos);
    if (moved == Table::npos) return;
    // The table's last session now sits at pos: its neighbours learn the new position.
    Session& s = at(pos);
    (s.older != none ? at(s.older).newer : oldest_) = pos;
    (s.newer != none ? at(s.newer).older : newest_) = pos;
}

std::optional<Address> SessionTable::feed(const FilterMatch& match, std::string_view id, Usec time) {
    if (id.empty() || max_sessions_ == 0) {
        if (match.kind == MatchKind::failure) return match.address;
        return std::nullopt;
    }
    drop_expired(time);

    const SessionId key(id);
    std::uint32_t pos = none;
    if (const std::size_t found = index_.find(key); found != Table::npos) {
        if (expired(at(static_cast<std::uint32_t>(found)), time))
            erase(static_cast<std::uint32_t>(found));
        else
            pos = static_cast<std::uint32_t>(found);
    }
    const Session* s = pos == none ? nullptr : &at(pos);

    std::optional<Address> host = match.address;
    if (!host && s && s->has(has_host)) host = s->host;

    bool several = s && s->has(several_users);
    std::uint32_t user_hash = 0;
    const bool has_user_now = !match.user.empty();
    if (has_user_now) {
        user_hash = static_cast<std::uint32_t>(std::hash<std::string_view>{}(match.user));
        if (s && s->has(has_user) && s->user_hash != user_hash) several = true;
    }
    bool waiting = s && s->has(pending) && !match.gained;

    const bool counts = match.kind == MatchKind::failure || waiting || several;
    std::optional<Address> result;
    if (counts && host) {
        result = host;
        waiting = false;
    } else if (counts) {
        waiting = true;
    }

    if (match.ends_session) {
        if (pos != none) erase(pos);
        return result;
    }
    if (pos == none) {
        if (index_.size() >= max_sessions_) erase(oldest_);
        pos = static_cast<std::uint32_t>(index_.emplace_absent(key));
        at(pos).set_last(time);
    } else {
        unlink(pos);
    }
    link_newest(pos);
    Session& t = at(pos);
    if (match.address) {
        t.host = *match.address;
        t.set(has_host, true);
    }
    if (has_user_now && !t.has(has_user)) {
        t.set(has_user, true);
        t.user_hash = user_hash;
    }
    t.set(several_users, several);
    t.set(pending, waiting);
    t.set_last(std::max(t.last(), time));
    return result;
}

}  // namespace banjo
