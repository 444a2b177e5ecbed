// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal/entry_router.hpp"

#include <doctest/doctest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using banjo::EntryRouter;

namespace {

// An entry as a field map that counts how often each field is asked for.
struct FakeEntry {
    std::map<std::string, std::string> fields;
    std::map<std::string, int> reads;

    EntryRouter::FieldLookup lookup() {
        return [this](const std::string& name) -> std::optional<std::string_view> {
            ++reads[name];
            auto it = fields.find(name);
            if (it == fields.end())
                return std::nullopt;
            return std::string_view(it->second);
        };
    }
};

std::vector<std::size_t> route(EntryRouter& router, FakeEntry& entry) {
    std::vector<std::size_t> jails;
    router.route_fields(entry.lookup(), jails);
    return jails;
}

const EntryRouter::Groups sshd = {{"_SYSTEMD_UNIT=ssh.service", "_SYSTEMD_UNIT=sshd.service"},
                                  {"SYSLOG_IDENTIFIER=sshd"}};
const EntryRouter::Groups nginx = {{"_SYSTEMD_UNIT=nginx.service"}};

}  // namespace

TEST_CASE("one jail reads no field and takes every entry the journal returns") {
    EntryRouter router({sshd});
    FakeEntry entry{{{"_SYSTEMD_UNIT", "ssh.service"}}, {}};
    CHECK(route(router, entry) == std::vector<std::size_t>{0});
    CHECK(entry.reads.empty());
    CHECK(router.fields().empty());
}

TEST_CASE("jails with the same match set written differently read no field") {
    EntryRouter::Groups reordered = {{"SYSLOG_IDENTIFIER=sshd"},
                                     {"_SYSTEMD_UNIT=sshd.service", "_SYSTEMD_UNIT=ssh.service"},
                                     {"SYSLOG_IDENTIFIER=sshd"}};
    EntryRouter router({sshd, reordered, sshd});
    FakeEntry entry;
    CHECK(route(router, entry) == std::vector<std::size_t>{0, 1, 2});
    CHECK(entry.reads.empty());
}

TEST_CASE("different jails get only the entries of their own service") {
    EntryRouter router({sshd, nginx});
    FakeEntry ssh{{{"_SYSTEMD_UNIT", "sshd.service"}}, {}};
    FakeEntry web{{{"_SYSTEMD_UNIT", "nginx.service"}, {"SYSLOG_IDENTIFIER", "nginx"}}, {}};
    FakeEntry by_ident{{{"SYSLOG_IDENTIFIER", "sshd"}}, {}};
    CHECK(route(router, ssh) == std::vector<std::size_t>{0});
    CHECK(route(router, web) == std::vector<std::size_t>{1});
    CHECK(route(router, by_ident) == std::vector<std::size_t>{0});
}

TEST_CASE("each field is read at most once per entry") {
    EntryRouter router({sshd, nginx, {{"_SYSTEMD_UNIT=nginx.service", "PRIORITY=3"}}});
    FakeEntry entry{{{"_SYSTEMD_UNIT", "nginx.service"}, {"PRIORITY", "3"}}, {}};
    CHECK(route(router, entry) == std::vector<std::size_t>{1, 2});
    for (const auto& [field, count] : entry.reads)
        CHECK_MESSAGE(count == 1, field);
    CHECK(entry.reads.size() == router.fields().size());
}

TEST_CASE("terms on different fields in one group must all hold") {
    EntryRouter router({{{"_SYSTEMD_UNIT=nginx.service", "PRIORITY=3", "PRIORITY=4"}}, nginx});
    FakeEntry err{{{"_SYSTEMD_UNIT", "nginx.service"}, {"PRIORITY", "4"}}, {}};
    FakeEntry info{{{"_SYSTEMD_UNIT", "nginx.service"}, {"PRIORITY", "6"}}, {}};
    FakeEntry other{{{"_SYSTEMD_UNIT", "cron.service"}, {"PRIORITY", "3"}}, {}};
    CHECK(route(router, err) == std::vector<std::size_t>{0, 1});
    CHECK(route(router, info) == std::vector<std::size_t>{1});
    CHECK(route(router, other).empty());
}

TEST_CASE("a jail whose match set is the whole union takes every entry unread") {
    EntryRouter::Groups both = sshd;
    both.insert(both.end(), nginx.begin(), nginx.end());
    EntryRouter router({both, nginx});
    CHECK(router.fields() == std::vector<std::string>{"_SYSTEMD_UNIT"});
    FakeEntry ssh{{{"SYSLOG_IDENTIFIER", "sshd"}}, {}};
    CHECK(route(router, ssh) == std::vector<std::size_t>{0});
}

TEST_CASE("a jail without matches takes every entry and empties the union") {
    EntryRouter router({sshd, {}});
    CHECK(router.union_groups().empty());
    FakeEntry cron{{{"_SYSTEMD_UNIT", "cron.service"}}, {}};
    FakeEntry ssh{{{"_SYSTEMD_UNIT", "ssh.service"}}, {}};
    CHECK(route(router, cron) == std::vector<std::size_t>{1});
    CHECK(route(router, ssh) == std::vector<std::size_t>{0, 1});
}

TEST_CASE("an empty group matches every entry") {
    EntryRouter router({{{"_SYSTEMD_UNIT=x.service"}, {}}, nginx});
    CHECK(router.union_groups().empty());
    FakeEntry cron{{{"_SYSTEMD_UNIT", "cron.service"}}, {}};
    CHECK(route(router, cron) == std::vector<std::size_t>{0});
}

TEST_CASE("the union holds every distinct group once with sorted terms") {
    EntryRouter router({sshd, nginx, {{"_SYSTEMD_UNIT=nginx.service"}}, sshd});
    EntryRouter::Groups expected = {{"SYSLOG_IDENTIFIER=sshd"},
                                    {"_SYSTEMD_UNIT=nginx.service"},
                                    {"_SYSTEMD_UNIT=ssh.service", "_SYSTEMD_UNIT=sshd.service"}};
    CHECK(router.union_groups() == expected);
}

TEST_CASE("a value is compared whole, byte for byte") {
    EntryRouter router({nginx, sshd});
    FakeEntry prefix{{{"_SYSTEMD_UNIT", "nginx.service.evil"}}, {}};
    FakeEntry with_nul{{{"_SYSTEMD_UNIT", std::string("nginx.service\0", 14)}}, {}};
    FakeEntry empty{{{"_SYSTEMD_UNIT", ""}}, {}};
    CHECK(route(router, prefix).empty());
    CHECK(route(router, with_nul).empty());
    CHECK(route(router, empty).empty());
}

TEST_CASE("a value containing '=' keeps everything after the first '='") {
    EntryRouter router({{{"MESSAGE=a=b"}}, nginx});
    FakeEntry entry{{{"MESSAGE", "a=b"}}, {}};
    CHECK(route(router, entry) == std::vector<std::size_t>{0});
}

TEST_CASE("a term that is not FIELD=value is refused") {
    CHECK_THROWS_AS(EntryRouter({{{"_SYSTEMD_UNIT"}}}), std::invalid_argument);
    CHECK_THROWS_AS(EntryRouter({{{"=value"}}}), std::invalid_argument);
}

TEST_CASE("a term that is not FIELD=value is refused in a jail that also has an empty group") {
    // Found by fuzz_entry_router: the empty group ended the check before the later groups.
    CHECK_THROWS_AS(EntryRouter({{{}, {"_SYSTEMD_UNIT"}}}), std::invalid_argument);
    CHECK_THROWS_AS(EntryRouter({{{"_EXE=/usr/sbin/sshd"}, {}, {"=value"}}}), std::invalid_argument);
}

TEST_CASE("a jail that requires _UID gets its unit's entries only from that user") {
    // sshd as root, postfix's smtpd as its user (107 here): a user's process inside ssh.service,
    // or a copy of smtpd run by someone else, is routed to neither.
    const EntryRouter::Groups root_sshd = {{"_SYSTEMD_UNIT=ssh.service", "_UID=0"}};
    const EntryRouter::Groups smtpd = {{"_EXE=/usr/lib/postfix/sbin/smtpd", "_UID=0", "_UID=107"}};
    EntryRouter router({root_sshd, smtpd});
    FakeEntry sshd_entry{{{"_SYSTEMD_UNIT", "ssh.service"}, {"_UID", "0"}}, {}};
    FakeEntry user_in_unit{{{"_SYSTEMD_UNIT", "ssh.service"}, {"_UID", "1000"}}, {}};
    FakeEntry smtpd_entry{{{"_EXE", "/usr/lib/postfix/sbin/smtpd"}, {"_UID", "107"}}, {}};
    FakeEntry smtpd_by_user{{{"_EXE", "/usr/lib/postfix/sbin/smtpd"}, {"_UID", "1000"}}, {}};
    FakeEntry no_uid{{{"_SYSTEMD_UNIT", "ssh.service"}}, {}};
    CHECK(route(router, sshd_entry) == std::vector<std::size_t>{0});
    CHECK(route(router, smtpd_entry) == std::vector<std::size_t>{1});
    CHECK(route(router, user_in_unit).empty());
    CHECK(route(router, smtpd_by_user).empty());
    // No local process sent an entry without _UID (journald always records the sender's): one
    // from another host's journal, as systemd-journal-remote writes it, is taken.
    CHECK(route(router, no_uid) == std::vector<std::size_t>{0});
    // The journal cannot match a missing field: the reader gets the groups without _UID, and
    // route() checks _UID on every entry, even for a single jail.
    CHECK(router.union_groups() == EntryRouter::Groups{{"_EXE=/usr/lib/postfix/sbin/smtpd"},
                                                        {"_SYSTEMD_UNIT=ssh.service"}});
    CHECK(router.fields() == std::vector<std::string>{"_SYSTEMD_UNIT", "_UID", "_EXE"});
}

TEST_CASE("one jail that requires _UID reads _UID and nothing else") {
    const EntryRouter::Groups root_sshd = {{"_SYSTEMD_UNIT=ssh.service", "_UID=0"}};
    EntryRouter router({root_sshd});
    FakeEntry forged{{{"_SYSTEMD_UNIT", "ssh.service"}, {"_UID", "65534"}}, {}};
    CHECK(route(router, forged).empty());
    CHECK(router.union_groups() == EntryRouter::Groups{{"_SYSTEMD_UNIT=ssh.service"}});
}

TEST_CASE("a group of _UID terms alone makes the reader read every entry") {
    const EntryRouter::Groups root_only = {{"_UID=0"}};
    EntryRouter router({root_only, nginx});
    CHECK(router.union_groups().empty());
    FakeEntry root{{{"_UID", "0"}}, {}};
    FakeEntry user{{{"_UID", "1000"}, {"_SYSTEMD_UNIT", "other.service"}}, {}};
    CHECK(route(router, root) == std::vector<std::size_t>{0});
    CHECK(route(router, user).empty());
}
