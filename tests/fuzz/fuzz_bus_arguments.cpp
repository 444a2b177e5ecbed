// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target for what a D-Bus caller's arguments go through: the Manager's requests
// (src/daemon/manager_requests.cpp, behind org.banjo1's Ban, Unban, AddIgnore, RemoveIgnore,
// SetEnabled, GetJail, ListBans, ListBanHistory, TestFilter) with any jail name, address, CIDR,
// duration, filter name, mode and log lines, the `t` of Ban decoded as the bus layer does. The Manager runs on a config of two jails, a state store in a
// temp dir, a recording backend and a fixed clock, made afresh for every input.
// Beyond not crashing: a request either succeeds or is refused with an OperationError, nothing
// else; a ban lasts from now to its expiry (permanent for UINT64_MAX), under the address's
// canonical form; an unban lifts it; and after every request the firewall holds exactly the
// bans banjo lists; a filter trial answers one verdict per line and bans nothing; the ban
// history holds every ban made, oldest first.
//
// Input, one request a line: METHOD TAB ARGUMENT...: B jail address duration (decimal),
// U jail address, I jail cidr, R jail cidr, E jail 0|1, G jail, L jail, H since (decimal),
// T filter mode line... (TestFilter).
#include "config/config.hpp"
#include "daemon/manager.hpp"
#include "daemon/operation_error.hpp"
#include "fake_clock.hpp"
#include "state/state_writer.hpp"
#include "recording_backend.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> out;
    while (true) {
        const std::size_t at = text.find(separator);
        out.emplace_back(text.substr(0, at));
        if (at == std::string_view::npos) return out;
        text.remove_prefix(at + 1);
    }
}

constexpr banjo::Usec now{1'700'000'000'000'000};

struct Daemon {
    banjo::test::TempDir dir{"banjo-fuzz-bus"};
    banjo::test::FakeClock clock{now};
    banjo::test::RecordingBackend backend;
    std::optional<banjo::StateWriter> store;
    std::optional<banjo::Manager> manager;

    Daemon() {
        dir.write("filter.d/demo.toml", "failregex = ['bad login from <HOST>']\n");
        dir.write("banjo.toml",
                  "[defaults]\nbantime = \"10m\"\nignore = [\"127.0.0.0/8\", \"::1\"]\nignore-self = false\n"
                  "[defaults.increment]\nenabled = true\n"
                  "[jail.sshd]\nfilter = \"demo\"\n"
                  "[jail.web-1]\nfilter = \"demo\"\nenabled = false\nports = [\"http\"]\n");
        auto load = [this] { return banjo::load_config((dir.dir / "banjo.toml").string(), {(dir.dir / "filter.d").string()}); };
        const std::string state_dir = (dir.dir / "state").string();
        store.emplace(banjo::open_state(state_dir, now), [state_dir](banjo::Usec t) { return banjo::open_state(state_dir, t); }, now);
        manager.emplace(load(), load, banjo::CidrSet{}, *store, backend, clock);
        manager->restore();
        manager->seed_jails();
    }
};

// What the bus layer hands the Manager for Ban's `t`: 0 is the jail's policy.
banjo::Usec ban_duration(std::uint64_t wire) { return wire == 0 ? banjo::Usec(0) : banjo::from_wire_usec(wire); }

void request(banjo::Manager& m, const std::vector<std::string>& a) {
    const std::string& method = a[0];
    if (method == "B" && a.size() >= 4) {
        std::uint64_t wire = 0;
        if (std::from_chars(a[3].data(), a[3].data() + a[3].size(), wire).ec != std::errc()) return;
        const std::uint64_t expires = banjo::to_wire_usec(m.ban(a[1], a[2], ban_duration(wire)));
        const banjo::Address address = *banjo::Address::parse(a[2]);   // ban() accepted it
        require(expires >= banjo::to_wire_usec(now));
        if (wire == UINT64_MAX) require(expires == UINT64_MAX);
        if (wire != 0 && expires != UINT64_MAX) require(expires - banjo::to_wire_usec(now) == wire);
        bool listed = false;
        for (const banjo::Ban& b : m.bans(a[1]))
            listed = listed || (b.address == address && banjo::to_wire_usec(b.expires) == expires);
        require(listed);
    } else if (method == "U") {
        const unsigned removed = m.unban(a[1], a[2]);
        require(removed >= 1);
        const banjo::Address address = *banjo::Address::parse(a[2]);
        for (const banjo::Ban& b : m.bans(a[1])) require(b.address != address);
    } else if (method == "I") {
        m.add_ignore(a[1], a[2]);
        const banjo::Cidr cidr = *banjo::Cidr::parse(a[2]);
        const auto list = m.ignore_list(a[1]);
        require(std::find(list.begin(), list.end(), cidr) != list.end());
    } else if (method == "R") {
        m.remove_ignore(a[1], a[2]);
    } else if (method == "E") {
        m.set_enabled(a[1], a[2] == "1");
        require(m.jail(a[1]).enabled == (a[2] == "1"));
    } else if (method == "G") {
        require(m.jail(a[1]).name == a[1]);
    } else if (method == "L") {
        (void)m.bans(a[1]);
    } else if (method == "H") {
        std::uint64_t since = 0;
        if (std::from_chars(a[1].data(), a[1].data() + a[1].size(), since).ec != std::errc()) return;
        const auto history = m.ban_history(banjo::from_wire_usec(since));
        for (std::size_t i = 1; i < history.size(); ++i) require(history[i - 1].banned_at <= history[i].banned_at);
        for (const auto& b : history) require(b.banned_at >= banjo::from_wire_usec(since));
    } else if (method == "T" && a.size() >= 3) {
        const std::vector<std::string> lines(a.begin() + 3, a.end());
        const std::size_t held = m.bans("").size();
        const auto verdicts = m.test_filter(a[1], a[2], lines);
        require(verdicts.size() == lines.size());
        for (const auto& v : verdicts) {
            require(v.outcome == "failure" || v.outcome == "info" || v.outcome == "forget" || v.outcome == "ignored" ||
                    v.outcome == "no-match");
            require(v.address.empty() || banjo::Address::parse(v.address).has_value());
        }
        require(m.bans("").size() == held);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::string> lines = split(std::string_view(reinterpret_cast<const char*>(data), size), '\n');
    if (lines.size() > 32) return 0;
    Daemon d;
    for (const std::string& line : lines) {
        std::vector<std::string> args = split(line, '\t');
        if (args.size() < 2) continue;
        if (args.size() < 3) args.emplace_back();
        try {
            request(*d.manager, args);
        } catch (const banjo::OperationError&) {
            // A refusal with a reason: what the caller gets as org.banjo1.Error.*.
        }
        // The firewall holds exactly the bans banjo lists, no more, no fewer.
        const std::vector<banjo::Ban> bans = d.manager->bans("");
        require(d.backend.held() == bans.size());
        for (const banjo::Ban& b : bans) require(d.backend.holds(b.jail, b.address));
    }
    d.manager->stop();
    return 0;
}
