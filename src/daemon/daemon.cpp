// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/daemon.hpp"

#include "bus/bus_service.hpp"
#include "core/input_excerpt.hpp"
#include "core/special_address.hpp"
#include "daemon/ban_service.hpp"
#include "daemon/host_addresses.hpp"
#include "daemon/jail_set.hpp"
#include "daemon/journal_follower.hpp"
#include "daemon/journal_source.hpp"
#include "daemon/operation_error.hpp"
#include "daemon/refusal_report.hpp"
#include "daemon/restore_check.hpp"
#include "firewall/dry_run_backend.hpp"
#include "firewall/firewalld_backend.hpp"
#include "lib/sd/event.hpp"
#include "lib/sd/listen_fds.hpp"
#include "lib/sd/log.hpp"
#include "lib/sd/notify.hpp"
#include "metrics/metrics_server.hpp"
#include "metrics/prometheus_text.hpp"
#include "state/state_store.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <syslog.h>

namespace banjo {

namespace {

using namespace std::chrono_literals;

// Housekeeping: forget stale failure windows, refresh the status line.
constexpr auto housekeeping_interval = 60s;
// Ban history (the increment policy's memory) of addresses not banned for this long is
// forgotten: the table grows with every distinct attacker and needs a bound.
constexpr auto history_retention = std::chrono::days(30);
// The expiry timer never sleeps longer than this, so a wall-clock step is noticed.
constexpr auto longest_expiry_sleep = 60s;

Usec realtime_now() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return Usec(static_cast<Usec::rep>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000);
}

Usec add_saturating(Usec a, Usec d) { return d == infinite_usec || a > infinite_usec - d ? infinite_usec : a + d; }

LogSink journal_log_sink() {
    return [](int priority, std::string_view message) { sd::log(priority, message); };
}

}  // namespace

struct Daemon::Impl {
    Daemon& self;
    DaemonOptions options;
    Config config;
    sd::Event loop = sd::Event::default_for_thread();
    std::unique_ptr<sdbus::IConnection> bus;
    std::optional<sd::BusAttachment> bus_attachment;
    std::unique_ptr<Backend> backend;
    std::optional<StateStore> store;
    std::optional<BanService> bans;
    std::unique_ptr<JailSet> jails;
    std::unique_ptr<JournalFollower> follower;
    std::unique_ptr<BusService> bus_service;
    sd::EventSource expiry_timer, housekeeping_timer, status_timer, sigterm, sigint, sighup;
    std::unique_ptr<MetricsServer> metrics;
    LatencyHistogram apply_latency;
    CidrSet self_addresses;
    RefusalReport refusal_report;

    Impl(Daemon& d, DaemonOptions o) : self(d), options(std::move(o)) {}

    std::size_t jail_index(const std::string& name) const { return jails ? jails->find(name) : SIZE_MAX; }

    std::vector<std::string> jail_names() const {
        std::vector<std::string> names;
        for (const auto& j : config.jails) names.push_back(j.settings.name);
        return names;
    }

    JailConfig* jail_config(const std::string& name) {
        for (auto& j : config.jails)
            if (j.settings.name == name) return &j;
        return nullptr;
    }

    const JailConfig* jail_config(const std::string& name) const {
        for (const auto& j : config.jails)
            if (j.settings.name == name) return &j;
        return nullptr;
    }

    const JailConfig& require_jail(const std::string& name) const {
        const JailConfig* j = jail_config(name);
        if (!j) throw OperationError(OperationErrorKind::no_such_jail, "no jail named '" + input_excerpt(name) + "'");
        return *j;
    }

    JailConfig& require_jail(const std::string& name) {
        JailConfig* j = jail_config(name);
        if (!j) throw OperationError(OperationErrorKind::no_such_jail, "no jail named '" + input_excerpt(name) + "'");
        return *j;
    }

    static Cidr require_cidr(const std::string& text) {
        auto c = Cidr::parse(text);
        if (!c) throw OperationError(OperationErrorKind::invalid_address, "'" + input_excerpt(text) + "' is not an address or CIDR");
        return *c;
    }

    // New jails from the current config, keeping the unchanged ones with their counts.
    void rebuild_jails() {
        auto fresh = std::make_unique<JailSet>(config, self_addresses, jails.get());
        jails = std::move(fresh);
        seed_jails();
        follower->set_jails(*jails);
    }

    static Address require_address(const std::string& text) {
        auto a = Address::parse(text);
        if (!a) throw OperationError(OperationErrorKind::invalid_address, "'" + input_excerpt(text) + "' is not an IPv4 or IPv6 address");
        return *a;
    }

    void make_backend() {
        const std::string name = options.backend.value_or(config.backend);
        if (name == "dry-run") {
            backend = std::make_unique<DryRunBackend>(journal_log_sink());
        } else {
            FirewalldOptions fo;
            fo.zone = config.firewalld.zone;
            fo.allow_reload = config.firewalld.allow_reload;
            fo.log = journal_log_sink();
            backend = std::make_unique<FirewalldBackend>(*bus, loop, fo);
        }
        backend->on_state_changed = [this](BackendState s) {
            sd::log(s == BackendState::ready ? LOG_INFO : LOG_WARNING,
                    "Firewall backend " + std::string(backend->name()) + " is " + std::string(to_string(s)) +
                        (backend->state_detail().empty() ? "" : ": " + backend->state_detail()),
                    {{"MESSAGE_ID", sd::message_id::backend_state},
                     {"BANJO_BACKEND", std::string(backend->name())},
                     {"BANJO_BACKEND_STATE", std::string(to_string(s))}});
            if (bus_service) bus_service->manager_changed({"BackendState"});
            update_status();
        };
        backend->on_applied = [this](std::chrono::microseconds d) { apply_latency.observe(d); };
    }

    void configure_jail_ports() {
        for (const auto& j : config.jails) {
            // Bans already in the firewall under other ports move to the new ones.
            bans->set_jail_ports(j.settings.name, j.settings.ports);
            if (j.settings.enabled && !j.settings.ports.empty()) backend->prepare_jail(j.settings.name, j.settings.ports);
            else backend->forget_jail(j.settings.name);
        }
    }

    // Tells each jail about the bans in force and the history, so it neither bans twice nor
    // forgets a repeat offender.
    void seed_jails() {
        for (std::size_t i = 0; i < jails->size(); ++i) {
            Jail& jail = (*jails)[i].jail();
            for (const auto& h : store->history(jail.name())) jail.set_previous_bans(h.address, h.bans);
            for (const Ban& b : bans->table().list(jail.name())) jail.note_ban(b.address, b.expires, false);
        }
    }

    void on_decision(std::size_t index, const BanDecision& d) {
        JailPipeline& p = (*jails)[index];
        const Usec now = realtime_now();
        Ban b{p.jail().name(), d.address, now, add_saturating(now, d.bantime), d.failures, BanOrigin::filter};
        bans->ban(b, true);
        arm_expiry();
    }

    void arm_expiry() {
        auto next = bans->table().next_expiry();
        if (!next) {
            expiry_timer.disarm();
            return;
        }
        const Usec now = realtime_now();
        Usec wait = *next > now ? *next - now : Usec(0);
        expiry_timer.arm_in(std::min<Usec>(wait, Usec(longest_expiry_sleep)));
    }

    void on_expiry() {
        if (bans->expire(realtime_now()) > 0) bans->flush();
        arm_expiry();
    }

    std::string status_line() const {
        return std::to_string(jails ? jails->size() : 0) + " jails, " + std::to_string(bans->table().size()) +
               " active bans, " + std::to_string(follower ? follower->entries_processed() : 0) +
               " journal entries read; firewall " + std::string(to_string(backend->state()));
    }

    void update_status() {
        if (bans && backend) sd::notify_status(status_line());
    }

    // The status line follows bans within a second, once per burst rather than once per ban.
    void status_changed() {
        if (status_timer && !status_timer.armed()) status_timer.arm_in(std::chrono::seconds(1));
    }

    void housekeeping() {
        const Usec now = realtime_now();
        const Usec history_cutoff = now - std::chrono::duration_cast<Usec>(history_retention);
        for (std::size_t i = 0; i < jails->size(); ++i) {
            (*jails)[i].jail().prune(now);
            (*jails)[i].jail().forget_history_before(history_cutoff);
        }
        try {
            store->forget_history_before(history_cutoff);
        } catch (const std::exception& e) {
            sd::log(LOG_WARNING, std::string("Could not trim the ban history: ") + e.what());
        }
        update_status();
        housekeeping_timer.arm_in(housekeeping_interval);
    }

    std::string render_metrics() const {
        MetricsSnapshot m;
        m.version = BANJO_VERSION;
        m.entries_processed = follower ? follower->entries_processed() : 0;
        if (follower && follower->last_entry_usec() > 0)
            m.journal_lag_seconds = static_cast<double>(realtime_now().count() - static_cast<Usec::rep>(follower->last_entry_usec())) / 1e6;
        m.backend = std::string(backend->name());
        m.backend_state = std::string(to_string(backend->state()));
        for (const auto& j : config.jails) {
            JailMetrics jm;
            jm.name = j.settings.name;
            jm.filter = j.settings.filter;
            jm.enabled = j.settings.enabled;
            jm.active_bans = bans->table().count(jm.name);
            if (auto it = bans->counts().find(jm.name); it != bans->counts().end()) {
                jm.bans = it->second.bans;
                jm.unbans = it->second.unbans;
            }
            if (std::size_t i = jail_index(jm.name); i != SIZE_MAX) {
                const JailPipeline& p = (*jails)[i];
                jm.matches = p.counters().matches;
                jm.failures = p.counters().failures;
                jm.tracked_addresses = p.jail().tracked_addresses();
                for (SpecialAddress kind : all_special_addresses)
                    jm.refused[std::string(to_string(kind))] = p.counters().refused[static_cast<std::size_t>(kind)];
            }
            m.jails.push_back(std::move(jm));
        }
        m.apply_latency = &apply_latency;
        return render_prometheus_text(m);
    }

    Usec longest_findtime() const {
        Usec longest{0};
        for (const auto& j : config.jails)
            if (j.settings.enabled) longest = std::max(longest, j.settings.findtime);
        return longest;
    }

    void start() {
        config = load_config(options.config_path);
        self_addresses = host_addresses();
        store.emplace(StateStore::open(options.state_dir));

        bus = sdbus::createSystemBusConnection();
        bus_attachment.emplace(sd::attach_bus(loop.get(), *bus, [this](const std::exception& e) {
            sd::log(LOG_ERR, std::string("Lost the system bus: ") + e.what());
            loop.exit(1);
        }));
        make_backend();
        bans.emplace(*store, *backend);
        configure_jail_ports();
        const auto restored = bans->restore(realtime_now(), [this](const Ban& b) { return why_not_restored(b, config); });

        bus_service = std::make_unique<BusService>(*bus, loop, self);
        bus_service->sync_jails(jail_names());
        bans->set_listener({[this](const Ban& b) {
                                bus_service->banned(b);
                                status_changed();
                            },
                            [this](const Ban& b, std::string_view reason) {
                                bus_service->unbanned(b, reason);
                                status_changed();
                            }});

        expiry_timer = loop.add_timer([this] { on_expiry(); });
        housekeeping_timer = loop.add_timer([this] { housekeeping(); });
        status_timer = loop.add_timer([this] { update_status(); });
        housekeeping_timer.arm_in(housekeeping_interval);
        sigterm = loop.add_signal(SIGTERM, [this] { loop.exit(0); });
        sigint = loop.add_signal(SIGINT, [this] { loop.exit(0); });
        sighup = loop.add_signal(SIGHUP, [this] {
            try {
                reload();
            } catch (const std::exception& e) {
                sd::log(LOG_ERR, std::string("Reload refused: ") + e.what());
            }
        });
        loop.enable_watchdog();

        jails = std::make_unique<JailSet>(config, self_addresses);
        follower = std::make_unique<JournalFollower>(
            loop, open_selected_journal(options),
            [this](std::size_t i, const BanDecision& d) { on_decision(i, d); },
            [this](const std::string& cursor) {
                bans->flush(cursor);
                refusal_report.report(*jails, realtime_now());
                status_changed();
            });
        const std::optional<std::string> cursor = store->cursor();
        // Failure windows first (what the journal before the cursor says), then what the store
        // knows on top of it (bans in force, ban history), which wins where they overlap.
        if (cursor) {
            follower->warm_up(*jails, *cursor, longest_findtime());
            RefusalReport::discard(*jails);
        }
        seed_jails();
        follower->start(*jails, realtime_now() - longest_findtime());
        arm_expiry();

        // Only when systemd passed banjo-metrics.socket's socket: banjod opens no port itself.
        if (auto fds = sd::listening_stream_sockets(); !fds.empty())
            metrics = std::make_unique<MetricsServer>(loop, std::move(fds), [this] { return render_metrics(); });

        // Last: systemd (Type=dbus) and clients see the name only once everything answers.
        bus->requestName(bus_name);
        sd::log(LOG_INFO,
                "banjod " BANJO_VERSION " started: " + std::to_string(jails->size()) + " jails, " +
                    std::to_string(restored.size()) + " bans restored, " +
                    (cursor ? "following the journal from the saved cursor" : "first start, reading from the longest findtime ago"),
                {{"MESSAGE_ID", sd::message_id::started}});
        sd::notify_ready(status_line());
    }

    void stop() {
        sd::notify_stopping();
        if (bans) bans->flush(follower && !follower->cursor().empty() ? std::optional<std::string_view>(follower->cursor())
                                                                       : std::nullopt);
    }

    void reload() {
        sd::notify_reloading();
        Config fresh;
        try {
            fresh = load_config(options.config_path);
        } catch (const ConfigError& e) {
            sd::log(LOG_ERR, std::string("Configuration rejected, the running one stays: ") + e.what(),
                    {{"MESSAGE_ID", sd::message_id::config_rejected}, {"BANJO_CONFIG_ERROR", e.what()}});
            sd::notify_ready(status_line());
            throw;
        }
        // Jails that are gone, or no longer enabled, release their bans.
        for (const auto& old : config.jails) {
            bool kept = false;
            for (const auto& j : fresh.jails) kept = kept || (j.settings.name == old.settings.name && j.settings.enabled);
            if (!kept) {
                bans->unban_jail(old.settings.name, "flushed");
                backend->forget_jail(old.settings.name);
            }
        }
        config = std::move(fresh);
        configure_jail_ports();
        rebuild_jails();
        bans->flush();
        arm_expiry();
        bus_service->sync_jails(jail_names());
        bus_service->jails_changed();
        sd::log(LOG_INFO, "Configuration reloaded: " + std::to_string(jails->size()) + " jails enabled");
        sd::notify_ready(status_line());
    }
};

Daemon::Daemon(DaemonOptions options) : impl_(std::make_unique<Impl>(*this, std::move(options))) {}
Daemon::~Daemon() = default;

int Daemon::run() {
    impl_->start();
    const int code = impl_->loop.loop();
    impl_->stop();
    return code;
}

std::vector<JailSummary> Daemon::jails() const {
    std::vector<JailSummary> out;
    for (const auto& j : impl_->config.jails) out.push_back(jail(j.settings.name));
    return out;
}

JailSummary Daemon::jail(const std::string& name) const {
    const JailConfig& jc = impl_->require_jail(name);
    JailSummary s;
    s.name = name;
    s.enabled = jc.settings.enabled;
    s.config = &jc;
    s.active_bans = static_cast<std::uint32_t>(impl_->bans->table().count(name));
    // Every ban of the jail since start, manual ones included.
    if (auto it = impl_->bans->counts().find(name); it != impl_->bans->counts().end()) s.total_bans = it->second.bans;
    if (std::size_t i = impl_->jail_index(name); i != SIZE_MAX) {
        const JailPipeline& p = (*impl_->jails)[i];
        s.tracked = static_cast<std::uint32_t>(p.jail().tracked_addresses());
        s.total_failures = p.jail().total_failures();
    }
    return s;
}

Usec Daemon::ban(const std::string& jail_name, const std::string& address_text, Usec duration) {
    const JailConfig& jc = impl_->require_jail(jail_name);
    const Address address = Impl::require_address(address_text);
    const std::size_t index = impl_->jail_index(jail_name);
    Jail* jail = index == SIZE_MAX ? nullptr : &(*impl_->jails)[index].jail();
    if (jail ? jail->ignores(address) : jc.settings.ignore.contains(address))
        throw OperationError(OperationErrorKind::ignored,
                             address.to_string() + " is on the ignore list of jail " + jail_name + ": not banned");
    // After the ignore list, so that loopback, on it by default, keeps answering Ignored.
    if (auto kind = special_address(address))
        throw OperationError(OperationErrorKind::invalid_address,
                             address.to_string() + " is " + std::string(describe(*kind)) + ": banjo never bans it");
    if (duration == Usec(0)) duration = jc.settings.ban.duration_for(jail ? jail->previous_bans(address) : 0);
    const Usec now = realtime_now();
    Ban b{jail_name, address, now, add_saturating(now, duration), 0, BanOrigin::manual};
    impl_->bans->ban(b, true);
    if (jail) jail->note_ban(address, b.expires, true);
    impl_->bans->flush();
    impl_->arm_expiry();
    return b.expires;
}

unsigned Daemon::unban(const std::string& jail_name, const std::string& address_text) {
    const Address address = Impl::require_address(address_text);
    std::vector<std::string> names;
    if (jail_name.empty()) {
        for (const auto& j : impl_->config.jails) names.push_back(j.settings.name);
    } else {
        names.push_back(impl_->require_jail(jail_name).settings.name);
    }
    unsigned removed = 0;
    for (const auto& name : names) {
        if (!impl_->bans->unban(name, address, "manual")) continue;
        ++removed;
        if (std::size_t i = impl_->jail_index(name); i != SIZE_MAX) (*impl_->jails)[i].jail().forget_ban(address);
    }
    impl_->bans->flush();
    impl_->arm_expiry();
    if (removed == 0)
        throw OperationError(OperationErrorKind::not_banned,
                             address.to_string() + " is not banned" + (jail_name.empty() ? "" : " in jail " + jail_name));
    return removed;
}

std::vector<Ban> Daemon::bans(const std::string& jail_name) const {
    if (!jail_name.empty()) impl_->require_jail(jail_name);
    return impl_->bans->table().list(jail_name);
}

void Daemon::reload() { impl_->reload(); }

void Daemon::set_enabled(const std::string& jail_name, bool enabled) {
    JailConfig& jc = impl_->require_jail(jail_name);
    if (jc.settings.enabled == enabled) return;
    jc.settings.enabled = enabled;
    if (!enabled) {
        impl_->bans->unban_jail(jail_name, "flushed");
        impl_->backend->forget_jail(jail_name);
    }
    impl_->rebuild_jails();
    impl_->bans->flush();
    impl_->arm_expiry();
    sd::log(LOG_INFO, "Jail " + jail_name + (enabled ? " enabled" : " disabled") + " until the next reload");
    impl_->bus_service->jail_changed(jail_name, {"Enabled", "ActiveBans", "TrackedAddresses"});
    impl_->bus_service->jails_changed();
}

void Daemon::add_ignore(const std::string& jail_name, const std::string& text) {
    JailConfig& jc = impl_->require_jail(jail_name);
    const Cidr cidr = Impl::require_cidr(text);
    jc.settings.ignore.insert(cidr);
    if (std::size_t i = impl_->jail_index(jail_name); i != SIZE_MAX) (*impl_->jails)[i].jail().add_ignore(cidr);
    impl_->bus_service->jail_changed(jail_name, {"IgnoreList"});
}

void Daemon::remove_ignore(const std::string& jail_name, const std::string& text) {
    JailConfig& jc = impl_->require_jail(jail_name);
    const Cidr cidr = Impl::require_cidr(text);
    if (!jc.settings.ignore.erase(cidr))
        throw OperationError(OperationErrorKind::not_ignored,
                             cidr.to_string() + " is not on the ignore list of jail " + jail_name);
    if (std::size_t i = impl_->jail_index(jail_name); i != SIZE_MAX) (*impl_->jails)[i].jail().remove_ignore(cidr);
    impl_->bus_service->jail_changed(jail_name, {"IgnoreList"});
}

std::vector<Cidr> Daemon::ignore_list(const std::string& jail_name) const {
    // What the administrator configured (and changed at runtime); the host's own addresses,
    // added for ignore-self, are not listed.
    return impl_->require_jail(jail_name).settings.ignore.entries();
}

std::string Daemon::backend_name() const { return std::string(impl_->backend->name()); }
std::string Daemon::backend_state() const { return std::string(to_string(impl_->backend->state())); }
std::string Daemon::journal_cursor() const { return impl_->follower ? impl_->follower->cursor() : std::string(); }
std::uint64_t Daemon::entries_processed() const { return impl_->follower ? impl_->follower->entries_processed() : 0; }
std::uint64_t Daemon::failures_found() const {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < impl_->jails->size(); ++i) n += (*impl_->jails)[i].counters().failures;
    return n;
}
std::uint32_t Daemon::active_bans() const { return static_cast<std::uint32_t>(impl_->bans->table().size()); }
std::uint64_t Daemon::total_bans() const { return impl_->bans->total_bans(); }

}  // namespace banjo
