// SPDX-License-Identifier: GPL-2.0-or-later
// A group of asynchronous calls that must all have answered before what comes next: a step of
// the firewalld setup, or a round of ipset changes. The batch counts a call when its reply
// handler is made (track()), so the count cannot drift from the calls actually started, and a
// handler may start more calls of the same batch. `then` runs once: after finish() (no more
// calls will be started from outside a handler) and the last answer. Plain C++, one thread.
#pragma once

#include <functional>
#include <memory>
#include <utility>

namespace banjo {

class CallBatch : public std::enable_shared_from_this<CallBatch> {
public:
    static std::shared_ptr<CallBatch> create(std::function<void()> then) {
        return std::shared_ptr<CallBatch>(new CallBatch(std::move(then)));
    }

    // Counts one call and returns its reply handler: `handler`, after which the call counts as
    // answered, even when the handler throws (the exception goes on to the caller).
    template <typename F>
    auto track(F handler) {
        ++pending_;
        ++started_;
        return [batch = shared_from_this(), handler = std::move(handler)](auto&&... reply) {
            try {
                handler(std::forward<decltype(reply)>(reply)...);
            } catch (...) {
                batch->answered();
                throw;
            }
            batch->answered();
        };
    }

    // Every call from outside a handler has been started: `then` runs when they have answered,
    // now if none is pending.
    void finish() { answered(); }

    bool started_none() const noexcept { return started_ == 0; }
    // Something in the batch went wrong; for `then` to decide what to do about it.
    void set_failed() noexcept { failed_ = true; }
    bool failed() const noexcept { return failed_; }

private:
    explicit CallBatch(std::function<void()> then) : then_(std::move(then)) {}

    void answered() {
        if (pending_ == 0 || --pending_ != 0) return;
        // `then` may drop the last owner of this batch: keep it alive until it returns.
        auto keep = shared_from_this();
        auto then = std::move(then_);
        then_ = nullptr;
        if (then) then();
    }

    unsigned pending_ = 1;   // finish() drops this one
    unsigned started_ = 0;
    bool failed_ = false;
    std::function<void()> then_;
};

}  // namespace banjo
