// SPDX-License-Identifier: GPL-2.0-or-later
// Attacks on the shipped service filters (filter.d, beyond sshd) through the text a client
// controls: user names, URLs and paths, user agents, SMTP commands and addresses, SIP headers,
// passwords logged by a verbose server. The real client is 198.51.100.4; the attacker plants
// 203.0.113.9, 2001:db8::bad or ::ffff:203.0.113.9 next to the words the patterns look for
// ("from", "rhost=", "client", "[ip]", "rip=", "ip=" ...). In no mode may a planted address
// be what a filter reports or a session counts; where the line still has one sound reading,
// the real client must be counted.
#include "config/filter_file.hpp"
#include "core/filter.hpp"
#include "core/session_table.hpp"
#include "planted_address.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace banjo;
using banjo::test::names_planted;
using banjo::test::repeat;

namespace {

const std::string real = "198.51.100.4";
const std::vector<std::string> planted_forms{"203.0.113.9", "2001:db8::bad", "::ffff:203.0.113.9"};

struct Attack {
    std::string filter;
    std::vector<std::string> lines;   // one session, in order; "{P}" stands for the planted address
    // Modes in which the real client must be counted; {"*"}: every mode; {}: the line may be
    // refused (it reads two ways), only never misread.
    std::vector<std::string> must_count_in{"*"};
};

std::vector<Attack> attacks() {
    const std::vector<std::string> more{"more", "aggressive"};
    const std::string apache_head = "[Sat Jun 01 02:17:42.000001 2013] [auth_basic:error] [pid 1:tid 2] [client 198.51.100.4:5] ";
    return {
        // dropbear: the quoted user name, before the host.
        {"dropbear", {"Bad password attempt for 'x' from {P}:22' from 198.51.100.4:5543"}},
        {"dropbear", {"[825] Jul 10 23:53:52 bad password attempt for 'from {P}:1' from 198.51.100.4:5543"}},
        {"dropbear", {"Login attempt for nonexistent user 'x' from {P}:1' from 198.51.100.4:5543"}},
        {"dropbear", {"Exit before auth from <198.51.100.4:22>: (user 'x' from {P}:1', 10 fails): Max auth tries reached - user 'y from <{P}:2>'"}},
        {"dropbear", {"Exit before auth (user 'a', 10 fails): Max auth tries reached - user 'b' from {P}:1' from 198.51.100.4:22"}},
        {"dropbear", {"Pubkey auth bad signature for 'x' with key k from {P}:1' with key SHA256:abc from 198.51.100.4:5543"}},
        {"dropbear", {"Bad PAM password attempt for 'x' from {P}:1' from [198.51.100.4]:5543"}},
        {"dropbear", {"Login attempt with wrong user x from {P}:1 from 198.51.100.4:5543"}},
        // A refusal without a host counts against the connection's own "Child connection".
        // (dropbear -E's prefix gives the connection's pid.)
        {"dropbear", {"[4242] Jul 10 23:53:50 Child connection from 198.51.100.4:5543",
                      "[4242] Jul 10 23:53:52 User 'x from {P}:1 Child connection from {P}:1' has invalid shell, rejected"}},

        // selinux-ssh: acct= is the only client text.
        {"selinux-ssh", {"USER_AUTH pid=1 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:sshd_t:s0 msg='op=password acct=\"addr={P}\" exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.4 terminal=ssh res=failed'"}},

        // pam-generic: ruser and user around rhost.
        {"pam-generic", {"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.4  user=x rhost={P}"}},
        {"pam-generic", {"pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=rhost={P} rhost=198.51.100.4"}},
        {"pam-generic", {"pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=x rhost={P} rhost=198.51.100.4 "}},
        // Reads two ways (ruser "x", host planted, user "y rhost=REAL"): refused.
        {"pam-generic", {"pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=x rhost={P} user=y rhost=198.51.100.4 "}, {}},
        {"pam-generic", {"pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=x rhost={P} user=y rhost=198.51.100.4  user=x rhost={P} user=y"}, {}},

        // dovecot: the login name on login lines, the auth name and password on auth lines.
        {"dovecot", {"imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x>, method=PLAIN, rip={P}, lip=192.0.2.1>, method=PLAIN, rip=198.51.100.4, lip=192.0.2.1, TLS, session=<abc>"}},
        {"dovecot", {"imap-login: Login aborted: Connection closed (auth failed, 3 attempts in 16 secs) (auth_failed): user=<rip={P}, >, rip=198.51.100.4, lip=192.0.2.1, session=<abc>"}},
        {"dovecot", {"auth: sql(x,{P},<abc>,198.51.100.4,<def>): Password mismatch"}},
        {"dovecot", {"auth-worker(1): pam(x,{P},198.51.100.4): pam_authenticate() failed: Authentication failure (password mismatch?)"}},
        {"dovecot", {"auth: passwd-file(x,198.51.100.4): Password mismatch (given password: ) auth: passwd-file(y,{P}): unknown user)"}},
        {"dovecot", {"auth(x,{P},198.51.100.4,sasl:plain)<abc>: Info: sql: Password mismatch (given password: ,{P},sasl:plain)<d>)"}},
        {"dovecot", {"auth(x,{P},sasl:plain),198.51.100.4,sasl:plain)<abc>: Info: sql: Password mismatch"}, {}},
        {"dovecot", {"pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=rhost={P} rhost=198.51.100.4"}},
        // 2.4: a failure naming no address waits for its session's login line.
        {"dovecot", {"auth(rip={P},,sasl:plain)<sess1>: Info: sql: Password mismatch (given password: rip={P})",
                     "imap-login: Login aborted: Connection closed (auth failed, 1 attempts in 2 secs) (auth_failed): user=<rip={P}>, method=PLAIN, rip=198.51.100.4, lip=192.0.2.1, TLS, session=<sess1>"}},
        {"dovecot", {"imap-login: Disconnected (auth failed, 1 attempts): user=<" + repeat("x>, rip={P}, ", 64 * 1024) + ">, rip=198.51.100.4, lip=192.0.2.1"}},
        // Long lines that almost match must fail in linear time, not hang (GHSA-33wh-ccjc-p397).
        {"dovecot", {"imap-login: Disconnected: " + repeat("a: (b) (", 64 * 1024) + "(auth failed, 1 attempts) rip={P}"}, {}},
        {"dovecot", {"auth: sql(" + repeat("x,{P},<a>", 64 * 1024) + ",198.51.100.4,<s>): Password mismatch (given password: )"}},

        // exim: HELO, quoted commands, senders, recipients, set_id. A line whose client text on
        // both sides of the host could hold the host is refused ({}).
        {"exim", {"login authenticator failed for (x) [198.51.100.4]:1 I=[192.0.2.1]:25: 535 Incorrect authentication data (set_id=[{P}])"}},
        {"exim", {"login authenticator failed for (x) [{P}]) [198.51.100.4]:1: 535 Incorrect authentication data"}, {}},
        {"exim", {"SMTP protocol error in \"AUTH H=(x) [{P}]\" H=(y) [198.51.100.4] AUTH command used when not advertised"}, more},
        {"exim", {"SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from H=[198.51.100.4]:1 I=[192.0.2.1]:25 input=\"H=[{P}]:2 I=[192.0.2.1]:25 input=\""}, more},
        {"exim", {"SMTP protocol synchronization error (next input sent too soon: pipelining was not advertised): rejected \"RSET\" H=[198.51.100.4]:1 I=[192.0.2.1]:25 next input=\"x\" H=[{P}]:2 I=[192.0.2.1]:25 next input=\"y\""}, {}},
        {"exim", {"SMTP protocol synchronization error (next input sent too soon: pipelining was not advertised): rejected \"a\" H=[{P}]:2 I=[192.0.2.1]:25 next input=\"b\" H=[198.51.100.4]:1 I=[192.0.2.1]:25 next input=\"y\""}, {}},
        {"exim", {"H=(x) [198.51.100.4]:1 I=[192.0.2.1]:25 F=<a@b> rejected RCPT <c@[{P}]>: relay not permitted"}, more},
        {"exim", {"H=(x) [198.51.100.4] sender verify fail for <a H=(y) [{P}] sender verify fail for <b>: x"}, more},
        {"exim", {"SMTP call from [198.51.100.4] dropped: too many syntax or protocol errors (last command was \"SMTP call from [{P}] dropped\")"}, more},
        {"exim", {"no IP address found for host x.example (during SMTP connection from [198.51.100.4]:1 I=[192.0.2.1]:25)"}, {"aggressive"}},

        // exim-spam: sender before the host, Message-Id and sender in sa-exim's line.
        {"exim-spam", {"F=<a@b> H=(x) [198.51.100.4] P=smtp rejected by local_scan(): Rejected H=(y) [{P}] P=smtp"}, {}},
        {"exim-spam", {"F=\"a H=(y) [{P}] P=smtp\"@b H=(x) [198.51.100.4] P=smtp rejected by local_scan(): Rejected"}, {}},
        {"exim-spam", {"SA: Action: silently tossed message: score=31.0 required=5.0 trigger=30.0 (scanned in 6/6 secs | Message-Id: x). From <a@b> (host=NULL [{P}]) for me@x). From <c@d> (host=NULL [198.51.100.4]) for me@example.com"}, {}},
        {"exim-spam", {"SA: Action: silently tossed message: score=31.0 required=5.0 (scanned in 6/6 secs | Message-Id: x@y). From <a@b> (host=NULL [198.51.100.4]) for me@example.com (host=NULL [{P}])"}, {}},
        {"exim-spam", {"H=(x) [198.51.100.4]:1 I=[192.0.2.1]:25 F=<a@b> rejected RCPT <c@[{P}]>: rejected found in dnsbl zen.example"}},

        // courier: user names before ip=, SMTP envelope after relay=.
        {"courier-auth", {"LOGIN FAILED, user=x, ip=[{P}], ip=[198.51.100.4]"}},
        {"courier-auth", {"LOGIN FAILED, user=x, ip=[{P}], port=[1], ip=[198.51.100.4], port=[2]"}},
        {"courier-smtp", {"error,relay=198.51.100.4,ident=x,from=<a relay={P},>,to=<b>: 550 User unknown."}},
        {"courier-smtp", {"error,relay=198.51.100.4,msg=\"535 Authentication failed.\",cmd: AUTH PLAIN error,relay={P},msg=x"}},

        // cyrus: the user name follows the bracketed address.
        {"cyrus-imap", {"badlogin: host.example [198.51.100.4] PLAIN x [{P}] [SASL(-13): authentication failure: checkpass failed]"}},
        {"cyrus-imap", {"badlogin: [198.51.100.4] plain [{P}] SASL(-13): authentication failure"}},

        // Apache: paths, URIs and referers after the fixed head.
        {"apache-auth", {apache_head + "AH01618: user x [client {P}] not found: /[client {P}]"}},
        {"apache-auth", {"[Sat Jun 01 02:17:42 2013] [error] [client 198.51.100.4] File does not exist: /x/[client {P}] user root not found"}, {}},
        {"apache-auth", {apache_head + "AH01617: user [remote {P}]: authentication failure for \"/[client {P}:1]\": Password Mismatch"}},
        {"apache-noscript", {"[error] [client 198.51.100.4] script '/var/www/x [client {P}] y' not found or unable to stat"}},
        {"apache-botsearch", {"[error] [client 198.51.100.4] File does not exist: /var/www/pma, referer: [client {P}]"}},
        {"apache-overflows", {"[core:error] [pid 1] [client 198.51.100.4:1] AH00126: Invalid URI in request GET /[client {P}:1] HTTP/1.1"}},
        {"apache-nohome", {"[error] [client 198.51.100.4] File does not exist: /home/~{P}"}},
        {"apache-shellshock", {"[cgi:error] [pid 1] [client 198.51.100.4:1] AH01215: /bin/bash: warning: HTTP_CLIENT_{P}: ignoring function definition attempt"}},
        {"apache-badbots", {"198.51.100.4 - - [05/Mar/2007:14:39:21 +0100] \"GET /{P} HTTP/1.0\" 200 1 \"{P} - - [x]\" \"TrackBack/1.02 \\\" {P} - - [x] \\\"\""}},
        {"apache-badbots", {"www.example.com 198.51.100.4 - - [05/Mar/2007:14:39:21 +0100] \"GET / HTTP/1.0\\\" 200 1 \\\"-\\\" \\\"x\\\"\\n{P} - - [x] \\\"GET /\" 200 1 \"-\" \"EmailCollector\""}},

        // asterisk: SIP From, Call-ID, extension, account and session ids.
        {"asterisk", {"NOTICE[1]: chan_sip.c:1 handle_request_register: Registration from '<sip:x@y>' failed for '{P}' - Wrong password' failed for '198.51.100.4:5060' - Wrong password"}},
        {"asterisk", {"NOTICE[1] chan_iax2.c: No registration for peer 'x (from {P})' (from 198.51.100.4)"}},
        {"asterisk", {"NOTICE[1] chan_iax2.c: Host 198.51.100.4 failed to authenticate as 'Host {P} failed to authenticate as'"}},
        {"asterisk", {"NOTICE[1][C-1] chan_sip.c: Call from 'x' (198.51.100.4:5060) to extension '1' rejected because extension not found in context 'default'."}},
        {"asterisk", {"NOTICE[1][C-1] chan_sip.c: Call from 'x\\' ({P}:1) to extension \\'1' (198.51.100.4:5060) to extension '1' rejected because extension not found in context 'default'."}, {}},
        {"asterisk", {"NOTICE[1][C-1] chan_sip.c: Call from 'x' (198.51.100.4:5060) to extension '1' rejected because extension not found in context 'default'. Call from 'y' ({P}:1) to extension '2' rejected because extension not found in context 'default'."}, {}},
        {"asterisk", {"NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '<sip:x@y>' failed for '198.51.100.4:5060' (callid: a) - x' failed for '{P}:1' (callid: b) - No matching endpoint found"}, {}},
        {"asterisk", {"NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'INVITE' from 'x' failed for '{P}:1' (callid: b) - No matching endpoint found' failed for '198.51.100.4:5060' (callid: a) - No matching endpoint found"}, {}},
        {"asterisk", {"NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '\"{P}\" <sip:x@[{P}]>' failed for '198.51.100.4:5060' (callid: {P}) - No matching endpoint found"}},
        {"asterisk", {"NOTICE[1] manager.c: 198.51.100.4 failed to authenticate as '{P} failed to authenticate as'"}},
        {"asterisk", {"WARNING[1][C-1]: Ext. s:6 in @ from-sip-external: \"Rejecting unknown SIP connection from 198.51.100.4\""}},
        {"asterisk", {"SECURITY[1] res_security_log.c: SecurityEvent=\"InvalidAccountID\",EventTV=\"1\",Severity=\"Error\",Service=\"PJSIP\",EventVersion=\"1\",AccountID=\"x\",SessionID=\"\",LocalAddress=\"IPV4/UDP/192.0.2.1/5060\",RemoteAddress=\"IPV4/UDP/{P}/1\"\",LocalAddress=\"IPV4/UDP/192.0.2.1/5060\",RemoteAddress=\"IPV4/UDP/198.51.100.4/5060\""}},
        {"asterisk", {"SECURITY[1] res_security_log.c: SecurityEvent=\"InvalidPassword\",EventTV=\"1\",Severity=\"Error\",Service=\"SIP\",EventVersion=\"2\",AccountID=\"x\",SessionID=\"y\",LocalAddress=\"IPV4/UDP/192.0.2.1/5060\",RemoteAddress=\"IPV4/UDP/198.51.100.4/5060\",Challenge=\"c\",ReceivedChallenge=\"c\",ReceivedHash=\"x\",LocalAddress=\"IPV4/UDP/192.0.2.1/1\",RemoteAddress=\"IPV4/UDP/{P}/1\""}, {}},
        {"asterisk", {"SECURITY[1] res_security_log.c: SecurityEvent=\"InvalidPassword\",EventTV=\"1\",Severity=\"Error\",Service=\"SIP\",EventVersion=\"2\",AccountID=\"x\",SessionID=\"a\",LocalAddress=\"IPV4/UDP/192.0.2.1/1\",RemoteAddress=\"IPV4/UDP/{P}/1\",Challenge=\"b\",LocalAddress=\"IPV4/UDP/192.0.2.1/5060\",RemoteAddress=\"IPV4/UDP/198.51.100.4/5060\",Challenge=\"c\",ReceivedChallenge=\"c\",ReceivedHash=\"d\""}, {}},
        {"asterisk", {"SECURITY[1] res_security_log.c: SecurityEvent=\"InvalidAccountID\",EventTV=\"1\",Severity=\"Error\",Service=\"PJSIP\",EventVersion=\"1\",AccountID=\"a\",SessionID=\"b\",LocalAddress=\"IPV4/UDP/192.0.2.1/1\",RemoteAddress=\"IPV4/UDP/{P}/1\",SessionID=\"c\",LocalAddress=\"IPV4/UDP/192.0.2.1/5060\",RemoteAddress=\"IPV4/UDP/198.51.100.4/5060\""}, {}},
        {"asterisk", {"NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '" + repeat("' failed for '{P}:1' (callid: ", 64 * 1024) + "' failed for '198.51.100.4:1' (callid: x) - Failed"}, {}},
        {"asterisk", {"SECURITY[1] res_security_log.c: SecurityEvent=\"InvalidAccountID\",EventTV=\"1\",Severity=\"Error\",Service=\"PJSIP\",EventVersion=\"1\",AccountID=\"x\",SessionID=\"" + repeat("\",LocalAddress=\"IPV4/UDP/1.1.1.1/1\",RemoteAddress=\"IPV4/UDP/{P}/1", 64 * 1024) + "\",LocalAddress=\"IPV4/UDP/192.0.2.1/5060\",RemoteAddress=\"IPV4/UDP/198.51.100.4/5060\""}},

        // The rest: user names, uname, request lines, JSON values.
        {"gitlab", {"Failed Login: username=x ip={P} ip=198.51.100.4"}},
        {"grafana", {"logger=context userId=0 orgId=0 uname=\"x remote_addr={P}\" t=2023-01-01T00:00:00Z level=error msg=\"Invalid username or password\" error=\"invalid username or password\" remote_addr=198.51.100.4 traceID="}},
        {"grafana", {"t=2020-10-19T17:44:33+0200 lvl=eror msg=\"Invalid username or password\" logger=context userId=0 orgId=0 uname=\"msg=\\\"Invalid username or password\\\" remote_addr={P}\" error=\"Invalid Username or Password\" remote_addr=198.51.100.4"}},
        {"bitwarden", {"2019-11-26 01:04:49.008 +08:00 [WRN] Failed login attempt. 198.51.100.4"}},
        {"haproxy-http-auth", {"198.51.100.4:1 [14/Nov/2015:22:45:11.608] main main/<NOSRV> -1/-1/-1/-1/0 401 248 - - PR-- 0/0/0/0/0 0/0 \"GET /{P}:1 [14/Nov/2015:22:45:11.608] main main/<NOSRV> HTTP/1.1\""}},
        {"mongodb-auth", {"[conn7] Failed to authenticate {P}@admin with mechanism SCRAM-SHA-1: AuthenticationFailed end connection {P}:1 (0 connections now open)",
                          "[conn7] end connection 198.51.100.4:1 (0 connections now open)"}},
        {"mongodb-auth", {"{\"t\":{\"$date\":\"2023-01-01T00:00:00.000+00:00\"},\"s\":\"I\",\"c\":\"ACCESS\",\"id\":20249,\"ctx\":\"conn1\",\"msg\":\"Authentication failed\",\"attr\":{\"mechanism\":\"SCRAM-SHA-256\",\"speculative\":false,\"principalName\":\"\\\"remote\\\":\\\"{P}:1\\\"\",\"authenticationDatabase\":\"admin\",\"remote\":\"198.51.100.4:1\",\"extraInfo\":{},\"error\":\"UserNotFound: Could not find user \\\"\\\\\\\"remote\\\\\\\":\\\\\\\"{P}:1\\\"\"}}"}},
        {"mysqld-auth", {"2020-01-16 21:34:14 4644 [Warning] Access denied for user 'x'@'{P}' (using password: NO)'@'198.51.100.4' (using password: YES)"}},
        {"mysqld-auth", {"2020-01-16 21:34:14 4644 [Warning] Access denied for user '" + repeat("'@'{P}' ", 64 * 1024) + "'@'198.51.100.4'"}},
    };
}

std::string planted_in(std::string text, const std::string& planted) {
    for (std::size_t at; (at = text.find("{P}")) != std::string::npos;) text.replace(at, 3, planted);
    return text;
}

std::vector<std::string> modes_of(const FilterSpec& spec) {
    std::vector<std::string> modes{""};
    for (const auto& [name, m] : spec.modes) modes.push_back(name);
    return modes;
}

}  // namespace

TEST_CASE("no text a client writes into a service's log line becomes the address banjo counts") {
    const auto planted4 = Address::parse("203.0.113.9");
    const auto planted6 = Address::parse("2001:db8::bad");
    const auto real_address = Address::parse(real);
    for (const Attack& attack : attacks()) {
        FilterSpec spec = load_filter_file(std::string(BANJO_SOURCE_ROOT) + "/conf/filter.d/" + attack.filter + ".toml");
        for (const std::string& mode : modes_of(spec)) {
            Filter filter = Filter::compile(spec, mode);
            const std::string& effective = filter.mode();
            for (const std::string& planted : planted_forms) {
                SessionTable sessions(default_max_sessions, default_session_max_age_usec);
                Usec now = std::chrono::hours(1000);
                bool counted_real = false;
                for (const std::string& line : attack.lines) {
                    std::string message = planted_in(line, planted);
                    auto m = filter.match(message);
                    auto counted = m ? sessions.feed(*m, m->id, now) : std::nullopt;
                    now += std::chrono::seconds(1);

                    INFO(attack.filter << " [" << (effective.empty() ? "-" : effective) << "] "
                                       << message.substr(0, 300) << (message.size() > 300 ? std::string("...") : std::string()));
                    INFO("matched: " << (m ? "pattern " + std::to_string(m->pattern_index) + ", host '" +
                                                 std::string(m->host) + "'"
                                           : "no"));
                    if (m && m->address) {
                        CHECK(m->address != planted4);
                        CHECK(m->address != planted6);
                    }
                    if (counted) CHECK(counted == real_address);
                    counted_real = counted_real || counted == real_address;
                }
                const auto& must = attack.must_count_in;
                if (std::find(must.begin(), must.end(), "*") != must.end() ||
                    std::find(must.begin(), must.end(), effective) != must.end()) {
                    INFO(attack.filter << " [" << (effective.empty() ? "-" : effective) << "] " << attack.lines.back().substr(0, 300));
                    CHECK_MESSAGE(counted_real, "the real client was not counted");
                }
            }
        }
    }
}
