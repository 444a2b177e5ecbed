// SPDX-License-Identifier: GPL-2.0-or-later
// One Redis connection driven by banjod's sd-event loop: hiredis 0.14's async API, whose fd
// and read/write interest this adapter puts on the loop (0.14 ships adapters for libevent,
// libev and others, none for sd-event). The only place hiredis's C API appears. Commands are
// pipelined: each is queued at once and its reply comes back in order. One thread.
#pragma once

#include "lib/sd/event.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct redisAsyncContext;

namespace banjo::redis {

// A reply copied out of hiredis's redisReply, so that handlers keep plain data.
struct Reply {
    enum class Type { string, array, integer, nil, status, error };
    Type type = Type::nil;
    std::string text;               // string, status, error
    long long integer = 0;
    std::vector<Reply> elements;    // array
    bool is_error() const noexcept { return type == Type::error; }
};

class AsyncConnection {
public:
    // A reply, or for a command the connection dropped before its reply: an error reply
    // whose text starts with "connection lost".
    using ReplyHandler = std::function<void(const Reply&)>;

    // Starts connecting at once (a numeric address: no name lookup blocks the loop).
    // `on_connected` runs once the connection is up; `on_closed` once it failed or broke, with
    // the reason; after it the object is dead: drop it (not from inside a handler; defer it).
    AsyncConnection(sd::Event& loop, const std::string& host, std::uint16_t port, std::function<void()> on_connected,
                    std::function<void(const std::string&)> on_closed);
    ~AsyncConnection();
    AsyncConnection(const AsyncConnection&) = delete;
    AsyncConnection& operator=(const AsyncConnection&) = delete;

    bool open() const noexcept { return context_ != nullptr; }
    bool connected() const noexcept { return connected_; }
    // Queues the command; false when the connection is closed (the handler then never runs).
    bool command(const std::vector<std::string>& argv, ReplyHandler handler);

private:
    struct Glue;
    sd::Event& loop_;
    redisAsyncContext* context_ = nullptr;
    sd::EventSource io_;
    std::uint32_t events_ = 0;
    bool connected_ = false;
    bool closing_ = false;   // in the destructor: handlers must not run into a dying owner
    std::function<void()> on_connected_;
    std::function<void(const std::string&)> on_closed_;
};

}  // namespace banjo::redis
