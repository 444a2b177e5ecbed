// SPDX-License-Identifier: GPL-2.0-or-later
// Attacks on the shipped sshd filter through the text an attacker controls (the user name, the
// client's identification string, key and client-user details): whatever it holds, banjo must
// never name the address the attacker planted, and must not crash or give up on long or odd
// bytes. The real sshd host is 198.51.100.4 (or 2001:db8::4); planted ones are 203.0.113.9,
// 2001:db8::bad and ::ffff:203.0.113.9.
#include "config/filter_file.hpp"
#include "core/filter.hpp"
#include "core/session_table.hpp"
#include "planted_address.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace banjo;
using banjo::test::names_planted;
using banjo::test::repeat;
using namespace std::string_literals;

namespace {

const char* const all_modes[] = {"normal", "ddos", "extra", "aggressive"};

struct Attack {
    std::string message;
    std::string real;                        // the host sshd wrote
    std::vector<std::string> planted;        // what the attacker wrote
    std::vector<std::string> must_count_in;  // modes that must count it against `real`; elsewhere nothing is fine
};

const std::vector<std::string> everywhere{"normal", "ddos", "extra", "aggressive"};
const std::vector<std::string> ddos_modes{"ddos", "aggressive"};
const std::string real4 = "198.51.100.4";
const std::string p4 = "203.0.113.9";
const std::string p6 = "2001:db8::bad";
const std::string pmapped = "::ffff:203.0.113.9";

std::vector<Attack> attacks() {
    const std::string kib64(64 * 1024, 'a');
    return {
        {"Failed password for invalid user 203.0.113.9 from 198.51.100.4 port 22 ssh2", real4, {p4}, everywhere},
        {"Failed password for invalid user x from 203.0.113.9 port 1 ssh2 from 198.51.100.4 port 22 ssh2", real4, {p4},
         everywhere},
        {"Failed password for invalid user from 203.0.113.9 from 198.51.100.4 port 22 ssh2", real4, {p4}, everywhere},
        {"Failed password for invalid user x from 198.51.100.4 port 22 ssh2", real4, {}, everywhere},
        {"Failed password for invalid user rhost=203.0.113.9 from 198.51.100.4 port 22 ssh2", real4, {p4}, everywhere},
        {"Failed password for invalid user x from [203.0.113.9] port 1 ssh2 from 198.51.100.4 port 22 ssh2", real4, {p4},
         everywhere},
        {"Failed password for invalid user x [preauth] from 203.0.113.9 port 1 ssh2 [preauth] from 198.51.100.4 port 22 ssh2",
         real4, {p4}, everywhere},
        // sshd cuts user names at ':', so these cannot come from it; banjo may skip them, never misread them.
        {"Failed password for invalid user 2001:db8::bad from 198.51.100.4 port 22 ssh2", real4, {p6}, {}},
        {"Failed password for invalid user x from ::ffff:203.0.113.9 port 1 ssh2 from 198.51.100.4 port 22 ssh2", real4,
         {pmapped, p4}, {}},
        {"Failed password for invalid user x from 203.0.113.9 port 1 ssh2: from 198.51.100.4 port 22 ssh2", p4, {real4}, {}},
        {"Failed password for invalid user x from 203.0.113.9 port 1 from 2001:db8::4 port 22 ssh2", "2001:db8::4", {p4},
         everywhere},
        // Attacker text after the host: key details, a hostbased client user, a certificate id.
        {"Failed hostbased for invalid user x from 198.51.100.4 port 22 ssh2: RSA SHA256:abc, client user \"y from "
         "203.0.113.9 port 1 ssh2\", client host \"h\"",
         real4, {p4}, everywhere},
        {"Failed publickey for invalid user x from 198.51.100.4 port 22 ssh2: RSA-CERT SHA256:abc ID from 203.0.113.9 "
         "port 1 ssh2 (serial 1) CA RSA SHA256:def",
         real4, {p4}, everywhere},
        {"Invalid user 2001:db8::bad from 198.51.100.4 port 22", real4, {p6}, everywhere},
        {"Invalid user x from 2001:db8::bad port 1 from 198.51.100.4 port 22", real4, {p6}, everywhere},
        {"Invalid user ::ffff:203.0.113.9 from 198.51.100.4 port 22", real4, {pmapped, p4}, everywhere},
        {"Invalid user x from ::ffff:203.0.113.9 port 1 from 198.51.100.4 port 22", real4, {pmapped, p4}, everywhere},
        {"Invalid user [203.0.113.9] from 198.51.100.4 port 22", real4, {p4}, everywhere},
        {"Invalid user a\nfrom 203.0.113.9 port 1\n from 198.51.100.4 port 22", real4, {p4}, everywhere},
        {"Invalid user x from 203.0.113.9 port 1\nInvalid user y from 198.51.100.4 port 22", real4, {p4}, everywhere},
        {"Invalid user " + kib64 + " from 198.51.100.4 port 22", real4, {}, everywhere},
        {"Invalid user " + repeat("from 203.0.113.9 port 1 ", 64 * 1024) + "from 198.51.100.4 port 22", real4, {p4},
         everywhere},
        {"Failed password for invalid user " + repeat("x from 203.0.113.9 port 1 ssh2 ", 64 * 1024) +
             "from 198.51.100.4 port 22 ssh2",
         real4, {p4}, everywhere},
        {"Invalid user \xff\xfe" "203.0.113.9\xc0 from 198.51.100.4 port 22", real4, {p4}, everywhere},
        {"Failed password for invalid user \x80 from 203.0.113.9 port 1 ssh2 from 198.51.100.4 port 22 ssh2", real4,
         {p4}, everywhere},
        {"Invalid user a\0 from 203.0.113.9 port 1\0 from 198.51.100.4 port 22"s, real4, {p4}, everywhere},
        {"maximum authentication attempts exceeded for invalid user x from 203.0.113.9 port 1 ssh2 from 198.51.100.4 "
         "port 22 ssh2 [preauth]",
         real4, {p4}, everywhere},
        {"User x from 203.0.113.9 not allowed because listed in DenyUsers from 198.51.100.4 not allowed because listed "
         "in DenyUsers",
         real4, {p4}, everywhere},
        {"error: PAM: Authentication failure for x from 203.0.113.9 via 192.0.2.1 from 198.51.100.4", real4, {p4},
         everywhere},
        {"refused connect from x (203.0.113.9) y@h (198.51.100.4)", real4, {p4}, {}},
        {"Disconnecting invalid user x 203.0.113.9 port 1 198.51.100.4 port 22: Change of username or service not "
         "allowed: (x,ssh-connection) -> (y 203.0.113.9 port 1: Change of username or service not allowed: "
         "(z,ssh-connection) [preauth]",
         real4, {p4}, {}},
        {"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.4  user=x "
         "rhost=203.0.113.9",
         real4, {p4}, {}},
        // Client identification string and user names in the ddos lines.
        {"Bad protocol version identification 'x' from 203.0.113.9 port 1' from 198.51.100.4 port 22", real4, {p4},
         ddos_modes},
        {"Connection closed by authenticating user x 203.0.113.9 port 1 198.51.100.4 port 22 [preauth]", real4, {p4},
         ddos_modes},
        {"Connection closed by authenticating user x 203.0.113.9 port 1 [preauth] 198.51.100.4 port 22 [preauth]", real4,
         {p4}, ddos_modes},
        {"Connection closed by authenticating user " + repeat("203.0.113.9 port 1 ", 64 * 1024) +
             "198.51.100.4 port 22 [preauth]",
         real4, {p4}, ddos_modes},
        {"Disconnected from invalid user x 2001:db8::bad port 1 198.51.100.4 port 22 [preauth]", real4, {p6}, ddos_modes},
    };
}

}  // namespace

TEST_CASE("no text an attacker writes into an sshd line becomes the address banjo counts") {
    FilterSpec spec = load_filter_file(std::string(BANJO_SOURCE_ROOT) + "/conf/filter.d/sshd.toml");
    std::vector<Attack> list = attacks();
    for (const char* mode : all_modes) {
        Filter filter = Filter::compile(spec, mode);
        for (const Attack& attack : list) {
            // Twice: a fresh session, and one whose "Connection from" already named the real host.
            for (bool known_session : {false, true}) {
                SessionTable sessions(default_max_sessions, default_session_max_age_usec);
                Usec now = std::chrono::hours(1000);
                if (known_session) {
                    auto hello = filter.match("Connection from " + attack.real + " port 22 on 192.0.2.1 port 22");
                    REQUIRE(hello);
                    sessions.feed(*hello, "4242", now);
                }
                auto m = filter.match(attack.message);
                auto counted = m ? sessions.feed(*m, "4242", now) : std::nullopt;

                INFO("[" << mode << (known_session ? ", known session" : "") << "] "
                         << attack.message.substr(0, 200) << (attack.message.size() > 200 ? "..." : ""));
                INFO("matched: " << (m ? "pattern " + std::to_string(m->pattern_index) + ", host '" + std::string(m->host) + "'"
                                       : "no"));
                if (m) CHECK_FALSE(names_planted(m->host, attack.planted));
                if (counted) CHECK(counted->to_string() == Address::parse(attack.real)->to_string());
                bool must = std::find(attack.must_count_in.begin(), attack.must_count_in.end(), mode) !=
                            attack.must_count_in.end();
                if (must) CHECK(counted.has_value());
            }
        }
    }
}
