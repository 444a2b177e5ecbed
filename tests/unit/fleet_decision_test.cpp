// SPDX-License-Identifier: GPL-2.0-or-later
#include "fleet/fleet_decision.hpp"
#include "fleet/peer_gate.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace std::chrono_literals;

namespace {

FleetDecision ban_of(std::string host, std::string address) {
    FleetDecision d;
    d.host = std::move(host);
    d.jail = "sshd";
    d.address = *Cidr::parse(address);
    d.banned = Usec(1'700'000'000'000'000);
    d.expires = d.banned + 600s;
    d.failures = 5;
    return d;
}

std::string error_of(const FleetDecision::Fields& f) {
    std::string error;
    CHECK_FALSE(FleetDecision::parse(f, &error));
    return error;
}

}  // namespace

TEST_CASE("a ban read back from its stream fields is the ban written") {
    FleetDecision d = ban_of("web-1", "2001:db8::7");
    auto back = FleetDecision::parse(d.to_fields());
    REQUIRE(back);
    CHECK(back->kind == FleetDecision::Kind::ban);
    CHECK(back->host == "web-1");
    CHECK(back->jail == "sshd");
    CHECK(back->address == d.address);
    CHECK(back->banned == d.banned);
    CHECK(back->expires == d.expires);
    CHECK(back->failures == 5);
    d.expires = infinite_usec;
    CHECK(FleetDecision::parse(d.to_fields())->expires == infinite_usec);
}

TEST_CASE("a prefix ban travels as its CIDR text and is read back as that network") {
    FleetDecision d = ban_of("web-1", "198.51.100.0/24");
    auto f = d.to_fields();
    CHECK(f[3].first == "address");
    CHECK(f[3].second == "198.51.100.0/24");
    auto back = FleetDecision::parse(f);
    REQUIRE(back);
    CHECK(back->address == *Cidr::parse("198.51.100.0/24"));
    CHECK_FALSE(back->address.is_host());
    CHECK(FleetDecision::parse(ban_of("web-1", "2001:db8:5::/48").to_fields())->address.to_string() == "2001:db8:5::/48");
}

TEST_CASE("a stream entry banjo did not write is refused with the reason") {
    FleetDecision d = ban_of("web-1", "203.0.113.9");
    auto f = d.to_fields();
    f[3].second = "203.0.113.9; DROP";
    CHECK(error_of(f) == "no valid address");
    f = d.to_fields();
    f[1].second = "../other";
    CHECK(error_of(f) == "no valid host");
    f = d.to_fields();
    f[5].second = "12";   // expires before it was banned
    CHECK(error_of(f) == "no valid expiry");
    f = d.to_fields();
    f.push_back(f[0]);
    CHECK(error_of(f) == "field 'kind' twice");
    CHECK(error_of({}) == "no kind ban or unban");
}

TEST_CASE("stream IDs order as Redis orders them") {
    CHECK(*StreamId::parse("1700000000000-2") < *StreamId::parse("1700000000001-0"));
    CHECK(*StreamId::parse("5-10") > *StreamId::parse("5-9"));
    CHECK(StreamId::parse("5-10")->to_string() == "5-10");
    CHECK_FALSE(StreamId::parse("5"));
    CHECK_FALSE(StreamId::parse("x-1"));
}

TEST_CASE("only configured peers, each in its own stream, are heard") {
    PeerGate gate({"web-1", "web-2"}, 100);
    const Usec now(1'700'000'000'000'000);
    CHECK(gate.admit("web-1", ban_of("web-1", "203.0.113.1"), now, now) == PeerVerdict::accepted);
    CHECK(gate.admit("web-9", ban_of("web-9", "203.0.113.1"), now, now) == PeerVerdict::unknown_origin);
    CHECK(gate.admit("web-1", ban_of("web-2", "203.0.113.1"), now, now) == PeerVerdict::forged_origin);
    CHECK(gate.refused().at("web-9") == 1);
    CHECK(gate.refused().at("web-2") == 1);
}

TEST_CASE("a peer pushing more bans a minute than allowed is refused until the minute has passed") {
    PeerGate gate({"web-1", "web-2"}, 3);
    const Usec t0(1'700'000'000'000'000);
    for (int i = 0; i < 3; ++i) CHECK(gate.admit("web-1", ban_of("web-1", "203.0.113.1"), t0 + i * 1s, t0 + 10s) == PeerVerdict::accepted);
    CHECK(gate.admit("web-1", ban_of("web-1", "203.0.113.2"), t0 + 5s, t0 + 10s) == PeerVerdict::rate_exceeded);
    // Another peer has its own allowance.
    CHECK(gate.admit("web-2", ban_of("web-2", "203.0.113.2"), t0 + 5s, t0 + 10s) == PeerVerdict::accepted);
    // IDs from the future count at the present: no way around the limit.
    CHECK(gate.admit("web-1", ban_of("web-1", "203.0.113.3"), t0 + 3600s, t0 + 10s) == PeerVerdict::rate_exceeded);
    CHECK(gate.admit("web-1", ban_of("web-1", "203.0.113.3"), t0 + 61s, t0 + 61s) == PeerVerdict::accepted);
}
