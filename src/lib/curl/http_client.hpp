// SPDX-License-Identifier: GPL-2.0-or-later
// HTTP(S) POSTs (actions) and conditional GETs (blocklist downloads) through libcurl's multi
// interface on banjod's sd-event loop: curl's sockets become io sources and its timeout one
// timer, so a slow or dead server never blocks the loop.
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

// A GET of a whole document: at most max_bytes of body (past it the transfer is cut off and
// fails), redirects followed (http and https only), the conditional headers sent when set.
struct HttpGet {
    std::string url;
    std::string if_none_match;       // an ETag seen before; empty: not sent
    std::string if_modified_since;   // a Last-Modified seen before, as the server wrote it
    std::chrono::milliseconds timeout{60000};
    std::size_t max_bytes = 64u << 20;
};

struct HttpResult {
    long status = 0;       // the HTTP status; 0 when no complete response came
    std::string error;     // curl's message when no complete response came
    std::string excerpt;   // the start of the response body (for the journal)
    std::string body;      // GET: the whole body
    std::string etag, last_modified;   // GET: the final response's validators, if any
    bool too_large = false;            // GET: the body passed max_bytes (status 0 then)
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
    // Starts a GET; a transfer cut short (the connection closed before the announced length,
    // a broken chunked body) or too large fails (status 0), never gives part of a body.
    void get(const HttpGet& request, Done done);
    std::size_t running() const noexcept { return transfers_.size(); }

private:
    struct Transfer;
    static int on_socket(CURL* easy, int fd, int what, void* self, void* socket_data);
    static int on_timer(CURLM* multi, long timeout_ms, void* self);
    void act(int fd, int events);
    void collect();
    // The options every transfer has; launch() hands it to the multi handle.
    static void prepare(Transfer& t, const std::string& url, std::chrono::milliseconds timeout);
    void launch(std::unique_ptr<Transfer> t);

    sd::Event& loop_;
    CURLM* multi_ = nullptr;
    sd::EventSource timer_;
    std::map<int, sd::EventSource> sockets_;
    std::map<CURL*, std::unique_ptr<Transfer>> transfers_;
};

}  // namespace banjo::curl
