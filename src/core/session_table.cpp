// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/session_table.hpp"

#include <algorithm>
#include <functional>

namespace banjo {

SessionTable::SessionTable(std::size_t max_sessions, Usec max_age) : max_sessions_(max_sessions), max_age_(max_age) {}

void SessionTable::clear() noexcept {
    index_.clear();
    oldest_ = newest_ = nullptr;
}

bool SessionTable::expired(const Session& s, Usec time) const noexcept {
    // Journal time can step backwards (an entry written late); such a line is not "later".
    return time > s.last && time - s.last > max_age_;
}

// The list is in order of last use, which is time order while time moves forward, so expired
// sessions sit at its front: this costs O(1) per dropped session.
void SessionTable::drop_expired(Usec time) {
    while (oldest_ && expired(*oldest_, time)) erase(oldest_);
}

void SessionTable::unlink(Session* s) noexcept {
    (s->older ? s->older->newer : oldest_) = s->newer;
    (s->newer ? s->newer->older : newest_) = s->older;
    s->older = s->newer = nullptr;
}

void SessionTable::link_newest(Session* s) noexcept {
    s->older = newest_;
    s->newer = nullptr;
    (newest_ ? newest_->newer : oldest_) = s;
    newest_ = s;
}

void SessionTable::erase(Session* s) {
    unlink(s);
    index_.erase(*s->id);
}

std::optional<Address> SessionTable::feed(const FilterMatch& match, std::string_view id, Usec time) {
    if (id.empty() || max_sessions_ == 0) {
        if (match.kind == MatchKind::failure) return match.address;
        return std::nullopt;
    }
    drop_expired(time);

    key_.assign(id);
    Session* s = nullptr;
    if (auto found = index_.find(key_); found != index_.end()) {
        if (expired(found->second, time))
            erase(&found->second);
        else
            s = &found->second;
    }

    std::optional<Address> host = match.address;
    if (!host && s) host = s->host;

    bool several_users = s && s->several_users;
    std::size_t user_hash = 0;
    bool has_user = !match.user.empty();
    if (has_user) {
        user_hash = std::hash<std::string_view>{}(match.user);
        if (s && s->has_user && s->user_hash != user_hash) several_users = true;
    }
    bool pending = s && s->pending && !match.gained;

    bool counts = match.kind == MatchKind::failure || pending || several_users;
    std::optional<Address> result;
    if (counts && host) {
        result = host;
        pending = false;
    } else if (counts) {
        pending = true;
    }

    if (match.ends_session) {
        if (s) erase(s);
        return result;
    }
    if (!s) {
        if (index_.size() >= max_sessions_) erase(oldest_);
        auto [it, inserted] = index_.try_emplace(key_);
        s = &it->second;
        s->id = &it->first;
        s->last = time;
    } else {
        unlink(s);
    }
    link_newest(s);
    if (match.address) s->host = match.address;
    if (has_user && !s->has_user) {
        s->has_user = true;
        s->user_hash = user_hash;
    }
    s->several_users = several_users;
    s->pending = pending;
    s->last = std::max(s->last, time);
    return result;
}

}  // namespace banjo
