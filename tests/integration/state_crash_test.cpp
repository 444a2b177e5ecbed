// SPDX-License-Identifier: GPL-2.0-or-later
// The state store under kill -9: a child process commits batches in a tight loop, each batch
// k banning N addresses, re-banning one address of batch k-1, lifting the bans of batch k-W
// and saving cursor "c<k>"; the parent kills it at random moments and reopens the store.
// Whatever the moment, the file must open and hold exactly the state after some batch k, and
// never less than what an earlier round already saw committed.
// BANJO_CRASH_SEED=N repeats a run; the seed is printed on failure.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "state/state_store.hpp"
#include "temp_dir.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <utility>

using namespace banjo;

namespace {

constexpr int bans_per_batch = 40;   // N
constexpr int window = 8;            // W: a batch lifts the bans of batch k - W
constexpr int rounds = 30;
constexpr int max_kill_delay_ms = 50;
constexpr const char* jail = "sshd";

// 2001:db8::K:I, one address per (batch, index), documentation range only.
Address address(int batch, int index) {
    std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
    for (int i = 0; i < 4; ++i) {
        b[8 + i] = static_cast<std::uint8_t>(static_cast<unsigned>(batch) >> (24 - 8 * i));
        b[12 + i] = static_cast<std::uint8_t>(static_cast<unsigned>(index) >> (24 - 8 * i));
    }
    return Address::ipv6(b);
}

Usec at(int batch) { return Usec(std::chrono::seconds(1'700'000'000 + batch)); }

StoredBan ban_of(int batch, int index, unsigned failures) {
    return StoredBan{jail, address(batch, index), at(batch), at(batch + 600), failures, BanOrigin::filter};
}

int batch_of_cursor(const std::optional<std::string>& cursor) {
    if (!cursor)
        return 0;
    REQUIRE(cursor->size() > 1);
    REQUIRE(cursor->front() == 'c');
    return std::stoi(cursor->substr(1));
}

// The child: never returns into doctest; any failure is an exit code the parent reports.
[[noreturn]] void write_forever(const std::string& dir) {
    try {
        auto store = StateStore::open(dir);
        auto cursor = store.cursor();
        int k = cursor ? std::stoi(cursor->substr(1)) : 0;
        for (;;) {
            ++k;
            auto batch = store.begin();
            for (int i = 0; i < bans_per_batch; ++i)
                batch.add_ban(ban_of(k, i, static_cast<unsigned>(k)), true);
            if (k > 1)   // replaces the ban of batch k-1: failures k instead of k-1
                batch.add_ban(ban_of(k - 1, 0, static_cast<unsigned>(k)), true);
            if (k > window)
                for (int i = 0; i < bans_per_batch; ++i)
                    batch.remove_ban(jail, address(k - window, i));
            batch.set_cursor("c" + std::to_string(k));
            batch.commit();
        }
    } catch (...) {
        _exit(3);
    }
}

// Exactly the state after batch k: bans of batches k-W+1..k, nothing else, no duplicates;
// history counts the re-ban of each batch's first address.
void check_state_after(StateStore& store, int k) {
    std::map<std::pair<int, int>, unsigned> expected;   // (batch, index) -> failures
    for (int j = std::max(1, k - window + 1); j <= k; ++j)
        for (int i = 0; i < bans_per_batch; ++i)
            expected[{j, i}] = (i == 0 && j < k) ? static_cast<unsigned>(j + 1)
                                                 : static_cast<unsigned>(j);

    std::map<Cidr, unsigned> found;
    for (const auto& b : store.active_bans()) {
        CHECK(b.jail == jail);
        auto [it, fresh] = found.emplace(b.address, b.failures);
        CHECK_MESSAGE(fresh, "duplicate row for ", b.address.to_string());
    }
    CHECK(found.size() == expected.size());
    for (const auto& [key, failures] : expected) {
        auto it = found.find(address(key.first, key.second));
        CHECK_MESSAGE(it != found.end(), "batch ", key.first, " ban ", key.second, " missing");
        if (it != found.end())
            CHECK_MESSAGE(it->second == failures, "batch ", key.first, " ban ", key.second);
    }

    std::map<Cidr, unsigned> history;
    for (const auto& h : store.history(jail))
        history.emplace(h.address, h.bans);
    CHECK(history.size() == static_cast<std::size_t>(k) * bans_per_batch);
    for (int j = std::max(1, k - window + 1); j <= k; ++j)
        CHECK(history[address(j, 0)] == (j < k ? 2u : 1u));
}

}  // namespace

TEST_CASE("a store killed at any moment reopens with whole batches only") {
    unsigned seed = std::random_device{}();
    if (const char* s = std::getenv("BANJO_CRASH_SEED"))
        seed = static_cast<unsigned>(std::stoul(s));
    INFO("BANJO_CRASH_SEED=", seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> delay_us(0, max_kill_delay_ms * 1000);

    const banjo::test::TempDir tmp("banjo-state-crash");
    const std::string dir = tmp.path();

    int committed = 0;   // the highest batch any reopen has seen
    for (int round = 0; round < rounds; ++round) {
        CAPTURE(round);
        pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0)
            write_forever(dir);
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
        REQUIRE(kill(child, SIGKILL) == 0);
        int status = 0;
        REQUIRE(waitpid(child, &status, 0) == child);
        REQUIRE_MESSAGE(WIFSIGNALED(status), "the writer stopped by itself, status ", status);

        auto store = StateStore::open(dir);
        int k = batch_of_cursor(store.cursor());
        CAPTURE(k);
        CHECK(k >= committed);   // a process crash loses no commit
        committed = std::max(committed, k);
        check_state_after(store, k);
    }
    // Otherwise the rounds above proved nothing.
    CHECK(committed > 0);
    MESSAGE("batches committed across ", rounds, " kills: ", committed);
}
