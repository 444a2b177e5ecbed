// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/daemon.hpp"

#include "bus/bus_service.hpp"
#include "daemon/action_dispatcher.hpp"
#include "daemon/blocklist_downloads.hpp"
#include "daemon/memory_return.hpp"
#include "daemon/blocklist_watch.hpp"
#include "daemon/file_follower.hpp"
#include "daemon/connection_cutter.hpp"
#include "daemon/host_addresses.hpp"
#include "daemon/ignore_watch.hpp"
#include "daemon/journal_follower.hpp"
#include "daemon/journal_source.hpp"
#include "daemon/manager.hpp"
#include "daemon/state_report.hpp"
#include "firewall/dry_run_backend.hpp"
#include "firewall/firewalld_backend.hpp"
#include "firewall/forward_guard_backend.hpp"
#include "firewall/nftables_backend.hpp"
#include "fleet/fleet_config.hpp"
#include "fleet/fleet_link.hpp"
#include "journal/ban_records.hpp"
#include "lib/mnl/netlink_socket.hpp"
#include "lib/sd/event.hpp"
#include "lib/sd/listen_fds.hpp"
#include "lib/sd/log.hpp"
#include "lib/sd/notify.hpp"
#include "metrics/daemon_metrics.hpp"
#include "metrics/metrics_server.hpp"
#include "state/state_lock.hpp"
#include "state/state_opening.hpp"
#include "state/state_writer.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <csignal>
#include <linux/rtnetlink.h>
#include <sys/epoll.h>
#include <syslog.h>
#include <unistd.h>

namespace banjo {

namespace {

using namespace std::chrono_literals;

// Housekeeping: forget stale failure windows, refresh the status line.
constexpr auto housekeeping_interval = 60s;
// A rebuild of lost state reads at most this many of banjo's ban and unban entries (the newest):
// ~100 bytes each while it runs.
constexpr std::size_t max_rebuild_records = 1'000'000;

}  // namespace

struct Daemon::Impl final : Manager::Listener {
    DaemonOptions options;
    RealtimeClock clock;
    sd::Event loop = sd::Event::default_for_thread();
    std::unique_ptr<sdbus::IConnection> bus;
    std::optional<sd::BusAttachment> bus_attachment;
    std::unique_ptr<Backend> backend;
    std::optional<StateDirLock> state_lock;   // held while banjod runs (state_lock.hpp)
    std::optional<StateWriter> state;
    std::optional<Manager> manager;
    std::unique_ptr<JournalFollower> follower;
    std::unique_ptr<FileFollower> file_follower;
    std::unique_ptr<BlocklistWatch> blocklist_watch;
    std::unique_ptr<BlocklistDownloads> blocklist_downloads;
    std::unique_ptr<BusService> bus_service;
    sd::EventSource expiry_timer, housekeeping_timer, status_timer, state_timer, sigterm, sigint, sighup;
    sd::EventSource memory_timer;
    MemoryReturn memory_return;
    LatencyHistogram apply_latency;
    // Its when_applied() callbacks wait in the backend: it goes before the backend does.
    ConnectionCutter cutter{loop, [this](std::function<void()> done) { backend->when_applied(std::move(done)); }};
    std::unique_ptr<mnl::NetlinkSocket> address_watch;
    sd::EventSource address_source, address_timer;
    std::unique_ptr<MetricsServer> metrics;
    std::unique_ptr<IgnoreWatch> ignore_watch;
    // After the manager: destroyed first, so no answer reaches a Manager that is gone.
    std::unique_ptr<SpawningIgnoreCommandRunner> ignore_commands;
    std::unique_ptr<FleetLink> fleet;
    std::unique_ptr<ActionDispatcher> actions;

    explicit Impl(DaemonOptions o) : options(std::move(o)) {}
    ~Impl() override {
        ignore_commands.reset();
        if (manager) manager->set_listener(nullptr);
    }

    std::unique_ptr<Backend> make_backend(const Config& config) {
        const std::string name = options.backend.value_or(config.backend);
        if (name == "dry-run") return std::make_unique<DryRunBackend>();
        if (name == "nftables") {
            NftablesOptions no;
            no.clock = [this] { return clock.now(); };
            return std::make_unique<NftablesBackend>(loop, no);
        }
        FirewalldOptions fo;
        fo.zone = config.firewalld.zone;
        fo.allow_reload = config.firewalld.allow_reload;
        fo.rule_zones = config.firewalld.rule_zones;
        fo.trusted_zones = config.firewalld.trusted_zones;
        auto firewalld = std::make_unique<FirewalldBackend>(*bus, loop, fo);
        if (!config.firewalld.forward_guard) return firewalld;
        NftablesOptions guard;
        guard.clock = [this] { return clock.now(); };
        guard.hooks = NftablesHooks::forward_only;
        return std::make_unique<ForwardGuardBackend>(std::move(firewalld), std::make_unique<NftablesBackend>(loop, guard));
    }

    void arm_expiry() {
        if (auto wait = manager->expiry_wait())
            expiry_timer.arm_in(*wait);
        else
            expiry_timer.disarm();
    }

    void arm_state_retry() {
        if (!state_timer) return;
        if (auto wait = manager->state_retry_wait())
            state_timer.arm_in(*wait);
        else
            state_timer.disarm();
    }

    void update_status() { sd::notify_status(manager->status_line()); }

    // The status line follows bans within a second, once per burst rather than once per ban.
    void status_changed() {
        if (status_timer && !status_timer.armed()) status_timer.arm_in(1s);
        // A burst's freed memory goes back to the system a little after it (see MemoryReturn).
        if (memory_return.changed() && memory_timer && !memory_timer.armed()) memory_timer.arm_in(2s);
    }

    // Manager::Listener: each event to the bus face, and to what else follows it.
    void banned(const Ban& ban) override {
        share_with_fleet(ban, FleetDecision::Kind::ban);
        cut_connections(ban);
        bus_service->banned(ban);
        actions->banned(ban);   // its runs wait until the ban is in the firewall
        arm_expiry();   // the new ban may end before the one the timer waits for
        status_changed();
    }
    // Decisions of this host's sharing jails go to its fleet stream; a peer's ban, and the
    // local lifting of one, stay here (a host speaks only for itself).
    void share_with_fleet(const Ban& ban, FleetDecision::Kind kind) {
        if (!fleet || ban.origin == BanOrigin::fleet) return;
        const auto& jails = manager->config().jails;
        auto jail = std::find_if(jails.begin(), jails.end(), [&](const JailConfig& j) { return j.settings.name == ban.jail; });
        if (jail == jails.end() || jail->fleet == FleetMode::off) return;
        FleetDecision d;
        d.kind = kind;
        d.host = fleet->settings().host_name;
        d.jail = ban.jail;
        d.address = ban.address;
        d.banned = ban.banned;
        d.expires = ban.expires;
        d.failures = ban.failures;
        fleet->publish(d);
    }

    // A reload that changed [fleet] (or added or removed it) makes a new link; one that did
    // not keeps the running link, its backlog and its positions.
    void follow_fleet_settings() {
        const FleetSettings& wanted = manager->config().fleet;
        if (fleet ? same_fleet_link(fleet->settings(), wanted) : !wanted.enabled) return;
        if (fleet) {
            sd::log(LOG_INFO, wanted.enabled ? "Fleet: [fleet] changed; connecting anew" : "Fleet: [fleet] removed; this host runs alone",
                    {{"MESSAGE_ID", sd::message_id::fleet_link}});
            manager->jail_set().set_failure_sink(nullptr);
            manager->set_fleet_status(nullptr);
            fleet.reset();   // its unanswered decisions go out again from the state (start_fleet)
        }
        if (wanted.enabled) start_fleet();
    }

    void start_fleet() {
        const FleetSettings& settings = manager->config().fleet;
        std::string password;
        try {
            password = read_fleet_password(settings);
        } catch (const std::exception& e) {
            sd::log(LOG_ERR, std::string("Fleet: ") + e.what() + "; this host runs alone",
                    {{"MESSAGE_ID", sd::message_id::fleet_link}, {"BANJO_FLEET_STATE", "disabled"}});
            return;
        }
        FleetLink::Sink sink;
        sink.apply = [this](const FleetDecision& d) {
            const Manager::FleetOutcome outcome = manager->fleet_decision(d);
            if (outcome == Manager::FleetOutcome::ignored || outcome == Manager::FleetOutcome::refused)
                sd::log(LOG_NOTICE,
                        "Fleet: host " + d.host + "'s ban of " + d.address.to_string() + " in jail " + d.jail +
                            (outcome == Manager::FleetOutcome::ignored ? " not applied: on this host's ignore list"
                                                                       : " not applied: an address banjo never bans"),
                        {{"MESSAGE_ID", sd::message_id::fleet_refused},
                         {"BANJO_FLEET_HOST", d.host},
                         {"BANJO_JAIL", d.jail},
                         {"BANJO_ADDRESS", d.address.to_string()}});
        };
        sink.read_done = [this](const std::map<std::string, std::string>& positions) {
            manager->fleet_read(positions);
            arm_expiry();
        };
        sink.status_changed = [this] { status_changed(); };
        sink.published = [this](const FleetDecision& d) {
            if (d.kind == FleetDecision::Kind::ban) manager->fleet_published(d.banned);
        };
        auto positions = manager->state().fleet_positions();
        positions.erase(std::string(Manager::fleet_published_key));
        fleet = std::make_unique<FleetLink>(loop, settings, std::move(password), std::move(positions),
                                            [this] { return clock.now(); }, std::move(sink));
        // What Redis had not answered when banjod last stopped goes out again, oldest first (a
        // ban seen twice changes nothing at a peer).
        std::vector<Ban> unpublished;
        const Usec through = manager->fleet_published_through();
        for (Ban& b : manager->bans(""))
            if (b.banned >= through && b.origin != BanOrigin::fleet) unpublished.push_back(std::move(b));
        std::sort(unpublished.begin(), unpublished.end(), [](const Ban& a, const Ban& b) { return a.banned < b.banned; });
        for (const Ban& b : unpublished) share_with_fleet(b, FleetDecision::Kind::ban);
        manager->set_fleet_status([this] { return fleet ? &fleet->status() : nullptr; });
        // Failures of "count" jails go to the fleet's windows too; the jail still counts them here.
        manager->jail_set().set_failure_sink([this](const Jail& jail, const Address& address, Usec time) {
            const auto& jails = manager->config().jails;
            auto jc = std::find_if(jails.begin(), jails.end(), [&](const JailConfig& j) { return j.settings.name == jail.name(); });
            if (jc == jails.end() || jc->fleet != FleetMode::count) return;
            fleet->count_failure(jail.name(), address, time, jail.settings().findtime, jail.settings().maxretry,
                                 [this, name = jail.name(), address](unsigned n) {
                                     manager->fleet_count_reached(name, address, n);
                                     arm_expiry();
                                 });
        });
    }

    // Once the ban holds in the firewall (the cutter waits for it): a flow cut before would come
    // straight back.
    void cut_connections(const Ban& ban) {
        const auto& jails = manager->config().jails;
        auto jail = std::find_if(jails.begin(), jails.end(), [&](const JailConfig& j) { return j.settings.name == ban.jail; });
        if (jail == jails.end() || !jail->settings.cut_connections) return;
        cutter.cut(ban.jail, ban.address, jail->settings.ports);
    }

    void unbanned(const Ban& ban, UnbanReason reason) override {
        // Expiry happens on every host alike; a jail flushed here says nothing about the others.
        if (reason == UnbanReason::manual) share_with_fleet(ban, FleetDecision::Kind::unban);
        bus_service->unbanned(ban, reason);
        actions->unbanned(ban, reason);
        status_changed();
    }
    void jails_changed() override {
        follow_fleet_settings();
        if (ignore_watch) ignore_watch->sync();
        // (a reload may have changed the blocklists too; at start they are set up after the ignore lists)
        if (blocklist_watch) blocklist_watch->configure();
        if (blocklist_downloads) blocklist_downloads->configure();
        follower->set_jails(manager->jail_set());
        file_follower->set_jails(manager->jail_set());
        actions->configure(manager->config());
        bus_service->jails_changed();
    }
    void jail_enabled_changed(const std::string& jail) override { bus_service->jail_enabled_changed(jail); }
    void ignore_list_changed(const std::string& jail) override { bus_service->ignore_list_changed(jail); }
    void jail_settings_changed(const std::string& jail) override { bus_service->jail_settings_changed(jail); }
    void ban_observed(const std::string& jail, const BanDecision& d) override { bus_service->ban_observed(jail, d); }
    void backend_state_changed() override {
        bus_service->backend_state_changed();
        update_status();
    }
    void state_health_changed() override {
        bus_service->state_health_changed();
        update_status();
        arm_state_retry();
    }
    void bans_rebuilt() override {
        bus_service->bans_rebuilt();
        arm_expiry();
        status_changed();
    }

    // The bans in force were lost with the state file, or the store lacks what an earlier run
    // could not save: back from banjo's own journal entries (as far back as the longest ban, or
    // since the earlier run stopped saving), then from the firewall's sets.
    std::size_t rebuild_lost_bans() {
        const Usec since = manager->rebuild_since();
        std::vector<BanRecord> records;
        try {
            JournalReader reader = open_selected_journal(options);
            records = read_ban_records(reader, since, geteuid(), max_rebuild_records);
        } catch (const std::exception& e) {
            sd::log(LOG_ERR, std::string("Cannot read banjo's ban entries from the journal: ") + e.what() +
                                 "; only the firewall's sets rebuild the bans in force");
        }
        return manager->rebuild(std::move(records)).size();
    }

    // ignore-self follows the host: rtnetlink announces every address added or removed, and
    // the set is read again (coalesced: one read per loop iteration). Subscribed before the
    // first read, so no change falls between.
    void watch_host_addresses() {
        try {
            address_watch = std::make_unique<mnl::NetlinkSocket>(NETLINK_ROUTE);
            address_watch->join_group(RTNLGRP_IPV4_IFADDR);
            address_watch->join_group(RTNLGRP_IPV6_IFADDR);
            address_watch->set_nonblocking();
        } catch (const std::exception& e) {
            address_watch.reset();
            sd::log(LOG_WARNING, std::string("Cannot follow the host's address changes (ignore-self keeps the addresses "
                                             "seen at start): ") + e.what());
        }
    }

    void follow_host_addresses() {
        if (!address_watch) return;
        address_timer = loop.add_timer([this] {
            CidrSet self = host_addresses();
            actions->set_host_addresses(self);
            manager->set_host_addresses(std::move(self));
        });
        address_source = loop.add_io(address_watch->fd(), EPOLLIN, [this](std::uint32_t) {
            std::vector<char> buffer;
            try {
                while (address_watch->receive(buffer, false)) {}
            } catch (const std::exception&) {
                // ENOBUFS: announcements were lost; the read below sees the outcome anyway.
            }
            if (!address_timer.armed()) address_timer.arm_in(std::chrono::microseconds(0));
        });
    }

    // An import (banjoctl import-fail2ban --bans) checks this lock and waits for banjod to stop;
    // banjod itself never waits: it runs on whatever the store holds.
    void lock_state_dir() {
        try {
            state_lock = StateDirLock::try_take(options.state_dir);
            if (!state_lock)
                sd::log(LOG_WARNING, "Another process holds the state directory " + options.state_dir +
                                         " (a second banjod, or banjoctl import-fail2ban --bans): its changes to the "
                                         "store and this banjod's may overwrite each other");
        } catch (const std::exception&) {
            // No directory: the store runs from memory, and report_state_opening said so.
        }
    }

    void start() {
        Config config = load_config(options.config_path);
        watch_host_addresses();
        CidrSet self_addresses = host_addresses();
        // Whatever the state directory holds, banjod runs: a damaged file is moved aside, a
        // directory that cannot take a store leaves banjod running from memory.
        StateOpening opened = open_state(options.state_dir, clock.now());
        report_state_opening(opened);
        lock_state_dir();
        state.emplace(std::move(opened), [dir = options.state_dir](Usec now) { return open_state(dir, now); },
                      clock.now());

        bus = sdbus::createSystemBusConnection();
        bus_attachment.emplace(sd::attach_bus(loop.get(), *bus, [this](const std::exception& e) {
            sd::log(LOG_ERR, std::string("Lost the system bus: ") + e.what());
            loop.exit(1);
        }));
        backend = make_backend(config);
        actions = std::make_unique<ActionDispatcher>(loop, *backend, clock);
        actions->configure(config);
        actions->set_host_addresses(self_addresses);
        backend->on_applied = [this](std::chrono::microseconds d) { apply_latency.observe(d); };
        manager.emplace(
            std::move(config), [path = options.config_path] { return load_config(path); }, std::move(self_addresses),
            *state, *backend, clock);
        const auto restored = manager->restore();
        MemoryReturn::give_back();   // the stored bans as read (with their lines) are copied or dropped
        const std::size_t rebuilt = manager->needs_rebuild() ? rebuild_lost_bans() : 0;
        bus_service = std::make_unique<BusService>(*bus, loop, *manager);
        follow_host_addresses();

        expiry_timer = loop.add_timer([this] {
            manager->expire_due();
            arm_expiry();
        });
        housekeeping_timer = loop.add_timer([this] {
            manager->housekeeping();
            update_status();
            housekeeping_timer.arm_in(housekeeping_interval);
        });
        status_timer = loop.add_timer([this] { update_status(); });
        memory_timer = loop.add_timer([this] {
            memory_return.returning();
            backend->when_applied([] { MemoryReturn::give_back(); });
        });
        state_timer = loop.add_timer([this] {
            manager->retry_state();
            arm_state_retry();
        });
        housekeeping_timer.arm_in(housekeeping_interval);
        sigterm = loop.add_signal(SIGTERM, [this] { loop.exit(0); });
        sigint = loop.add_signal(SIGINT, [this] { loop.exit(0); });
        sighup = loop.add_signal(SIGHUP, [this] {
            try {
                manager->reload();
            } catch (const std::exception& e) {
                sd::log(LOG_ERR, std::string("Reload refused: ") + e.what());
            }
        });
        loop.enable_watchdog();
        // After the signals are blocked: the resolver's thread must not take them.
        ignore_watch = std::make_unique<IgnoreWatch>(loop, *manager);
        ignore_watch->sync();
        ignore_watch->wait_for_names(std::chrono::seconds(5));
        // Read before the loop runs: the backend's first flush holds the lists' entries too,
        // and a backend that kept them from the last run sees nothing to change. After the
        // ignore-files and host names: an entry they hold is never put in force, even briefly.
        blocklist_watch = std::make_unique<BlocklistWatch>(loop, manager->blocklists());
        blocklist_watch->configure();
        // Downloads start from the copy kept in the state directory; the fetches run in the loop.
        blocklist_downloads =
            std::make_unique<BlocklistDownloads>(loop, manager->blocklists(), options.state_dir + "/blocklists");
        blocklist_downloads->configure();
        ignore_commands = std::make_unique<SpawningIgnoreCommandRunner>(loop);
        manager->set_ignore_command_runner(ignore_commands.get());

        follower = std::make_unique<JournalFollower>(
            loop, open_selected_journal(options),
            [this](const Jail& jail, const BanDecision& d) { manager->ban_decided(jail, d); },
            [this](const std::string& cursor) {
                manager->journal_read({cursor, follower->entries_processed(), follower->last_entry()});
                status_changed();
            });
        file_follower = std::make_unique<FileFollower>(
            loop, clock, [this](const Jail& jail, const BanDecision& d) { manager->ban_decided(jail, d); },
            [this](const std::vector<FilePosition>& positions) {
                manager->files_read(positions, file_follower->counters());
                status_changed();
            });
        manager->set_listener(this);
        const std::optional<std::string> cursor = manager->state().cursor();
        // Failure windows first (what the journal before the cursor says), then what the store
        // knows on top of it (bans in force, ban history), which wins where they overlap.
        if (cursor) follower->warm_up(manager->jail_set(), *cursor, manager->longest_findtime());
        // The log files' recount, like the journal's, before the store's knowledge goes on top.
        file_follower->start(manager->jail_set(), manager->state().file_positions(), manager->longest_findtime(),
                             clock.now() - manager->longest_findtime());
        RefusalReport::discard(manager->jail_set());   // the last run wrote those
        manager->seed_jails();
        // After the warm-up, whose failures were counted (and shared) by the earlier run.
        follow_fleet_settings();
        follower->start(manager->jail_set(), clock.now() - manager->longest_findtime());
        arm_expiry();
        arm_state_retry();

        // Only when systemd passed banjo-metrics.socket's socket: banjod opens no port itself.
        if (auto fds = sd::listening_stream_sockets(); !fds.empty())
            metrics = std::make_unique<MetricsServer>(loop, std::move(fds),
                                                      [this] { return render_daemon_metrics(*manager, apply_latency) + actions->metrics_text(); });

        // Last: systemd (Type=dbus) and clients see the name only once everything answers.
        bus->requestName(bus_name);
        sd::log(LOG_INFO,
                "banjod " BANJO_VERSION " started: " + std::to_string(manager->jail_set().size()) + " jails, " +
                    std::to_string(restored.size()) + " bans restored, " +
                    (manager->needs_rebuild() ? std::to_string(rebuilt) + " rebuilt from the journal" +
                                                    (state->bans_lost() ? ", " : " (the store lacked changes), ")
                                              : "") +
                    (state->health() == StateHealth::ok ? "" : "state " + std::string(to_string(state->health())) + ", ") +
                    (cursor ? "following the journal from the saved cursor" : "first start, reading from the longest findtime ago"),
                {{"MESSAGE_ID", sd::message_id::started}});
        sd::notify_ready(manager->status_line());
    }

    void stop() {
        sd::notify_stopping();
        if (manager) manager->stop();
    }
};

Daemon::Daemon(DaemonOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Daemon::~Daemon() = default;

int Daemon::run() {
    impl_->start();
    const int code = impl_->loop.loop();
    impl_->stop();
    return code;
}

}  // namespace banjo
