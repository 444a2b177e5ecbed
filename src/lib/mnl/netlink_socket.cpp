// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/mnl/netlink_socket.hpp"

#include <libmnl/libmnl.h>

#include <cerrno>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <system_error>

namespace banjo::mnl {

namespace {

[[noreturn]] void fail(const char* call) {
    throw std::system_error(errno, std::generic_category(), call);
}

void grow(int fd, int force_option, int option, std::size_t bytes) {
    int size = bytes > static_cast<std::size_t>(INT32_MAX / 2) ? INT32_MAX / 2 : static_cast<int>(bytes);
    int current = 0;
    socklen_t length = sizeof current;
    // Linux reports twice the size it was given (bookkeeping overhead).
    if (getsockopt(fd, SOL_SOCKET, option, &current, &length) == 0 && current / 2 >= size) return;
    if (setsockopt(fd, SOL_SOCKET, force_option, &size, sizeof size) == 0) return;
    if (setsockopt(fd, SOL_SOCKET, option, &size, sizeof size) != 0) fail("setsockopt");
}

}  // namespace

void NetlinkSocket::Close::operator()(mnl_socket* s) const noexcept { mnl_socket_close(s); }

NetlinkSocket::NetlinkSocket(int bus) {
    mnl_socket* s = mnl_socket_open2(bus, SOCK_CLOEXEC);
    if (!s) fail("mnl_socket_open2");
    socket_.reset(s);
    if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) fail("mnl_socket_bind");
}

int NetlinkSocket::fd() const noexcept { return mnl_socket_get_fd(socket_.get()); }

std::uint32_t NetlinkSocket::portid() const noexcept { return mnl_socket_get_portid(socket_.get()); }

void NetlinkSocket::join_group(unsigned group) {
    int g = static_cast<int>(group);
    if (mnl_socket_setsockopt(socket_.get(), NETLINK_ADD_MEMBERSHIP, &g, sizeof g) < 0)
        fail("setsockopt(NETLINK_ADD_MEMBERSHIP)");
}

void NetlinkSocket::leave_group(unsigned group) {
    int g = static_cast<int>(group);
    if (mnl_socket_setsockopt(socket_.get(), NETLINK_DROP_MEMBERSHIP, &g, sizeof g) < 0)
        fail("setsockopt(NETLINK_DROP_MEMBERSHIP)");
}

void NetlinkSocket::set_nonblocking() {
    int flags = fcntl(fd(), F_GETFL);
    if (flags < 0 || fcntl(fd(), F_SETFL, flags | O_NONBLOCK) < 0) fail("fcntl(O_NONBLOCK)");
}

void NetlinkSocket::cap_acknowledgements() {
    int on = 1;
    if (mnl_socket_setsockopt(socket_.get(), NETLINK_CAP_ACK, &on, sizeof on) < 0) fail("setsockopt(NETLINK_CAP_ACK)");
}

void NetlinkSocket::grow_send_buffer(std::size_t bytes) { grow(fd(), SO_SNDBUFFORCE, SO_SNDBUF, bytes); }

void NetlinkSocket::grow_receive_buffer(std::size_t bytes) { grow(fd(), SO_RCVBUFFORCE, SO_RCVBUF, bytes); }

void NetlinkSocket::send(const void* data, std::size_t length) {
    ssize_t sent = mnl_socket_sendto(socket_.get(), data, length);
    if (sent < 0) fail("sendto(netlink)");
    if (static_cast<std::size_t>(sent) != length) throw std::system_error(EMSGSIZE, std::generic_category(), "sendto(netlink)");
}

std::optional<std::size_t> NetlinkSocket::receive(std::vector<char>& buffer, bool wait) {
    // MNL_SOCKET_BUFFER_SIZE (8 KiB) or the page size is what the kernel fills per datagram
    // for dumps; notifications are one message each. 64 KiB holds either.
    buffer.resize(65536);
    for (;;) {
        ssize_t n = recv(fd(), buffer.data(), buffer.size(), wait ? 0 : MSG_DONTWAIT);
        if (n >= 0) {
            buffer.resize(static_cast<std::size_t>(n));
            return buffer.size();
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN) {
            buffer.clear();
            return std::nullopt;
        }
        fail("recv(netlink)");
    }
}

std::vector<std::uint32_t> own_port_ids(int bus) {
    std::vector<int> fds;
    if (DIR* dir = opendir("/proc/self/fd")) {
        while (const dirent* entry = readdir(dir))
            if (entry->d_name[0] != '.') fds.push_back(std::atoi(entry->d_name));
        closedir(dir);
    } else {   // no /proc: try the usual range
        for (int fd = 0; fd < 1024; ++fd) fds.push_back(fd);
    }
    std::vector<std::uint32_t> ids;
    for (int fd : fds) {
        sockaddr_nl address{};
        socklen_t length = sizeof address;
        int protocol = 0;
        socklen_t protocol_length = sizeof protocol;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 || address.nl_family != AF_NETLINK)
            continue;
        if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &protocol_length) != 0 || protocol != bus) continue;
        if (address.nl_pid != 0) ids.push_back(address.nl_pid);
    }
    return ids;
}

}  // namespace banjo::mnl
