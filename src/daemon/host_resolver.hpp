// SPDX-License-Identifier: GPL-2.0-or-later
// Resolves host names of ignore lists off the event loop: getaddrinfo(3) in one worker thread
// (it blocks for as long as the resolver takes; the loop never waits for it), answers handed
// back through an eventfd the loop watches. getaddrinfo gives no TTL (nor does systemd-resolved's
// ResolveHostname; only ResolveRecord's raw records carry one), so the owner asks again on a
// fixed interval (ignore_host_refresh). The worker blocks every signal, so SIGTERM and
// SIGHUP still reach the loop's signalfd. The worker is detached: a destroyed resolver never
// waits for a lookup in flight, whose answer is then dropped.
#pragma once

#include "core/address.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace banjo {

// How often every name is resolved again (getaddrinfo reports no TTL to follow).
inline constexpr std::chrono::minutes ignore_host_refresh{5};

class HostResolver {
public:
    struct Answer {
        std::string name;
        std::vector<Address> addresses;   // empty with `error` set when resolving failed
        std::string error;
    };

    HostResolver();
    ~HostResolver();
    HostResolver(const HostResolver&) = delete;
    HostResolver& operator=(const HostResolver&) = delete;

    // Queues NAME (once, if already queued). Thread: the loop's.
    void resolve(const std::string& name);
    // Readable when answers wait; take() clears it.
    int fd() const noexcept;
    std::vector<Answer> take();

private:
    struct Shared;
    std::shared_ptr<Shared> shared_;
};

// One blocking lookup (the worker's, and --replay's): every address of NAME, IPv4 and IPv6.
HostResolver::Answer resolve_host_now(const std::string& name);

}  // namespace banjo
