// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/sd/listen_fds.hpp"

#include <systemd/sd-daemon.h>
#include <sys/socket.h>

namespace banjo::sd {

std::vector<int> listening_stream_sockets() {
    std::vector<int> fds;
    const int n = sd_listen_fds(1);
    for (int i = 0; i < n; ++i) {
        const int fd = SD_LISTEN_FDS_START + i;
        if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) > 0) fds.push_back(fd);
    }
    return fds;
}

}  // namespace banjo::sd
