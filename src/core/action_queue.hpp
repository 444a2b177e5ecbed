// SPDX-License-Identifier: GPL-2.0-or-later
// The runs of actions waiting for their turn, off the ban path. A burst of bans must not become
// a burst of processes or connections: at most max_running run at once and at most max_waiting
// wait. A run offered while one for the same (action, trigger, jail, address) still waits is
// merged into it (coalesced: the newer event wins); past max_waiting the new run is dropped.
// Both are counted, for the journal and the metrics. A run becomes startable only once the
// firewall holds what it reports (release()): runs carry the sequence number of their offer.
// No I/O; one thread.
#pragma once

#include "core/action_event.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace banjo {

struct ActionRun {
    std::string action;   // [action.NAME]
    ActionEvent event;
    std::uint64_t sequence = 0;   // set by offer()
};

class ActionQueue {
public:
    enum class Offer { queued, coalesced, dropped };

    ActionQueue(std::size_t max_running, std::size_t max_waiting) : max_running_(max_running), max_waiting_(max_waiting) {}
    void set_limits(std::size_t max_running, std::size_t max_waiting) noexcept {
        max_running_ = max_running;
        max_waiting_ = max_waiting;
    }

    Offer offer(ActionRun run);
    // The sequence number the next offer gets: release(n) frees every run offered before it.
    std::uint64_t next_sequence() const noexcept { return sequence_ + 1; }
    // Runs offered with a sequence number up to `sequence` may start (their bans are in force).
    void release(std::uint64_t sequence) noexcept;
    // The next run that may start now, counted as running; nullopt when none may.
    std::optional<ActionRun> start_next();
    // A run that start_next() gave has ended.
    void finished() noexcept;

    std::size_t running() const noexcept { return running_; }
    std::size_t waiting() const noexcept { return waiting_.size(); }
    std::uint64_t coalesced() const noexcept { return coalesced_; }
    std::uint64_t dropped() const noexcept { return dropped_; }

private:
    std::size_t max_running_;
    std::size_t max_waiting_;
    std::deque<ActionRun> waiting_;
    std::size_t running_ = 0;
    std::uint64_t sequence_ = 0;
    std::uint64_t released_ = 0;
    std::uint64_t coalesced_ = 0;
    std::uint64_t dropped_ = 0;
};

}  // namespace banjo
