// SPDX-License-Identifier: GPL-2.0-or-later
// src/journal/syslog_line.cpp: a log file line as the journal would hold it. banjoctl
// test-filter and the filter sample test both read lines through it.
#include "journal/syslog_line.hpp"

#include <doctest/doctest.h>

using namespace banjo;

namespace {

void check_split(std::string_view line, std::string_view message, std::string_view ident, std::string_view pid) {
    INFO(line);
    const SyslogLine s = split_syslog_line(line);
    CHECK(s.message == message);
    CHECK(s.ident == ident);
    CHECK(s.pid == pid);
}

}  // namespace

TEST_CASE("a BSD syslog line loses time, host and identifier; the pid is kept apart") {
    check_split("May 29 20:56:52 host sshd[28732]: Invalid user admin from 198.51.100.4",
                "Invalid user admin from 198.51.100.4", "sshd", "28732");
    check_split("May  9 20:56:52 host sshd[28732]: x", "x", "sshd", "28732");     // day padded with a space
    check_split("May 29 20:56:52 sshd[28732]: x", "x", "sshd", "28732");          // no host
    check_split("May 29 20:56:52 host cyrus/imap: x", "x", "cyrus/imap", "");
    check_split("May 29 20:56:52.123 host sshd[7]: x", "x", "sshd", "7");         // fractional seconds
    check_split("May 29 20:56:52 host [sshd]: x", "x", "sshd", "");              // a relay's [ident]
}

TEST_CASE("an ISO 8601 or syslog-ng time stamp is a syslog prefix too") {
    check_split("2024-05-02T14:03:11.123+02:00 host sshd[5]: Failed password", "Failed password", "sshd", "5");
    check_split("2024-05-02T14:03:11Z sshd[5]: x", "x", "sshd", "5");
    check_split("2024-05-02 14:03:11 host sshd[5]: x", "x", "sshd", "5");
    // A daemon's own log line with the same date format and no pid stays whole.
    check_split("2024-05-02 14:03:11 host mysqld: x", "2024-05-02 14:03:11 host mysqld: x", "", "");
}

TEST_CASE("RFC 5424: APP and PROCID, MESSAGE after the structured data") {
    check_split("<38>1 2024-05-02T14:03:11Z host sshd 5 - - Failed password", "Failed password", "sshd", "5");
    check_split("<38>1 2024-05-02T14:03:11Z host sshd - ID47 [a b=\"x]y\"][c] msg", "msg", "sshd", "");
    check_split("<38>1 2024-05-02T14:03:11Z host - - - - msg", "msg", "", "");
}

TEST_CASE("journalctl's short form needs ident[pid] to count as a prefix") {
    check_split("host sshd[5]: x", "x", "sshd", "5");
    check_split("Failed password: x", "Failed password: x", "", "");
    check_split("error: x", "error: x", "", "");
}

TEST_CASE("a daemon's own log-file prefix after a time stamp stays in MESSAGE") {
    // dovecot's log file: "auth-worker(22401):" is no syslog identifier; journald would keep it.
    check_split("Jan 29 13:54:06 auth-worker(22401): Info: pam(u,198.51.100.4): unknown user",
                "Jan 29 13:54:06 auth-worker(22401): Info: pam(u,198.51.100.4): unknown user", "", "");
    check_split("2024-05-02T14:03:11Z: x", "2024-05-02T14:03:11Z: x", "", "");
    // A BSD time and a host, then no identifier: the rest is MESSAGE.
    check_split("Jan 29 13:54:06 host proftpd[123] host (198.51.100.4[198.51.100.4]) - x",
                "proftpd[123] host (198.51.100.4[198.51.100.4]) - x", "", "");
}

TEST_CASE("audit records read as journald stores them, multilog labels go") {
    check_split("type=USER_AUTH msg=audit(1700000000.123:42): pid=7 uid=0 msg='op=PAM:authentication acct=\"x\" "
                "res=failed'\x1d" "UID=\"root\"",
                "USER_AUTH pid=7 uid=0 msg='op=PAM:authentication acct=\"x\" res=failed'", "audit", "7");
    check_split("@400000006650a3f20c2f5b0c Failed login from 198.51.100.4", "Failed login from 198.51.100.4", "", "");
}

TEST_CASE("a line without any prefix is the message itself") {
    check_split("Failed password for root from 198.51.100.4 port 22 ssh2",
                "Failed password for root from 198.51.100.4 port 22 ssh2", "", "");
    check_split("", "", "", "");
    check_split("<", "<", "", "");
    check_split("May 29", "May 29", "", "");
}

TEST_CASE("the identifier word: ident:, ident[pid]:, and [ident] only after a BSD time") {
    auto id = parse_syslog_identifier("sshd[5]:");
    REQUIRE(id);
    CHECK(id->ident == "sshd");
    CHECK(id->pid == "5");
    CHECK(parse_syslog_identifier("sshd:")->pid.empty());
    CHECK_FALSE(parse_syslog_identifier("sshd"));
    CHECK_FALSE(parse_syslog_identifier(":"));
    CHECK_FALSE(parse_syslog_identifier("[sshd]"));
    CHECK(parse_syslog_identifier("[sshd]", true)->ident == "sshd");
}
