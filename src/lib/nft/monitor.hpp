// SPDX-License-Identifier: GPL-2.0-or-later
// Listens to nf_tables change notifications (multicast group NFNLGRP_NFTABLES), the events
// `nft monitor` prints. The kernel sends the changes of one transaction, then NEWGEN naming
// the process that committed it; read() hands over both in that order. Non-blocking: call it
// when fd() is readable.
#pragma once

#include "lib/mnl/netlink_socket.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace banjo::nft {

struct Event {
    enum class Kind {
        generation,   // a transaction was committed: process_id/process_name say by whom
        deleted,      // a table, chain, set, rule or set element was deleted
        added,        // ... or added (or changed)
    };
    Kind kind = Kind::generation;
    int family = 0;
    std::string table;              // the table the object belongs to (empty for generation)
    std::uint32_t port_id = 0;      // the netlink socket whose request caused it (0: the kernel)
    std::uint32_t process_id = 0;   // generation only; in the init PID namespace
    std::string process_name;       // generation only
};

class Monitor {
public:
    Monitor();

    int fd() const noexcept { return socket_.fd(); }
    // Stops and restarts listening, around a large transaction of the caller's own: the kernel
    // builds no notifications while nobody listens (one per element otherwise, which would
    // only overflow this socket). Whatever others change meanwhile is not reported.
    void pause();
    void resume();

    // Delivers every queued event. False when the kernel dropped events because the socket's
    // buffer was full (ENOBUFS): the caller must then look at the ruleset itself.
    bool read(const std::function<void(const Event&)>& each);

private:
    mnl::NetlinkSocket socket_;
    std::vector<char> buffer_;
};

}  // namespace banjo::nft
