// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/nftables_ruleset.hpp"

#include <doctest/doctest.h>

using namespace banjo;

namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("ports resolve to protocol ranges; service names through the services database") {
    auto r = resolve_ports({"22", "8000-8100/udp", "ssh", "domain/udp"});
    CHECK(r.unknown.empty());
    CHECK(r.ranges[0] == PortRange{"tcp", 22, 22});
    CHECK(r.ranges[1] == PortRange{"udp", 8000, 8100});
    CHECK(r.ranges[2] == PortRange{"tcp", 22, 22});
    CHECK(r.ranges.back() == PortRange{"udp", 53, 53});
}

TEST_CASE("port entries that are neither a port nor a service are reported, never written") {
    auto r = resolve_ports({"0", "100-10", "22/icmp", "no-such-service", "ssh; flush ruleset"});
    CHECK(r.ranges.empty());
    CHECK(r.unknown.size() == 5);
}

TEST_CASE("the schema creates table, sets, chains at the documented priority, and drop rules") {
    std::vector<NftablesSet> sets{{"banjo4", Family::ipv4, {}, Block::drop},
                                  {"banjo6", Family::ipv6, {}, Block::drop},
                                  {"banjo-sshd4", Family::ipv4, {{"tcp", 22, 22}}, Block::drop}};
    const std::string s = nftables_schema(sets, {"banjo-old4"});
    CHECK(has_line(s, "add table inet banjo"));
    CHECK(has_line(s, "add set inet banjo banjo4 { type ipv4_addr; flags interval, timeout; }"));
    CHECK(has_line(s, "add set inet banjo banjo6 { type ipv6_addr; flags interval, timeout; }"));
    CHECK(has_line(s, "add chain inet banjo input { type filter hook input priority -10; policy accept; }"));
    CHECK(has_line(s, "add chain inet banjo forward { type filter hook forward priority -10; policy accept; }"));
    CHECK(has_line(s, "flush chain inet banjo bans"));
    CHECK(has_line(s, "add rule inet banjo bans ip saddr @banjo4 drop"));
    CHECK(has_line(s, "add rule inet banjo bans ip6 saddr @banjo6 drop"));
    // Forwarded (DNAT'd) traffic: the published port is only in the conntrack original tuple.
    CHECK(has_line(s, "add rule inet banjo bans ip saddr @banjo-sshd4 meta l4proto tcp th dport { 22 } drop"));
    CHECK(has_line(s, "add rule inet banjo bans ip saddr @banjo-sshd4 meta l4proto tcp ct original proto-dst 22 drop"));
    CHECK(has_line(s, "delete set inet banjo banjo-old4"));
}

TEST_CASE("the forward guard hooks forward only and removes an input chain left by the nftables backend") {
    std::vector<NftablesSet> sets{{"banjo4", Family::ipv4, {}, Block::drop}};
    const std::string s = nftables_schema(sets, {}, NftablesHooks::forward_only);
    CHECK(has_line(s, "add chain inet banjo forward { type filter hook forward priority -10; policy accept; }"));
    CHECK(has_line(s, "add rule inet banjo forward jump bans"));
    CHECK_FALSE(has_line(s, "add rule inet banjo input jump bans"));
    // The input chain is flushed before it is deleted: a base chain with rules cannot go.
    CHECK(s.find("flush chain inet banjo input") < s.find("delete chain inet banjo input"));
    CHECK(has_line(s, "add rule inet banjo bans ip saddr @banjo4 drop"));
}

TEST_CASE("reject answers TCP with a reset and everything else with port-unreachable") {
    std::vector<NftablesSet> sets{{"banjo4", Family::ipv4, {}, Block::reject},
                                  {"banjo-dns6", Family::ipv6, {{"udp", 53, 53}}, Block::reject}};
    const std::string s = nftables_schema(sets, {});
    CHECK(has_line(s, "add rule inet banjo bans ip saddr @banjo4 meta l4proto tcp reject with tcp reset"));
    CHECK(has_line(s, "add rule inet banjo bans ip saddr @banjo4 reject with icmpx type port-unreachable"));
    CHECK(has_line(s, "add rule inet banjo bans ip6 saddr @banjo-dns6 meta l4proto udp th dport { 53 } reject with icmpx type port-unreachable"));
}
