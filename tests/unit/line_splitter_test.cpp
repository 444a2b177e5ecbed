// SPDX-License-Identifier: GPL-2.0-or-later
// src/logfile/line_splitter.hpp and log_line.cpp: bytes of a log file into lines, and a line
// into what the jails take.
#include "local_zone.hpp"
#include "logfile/line_splitter.hpp"
#include "logfile/log_line.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using namespace banjo;

namespace {

using Lines = std::vector<std::pair<std::string, std::uint64_t>>;

Lines feed_all(LineSplitter& s, std::initializer_list<std::string_view> chunks) {
    Lines out;
    for (auto c : chunks) s.feed(c, [&](std::string_view line, std::uint64_t end) { out.emplace_back(line, end); });
    return out;
}

}  // namespace

TEST_CASE("a partial last line waits for its newline") {
    LineSplitter s;
    auto lines = feed_all(s, {"one\ntw", "o"});
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == std::pair<std::string, std::uint64_t>("one", 4));
    CHECK(s.line_end_offset() == 4);
    CHECK(s.pending_bytes() == 3);
    lines = feed_all(s, {"\r\nthree\n"});
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].first == "two");   // the '\r' of a CRLF line is dropped
    CHECK(lines[0].second == 9);
    CHECK(lines[1] == std::pair<std::string, std::uint64_t>("three", 15));
    CHECK(s.pending_bytes() == 0);
}

TEST_CASE("a line longer than 64 KiB comes out cut, and the next line is whole") {
    LineSplitter s(1000);
    const std::string huge(100 * 1024, 'x');
    Lines lines;
    auto keep = [&](std::string_view line, std::uint64_t end) { lines.emplace_back(line, end); };
    s.feed(huge.substr(0, 40000), keep);
    s.feed(huge.substr(40000), keep);
    s.feed("\nnext line\n", keep);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].first.size() == LineSplitter::max_line_bytes);
    CHECK(lines[0].second == 1000 + huge.size() + 1);
    CHECK(lines[1].first == "next line");
    CHECK(lines[1].second == 1000 + huge.size() + 11);
    CHECK(s.long_lines() == 1);

    // The same when the long line arrives in one piece.
    LineSplitter one;
    Lines again = feed_all(one, {huge + "\nshort\n"});
    REQUIRE(again.size() == 2);
    CHECK(again[0].first.size() == LineSplitter::max_line_bytes);
    CHECK(again[1].first == "short");
}

TEST_CASE("NUL bytes and invalid UTF-8 pass through as bytes, offsets exact") {
    LineSplitter s;
    const std::string junk("a\0b\xff\xfe\xc3(\n", 8);
    auto lines = feed_all(s, {junk});
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].first == std::string("a\0b\xff\xfe\xc3(", 7));
    CHECK(lines[0].second == 8);
}

TEST_CASE("restart forgets an unfinished line (a truncated file)") {
    LineSplitter s;
    feed_all(s, {"half a li"});
    s.restart(0);
    auto lines = feed_all(s, {"new\n"});
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == std::pair<std::string, std::uint64_t>("new", 4));
}

TEST_CASE("a syslog line gives the message without its header, the pid as session id, and its time") {
    banjo::test::LocalZone zone("UTC0");
    LogTimeReader times;
    const Usec read_at(971186136LL * 1'000'000 + 5'000'000);
    LogLine l = read_log_line("Oct 10 13:55:36 host sshd[4711]: Failed password for root from 198.51.100.7 port 22 ssh2",
                              times, read_at);
    CHECK(l.fields.message == "Failed password for root from 198.51.100.7 port 22 ssh2");
    CHECK(l.fields.ident == "sshd");
    CHECK(log_line_id(l.fields, "_PID") == "4711");
    CHECK(l.time_found);
    CHECK(l.time == Usec(971186136LL * 1'000'000));

    // No time stamp at all: the time it was read.
    LogLine bare = read_log_line("something happened", times, read_at);
    CHECK(!bare.time_found);
    CHECK(bare.time == read_at);
    CHECK(log_line_id(bare.fields, "_PID").empty());
}
