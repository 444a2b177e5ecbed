// SPDX-License-Identifier: GPL-2.0-or-later
// FirewalldBackend against a real firewalld 1.3 that runs in a network namespace on a private
// system bus (started by firewalld_backend_test.sh through lib/sandbox.sh, first with an empty
// configuration). The backend runs in an sd-event loop as in banjod; the assertions read what
// firewalld reports over D-Bus and what nft shows inside the namespace. Each case starts its own
// backend, as a banjod start would, and first brings firewalld into the state it needs
// (restarting it with another configuration only when it is not in that state already), so
// every case also runs alone (-tc=NAME).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "firewall/firewalld_backend.hpp"
#include "lib/sd/event.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

using namespace banjo;
using namespace std::chrono_literals;

namespace {

const std::string fw_bus = "org.fedoraproject.FirewallD1";
const std::string fw_path = "/org/fedoraproject/FirewallD1";
const std::string fw_iface = "org.fedoraproject.FirewallD1";
const std::string config_path = "/org/fedoraproject/FirewallD1/config";

// Runs a sandbox.sh command; returns its stdout.
std::string sandbox(const std::string& command) {
    const char* script = std::getenv("BANJO_SANDBOX");
    REQUIRE_MESSAGE(script != nullptr, "run through firewalld_backend_test.sh");
    std::string output;
    FILE* pipe = popen((std::string(script) + " " + command).c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
        output.append(buffer, n);
    REQUIRE_MESSAGE(pclose(pipe) == 0, "sandbox.sh " << command << " failed");
    return output;
}

std::size_t occurrences(const std::string& path, const std::string& needle) {
    std::ifstream file(path);
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++count;
    return count;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// The test's own view of firewalld: blocking calls on a connection of its own.
struct Firewalld {
    std::unique_ptr<sdbus::IConnection> bus = sdbus::createSystemBusConnection();

    template <typename... Out, typename... In>
    void call(const std::string& path, const std::string& iface, const std::string& method,
              std::tuple<Out&...> out, const In&... in) {
        auto proxy = sdbus::createProxy(*bus, fw_bus, path);
        auto message = proxy->createMethodCall(iface, method);
        static_cast<void>((message << ... << in));
        auto reply = proxy->callMethod(message, std::chrono::microseconds(60s).count());
        std::apply([&](auto&... o) { static_cast<void>((reply >> ... >> o)); }, out);
    }
    std::vector<std::string> entries(const std::string& ipset) {
        std::vector<std::string> result;
        call(fw_path, fw_iface + ".ipset", "getEntries", std::tie(result), ipset);
        std::sort(result.begin(), result.end());
        return result;
    }
    std::vector<std::string> runtime_ipsets() {
        std::vector<std::string> result;
        call(fw_path, fw_iface + ".ipset", "getIPSets", std::tie(result));
        return result;
    }
    std::vector<std::string> permanent_ipsets() {
        std::vector<std::string> result;
        call(config_path, fw_iface + ".config", "getIPSetNames", std::tie(result));
        return result;
    }
    std::string permanent_zone_of(const std::string& source) {
        std::string zone;
        call(config_path, fw_iface + ".config", "getZoneOfSource", std::tie(zone), source);
        return zone;
    }
    std::string runtime_zone_of(const std::string& source) {
        std::string zone;
        call(fw_path, fw_iface + ".zone", "getZoneOfSource", std::tie(zone), source);
        return zone;
    }
    bool has_rich_rule(const std::string& zone, const std::string& rule) {
        bool present = false;
        call(fw_path, fw_iface + ".zone", "queryRichRule", std::tie(present), zone, rule);
        return present;
    }
    void add_entry(const std::string& ipset, const std::string& entry) {
        call(fw_path, fw_iface + ".ipset", "addEntry", std::tie(), ipset, entry);
    }
    void reload() { call(fw_path, fw_iface, "reload", std::tie()); }
    void set_default_zone(const std::string& zone) { call(fw_path, fw_iface, "setDefaultZone", std::tie(), zone); }
};

// firewalld as a fresh install leaves it: no ipsets of banjo's.
void firewalld_without_banjo() {
    if (has(Firewalld().permanent_ipsets(), "banjo4")) {
        sandbox("firewalld-stop");
        sandbox("firewalld-start --empty");
    }
}

// firewalld with banjo's ipsets in force, as after installing banjo's XML and a reload.
void firewalld_ready_for_banjo() {
    if (!has(Firewalld().runtime_ipsets(), "banjo4")) {
        sandbox("firewalld-stop");
        sandbox("firewalld-start --with-banjo");
    }
}

// banjod's arrangement: one loop, one bus connection attached to it.
struct Daemon {
    sd::Event loop = sd::Event::create();
    std::unique_ptr<sdbus::IConnection> bus = sdbus::createSystemBusConnection();
    sd::BusAttachment attached = sd::attach_bus(loop.get(), *bus);

    template <typename P>
    bool run_until(P done, std::chrono::seconds timeout = 30s) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline)
                return false;
            loop.run_once(100ms);
        }
        return true;
    }
    bool settle(FirewalldBackend& backend, BackendState state, std::chrono::seconds timeout = 30s) {
        return run_until([&] { return backend.idle() && backend.state() == state; }, timeout);
    }
};

FirewalldOptions quiet(bool allow_reload = false) {
    FirewalldOptions options;
    options.allow_reload = allow_reload;
    options.log = [](int priority, std::string_view message) {
        if (priority <= 4)
            MESSAGE(std::string(message));
    };
    return options;
}

BanTarget target(const char* address, const char* jail = "sshd", std::vector<std::string> ports = {}) {
    auto parsed = Address::parse(address);
    REQUIRE(parsed.has_value());
    return BanTarget{*parsed, jail, std::move(ports)};
}

// Distinct documentation addresses; canonical form (what firewalld must end up holding).
std::string v6(unsigned n) {
    char text[48];
    std::snprintf(text, sizeof text, "2001:db8:b00:%x:0:0:0:%x", n / 256, n % 256 + 1);
    return Address::parse(text)->to_string();
}

}  // namespace

TEST_CASE("missing ipsets are created permanently and the administrator is told to reload") {
    firewalld_without_banjo();
    Firewalld fw;
    Daemon d;
    REQUIRE_FALSE(has(fw.permanent_ipsets(), "banjo4"));
    FirewalldBackend backend(*d.bus, d.loop, quiet());
    backend.add(target("203.0.113.10"));
    REQUIRE(d.settle(backend, BackendState::degraded));
    CHECK(backend.state_detail().find("run firewall-cmd --reload to activate the banjo ipsets") != std::string::npos);
    CHECK(has(fw.permanent_ipsets(), "banjo4"));
    CHECK(has(fw.permanent_ipsets(), "banjo6"));
    CHECK(fw.permanent_zone_of("ipset:banjo4") == "drop");
    CHECK(fw.permanent_zone_of("ipset:banjo6") == "drop");
    CHECK_FALSE(has(fw.runtime_ipsets(), "banjo4"));
    CHECK(backend.counters().reloads == 0);

    fw.reload();   // what the administrator does
    REQUIRE(d.run_until([&] { return backend.idle() && backend.state() == BackendState::ready; }));
    CHECK(fw.entries("banjo4") == std::vector<std::string>{"203.0.113.10"});
    CHECK(fw.runtime_zone_of("ipset:banjo4") == "drop");
    CHECK(sandbox("nft list set inet firewalld banjo4").find("203.0.113.10") != std::string::npos);
    CHECK(sandbox("nft list chain inet firewalld filter_INPUT_ZONES").find("ip saddr @banjo4 goto filter_IN_drop") !=
          std::string::npos);
}

TEST_CASE("IPv4 and IPv6 bans reach firewalld in canonical form and unbans remove them") {
    firewalld_ready_for_banjo();
    Firewalld fw;
    fw.add_entry("banjo4", "203.0.113.99");   // left by an earlier banjod
    Daemon d;
    FirewalldBackend backend(*d.bus, d.loop, quiet());
    backend.add(target("198.51.100.7"));
    backend.add(target("2001:DB8:0:0::7"));   // firewalld would store this text as given
    REQUIRE(d.settle(backend, BackendState::ready));
    // A banjod start converges firewalld to its own set: the earlier banjod's entry is gone.
    CHECK(fw.entries("banjo4") == std::vector<std::string>{"198.51.100.7"});
    CHECK(fw.entries("banjo6") == std::vector<std::string>{"2001:db8::7"});
    CHECK(sandbox("nft list set inet firewalld banjo6").find("2001:db8::7") != std::string::npos);

    // The same address banned by two jails stays until both lifted it.
    backend.add(target("198.51.100.8", "sshd"));
    backend.add(target("198.51.100.8", "recidive"));
    backend.remove(target("198.51.100.8", "sshd"));
    REQUIRE(d.settle(backend, BackendState::ready));
    CHECK(has(fw.entries("banjo4"), "198.51.100.8"));
    backend.remove(target("198.51.100.8", "recidive"));
    backend.remove(target("198.51.100.7"));
    backend.remove(target("2001:db8::7"));
    REQUIRE(d.settle(backend, BackendState::ready));
    CHECK(fw.entries("banjo4").empty());
    CHECK(fw.entries("banjo6").empty());
    CHECK(sandbox("nft list set inet firewalld banjo4").find("198.51.100.") == std::string::npos);
    CHECK(backend.counters().add_entry >= 3);   // small changes go one by one
    CHECK(backend.counters().set_entries == 0);
    CHECK(backend.counters().failed_calls == 0);
}

TEST_CASE("a burst of 2000 bans is coalesced into a few setEntries calls") {
    firewalld_ready_for_banjo();
    Firewalld fw;
    Daemon d;
    FirewalldBackend backend(*d.bus, d.loop, quiet());
    REQUIRE(d.settle(backend, BackendState::ready));
    auto before = backend.counters();
    const char* dir = std::getenv("BANJO_SANDBOX_DIR");
    REQUIRE(dir != nullptr);
    const std::string calls_file = std::string(dir) + "/burst-calls.txt";
    sandbox("monitor-start " + calls_file);   // what reaches the bus, not what the backend thinks it sent
    auto start = std::chrono::steady_clock::now();
    for (unsigned i = 0; i < 500; ++i)
        backend.add(target(("198.51.100." + std::to_string(i % 250 + 1)).c_str(), i < 250 ? "a" : "b"));
    // Bans arriving over many loop iterations, as journal chunks do: they must pile up while
    // calls are in flight instead of going out one by one.
    for (unsigned i = 0; i < 2000; ++i) {
        if (i % 100 == 0)
            d.loop.run_once(0us);
        backend.add(target(v6(i).c_str()));
    }
    REQUIRE(d.settle(backend, BackendState::ready, 60s));
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto after = backend.counters();
    auto set_calls = after.set_entries - before.set_entries;
    auto add_calls = after.add_entry - before.add_entry;
    MESSAGE("2250 bans (2000 IPv6) applied in " << seconds << " s with " << set_calls << " setEntries and "
                                                 << add_calls << " addEntry calls");
    CHECK(set_calls >= 1);
    CHECK(set_calls + add_calls <= 40);
    sandbox("monitor-stop");
    CHECK(occurrences(calls_file, "Member=setEntries") == set_calls);
    CHECK(occurrences(calls_file, "Member=addEntry") == add_calls);

    CHECK(fw.entries("banjo4").size() == 250);
    CHECK(fw.entries("banjo6").size() == 2000);
    CHECK(has(fw.entries("banjo6"), v6(1999)));
    auto nft = sandbox("nft list set inet firewalld banjo6");
    CHECK(nft.find(v6(0)) != std::string::npos);
    CHECK(nft.find(v6(1999)) != std::string::npos);
}

TEST_CASE("after a firewalld reload the bans are applied again") {
    firewalld_ready_for_banjo();
    Firewalld fw;
    Daemon d;
    FirewalldBackend backend(*d.bus, d.loop, quiet());
    std::vector<BackendState> seen;
    backend.on_state_changed = [&](BackendState s) { seen.push_back(s); };
    backend.add(target("203.0.113.30"));
    backend.add(target("2001:db8::30"));
    REQUIRE(d.settle(backend, BackendState::ready, 60s));   // also clears what earlier cases left
    REQUIRE(fw.entries("banjo4") == std::vector<std::string>{"203.0.113.30"});
    seen.clear();

    fw.reload();
    CHECK(fw.entries("banjo4").empty());   // what a reload does to runtime entries
    REQUIRE(d.run_until([&] { return !seen.empty() && backend.idle() && backend.state() == BackendState::ready; }));
    CHECK(seen.front() == BackendState::unavailable);
    CHECK(fw.entries("banjo4") == std::vector<std::string>{"203.0.113.30"});
    CHECK(fw.entries("banjo6") == std::vector<std::string>{"2001:db8::30"});
    CHECK(sandbox("nft list set inet firewalld banjo4").find("203.0.113.30") != std::string::npos);
}

TEST_CASE("while firewalld is gone the backend is unavailable, and its bans return with it") {
    firewalld_ready_for_banjo();
    Firewalld fw;
    Daemon d;
    FirewalldBackend backend(*d.bus, d.loop, quiet());
    backend.add(target("203.0.113.40"));
    REQUIRE(d.settle(backend, BackendState::ready));

    sandbox("firewalld-kill");
    REQUIRE(d.run_until([&] { return backend.state() == BackendState::unavailable; }));
    CHECK(backend.state_detail().find("firewalld is not running") != std::string::npos);
    backend.add(target("2001:db8::40"));   // banned while firewalld is away
    d.loop.run_once(0us);

    sandbox("firewalld-start");   // same configuration; comes up with empty ipsets
    REQUIRE(d.settle(backend, BackendState::ready, 60s));
    CHECK(fw.entries("banjo4") == std::vector<std::string>{"203.0.113.40"});
    CHECK(fw.entries("banjo6") == std::vector<std::string>{"2001:db8::40"});
    CHECK(sandbox("nft list set inet firewalld banjo6").find("2001:db8::40") != std::string::npos);
}

TEST_CASE("a jail with ports gets its own ipsets and rich rules; allowed, banjo reloads firewalld") {
    firewalld_ready_for_banjo();
    Firewalld fw;
    Daemon d;
    FirewalldBackend backend(*d.bus, d.loop, quiet(/*allow_reload=*/true));
    std::vector<std::string> ports{"ssh", "2222/tcp"};
    backend.prepare_jail("sshd", JailBlocking{ports, BlockAction::drop, {}});
    backend.add(target("203.0.113.50", "sshd", ports));
    backend.add(target("2001:db8::50", "sshd", ports));
    backend.add(target("203.0.113.51", "recidive"));
    REQUIRE(d.settle(backend, BackendState::ready, 60s));
    CHECK(backend.counters().reloads == 1);
    CHECK(has(fw.runtime_ipsets(), "banjo-sshd4"));
    CHECK(fw.entries("banjo-sshd4") == std::vector<std::string>{"203.0.113.50"});
    CHECK(fw.entries("banjo-sshd6") == std::vector<std::string>{"2001:db8::50"});
    CHECK(fw.entries("banjo4") == std::vector<std::string>{"203.0.113.51"});
    CHECK(fw.has_rich_rule("public", R"(rule family="ipv4" source ipset="banjo-sshd4" service name="ssh" drop)"));
    CHECK(fw.has_rich_rule("public", R"(rule family="ipv6" source ipset="banjo-sshd6" service name="ssh" drop)"));
    CHECK(fw.has_rich_rule("public",
                           R"(rule family="ipv4" source ipset="banjo-sshd4" port port="2222" protocol="tcp" drop)"));
    auto rules = sandbox("nft list ruleset");
    CHECK(rules.find("ip saddr @banjo-sshd4 tcp dport 2222") != std::string::npos);
    CHECK(rules.find("ip6 saddr @banjo-sshd6 tcp dport 22") != std::string::npos);

    // Rules are runtime state too: a reload drops them and the backend adds them again.
    fw.reload();
    REQUIRE(d.run_until([&] {
        return backend.idle() && backend.state() == BackendState::ready && !fw.entries("banjo-sshd4").empty();
    }));
    CHECK(fw.has_rich_rule("public", R"(rule family="ipv4" source ipset="banjo-sshd4" service name="ssh" drop)"));
    CHECK(backend.counters().reloads == 1);

    // The rules follow firewalld's default zone, and a jail's new ports replace its old ones.
    const std::string ssh4 = R"(rule family="ipv4" source ipset="banjo-sshd4" service name="ssh" drop)";
    const std::string port4 = R"(rule family="ipv4" source ipset="banjo-sshd4" port port="2222" protocol="tcp" drop)";
    fw.set_default_zone("home");
    REQUIRE(d.run_until([&] { return backend.idle() && fw.has_rich_rule("home", ssh4); }));
    CHECK_FALSE(fw.has_rich_rule("public", ssh4));
    backend.prepare_jail("sshd", JailBlocking{{"ssh"}, BlockAction::drop, {}});
    REQUIRE(d.run_until([&] { return backend.idle() && !fw.has_rich_rule("home", port4); }));
    CHECK(fw.has_rich_rule("home", ssh4));
    fw.set_default_zone("public");
    REQUIRE(d.run_until([&] { return backend.idle() && fw.has_rich_rule("public", ssh4); }));
    CHECK(backend.state() == BackendState::ready);

    // A jail first seen later (a config reload) gets its ipsets the same way: one more reload.
    backend.add(target("203.0.113.52", "nginx", {"http", "8080-8081/udp"}));
    REQUIRE(d.run_until([&] { return backend.idle() && backend.state() == BackendState::ready; }, 60s));
    CHECK(backend.counters().reloads == 2);
    CHECK(fw.entries("banjo-nginx4") == std::vector<std::string>{"203.0.113.52"});
    CHECK(fw.entries("banjo-sshd4") == std::vector<std::string>{"203.0.113.50"});
    CHECK(fw.has_rich_rule("public",
                           R"(rule family="ipv4" source ipset="banjo-nginx4" port port="8080-8081" protocol="udp" drop)"));
    CHECK(fw.has_rich_rule("public", ssh4));
}

TEST_CASE("what firewalld holds for jails the backend does not have goes, and a forgotten jail stays gone") {
    Firewalld fw;
    Daemon d;
    const std::string ssh4 = R"(rule family="ipv4" source ipset="banjo-sshd4" service name="ssh" drop)";
    const std::string ssh6 = R"(rule family="ipv6" source ipset="banjo-sshd6" service name="ssh" drop)";
    const std::string nginx4 = R"(rule family="ipv4" source ipset="banjo-nginx4" service name="http" drop)";
    // The previous case left jails sshd and nginx in firewalld, as a banjod stopped before its
    // configuration lost jail nginx would.
    REQUIRE(fw.has_rich_rule("public", nginx4));
    REQUIRE_FALSE(fw.entries("banjo-nginx4").empty());
    // A rule of the administrator's over a banjo ipset is not banjo's to remove.
    const std::string admin = R"(rule family="ipv4" source ipset="banjo-nginx4" service name="http" log prefix="seen" drop)";
    std::string zone;
    fw.call(fw_path, fw_iface + ".zone", "addRichRule", std::tie(zone), std::string("public"), admin, 0);

    FirewalldBackend backend(*d.bus, d.loop, quiet(/*allow_reload=*/true));
    const std::vector<std::string> ports{"ssh"};
    backend.prepare_jail("sshd", JailBlocking{ports, BlockAction::drop, {}});
    backend.add(target("203.0.113.50", "sshd", ports));
    backend.add(target("203.0.113.53"));
    REQUIRE(d.run_until([&] {
        return backend.idle() && backend.state() == BackendState::ready && !fw.has_rich_rule("public", nginx4);
    }));
    CHECK(fw.entries("banjo-nginx4").empty());
    CHECK(fw.has_rich_rule("public", admin));
    CHECK(fw.has_rich_rule("public", ssh4));
    CHECK(fw.entries("banjo-sshd4") == std::vector<std::string>{"203.0.113.50"});

    // The jail goes (a reload without it): its bans first, then its rules and entries.
    backend.remove(target("203.0.113.50", "sshd", ports));
    backend.forget_jail("sshd");
    REQUIRE(d.run_until([&] {
        return backend.idle() && !fw.has_rich_rule("public", ssh4) && !fw.has_rich_rule("public", ssh6) &&
               fw.entries("banjo-sshd4").empty();
    }));
    CHECK(backend.state() == BackendState::ready);

    // A firewalld reload: once the remaining ban is back, the forgotten jail's rules have not come back.
    fw.reload();
    REQUIRE(d.run_until([&] {
        return backend.idle() && backend.state() == BackendState::ready && has(fw.entries("banjo4"), "203.0.113.53");
    }));
    CHECK_FALSE(fw.has_rich_rule("public", ssh4));
    CHECK_FALSE(fw.has_rich_rule("public", ssh6));
    CHECK(fw.entries("banjo-sshd4").empty());
    CHECK(sandbox("nft list ruleset").find("@banjo-sshd4") == std::string::npos);
}

TEST_CASE("with the shipped ipset XML firewalld comes up ready for banjo, nothing to create") {
    sandbox("firewalld-stop");
    sandbox("firewalld-start --with-banjo");   // a fresh configuration: the XML and a drop binding
    Firewalld fw;
    Daemon d;
    FirewalldBackend backend(*d.bus, d.loop, quiet());
    backend.add(target("198.51.100.60"));
    REQUIRE(d.settle(backend, BackendState::ready));
    CHECK(backend.state_detail().empty());
    CHECK(fw.entries("banjo4") == std::vector<std::string>{"198.51.100.60"});
    CHECK(fw.runtime_zone_of("ipset:banjo6") == "drop");
    CHECK(sandbox("nft list chain inet firewalld filter_INPUT_ZONES").find("ip6 saddr @banjo6 goto filter_IN_drop") !=
          std::string::npos);
}
