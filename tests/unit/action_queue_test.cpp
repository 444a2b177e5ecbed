// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/action_queue.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace banjo;

namespace {

ActionRun run(const std::string& action, int host, ActionTrigger trigger = ActionTrigger::ban) {
    ActionRun r;
    r.action = action;
    r.event.trigger = trigger;
    r.event.jail = "sshd";
    r.event.address = *Address::parse("198.51.100." + std::to_string(host));
    return r;
}

}  // namespace

TEST_CASE("nothing starts before its ban is released, then at most max_running at once") {
    ActionQueue q(2, 10);
    for (int i = 1; i <= 5; ++i) CHECK(q.offer(run("a", i)) == ActionQueue::Offer::queued);
    CHECK_FALSE(q.start_next());   // the firewall has not confirmed yet
    q.release(q.next_sequence() - 1);
    CHECK(q.start_next());
    CHECK(q.start_next());
    CHECK_FALSE(q.start_next());   // two running
    CHECK(q.running() == 2);
    CHECK(q.waiting() == 3);
    q.finished();
    auto third = q.start_next();
    REQUIRE(third);
    CHECK(third->event.address == *Address::parse("198.51.100.3"));   // in order
}

TEST_CASE("the queue is bounded: a burst past max_waiting is dropped and counted") {
    ActionQueue q(1, 100);
    unsigned dropped = 0;
    for (int i = 0; i < 10000; ++i) {
        ActionRun r = run("a", 1);
        r.event.address = *Address::parse("2001:db8::" + std::to_string(i));
        if (q.offer(r) == ActionQueue::Offer::dropped) ++dropped;
        REQUIRE(q.waiting() <= 100);
    }
    CHECK(q.waiting() == 100);
    CHECK(dropped == 9900);
    CHECK(q.dropped() == 9900);
}

TEST_CASE("a run for the same action, trigger and address still waiting is coalesced, the newer event wins") {
    ActionQueue q(1, 10);
    ActionRun first = run("a", 1);
    first.event.failures = 3;
    ActionRun again = run("a", 1);
    again.event.failures = 7;
    CHECK(q.offer(first) == ActionQueue::Offer::queued);
    CHECK(q.offer(again) == ActionQueue::Offer::coalesced);
    CHECK(q.offer(run("b", 1)) == ActionQueue::Offer::queued);                        // another action
    CHECK(q.offer(run("a", 1, ActionTrigger::unban)) == ActionQueue::Offer::queued);  // another trigger
    CHECK(q.waiting() == 3);
    CHECK(q.coalesced() == 1);
    q.release(q.next_sequence() - 1);
    auto r = q.start_next();
    REQUIRE(r);
    CHECK(r->event.failures == 7);
}

TEST_CASE("a release covers only the runs offered before it") {
    ActionQueue q(5, 10);
    q.offer(run("a", 1));
    const auto up_to = q.next_sequence() - 1;
    q.offer(run("a", 2));
    q.release(up_to);
    CHECK(q.start_next());
    CHECK_FALSE(q.start_next());
}
