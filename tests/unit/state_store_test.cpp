// SPDX-License-Identifier: GPL-2.0-or-later
#include "state/state_store.hpp"

#include "lib/sqlite/sqlite.hpp"
#include "state/state_changes.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>


#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <sys/stat.h>

using namespace banjo;
using namespace std::chrono_literals;

namespace {

using test::TempDir;

Address addr(const char* text) { return *Address::parse(text); }
Usec at(int seconds) { return Usec(std::chrono::seconds(1'700'000'000 + seconds)); }

StoredBan ban(const char* jail, const char* address, int banned, int expires,
              unsigned failures = 3, BanOrigin origin = BanOrigin::filter) {
    return StoredBan{jail, addr(address), at(banned), at(expires), failures, origin};
}

void record(StateStore& store, const StoredBan& b, bool counts = true) {
    auto batch = store.begin();
    batch.add_ban(b, counts);
    batch.commit();
}

bool same(const StoredBan& a, const StoredBan& b) {
    return a.jail == b.jail && a.address == b.address && a.banned_at == b.banned_at &&
           a.expires_at == b.expires_at && a.failures == b.failures && a.origin == b.origin;
}

}  // namespace

TEST_CASE("a new store has no bans, no history and no cursor") {
    TempDir dir;
    auto store = StateStore::open(dir.path() + "/sub/dir");   // created as needed
    CHECK(store.active_bans().empty());
    CHECK(store.history("sshd").empty());
    CHECK_FALSE(store.cursor());
    CHECK(std::filesystem::exists(dir.path() + "/sub/dir/banjo.db"));
}

TEST_CASE("a first start builds banjo.db aside and leaves no half-made file behind") {
    // What a first start killed while creating the database leaves: a partial banjo.db.new.
    TempDir dir;
    dir.write("state/banjo.db.new", "");
    dir.write("state/banjo.db.new-wal", "not a WAL");
    {
        auto store = StateStore::open(dir.path() + "/state");
        record(store, ban("sshd", "198.51.100.7", 0, 600));
    }
    CHECK_FALSE(std::filesystem::exists(dir.path() + "/state/banjo.db.new"));
    CHECK_FALSE(std::filesystem::exists(dir.path() + "/state/banjo.db.new-wal"));
    CHECK(std::filesystem::file_size(dir.path() + "/state/banjo.db") > 0);
    CHECK(StateStore::open(dir.path() + "/state").active_bans().size() == 1);
}

TEST_CASE("IPv4 and IPv6 bans come back as they were recorded") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    auto v4 = ban("sshd", "198.51.100.7", 0, 600, 5, BanOrigin::filter);
    StoredBan v6{"nginx", addr("2001:db8::1:0:0:1"), at(10), infinite_usec, 1, BanOrigin::manual};
    auto batch = store.begin();
    batch.add_ban(v4, true);
    batch.add_ban(v6, true);
    batch.commit();

    auto bans = store.active_bans();
    REQUIRE(bans.size() == 2);
    // Ordered by jail: nginx before sshd.
    CHECK(same(bans[0], v6));
    CHECK(same(bans[1], v4));
    CHECK(bans[0].expires_at == infinite_usec);
    CHECK(bans[0].address.to_string() == "2001:db8::1:0:0:1");
}

TEST_CASE("banning an address again replaces its ban instead of adding a row") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    record(store, ban("sshd", "198.51.100.7", 0, 600, 3));
    record(store, ban("sshd", "198.51.100.7", 700, 1900, 4, BanOrigin::manual));
    record(store, ban("postfix", "198.51.100.7", 0, 600));   // another jail: its own ban

    auto bans = store.active_bans();
    REQUIRE(bans.size() == 2);
    CHECK(bans[0].jail == "postfix");
    CHECK(same(bans[1], ban("sshd", "198.51.100.7", 700, 1900, 4, BanOrigin::manual)));
}

TEST_CASE("an unban removes the ban of that jail only") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    record(store, ban("sshd", "203.0.113.9", 0, 600));
    record(store, ban("postfix", "203.0.113.9", 0, 600));

    auto batch = store.begin();
    CHECK(batch.remove_ban("sshd", addr("203.0.113.9")));
    CHECK_FALSE(batch.remove_ban("sshd", addr("203.0.113.10")));
    batch.commit();

    auto bans = store.active_bans();
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].jail == "postfix");
}

TEST_CASE("ban history counts offences and survives unban") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    record(store, ban("sshd", "198.51.100.7", 0, 600));
    {
        auto batch = store.begin();
        batch.remove_ban("sshd", addr("198.51.100.7"));
        batch.commit();
    }
    record(store, ban("sshd", "198.51.100.7", 1000, 2200));
    record(store, ban("sshd", "198.51.100.7", 3000, 4000), false);   // restored: not an offence
    record(store, ban("sshd", "2001:db8::5", 50, 650));

    auto h = store.history("sshd");
    REQUIRE(h.size() == 2);
    auto v4 = std::find_if(h.begin(), h.end(),
                           [](const auto& e) { return e.address == addr("198.51.100.7"); });
    REQUIRE(v4 != h.end());
    CHECK(v4->bans == 2);
    CHECK(v4->last_banned_at == at(1000));
    CHECK(store.history("postfix").empty());
}

TEST_CASE("the journal cursor is saved and replaced") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    {
        auto batch = store.begin();
        batch.set_cursor("s=1;i=2;b=3");
        batch.commit();
    }
    CHECK(store.cursor() == "s=1;i=2;b=3");
    {
        auto batch = store.begin();
        batch.set_cursor("s=1;i=3;b=3");
        batch.commit();
    }
    CHECK(store.cursor() == "s=1;i=3;b=3");
}

TEST_CASE("a batch that is not committed leaves no trace") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    record(store, ban("sshd", "198.51.100.1", 0, 600));
    {
        auto batch = store.begin();
        batch.add_ban(ban("sshd", "198.51.100.2", 0, 600), true);
        batch.remove_ban("sshd", addr("198.51.100.1"));
        batch.set_cursor("never");
    }
    auto bans = store.active_bans();
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].address == addr("198.51.100.1"));
    CHECK_FALSE(store.cursor());
    CHECK(store.history("sshd").size() == 1);

    // The store takes the next batch as usual.
    record(store, ban("sshd", "198.51.100.3", 0, 600));
    CHECK(store.active_bans().size() == 2);
}

TEST_CASE("a second batch while one is open, or a batch reused after commit, is refused") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    auto batch = store.begin();
    CHECK_THROWS_AS(store.begin(), std::logic_error);
    CHECK_THROWS_AS(store.forget_history_before(at(0)), std::logic_error);
    batch.commit();
    CHECK_THROWS_AS(batch.set_cursor("x"), std::logic_error);
    CHECK_THROWS_AS(batch.commit(), std::logic_error);
}

TEST_CASE("forgetting old history keeps addresses that are banned now") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    record(store, ban("sshd", "198.51.100.1", 0, 100));
    record(store, ban("sshd", "198.51.100.2", 0, 100000));
    record(store, ban("sshd", "198.51.100.3", 5000, 5100));
    {
        auto batch = store.begin();
        batch.remove_ban("sshd", addr("198.51.100.1"));   // its time ran out
        batch.commit();
    }

    CHECK(store.forget_history_before(at(1000)) == 1);   // .1: old, not banned now
    auto h = store.history("sshd");
    REQUIRE(h.size() == 2);
    CHECK(h[0].address == addr("198.51.100.2"));
    CHECK(h[1].address == addr("198.51.100.3"));
}

TEST_CASE("reopening the store sees every committed change") {
    TempDir dir;
    {
        auto store = StateStore::open(dir.path());
        auto batch = store.begin();
        batch.add_ban(ban("sshd", "198.51.100.7", 0, 600), true);
        batch.add_ban(ban("sshd", "2001:db8::7", 0, 600), true);
        batch.set_cursor("cursor-1");
        batch.commit();
        auto b2 = store.begin();
        b2.remove_ban("sshd", addr("198.51.100.7"));
        b2.commit();
    }
    auto store = StateStore::open(dir.path());
    auto bans = store.active_bans();
    REQUIRE(bans.size() == 1);
    CHECK(same(bans[0], ban("sshd", "2001:db8::7", 0, 600)));
    CHECK(store.cursor() == "cursor-1");
    CHECK(store.history("sshd").size() == 2);
}

TEST_CASE("a moved store keeps working, and so does a batch begun before the move") {
    TempDir dir;
    auto first = StateStore::open(dir.path());
    auto batch = first.begin();
    auto store = std::move(first);
    batch.set_cursor("after-move");
    batch.commit();
    CHECK(store.cursor() == "after-move");
}

TEST_CASE("text an attacker or a careless config could supply is data, never SQL") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    std::string huge(64 * 1024, 'j');
    std::string quoted = "sshd'); DROP TABLE bans; --";
    std::string with_nul("a\0b", 3);
    auto batch = store.begin();
    batch.add_ban(StoredBan{huge, addr("198.51.100.1"), at(0), at(1), 1, BanOrigin::filter}, true);
    batch.add_ban(StoredBan{quoted, addr("198.51.100.2"), at(0), at(1), 1, BanOrigin::manual}, true);
    batch.add_ban(StoredBan{with_nul, addr("198.51.100.3"), at(0), at(1), 1, BanOrigin::filter}, true);
    batch.set_cursor(quoted + huge);
    batch.commit();

    auto bans = store.active_bans();
    REQUIRE(bans.size() == 3);
    CHECK(std::count_if(bans.begin(), bans.end(), [&](auto& b) { return b.jail == huge; }) == 1);
    CHECK(std::count_if(bans.begin(), bans.end(),
                        [&](auto& b) { return b.jail == quoted && b.origin == BanOrigin::manual; }) == 1);
    CHECK(std::count_if(bans.begin(), bans.end(),
                        [&](auto& b) { return b.jail == with_nul; }) == 1);
    CHECK(store.cursor() == quoted + huge);
    CHECK(store.history(huge).size() == 1);
}

TEST_CASE("a file that is not a database is refused with its path") {
    TempDir dir;
    {
        std::ofstream f(dir.path() + "/banjo.db");
        f << std::string(8192, 'x');
    }
    try {
        StateStore::open(dir.path());
        FAIL("opened a corrupt file");
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()).find(dir.path() + "/banjo.db") != std::string::npos);
    }
}

TEST_CASE("an unusable state directory is refused with its path") {
    TempDir dir;
    std::string file = dir.path() + "/plain-file";
    std::ofstream(file) << "x";
    try {
        StateStore::open(file + "/state");   // a directory below a regular file
        FAIL("opened a store below a file");
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()).find(file + "/state") != std::string::npos);
    }
}

TEST_CASE("a database damaged inside is refused at open, not at the first ban") {
    TempDir dir;
    {
        auto store = StateStore::open(dir.path());
        auto batch = store.begin();
        for (int i = 0; i < 2000; ++i) {
            std::string jail = "jail" + std::to_string(i);
            batch.add_ban(StoredBan{jail, addr("198.51.100.1"), at(0), at(600), 1, BanOrigin::filter}, true);
        }
        batch.commit();
    }   // the last close checkpoints the WAL into banjo.db
    {
        std::fstream f(dir.path() + "/banjo.db", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(4096 * 3);   // past the header and the schema page
        f << std::string(4096 * 4, '\x5a');
    }
    try {
        StateStore::open(dir.path());
        FAIL("opened a damaged file");
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()).find(dir.path() + "/banjo.db") != std::string::npos);
    }
}

TEST_CASE("the state directory may be reached through a link, the file may not be one") {
    TempDir dir;
    std::filesystem::create_directory(dir.path() + "/real");
    std::filesystem::create_directory_symlink(dir.path() + "/real", dir.path() + "/link");
    {
        auto store = StateStore::open(dir.path() + "/link");
        record(store, ban("sshd", "198.51.100.1", 0, 600));
    }
    CHECK(StateStore::open(dir.path() + "/real").active_bans().size() == 1);

    std::filesystem::create_directory(dir.path() + "/planted");
    std::filesystem::create_symlink(dir.path() + "/real/banjo.db",
                                    dir.path() + "/planted/banjo.db");
    CHECK_THROWS_WITH(StateStore::open(dir.path() + "/planted"),
                      doctest::Contains("symbolic link"));
}

namespace {

std::filesystem::perms mode_of(const std::string& path) {
    return std::filesystem::symlink_status(path).permissions() & std::filesystem::perms::mask;
}

constexpr auto mode_0700 = std::filesystem::perms::owner_all;
constexpr auto mode_0600 = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

// The umask of the whole process, for one test: as permissive as a careless start script's.
struct Umask {
    explicit Umask(mode_t m) : old(::umask(m)) {}
    ~Umask() { ::umask(old); }
    mode_t old;
};

}  // namespace

TEST_CASE("the state directory is made 0700 and its files 0600, whatever the umask") {
    TempDir dir;
    const std::string state = dir.path() + "/var/lib/banjo";
    Umask open_umask(0);
    auto store = StateStore::open(state);
    record(store, ban("sshd", "198.51.100.1", 0, 600));   // the WAL and its index now exist
    CHECK(mode_of(state) == mode_0700);
    CHECK(mode_of(state + "/banjo.db") == mode_0600);
    REQUIRE(std::filesystem::exists(state + "/banjo.db-wal"));
    CHECK(mode_of(state + "/banjo.db-wal") == mode_0600);
    CHECK(mode_of(state + "/banjo.db-shm") == mode_0600);
}

TEST_CASE("a state directory and files left readable by others are narrowed at open") {
    TempDir dir;
    const std::string state = dir.path() + "/state";
    {
        auto store = StateStore::open(state);
        record(store, ban("sshd", "198.51.100.1", 0, 600));
    }
    namespace fs = std::filesystem;
    const auto wide = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;
    fs::permissions(state, mode_0700 | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                               fs::perms::others_exec);
    fs::permissions(state + "/banjo.db", wide);
    std::ofstream(state + "/banjo.db-wal");   // as a crash may leave it (SQLite reads an empty WAL as none)
    fs::permissions(state + "/banjo.db-wal", wide);

    auto store = StateStore::open(state);
    CHECK(store.active_bans().size() == 1);
    CHECK(mode_of(state) == mode_0700);
    CHECK(mode_of(state + "/banjo.db") == mode_0600);
    CHECK(mode_of(state + "/banjo.db-wal") == mode_0600);
}

TEST_CASE("a link planted where the WAL goes is refused, never followed by chmod") {
    TempDir dir;
    const std::string state = dir.path() + "/state";
    StateStore::open(state);
    const std::string victim = dir.path() + "/victim";
    std::ofstream(victim) << "x";
    std::filesystem::permissions(victim, std::filesystem::perms(0644));
    std::filesystem::create_symlink(victim, state + "/banjo.db-wal");
    CHECK_THROWS_WITH(StateStore::open(state), doctest::Contains("symbolic link"));
    CHECK(mode_of(victim) == std::filesystem::perms(0644));
}

TEST_CASE("log file positions are saved per path, in the batch with the bans") {
    TempDir dir;
    FilePosition p{"/var/log/nginx/error.log", 2049, 1234567, 4096, 256, 0xfedcba9876543210ULL, at(5)};
    {
        auto store = StateStore::open(dir.path());
        CHECK(store.file_positions().empty());
        {
            auto batch = store.begin();
            batch.add_ban(ban("nginx", "203.0.113.9", 0, 600), true);
            batch.set_file_position(p);
            // Not committed: neither is there.
        }
        CHECK(store.file_positions().empty());
        CHECK(store.active_bans().empty());
        auto batch = store.begin();
        batch.add_ban(ban("nginx", "203.0.113.9", 0, 600), true);
        batch.set_file_position(p);
        batch.commit();
        auto moved = p;
        moved.offset = 8192;
        auto next = store.begin();
        next.set_file_position(moved);
        next.commit();
    }
    auto store = StateStore::open(dir.path());
    const auto positions = store.file_positions();
    REQUIRE(positions.size() == 1);
    auto expected = p;
    expected.offset = 8192;
    CHECK(positions[0] == expected);   // the unsigned fingerprint's top bit survives SQLite's signed integers
}

TEST_CASE("a version 2 state (before log files) is upgraded with its bans, cursor, history and ban log kept") {
    TempDir dir;
    {
        // The schema and rows as banjo wrote them before the file_positions table existed.
        auto db = sqlite::Database::open(dir.path() + "/banjo.db");
        db.exec(R"sql(
CREATE TABLE bans (jail TEXT NOT NULL, address TEXT NOT NULL, banned_usec INTEGER NOT NULL,
    expires_usec INTEGER NOT NULL, failures INTEGER NOT NULL, origin TEXT NOT NULL,
    PRIMARY KEY (jail, address)) WITHOUT ROWID;
CREATE INDEX bans_by_expiry ON bans (expires_usec);
CREATE TABLE history (jail TEXT NOT NULL, address TEXT NOT NULL, bans INTEGER NOT NULL,
    last_banned_usec INTEGER NOT NULL, PRIMARY KEY (jail, address)) WITHOUT ROWID;
CREATE TABLE journal (id INTEGER PRIMARY KEY CHECK (id = 1), cursor TEXT NOT NULL);
INSERT INTO bans VALUES ('sshd', '198.51.100.7', 1700000000000000, 1700000600000000, 5, 'filter');
INSERT INTO history VALUES ('sshd', '198.51.100.7', 2, 1700000000000000);
INSERT INTO journal VALUES (1, 's=abc;i=1');
CREATE TABLE ban_log (jail TEXT NOT NULL, address TEXT NOT NULL, banned_usec INTEGER NOT NULL,
    expires_usec INTEGER NOT NULL, failures INTEGER NOT NULL, origin TEXT NOT NULL);
CREATE INDEX ban_log_by_time ON ban_log (banned_usec);
INSERT INTO ban_log VALUES ('sshd', '198.51.100.7', 1700000000000000, 1700000600000000, 5, 'filter');
PRAGMA user_version = 2;
)sql");
    }
    auto store = StateStore::open(dir.path());
    REQUIRE(store.active_bans().size() == 1);
    CHECK(store.active_bans()[0].address == addr("198.51.100.7"));
    CHECK(store.cursor() == std::string("s=abc;i=1"));
    REQUIRE(store.history("sshd").size() == 1);
    CHECK(store.history("sshd")[0].bans == 2);
    CHECK(store.ban_log(Usec(0), 10).size() == 1);
    CHECK(store.file_positions().empty());
    auto batch = store.begin();
    batch.set_file_position(FilePosition{"/var/log/auth.log", 1, 2, 3, 3, 4, at(0)});
    batch.commit();
    CHECK(store.file_positions().size() == 1);
}

TEST_CASE("a ban's matched lines are stored with it and come back as written, newlines and backslashes included") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    StoredBan b = ban("sshd", "198.51.100.7", 0, 600);
    b.lines = std::make_shared<std::vector<std::string>>(std::vector<std::string>{
        "Failed password for $(id) from 198.51.100.7", "two\nlines \\n and a \\", std::string("nul\0inside", 10), ""});
    record(store, b);
    record(store, ban("sshd", "198.51.100.8", 0, 600));   // no lines
    auto bans = store.active_bans();
    REQUIRE(bans.size() == 2);
    REQUIRE(bans[0].lines);
    CHECK(*bans[0].lines == *b.lines);
    CHECK(bans[1].lines == nullptr);
}

TEST_CASE("a version 3 state (before ban lines) is upgraded: its bans stay, without lines") {
    TempDir dir;
    {
        auto db = sqlite::Database::open(dir.path() + "/banjo.db");
        db.exec(R"sql(
CREATE TABLE bans (jail TEXT NOT NULL, address TEXT NOT NULL, banned_usec INTEGER NOT NULL,
    expires_usec INTEGER NOT NULL, failures INTEGER NOT NULL, origin TEXT NOT NULL,
    PRIMARY KEY (jail, address)) WITHOUT ROWID;
CREATE INDEX bans_by_expiry ON bans (expires_usec);
CREATE TABLE history (jail TEXT NOT NULL, address TEXT NOT NULL, bans INTEGER NOT NULL,
    last_banned_usec INTEGER NOT NULL, PRIMARY KEY (jail, address)) WITHOUT ROWID;
CREATE TABLE journal (id INTEGER PRIMARY KEY CHECK (id = 1), cursor TEXT NOT NULL);
CREATE TABLE ban_log (jail TEXT NOT NULL, address TEXT NOT NULL, banned_usec INTEGER NOT NULL,
    expires_usec INTEGER NOT NULL, failures INTEGER NOT NULL, origin TEXT NOT NULL);
CREATE INDEX ban_log_by_time ON ban_log (banned_usec);
CREATE TABLE file_positions (path TEXT PRIMARY KEY, device INTEGER NOT NULL, inode INTEGER NOT NULL,
    offset INTEGER NOT NULL, fingerprint_bytes INTEGER NOT NULL, fingerprint INTEGER NOT NULL,
    last_line_usec INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO bans VALUES ('sshd', '198.51.100.7', 1700000000000000, 1700000600000000, 5, 'filter');
PRAGMA user_version = 3;
)sql");
    }
    auto store = StateStore::open(dir.path());
    auto bans = store.active_bans();
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].failures == 5);
    CHECK(bans[0].lines == nullptr);
    StoredBan b = ban("sshd", "198.51.100.9", 0, 600);
    b.lines = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"one"});
    record(store, b);
    CHECK(*store.active_bans()[1].lines == std::vector<std::string>{"one"});
}

TEST_CASE("a version 4 state (ban lines, before the fleet's stream positions) is upgraded to 5: its bans and lines stay") {
    TempDir dir;
    {
        auto db = sqlite::Database::open(dir.path() + "/banjo.db");
        db.exec(R"sql(
CREATE TABLE bans (jail TEXT NOT NULL, address TEXT NOT NULL, banned_usec INTEGER NOT NULL,
    expires_usec INTEGER NOT NULL, failures INTEGER NOT NULL, origin TEXT NOT NULL,
    lines TEXT NOT NULL DEFAULT '', PRIMARY KEY (jail, address)) WITHOUT ROWID;
CREATE INDEX bans_by_expiry ON bans (expires_usec);
CREATE TABLE history (jail TEXT NOT NULL, address TEXT NOT NULL, bans INTEGER NOT NULL,
    last_banned_usec INTEGER NOT NULL, PRIMARY KEY (jail, address)) WITHOUT ROWID;
CREATE TABLE journal (id INTEGER PRIMARY KEY CHECK (id = 1), cursor TEXT NOT NULL);
CREATE TABLE ban_log (jail TEXT NOT NULL, address TEXT NOT NULL, banned_usec INTEGER NOT NULL,
    expires_usec INTEGER NOT NULL, failures INTEGER NOT NULL, origin TEXT NOT NULL);
CREATE INDEX ban_log_by_time ON ban_log (banned_usec);
CREATE TABLE file_positions (path TEXT PRIMARY KEY, device INTEGER NOT NULL, inode INTEGER NOT NULL,
    offset INTEGER NOT NULL, fingerprint_bytes INTEGER NOT NULL, fingerprint INTEGER NOT NULL,
    last_line_usec INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO bans VALUES ('sshd', '198.51.100.0/24', 1700000000000000, 1700000600000000, 5, 'filter', 'one');
PRAGMA user_version = 4;
)sql");
    }
    {
        auto store = StateStore::open(dir.path());
        auto bans = store.active_bans();
        REQUIRE(bans.size() == 1);
        CHECK(bans[0].address.to_string() == "198.51.100.0/24");
        REQUIRE(bans[0].lines != nullptr);
        CHECK(*bans[0].lines == std::vector<std::string>{"one"});
        CHECK(store.fleet_positions().empty());
        StateChanges changes;
        changes.set_fleet_position("web-2", "1700000000000-3");
        store.write(changes, [] { return std::vector<StoredBan>{}; });
    }
    auto store = StateStore::open(dir.path());
    CHECK(store.fleet_positions() == std::map<std::string, std::string>{{"web-2", "1700000000000-3"}});
    auto db = sqlite::Database::open(dir.path() + "/banjo.db");
    auto version = db.prepare("PRAGMA user_version");
    REQUIRE(version.step());
    CHECK(version.column_int64(0) == 5);
}

TEST_CASE("every ban that counts as an offence goes into the ban log, read back oldest first from a time on") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    StateChanges changes;
    changes.log_ban(ban("sshd", "198.51.100.1", 10, 610));
    changes.log_ban(ban("web", "198.51.100.2", 20, 620, 0, BanOrigin::manual));
    changes.log_ban(ban("sshd", "198.51.100.1", 30, 630));   // the same address again: its own row
    store.write(changes, [] { return std::vector<StoredBan>{}; });

    auto all = store.ban_log(at(0), 100);
    REQUIRE(all.size() == 3);
    CHECK(same(all[0], ban("sshd", "198.51.100.1", 10, 610)));
    CHECK(same(all[1], ban("web", "198.51.100.2", 20, 620, 0, BanOrigin::manual)));
    CHECK(same(all[2], ban("sshd", "198.51.100.1", 30, 630)));
    CHECK(store.ban_log(at(20), 100).size() == 2);   // `since` itself included
    auto latest = store.ban_log(at(0), 2);           // the limit keeps the latest
    REQUIRE(latest.size() == 2);
    CHECK(latest[0].banned_at == at(20));
    CHECK(latest[1].banned_at == at(30));
    CHECK(store.active_bans().empty());   // the log is no ban
}

TEST_CASE("log_ban_once adds a ban log row only once (an import run twice)") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    for (int run = 0; run < 2; ++run) {
        auto batch = store.begin();
        CHECK(batch.log_ban_once(ban("sshd", "198.51.100.1", 10, 610)) == (run == 0));
        CHECK(batch.log_ban_once(ban("sshd", "198.51.100.1", 30, 630)) == (run == 0));
        batch.commit();
    }
    CHECK(store.ban_log(at(0), 100).size() == 2);
}

TEST_CASE("the ban log is forgotten with the history's cutoff") {
    TempDir dir;
    auto store = StateStore::open(dir.path());
    StateChanges changes;
    changes.log_ban(ban("sshd", "198.51.100.1", 10, 610));
    changes.log_ban(ban("sshd", "198.51.100.2", 50, 650));
    store.write(changes, [] { return std::vector<StoredBan>{}; });
    StateChanges later;
    later.forget_history_before(at(40));
    store.write(later, [] { return std::vector<StoredBan>{}; });
    auto left = store.ban_log(at(0), 100);
    REQUIRE(left.size() == 1);
    CHECK(left[0].address == addr("198.51.100.2"));
}

TEST_CASE("a state written by schema version 1 is upgraded: its bans, history and cursor stay, the ban log works") {
    TempDir dir;
    {
        // Version 1 as released (state_store.cpp, migrations[0]), with one of everything.
        auto db = sqlite::Database::open(dir.path() + "/banjo.db");
        db.exec("PRAGMA journal_mode = WAL;"
                "CREATE TABLE bans (jail TEXT NOT NULL, address TEXT NOT NULL, banned_usec INTEGER NOT NULL,"
                " expires_usec INTEGER NOT NULL, failures INTEGER NOT NULL, origin TEXT NOT NULL,"
                " PRIMARY KEY (jail, address)) WITHOUT ROWID;"
                "CREATE INDEX bans_by_expiry ON bans (expires_usec);"
                "CREATE TABLE history (jail TEXT NOT NULL, address TEXT NOT NULL, bans INTEGER NOT NULL,"
                " last_banned_usec INTEGER NOT NULL, PRIMARY KEY (jail, address)) WITHOUT ROWID;"
                "CREATE TABLE journal (id INTEGER PRIMARY KEY CHECK (id = 1), cursor TEXT NOT NULL);"
                "INSERT INTO bans VALUES ('sshd', '198.51.100.9', 1700000000000000, 1700000600000000, 4, 'filter');"
                "INSERT INTO history VALUES ('sshd', '198.51.100.9', 2, 1700000000000000);"
                "INSERT INTO journal VALUES (1, 's=abc');"
                "PRAGMA user_version = 1;");
    }
    auto store = StateStore::open(dir.path());
    auto bans = store.active_bans();
    REQUIRE(bans.size() == 1);
    CHECK(same(bans[0], ban("sshd", "198.51.100.9", 0, 600, 4)));
    REQUIRE(store.history("sshd").size() == 1);
    CHECK(store.history("sshd")[0].bans == 2);
    CHECK(store.cursor() == "s=abc");
    CHECK(store.ban_log(at(0), 10).empty());
    record(store, ban("sshd", "198.51.100.10", 5, 605));
    StateChanges changes;
    changes.log_ban(ban("sshd", "198.51.100.10", 5, 605));
    store.write(changes, [] { return std::vector<StoredBan>{}; });
    CHECK(store.ban_log(at(0), 10).size() == 1);
    {
        auto db = sqlite::Database::open(dir.path() + "/banjo.db");
        auto version = db.prepare("PRAGMA user_version");
        REQUIRE(version.step());
        CHECK(version.column_int64(0) >= 2);
    }
}

TEST_CASE("a fleet host's ban keeps its origin host, and each stream's position is kept per host") {
    TempDir dir;
    {
        auto store = StateStore::open(dir.path());
        StoredBan b = ban("sshd", "203.0.113.5", 0, 600, 5, BanOrigin::fleet);
        b.origin_host = "web-2";
        record(store, b);
        StateChanges changes;
        changes.set_fleet_position("web-2", "1700000000000-3");
        changes.set_fleet_position("web-3", "1700000000100-0");
        changes.set_fleet_position("web-2", "1700000000200-1");
        store.write(changes, [] { return std::vector<StoredBan>{}; });
    }
    auto store = StateStore::open(dir.path());
    auto bans = store.active_bans();
    REQUIRE(bans.size() == 1);
    CHECK(bans[0].origin == BanOrigin::fleet);
    CHECK(bans[0].origin_host == "web-2");
    CHECK(store.fleet_positions() == std::map<std::string, std::string>{{"web-2", "1700000000200-1"}, {"web-3", "1700000000100-0"}});
}
