// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/filter_file.hpp"
#include "config/journal_match.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>

using namespace banjo;
namespace fs = std::filesystem;

namespace {

// A host where postfix is 107 and bind 112, and nobody else exists.
std::optional<std::uint32_t> fake_users(const std::string& name) {
    static const std::map<std::string, std::uint32_t> users{{"postfix", 107}, {"bind", 112}};
    auto it = users.find(name);
    if (it == users.end()) return std::nullopt;
    return it->second;
}

bool mentions(const std::vector<std::string>& messages, const std::string& text) {
    for (const auto& m : messages)
        if (m.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("a user named in a _UID term becomes this host's uid") {
    auto r = resolve_journal_users({{"_EXE=/usr/lib/postfix/sbin/smtpd", "_UID=0", "_UID=postfix"}}, fake_users);
    REQUIRE(r.groups.size() == 1);
    CHECK(r.groups[0] == std::vector<std::string>{"_EXE=/usr/lib/postfix/sbin/smtpd", "_UID=0", "_UID=107"});
    CHECK(r.dead_groups.empty());
}

TEST_CASE("a group whose every user is unknown here stays as written, never matches, and is reported") {
    auto r = resolve_journal_users({{"_SYSTEMD_UNIT=gitea.service", "_UID=git", "_UID=gitea"},
                                    {"_SYSTEMD_UNIT=named.service", "_UID=bind"}},
                                   fake_users);
    // journald writes _UID as a number: "_UID=git" can never equal it.
    CHECK(r.groups[0] == std::vector<std::string>{"_SYSTEMD_UNIT=gitea.service", "_UID=git", "_UID=gitea"});
    CHECK(r.groups[1] == std::vector<std::string>{"_SYSTEMD_UNIT=named.service", "_UID=112"});
    REQUIRE(r.dead_groups.size() == 1);
    CHECK(r.dead_groups[0].find("can never match: no user git, gitea on this host") != std::string::npos);
}

TEST_CASE("an unknown user beside a known one or a number leaves the group alive") {
    auto r = resolve_journal_users({{"_SYSTEMD_UNIT=nginx.service", "_UID=0", "_UID=www-data", "_UID=nginx"}}, fake_users);
    CHECK(r.dead_groups.empty());
    CHECK(r.groups[0] == std::vector<std::string>{"_SYSTEMD_UNIT=nginx.service", "_UID=0", "_UID=www-data", "_UID=nginx"});
}

TEST_CASE("terms on other fields are never taken for user names") {
    auto r = resolve_journal_users({{"SYSLOG_IDENTIFIER=postfix", "_COMM=postfix"}}, fake_users);
    CHECK(r.groups[0] == std::vector<std::string>{"SYSLOG_IDENTIFIER=postfix", "_COMM=postfix"});
    CHECK(r.dead_groups.empty());
}

TEST_CASE("the host's own user database knows root as 0 and not a made-up name") {
    CHECK(host_user_id("root") == std::optional<std::uint32_t>(0));
    CHECK_FALSE(host_user_id("banjo-no-such-user-7f3a").has_value());
}

TEST_CASE("a group of fields only the sending program sets is reported as forgeable, whichever they are") {
    for (const std::string term : {"SYSLOG_IDENTIFIER=sshd", "CONTAINER_NAME=gitlab", "SYSLOG_FACILITY=10",
                                   "MESSAGE_ID=add223c30bb94799abc230d2cf7655f3", "APP_NAME=anything"}) {
        INFO(term);
        auto w = forgeable_groups({{"_SYSTEMD_UNIT=ssh.service", "_UID=0"}, {term}});
        REQUIRE(w.size() == 1);
        CHECK(w[0].find("uses only fields the sending program chooses") != std::string::npos);
        CHECK(w[0].find(term.substr(0, term.find('='))) != std::string::npos);
    }
    // Two of them together are no better.
    CHECK(mentions(forgeable_groups({{"SYSLOG_IDENTIFIER=sshd", "SYSLOG_FACILITY=4"}}), "SYSLOG_FACILITY, SYSLOG_IDENTIFIER"));
}

TEST_CASE("a unit or an executable without _UID is reported: other users can write from there") {
    for (const std::string term : {"_SYSTEMD_UNIT=ssh.service", "_EXE=/usr/sbin/sshd", "_COMM=sshd"}) {
        INFO(term);
        auto w = forgeable_groups({{term}});
        REQUIRE(w.size() == 1);
        CHECK(w[0].find("does not require _UID") != std::string::npos);
    }
    // banjo's own ban entries before this rule: MESSAGE_ID and the unit.
    CHECK(forgeable_groups({{"MESSAGE_ID=add223c30bb94799abc230d2cf7655f3", "_SYSTEMD_UNIT=banjo.service"}}).size() == 1);
}

TEST_CASE("the unit or executable with _UID, and kernel or audit records, are trusted") {
    CHECK(forgeable_groups({{"_SYSTEMD_UNIT=ssh.service", "_SYSTEMD_UNIT=sshd.service", "_UID=0"},
                            {"_EXE=/usr/lib/postfix/sbin/smtpd", "_UID=107"},
                            {"CONTAINER_NAME=gitlab", "_EXE=/usr/bin/dockerd", "_UID=0"},
                            {"_TRANSPORT=audit", "_AUDIT_TYPE=1100"},
                            {"_TRANSPORT=kernel"}})
              .empty());
    // A transport a user process can use is no such guarantee.
    CHECK(forgeable_groups({{"_TRANSPORT=kernel", "_TRANSPORT=syslog"}}).size() == 1);
}

TEST_CASE("no journal-match at all is reported: every entry is read") {
    CHECK(mentions(forgeable_groups({}), "every journal entry is read"));
}

TEST_CASE("every shipped filter requires _UID (or the kernel) in every group") {
    int filters = 0;
    for (const auto& e : fs::directory_iterator(std::string(BANJO_SOURCE_ROOT) + "/conf/filter.d")) {
        if (e.path().extension() != ".toml") continue;
        FilterSpec spec = load_filter_file(e.path().string());
        INFO(spec.name);
        CHECK(!spec.journal_match.empty());
        for (const auto& m : forgeable_groups(spec.journal_match)) FAIL_CHECK(m);
        ++filters;
    }
    CHECK(filters >= 60);
}
