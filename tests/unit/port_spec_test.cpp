// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/port_spec.hpp"
#include "fake_services.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace banjo;

namespace {

test::FakeServices services;

std::vector<std::string> ports(const char* entry) {
    PortResolution r = resolve_port(entry, services);
    CHECK_MESSAGE(r.error.empty(), r.error);
    return r.ports;
}

std::string error(std::string_view entry) {
    PortResolution r = resolve_port(entry, services);
    CHECK(r.ports.empty());
    return r.error;
}

bool mentions(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("numbers and ranges in range are kept as written") {
    CHECK(ports("22") == std::vector<std::string>{"22"});
    CHECK(ports("53/udp") == std::vector<std::string>{"53/udp"});
    CHECK(ports("6000-6010") == std::vector<std::string>{"6000-6010"});
    CHECK(ports("1-65535/sctp") == std::vector<std::string>{"1-65535/sctp"});
    CHECK(ports("9/dccp") == std::vector<std::string>{"9/dccp"});
    CHECK(ports("443-443") == std::vector<std::string>{"443-443"});
}

TEST_CASE("a port outside 1-65535 is refused, as firewalld would refuse the rule") {
    CHECK(mentions(error("99999"), "out of range"));
    CHECK(mentions(error("65536"), "out of range"));
    CHECK(mentions(error("0"), "out of range"));
    CHECK(mentions(error("1000-70000"), "out of range"));
    CHECK(mentions(error("123456789012345678901234567890"), "out of range"));
}

TEST_CASE("a range that runs backwards is refused with the right order suggested") {
    const std::string e = error("6010-6000");
    CHECK(mentions(e, "backwards"));
    CHECK(mentions(e, "6000-6010"));
}

TEST_CASE("malformed numbers and ranges are refused") {
    CHECK(mentions(error("022"), "leading zero"));
    CHECK(mentions(error("-22"), "not a port"));
    CHECK(mentions(error("22-"), "not a port"));
    CHECK(mentions(error("1-2-3"), "not a port"));
    CHECK(mentions(error(""), "empty"));
}

TEST_CASE("only the protocols firewalld takes for a port are accepted") {
    CHECK(mentions(error("22/icmp"), "tcp, udp, sctp or dccp"));
    CHECK(mentions(error("22/TCP"), "tcp, udp, sctp or dccp"));
    CHECK(mentions(error("22/"), "tcp, udp, sctp or dccp"));
    CHECK(mentions(error("22/tcp/udp"), "tcp, udp, sctp or dccp"));
}

TEST_CASE("a firewalld service stays a service: firewalld expands it in the rich rule") {
    CHECK(ports("ssh") == std::vector<std::string>{"ssh"});
    CHECK(ports("http") == std::vector<std::string>{"http"});
}

TEST_CASE("a name only /etc/services knows becomes its ports, every protocol it lists") {
    CHECK(ports("submission") == std::vector<std::string>{"587/tcp"});
    CHECK(ports("domain") == std::vector<std::string>{"53/tcp", "53/udp"});
    CHECK(ports("netbios-ns") == std::vector<std::string>{"137/udp"});
}

TEST_CASE("a name with a protocol becomes its /etc/services port of that protocol") {
    CHECK(ports("domain/udp") == std::vector<std::string>{"53/udp"});
    CHECK(ports("ssh/tcp") == std::vector<std::string>{"22/tcp"});
    const std::string e = error("ssh/udp");
    CHECK(mentions(e, "no udp port"));
    CHECK(mentions(e, "cannot be narrowed"));
}

TEST_CASE("an unknown service name is refused, naming where it was looked for") {
    const std::string e = error("no-such-service");
    CHECK(mentions(e, "unknown service 'no-such-service'"));
    CHECK(mentions(e, "/etc/services"));
    CHECK(mentions(e, "firewalld"));
    // Listed in /etc/services, but only for a protocol a rich rule cannot hold.
    CHECK(mentions(error("odd"), "unknown service"));
}

TEST_CASE("text that could leave the quoted name in a rich rule is refused, and quoted briefly") {
    CHECK(mentions(error("ssh\" log prefix=\"x"), "not a service name"));
    CHECK(mentions(error("ssh drop"), "not a service name"));
    CHECK(mentions(error("-ssh"), "not a service name"));
    const std::string e = error(std::string(5000, 'x') + " ");
    CHECK(e.size() < 200);
    CHECK(mentions(e, "..."));
}
