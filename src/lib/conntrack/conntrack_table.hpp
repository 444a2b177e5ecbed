// SPDX-License-Identifier: GPL-2.0-or-later
// banjo::conntrack::ConntrackTable: the kernel's connection tracking table of the network
// namespace banjod runs in, through libnetfilter_conntrack (netlink, no `conntrack` process).
// The only place nfct_* calls and their errnos appear; a failure becomes std::system_error
// named by the call. One thread.
#pragma once

#include "core/cidr.hpp"

#include <cstdint>
#include <memory>
#include <vector>

struct nfct_handle;

namespace banjo::conntrack {

// Flows whose original direction's destination port lies in [first, last] for one IP protocol
// (IPPROTO_TCP, IPPROTO_UDP...).
struct PortMatch {
    std::uint8_t protocol = 0;
    std::uint16_t first = 0, last = 0;
};

class ConntrackTable {
public:
    ConntrackTable();   // opens the netlink handle; throws std::system_error (nfct_open)
    ~ConntrackTable();
    ConntrackTable(const ConntrackTable&) = delete;
    ConntrackTable& operator=(const ConntrackTable&) = delete;

    // Deletes every flow the address started (its original source), or, when `ports` is not
    // empty, those to one of the ports. Returns how many went. A flow that ended meanwhile is
    // not an error. Cost: one dump of the family's table.
    std::size_t delete_flows_from(const Cidr& source, const std::vector<PortMatch>& ports);

private:
    std::unique_ptr<nfct_handle, int (*)(nfct_handle*)> handle_;
};

}  // namespace banjo::conntrack
