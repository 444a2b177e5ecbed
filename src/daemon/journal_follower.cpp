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

void JournalFollower::warm_up(JailSet& jails, const std::string& cursor, Usec span) {
    jails_ = &jails;
    cursor_ = cursor;
    reader_.set_matches(jails.journal_matches());
    auto saved_at = JournalReader::cursor_realtime(cursor);
    if (!saved_at) {
        if (!reader_.seek_after_cursor(cursor)) {
            sd::log(LOG_WARNING, "The saved journal cursor is unusable; reading from the end of the journal");
            reader_.seek_tail();
        }
        warmed_ = true;
        return;
    }
    reader_.seek_realtime(*saved_at - span);
    const JailSet::BanSink ignore_decision = [](const Jail&, const BanDecision&) {};
    std::uint64_t recounted = 0;
    while (reader_.next()) {
        if (reader_.realtime() > *saved_at && !reader_.is_at(cursor)) {
            // Past the saved entry without meeting it (vacuumed): this one is new.
            pending_entry_ = true;
            break;
        }
        jails.process_entry(reader_, ignore_decision);
        ++recounted;
        if (reader_.is_at(cursor)) break;
    }
    warmed_ = true;
    sd::log(LOG_INFO, "Recounted " + std::to_string(recounted) + " journal entries before the saved cursor");
}

void JournalFollower::start(JailSet& jails, Usec first_start) {
    jails_ = &jails;
    if (!warmed_) {
        reader_.set_matches(jails.journal_matches());
        reader_.seek_realtime(first_start);
    }
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
        if (pending_entry_) {
            pending_entry_ = false;
        } else if (!reader_.next()) {
            break;
        }
        ++n;
        ++entries_;
        last_entry_ = reader_.realtime();
        jails_->process_entry(reader_, on_ban_);
    }
    if (n > 0) {
        cursor_ = reader_.cursor();
        on_chunk_(cursor_);
    }
    if (more) continue_.arm_in(std::chrono::microseconds(0));
}

}  // namespace banjo
