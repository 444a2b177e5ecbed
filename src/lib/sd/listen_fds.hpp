// SPDX-License-Identifier: GPL-2.0-or-later
// Sockets passed by the service manager (socket activation, sd_listen_fds): banjo's metrics
// endpoint opens no port of its own; banjo-metrics.socket decides whether there is one.
#pragma once

#include <vector>

namespace banjo::sd {

// The listening stream sockets passed to this process (none when not socket-activated). The
// environment variables are unset, so children do not inherit them.
std::vector<int> listening_stream_sockets();

}  // namespace banjo::sd
