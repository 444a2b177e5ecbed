// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's `port` (what its ban actions hand iptables: "ssh", "http,https", "1000:2000",
// "0:65535") -> banjo's ports: firewalld service names, "PORT", "FROM-TO", with "/udp" and the
// like when the jail's protocol is not tcp. fail2ban's names are /etc/services names; one is
// kept when firewalld has a service of that name, else written as its /etc/services number.
#pragma once

#include "fail2ban/import_report.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// Where firewalld keeps service definitions.
struct PortLookup {
    std::vector<std::string> service_dirs{"/etc/firewalld/services", "/usr/lib/firewalld/services"};
};

// fail2ban's port list ("ssh", "http,https", "1000:2000", "0:65535") -> banjo's ports. An empty
// result is every port. Items it cannot translate are reported through `items`.
std::vector<std::string> translate_ports(std::string_view value, std::string_view protocol, const PortLookup& lookup,
                                         std::vector<ReportItem>& items, const SourceLocation& where);

}  // namespace banjo
