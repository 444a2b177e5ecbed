// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/firewalld_rules.hpp"

#include <doctest/doctest.h>

using namespace banjo;

TEST_CASE("all-ports bans use banjo4 and banjo6, port-limited jails their own ipsets") {
    CHECK(firewalld_ipset_name("", Family::ipv4) == "banjo4");
    CHECK(firewalld_ipset_name("", Family::ipv6) == "banjo6");
    CHECK(firewalld_ipset_name("sshd", Family::ipv4) == "banjo-sshd4");
    CHECK(firewalld_ipset_name("sshd", Family::ipv6) == "banjo-sshd6");
}

TEST_CASE("a jail name firewalld would refuse as an ipset name is folded, with a hash keeping it distinct") {
    auto dotted = firewalld_ipset_name("nginx.http", Family::ipv4);
    auto underscored = firewalld_ipset_name("nginx_http", Family::ipv4);
    CHECK(underscored == "banjo-nginx_http4");
    CHECK(dotted != underscored);
    CHECK(dotted.rfind("banjo-nginx_http_", 0) == 0);
    auto long_name = firewalld_ipset_name(std::string(60, 'j'), Family::ipv6);
    CHECK(long_name.size() <= 32);
    CHECK(long_name.back() == '6');
    CHECK(firewalld_ipset_name("a\"b c", Family::ipv4).find_first_of("\" ") == std::string::npos);
}

TEST_CASE("ports become rich rule elements, and anything else is refused") {
    CHECK(firewalld_rule_element("ssh") == "service name=\"ssh\"");
    CHECK(firewalld_rule_element("22/tcp") == "port port=\"22\" protocol=\"tcp\"");
    CHECK(firewalld_rule_element("22") == "port port=\"22\" protocol=\"tcp\"");
    CHECK(firewalld_rule_element("8000-8100/udp") == "port port=\"8000-8100\" protocol=\"udp\"");
    CHECK_FALSE(firewalld_rule_element("ssh\" accept"));   // would inject rule syntax
    CHECK_FALSE(firewalld_rule_element("22/icmp"));
    CHECK_FALSE(firewalld_rule_element("0"));
    CHECK_FALSE(firewalld_rule_element("65536/tcp"));
    CHECK_FALSE(firewalld_rule_element("022"));
    CHECK_FALSE(firewalld_rule_element(""));
}

TEST_CASE("a rich rule names the family, the jail's ipset and drops") {
    CHECK(firewalld_rich_rule(Family::ipv6, "banjo-sshd6", "service name=\"ssh\"") ==
          "rule family=\"ipv6\" source ipset=\"banjo-sshd6\" service name=\"ssh\" drop");
}

TEST_CASE("the firewalld error code is the message's text before the first colon") {
    CHECK(firewalld_error_code("ALREADY_ENABLED: '203.0.113.0/24' already is in 'bn'") == "ALREADY_ENABLED");
    CHECK(firewalld_error_code("INVALID_IPSET: nosuch") == "INVALID_IPSET");
    CHECK(firewalld_error_code("no colon") == "no colon");
}

TEST_CASE("a rule banjo wrote for a jail is recognised by its ipset, an administrator's rule is not") {
    const std::string ssh = firewalld_rich_rule(Family::ipv4, "banjo-web4", *firewalld_rule_element("http"));
    const std::string port = firewalld_rich_rule(Family::ipv6, "banjo-web6", *firewalld_rule_element("8000-8100/udp"));
    CHECK(banjo_jail_rule_ipset(ssh) == "banjo-web4");
    CHECK(banjo_jail_rule_ipset(port) == "banjo-web6");
    // Not banjo's: the all-ports sets are bound as zone sources, never named in a rule.
    CHECK_FALSE(banjo_jail_rule_ipset(R"(rule family="ipv4" source ipset="banjo4" service name="ssh" drop)"));
    CHECK_FALSE(banjo_jail_rule_ipset(R"(rule family="ipv4" source ipset="mine" service name="ssh" drop)"));
    CHECK_FALSE(banjo_jail_rule_ipset(R"(rule family="ipv4" source ipset="banjo-web4" service name="ssh" log prefix="x" drop)"));
    CHECK_FALSE(banjo_jail_rule_ipset(R"(rule family="ipv4" source ipset="banjo-web4" service name="ssh" reject)"));
    CHECK_FALSE(banjo_jail_rule_ipset(R"(rule family="ipv4" source ipset="banjo-web4" port port="22" protocol="icmp" drop)"));
    CHECK_FALSE(banjo_jail_rule_ipset(R"(rule priority="1" family="ipv4" source ipset="banjo-web4" service name="ssh" drop)"));
    CHECK_FALSE(banjo_jail_rule_ipset(R"(rule family="ipv4" source ipset="banjo-web4")"));
    CHECK_FALSE(banjo_jail_rule_ipset(""));
}

TEST_CASE("a jail that rejects resets TCP ports and answers other protocols with port-unreachable") {
    const auto rules = firewalld_jail_rules(Family::ipv4, "banjo-vpn4",
                                            {"port port=\"1194\" protocol=\"udp\"", "port port=\"443\" protocol=\"tcp\""},
                                            BlockAction::reject);
    REQUIRE(rules.size() == 2);
    CHECK(rules[0] == "rule family=\"ipv4\" source ipset=\"banjo-vpn4\" port port=\"1194\" protocol=\"udp\" reject type=\"icmp-port-unreachable\"");
    CHECK(rules[1] == "rule family=\"ipv4\" source ipset=\"banjo-vpn4\" port port=\"443\" protocol=\"tcp\" reject type=\"tcp-reset\"");
    for (const auto& rule : rules) CHECK(banjo_jail_rule_ipset(rule) == "banjo-vpn4");
}

TEST_CASE("a jail that rejects every port resets TCP first, then answers the rest") {
    const auto rules = firewalld_jail_rules(Family::ipv6, "banjo-all6", {}, BlockAction::reject);
    REQUIRE(rules.size() == 2);
    CHECK(rules[0] == "rule priority=\"-1\" family=\"ipv6\" source ipset=\"banjo-all6\" protocol value=\"tcp\" reject type=\"tcp-reset\"");
    CHECK(rules[1] == "rule family=\"ipv6\" source ipset=\"banjo-all6\" reject type=\"icmp6-port-unreachable\"");
    for (const auto& rule : rules) CHECK(banjo_jail_rule_ipset(rule) == "banjo-all6");
    CHECK(firewalld_jail_rules(Family::ipv6, "banjo-all6", {}, BlockAction::drop).empty());
}

TEST_CASE("rules that only look like banjo's reject rules are not taken for them") {
    CHECK_FALSE(banjo_jail_rule_ipset("rule family=\"ipv4\" source ipset=\"banjo-all4\" reject type=\"icmp6-port-unreachable\""));
    CHECK_FALSE(banjo_jail_rule_ipset("rule priority=\"-1\" family=\"ipv4\" source ipset=\"banjo-all4\" reject type=\"icmp-port-unreachable\""));
    CHECK_FALSE(banjo_jail_rule_ipset("rule family=\"ipv4\" source ipset=\"banjo-all4\" protocol value=\"udp\" reject type=\"tcp-reset\""));
    CHECK_FALSE(banjo_jail_rule_ipset("rule family=\"ipv4\" source ipset=\"other4\" reject type=\"icmp-port-unreachable\""));
    CHECK_FALSE(banjo_jail_rule_ipset("rule family=\"ipv4\" source ipset=\"banjo-all4\" accept"));
}
