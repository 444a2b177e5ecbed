// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/host_resolver.hpp"

#include "lib/posix/unique_fd.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <mutex>
#include <netdb.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <system_error>
#include <thread>

namespace banjo {

struct HostResolver::Shared {
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::string> queue;
    std::vector<Answer> answers;
    bool stop = false;
    posix::UniqueFd event;
};

HostResolver::Answer resolve_host_now(const std::string& name) {
    HostResolver::Answer answer{name, {}, {}};
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &list);
    if (rc != 0) {
        answer.error = rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc);
        return answer;
    }
    for (addrinfo* ai = list; ai; ai = ai->ai_next) {
        std::array<std::uint8_t, 16> bytes{};
        if (ai->ai_family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
            std::memcpy(bytes.data(), &sin->sin_addr, 4);
            answer.addresses.push_back(Address::from_bytes(Family::ipv4, bytes));
        } else if (ai->ai_family == AF_INET6) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
            std::memcpy(bytes.data(), &sin6->sin6_addr, 16);
            answer.addresses.push_back(Address::from_bytes(Family::ipv6, bytes));
        }
    }
    freeaddrinfo(list);
    std::sort(answer.addresses.begin(), answer.addresses.end());
    answer.addresses.erase(std::unique(answer.addresses.begin(), answer.addresses.end()), answer.addresses.end());
    if (answer.addresses.empty()) answer.error = "no address";
    return answer;
}

HostResolver::HostResolver() : shared_(std::make_shared<Shared>()) {
    shared_->event.reset(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!shared_->event) throw std::system_error(errno, std::generic_category(), "eventfd");
    // Every signal blocked while the thread starts, so it inherits the full mask: signals go to
    // the loop's thread alone.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    std::thread worker([shared = shared_] {
        std::unique_lock lock(shared->mutex);
        for (;;) {
            shared->wake.wait(lock, [&] { return shared->stop || !shared->queue.empty(); });
            if (shared->stop) return;
            std::string name = shared->queue.front();
            lock.unlock();
            Answer answer = resolve_host_now(name);
            lock.lock();
            shared->queue.pop_front();
            if (shared->stop) return;
            shared->answers.push_back(std::move(answer));
            const std::uint64_t one = 1;
            [[maybe_unused]] auto n = ::write(shared->event.get(), &one, sizeof one);
        }
    });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    worker.detach();
}

HostResolver::~HostResolver() {
    std::lock_guard lock(shared_->mutex);
    shared_->stop = true;
    shared_->wake.notify_all();
}

void HostResolver::resolve(const std::string& name) {
    std::lock_guard lock(shared_->mutex);
    // A name queued or in flight (the front) gets that answer.
    if (std::find(shared_->queue.begin(), shared_->queue.end(), name) != shared_->queue.end()) return;
    shared_->queue.push_back(name);
    shared_->wake.notify_all();
}

int HostResolver::fd() const noexcept { return shared_->event.get(); }

std::vector<HostResolver::Answer> HostResolver::take() {
    std::uint64_t count;
    [[maybe_unused]] auto n = ::read(shared_->event.get(), &count, sizeof count);
    std::lock_guard lock(shared_->mutex);
    return std::exchange(shared_->answers, {});
}

}  // namespace banjo
