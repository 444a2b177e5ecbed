// SPDX-License-Identifier: GPL-2.0-or-later
// banjo::conntrack::ConntrackTable: the kernel's connection tracking table of the network
// namespace banjod runs in, through libnetfilter_conntrack (netlink, no `conntrack` process).
// The only place nfct_* calls and their errnos appear; a failure becomes std::system_error
// named by the call. One thread.
#pragma once

#include "core/cut_requests.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

struct nfct_handle;

namespace banjo::conntrack {

class ConntrackTable {
public:
    ConntrackTable();   // opens the netlink handle; throws std::system_error (nfct_open)
    ~ConntrackTable();
    ConntrackTable(const ConntrackTable&) = delete;
    ConntrackTable& operator=(const ConntrackTable&) = delete;

    // A tag for a flow to delete (what it was chosen for), or nullopt to keep it.
    using Pick = std::function<std::optional<std::size_t>(const FlowOrigin&)>;

    // Dumps the table once (only `family`'s flows when given: the kernel filters them) and
    // deletes every flow `pick` chooses. Returns the tags of the flows that went; a flow that
    // ended meanwhile is not an error. Cost: one walk of the kernel's whole conntrack hash
    // (shared by every namespace), however many flows are picked.
    std::vector<std::size_t> delete_flows(std::optional<Family> family, const Pick& pick);

private:
    std::unique_ptr<nfct_handle, int (*)(nfct_handle*)> handle_;
};

}  // namespace banjo::conntrack
