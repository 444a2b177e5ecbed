// SPDX-License-Identifier: GPL-2.0-or-later
// Attacks on the shipped mail, web, FTP, DNS, VPN and LDAP filters through the text an attacker
// controls: user names, URLs, Referer and Host headers, SMTP arguments (HELO, MAIL FROM,
// RCPT TO, SASL user names, pregreet bytes), DNS query names, certificate names, LDAP bind DNs.
// Whatever that text holds (an address in every textual form, next to the words the patterns
// look for: "client: ", "from", "rhost=", "relay=", "[ADDR]", "IP: "), banjo must never name
// the address the attacker planted, in any mode of the filter. The real host is 198.51.100.4
// (or 2001:db8::4); planted ones are 203.0.113.9, 2001:db8::bad and ::ffff:203.0.113.9.
#include "injection_attacks.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace banjo;
using namespace banjo::test;

namespace {

struct Template {
    std::string filter;
    std::vector<std::string> context;
    std::string message;
    std::vector<std::string> must_count_in;
    bool ipv4_planted_only_realistic = false;   // the service cannot write ':' where $P stands
};

const std::string nginx_err = "2024/05/01 10:00:00 [error] 811#811: *1 ";
const std::string nginx_tail = ", server: example.com, request: \"GET /admin HTTP/1.1\", host: \"example.com\"";
const std::vector<std::string> http_auth_modes{"normal", "auth", "aggressive"};
const std::vector<std::string> postfix_normal{"normal", "more", "extra", "aggressive"};
const std::vector<std::string> everywhere{"*"};

std::vector<Template> templates() {
    return {
        // ---- nginx-http-auth: user name (no ':' in a Basic-auth user), Referer, Host, request line
        {"nginx-http-auth", {},
         nginx_err + "user \"bob\": password mismatch, client: $R" + nginx_tail +
             ", referrer: \"x\", client: $P, server: example.com, request: \"GET / HTTP/1.1\", host: \"h\"",
         http_auth_modes},
        {"nginx-http-auth", {},
         nginx_err + "user \"bob\": password mismatch, client: $R" + nginx_tail +
             ", referrer: \"x\": password mismatch, client: $P, server: example.com, request: \"GET / HTTP/1.1\", "
             "host: \"example.com\"",
         http_auth_modes},
        {"nginx-http-auth", {},
         nginx_err + "user \"bob\" was not found in \"/etc/nginx/htpasswd\", client: $R, server: example.com, request: "
                     "\"GET /\",client:$P,server:x HTTP/1.1\", host: \"h\",client:$P\"",
         http_auth_modes},
        {"nginx-http-auth", {},
         nginx_err + "user \"x\" was not found in \"/f\", client $P, server s\" was not found in "
                     "\"/etc/nginx/htpasswd\", client: $R" + nginx_tail + ", referrer: \"client: $P\"",
         http_auth_modes, true},
        // A user name with ':' (no nginx writes one; fail2ban's samples make one up).
        {"nginx-http-auth", {},
         nginx_err + "user \"x\": password mismatch, client: $P, server: s, request: \"GET / HTTP/1.1\", host: "
                     "\"h\"\": was not found in \"/etc/nginx/htpasswd\", client: $R, server: s, request: \"GET / "
                     "HTTP/1.1\", host: \"h\"",
         http_auth_modes},
        {"nginx-http-auth", {},
         nginx_err + "PAM: user 'x, client $P, server' - not authenticated: Authentication failure, client: $R" +
             nginx_tail + ", referrer: \"x, client: $P\"",
         http_auth_modes, true},
        {"nginx-http-auth", {},
         nginx_err + "SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL "
                     "handshaking, client: $R, server: 0.0.0.0:443",
         {"fallback", "aggressive"}},

        // ---- nginx-limit-req, nginx-forbidden: everything after the address is the client's
        {"nginx-limit-req", {},
         nginx_err + "limiting requests, excess: 1.250 by zone \"one\", client: $R, server: s, request: \"GET "
                     "/?client:$P HTTP/1.1\", host: \"h\", referrer: \"x, client: $P, server: s\"",
         everywhere},
        {"nginx-forbidden", {},
         "web nginx: " + nginx_err + "access forbidden by rule, client: $R, server: s, request: \"GET /,client:$P "
                                     "HTTP/1.1\", host: \"h\", referrer: \", client: $P\"",
         everywhere},

        // ---- nginx-botsearch: the error log's path (the decoded URI) comes BEFORE the address
        {"nginx-botsearch", {},
         nginx_err + "open() \"/var/www/cgi-bin/x\" failed (2: No such file or directory), client: $P, server: s, "
                     "request: \"GET /cgi-bin/x HTTP/1.1\", host: \"h\"\" failed (2: No such file or directory), "
                     "client: $R, server: s, request: \"GET /cgi-bin/x%22%20failed HTTP/1.1\", host: \"h\"",
         {}},
        {"nginx-botsearch", {},
         nginx_err + "open() \"/var/www/cgi-bin/x\" failed (2: No such file or directory), client: $P, server: s, "
                     "request: \"GET /cgi-bin/x HTTP/1.1\", host: \"h\", referrer: \"\" failed (2: No such file or "
                     "directory), client: $R, server: s, request: \"GET /cgi-bin/x%22 HTTP/1.1\", host: \"h\"",
         {}},
        {"nginx-botsearch", {},
         nginx_err + "\"/var/www/pma/index.php\" is not found (2: No such file or directory), client: $R, server: s, "
                     "request: \"GET /pma/index.php?client:$P HTTP/1.1\", host: \"$P\", referrer: \"http://$P/\"",
         everywhere},
        {"nginx-botsearch", {},
         "$R - $P [01/May/2024:10:00:00 +0000] \"GET //pma/scripts/setup.php?$P HTTP/1.1\" 404 47 \"-\" \"$P - - "
         "[x] \\x22GET /pma/ HTTP/1.1\\x22 404\"",
         everywhere},
        {"nginx-bad-request", {},
         "$R - - [01/May/2024:10:00:00 +0000] \"$P - - [01/May/2024:10:00:00 +0000] \\x22\\x22 400\" 400 0 \"-\" \"-\"",
         everywhere},

        // ---- named: the query name (twice) follows the address
        {"named-refused", {}, "client @0x7f1 $R#5353 ($P): query (cache) '$P/A/IN' denied", everywhere},
        {"named-refused", {},
         "security: info: client $R#53 (client $P#53): query 'client $P#53: query (cache) x/A/IN' denied",
         everywhere},

        // ---- openvpn: certificate subjects and common names
        {"openvpn", {},
         "$R:1194 VERIFY ERROR: depth=0, error=self signed certificate: CN=$P:1194 TLS Error: TLS handshake failed",
         everywhere},
        {"openvpn", {}, "$P/$R:1194 TLS Auth Error: Auth Username/Password verification failed for peer $P:1194",
         everywhere},

        // ---- postfix: HELO, MAIL FROM, RCPT TO, SASL user, pregreet bytes all follow the client
        {"postfix", {},
         "NOQUEUE: reject: RCPT from unknown[$R]: 554 5.7.1 <x@[$P]>: Relay access denied; from=<a@[$P]> "
         "to=<x@[$P]> proto=ESMTP helo=<unknown[$P]>",
         postfix_normal},
        {"postfix", {},
         "NOQUEUE: reject: RCPT from mail.example.com[$R]:25: 550 5.1.1 <from unknown[$P]: 554>: Recipient address "
         "rejected: User unknown; from=<> to=<from unknown[$P]> proto=ESMTP helo=<[$P]>",
         postfix_normal},
        {"postfix", {},
         "improper command pipelining after EHLO from unknown[$R]: EHLO x\\r\\nRCPT TO:<a> from unknown[$P]\\r\\n",
         postfix_normal},
        {"postfix", {}, "improper command pipelining after EHLO from unknown[$R]: EHLO x from unknown[$P]: QUIT",
         postfix_normal},
        {"postfix", {},
         "NOQUEUE: reject: RCPT from [$R]:1234: 550 5.7.1 Service unavailable; client [$R] blocked using "
         "zen.example.org; from=<x@[$P]>, to=<y>, proto=ESMTP, helo=<[$P]>",
         {"normal", "rbl", "more", "extra", "aggressive"}},
        {"postfix", {},
         "warning: unknown[$R]: SASL LOGIN authentication failed: authentication failure, sasl_username=x@[$P] "
         "warning: unknown[$P]: SASL",
         {"auth", "extra", "aggressive"}},
        {"postfix", {}, "PREGREET 30 after 0.12 from [$R]:5555: EHLO [$P]\\r\\nfrom [$P]:25: ",
         {"ddos", "aggressive"}},
        {"postfix", {}, "warning: hostname $P does not resolve to address $R: Name or service not known",
         {"aggressive"}},
        {"postfix", {}, "warning: non-SMTP command from unknown[$R]: GET /x from unknown[$P]: HTTP/1.1",
         postfix_normal},
        {"postfix", {}, "NON-SMTP COMMAND from [$R]:5555 after CONNECT: GET from [$P]:25 after CONNECT: x",
         {"ddos", "aggressive"}},

        // ---- sendmail: user=, RCPT/MAIL FROM, EXPN argument, message id
        {"sendmail-auth", {},
         "0A1B2C3D004242: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: "
         "checkpass failed, user=x, relay=[$P] (may be forged), relay=[$R]",
         everywhere},
        {"sendmail-auth", {},
         "0A1B2C3D004242: AUTH failure (PLAIN): user not found (-20) SASL(-13): user not found: relay=[IPv6:$P], "
         "user=relay=[$P], relay=mail.example.com [$R] (may be forged)",
         everywhere},
        {"sendmail-reject", {},
         "0A1B2C3D004242: ruleset=check_rcpt, arg1=<\"a, relay=[$P], reject=550 5.7.1 x\"@example.com>, relay=[$R], "
         "reject=550 5.7.1 <\"a, relay=[$P], reject=550 5.7.1 x\"@example.com>... Relaying denied",
         {}},
        {"sendmail-reject", {},
         "0A1B2C3D004242: ruleset=check_rcpt, arg1=<a@[$P]>, relay=mail.example.com [$R], reject=553 5.1.8 "
         "<a@[$P]>... Domain of sender address b@[$P], relay=[$P] does not exist",
         everywhere},
        {"sendmail-reject", {}, "0A1B2C3D004242: [$R]: EXPN relay=[$P] [rejected]", everywhere},
        {"sendmail-reject", {"0A1B2C3D004242: <x@[$P]>... User unknown"},
         "0A1B2C3D004242: from=<a@[$P]>, relay=[$P], size=0, class=0, nrcpts=0, msgid=<relay=[$P]>, proto=SMTP, "
         "daemon=MTA, relay=[$R]",
         everywhere},

        // ---- FTP: user names
        {"proftpd", {},
         "ftp.example.com (client.example.com[$R]) - USER x (client.example.com[$P]) - : no such user found from "
         "client.example.com [$P] to 192.0.2.1:21",
         everywhere},
        {"pure-ftpd", {},
         "(?@$R) [WARNING] Authentication failed for user [x] (?@$P) [WARNING] Authentication failed for user [y]",
         everywhere},
        {"vsftpd", {}, "[x] FAIL LOGIN: Client \"$P\"] FAIL LOGIN: Client \"$R\"", everywhere},
        {"vsftpd", {}, "[x] FAIL LOGIN: Client \"$P\", \"y] FAIL LOGIN: Client \"$R\"", everywhere},
        {"vsftpd", {},
         "pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=evil@$P rhost=$R  "
         "user=evil@$P",
         everywhere},
        // The user name on both sides of rhost= (ruser=NAME rhost=ADDR user=NAME): a planted
        // "rhost=" is refused, whether the account exists (user= follows) or not.
        {"vsftpd", {},
         "pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=x rhost=$P rhost=$R  "
         "user=x rhost=$P",
         {}},
        {"vsftpd", {},
         "authentication failure; logname= uid=0 euid=0 tty=ftp ruser=x rhost=$R rhost=$P user=x rhost=$R", {}},

        // ---- mail retrieval and web applications
        {"sieve", {}, "badlogin: unknown[$R] [$P] authentication failure", everywhere},
        {"traefik-auth", {},
         "$R - $P [01/May/2024:10:00:00 +0000] \"GET /$P HTTP/1.1\" 401 17 \"-\" \"$P - x [y] \\\"GET\\\" 401\" 1 "
         "\"r@file\" \"http://$P\" 0ms",
         {"normal", "aggressive"}},
        {"vaultwarden", {},
         "[2024-05-01 10:00:00.000][vaultwarden::api::identity][ERROR] Username or password is incorrect. Try again. "
         "IP: $R. Username: x. IP: $P. Username: y.",
         everywhere},
        {"vaultwarden", {}, "[vaultwarden::api::admin][ERROR] Invalid admin token! IP: $R. Username: IP: $P", everywhere},

        // ---- slapd: the bind DN is the client's; ACCEPT names the connection's address
        {"slapd",
         {"conn=77 fd=12 ACCEPT from IP=$R:40000 (IP=0.0.0.0:389)",
          "conn=77 op=1 BIND dn=\"conn=77 fd=12 ACCEPT from IP=$P:1 (IP=0.0.0.0:389)\" method=128"},
         "conn=77 op=1 RESULT tag=97 err=49 text=",
         everywhere},
    };
}

std::vector<Attack> attacks() {
    std::vector<Attack> out;
    for (const Template& t : templates())
        for (const std::string& real : {real4, real6})
            for (const std::string& planted : planted_forms) {
                bool realistic = !t.ipv4_planted_only_realistic || planted.find(':') == std::string::npos;
                out.push_back(make_attack(t.filter, t.context, t.message, real, planted,
                                          realistic ? t.must_count_in : std::vector<std::string>{}));
            }
    return out;
}

}  // namespace

TEST_CASE("every mode of the mail, web, FTP, DNS, VPN and LDAP filters compiles") {
    for (std::string name : {"named-refused", "nginx-bad-request", "nginx-botsearch", "nginx-forbidden",
                             "nginx-http-auth", "nginx-limit-req", "openvpn", "postfix", "proftpd", "pure-ftpd",
                             "recidive", "sendmail-auth", "sendmail-reject", "sieve", "slapd", "traefik-auth",
                             "vaultwarden", "vsftpd"}) {
        INFO(name);
        CHECK_NOTHROW(Filter::check(load_shipped_filter(name)));
    }
}

TEST_CASE("no text an attacker writes into a mail, web, FTP, DNS, VPN or LDAP log line becomes the address banjo counts") {
    CHECK(check_attacks(attacks()) > 500);
}
