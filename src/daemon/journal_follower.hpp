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
    using DecisionSink = JailSet::BanSink;
    using ChunkDone = std::function<void(const std::string& cursor)>;

    JournalFollower(sd::Event& loop, JournalReader reader, DecisionSink on_ban, ChunkDone on_chunk);

    // After a restart: reads the `span` (the longest findtime) of journal before `cursor` again
    // through `jails`, counting failures but deciding nothing, so the failure windows are what
    // they were when the cursor was saved; the bans decided back then are in the state store.
    // Runs to completion before the service answers. Leaves the reader just after the cursor.
    void warm_up(JailSet& jails, const std::string& cursor, Usec span);

    // Starts following through `jails` (which must outlive the follower or the next set_jails):
    // after warm_up() when it ran, else from `first_start` (journal time).
    void start(JailSet& jails, Usec first_start);
    // A new set of jails (reload): new matches, reading on after the last entry processed.
    void set_jails(JailSet& jails);

    std::uint64_t entries_processed() const noexcept { return entries_; }
    const std::string& cursor() const noexcept { return cursor_; }
    // Journal time of the last entry processed (0 before the first).
    Usec last_entry() const noexcept { return last_entry_; }

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
    Usec last_entry_{0};
    bool warmed_ = false;
    bool pending_entry_ = false;   // warm_up() stopped on an entry it did not process
};

}  // namespace banjo
