// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/connection_cutter.hpp"

#include "firewall/nftables_ruleset.hpp"
#include "lib/sd/log.hpp"

#include <netinet/in.h>
#include <syslog.h>

namespace banjo {

std::vector<conntrack::PortMatch> conntrack_ports(const std::vector<std::string>& ports) {
    std::vector<conntrack::PortMatch> out;
    for (const PortRange& r : resolve_ports(ports).ranges) {
        std::uint8_t protocol = IPPROTO_TCP;
        if (r.protocol == "udp") protocol = IPPROTO_UDP;
        else if (r.protocol == "sctp") protocol = IPPROTO_SCTP;
        else if (r.protocol == "dccp") protocol = IPPROTO_DCCP;
        out.push_back({protocol, r.first, r.last});
    }
    return out;
}

std::size_t ConnectionCutter::cut(const std::string& jail, const Cidr& address, const std::vector<std::string>& ports) {
    const auto matches = conntrack_ports(ports);
    if (!ports.empty() && matches.empty()) return 0;   // no port it knows: cutting every flow would be wrong
    try {
        if (!table_) table_ = std::make_unique<conntrack::ConntrackTable>();
        const std::size_t n = table_->delete_flows_from(address, matches);
        sd::log(n > 0 ? LOG_INFO : LOG_DEBUG,
                (n > 0 ? "Cut " + std::to_string(n) + " open connection" + (n == 1 ? "" : "s") + " of "
                       : std::string("No open connections to cut of ")) +
                    address.to_string() + " (jail " + jail + ")",
                    {{"BANJO_JAIL", jail}, {"BANJO_ADDRESS", address.to_string()}, {"BANJO_CUT_FLOWS", std::to_string(n)}});
        reported_failure_ = false;
        return n;
    } catch (const std::exception& e) {
        table_.reset();
        if (!reported_failure_)
            sd::log(LOG_WARNING, std::string("Cannot cut the open connections of banned addresses: ") + e.what() +
                                     " (banjod needs CAP_NET_ADMIN and the nf_conntrack module); bans still apply to new connections");
        reported_failure_ = true;
        return 0;
    }
}

}  // namespace banjo
