// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/jail_pipeline.hpp"

#include <doctest/doctest.h>

using namespace banjo;

namespace {

FilterSpec demo_filter() {
    FilterSpec f;
    f.name = "demo";
    f.failregex.push_back(Pattern{"bad login from <HOST>", {}});
    return f;
}

JailSettings demo_jail() {
    JailSettings s;
    s.name = "demo";
    s.maxretry = 2;
    return s;
}

Usec at(int seconds) { return Usec(std::chrono::seconds(1'700'000'000 + seconds)); }

std::optional<BanDecision> feed(JailPipeline& p, const std::string& message, Usec time) {
    auto m = p.match(message);
    REQUIRE(m);
    return p.count(*m, {}, time);
}

}  // namespace

TEST_CASE("refused failures are counted by kind and kept for the journal, the real ones still ban") {
    JailPipeline p(demo_jail(), demo_filter());
    CHECK_FALSE(feed(p, "bad login from 0.0.0.0", at(0)));
    CHECK_FALSE(feed(p, "bad login from 0.0.0.0", at(1)));
    CHECK_FALSE(feed(p, "bad login from ff02::1", at(2)));
    CHECK(p.counters().refused[static_cast<std::size_t>(SpecialAddress::unspecified)] == 2);
    CHECK(p.counters().refused[static_cast<std::size_t>(SpecialAddress::multicast)] == 1);
    CHECK(p.counters().failures == 0);
    CHECK(p.counters().bans == 0);

    std::uint64_t not_kept = 99;
    auto refusals = p.take_refusals(not_kept);
    CHECK(not_kept == 0);
    REQUIRE(refusals.size() == 3);
    CHECK(refusals[0].address.to_string() == "0.0.0.0");
    CHECK(refusals[0].kind == SpecialAddress::unspecified);
    CHECK(refusals[0].time == at(0));
    CHECK(refusals[2].kind == SpecialAddress::multicast);
    CHECK(p.take_refusals(not_kept).empty());

    CHECK_FALSE(feed(p, "bad login from 198.51.100.9", at(3)));
    CHECK(feed(p, "bad login from 198.51.100.9", at(4)));
}

TEST_CASE("a flood of refused failures keeps a bounded queue and counts the rest") {
    JailPipeline p(demo_jail(), demo_filter());
    for (int i = 0; i < 10'000; ++i) feed(p, "bad login from 224.0.0.1", at(i));
    std::uint64_t not_kept = 0;
    CHECK(p.take_refusals(not_kept).size() == max_pending_refusals);
    CHECK(not_kept == 10'000 - max_pending_refusals);
    CHECK(p.counters().refused[static_cast<std::size_t>(SpecialAddress::multicast)] == 10'000);
}
