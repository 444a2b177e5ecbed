// SPDX-License-Identifier: GPL-2.0-or-later
// A minimal HTTP/1.0 responder for Prometheus scrapers on sockets handed over by systemd:
// "GET /metrics" gets the page, anything else 404/405. It lives in the event loop, never
// blocks, reads at most a few KiB per request, serves a bounded number of clients at once and
// drops a client that does not finish its request in time.
#pragma once

#include "lib/sd/event.hpp"

#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

namespace banjo {

class MetricsServer {
public:
    using Render = std::function<std::string()>;
    MetricsServer(sd::Event& loop, std::vector<int> listening_fds, Render render);
    ~MetricsServer();

private:
    struct Client;
    void accept_from(int fd);
    void on_readable(Client& c);
    void on_writable_now(Client& c);
    void respond(Client& c);
    void close_client(Client& c);

    sd::Event& loop_;
    Render render_;
    std::vector<sd::EventSource> listeners_;
    std::list<std::unique_ptr<Client>> clients_;
};

}  // namespace banjo
