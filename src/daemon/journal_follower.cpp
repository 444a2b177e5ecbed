// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/journal_follower.hpp"

#include "lib/sd/log.hpp"

#include <chrono>
#include <syslog.h>

namespace banjo {

namespace {
// Entries read per loop iteration: a few milliseconds of work, so a flood of journal entries
// still lets D-Bus calls, expiry timers and the watchdog through between chunks.
constexpr unsigned chunk_entries = 2000;
}  // namespace

JournalFollower::JournalFollower(sd::Event& loop, JournalReader reader, DecisionSink on_ban, ChunkDone on_chunk)
    : loop_(loop), reader_(std::move(reader)), on_ban_(std::move(on_ban)), on_chunk_(std::move(on_chunk)) {}

void JournalFollower::start(JailSet& jails, const std::optional<std::string>& cursor, Usec first_start) {
    jails_ = &jails;
    reader_.set_matches(jails.journal_matches());
    if (!cursor || !reader_.seek_after_cursor(*cursor)) {
        if (cursor) sd::log(LOG_WARNING, "The saved journal cursor is unusable; reading from the longest findtime ago");
        reader_.seek_realtime(static_cast<std::uint64_t>(first_start.count() > 0 ? first_start.count() : 0));
    }
    if (cursor) cursor_ = *cursor;
    io_ = loop_.add_io(reader_.fd(), static_cast<std::uint32_t>(reader_.events()), [this](std::uint32_t) { wake(); });
    continue_ = loop_.add_timer([this] { drain(); });
    continue_.arm_in(std::chrono::microseconds(0));
}

void JournalFollower::set_jails(JailSet& jails) {
    jails_ = &jails;
    // A new match resets the reader's position: go back to just after the last entry processed.
    reader_.set_matches(jails.journal_matches());
    if (cursor_.empty() || !reader_.seek_after_cursor(cursor_)) reader_.seek_tail();
    continue_.arm_in(std::chrono::microseconds(0));
}

void JournalFollower::wake() {
    // APPEND and INVALIDATE (rotation, vacuuming) alike: read on from the current position; the
    // reader watches the directory, so files that appear are picked up.
    reader_.process();
    drain();
}

void JournalFollower::drain() {
    unsigned n = 0;
    bool more = false;
    while (true) {
        if (n == chunk_entries) {
            more = true;
            break;
        }
        if (!reader_.next()) break;
        ++n;
        ++entries_;
        last_entry_usec_ = reader_.realtime_usec();
        jails_->process_entry(reader_, on_ban_);
    }
    if (n > 0) {
        cursor_ = reader_.cursor();
        on_chunk_(cursor_);
    }
    if (more) continue_.arm_in(std::chrono::microseconds(0));
}

}  // namespace banjo
