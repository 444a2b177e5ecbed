// SPDX-License-Identifier: GPL-2.0-or-later
// What banjo remembers about one connection ("session") between its log lines, so that a line
// without a host can still be pinned on one: sshd logs "Connection from <HOST>" and, later in
// the same process, "Disconnecting: Too many authentication failures" with no address at all.
// Sessions are keyed by an id (the <F-ID> capture, else a journal field such as _PID).
//
// The table is the single judge of whether a matched line counts: a jail counts a failure
// exactly when feed() returns an address. Attackers open sessions at will, so the table is
// bounded: at most max_sessions entries, each forgotten max_age after its last line, the least
// recently seen evicted first. feed() is O(1) on average and allocates only when the table
// grows (or for an id longer than 15 bytes). A session costs 56 bytes in one array plus 5-10
// bytes of index: a replay feeds every matched line through here, and in the worst case (one
// process per failure) the table is full. One thread.
#pragma once

#include "core/address.hpp"
#include "core/duration.hpp"
#include "core/filter.hpp"
#include "core/flat_map.hpp"
#include "core/session_id.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

namespace banjo {

// sshd keeps an unauthenticated connection LoginGraceTime (2 min by default); a session whose
// last line is older than this is over whatever it logged last.
inline constexpr Usec default_session_max_age_usec = std::chrono::minutes(10);
// A session matters while its process can still log, and servers bound how many connections
// wait for authentication at once (sshd's MaxStartups: 100 by default; Postfix's and
// Dovecot's process limits are of the same order): 16384 sessions is over a hundred times
// that, so the session seen least recently when the table is full belongs to a process that
// has long finished. It bounds the worst case (one process per failure) to ~1 MB.
inline constexpr std::size_t default_max_sessions = 16384;

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
    static constexpr std::uint32_t none = UINT32_MAX;
    // Packed to 40 bytes (the time in two 4-byte words), so with its id an entry takes 56.
    struct Session {
        Address host;
        std::uint8_t flags = 0;
        std::uint32_t user_hash = 0;   // of the first user name seen; a hash bounds memory per session
        std::uint32_t last_words[2] = {};
        // The recency list, least recently seen first, by position in the table.
        std::uint32_t older = none;
        std::uint32_t newer = none;

        Usec last() const noexcept;
        void set_last(Usec t) noexcept;
        bool has(std::uint8_t flag) const noexcept { return (flags & flag) != 0; }
        void set(std::uint8_t flag, bool on) noexcept {
            flags = static_cast<std::uint8_t>(on ? flags | flag : flags & ~flag);
        }
    };
    static_assert(sizeof(Session) == 40, "a session should pack to 40 bytes");
    static constexpr std::uint8_t has_host = 1, has_user = 2, several_users = 4, pending = 8;
    using Table = FlatMap<SessionId, Session, SessionIdHash>;

    bool expired(const Session& s, Usec time) const noexcept;
    void drop_expired(Usec time);
    void erase(std::uint32_t pos);
    void unlink(std::uint32_t pos) noexcept;
    void link_newest(std::uint32_t pos) noexcept;
    Session& at(std::uint32_t pos) noexcept { return index_.at(pos).value; }

    std::size_t max_sessions_;
    Usec max_age_;
    Table index_;
    std::uint32_t oldest_ = none;
    std::uint32_t newest_ = none;
};

}  // namespace banjo
