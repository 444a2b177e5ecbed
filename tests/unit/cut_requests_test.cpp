// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/cut_requests.hpp"

#include <doctest/doctest.h>

#include <netinet/in.h>
#include <string>

using banjo::Address;
using banjo::Cidr;
using banjo::CutRequests;
using banjo::Family;
using banjo::FlowOrigin;
using banjo::PortMatch;

namespace {

Cidr cidr(std::string_view text) { return *Cidr::parse(text); }

FlowOrigin tcp(std::string_view source, std::uint16_t port) { return {*Address::parse(source), IPPROTO_TCP, port}; }
FlowOrigin udp(std::string_view source, std::uint16_t port) { return {*Address::parse(source), IPPROTO_UDP, port}; }
FlowOrigin icmp(std::string_view source) { return {*Address::parse(source), IPPROTO_ICMP, std::nullopt}; }

// The network and jail of the request the flow falls under, or "<kept>".
std::string cut_by(const CutRequests& r, const FlowOrigin& flow) {
    auto i = r.match(flow);
    if (!i) return "<kept>";
    auto o = r.outcomes().at(*i);
    return o.network.to_string() + " " + std::string(o.jail);
}

const std::vector<PortMatch> all_ports;
const std::vector<PortMatch> ssh = {{IPPROTO_TCP, 22, 22}};
const std::vector<PortMatch> vpn = {{IPPROTO_UDP, 1194, 1194}, {IPPROTO_TCP, 6000, 6010}};

}  // namespace

TEST_CASE("one pass over the flows finds those of every address of a burst, and only those") {
    CutRequests r;
    for (int i = 1; i <= 200; ++i) r.add("sshd", cidr("198.51.100." + std::to_string(i % 250)), all_ports, 1);
    r.add("sshd", cidr("2001:db8::66"), all_ports, 1);
    CHECK(r.size() == 201);
    CHECK(cut_by(r, tcp("198.51.100.7", 22)) == "198.51.100.7 sshd");
    CHECK(cut_by(r, udp("198.51.100.200", 53)) == "198.51.100.200 sshd");
    CHECK(cut_by(r, icmp("198.51.100.42")) == "198.51.100.42 sshd");
    CHECK(cut_by(r, tcp("2001:db8::66", 443)) == "2001:db8::66 sshd");
    CHECK(cut_by(r, tcp("198.51.100.201", 22)) == "<kept>");
    CHECK(cut_by(r, tcp("203.0.113.7", 22)) == "<kept>");
    CHECK(cut_by(r, tcp("2001:db8::67", 22)) == "<kept>");
    CHECK_FALSE(r.only_family());
}

TEST_CASE("a port-limited jail cuts only the flows to its ports and protocols") {
    CutRequests r;
    r.add("sshd", cidr("198.51.100.7"), ssh, 1);
    r.add("openvpn", cidr("203.0.113.9"), vpn, 1);
    CHECK(cut_by(r, tcp("198.51.100.7", 22)) == "198.51.100.7 sshd");
    CHECK(cut_by(r, tcp("198.51.100.7", 80)) == "<kept>");
    CHECK(cut_by(r, udp("198.51.100.7", 22)) == "<kept>");
    CHECK(cut_by(r, icmp("198.51.100.7")) == "<kept>");
    CHECK(cut_by(r, udp("203.0.113.9", 1194)) == "203.0.113.9 openvpn");
    CHECK(cut_by(r, tcp("203.0.113.9", 1194)) == "<kept>");
    CHECK(cut_by(r, tcp("203.0.113.9", 6000)) == "203.0.113.9 openvpn");
    CHECK(cut_by(r, tcp("203.0.113.9", 6010)) == "203.0.113.9 openvpn");
    CHECK(cut_by(r, tcp("203.0.113.9", 6011)) == "<kept>");
    CHECK(r.only_family() == Family::ipv4);
}

TEST_CASE("a prefix ban cuts every address inside it, beside single-address bans") {
    CutRequests r;
    r.add("sshd", cidr("2001:db8:1:2::/64"), all_ports, 1);
    r.add("sshd", cidr("2001:db8:1:3::5"), ssh, 1);
    r.add("web", cidr("198.51.100.0/24"), all_ports, 1);
    CHECK(cut_by(r, tcp("2001:db8:1:2::1", 80)) == "2001:db8:1:2::/64 sshd");
    CHECK(cut_by(r, tcp("2001:db8:1:2:ffff:ffff:ffff:ffff", 80)) == "2001:db8:1:2::/64 sshd");
    CHECK(cut_by(r, tcp("2001:db8:1:3::5", 22)) == "2001:db8:1:3::5 sshd");
    CHECK(cut_by(r, tcp("2001:db8:1:3::5", 80)) == "<kept>");
    CHECK(cut_by(r, tcp("2001:db8:1:3::6", 22)) == "<kept>");
    CHECK(cut_by(r, udp("198.51.100.254", 53)) == "198.51.100.0/24 web");
    CHECK(cut_by(r, udp("198.51.101.1", 53)) == "<kept>");
}

TEST_CASE("an address banned by two jails is cut for each jail's ports") {
    CutRequests r;
    r.add("sshd", cidr("198.51.100.7"), ssh, 1);
    r.add("openvpn", cidr("198.51.100.7"), vpn, 1);
    CHECK(r.size() == 2);
    CHECK(cut_by(r, tcp("198.51.100.7", 22)) == "198.51.100.7 sshd");
    CHECK(cut_by(r, udp("198.51.100.7", 1194)) == "198.51.100.7 openvpn");
    CHECK(cut_by(r, tcp("198.51.100.7", 80)) == "<kept>");
}

TEST_CASE("a repeated request coalesces and waits for the latest ban that asked") {
    CutRequests r;
    CHECK(r.add("sshd", cidr("198.51.100.7"), ssh, 1) == CutRequests::Added::queued);
    CHECK(r.add("sshd", cidr("198.51.100.8"), ssh, 2) == CutRequests::Added::queued);
    CHECK(r.add("sshd", cidr("198.51.100.7"), ssh, 3) == CutRequests::Added::coalesced);
    CHECK(r.size() == 2);

    CutRequests ready = r.take_through(2);   // the ban of sequence 3 is not in force yet
    CHECK(ready.size() == 1);
    CHECK(cut_by(ready, tcp("198.51.100.8", 22)) == "198.51.100.8 sshd");
    CHECK(cut_by(ready, tcp("198.51.100.7", 22)) == "<kept>");
    CHECK(r.size() == 1);
    CHECK(cut_by(r, tcp("198.51.100.7", 22)) == "198.51.100.7 sshd");
    CHECK(cut_by(r, tcp("198.51.100.8", 22)) == "<kept>");

    CutRequests rest = r.take_through(3);
    CHECK(rest.size() == 1);
    CHECK(r.empty());
    CHECK(cut_by(r, tcp("198.51.100.7", 22)) == "<kept>");
}

TEST_CASE("the batch is bounded: a request beyond the capacity is refused, a coalescing one is not") {
    CutRequests r(3, 12345);
    CHECK(r.add("sshd", cidr("198.51.100.1"), all_ports, 1) == CutRequests::Added::queued);
    CHECK(r.add("sshd", cidr("198.51.100.2"), all_ports, 1) == CutRequests::Added::queued);
    CHECK(r.add("sshd", cidr("198.51.100.3"), all_ports, 1) == CutRequests::Added::queued);
    CHECK(r.add("sshd", cidr("198.51.100.4"), all_ports, 1) == CutRequests::Added::full);
    CHECK(r.add("sshd", cidr("198.51.100.2"), all_ports, 2) == CutRequests::Added::coalesced);
    CHECK(r.size() == 3);
    CHECK(cut_by(r, tcp("198.51.100.4", 22)) == "<kept>");
    // Taking frees room.
    CutRequests ready = r.take_through(1);
    CHECK(ready.size() == 2);
    CHECK(r.add("sshd", cidr("198.51.100.4"), all_ports, 3) == CutRequests::Added::queued);
    CHECK(r.add("sshd", cidr("198.51.100.5"), all_ports, 3) == CutRequests::Added::queued);
    CHECK(r.add("sshd", cidr("198.51.100.6"), all_ports, 3) == CutRequests::Added::full);
}

TEST_CASE("the flows cut are counted per request") {
    CutRequests r;
    r.add("sshd", cidr("198.51.100.7"), all_ports, 1);
    r.add("sshd", cidr("2001:db8::/64"), all_ports, 1);
    for (auto flow : {tcp("198.51.100.7", 22), udp("198.51.100.7", 53), tcp("2001:db8::1", 22), tcp("198.51.100.8", 22)})
        if (auto i = r.match(flow)) r.count_cut(*i);
    std::size_t total = 0;
    for (const auto& o : r.outcomes()) {
        total += o.cut;
        if (o.network == cidr("198.51.100.7")) CHECK(o.cut == 2);
        if (o.network == cidr("2001:db8::/64")) CHECK(o.cut == 1);
    }
    CHECK(total == 3);
}
