// SPDX-License-Identifier: GPL-2.0-or-later
#include "metrics/metrics_server.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace banjo {

namespace {

constexpr std::size_t max_clients = 16;
constexpr std::size_t max_request_bytes = 8192;
constexpr auto client_timeout = std::chrono::seconds(5);

}  // namespace

struct MetricsServer::Client {
    int fd = -1;
    int write_fd = -1;   // a dup of fd: sd-event takes one source per fd and event set
    std::string request;
    std::string response;
    std::size_t sent = 0;
    sd::EventSource io;
    sd::EventSource write_io;
    sd::EventSource timeout;
};

MetricsServer::MetricsServer(sd::Event& loop, std::vector<int> listening_fds, Render render)
    : loop_(loop), render_(std::move(render)) {
    for (int fd : listening_fds) {
        // Passed sockets may be blocking; accept_from() takes clients until there are none.
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        listeners_.push_back(loop_.add_io(fd, EPOLLIN, [this, fd](std::uint32_t) { accept_from(fd); }));
    }
}

MetricsServer::~MetricsServer() {
    for (auto& c : clients_) {
        ::close(c->fd);
        if (c->write_fd >= 0) ::close(c->write_fd);
    }
}

void MetricsServer::accept_from(int listener) {
    while (true) {
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;   // EAGAIN, or a client that went away meanwhile
        if (clients_.size() >= max_clients) {
            ::close(fd);
            continue;
        }
        auto c = std::make_unique<Client>();
        c->fd = fd;
        Client& ref = *c;
        clients_.push_back(std::move(c));
        ref.io = loop_.add_io(fd, EPOLLIN, [this, &ref](std::uint32_t) { on_readable(ref); });
        ref.timeout = loop_.add_timer([this, &ref] { close_client(ref); });
        ref.timeout.arm_in(std::chrono::duration_cast<std::chrono::microseconds>(client_timeout));
    }
}

void MetricsServer::on_readable(Client& c) {
    char buf[2048];
    const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        close_client(c);
        return;
    }
    c.request.append(buf, static_cast<std::size_t>(n));
    if (!c.response.empty()) return;   // answered already; the rest of the request is of no use
    if (c.request.find("\r\n\r\n") != std::string::npos || c.request.find("\n\n") != std::string::npos) {
        respond(c);
    } else if (c.request.size() > max_request_bytes) {
        close_client(c);
    }
}

void MetricsServer::respond(Client& c) {
    const std::string_view req(c.request);
    const std::string_view line = req.substr(0, req.find_first_of("\r\n"));
    std::string status = "200 OK", type = "text/plain; version=0.0.4; charset=utf-8", body;
    if (!line.starts_with("GET ") && !line.starts_with("HEAD ")) {
        status = "405 Method Not Allowed";
        body = "only GET /metrics\n";
    } else {
        std::string_view target = line.substr(line.find(' ') + 1);
        target = target.substr(0, target.find(' '));
        if (target == "/metrics" || target.starts_with("/metrics?")) {
            body = render_();
        } else {
            status = "404 Not Found";
            body = "banjo serves /metrics\n";
        }
    }
    c.response = "HTTP/1.0 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
                 "\r\nConnection: close\r\n\r\n" + (line.starts_with("HEAD ") ? std::string() : body);
    // Most pages fit the socket buffer at once; a larger one waits for room.
    c.sent = 0;
    on_writable_now(c);
}

void MetricsServer::on_writable_now(Client& c) {
    while (c.sent < c.response.size()) {
        const ssize_t n = ::send(c.fd, c.response.data() + c.sent, c.response.size() - c.sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            if (c.write_fd < 0) {
                c.write_fd = ::fcntl(c.fd, F_DUPFD_CLOEXEC, 0);
                if (c.write_fd < 0) break;
                c.write_io = loop_.add_io(c.write_fd, EPOLLOUT, [this, &c](std::uint32_t) { on_writable_now(c); });
            }
            return;
        }
        if (n <= 0) break;
        c.sent += static_cast<std::size_t>(n);
    }
    close_client(c);
}

void MetricsServer::close_client(Client& c) {
    for (auto it = clients_.begin(); it != clients_.end(); ++it) {
        if (it->get() != &c) continue;
        // Sources first, so the fds leave the loop before their numbers can be reused; sd-event
        // defers freeing a source that is destroyed from inside its own callback.
        c.io = {};
        c.write_io = {};
        c.timeout = {};
        ::close(c.fd);
        if (c.write_fd >= 0) ::close(c.write_fd);
        clients_.erase(it);
        return;
    }
}

}  // namespace banjo
