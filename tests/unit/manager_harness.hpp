// SPDX-License-Identifier: GPL-2.0-or-later
// banjod's logic without its loop, bus or journal: a Manager on a configuration written into a
// temp dir, a real state store there (behind a switchboard that makes it fail on demand), a
// recording backend and a clock the test sets. Failures go through the jail's filter and
// counting as the journal follower would hand them over.
#pragma once

#include "config/config.hpp"
#include "daemon/manager.hpp"
#include "failing_store.hpp"
#include "fake_clock.hpp"
#include "recording_backend.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

namespace banjo::test {

using namespace std::chrono_literals;

// 2023-11-14 22:13:20 UTC: any wall-clock time will do, as long as it is the same everywhere.
inline constexpr Usec t0 = std::chrono::seconds(1'700'000'000);

inline Address address(const char* text) {
    auto a = Address::parse(text);
    REQUIRE(a.has_value());
    return *a;
}

// What the Manager told its listener, in order.
struct RecordedEvents final : Manager::Listener {
    std::vector<Ban> banned_bans;
    std::vector<std::pair<Ban, UnbanReason>> unbanned_bans;
    unsigned jail_set_changes = 0;
    std::vector<std::string> enabled_changes, ignore_changes;
    unsigned backend_changes = 0;
    unsigned state_changes = 0;
    unsigned rebuilds = 0;

    void banned(const Ban& ban) override { banned_bans.push_back(ban); }
    void unbanned(const Ban& ban, UnbanReason reason) override { unbanned_bans.emplace_back(ban, reason); }
    void jails_changed() override { ++jail_set_changes; }
    void jail_enabled_changed(const std::string& jail) override { enabled_changes.push_back(jail); }
    void ignore_list_changed(const std::string& jail) override { ignore_changes.push_back(jail); }
    void backend_state_changed() override { ++backend_changes; }
    void state_health_changed() override { ++state_changes; }
    void bans_rebuilt() override { ++rebuilds; }
};

class ManagerHarness {
public:
    // banjo.toml; its jails use the filter "demo": "bad login from <HOST>".
    explicit ManagerHarness(const std::string& config_toml) {
        dir.write("filter.d/demo.toml",
                  "journal-match = [[\"SYSLOG_IDENTIFIER=demo\"]]\n"
                  "failregex = ['bad login from <HOST>']\n");
        write_config(config_toml);
        start();
    }
    ~ManagerHarness() { stop(); }

    void write_config(const std::string& toml) { dir.write("banjo.toml", toml); }
    Config load() const { return load_config((dir.dir / "banjo.toml").string(), {(dir.dir / "filter.d").string()}); }

    // banjod's start-up: open the store, restore the bans (rebuild them from `records` when
    // the store lost them), seed the jails.
    void start(std::vector<BanRecord> records = {}) {
        state.emplace(open_failing_state(state_dir(), clock.now(), disk),
                      [this](Usec now) { return open_failing_state(state_dir(), now, disk); }, clock.now());
        backend.emplace();
        manager.emplace(load(), [this] { return load(); }, self, *state, *backend, clock);
        manager->set_listener(&events);
        restored = manager->restore();
        if (manager->needs_rebuild()) manager->rebuild(std::move(records));
        manager->seed_jails();
    }
    void stop() {
        if (!manager) return;
        manager->stop();
        manager.reset();
        state.reset();
    }
    // Stopped, started again with a fresh firewall (a new banjod process, a rebooted host).
    void restart() {
        stop();
        events = RecordedEvents{};
        start();
    }

    // One failure of `address` in `jail`, at journal time now; true when it got it banned.
    bool fail(const std::string& jail, const std::string& address) {
        JailPipeline* p = manager->jail_set().find(jail);
        REQUIRE_MESSAGE(p, "jail " << jail << " is not running");
        const std::string message = "bad login from " + address;
        auto m = p->match(message);
        REQUIRE(m.has_value());
        auto decision = p->count(*m, {}, clock.now());
        if (!decision) return false;
        manager->ban_decided(p->jail(), *decision);
        return true;
    }
    // Failures until the jail bans (at most `limit`); then the chunk ends, as the follower's would.
    unsigned attack(const std::string& jail, const std::string& address, unsigned limit = 100) {
        unsigned n = 0;
        while (n < limit) {
            ++n;
            if (fail(jail, address)) break;
        }
        end_chunk();
        return n;
    }
    void end_chunk() {
        ++entries;
        manager->journal_read({"cursor-" + std::to_string(entries), entries, clock.now()});
    }

    bool banned(const std::string& jail, const char* text) const {
        return manager->ban_service().table().contains(jail, address(text));
    }
    std::string state_dir() const { return (dir.dir / "state").string(); }
    // The store on disk, as another process (a restarted banjod, sqlite3) would open it now.
    StateStore on_disk() const { return StateStore::open(state_dir()); }
    // What a restarted banjod would find in the store.
    std::vector<StoredBan> stored_bans() const { return on_disk().active_bans(); }

    TempDir dir{"banjo-manager-test"};
    FakeClock clock{t0};
    CidrSet self;   // the host's own addresses (ignore-self)
    std::optional<RecordingBackend> backend;
    std::shared_ptr<DiskFaults> disk = std::make_shared<DiskFaults>();
    std::optional<StateWriter> state;
    RecordedEvents events;
    std::optional<Manager> manager;
    std::vector<Ban> restored;
    std::uint64_t entries = 0;
};

}  // namespace banjo::test
