// SPDX-License-Identifier: GPL-2.0-or-later
// Opening the state directory whatever it holds: a damaged file of every kind is moved aside
// with its companions and a new store is made; a directory that cannot hold a store is left
// alone and reported; nothing throws.
#include "state/state_opening.hpp"

#include "lib/sqlite/sqlite.hpp"
#include "state/state_store.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace banjo;
using namespace banjo::test;

namespace fs = std::filesystem;

namespace {

// 2023-11-14 22:13:20 UTC
constexpr Usec t0 = std::chrono::seconds(1'700'000'000);
constexpr const char* moved_name = "banjo.db.corrupt-20231114T221320Z";

struct StateDir {
    TempDir dir{"banjo-state-opening-test"};
    std::string path() const { return fs::canonical(dir.dir).string(); }
    std::string db() const { return path() + "/banjo.db"; }

    // A real store with `n` bans, closed (its WAL checkpointed into the file).
    void fill(int n) {
        auto store = StateStore::open(path());
        auto batch = store.begin();
        for (int i = 0; i < n; ++i)
            batch.add_ban(StoredBan{"jail" + std::to_string(i), *Address::parse("198.51.100.1"), t0, t0 + std::chrono::hours(1),
                                    1, BanOrigin::filter},
                          true);
        batch.commit();
    }
    void overwrite(std::streamoff at, const std::string& bytes) const {
        std::fstream f(db(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(at);
        f << bytes;
    }
};

// The file was moved aside under the expected name and a new, empty store now works.
void check_moved_aside(const StateDir& d, StateOpening& opened, const std::string& problem) {
    REQUIRE(opened.storage);
    CHECK(opened.moved_aside == d.path() + "/" + moved_name);
    CHECK(fs::exists(opened.moved_aside));
    CHECK(opened.problem.find(problem) != std::string::npos);
    CHECK(opened.problem.find(d.db()) != std::string::npos);
    CHECK(opened.storage->active_bans().empty());
    CHECK_FALSE(opened.storage->cursor());
}

}  // namespace

TEST_CASE("a usable store is opened, and a missing one made, without moving anything") {
    StateDir d;
    auto first = open_state(d.path(), t0);
    REQUIRE(first.storage);
    CHECK(first.created);
    CHECK(first.moved_aside.empty());
    first.storage.reset();
    auto again = open_state(d.path(), t0);
    REQUIRE(again.storage);
    CHECK_FALSE(again.created);
}

TEST_CASE("a zero-length file is moved aside, never taken for a first start") {
    StateDir d;
    std::ofstream(d.db()).close();
    auto opened = open_state(d.path(), t0);
    check_moved_aside(d, opened, "zero-length");
    CHECK_FALSE(opened.created);
    CHECK(fs::file_size(opened.moved_aside) == 0);
}

TEST_CASE("a file that is not a database is moved aside with its -wal and -shm") {
    StateDir d;
    std::ofstream(d.db()) << std::string(8192, 'x');
    std::ofstream(d.db() + "-wal") << "wal";
    std::ofstream(d.db() + "-shm") << "shm";
    auto opened = open_state(d.path(), t0);
    check_moved_aside(d, opened, "not a database");
    CHECK(fs::exists(opened.moved_aside + "-wal"));
    CHECK(fs::exists(opened.moved_aside + "-shm"));
}

TEST_CASE("a truncated database is moved aside") {
    StateDir d;
    d.fill(2000);
    fs::resize_file(d.db(), fs::file_size(d.db()) / 2);
    auto opened = open_state(d.path(), t0);
    check_moved_aside(d, opened, d.db());
}

TEST_CASE("a database scribbled over inside is moved aside, as its quick_check fails") {
    StateDir d;
    d.fill(2000);
    d.overwrite(4096 * 3, std::string(4096 * 4, '\x5a'));
    auto opened = open_state(d.path(), t0);
    check_moved_aside(d, opened, d.db());
}

TEST_CASE("a database scribbled over at its header is moved aside") {
    StateDir d;
    d.fill(10);
    d.overwrite(0, std::string(100, '\x00'));
    auto opened = open_state(d.path(), t0);
    check_moved_aside(d, opened, "not a database");
}

TEST_CASE("a SQLite database that is not banjo's is moved aside, not taken over") {
    StateDir d;
    {
        auto db = sqlite::Database::open(d.db());
        db.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('cat')");
    }
    auto opened = open_state(d.path(), t0);
    check_moved_aside(d, opened, "not banjo's state");
    auto foreign = sqlite::Database::open(opened.moved_aside);   // still the other program's file
    auto rows = foreign.prepare("SELECT name FROM photos");
    REQUIRE(rows.step());
    CHECK(rows.column_text(0) == "cat");
}

TEST_CASE("a database with banjo's version but without its tables is moved aside") {
    StateDir d;
    {
        auto db = sqlite::Database::open(d.db());
        db.exec("CREATE TABLE other (x); PRAGMA user_version = 1");
    }
    auto opened = open_state(d.path(), t0);
    check_moved_aside(d, opened, "without banjo's tables");
}

TEST_CASE("a second damaged file in the same second gets a name of its own") {
    StateDir d;
    std::ofstream(d.db()).close();
    auto first = open_state(d.path(), t0);
    REQUIRE(first.storage);
    first.storage.reset();
    fs::resize_file(d.db(), 0);
    fs::remove(d.db() + "-wal");
    fs::remove(d.db() + "-shm");
    auto second = open_state(d.path(), t0);
    REQUIRE(second.storage);
    CHECK(second.moved_aside == d.path() + "/" + moved_name + "-1");
    CHECK(fs::exists(first.moved_aside));
}

TEST_CASE("a directory that cannot hold a store gives none and a reason, and moves nothing") {
    StateDir d;
    const std::string file = d.path() + "/plain-file";
    std::ofstream(file) << "x";
    auto opened = open_state(file + "/state", t0);
    CHECK_FALSE(opened.storage);
    CHECK(opened.moved_aside.empty());
    CHECK(opened.problem.find(file + "/state") != std::string::npos);
}

TEST_CASE("a store of a newer banjo is left alone: it is not damaged, this banjo is too old") {
    StateDir d;
    d.fill(1);
    {
        auto db = sqlite::Database::open(d.db());
        db.exec("PRAGMA user_version = 99");
    }
    auto opened = open_state(d.path(), t0);
    CHECK_FALSE(opened.storage);
    CHECK(opened.moved_aside.empty());
    CHECK(opened.problem.find("newer") != std::string::npos);
    CHECK(fs::exists(d.db()));
}
