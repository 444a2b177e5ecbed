// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/jail_pipeline.hpp"
#include "core/matched_lines.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace banjo;

namespace {

Address addr(const char* text) { return *Address::parse(text); }

std::vector<std::string> lines_of(MatchedLines& store, const char* jail, const char* address) {
    auto lines = store.take(jail, addr(address));
    return lines ? *lines : std::vector<std::string>{};
}

}  // namespace

TEST_CASE("an address keeps its last max-lines lines, oldest first, and a ban takes them out") {
    MatchedLines store;
    for (int i = 1; i <= 7; ++i) store.add("sshd", addr("198.51.100.1"), "line " + std::to_string(i), 5);
    CHECK(lines_of(store, "sshd", "198.51.100.1") == std::vector<std::string>{"line 3", "line 4", "line 5", "line 6", "line 7"});
    CHECK(store.addresses() == 0);
    CHECK(store.bytes() == 0);
    CHECK(store.take("sshd", addr("198.51.100.1")) == nullptr);
}

TEST_CASE("lines are kept per jail: the same address in two jails has two lists") {
    MatchedLines store;
    store.add("sshd", addr("198.51.100.1"), "ssh line", 5);
    store.add("web", addr("198.51.100.1"), "web line", 5);
    CHECK(lines_of(store, "web", "198.51.100.1") == std::vector<std::string>{"web line"});
    CHECK(lines_of(store, "sshd", "198.51.100.1") == std::vector<std::string>{"ssh line"});
}

TEST_CASE("max-lines 0 keeps nothing") {
    MatchedLines store;
    store.add("sshd", addr("198.51.100.1"), "line", 0);
    CHECK(store.addresses() == 0);
}

TEST_CASE("the store never holds more than its byte bound: the address seen least recently goes first") {
    const std::size_t bound = 64 * 1024;
    MatchedLines store(bound);
    const std::string line(500, 'x');
    // Many more addresses than fit: an attacker with a /64 sends one line from each.
    for (int i = 0; i < 5000; ++i) {
        store.add("sshd", addr(("2001:db8::" + std::to_string(i)).c_str()), line, 5);
        REQUIRE(store.bytes() <= bound);
    }
    CHECK(store.evicted() > 0);
    CHECK(store.addresses() < 5000);
    // The newest address is still there, the oldest is gone.
    CHECK(lines_of(store, "sshd", "2001:db8::4999").size() == 1);
    CHECK(lines_of(store, "sshd", "2001:db8::0").empty());
}

TEST_CASE("an address seen again moves to the front and outlives quieter ones") {
    MatchedLines store(3 * (MatchedLines::entry_overhead_bytes + 4 + 100));
    const std::string line(100, 'y');
    store.add("sshd", addr("198.51.100.1"), line, 1);
    store.add("sshd", addr("198.51.100.2"), line, 1);
    store.add("sshd", addr("198.51.100.3"), line, 1);
    store.add("sshd", addr("198.51.100.1"), line, 1);   // seen again
    store.add("sshd", addr("198.51.100.4"), line, 1);   // pushes out the least recent: .2
    CHECK(lines_of(store, "sshd", "198.51.100.2").empty());
    CHECK(lines_of(store, "sshd", "198.51.100.1").size() == 1);
}

TEST_CASE("a very long line is cut, never split inside a UTF-8 character") {
    MatchedLines store;
    std::string line = std::string(MatchedLines::max_line_bytes - 1, 'a') + "\xc3\xa9" + std::string(5000, 'b');
    store.add("sshd", addr("198.51.100.1"), line, 5);
    auto kept = lines_of(store, "sshd", "198.51.100.1");
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].size() == MatchedLines::max_line_bytes - 1);
    CHECK(kept[0] == std::string(MatchedLines::max_line_bytes - 1, 'a'));
}

TEST_CASE("shrinking the bound drops lines at once; forgetting a jail drops only its lines") {
    MatchedLines store;
    store.add("sshd", addr("198.51.100.1"), "a", 5);
    store.add("web", addr("198.51.100.2"), "b", 5);
    store.forget_jail("sshd");
    CHECK(store.addresses() == 1);
    store.set_max_bytes(0);
    CHECK(store.addresses() == 0);
    CHECK(store.bytes() == 0);
}

TEST_CASE("a jail's ban decision carries the matched lines of the failures that led to it") {
    FilterSpec f;
    f.name = "demo";
    f.failregex.push_back(Pattern{"bad login for \\S+ from <HOST>", {}});
    JailSettings s;
    s.name = "demo";
    s.maxretry = 3;
    s.max_lines = 2;
    JailPipeline p(s, f);
    MatchedLines store;
    p.keep_lines(&store);
    auto at = [](int seconds) { return Usec(std::chrono::seconds(1'700'000'000 + seconds)); };
    std::optional<BanDecision> d;
    for (int i = 0; i < 3; ++i) {
        const std::string line = "bad login for user" + std::to_string(i) + " from 198.51.100.9";
        auto m = p.match(line);
        REQUIRE(m);
        d = p.count(*m, {}, at(i), line);
    }
    REQUIRE(d);
    REQUIRE(d->lines);
    CHECK(*d->lines == std::vector<std::string>{"bad login for user1 from 198.51.100.9",
                                                "bad login for user2 from 198.51.100.9"});
    CHECK(store.addresses() == 0);   // handed on with the ban
}
