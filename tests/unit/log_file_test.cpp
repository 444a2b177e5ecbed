// SPDX-License-Identifier: GPL-2.0-or-later
// src/logfile/log_file.cpp: a log file path read as it grows, through rotation by rename,
// copytruncate, removal and a restart at a saved position. Real files in a temp directory.
#include "logfile/log_file.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace banjo;
namespace fs = std::filesystem;

namespace {

void append(const fs::path& p, const std::string& text) {
    std::ofstream f(p, std::ios::app | std::ios::binary);
    f << text;
}

std::vector<std::string> read_all(LogFile& f) {
    std::vector<std::string> lines;
    while (f.read(1 << 20, [&](std::string_view line, std::uint64_t) { lines.emplace_back(line); }) > 0) {
    }
    return lines;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("a file is read as it grows; a partial line waits") {
    test::TempDir d;
    const fs::path log = d.dir / "app.log";
    append(log, "one\ntw");
    LogFile f(log.string());
    CHECK(!f.open(std::nullopt));
    CHECK(f.is_open());
    CHECK(read_all(f) == Lines{"one"});
    CHECK(f.offset() == 4);
    append(log, "o\nthree\n");
    CHECK(read_all(f) == Lines{"two", "three"});
    CHECK(f.offset() == 14);
}

TEST_CASE("rotation by rename: the old file is read to its end, then the new one from its start") {
    test::TempDir d;
    const fs::path log = d.dir / "auth.log";
    append(log, "a1\n");
    LogFile f(log.string());
    f.open(std::nullopt);
    CHECK(read_all(f) == Lines{"a1"});
    append(log, "a2\n");                       // written, not read yet
    fs::rename(log, d.dir / "auth.log.1");
    append(d.dir / "auth.log.1", "a3\n");      // the writer has not reopened yet
    append(log, "b1\n");                       // now it has
    CHECK(read_all(f) == Lines{"a2", "a3", "b1"});
    CHECK(f.rotations() == 1);
    append(log, "b2\n");
    CHECK(read_all(f) == Lines{"b2"});
}

TEST_CASE("copytruncate: lines not read before the truncation are read from the copy, none twice") {
    test::TempDir d;
    const fs::path log = d.dir / "auth.log";
    append(log, "a1\n");
    LogFile f(log.string());
    f.open(std::nullopt);
    CHECK(read_all(f) == Lines{"a1"});
    append(log, "a2\na3 half");
    CHECK(read_all(f) == Lines{"a2"});
    append(log, " done\n");
    fs::copy_file(log, d.dir / "auth.log.1");
    fs::resize_file(log, 0);
    append(log, "b1\n");
    CHECK(read_all(f) == Lines{"a3 half done", "b1"});
    CHECK(f.truncations() == 1);
}

TEST_CASE("a file that shrinks without a copy is read again from its start") {
    test::TempDir d;
    const fs::path log = d.dir / "x.log";
    append(log, "long line one\nlong line two\n");
    LogFile f(log.string());
    f.open(std::nullopt);
    CHECK(read_all(f).size() == 2);
    fs::resize_file(log, 0);
    append(log, "new\n");
    CHECK(read_all(f) == Lines{"new"});
}

TEST_CASE("a removed file is read to its end; a file created later at the path is followed") {
    test::TempDir d;
    const fs::path log = d.dir / "x.log";
    append(log, "a1\n");
    LogFile f(log.string());
    f.open(std::nullopt);
    CHECK(read_all(f) == Lines{"a1"});
    append(log, "a2\n");
    fs::remove(log);
    CHECK(read_all(f) == Lines{"a2"});
    CHECK(!f.is_open());   // not held: its space is freed
    append(log, "b1\n");
    CHECK(read_all(f) == Lines{"b1"});

    LogFile later((d.dir / "later.log").string());
    CHECK(!later.open(std::nullopt));
    CHECK(!later.is_open());
    CHECK(!later.problem().empty());
    append(d.dir / "later.log", "c1\n");
    CHECK(read_all(later) == Lines{"c1"});
}

TEST_CASE("a saved position resumes the same file, and not another one at the same path") {
    test::TempDir d;
    const fs::path log = d.dir / "auth.log";
    append(log, "a1\na2\n");
    FilePosition saved;
    {
        LogFile f(log.string());
        f.open(std::nullopt);
        read_all(f);
        saved = f.position();
    }
    append(log, "a3\n");
    {
        LogFile f(log.string());
        CHECK(f.open(saved));
        CHECK(read_all(f) == Lines{"a3"});
        saved = f.position();
    }
    // Rotated while banjod was away: the rest of the old file, then the new one whole.
    append(log, "a4\n");
    fs::rename(log, d.dir / "auth.log.1");
    append(log, "b1\n");
    {
        LogFile f(log.string());
        CHECK(!f.open(saved));
        CHECK(read_all(f) == Lines{"a4", "b1"});
    }
}

TEST_CASE("the recount's start is found by stepping back to a line older than the window") {
    test::TempDir d;
    const fs::path log = d.dir / "t.log";
    std::string text;
    for (int i = 0; i < 100000; ++i) text += std::to_string(i) + " some text to make the file a few megabytes long\n";
    append(log, text);
    LogFile f(log.string());
    f.open(std::nullopt);
    read_all(f);
    auto time_of = [](std::string_view line) -> std::optional<Usec> {
        return Usec(std::stoll(std::string(line.substr(0, line.find(' ')))));
    };
    const std::uint64_t from = f.offset_before(f.offset(), Usec(90000), time_of);
    CHECK(from < f.offset());
    std::vector<long long> times;
    f.read_range(from, f.offset(), [&](std::string_view line, std::uint64_t) { times.push_back(time_of(line)->count()); });
    REQUIRE(!times.empty());
    CHECK(times.front() < 90000);
    CHECK(times.back() == 99999);
}
