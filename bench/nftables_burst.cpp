// SPDX-License-Identifier: GPL-2.0-or-later
// Times NftablesBackend at scale against the kernel, inside the network namespace that
// bench/nftables-burst creates (never the host's ruleset). For each size N (IPv6 addresses
// from 2001:db8::/32, one hour bans):
//   burst    N bans given in one loop iteration, until the kernel holds them all
//   one      one more ban into the set of N
//   restart  a new backend (a banjod start) with the same N bans: dump, diff, nothing to write
//   refill   the table deleted (nft delete table inet banjo) and a new backend: N bans back
// Prints one line per size. Usage: nftables_burst N...
#include "firewall/nftables_backend.hpp"
#include "lib/sd/event.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
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

NftablesOptions quiet() {
    NftablesOptions o;
    o.log = [](int priority, std::string_view message) {
        if (priority <= 4) std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
    };
    return o;
}

// Seconds from `start` until the backend is idle and ready.
double settle(sd::Event& loop, NftablesBackend& b, Clock::time_point start) {
    while (!(b.idle() && b.state() == BackendState::ready)) loop.run_once(std::chrono::milliseconds(100));
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::printf("%10s %10s %10s %10s %10s %14s\n", "bans", "burst s", "one s", "restart s", "refill s", "transactions");
    for (int a = 1; a < argc; ++a) {
        const std::size_t n = std::strtoull(argv[a], nullptr, 10);
        if (std::system("nft delete table inet banjo 2>/dev/null")) {}
        const auto all = targets(n + 1);
        double burst = 0, one = 0, restart = 0, refill = 0;
        std::uint64_t transactions = 0;
        {
            sd::Event loop = sd::Event::create();
            NftablesBackend b(loop, quiet());
            settle(loop, b, Clock::now());
            const auto before = b.counters().transactions;
            auto start = Clock::now();
            for (std::size_t i = 0; i < n; ++i) b.add(all[i]);
            burst = settle(loop, b, start);
            transactions = b.counters().transactions - before;
            start = Clock::now();
            b.add(all[n]);
            one = settle(loop, b, start);
        }
        {
            sd::Event loop = sd::Event::create();
            auto start = Clock::now();
            NftablesBackend b(loop, quiet());
            for (std::size_t i = 0; i <= n; ++i) b.add(all[i]);
            restart = settle(loop, b, start);
            if (b.counters().elements_added != 0) std::fprintf(stderr, "restart wrote %llu elements\n",
                                                               static_cast<unsigned long long>(b.counters().elements_added));
        }
        if (std::system("nft delete table inet banjo")) return 1;
        {
            sd::Event loop = sd::Event::create();
            auto start = Clock::now();
            NftablesBackend b(loop, quiet());
            for (std::size_t i = 0; i <= n; ++i) b.add(all[i]);
            refill = settle(loop, b, start);
        }
        std::printf("%10zu %10.3f %10.3f %10.3f %10.3f %14llu\n", n, burst, one, restart, refill,
                    static_cast<unsigned long long>(transactions));
        std::fflush(stdout);
    }
    return 0;
}
