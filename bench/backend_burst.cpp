// SPDX-License-Identifier: GPL-2.0-or-later
// Times a firewall backend at scale, inside the sandbox its script makes (bench/nftables-burst:
// a network namespace of its own, never the host's ruleset; bench/firewalld-burst: firewalld in
// a namespace on a private bus). For each size N (IPv6 addresses from 2001:db8::/32, one hour
// bans):
//   burst    N bans given in one loop iteration, until the backend says the firewall holds them
//   one      one more ban into the set of N
//   restart  a new backend (a banjod start) with the same N bans: read the sets, diff, nothing
//            to write (nftables: what it read and wrote goes to stderr)
//   refill   EMPTY_COMMAND run (nftables: the table deleted; firewalld: restarted, its runtime
//            ipsets empty), then a new backend: N bans back
// and the benchmark's anonymous memory (RssAnon) after the burst against before it: what the
// backend holds for N bans. Every wait is bounded (LIMIT_S, default 1800 s: "timeout" then).
// Prints one line per size. Usage: backend_burst nftables|firewalld EMPTY_COMMAND N...
#include "firewall/firewalld_backend.hpp"
#include "firewall/nftables_backend.hpp"
#include "lib/sd/event.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

using namespace banjo;
using Clock = std::chrono::steady_clock;

namespace {

Usec wall_now() { return std::chrono::duration_cast<Usec>(std::chrono::system_clock::now().time_since_epoch()); }

std::vector<BanTarget> targets(std::size_t n) {
    std::vector<BanTarget> out;
    out.reserve(n);
    const Usec end = wall_now() + Usec(3'600'000'000);
    for (std::size_t i = 0; i < n; ++i) {
        std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8, 0, 0xbe, 0, 0, 0, 0, 0, 0,
                                       static_cast<std::uint8_t>(i >> 24), static_cast<std::uint8_t>(i >> 16),
                                       static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)};
        out.push_back(BanTarget{Address::ipv6(b), "sshd", {}, end});
    }
    return out;
}

void warnings_only(int priority, std::string_view message) {
    if (priority <= 4) std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
}

long rss_anon_kb() {
    std::ifstream status("/proc/self/status");
    std::string key;
    long kb = -1;
    while (status >> key) {
        if (key == "RssAnon:") {
            status >> kb;
            break;
        }
        status.ignore(1 << 12, '\n');
    }
    return kb;
}

// banjod's arrangement: one loop; for firewalld one bus connection attached to it.
struct Harness {
    bool firewalld;
    sd::Event loop = sd::Event::create();
    std::unique_ptr<sdbus::IConnection> bus;
    std::unique_ptr<sd::BusAttachment> attached;
    std::unique_ptr<Backend> backend;
    double limit_s;

    Harness(bool use_firewalld, double limit) : firewalld(use_firewalld), limit_s(limit) {
        if (firewalld) {
            bus = sdbus::createSystemBusConnection();
            attached = std::make_unique<sd::BusAttachment>(sd::attach_bus(loop.get(), *bus));
            FirewalldOptions o;
            o.log = warnings_only;
            backend = std::make_unique<FirewalldBackend>(*bus, loop, o);
        } else {
            NftablesOptions o;
            o.log = warnings_only;
            backend = std::make_unique<NftablesBackend>(loop, o);
        }
    }
    bool idle() const {
        return firewalld ? static_cast<FirewalldBackend&>(*backend).idle() : static_cast<NftablesBackend&>(*backend).idle();
    }
    // Seconds from `start` until the backend is idle and ready; negative when LIMIT_S passed.
    double settle(Clock::time_point start) {
        const auto deadline = start + std::chrono::duration<double>(limit_s);
        while (!(idle() && backend->state() == BackendState::ready)) {
            if (Clock::now() > deadline) return -1;
            loop.run_once(std::chrono::milliseconds(100));
        }
        return std::chrono::duration<double>(Clock::now() - start).count();
    }
};

std::string seconds(double s) {
    char text[32];
    if (s < 0) return "timeout";
    std::snprintf(text, sizeof text, "%.3f", s);
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: backend_burst nftables|firewalld EMPTY_COMMAND N...\n");
        return 2;
    }
    const bool firewalld = std::string(argv[1]) == "firewalld";
    const std::string empty_command = argv[2];
    const char* limit_env = std::getenv("LIMIT_S");
    const double limit = limit_env ? std::strtod(limit_env, nullptr) : 1800;
    std::printf("%10s %10s %10s %10s %10s %14s %16s\n", "bans", "burst s", "one s", "restart s", "refill s",
                "calls", "anon kB (burst)");
    for (int a = 3; a < argc; ++a) {
        const std::size_t n = std::strtoull(argv[a], nullptr, 10);
        if (std::system(empty_command.c_str()) != 0) std::fprintf(stderr, "'%s' failed\n", empty_command.c_str());
        const auto all = targets(n + 1);
        double burst = 0, one = 0, restart = 0, refill = 0;
        std::uint64_t calls = 0;
        long anon_before = 0, anon_after = 0;
        {
            Harness h(firewalld, limit);
            h.settle(Clock::now());
            auto count = [&] {
                if (firewalld) {
                    const auto& c = static_cast<FirewalldBackend&>(*h.backend).counters();
                    return c.add_entry + c.set_entries;
                }
                return static_cast<NftablesBackend&>(*h.backend).counters().transactions;
            };
            const auto before = count();
            anon_before = rss_anon_kb();
            auto start = Clock::now();
            for (std::size_t i = 0; i < n; ++i) h.backend->add(all[i]);
            burst = h.settle(start);
            anon_after = rss_anon_kb();
            calls = count() - before;
            start = Clock::now();
            h.backend->add(all[n]);
            one = burst < 0 ? -1 : h.settle(start);
        }
        if (burst >= 0) {
            Harness h(firewalld, limit);
            auto start = Clock::now();
            for (std::size_t i = 0; i <= n; ++i) h.backend->add(all[i]);
            restart = h.settle(start);
            if (!firewalld) {
                const auto& c = static_cast<NftablesBackend&>(*h.backend).counters();
                std::fprintf(stderr, "restart of %zu: %llu set dumps, %llu sets looked up, %llu bans written\n", n + 1,
                             static_cast<unsigned long long>(c.dumps), static_cast<unsigned long long>(c.lookup_reads),
                             static_cast<unsigned long long>(c.elements_added));
            }
        }
        if (burst >= 0 && restart >= 0) {
            if (std::system(empty_command.c_str()) != 0) return 1;
            Harness h(firewalld, limit);
            auto start = Clock::now();
            for (std::size_t i = 0; i <= n; ++i) h.backend->add(all[i]);
            refill = h.settle(start);
        }
        std::printf("%10zu %10s %10s %10s %10s %14llu %16ld\n", n, seconds(burst).c_str(), seconds(one).c_str(),
                    seconds(restart).c_str(), seconds(refill).c_str(), static_cast<unsigned long long>(calls),
                    anon_after - anon_before);
        std::fflush(stdout);
    }
    return 0;
}
