// SPDX-License-Identifier: GPL-2.0-or-later
// SessionTable (src/core/session_table.cpp): which matched lines count, against which host,
// and that the table stays bounded whatever an attacker opens.
#include "core/session_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

using namespace banjo;
using namespace std::chrono_literals;

namespace {

const Address host_a = *Address::parse("198.51.100.4");
const Address host_b = *Address::parse("203.0.113.9");

FilterMatch line(MatchKind kind, std::optional<Address> address = std::nullopt, std::string_view user = {}) {
    FilterMatch m;
    m.kind = kind;
    m.address = address;
    m.user = user;
    m.ends_session = kind == MatchKind::forget;
    return m;
}

FilterMatch failure(std::optional<Address> a = std::nullopt, std::string_view user = {}) {
    return line(MatchKind::failure, a, user);
}
FilterMatch info(std::optional<Address> a = std::nullopt, std::string_view user = {}) {
    return line(MatchKind::info, a, user);
}
FilterMatch forget(std::optional<Address> a = std::nullopt) { return line(MatchKind::forget, a); }

constexpr Usec t0 = std::chrono::hours(1000);

}  // namespace

TEST_CASE("a failure that names its host counts against it") {
    SessionTable t(16, 10min);
    CHECK(t.feed(failure(host_a), "100", t0) == host_a);
}

TEST_CASE("a failure without a host counts against the host its session named earlier") {
    SessionTable t(16, 10min);
    CHECK_FALSE(t.feed(info(host_a), "100", t0));
    CHECK(t.feed(failure(), "100", t0 + 1s) == host_a);
    CHECK(t.feed(failure(), "100", t0 + 2s) == host_a);   // the session goes on
}

TEST_CASE("a failure without a host waits until its session names one, and counts once") {
    SessionTable t(16, 10min);
    CHECK_FALSE(t.feed(failure(), "100", t0));
    CHECK(t.feed(info(host_a), "100", t0 + 1s) == host_a);
    CHECK_FALSE(t.feed(info(host_a), "100", t0 + 2s));
}

TEST_CASE("a session's closing line settles its waiting failure, then the session is forgotten") {
    SessionTable t(16, 10min);
    CHECK_FALSE(t.feed(failure(), "100", t0));
    CHECK(t.feed(forget(host_a), "100", t0 + 1s) == host_a);
    CHECK(t.size() == 0);
    CHECK_FALSE(t.feed(failure(), "100", t0 + 2s));   // nothing left to pin it on
}

TEST_CASE("sessions do not share hosts") {
    SessionTable t(16, 10min);
    t.feed(info(host_a), "100", t0);
    CHECK_FALSE(t.feed(failure(), "200", t0 + 1s));
    CHECK(t.feed(info(host_b), "200", t0 + 2s) == host_b);
}

TEST_CASE("a forgotten session names no host any more") {
    SessionTable t(16, 10min);
    t.feed(info(host_a), "100", t0);
    t.feed(forget(), "100", t0 + 1s);
    CHECK_FALSE(t.feed(failure(), "100", t0 + 2s));
}

TEST_CASE("a failure that ends its session still counts") {
    SessionTable t(16, 10min);
    t.feed(info(host_a), "100", t0);
    FilterMatch reset = failure();
    reset.ends_session = true;
    CHECK(t.feed(reset, "100", t0 + 1s) == host_a);
    CHECK(t.size() == 0);
}

TEST_CASE("info lines count once a session has tried two different users") {
    SessionTable t(16, 10min);
    CHECK_FALSE(t.feed(info(host_a, "root"), "100", t0));
    CHECK_FALSE(t.feed(info(host_a, "root"), "100", t0 + 1s));   // one user, many tries: no
    CHECK(t.feed(info(host_a, "admin"), "100", t0 + 2s) == host_a);
    CHECK(t.feed(info(host_a), "100", t0 + 3s) == host_a);
}

TEST_CASE("a successful login drops waiting failures but not a several-users session") {
    SessionTable t(16, 10min);
    t.feed(failure(), "100", t0);
    FilterMatch login = forget(host_a);
    login.gained = true;
    login.user = "deploy";
    CHECK_FALSE(t.feed(login, "100", t0 + 1s));

    t.feed(info(host_b, "root"), "200", t0);
    login.address = host_b;
    login.user = "known";
    CHECK(t.feed(login, "200", t0 + 1s) == host_b);
}

TEST_CASE("without an id only a failure's own host counts") {
    SessionTable t(16, 10min);
    CHECK(t.feed(failure(host_a), "", t0) == host_a);
    CHECK_FALSE(t.feed(failure(), "", t0));
    CHECK_FALSE(t.feed(info(host_a), "", t0));
    CHECK(t.size() == 0);
}

TEST_CASE("a session is forgotten max_age after its last line") {
    SessionTable t(16, 10min);
    t.feed(info(host_a), "100", t0);
    CHECK(t.feed(failure(), "100", t0 + 9min) == host_a);
    CHECK_FALSE(t.feed(failure(), "100", t0 + 20min));   // 11 min after the last line
}

TEST_CASE("journal time stepping backwards does not expire a session") {
    SessionTable t(16, 10min);
    t.feed(info(host_a), "100", t0);
    CHECK(t.feed(failure(), "100", t0 - 1h) == host_a);
}

TEST_CASE("a full table evicts the session seen least recently") {
    SessionTable t(3, 10min);
    t.feed(info(host_a), "1", t0);
    t.feed(info(host_a), "2", t0 + 1s);
    t.feed(info(host_a), "3", t0 + 2s);
    t.feed(info(host_a), "1", t0 + 3s);   // 1 is fresh again; 2 is now the oldest
    t.feed(info(host_b), "4", t0 + 4s);
    CHECK(t.size() == 3);
    CHECK_FALSE(t.feed(failure(), "2", t0 + 5s));
    CHECK(t.feed(failure(), "1", t0 + 5s) == host_a);
    CHECK(t.feed(failure(), "4", t0 + 5s) == host_b);
}

TEST_CASE("a flood of sessions keeps the table at its bound") {
    SessionTable t(1000, 10min);
    for (int i = 0; i < 200000; ++i) t.feed(info(host_a), std::to_string(i), t0 + std::chrono::microseconds(i));
    CHECK(t.size() == 1000);
    CHECK(t.feed(failure(), "199999", t0 + 1s) == host_a);
    CHECK_FALSE(t.feed(failure(), "0", t0 + 1s));
}

TEST_CASE("expired sessions leave the table even if never looked up again") {
    SessionTable t(1000, 1min);
    for (int i = 0; i < 500; ++i) t.feed(info(host_a), std::to_string(i), t0);
    t.feed(info(host_b), "new", t0 + 2min);
    CHECK(t.size() == 1);
}

TEST_CASE("sessions closed in any order keep the eviction order of the rest") {
    // A model: the ids in order of last use (with whether a host was named), at most 50.
    // Closing sessions in the middle and evicting the oldest move entries inside the table;
    // every session must keep its own host.
    SessionTable t(50, 10min);
    std::vector<std::pair<int, bool>> model;   // least recently used first
    auto host_of = [](int id) {
        std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
        b[14] = static_cast<std::uint8_t>(id >> 8);
        b[15] = static_cast<std::uint8_t>(id);
        return Address::ipv6(b);
    };
    std::uint32_t seed = 7;
    auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 8) % 120; };
    auto touch = [&](int id, bool named) {
        auto it = std::find_if(model.begin(), model.end(), [&](const auto& e) { return e.first == id; });
        if (it != model.end()) {
            named = named || it->second;
            model.erase(it);
        } else if (model.size() == 50) {
            model.erase(model.begin());
        }
        model.emplace_back(id, named);
    };
    for (int step = 0; step < 20000; ++step) {
        const int id = static_cast<int>(next());
        const std::string key = "session-" + std::to_string(id) + (id % 2 ? "-with-a-long-name" : "");
        const Usec now = t0 + std::chrono::milliseconds(step);
        auto it = std::find_if(model.begin(), model.end(), [&](const auto& e) { return e.first == id; });
        const bool named = it != model.end() && it->second;
        switch (next() % 3) {
        case 0: {   // a failure without host: counts against the session's own host, if named
            auto got = t.feed(failure(), key, now);
            if (named) REQUIRE(got == host_of(id));
            else REQUIRE_FALSE(got);
            touch(id, false);
            break;
        }
        case 1:   // a line naming the host
            t.feed(info(host_of(id)), key, now);
            touch(id, true);
            break;
        default:   // the session ends
            t.feed(forget(), key, now);
            if (it != model.end()) model.erase(it);
            break;
        }
        REQUIRE(t.size() == model.size());
    }
}
