// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/hiredis/async_connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <stdexcept>
#include <sys/epoll.h>

namespace banjo::redis {

namespace {

Reply copy_reply(const redisReply* r) {
    Reply out;
    switch (r->type) {
    case REDIS_REPLY_STRING:
        out.type = Reply::Type::string;
        out.text.assign(r->str, r->len);
        break;
    case REDIS_REPLY_STATUS:
        out.type = Reply::Type::status;
        out.text.assign(r->str, r->len);
        break;
    case REDIS_REPLY_ERROR:
        out.type = Reply::Type::error;
        out.text.assign(r->str, r->len);
        break;
    case REDIS_REPLY_INTEGER:
        out.type = Reply::Type::integer;
        out.integer = r->integer;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = Reply::Type::array;
        out.elements.reserve(r->elements);
        for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy_reply(r->element[i]));
        break;
    default:
        out.type = Reply::Type::nil;
    }
    return out;
}

}  // namespace

// hiredis's callbacks, with the AsyncConnection as their data.
struct AsyncConnection::Glue {
    static AsyncConnection* self(const redisAsyncContext* c) { return static_cast<AsyncConnection*>(c->data); }

    static void want(void* p, std::uint32_t add, std::uint32_t remove) {
        auto* conn = static_cast<AsyncConnection*>(p);
        const std::uint32_t events = (conn->events_ | add) & ~remove;
        if (events == conn->events_) return;
        conn->events_ = events;
        if (conn->io_) conn->io_.set_io_events(events);
    }
    static void add_read(void* p) { want(p, EPOLLIN, 0); }
    static void del_read(void* p) { want(p, 0, EPOLLIN); }
    static void add_write(void* p) { want(p, EPOLLOUT, 0); }
    static void del_write(void* p) { want(p, 0, EPOLLOUT); }
    // hiredis frees the context after this (a broken connection, or redisAsyncFree).
    static void cleanup(void* p) {
        auto* conn = static_cast<AsyncConnection*>(p);
        conn->events_ = 0;
        if (conn->io_) conn->io_.set_io_events(0);
    }

    static void connected(const redisAsyncContext* c, int status) {
        AsyncConnection* conn = self(c);
        if (status != REDIS_OK) {
            // hiredis 0.14 frees the context after this without calling disconnected().
            const std::string reason = c->errstr[0] ? c->errstr : "cannot connect";
            conn->context_ = nullptr;
            if (!conn->closing_ && conn->on_closed_) conn->on_closed_(reason);
            return;
        }
        if (conn->closing_) return;
        conn->connected_ = true;
        if (conn->on_connected_) conn->on_connected_();
    }

    static void disconnected(const redisAsyncContext* c, int status) {
        AsyncConnection* conn = self(c);
        const std::string reason = status == REDIS_OK ? "closed" : (c->errstr[0] ? c->errstr : "connection error");
        conn->context_ = nullptr;   // hiredis frees it when this returns
        conn->connected_ = false;
        if (conn->closing_) return;
        if (conn->on_closed_) conn->on_closed_(reason);
    }

    static void replied(redisAsyncContext* c, void* r, void* priv) {
        std::unique_ptr<ReplyHandler> handler(static_cast<ReplyHandler*>(priv));
        AsyncConnection* conn = self(c);
        if (conn->closing_ || !*handler) return;
        if (!r) {
            Reply lost;
            lost.type = Reply::Type::error;
            lost.text = std::string("connection lost") + (c->errstr[0] ? std::string(": ") + c->errstr : "");
            (*handler)(lost);
            return;
        }
        (*handler)(copy_reply(static_cast<redisReply*>(r)));
    }
};

AsyncConnection::AsyncConnection(sd::Event& loop, const std::string& host, std::uint16_t port,
                                 std::function<void()> on_connected, std::function<void(const std::string&)> on_closed)
    : loop_(loop), on_connected_(std::move(on_connected)), on_closed_(std::move(on_closed)) {
    context_ = redisAsyncConnect(host.c_str(), port);
    if (!context_) throw std::runtime_error("redisAsyncConnect: out of memory");
    if (context_->err) {
        const std::string why = context_->errstr;
        redisAsyncFree(context_);
        context_ = nullptr;
        throw std::runtime_error("cannot connect to Redis at " + host + ":" + std::to_string(port) + ": " + why);
    }
    context_->data = this;
    context_->ev.data = this;
    context_->ev.addRead = Glue::add_read;
    context_->ev.delRead = Glue::del_read;
    context_->ev.addWrite = Glue::add_write;
    context_->ev.delWrite = Glue::del_write;
    context_->ev.cleanup = Glue::cleanup;
    redisAsyncSetConnectCallback(context_, Glue::connected);
    redisAsyncSetDisconnectCallback(context_, Glue::disconnected);
    io_ = loop_.add_io(context_->c.fd, EPOLLOUT, [this](std::uint32_t revents) {
        // Either call may end in disconnected(), which frees the context.
        if (context_ && (revents & (EPOLLIN | EPOLLERR | EPOLLHUP))) redisAsyncHandleRead(context_);
        if (context_ && (revents & (EPOLLOUT | EPOLLERR))) redisAsyncHandleWrite(context_);
    });
    // The non-blocking connect completes when the socket becomes writable.
    events_ = EPOLLOUT;
}

AsyncConnection::~AsyncConnection() {
    closing_ = true;
    if (context_) redisAsyncFree(context_);   // pending handlers are dropped, not called
    context_ = nullptr;
}

bool AsyncConnection::command(const std::vector<std::string>& argv, ReplyHandler handler) {
    if (!context_ || argv.empty()) return false;
    std::vector<const char*> args;
    std::vector<std::size_t> lengths;
    args.reserve(argv.size());
    lengths.reserve(argv.size());
    for (const auto& a : argv) {
        args.push_back(a.data());
        lengths.push_back(a.size());
    }
    auto* priv = new ReplyHandler(std::move(handler));
    if (redisAsyncCommandArgv(context_, Glue::replied, priv, static_cast<int>(args.size()), args.data(), lengths.data()) !=
        REDIS_OK) {
        delete priv;
        return false;
    }
    return true;
}

}  // namespace banjo::redis
