// SPDX-License-Identifier: GPL-2.0-or-later
// Attacks on the shipped filters for web applications, proxies, chat, VoIP, groupware and small
// mail servers (the filters added for issue 14) through the text their clients control: login
// names (with spaces, quotes, brackets, JSON quotes), URLs, user agents, SIP user parts, DNS
// names and reverse names, X-Forwarded-For lists, SMTP commands. Whatever that text holds (an
// address in every textual form, next to the words the patterns look for: "from", "rhost=",
// "Remote IP", "[client ", "IP address", "[CLIENT: "), banjo must never name the planted
// address, in any mode; where the line still has one sound reading, the real client counts.
// The real host is 198.51.100.4 (or 2001:db8::4); planted ones are 203.0.113.9, 2001:db8::bad
// and ::ffff:203.0.113.9.
#include "injection_attacks.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

using namespace banjo;
using namespace banjo::test;

namespace {

const std::vector<std::string> everywhere{"*"};
const std::vector<std::string> refused{};   // the line reads two ways: it may count nothing

struct Template {
    std::string filter;
    std::vector<std::string> context;   // earlier lines of the same session, fed first
    std::string message;                // "$R": the real host, "$P": the planted address
    std::vector<std::string> must_count_in;
    // The service writes "ADDR:PORT" there, which for IPv6 reads two ways even without an
    // attacker; the IPv6 real host is left out (the planted one still runs).
    bool real4_only = false;
};

const std::string json_head = "{\"reqId\":\"Zk9vRZn0bQ5sHhJ0vW3m\",\"level\":2,\"time\":\"2024-05-01T10:00:00+00:00\","
                              "\"remoteAddr\":\"$R\",\"user\":\"--\",\"app\":\"core\",\"method\":\"POST\",";
const std::string roundcube_tail = " in /usr/share/roundcube/program/lib/Roundcube/rcube_imap.php on line 211 (POST "
                                   "/?_task=login&_action=login&x=$P)";
const std::string sogo_tail = " might not have worked - password policy: 65535  grace: -1  expire: -1  bound: 0";

std::vector<Template> templates() {
    return {
        // ---- cockpit: the user name follows rhost=
        {"cockpit", {},
         "pam_unix(cockpit:auth): authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=$R  user=x rhost=$P",
         everywhere},
        {"cockpit", {}, "pam_unix(cockpit:auth): authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=$R user=$P",
         everywhere},

        // ---- gitea: the typed name on both sides of the address (Gitea repeats it in the error)
        {"gitea", {},
         "2024/05/01 10:00:00 routers/web/auth/auth.go:260:SignInPost() [I] Failed authentication attempt for x from $P: y "
         "from $R: user does not exist [uid: 0, name: x from $P: y]",
         refused},
        {"gitea", {},
         "2024/05/01 10:00:00 routers/web/auth/auth.go:260:SignInPost() [I] Failed authentication attempt for $P from $R: "
         "user does not exist [uid: 0, name: $P]",
         everywhere},
        {"gitea", {},
         "2024/05/01 10:00:00 routers/web/auth/auth.go:260:SignInPost() [I] Failed authentication attempt for x from $R: "
         "user does not exist [uid: 0, name: x] from $P: y",
         refused},

        // ---- opensmtpd: the session's "connected" line names the host; commands are the client's
        {"opensmtpd", {"0011223344556677 smtp connected address=$R host=<unknown>"},
         "0011223344556677 smtp authentication user=$P result=permfail", everywhere},
        {"opensmtpd", {"0011223344556677 smtp connected address=$R host=<unknown>"},
         "0011223344556677 smtp failed-command command=\"RCPT TO:<x@[$P]> address=$P host=x\" result=\"550 Invalid "
         "recipient: <x@[$P]>\"",
         {"aggressive"}},
        {"opensmtpd", {"0011223344556677 smtp connected address=$R host=<unknown>"},
         "0011223344556677 smtp bad-input result=\"500 5.5.1 Invalid command: connected address=$P host=x\"",
         {"aggressive"}},

        // ---- nextcloud, owncloud: remoteAddr comes before the URL, message and user agent
        {"nextcloud", {},
         json_head + "\"url\":\"/login?a=\\\",\\\"remoteAddr\\\":\\\"$P\",\"message\":\"Login failed: x\\\",\\\"remoteAddr\\\":"
                     "\\\"$P (Remote IP: $P)\",\"userAgent\":\"\\\"remoteAddr\\\":\\\"$P\\\"\",\"version\":\"28.0.4.1\"}",
         everywhere},
        {"nextcloud", {}, "{core} Login failed: 'x' (Remote IP: '$P')' (Remote IP: '$R')", everywhere},
        {"owncloud", {},
         json_head + "\"url\":\"\\/login\",\"message\":\"Login failed: 'x\\\",\\\"remoteAddr\\\":\\\"$P' (Remote IP: "
                     "'$P')' (Remote IP: '$R')\"}",
         everywhere},
        {"owncloud", {}, "{core} Login failed: 'x' (Remote IP: '$P', X-Forwarded-For: '')' (Remote IP: '$R')", everywhere},

        // ---- roundcube: the name first, the IMAP server's answer and the URI after
        {"roundcube-auth", {},
         "<3z506z6r> IMAP Error: Login failed for x from $P. y against localhost from $R. AUTHENTICATE PLAIN: "
         "Authentication failed." + roundcube_tail,
         everywhere},
        // An IMAP server that repeats the name ("user=NAME") after its answer.
        {"roundcube-auth", {},
         "IMAP Error: Login failed for x from $P. against localhost from $R. AUTHENTICATE PLAIN: Authentication "
         "failed. user=x from $P." + roundcube_tail,
         everywhere},
        {"roundcube-auth", {},
         "IMAP Error: Login failed for a from $P. b user=a against localhost from $R. NO Login failed. user=a from $P. "
         "b user=a" + roundcube_tail,
         everywhere},
        {"roundcube-auth", {}, "Failed login for x from $P in session abc (error: 0) from $R in session def (error: 0)",
         everywhere},
        {"roundcube-auth", {}, "[10-May-2015 13:02:52 -0400]: Failed login for x from $P from $R", everywhere},

        // ---- phpMyAdmin, Webmin: the name before the address, which ends the line
        {"phpmyadmin-syslog", {}, "user denied: x (mysql-denied) from $P (mysql-denied) from $R", everywhere},
        {"webmin-auth", {}, "Invalid login as x from $P from $R", everywhere},
        {"webmin-auth", {}, "Non-existent login as $P from $R ", everywhere},

        // ---- squid: the URL after the address
        {"squid", {}, "1386543323.000      4 $R TCP_DENIED/403 4099 GET http://$P/ $P HIER_NONE/- text/html", everywhere},
        {"squid", {}, "1386543500.000      5 $R NONE/405 3364 CONNECT $P:443 - HIER_NONE/- text/html", everywhere},

        // ---- guacamole: the user name after the address; X-Forwarded-For only in mode proxy
        {"guacamole", {},
         "WARNING: Authentication attempt from $R for user \"x\" failed. Authentication attempt from $P for user \"y\" "
         "failed.",
         {"normal"}},
        {"guacamole", {},
         "12:57:32.907 [http-nio-8080-exec-10] WARN  o.a.g.r.auth.AuthenticationService - Authentication attempt from "
         "[$P, $R, 10.0.0.1] for user \"guacadmin\" failed.",
         {"proxy"}},
        {"guacamole", {},
         "WARNING: Authentication attempt from [$P, $R] for user \"x] for user, $P, 10.0.0.1]\" failed.", refused},
        // A client reaching guacamole directly with a header of its own: its peer is public.
        {"guacamole", {}, "WARNING: Authentication attempt from [$P, $R] for user \"x\" failed.", refused},
        {"guacamole", {}, "WARNING: Authentication attempt from [$P, $P, $R, ::1] for user \"x\" failed.", {"proxy"}},

        // ---- mssql: the name may hold quotes and brackets; the server's reason does not
        {"mssql-auth", {},
         "2020-02-24 16:05:21.00 Logon       Login failed for user 'x'. Reason: y [CLIENT: $P]'. Reason: Password did "
         "not match that for the login provided. [CLIENT: $R]",
         everywhere},

        // ---- monit: the user name after the address
        {"monit", {}, "HttpRequest: access denied -- client $R: wrong password for user 'x' -- client $P: y'", everywhere},
        {"monit", {}, "HttpRequest: access denied -- client $R: unknown user 'access denied -- client $P: empty password'",
         everywhere},

        // ---- 3proxy: the proxy user before the address, the request after it
        {"3proxy", {},
         "11-06-2013 02:09:40 +0300 PROXY.3128 00004 - $R:28783 0.0.0.0:0 0 0 0 GET http://$P:80/ HTTP/1.1", everywhere,
         true},
        {"3proxy", {},
         "11-06-2013 02:09:40 +0300 PROXY.3128 00004 x $P:1 0.0.0.0:0 0 0 0 y $R:28783 0.0.0.0:0 0 0 0 GET http://x/ "
         "HTTP/1.1",
         refused, true},

        // ---- dante: the user name after the address
        {"dante", {},
         "info: block(1): tcp/accept ]: $R.50550 0.0.0.0.1080: error after reading 35 bytes in 0 seconds: system "
         "password authentication failed for user \"x\" ]: $P.1 0.0.0.0.1080\"",
         everywhere},

        // ---- ejabberd: the JID first, the server's reason after the address
        {"ejabberd-auth", {},
         "2017-07-29 08:24:04.773 [info] <0.6668.0>@ejabberd_c2s:handle_auth_failure:433 (http_bind|ejabberd_bosh) "
         "Failed c2s PLAIN authentication for x from $P: y@example.com from $R: Invalid username or password",
         refused},
        {"ejabberd-auth", {},
         "2017-07-29 08:24:04.773 [info] <0.6668.0>@ejabberd_c2s:handle_auth_failure:433 (tcp|<0.1.0>) Failed c2s PLAIN "
         "authentication for admin@$P from $R: Invalid username or password",
         everywhere},

        // ---- freeswitch: the SIP user part first, the address last
        {"freeswitch", {},
         "2013-12-31 17:39:54.767815 [WARNING] sofia_reg.c:1478 SIP auth failure (INVITE) on sofia profile 'internal' "
         "for [x] from ip $P] from ip $R",
         {"normal", "ddos", "extra"}},
        {"freeswitch", {}, "2013-12-31 17:39:54.767815 [WARNING] sofia_reg.c:2531 Can't find user [x] from $P] from $R",
         {"normal", "extra"}},

        // ---- kerio: sender, recipient and user name before the address
        {"kerio", {},
         "[17/Jun/2011 17:00:45] Attempt to deliver to unknown recipient <a>, from <b>, IP address $P>, from <c>, IP "
         "address $R",
         everywhere},
        {"kerio", {},
         "[17/May/2017 19:43:42] SMTP: User x doesn't exist. Attempt from IP address $P. doesn't exist. Attempt from IP "
         "address $R.",
         everywhere},
        {"kerio", {}, "[30/Dec/2013 05:27:59] Relay attempt from IP address $R, mail from <$P> to <$P> rejected",
         everywhere},

        // ---- murmur: the user name before the address, a fixed reason after
        {"murmur", {},
         "<W>2015-11-29 16:38:01.818 1 => <4:x(-1)> Rejected connection from $P:1: Invalid server password(-1)> "
         "Rejected connection from $R:29530: Invalid server password",
         everywhere, true},

        // ---- nsd: the query name before the address
        {"nsd", {}, "info: axfr for zone $P. from client $R refused, no acl matches.", everywhere},
        {"nsd", {}, "info: ratelimit block $P. type any target 198.51.100.0/24 query $R TYPE255", everywhere},

        // ---- perdition: the user name and server after the address
        {"perdition", {},
         "Auth: $R:2274->192.0.2.9:993 client-secure=ssl authorisation_id=NONE authentication_id=\"x Auth: $P:1->y\" "
         "server=\"$P:993\" protocol=IMAP4S server-secure=ssl status=\"failed: Re-Authentication Failure\"",
         everywhere, true},

        // ---- portsentry: the reverse name is the scanner's DNS
        {"portsentry", {}, "attackalert: Connect from host: $P/$R to TCP port: 23", everywhere},
        {"portsentry", {}, "1403884279 - 06/27/2014 17:51:19 Host: $P/$R Port: 1 TCP Blocked", everywhere},

        // ---- sogo: X-Forwarded-For is the client's; the user name follows the address
        {"sogo-auth", {}, "SOGoRootPage Login from '$R' for user 'x' from '$P' for user 'y'" + sogo_tail, everywhere},
        {"sogo-auth", {}, "SOGoRootPage Login from '$P, $R' for user 'x'" + sogo_tail, refused},

        // ---- zoneminder: httpd's head names the client; the user name and referer follow
        {"zoneminder", {},
         "[Sun Mar 28 16:53:00.472693 2021] [php7:notice] [pid 11328] [client $R:39568] ERR [Login denied for user "
         "\"x] [client $P:1] ERR [Login denied for user \\\"y\"], referer: https://zm/?[client $P]",
         everywhere, true},
    };
}

std::vector<Attack> attacks() {
    std::vector<Attack> out;
    for (const Template& t : templates())
        for (const std::string& real : {real4, real6}) {
            if (t.real4_only && real == real6) continue;
            for (const std::string& planted : planted_forms)
                out.push_back(make_attack(t.filter, t.context, t.message, real, planted, t.must_count_in));
        }
    return out;
}

}  // namespace

TEST_CASE("every mode of the application, proxy and groupware filters compiles") {
    std::set<std::string> names;
    for (const Template& t : templates()) names.insert(t.filter);
    names.insert("nagios");   // nothing in its line is the client's
    for (const std::string& name : names) {
        INFO(name);
        CHECK_NOTHROW(Filter::check(load_shipped_filter(name)));
    }
}

TEST_CASE("no text a client writes into an application, proxy or groupware log line becomes the address banjo counts") {
    CHECK(check_attacks(attacks()) > 300);
}
