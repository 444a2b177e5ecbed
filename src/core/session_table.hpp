// SPDX-License-Identifier: GPL-2.0-or-later
// What banjo remembers about one connection ("session") between its log lines, so that a line
// without a host can still be pinned on one: sshd logs "Connection from <HOST>" and, later in
// the same process, "Disconnecting: Too many authentication failures" with no address at all.
// Sessions are keyed by an id (the <F-ID> capture, else a journal field such as _PID).
//
// The table is the single judge of whether a matched line counts: a jail counts a failure
// exactly when feed() returns an address. Attackers open sessions at will, so the table is
// bounded: at most max_sessions entries, each forgotten max_age after its last line, the least
// recently seen evicted first. feed() is O(1) on average; it allocates only to open a session
// (one node holding the id, the session and its place in the recency list, so a lookup touches
// one node: a replay feeds every matched line through here). One thread.
#pragma once

#include "core/address.hpp"
#include "core/duration.hpp"
#include "core/filter.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace banjo {

// sshd keeps an unauthenticated connection LoginGraceTime (2 min by default); a session whose
// last line is older than this is over whatever it logged last.
inline constexpr Usec default_session_max_age_usec = std::chrono::minutes(10);
inline constexpr std::size_t default_max_sessions = 65536;

class SessionTable {
public:
    SessionTable(std::size_t max_sessions, Usec max_age);

    // Feeds one matched line of session `id` at `time` (the entry's journal time). Returns the
    // address to count a failure against, or nullopt. The rules, fail2ban's for its sshd filter:
    // - failure: counts against its own address, else the session's; with neither it waits in
    //   the session ("pending") until a later line of the session names the host.
    // - info / forget: count nothing, but a host they name settles a pending failure; and once a
    //   session has tried two different user names, each of its lines counts (one login trying
    //   several accounts is guessing, even when each attempt alone looks harmless).
    // - gained (a login succeeded): drops pending failures.
    // - ends_session: the id is forgotten after this line.
    // An empty id means "no session": only a failure's own address counts.
    std::optional<Address> feed(const FilterMatch& match, std::string_view id, Usec time);

    std::size_t size() const noexcept { return index_.size(); }
    void clear() noexcept;

private:
    struct Session {
        std::optional<Address> host;
        Usec last{};
        std::size_t user_hash = 0;   // of the first user name seen; a hash bounds memory per session
        bool has_user = false;
        bool several_users = false;
        bool pending = false;        // a failure waits for the host
        // The recency list, least recently seen first, through the map's nodes (which never
        // move), and the id that keys this node.
        Session* older = nullptr;
        Session* newer = nullptr;
        const std::string* id = nullptr;
    };
    bool expired(const Session& s, Usec time) const noexcept;
    void drop_expired(Usec time);
    void erase(Session* s);
    void unlink(Session* s) noexcept;
    void link_newest(Session* s) noexcept;

    std::size_t max_sessions_;
    Usec max_age_;
    std::unordered_map<std::string, Session> index_;
    Session* oldest_ = nullptr;
    Session* newest_ = nullptr;
    std::string key_;   // the id being looked up: reused, so a lookup does not allocate
};

}  // namespace banjo
