// SPDX-License-Identifier: GPL-2.0-or-later
// Follows the journal live inside the event loop: wakes on the journal's fd (never sleeps or
// polls), reads what was appended in chunks so that a flood cannot starve D-Bus and timers,
// runs each entry through the jails and hands ban decisions on. After each chunk it reports the
// cursor of the chunk's last entry, for the store to save together with the chunk's bans.
#pragma once

#include "daemon/jail_set.hpp"
#include "journal/journal_reader.hpp"
#include "lib/sd/event.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace banjo {

class JournalFollower {
public:
    using DecisionSink = std::function<void(std::size_t jail, const BanDecision&)>;
    using ChunkDone = std::function<void(const std::string& cursor)>;

    JournalFollower(sd::Event& loop, JournalReader reader, DecisionSink on_ban, ChunkDone on_chunk);

    // Starts reading through `jails` (which must outlive the follower or the next set_jails):
    // after `cursor` when there is one, else from `first_start` (journal time).
    void start(JailSet& jails, const std::optional<std::string>& cursor, Usec first_start);
    // A new set of jails (reload): new matches, reading on after the last entry processed.
    void set_jails(JailSet& jails);

    std::uint64_t entries_processed() const noexcept { return entries_; }
    const std::string& cursor() const noexcept { return cursor_; }
    // Journal time of the last entry processed (0 before the first).
    std::uint64_t last_entry_usec() const noexcept { return last_entry_usec_; }

private:
    void wake();
    void drain();

    sd::Event& loop_;
    JournalReader reader_;
    DecisionSink on_ban_;
    ChunkDone on_chunk_;
    JailSet* jails_ = nullptr;
    sd::EventSource io_;
    sd::EventSource continue_;   // more entries are waiting: go on after the loop's other work
    std::string cursor_;
    std::uint64_t entries_ = 0;
    std::uint64_t last_entry_usec_ = 0;
};

}  // namespace banjo
