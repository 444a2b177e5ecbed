// SPDX-License-Identifier: GPL-2.0-or-later
// banjo::mnl::NetlinkSocket owns one libmnl netlink socket: the only place mnl_socket and
// socket errnos appear. Requests go out whole in one sendmsg (a netfilter batch must: the
// kernel runs it as one transaction inside that call, so its answers are queued before send()
// returns). Negative results become std::system_error named by the call; one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

struct mnl_socket;

namespace banjo::mnl {

class NetlinkSocket {
public:
    // A bound socket of the given netlink bus (NETLINK_NETFILTER...), close-on-exec.
    explicit NetlinkSocket(int bus);

    int fd() const noexcept;
    std::uint32_t portid() const noexcept;

    // Multicast group to listen to (NFNLGRP_NFTABLES...).
    void join_group(unsigned group);
    void leave_group(unsigned group);
    void set_nonblocking();
    // Error reports carry only the failed message's header, not all of it (NETLINK_CAP_ACK):
    // a refused batch of large messages would otherwise overflow the receive buffer.
    void cap_acknowledgements();
    // Grows the kernel buffers past the sysctl limits where the caller may (CAP_NET_ADMIN:
    // SO_*BUFFORCE), else as far as the limits allow. A batch must fit the send buffer whole.
    void grow_send_buffer(std::size_t bytes);
    void grow_receive_buffer(std::size_t bytes);

    void send(const void* data, std::size_t length);
    // One datagram into `buffer` (resized to what arrived). nullopt: nothing queued (only
    // without `wait`). A lost-messages overflow (ENOBUFS) throws like any other error.
    std::optional<std::size_t> receive(std::vector<char>& buffer, bool wait);

private:
    struct Close {
        void operator()(mnl_socket* s) const noexcept;
    };
    std::unique_ptr<mnl_socket, Close> socket_;
};

// The port ids of every bound netlink socket of `bus` this process holds, its libraries'
// included (libnftables keeps one of its own). The kernel stamps each nf_tables notification
// with the port id of the socket whose request caused it, which tells a process's own changes
// from others' in every PID namespace (the PID the kernel reports there is the host's).
std::vector<std::uint32_t> own_port_ids(int bus);

}  // namespace banjo::mnl
