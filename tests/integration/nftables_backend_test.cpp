// SPDX-License-Identifier: GPL-2.0-or-later
// NftablesBackend against the real kernel, inside a network namespace of the test's own
// (nftables_backend_test.sh runs this binary under `ip netns exec`, so every table, element
// and `nft` call below lives in that namespace, never in the host's ruleset). The backend runs
// in an sd-event loop as in banjod. Assertions read the kernel through the nft command, an
// independent reader. The cases run in file order and share the namespace: each starts its
// own backend, as a banjod start would.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "firewall/nftables_backend.hpp"
#include "lib/sd/event.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <vector>

using namespace banjo;
using namespace std::chrono_literals;

namespace {

// Runs a shell command in the namespace; its stdout, and its exit status in `status`.
std::string run(const std::string& command, int* status = nullptr) {
    std::string output;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[65536];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    const int s = pclose(pipe);
    if (status) *status = WIFEXITED(s) ? WEXITSTATUS(s) : -1;
    else REQUIRE_MESSAGE(s == 0, command << " failed: " << output);
    return output;
}

std::string nft_list(const std::string& what) { return run("nft list " + what); }

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

Usec wall_now() { return std::chrono::duration_cast<Usec>(std::chrono::system_clock::now().time_since_epoch()); }

struct Loop {
    sd::Event loop = sd::Event::create();
    std::vector<std::string> warnings, messages;

    NftablesOptions options() {
        NftablesOptions o;
        o.log = [this](int priority, std::string_view message) {
            if (priority <= 4) warnings.emplace_back(message);
            messages.emplace_back(message);
            MESSAGE(std::string(message));
        };
        return o;
    }
    template <typename P>
    bool run_until(P done, std::chrono::seconds timeout = 20s) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            loop.run_once(100ms);
        }
        return true;
    }
    bool settle(NftablesBackend& b) {
        return run_until([&] { return b.idle() && b.state() == BackendState::ready; });
    }
};

BanTarget target(const std::string& address, Usec expires = infinite_usec, const char* jail = "sshd",
                 std::vector<std::string> ports = {}) {
    auto parsed = Address::parse(address);
    REQUIRE(parsed.has_value());
    return BanTarget{*parsed, jail, std::move(ports), expires};
}

std::string v6(unsigned n) {
    char text[48];
    std::snprintf(text, sizeof text, "2001:db8:1::%x:%x", n / 65536, n % 65536);
    return Address::parse(text)->to_string();
}

}  // namespace

TEST_CASE("a first start creates table inet banjo: both families' sets, input and forward chains") {
    REQUIRE_MESSAGE(!contains(run("nft list tables"), "inet banjo"), "the namespace must start empty");
    Loop l;
    NftablesBackend backend(l.loop, l.options());
    REQUIRE(l.settle(backend));
    CHECK(backend.name() == "nftables");
    const std::string table = nft_list("table inet banjo");
    CHECK(contains(table, "set banjo4 {\n\t\ttype ipv4_addr\n\t\tflags interval,timeout"));
    CHECK(contains(table, "set banjo6 {\n\t\ttype ipv6_addr\n\t\tflags interval,timeout"));
    CHECK(contains(table, "type filter hook input priority filter - 10; policy accept;"));
    CHECK(contains(table, "type filter hook forward priority filter - 10; policy accept;"));
    CHECK(contains(table, "ip saddr @banjo4 drop"));
    CHECK(contains(table, "ip6 saddr @banjo6 drop"));
}

TEST_CASE("bans become elements with the ban's end as kernel timeout; unbans delete them") {
    Loop l;
    NftablesBackend backend(l.loop, l.options());
    backend.add(target("198.51.100.7", wall_now() + Usec(3'600'000'000)));
    backend.add(target("2001:DB8:0:0::7"));   // permanent: no timeout
    REQUIRE(l.settle(backend));
    const std::string v4 = nft_list("set inet banjo banjo4");
    CHECK(contains(v4, "198.51.100.7 timeout 1h"));   // 1h + 2 s slack, printed as 1h2s
    CHECK(contains(nft_list("set inet banjo banjo6"), "2001:db8::7"));
    CHECK_FALSE(contains(nft_list("set inet banjo banjo6"), "2001:db8::7 timeout"));

    backend.remove(target("198.51.100.7"));
    backend.remove(target("2001:db8::7"));
    REQUIRE(l.settle(backend));
    CHECK_FALSE(contains(nft_list("set inet banjo banjo4"), "198.51.100.7"));
    CHECK_FALSE(contains(nft_list("set inet banjo banjo6"), "2001:db8::7"));
}

TEST_CASE("an address two jails ban stays until both lifted it") {
    Loop l;
    NftablesBackend backend(l.loop, l.options());
    backend.add(target("198.51.100.8", infinite_usec, "sshd"));
    backend.add(target("198.51.100.8", infinite_usec, "recidive"));
    backend.remove(target("198.51.100.8", infinite_usec, "sshd"));
    REQUIRE(l.settle(backend));
    CHECK(contains(nft_list("set inet banjo banjo4"), "198.51.100.8"));
    backend.remove(target("198.51.100.8", infinite_usec, "recidive"));
    REQUIRE(l.settle(backend));
    CHECK_FALSE(contains(nft_list("set inet banjo banjo4"), "198.51.100.8"));
}

TEST_CASE("a burst of bans in one loop iteration is one transaction") {
    Loop l;
    NftablesBackend backend(l.loop, l.options());
    REQUIRE(l.settle(backend));
    const auto before = backend.counters().transactions;
    const Usec end = wall_now() + Usec(3'600'000'000);
    for (unsigned i = 0; i < 5000; ++i) backend.add(target(v6(i), end));
    REQUIRE(l.settle(backend));
    CHECK(backend.counters().transactions == before + 1);
    CHECK(occurrences(nft_list("set inet banjo banjo6"), "2001:db8:1::") == 5000);
    for (unsigned i = 0; i < 5000; ++i) backend.remove(target(v6(i)));
    REQUIRE(l.settle(backend));
    CHECK(backend.counters().transactions == before + 2);
    CHECK(occurrences(nft_list("set inet banjo banjo6"), "2001:db8:1::") == 0);
}

TEST_CASE("a port-limited jail gets its own sets and rules matching the port before and after DNAT") {
    Loop l;
    NftablesBackend backend(l.loop, l.options());
    backend.prepare_jail("web", JailBlocking{{"http", "8443/tcp", "5000-5010/udp"}, BlockAction::drop, {}});
    backend.add(target("203.0.113.20", infinite_usec, "web", {"http", "8443/tcp", "5000-5010/udp"}));
    REQUIRE(l.settle(backend));
    const std::string chain = nft_list("chain inet banjo bans");
    CHECK(contains(chain, "ip saddr @banjo-web4 tcp dport { 80, 8443 } drop"));
    CHECK(contains(chain, "ip saddr @banjo-web4 meta l4proto tcp ct original proto-dst 80 drop"));
    CHECK(contains(chain, "ip saddr @banjo-web4 meta l4proto tcp ct original proto-dst 8443 drop"));
    CHECK(contains(chain, "ip saddr @banjo-web4 udp dport 5000-5010 drop"));
    CHECK(contains(nft_list("set inet banjo banjo-web4"), "203.0.113.20"));
    CHECK_FALSE(contains(nft_list("set inet banjo banjo4"), "203.0.113.20"));
}

TEST_CASE("the kernel ends a ban by its timeout while no backend runs") {
    {
        Loop l;
        NftablesBackend backend(l.loop, l.options());
        backend.add(target("198.51.100.9", wall_now() + Usec(1'000'000)));
        REQUIRE(l.settle(backend));
        const std::string listed = nft_list("set inet banjo banjo4");
        CHECK_MESSAGE(contains(listed, "198.51.100.9 timeout "), listed);   // 1 s + the 2 s slack
    }   // banjod stops: nobody is left to remove it
    // The expiry itself is the event awaited: the kernel lists the element until it ends.
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (contains(nft_list("set inet banjo banjo4"), "198.51.100.9") && std::chrono::steady_clock::now() < deadline)
        run("sleep 0.2");
    CHECK_FALSE(contains(nft_list("set inet banjo banjo4"), "198.51.100.9"));
}

TEST_CASE("a start reconciles the kernel's sets with the bans it is given: only the difference is written") {
    const Usec end = wall_now() + Usec(3'600'000'000);
    {
        Loop l;
        NftablesBackend backend(l.loop, l.options());
        for (const char* a : {"198.51.100.30", "198.51.100.31", "198.51.100.32"}) backend.add(target(a, end));
        REQUIRE(l.settle(backend));
    }
    // While banjod is down: someone adds an element and deletes one of banjo's.
    run("nft add element inet banjo banjo4 '{ 203.0.113.99 }'");
    run("nft delete element inet banjo banjo4 '{ 198.51.100.32 }'");
    Loop l;
    NftablesBackend backend(l.loop, l.options());
    for (const char* a : {"198.51.100.30", "198.51.100.31", "198.51.100.32"}) backend.add(target(a, end));
    REQUIRE(l.settle(backend));
    CHECK(backend.counters().elements_added == 1);     // .32 only: .30 and .31 were kept
    CHECK(backend.counters().elements_removed == 1);   // the foreign 203.0.113.99
    const std::string set = nft_list("set inet banjo banjo4");
    for (const char* a : {"198.51.100.30", "198.51.100.31", "198.51.100.32"}) CHECK(contains(set, a));
    CHECK_FALSE(contains(set, "203.0.113.99"));
}

TEST_CASE("a start past the full-read limit looks banjo's networks up one by one: only the difference is written") {
    const Usec end = wall_now() + Usec(3'600'000'000);
    const auto bans = [&] {
        std::vector<BanTarget> out;
        for (const char* a : {"198.51.100.40", "198.51.100.41", "198.51.100.42"}) out.push_back(target(a, end));
        // A prefix, and an address at its first key that it stands for (not written itself):
        // the lookup of that address finds the prefix's start, which must not count as it.
        out.push_back(BanTarget{*Cidr::parse("203.0.113.0/24"), "sshd", {}, end});
        out.push_back(target("203.0.113.0", end, "recidive"));
        return out;
    }();
    run("nft delete table inet banjo 2>/dev/null || true");
    {
        Loop l;
        auto options = l.options();
        options.full_read_limit = 1;
        NftablesBackend backend(l.loop, options);
        for (const auto& b : bans) backend.add(b);
        REQUIRE(l.settle(backend));
        CHECK(backend.counters().elements_added == 4);
    }
    // While banjod is down: one of banjo's elements is deleted, one foreign added.
    run("nft delete element inet banjo banjo4 '{ 198.51.100.42 }'");
    run("nft add element inet banjo banjo4 '{ 198.51.100.99 }'");
    Loop l;
    auto options = l.options();
    options.full_read_limit = 1;
    NftablesBackend backend(l.loop, options);
    for (const auto& b : bans) backend.add(b);
    REQUIRE(l.settle(backend));
    CHECK(backend.counters().lookup_reads >= 1);
    CHECK(backend.counters().failed_transactions == 0);
    CHECK(backend.counters().elements_added == 1);     // .42; the others were found in place
    CHECK(backend.counters().elements_removed == 0);   // lookups do not see the foreign element
    const std::string set = nft_list("set inet banjo banjo4");
    for (const char* a : {"198.51.100.40", "198.51.100.41", "198.51.100.42", "203.0.113.0/24"}) CHECK(contains(set, a));
    CHECK(contains(set, "198.51.100.99"));
}

TEST_CASE("past the full-read limit, an interval someone put across banjo's is found by a whole read after the refused write") {
    const Usec end = wall_now() + Usec(3'600'000'000);
    run("nft delete table inet banjo 2>/dev/null || true");
    const std::vector<const char*> addresses{"198.51.100.50", "198.51.100.51", "198.51.100.52"};
    {
        Loop l;
        auto options = l.options();
        options.full_read_limit = 1;
        NftablesBackend backend(l.loop, options);
        for (const char* a : addresses) backend.add(target(a, end));
        REQUIRE(l.settle(backend));
    }
    // While banjod is down: two of banjo's addresses replaced by one /31 without a timeout.
    run("nft delete element inet banjo banjo4 '{ 198.51.100.50, 198.51.100.51 }'");
    run("nft add element inet banjo banjo4 '{ 198.51.100.50/31 }'");
    Loop l;
    auto options = l.options();
    options.full_read_limit = 1;
    NftablesBackend backend(l.loop, options);
    for (const char* a : addresses) backend.add(target(a, end));
    REQUIRE(l.settle(backend));
    // The lookups cannot tell the /31 from banjo's own: the kernel refuses the write, and the
    // read after it is a dump, which finds the /31 and replaces it.
    CHECK(backend.counters().failed_transactions >= 1);
    CHECK(backend.counters().lookup_reads == 1);   // the read after the refusal was whole
    const std::string set = nft_list("set inet banjo banjo4");
    CHECK_FALSE(contains(set, "198.51.100.50/31"));
    for (const char* a : addresses) CHECK(contains(set, a));
}

TEST_CASE("a deleted table is noticed through nf_tables notifications and put back at once") {
    Loop l;
    NftablesBackend backend(l.loop, l.options());
    backend.add(target("198.51.100.40", wall_now() + Usec(3'600'000'000)));
    backend.add(target("2001:db8::40"));
    REQUIRE(l.settle(backend));

    run("nft flush ruleset");   // what Debian's nftables.service does on start and restart
    // The restore is driven by the notification, not a timer: wait for the backend to say so.
    REQUIRE(l.run_until([&] { return backend.counters().restores == 1 && backend.idle(); }));
    CHECK(contains(nft_list("set inet banjo banjo4"), "198.51.100.40 timeout"));
    CHECK(contains(nft_list("set inet banjo banjo6"), "2001:db8::40"));
    CHECK(contains(nft_list("chain inet banjo input"), "jump bans"));
    bool logged = false;
    for (const auto& w : l.warnings) logged |= contains(w, "changed by nft (pid");
    CHECK(logged);

    run("nft delete table inet banjo");
    REQUIRE(l.run_until([&] { return backend.counters().restores == 2 && backend.idle(); }));
    CHECK(contains(nft_list("set inet banjo banjo4"), "198.51.100.40"));

    run("nft flush chain inet banjo bans");   // a rule gone is a ban gone
    REQUIRE(l.run_until([&] { return backend.counters().restores == 3 && backend.idle(); }));
    CHECK(contains(nft_list("chain inet banjo bans"), "ip saddr @banjo4 drop"));
}

TEST_CASE("changes of other tables are not mistaken for changes of banjo's") {
    Loop l;
    NftablesBackend backend(l.loop, l.options());
    backend.add(target("198.51.100.41"));
    REQUIRE(l.settle(backend));
    const auto writes = backend.counters().schema_writes;
    run("nft add table inet other");
    run("nft add chain inet other input '{ type filter hook input priority 0; }'");
    run("nft delete table inet other");
    // A later change to banjo's table is the positive event that shows the earlier ones were read.
    run("nft delete element inet banjo banjo4 '{ 198.51.100.41 }'");
    REQUIRE(l.run_until([&] { return backend.counters().restores == 1 && backend.idle(); }));
    CHECK(backend.counters().schema_writes == writes + 1);
    // banjod's own rebuild is not taken for another change (it would rebuild forever).
    run("nft add table inet other2 && nft delete table inet other2");
    run("nft delete element inet banjo banjo4 '{ 198.51.100.41 }'");
    REQUIRE(l.run_until([&] { return backend.counters().restores == 2 && backend.idle(); }));
    CHECK(backend.counters().schema_writes == writes + 2);
    for (const auto& m : l.messages)
        if (contains(m, "changed by")) CHECK_MESSAGE(contains(m, "changed by nft (pid"), m);
    CHECK(contains(nft_list("set inet banjo banjo4"), "198.51.100.41"));
}

TEST_CASE("without CAP_NET_ADMIN the backend is degraded and says what it needs") {
    Loop l;
    NftablesBackend backend(l.loop, l.options());
    backend.add(target("198.51.100.50"));
    REQUIRE(l.run_until([&] { return backend.state() != BackendState::unavailable; }));
    CHECK(backend.state() == BackendState::degraded);
    CHECK(contains(backend.state_detail(), "lacks CAP_NET_ADMIN"));
}
