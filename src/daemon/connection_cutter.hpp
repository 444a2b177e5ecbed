// SPDX-License-Identifier: GPL-2.0-or-later
// After a ban holds, the flows the banned address already has are cut: the firewall accepts
// packets of established connections before any ban rule, so a UDP attacker (openvpn,
// asterisk, named) or a long TCP session would keep talking. Deletes the address's conntrack
// entries (limited to the jail's ports when it has any) through netlink, in banjod's network
// namespace. A kernel that refuses (no CAP_NET_ADMIN, no conntrack) is said once, never fatal.
#pragma once

#include "core/cidr.hpp"
#include "lib/conntrack/conntrack_table.hpp"

#include <memory>
#include <string>
#include <vector>

namespace banjo {

class ConnectionCutter {
public:
    // ports: the jail's entries ("ssh", "1194/udp"); empty: every flow of the address.
    // Returns the number of flows cut.
    std::size_t cut(const std::string& jail, const Cidr& address, const std::vector<std::string>& ports);

private:
    std::unique_ptr<conntrack::ConntrackTable> table_;
    bool reported_failure_ = false;
};

// The jail's ports as conntrack matches (services through the services database).
std::vector<conntrack::PortMatch> conntrack_ports(const std::vector<std::string>& ports);

}  // namespace banjo
