// SPDX-License-Identifier: GPL-2.0-or-later
// A jail's `ports` entries checked as firewalld will check them, and turned into the form the
// firewall backend puts in a rich rule: a firewalld service name (firewalld expands it to the
// service's ports), or "PORT[-PORT][/PROTOCOL]" (tcp when absent). Service names are looked up through a
// ServiceCatalog the caller supplies, so this stays free of I/O; src/config reads the system's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// What firewalld takes as the protocol of a port in a rich rule.
inline constexpr std::string_view port_protocols[] = {"tcp", "udp", "sctp", "dccp"};

struct ServicePort {
    std::uint16_t port = 0;
    std::string protocol;
    friend bool operator==(const ServicePort&, const ServicePort&) = default;
};

class ServiceCatalog {
public:
    virtual ~ServiceCatalog() = default;
    // firewalld has a service definition of this name (services/NAME.xml in its directories):
    // a rich rule may say `service name="NAME"`.
    virtual bool is_firewalld_service(std::string_view name) const = 0;
    // What /etc/services lists for the name (or one of its aliases), every protocol.
    virtual std::vector<ServicePort> ports_of(std::string_view name) const = 0;
};

struct PortResolution {
    std::vector<std::string> ports;   // canonical entries; empty when error is set
    std::string error;                // what is wrong, for a person (the entry quoted briefly)
};

// One entry as an administrator writes it: "ssh" (a firewalld service, else its /etc/services
// ports as "PORT/PROTOCOL", every protocol listed), "ssh/udp" (its /etc/services port of that
// protocol), "22", "6000-6010", each with an optional "/tcp", "/udp", "/sctp" or "/dccp" (tcp
// when absent; numbers come back as written). Numbers 1-65535 without leading zeros; a range's
// first port is not above its last.
PortResolution resolve_port(std::string_view entry, const ServiceCatalog& services);

}  // namespace banjo
