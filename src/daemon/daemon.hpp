// SPDX-License-Identifier: GPL-2.0-or-later
// banjod as a service: the wiring of one sd-event loop. It follows the journal, expires bans on
// a timer, keeps firewalld in step through the backend, serves org.banjo1 on the system bus and
// the metrics socket, and saves its state after every chunk of journal; the decisions are the
// Manager's (daemon/manager.hpp). The only code that knows both the Manager and the bus.
// SIGTERM stops it cleanly with the state saved; SIGHUP reloads the configuration.
#pragma once

#include "daemon/options.hpp"

#include <memory>

namespace banjo {

class Daemon {
public:
    explicit Daemon(DaemonOptions options);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Runs until SIGTERM/SIGINT or a fatal error; returns the exit code.
    int run();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace banjo
