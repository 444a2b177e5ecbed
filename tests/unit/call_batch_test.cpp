// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/call_batch.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <stdexcept>
#include <vector>

using namespace banjo;

namespace {

// Replies a test delivers by hand, as sd-bus would from the loop later.
using Reply = std::function<void(int)>;

}  // namespace

TEST_CASE("a batch goes on only after finish() and the answer of every call it tracked") {
    int done = 0;
    auto batch = CallBatch::create([&] { ++done; });
    std::vector<Reply> replies;
    for (int i = 0; i < 3; ++i) replies.push_back(batch->track([](int) {}));
    batch->finish();
    replies[2](0);
    replies[0](0);
    CHECK(done == 0);
    replies[1](0);
    CHECK(done == 1);
}

TEST_CASE("a batch that started no call goes on at finish()") {
    int done = 0;
    auto batch = CallBatch::create([&] { ++done; });
    CHECK(batch->started_none());
    batch->finish();
    CHECK(done == 1);
}

TEST_CASE("a call started by a reply handler of the batch holds the batch back until it answers") {
    int done = 0;
    auto batch = CallBatch::create([&] { ++done; });
    Reply inner;
    Reply outer = batch->track([&](int) { inner = batch->track([](int) {}); });
    batch->finish();
    outer(0);
    CHECK(done == 0);
    inner(0);
    CHECK(done == 1);
}

TEST_CASE("a reply handler that throws still counts as answered, and its exception goes on") {
    int done = 0;
    auto batch = CallBatch::create([&] { ++done; });
    Reply reply = batch->track([](int) { throw std::runtime_error("bad reply"); });
    batch->finish();
    CHECK_THROWS_AS(reply(0), std::runtime_error);
    CHECK(done == 1);
}

TEST_CASE("a batch may be dropped by what it goes on to, and runs it once") {
    int done = 0;
    std::shared_ptr<CallBatch> batch;
    batch = CallBatch::create([&] {
        ++done;
        batch.reset();   // the owner lets go of the batch that is finishing
    });
    Reply reply = batch->track([](int) {});
    batch->finish();
    reply(0);
    CHECK(done == 1);
    CHECK(batch == nullptr);
    reply(0);   // a second answer (never sent by sd-bus) changes nothing
    CHECK(done == 1);
}
