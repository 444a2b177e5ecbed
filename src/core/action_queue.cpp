// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/action_queue.hpp"

#include <algorithm>

namespace banjo {

ActionQueue::Offer ActionQueue::offer(ActionRun run) {
    run.sequence = ++sequence_;
    // A linear search: the queue is bounded, and a coalesced burst is what it is for.
    auto same = std::find_if(waiting_.begin(), waiting_.end(), [&](const ActionRun& w) {
        return w.action == run.action && w.event.trigger == run.event.trigger && w.event.jail == run.event.jail &&
               w.event.address == run.event.address;
    });
    if (same != waiting_.end()) {
        *same = std::move(run);
        ++coalesced_;
        return Offer::coalesced;
    }
    if (waiting_.size() >= max_waiting_) {
        ++dropped_;
        return Offer::dropped;
    }
    waiting_.push_back(std::move(run));
    return Offer::queued;
}

void ActionQueue::release(std::uint64_t sequence) noexcept { released_ = std::max(released_, sequence); }

std::optional<ActionRun> ActionQueue::start_next() {
    if (running_ >= max_running_ || waiting_.empty() || waiting_.front().sequence > released_) return std::nullopt;
    ActionRun run = std::move(waiting_.front());
    waiting_.pop_front();
    ++running_;
    return run;
}

void ActionQueue::finished() noexcept {
    if (running_ > 0) --running_;
}

}  // namespace banjo
