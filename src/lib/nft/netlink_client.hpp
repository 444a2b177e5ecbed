// SPDX-License-Identifier: GPL-2.0-or-later
// Talks nf_tables netlink on a socket of its own: applies element batches and dumps sets.
// Both are synchronous and short: the kernel handles a batch inside sendmsg and has every
// answer queued when it returns, and a dump of even 100k elements takes tens of ms. Errors
// of the socket throw std::system_error; the kernel's verdict on a batch is returned.
#pragma once

#include "lib/mnl/netlink_socket.hpp"
#include "lib/nft/set_messages.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace banjo::nft {

// The port ids of this process's nf_tables sockets (see mnl::own_port_ids).
std::vector<std::uint32_t> own_port_ids();

class NetlinkClient {
public:
    NetlinkClient();

    std::uint32_t take_seq(std::uint32_t count = 1) noexcept;

    // 0 when the kernel took the whole batch, else the errno of the first message it refused
    // (the transaction is then rolled back).
    int apply(Batch& batch);

    // nullopt: the set (or its table) does not exist. Each element's read_at_us is `clock`
    // (wall time, microseconds) read just before the message that carried it was received: the
    // kernel fills a dump message while the previous one is received, so that reading follows
    // the moment its time left was taken. A whole dump of a large set takes long (the kernel
    // walks the set from its start for every message): one time for all would skew the ends.
    std::optional<std::vector<SetElement>> set_elements(int family, const std::string& table, const std::string& set,
                                                        const std::function<std::int64_t()>& clock);
    std::optional<std::vector<SetInfo>> sets(int family, const std::string& table);

    // Looks these elements up by key, without reading the rest of the set: what the kernel holds
    // under each key (nullopt: nothing), stamped like set_elements. For an interval set the
    // kernel answers a key inside a wider interval with that interval's start, whose key then
    // differs. Costs a lookup per element where a dump walks the set again for every message
    // (quadratic: minutes for 1M elements). nullopt: the set does not exist.
    std::optional<std::vector<std::optional<SetElement>>> get_elements(int family, const std::string& table,
                                                                       const std::string& set,
                                                                       const std::vector<SetElement>& keys,
                                                                       const std::function<std::int64_t()>& clock);

private:
    // Sends a dump request and calls `each` per message with the time read before it was
    // received (0 without a clock); nullopt when the kernel said ENOENT.
    std::optional<bool> dump(const std::vector<char>& request, std::uint32_t seq,
                             const std::function<void(const struct nlmsghdr*, std::int64_t)>& each,
                             const std::function<std::int64_t()>& clock = {});

    bool has_set(int family, const std::string& table, const std::string& set);

    mnl::NetlinkSocket socket_;
    std::uint32_t seq_;
    std::vector<char> receive_buffer_;
    std::size_t elements_per_get_ = 8;   // elements asked per lookup request (see the constructor)
};

}  // namespace banjo::nft
