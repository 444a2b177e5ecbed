// SPDX-License-Identifier: GPL-2.0-or-later
// HTTP(S) POSTs through libcurl's multi interface on banjod's sd-event loop: curl's sockets
// become io sources and its timeout one timer, so a slow or dead server never blocks the loop.
// The only place libcurl's C API appears. One thread: the loop's.
#pragma once

#include "lib/sd/event.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

typedef void CURLM;
typedef void CURL;

namespace banjo::curl {

struct HttpRequest {
    std::string url;
    std::vector<std::string> headers;   // "Name: value" each
    std::string body;
    std::chrono::milliseconds timeout{30000};   // the whole transfer
};

struct HttpResult {
    long status = 0;       // the HTTP status; 0 when no response came
    std::string error;     // curl's message when no response came
    std::string excerpt;   // the start of the response body (for the journal)
    bool ok() const noexcept { return status >= 200 && status < 300; }
};

class HttpClient {
public:
    using Done = std::function<void(const HttpResult&)>;

    explicit HttpClient(sd::Event& loop);
    ~HttpClient();   // transfers still running are dropped without their callbacks
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Starts a POST; `done` runs from the loop when it ends, never from inside post().
    void post(const HttpRequest& request, Done done);
    std::size_t running() const noexcept { return transfers_.size(); }

private:
    struct Transfer;
    static int on_socket(CURL* easy, int fd, int what, void* self, void* socket_data);
    static int on_timer(CURLM* multi, long timeout_ms, void* self);
    void act(int fd, int events);
    void collect();

    sd::Event& loop_;
    CURLM* multi_ = nullptr;
    sd::EventSource timer_;
    std::map<int, sd::EventSource> sockets_;
    std::map<CURL*, std::unique_ptr<Transfer>> transfers_;
};

}  // namespace banjo::curl
