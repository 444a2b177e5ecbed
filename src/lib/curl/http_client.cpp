// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/curl/http_client.hpp"

#include <curl/curl.h>
#include <dlfcn.h>
#include <sys/epoll.h>

#include <cctype>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace banjo::curl {

namespace {

constexpr std::size_t excerpt_bytes = 512;

// libcurl is loaded when the first HttpClient is made, not linked: it brings some 25 libraries
// (TLS, HTTP/2, LDAP, Kerberos, ...) whose loading and relocation (about 15 ms of CPU,
// bench/RESULTS.md) every banjod run would pay, a --replay, --check-config or --help included,
// while only the daemon's HTTP clients (webhook actions, URL blocklists) use it.
// The soname is that of the libcurl4 package (libcurl's ABI 4, stable since 2006).
constexpr const char* library = "libcurl.so.4";

struct Api {
    CURLcode (*global_init)(long);
    void (*global_cleanup)();
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL*);
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    const char* (*easy_strerror)(CURLcode);
    CURLM* (*multi_init)();
    CURLMcode (*multi_setopt)(CURLM*, CURLMoption, ...);
    CURLMcode (*multi_cleanup)(CURLM*);
    CURLMcode (*multi_add_handle)(CURLM*, CURL*);
    CURLMcode (*multi_remove_handle)(CURLM*, CURL*);
    CURLMcode (*multi_socket_action)(CURLM*, curl_socket_t, int, int*);
    CURLMsg* (*multi_info_read)(CURLM*, int*);
};

template <typename F>
void bind(void* handle, F& f, const char* name) {
    void* symbol = dlsym(handle, name);
    if (!symbol) throw std::runtime_error(std::string(library) + " has no " + name);
    f = reinterpret_cast<F>(symbol);
}

Api load() {
    // Never closed: curl_global_cleanup runs from a static destructor, and the library stays
    // for the process's life as a linked one would.
    void* h = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* why = dlerror();
        throw std::runtime_error(std::string("cannot load ") + library + " (package libcurl4): " + (why ? why : "?"));
    }
    Api a{};
    bind(h, a.global_init, "curl_global_init");
    bind(h, a.global_cleanup, "curl_global_cleanup");
    bind(h, a.slist_append, "curl_slist_append");
    bind(h, a.slist_free_all, "curl_slist_free_all");
    bind(h, a.easy_init, "curl_easy_init");
    bind(h, a.easy_cleanup, "curl_easy_cleanup");
    bind(h, a.easy_setopt, "curl_easy_setopt");
    bind(h, a.easy_getinfo, "curl_easy_getinfo");
    bind(h, a.easy_strerror, "curl_easy_strerror");
    bind(h, a.multi_init, "curl_multi_init");
    bind(h, a.multi_setopt, "curl_multi_setopt");
    bind(h, a.multi_cleanup, "curl_multi_cleanup");
    bind(h, a.multi_add_handle, "curl_multi_add_handle");
    bind(h, a.multi_remove_handle, "curl_multi_remove_handle");
    bind(h, a.multi_socket_action, "curl_multi_socket_action");
    bind(h, a.multi_info_read, "curl_multi_info_read");
    return a;
}

struct GlobalInit {
    Api api = load();
    GlobalInit() {
        if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
    }
    ~GlobalInit() { api.global_cleanup(); }
};

// Loads and initialises libcurl once; throws (and tries again next time) when it cannot.
const Api& api() {
    static GlobalInit once;
    return once.api;
}

std::string trimmed(std::string_view v) {
    const auto first = v.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = v.find_last_not_of(" \t\r\n");
    return std::string(v.substr(first, last - first + 1));
}

// The value of header line `line` if it is header `name` (lower case).
std::optional<std::string> header_value(std::string_view line, std::string_view name) {
    if (line.size() <= name.size() || line[name.size()] != ':') return std::nullopt;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return std::nullopt;
    std::string v = trimmed(line.substr(name.size() + 1));
    // It goes back to the server in a header of ours: no control characters, bounded.
    for (char c : v)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
    if (v.size() > 1024) return std::nullopt;
    return v;
}

}  // namespace

struct HttpClient::Transfer {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::string body;
    std::string response;
    bool whole = false;            // GET: keep the whole body (up to max_bytes)
    std::size_t max_bytes = 0;
    bool too_large = false;
    std::string etag, last_modified;
    char error[CURL_ERROR_SIZE] = {};
    Done done;
    ~Transfer() {
        api().slist_free_all(headers);
        if (easy) api().easy_cleanup(easy);
    }
};

HttpClient::HttpClient(sd::Event& loop) : loop_(loop) {
    multi_ = api().multi_init();
    if (!multi_) throw std::runtime_error("curl_multi_init failed");
    api().multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpClient::on_socket);
    api().multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    api().multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpClient::on_timer);
    api().multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    timer_ = loop_.add_timer([this] { act(CURL_SOCKET_TIMEOUT, 0); });
}

HttpClient::~HttpClient() {
    for (auto& [easy, t] : transfers_) api().multi_remove_handle(multi_, easy);
    transfers_.clear();
    sockets_.clear();
    api().multi_cleanup(multi_);
}

int HttpClient::on_socket(CURL*, int fd, int what, void* self_ptr, void*) {
    auto* self = static_cast<HttpClient*>(self_ptr);
    if (what == CURL_POLL_REMOVE) {
        self->sockets_.erase(fd);
        return 0;
    }
    std::uint32_t events = 0;
    if (what & CURL_POLL_IN) events |= EPOLLIN;
    if (what & CURL_POLL_OUT) events |= EPOLLOUT;
    auto it = self->sockets_.find(fd);
    if (it == self->sockets_.end()) {
        self->sockets_.emplace(fd, self->loop_.add_io(fd, events, [self, fd](std::uint32_t revents) {
            int mask = 0;
            if (revents & EPOLLIN) mask |= CURL_CSELECT_IN;
            if (revents & EPOLLOUT) mask |= CURL_CSELECT_OUT;
            if (revents & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
            self->act(fd, mask);
        }));
    } else {
        it->second.set_io_events(events);
    }
    return 0;
}

int HttpClient::on_timer(CURLM*, long timeout_ms, void* self_ptr) {
    auto* self = static_cast<HttpClient*>(self_ptr);
    if (timeout_ms < 0) self->timer_.disarm();
    else self->timer_.arm_in(std::chrono::milliseconds(timeout_ms));
    return 0;
}

void HttpClient::act(int fd, int events) {
    int running = 0;
    api().multi_socket_action(multi_, fd, events, &running);
    collect();
}

void HttpClient::collect() {
    int left = 0;
    while (CURLMsg* msg = api().multi_info_read(multi_, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* easy = msg->easy_handle;
        const CURLcode code = msg->data.result;
        auto it = transfers_.find(easy);
        if (it == transfers_.end()) continue;
        std::unique_ptr<Transfer> t = std::move(it->second);
        transfers_.erase(it);
        api().multi_remove_handle(multi_, easy);
        HttpResult result;
        if (code == CURLE_OK) {
            api().easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result.status);
        } else if (t->too_large || code == CURLE_FILESIZE_EXCEEDED) {
            result.too_large = true;
            result.error = "larger than " + std::to_string(t->max_bytes) + " bytes";
        } else {
            result.error = t->error[0] ? t->error : api().easy_strerror(code);
        }
        result.excerpt = t->response.substr(0, excerpt_bytes);
        if (t->whole && code == CURLE_OK) {
            result.body = std::move(t->response);
            result.etag = std::move(t->etag);
            result.last_modified = std::move(t->last_modified);
        }
        Done done = std::move(t->done);
        t.reset();
        if (done) done(result);
    }
}

void HttpClient::prepare(Transfer& transfer, const std::string& url, std::chrono::milliseconds timeout) {
    Transfer* t = &transfer;
    t->easy = api().easy_init();
    if (!t->easy) throw std::runtime_error("curl_easy_init failed");
    CURL* e = t->easy;
    api().easy_setopt(e, CURLOPT_URL, url.c_str());
    api().easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    api().easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    api().easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    api().easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    api().easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    api().easy_setopt(e, CURLOPT_USERAGENT, "banjo/" BANJO_VERSION);
    api().easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    api().easy_setopt(e, CURLOPT_WRITEDATA, t);
    api().easy_setopt(e, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* user) -> size_t {
        auto* tr = static_cast<Transfer*>(user);
        const std::size_t bytes = size * n;
        if (tr->whole) {
            if (tr->response.size() + bytes > tr->max_bytes) {
                tr->too_large = true;
                return 0;   // curl ends the transfer with an error
            }
            tr->response.append(data, bytes);
        } else if (tr->response.size() < excerpt_bytes) {
            tr->response.append(data, std::min(bytes, excerpt_bytes - tr->response.size()));
        }
        return bytes;
    });
}

void HttpClient::launch(std::unique_ptr<Transfer> t) {
    CURL* e = t->easy;
    transfers_.emplace(e, std::move(t));
    if (api().multi_add_handle(multi_, e) != CURLM_OK) {
        transfers_.erase(e);
        throw std::runtime_error("curl_multi_add_handle failed");
    }
}

void HttpClient::post(const HttpRequest& request, Done done) {
    auto t = std::make_unique<Transfer>();
    t->body = request.body;
    t->done = std::move(done);
    for (const auto& h : request.headers) t->headers = api().slist_append(t->headers, h.c_str());
    prepare(*t, request.url, request.timeout);
    CURL* e = t->easy;
    api().easy_setopt(e, CURLOPT_POST, 1L);
    api().easy_setopt(e, CURLOPT_POSTFIELDS, t->body.data());
    api().easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
    launch(std::move(t));
}

void HttpClient::get(const HttpGet& request, Done done) {
    auto t = std::make_unique<Transfer>();
    t->done = std::move(done);
    t->whole = true;
    t->max_bytes = request.max_bytes;
    if (!request.if_none_match.empty()) t->headers = api().slist_append(t->headers, ("If-None-Match: " + request.if_none_match).c_str());
    if (!request.if_modified_since.empty())
        t->headers = api().slist_append(t->headers, ("If-Modified-Since: " + request.if_modified_since).c_str());
    prepare(*t, request.url, request.timeout);
    CURL* e = t->easy;
    api().easy_setopt(e, CURLOPT_HTTPGET, 1L);
    api().easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    api().easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    api().easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    api().easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");   // gzip and the like, bounded by max_bytes once decoded
    api().easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_bytes));
    api().easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    api().easy_setopt(e, CURLOPT_HEADERFUNCTION, +[](char* data, size_t size, size_t n, void* user) -> size_t {
        auto* t = static_cast<Transfer*>(user);
        const std::string_view line(data, size * n);
        if (line.rfind("HTTP/", 0) == 0) {   // a new response (after a redirect): its own validators
            t->etag.clear();
            t->last_modified.clear();
        } else if (auto v = header_value(line, "etag")) {
            t->etag = *v;
        } else if (auto v = header_value(line, "last-modified")) {
            t->last_modified = *v;
        }
        return size * n;
    });
    launch(std::move(t));
}

}  // namespace banjo::curl
