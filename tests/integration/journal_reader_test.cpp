// SPDX-License-Identifier: GPL-2.0-or-later
// JournalReader against real journal files: each test writes export-format text into a temp
// dir and has systemd-journal-remote (through tests/integration/lib/make-journal) turn it into
// journal files. Needs MAKE_JOURNAL (the script) and SYSTEMD_JOURNAL_REMOTE in the environment.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "journal/journal_reader.hpp"
#include "temp_dir.hpp"

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

extern char** environ;

// So that a failed comparison of message lists shows both lists.
template <>
struct doctest::StringMaker<std::vector<std::string>> {
    static doctest::String convert(const std::vector<std::string>& v) {
        std::string out = "{";
        for (const auto& s : v)
            out += (out.size() > 1 ? ", \"" : "\"") + s + "\"";
        return (out + "}").c_str();
    }
};

using banjo::JournalReader;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t second_usec = 1'000'000;
constexpr std::uint64_t t0_usec = 1'732'400'000 * second_usec;

struct Entry {
    std::uint64_t realtime_usec;
    std::vector<std::pair<std::string, std::string>> fields;
};

// An sshd-looking entry at t0 + n seconds whose MESSAGE says n.
Entry numbered(int n, std::string unit = "ssh.service", std::string ident = "sshd") {
    return {t0_usec + std::uint64_t(n) * second_usec,
            {{"_SYSTEMD_UNIT", std::move(unit)},
             {"SYSLOG_IDENTIFIER", std::move(ident)},
             {"PRIORITY", "6"},
             {"MESSAGE", "entry " + std::to_string(n)}}};
}

std::vector<Entry> numbered(int first, int last) {
    std::vector<Entry> entries;
    for (int n = first; n <= last; ++n)
        entries.push_back(numbered(n));
    return entries;
}

using banjo::test::TempDir;

// Export format; a value that is not plain text goes in the binary form (name, newline,
// little-endian 64-bit length, bytes, newline), as systemd-journal-remote expects.
void write_export(const fs::path& file, const std::vector<Entry>& entries) {
    std::ofstream out(file, std::ios::binary);
    for (const auto& e : entries) {
        // A monotonic clock that follows realtime keeps the journal's orderings consistent.
        out << "__REALTIME_TIMESTAMP=" << e.realtime_usec << '\n'
            << "__MONOTONIC_TIMESTAMP=" << (e.realtime_usec - t0_usec + 1) << '\n'
            << "_BOOT_ID=0123456789abcdef0123456789abcdef\n";
        for (const auto& [name, value] : e.fields) {
            bool plain = true;
            for (unsigned char c : value)
                plain = plain && c >= 0x20 && c < 0x7f;
            if (plain) {
                out << name << '=' << value << '\n';
                continue;
            }
            out << name << '\n';
            std::uint64_t size = value.size();
            for (int i = 0; i < 8; ++i)
                out.put(char((size >> (8 * i)) & 0xff));
            out << value << '\n';
        }
        out << '\n';
    }
    if (!out)
        throw std::runtime_error("cannot write " + file.string());
}

// Writes `entries` into DIR/NAME.journal (appending if it exists) with make-journal.
void make_journal(const fs::path& dir, const std::string& name, const std::vector<Entry>& entries) {
    const char* script = std::getenv("MAKE_JOURNAL");
    REQUIRE_MESSAGE(script, "MAKE_JOURNAL is not set");
    fs::create_directories(dir);
    auto export_file = dir.parent_path() / (name + ".export");
    write_export(export_file, entries);
    std::string e = export_file.string(), d = dir.string();
    std::vector<char*> argv{const_cast<char*>(script), e.data(), d.data(),
                            const_cast<char*>(name.c_str()), nullptr};
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, script, nullptr, nullptr, argv.data(), environ) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0), "make-journal failed");
    fs::remove(export_file);
}

std::vector<std::string> messages(JournalReader& reader) {
    std::vector<std::string> out;
    while (reader.next()) {
        auto m = reader.field("MESSAGE");
        out.emplace_back(m ? std::string(*m) : std::string("<none>"));
    }
    return out;
}

std::vector<std::string> numbered_messages(int first, int last) {
    std::vector<std::string> out;
    for (int n = first; n <= last; ++n)
        out.push_back("entry " + std::to_string(n));
    return out;
}

// Reads until `wanted` more entries arrived or 5 s passed, the way the live loop does:
// poll the reader's fd, then process(), then next().
std::vector<std::string> follow(JournalReader& reader, std::size_t wanted) {
    std::vector<std::string> out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (out.size() < wanted && std::chrono::steady_clock::now() < deadline) {
        pollfd p{reader.fd(), short(reader.events()), 0};
        poll(&p, 1, 100);
        reader.process();
        for (auto m : messages(reader))
            out.push_back(std::move(m));
    }
    return out;
}

}  // namespace

TEST_CASE("a directory is read from head to tail in order, with each entry's realtime") {
    TempDir tmp;
    make_journal(tmp.dir / "j", "a", numbered(1, 5));
    auto reader = JournalReader::open_directory((tmp.dir / "j").string());
    reader.seek_head();
    for (int n = 1; n <= 5; ++n) {
        REQUIRE(reader.next());
        CHECK(banjo::to_wire_usec(reader.realtime()) == t0_usec + std::uint64_t(n) * second_usec);
        CHECK(reader.field("MESSAGE") == "entry " + std::to_string(n));
    }
    CHECK_FALSE(reader.next());
}

TEST_CASE("several files are merged in time order") {
    TempDir tmp;
    make_journal(tmp.dir / "j", "odd", {numbered(1), numbered(3), numbered(5)});
    make_journal(tmp.dir / "j", "even", {numbered(2), numbered(4)});
    auto files = JournalReader::open_files(
        {(tmp.dir / "j" / "odd.journal").string(), (tmp.dir / "j" / "even.journal").string()});
    files.seek_head();
    CHECK(messages(files) == numbered_messages(1, 5));
    auto dir = JournalReader::open_directory((tmp.dir / "j").string());
    dir.seek_head();
    CHECK(messages(dir) == numbered_messages(1, 5));
}

TEST_CASE("matches are the union of groups, each group an AND across fields") {
    TempDir tmp;
    std::vector<Entry> entries = {
        numbered(1, "ssh.service", "sshd"),
        numbered(2, "cron.service", "CRON"),
        numbered(3, "nginx.service", "nginx"),
        numbered(4, "ssh.service", "other"),
        numbered(5, "sshd.service", "sshd"),
        numbered(6, "nginx.service", "nginx"),
    };
    entries[5].fields[2].second = "3";   // PRIORITY=3
    make_journal(tmp.dir / "j", "a", entries);
    auto reader = JournalReader::open_directory((tmp.dir / "j").string());
    reader.set_matches({{"_SYSTEMD_UNIT=ssh.service", "_SYSTEMD_UNIT=sshd.service",
                         "SYSLOG_IDENTIFIER=sshd"},
                        {"_SYSTEMD_UNIT=nginx.service", "PRIORITY=3"}});
    reader.seek_head();
    CHECK(messages(reader) == std::vector<std::string>{"entry 1", "entry 5", "entry 6"});

    reader.set_matches({});
    reader.seek_head();
    CHECK(messages(reader).size() == 6);
}

TEST_CASE("field() gives the value without FIELD=, nullopt when absent") {
    TempDir tmp;
    Entry e = numbered(1);
    e.fields.push_back({"EMPTY", ""});
    e.fields.push_back({"WITH_EQUALS", "a=b=c"});
    make_journal(tmp.dir / "j", "a", {e});
    auto reader = JournalReader::open_directory((tmp.dir / "j").string());
    reader.seek_head();
    REQUIRE(reader.next());
    CHECK(reader.field("_SYSTEMD_UNIT") == "ssh.service");
    CHECK(reader.field("EMPTY") == "");
    CHECK(reader.field("WITH_EQUALS") == "a=b=c");
    CHECK(reader.field("NO_SUCH_FIELD") == std::nullopt);
    CHECK(reader.field("MESSAGE") == "entry 1");
}

TEST_CASE("resuming after a saved cursor neither repeats nor loses an entry") {
    TempDir tmp;
    make_journal(tmp.dir / "j", "a", numbered(1, 8));
    auto dir = (tmp.dir / "j").string();
    std::string cursor;
    {
        auto reader = JournalReader::open_directory(dir);
        reader.seek_head();
        for (int n = 1; n <= 3; ++n)
            REQUIRE(reader.next());
        cursor = reader.cursor();
    }
    auto reader = JournalReader::open_directory(dir);
    REQUIRE(reader.seek_after_cursor(cursor));
    CHECK(messages(reader) == numbered_messages(4, 8));
}

TEST_CASE("a cursor taken under matches resumes among the matching entries") {
    TempDir tmp;
    std::vector<Entry> entries;
    for (int n = 1; n <= 8; ++n)
        entries.push_back(n % 2 ? numbered(n) : numbered(n, "cron.service", "CRON"));
    make_journal(tmp.dir / "j", "a", entries);
    auto dir = (tmp.dir / "j").string();
    auto reader = JournalReader::open_directory(dir);
    reader.set_matches({{"_SYSTEMD_UNIT=ssh.service"}});
    reader.seek_head();
    REQUIRE(reader.next());
    REQUIRE(reader.next());   // entry 3
    auto cursor = reader.cursor();
    auto again = JournalReader::open_directory(dir);
    again.set_matches({{"_SYSTEMD_UNIT=ssh.service"}});
    REQUIRE(again.seek_after_cursor(cursor));
    CHECK(messages(again) == std::vector<std::string>{"entry 5", "entry 7"});
}

TEST_CASE("a cursor on the last entry yields only entries appended later") {
    TempDir tmp;
    auto dir = tmp.dir / "j";
    make_journal(dir, "a", numbered(1, 3));
    std::string cursor;
    {
        auto reader = JournalReader::open_directory(dir.string());
        reader.seek_head();
        messages(reader);
        cursor = reader.cursor();
    }
    auto reader = JournalReader::open_directory(dir.string());
    reader.fd();
    REQUIRE(reader.seek_after_cursor(cursor));
    CHECK_FALSE(reader.next());
    make_journal(dir, "a", numbered(4, 5));
    CHECK(follow(reader, 2) == numbered_messages(4, 5));
}

TEST_CASE("a cursor whose entry was vacuumed continues after its timestamp") {
    TempDir tmp;
    make_journal(tmp.dir / "old", "a", numbered(1, 5));
    std::string cursor;
    {
        auto reader = JournalReader::open_directory((tmp.dir / "old").string());
        reader.seek_head();
        for (int n = 1; n <= 3; ++n)
            REQUIRE(reader.next());
        cursor = reader.cursor();
    }

    SUBCASE("only later entries are left") {
        make_journal(tmp.dir / "new", "b", numbered(4, 8));
        auto reader = JournalReader::open_directory((tmp.dir / "new").string());
        REQUIRE(reader.seek_after_cursor(cursor));
        CHECK(messages(reader) == numbered_messages(4, 8));
    }
    SUBCASE("a new file holds copies of the old entries too") {
        make_journal(tmp.dir / "new", "b", numbered(1, 8));
        auto reader = JournalReader::open_directory((tmp.dir / "new").string());
        REQUIRE(reader.seek_after_cursor(cursor));
        CHECK(messages(reader) == numbered_messages(4, 8));
    }
    SUBCASE("entries of another boot that sort before the cursor are not replayed") {
        std::vector<Entry> entries = numbered(1, 8);
        for (auto& e : entries)
            e.fields.push_back({"_BOOT_ID", "fedcba9876543210fedcba9876543210"});
        make_journal(tmp.dir / "new", "b", entries);
        auto reader = JournalReader::open_directory((tmp.dir / "new").string());
        REQUIRE(reader.seek_after_cursor(cursor));
        CHECK(messages(reader) == numbered_messages(4, 8));
    }
}

TEST_CASE("an unusable cursor is refused") {
    TempDir tmp;
    make_journal(tmp.dir / "j", "a", numbered(1, 2));
    auto reader = JournalReader::open_directory((tmp.dir / "j").string());
    CHECK_FALSE(reader.seek_after_cursor("garbage"));
    CHECK_FALSE(reader.seek_after_cursor(""));
}

TEST_CASE("a directory reader sees entries from files written after it opened") {
    TempDir tmp;
    auto dir = tmp.dir / "j";
    make_journal(dir, "a", numbered(1, 3));
    auto reader = JournalReader::open_directory(dir.string());
    reader.fd();   // starts watching, as the live loop does before its first poll
    reader.seek_head();
    CHECK(messages(reader) == numbered_messages(1, 3));
    CHECK(reader.timeout_usec() > 0);

    make_journal(dir, "b", numbered(4, 6));
    CHECK(follow(reader, 3) == numbered_messages(4, 6));

    make_journal(dir, "a", numbered(7, 7));
    CHECK(follow(reader, 1) == numbered_messages(7, 7));
}

TEST_CASE("seek_tail then next yields only entries appended later") {
    TempDir tmp;
    auto dir = tmp.dir / "j";
    make_journal(dir, "a", numbered(1, 3));
    auto reader = JournalReader::open_directory(dir.string());
    reader.fd();
    reader.seek_tail();
    CHECK_FALSE(reader.next());
    make_journal(dir, "a", numbered(4, 4));
    CHECK(follow(reader, 1) == numbered_messages(4, 4));
}

TEST_CASE("hostile field contents are read without harm") {
    TempDir tmp;
    Entry binary = numbered(1);
    binary.fields.back().second = std::string("Failed password\0for\n\xff\xfe root", 27);
    Entry huge = numbered(2);
    huge.fields.back().second = std::string(1 << 20, 'A');
    Entry huge_random = numbered(3);
    std::string noise(1 << 20, '\0');
    std::uint32_t x = 7;
    for (auto& c : noise)
        c = char((x = x * 1664525 + 1013904223) >> 24);   // incompressible
    huge_random.fields.back().second = noise;
    make_journal(tmp.dir / "j", "a", {binary, huge, huge_random, numbered(4)});

    auto reader = JournalReader::open_directory((tmp.dir / "j").string());
    reader.seek_head();
    REQUIRE(reader.next());
    CHECK(reader.field("MESSAGE") == std::string_view(binary.fields.back().second));
    REQUIRE(reader.next());
    auto m = reader.field("MESSAGE");
    REQUIRE(m);
    CHECK(m->size() <= JournalReader::data_threshold_bytes);
    CHECK(m->find_first_not_of('A') == std::string_view::npos);
    REQUIRE(reader.next());
    m = reader.field("MESSAGE");
    REQUIRE(m);
    CHECK(m->size() <= JournalReader::data_threshold_bytes);
    CHECK(*m == std::string_view(noise).substr(0, m->size()));
    REQUIRE(reader.next());
    CHECK(reader.field("MESSAGE") == "entry 4");
    CHECK_FALSE(reader.next());
}

TEST_CASE("errors name the journal call that failed") {
    TempDir tmp;
    try {
        JournalReader::open_files({(tmp.dir / "missing.journal").string()});
        FAIL("opening a missing file succeeded");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()).find("sd_journal_open_files") == 0);
    }
    try {
        JournalReader::open_directory((tmp.dir / "missing").string());
        FAIL("opening a missing directory succeeded");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()) == "sd_journal_open_directory: No such file or directory");
    }
    auto reader = JournalReader::open_directory(tmp.dir.string());
    CHECK_THROWS_AS(reader.set_matches({{"no equals sign"}}), std::system_error);
}
