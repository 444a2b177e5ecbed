// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/firewalld_backend.hpp"

#include <chrono>
#include <limits>

#include "firewall/firewalld_dbus.hpp"

namespace banjo {

using namespace firewalld;

FirewalldBackend::FirewalldBackend(sdbus::IConnection& bus, sd::Event& loop, FirewalldOptions options)
    : bus_(bus), loop_(loop), options_(std::move(options)) {
    if (!options_.log)
        options_.log = default_log_sink();
    for (Family family : {Family::ipv4, Family::ipv6})
        ipsets_.emplace(firewalld_ipset_name("", family), Ipset{family, true});
    flush_timer_ = loop_.add_timer([this] { flush(); });
    poll_timer_ = loop_.add_timer([this] { poll_firewalld_state(); });
    retry_timer_ = loop_.add_timer([this] {
        if (phase_ != Phase::running)
            return;
        if (retry_setup_)
            setup();
        flush();
    });

    dbus_ = sdbus::createProxy(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    firewalld_ = sdbus::createProxy(bus_, firewalld_bus, firewalld_path);
    // A reload wipes every runtime ipset entry and runtime rich rule.
    firewalld_->uponSignal("Reloaded").onInterface(main_iface).call([this] {
        guarded([&] {
            log(LOG_INFO, "firewalld reloaded: applying the bans again");
            lost_runtime_state(Phase::setting_up);
            update_state();
            setup();
        });
    });
    // Port-limited jails' rules live in every zone traffic arrives in, and the trusted zones'
    // sources are never banned: follow every change of a zone's interfaces and sources.
    firewalld_->uponSignal("DefaultZoneChanged").onInterface(main_iface).call([this](const std::string& zone) {
        guarded([&] { zones_changed("the default zone is now " + zone); });
    });
    for (const char* member : {"InterfaceAdded", "InterfaceRemoved", "ZoneOfInterfaceChanged"})
        firewalld_->uponSignal(member).onInterface(zone_iface).call(
            [this, member](const std::string& zone, const std::string& interface) {
                guarded([&] { zones_changed(std::string(member) + " " + interface + " (zone " + zone + ")"); });
            });
    for (const char* member : {"SourceAdded", "SourceRemoved", "ZoneOfSourceChanged"})
        firewalld_->uponSignal(member).onInterface(zone_iface).call(
            [this, member](const std::string& zone, const std::string& source) {
                // banjo's own binding of its ipsets changes no zone's coverage.
                if (source.rfind("ipset:banjo", 0) == 0)
                    return;
                guarded([&] { zones_changed(std::string(member) + " " + source + " (zone " + zone + ")"); });
            });
    // Entries of an ipset bound to a trusted zone are trusted addresses too.
    for (const char* member : {"EntryAdded", "EntryRemoved"})
        firewalld_->uponSignal(member).onInterface(ipset_iface).call(
            [this, member](const std::string& ipset, const std::string& entry) {
                if (trusted_ipsets_.count(ipset) != 0)
                    guarded([&] { zones_changed(std::string(member) + " " + entry + " (ipset " + ipset + ")"); });
            });
    firewalld_->finishRegistration();
    // A restart shows only as a new owner of the name. Signal matches of proxies carry no
    // arg0 in sdbus-c++ 1.2, hence a raw match.
    owner_match_ = bus_.addMatch(
        "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
        "member='NameOwnerChanged',arg0='" + firewalld_bus + "'",
        [this](sdbus::Message& message) {
            guarded([&] {
                std::string name, old_owner, new_owner;
                message >> name >> old_owner >> new_owner;
                on_name_owner(new_owner);
            });
        });
    dbus_->callMethodAsync("GetNameOwner")
        .onInterface("org.freedesktop.DBus")
        .withArguments(firewalld_bus)
        .uponReplyInvoke(reply<std::string>([this](const sdbus::Error* error, std::string owner) {
            on_name_owner(error ? std::string() : owner);   // NameHasNoOwner: not running
        }));
    update_state();
}

FirewalldBackend::~FirewalldBackend() = default;

void FirewalldBackend::log(int priority, const std::string& message) const {
    options_.log(priority, message);
}

sdbus::IProxy& FirewalldBackend::config_proxy(const std::string& path) {
    // Kept for the backend's life: a proxy must not die inside one of its own reply handlers.
    auto& proxy = config_proxies_[path];
    if (!proxy)
        proxy = sdbus::createProxy(bus_, firewalld_bus, path);
    return *proxy;
}

void FirewalldBackend::need_shared_networks(Family family) {
    auto [it, fresh] = ipsets_.try_emplace(firewalld_ipset_name("", family, true), Ipset{family, true, {}, true});
    // A new ipset: setup creates it (permanently; a reload activates it) and binds it.
    if (fresh && (phase_ == Phase::running || phase_ == Phase::setting_up))
        setup();
}

FirewalldBackend::Ipset& FirewalldBackend::ipset_for(const BanTarget& target) {
    const Family family = target.address.family();
    const bool networks = !target.address.is_host();
    if (target.shared()) {
        if (networks)
            need_shared_networks(family);
        return ipsets_.at(firewalld_ipset_name("", family, networks));
    }
    auto jail = jails_.find(target.jail);
    JailBlocking blocking = jail == jails_.end() ? JailBlocking{} : jail->second.blocking;
    blocking.ports = target.ports;
    blocking.block = target.block;
    // A network of a jail not (or no longer) told it bans networks: its hash:net ipset anyway.
    if (networks && !blocking.bans_networks(family))
        (family == Family::ipv4 ? blocking.ipv4_prefix : blocking.ipv6_prefix) = target.address.prefix_len;
    if (jail == jails_.end() || !(jail->second.blocking == blocking))
        prepare_jail(target.jail, blocking);
    return ipsets_.at(firewalld_ipset_name(target.jail, family, networks));
}

void FirewalldBackend::add(const BanTarget& target) {
    if (ipset_for(target).mirror.want(target.address.to_string(), target.jail))
        schedule_flush();
}

void FirewalldBackend::remove(const BanTarget& target) {
    auto name = firewalld_ipset_name(target.shared() ? "" : target.jail, target.address.family(), !target.address.is_host());
    auto it = ipsets_.find(name);
    if (it != ipsets_.end() && it->second.mirror.unwant(target.address.to_string(), target.jail))
        schedule_flush();
}

void FirewalldBackend::prepare_jail(const std::string& jail, const JailBlocking& blocking) {
    if (blocking.shared()) {
        forget_jail(jail);   // all-ports jails that drop share banjo4/banjo6 (and banjo4n/banjo6n)
        for (Family family : {Family::ipv4, Family::ipv6})
            if (blocking.bans_networks(family))
                need_shared_networks(family);
        return;
    }
    auto& entry = jails_[jail];
    if (entry.blocking == blocking && !entry.rules.empty())
        return;
    entry = JailRules{blocking, {}, {}};
    for (Family family : {Family::ipv4, Family::ipv6}) {
        const auto name = firewalld_ipset_name(jail, family);
        ipsets_.try_emplace(name, Ipset{family, false, jail});
        // Prefix bans go to a hash:net ipset beside the hash:ip one, with rules of their own.
        std::vector<std::string> names{name};
        const auto networks = firewalld_ipset_name(jail, family, true);
        if (blocking.bans_networks(family)) {
            ipsets_.try_emplace(networks, Ipset{family, false, jail, true});
            names.push_back(networks);
        }
        std::vector<std::string> elements;
        for (const auto& port : blocking.ports) {
            if (auto element = firewalld_rule_element(port))
                elements.push_back(*element);
            else if (family == Family::ipv4)
                entry.problem += (entry.problem.empty() ? "" : ", ") + ("'" + port + "'");
        }
        if (!blocking.ports.empty() && elements.empty())
            continue;   // no rule rather than one that blocks every port
        for (const auto& set : names)
            for (auto& text : firewalld_jail_rules(family, set, elements, blocking.block))
                entry.rules.push_back({set, std::move(text)});
    }
    if (!entry.problem.empty()) {
        entry.problem = "jail " + jail + ": ports " + entry.problem +
                        " are neither a firewalld service nor PORT[-PORT][/PROTOCOL]; fix the jail's ports";
        log(LOG_ERR, entry.problem);
    }
    // Setup finds the rules of the jail's old ports and zones as unwanted and removes them.
    if (phase_ == Phase::running || phase_ == Phase::setting_up)
        setup();
    update_state();
}

void FirewalldBackend::zones_changed(const std::string& why) {
    if (phase_ != Phase::running && phase_ != Phase::setting_up)
        return;   // the setup that follows firewalld's start or reload reads the zones anyway
    log(LOG_INFO, "firewalld: " + why + ": checking the zones of the jails' rich rules");
    setup();
}

std::vector<std::string> FirewalldBackend::zones_for(const JailRules& jail) const {
    if (!jail.blocking.rule_zones.empty())
        return jail.blocking.rule_zones;
    if (!options_.rule_zones.empty())
        return options_.rule_zones;
    return {auto_zones_.begin(), auto_zones_.end()};
}

void FirewalldBackend::adopt_held(HeldFound found) {
    adopt_ = std::move(found);
    schedule_flush();
}

void FirewalldBackend::lost_runtime_state(Phase next) {
    ++epoch_;   // what is still in flight answers about a state that is gone
    phase_ = next;
    setup_.reset();
    round_.reset();
    adopt_round_ = false;
    adopt_found_.clear();
    retry_setup_ = false;
    for (auto& [name, ipset] : ipsets_) {
        ipset.active = false;
        ipset.entries_known = false;
        ipset.mirror.forget_applied();
    }
    flush_timer_.disarm();
    retry_timer_.disarm();
    poll_timer_.disarm();
    backoff_ = std::chrono::seconds(1);
    setup_problems_.clear();
    apply_problem_.clear();
    firewalld_state_.clear();
}

void FirewalldBackend::on_name_owner(const std::string& new_owner) {
    if (new_owner.empty()) {
        if (phase_ != Phase::absent || epoch_ == 0)
            log(LOG_WARNING, "firewalld is not on the bus: bans are kept and applied when it starts");
        lost_runtime_state(Phase::absent);
        reloaded_ = false;
    } else {
        log(LOG_INFO, "firewalld appeared on the bus as " + new_owner);
        lost_runtime_state(Phase::starting);
        reloaded_ = false;
        poll_firewalld_state();
    }
    update_state();
}

void FirewalldBackend::poll_firewalld_state() {
    firewalld_->callMethodAsync("Get")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(main_iface, std::string("state"))
        .uponReplyInvoke(reply<sdbus::Variant>([this](const sdbus::Error* error, sdbus::Variant value) {
            std::string state = error ? std::string() : value.get<std::string>();
            if (state == "RUNNING") {
                phase_ = Phase::setting_up;
                update_state();
                setup();
                return;
            }
            firewalld_state_ = state;   // empty: its objects are not exported yet
            poll_timer_.arm_in(state == "FAILED" ? state_poll_interval * 8 : state_poll_interval);
            update_state();
        }));
}

void FirewalldBackend::schedule_flush() {
    if (phase_ == Phase::running && !flush_timer_.armed() && !retry_timer_.armed())
        flush_timer_.arm_in(std::chrono::microseconds(0));
}

// Called from a zero-delay timer, so every change made in the current loop iteration (a
// journal batch, a restore of saved bans) is in one flush; and not while a round is in flight,
// so changes made meanwhile pile up into the next round instead of single calls.
void FirewalldBackend::flush() {
    if (phase_ != Phase::running || round_)
        return;
    round_ = CallBatch::create([this] { round_done(); });
    if (adopt_) {
        // Everything is read again, and nothing taken out, until the entries are handed over.
        adopt_round_ = true;
        adopt_found_.clear();
        for (auto& [name, ipset] : ipsets_) ipset.entries_known = false;
    }
    for (auto& [name, ipset] : ipsets_) {
        if (!ipset.active)
            continue;
        if (!ipset.entries_known) {
            ++counters_.get_entries;
            firewalld_->callMethodAsync("getEntries").onInterface(ipset_iface).withArguments(name)
                .uponReplyInvoke(reply<std::vector<std::string>>(round_->track(
                    [this, name = name](const sdbus::Error* error, std::vector<std::string> entries) {
                        // The ipset may be gone meanwhile: its jail was forgotten.
                        if (auto it = ipsets_.find(name); !error && it != ipsets_.end()) {
                            it->second.entries_known = true;
                            it->second.mirror.set_applied(entries);
                            if (adopt_round_) note_held(it->second, entries);
                        }
                        entry_answered(name, error, "");
                    })));
            continue;
        }
        // firewalld's setEntries empties the set and refills it in chunks: a blocklist's set
        // that holds entries is changed entry by entry instead, never left open meanwhile.
        const std::size_t threshold = ipset.blocklist.empty()           ? options_.burst_threshold
                                      : ipset.mirror.applied_size() == 0 ? 0
                                                                         : std::numeric_limits<std::size_t>::max();
        auto batch = ipset.mirror.take(threshold);
        const auto started = std::chrono::steady_clock::now();
        auto observe = [this, started] {
            if (on_applied)
                on_applied(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
        };
        if (batch.replace) {
            ++counters_.set_entries;
            firewalld_->callMethodAsync("setEntries").onInterface(ipset_iface).withTimeout(slow_call_timeout)
                .withArguments(name, batch.entries)
                .uponReplyInvoke(reply<>(round_->track([this, name = name, observe](const sdbus::Error* error) {
                    if (!error) observe();
                    entry_answered(name, error, "");
                })));
        }
        // An add of an address firewalld already holds, or a remove of one it does not, is
        // what we wanted: firewalld calls it ALREADY_ENABLED / NOT_ENABLED.
        // Removes first: firewalld handles one caller's calls in order, and refuses an entry
        // that overlaps one still there (a prefix ban replacing the addresses it covers).
        for (const auto& address : batch.remove) {
            ++counters_.remove_entry;
            firewalld_->callMethodAsync("removeEntry").onInterface(ipset_iface).withArguments(name, address)
                .uponReplyInvoke(reply<>(round_->track([this, name = name, observe](const sdbus::Error* error) {
                    observe();
                    entry_answered(name, error, "NOT_ENABLED");
                })));
        }
        for (const auto& address : batch.add) {
            ++counters_.add_entry;
            firewalld_->callMethodAsync("addEntry").onInterface(ipset_iface).withArguments(name, address)
                .uponReplyInvoke(reply<>(round_->track([this, name = name, observe](const sdbus::Error* error) {
                    observe();
                    entry_answered(name, error, "ALREADY_ENABLED");
                })));
        }
    }
    auto round = round_;
    if (round->started_none()) {
        round_.reset();   // nothing to do: no round
        if (!adopt_) run_applied_waiters();
    } else {
        round->finish();
    }
}

void FirewalldBackend::when_applied(std::function<void()> done) {
    applied_waiters_.push_back(std::move(done));
    schedule_flush();   // a flush with nothing left to do runs it
}

void FirewalldBackend::run_applied_waiters() {
    auto waiters = std::move(applied_waiters_);
    applied_waiters_.clear();
    for (auto& done : waiters) guarded(done);
}

void FirewalldBackend::entry_answered(const std::string& ipset, const sdbus::Error* error, std::string_view ok_code) {
    if (!error || (!ok_code.empty() && code_of(error) == ok_code))
        return;
    ++counters_.failed_calls;
    apply_problem_ = "firewalld refused a change of ipset " + ipset + ": " + describe(*error);
    log(LOG_ERR, apply_problem_);
    if (auto it = ipsets_.find(ipset); it != ipsets_.end())
        it->second.entries_known = false;   // we no longer know what it holds
    round_->set_failed();
}

void FirewalldBackend::note_held(const Ipset& ipset, const std::vector<std::string>& entries) {
    if (!ipset.blocklist.empty())
        return;   // a blocklist's entries are its file's, not bans to adopt
    for (const auto& entry : entries)
        if (auto address = Cidr::parse(entry))
            adopt_found_.push_back(HeldBan{*address, ipset.shared ? std::string() : ipset.jail, std::nullopt});
}

void FirewalldBackend::round_done() {
    const bool failed = round_->failed();
    round_.reset();
    if (adopt_round_) {
        adopt_round_ = false;
        // Handed over before the next round can take out what is not wanted; a failed read
        // is tried again whole.
        if (!failed) {
            auto found = std::move(adopt_);
            adopt_ = nullptr;
            auto held = std::move(adopt_found_);
            adopt_found_.clear();
            guarded([&] { found(held); });
        }
    }
    if (failed) {
        retry_later();
    } else {
        backoff_ = std::chrono::seconds(1);
        apply_problem_.clear();
        schedule_flush();
    }
    update_state();
}

void FirewalldBackend::retry_later() {
    flush_timer_.disarm();
    retry_timer_.arm_in(backoff_);
    backoff_ = std::min(backoff_ * 2, std::chrono::seconds(max_backoff));
}

bool FirewalldBackend::idle() const {
    if (phase_ == Phase::starting || phase_ == Phase::setting_up || phase_ == Phase::reloading)
        return false;
    return !round_ && !setup_ && !flush_timer_.armed() && !retry_timer_.armed();
}

void FirewalldBackend::update_state() {
    auto state = BackendState::unavailable;
    std::string detail;
    switch (phase_) {
    case Phase::absent:
        detail = "firewalld is not running (nobody owns " + firewalld_bus +
                 " on the system bus); bans are kept and applied when it starts";
        break;
    case Phase::starting:
        if (firewalld_state_ == "FAILED") {
            state = BackendState::degraded;
            detail = "firewalld reports state FAILED (it could not apply its configuration): see its log";
        } else {
            detail = "waiting for firewalld to finish starting";
        }
        break;
    case Phase::setting_up:
        detail = "checking firewalld's banjo ipsets and zone binding";
        break;
    case Phase::reloading:
        detail = "reloading firewalld to activate the banjo ipsets";
        break;
    case Phase::running: {
        std::vector<std::string> problems = setup_problems_;
        for (const auto& [jail, rules] : jails_)
            if (!rules.problem.empty())
                problems.push_back(rules.problem);
        if (!apply_problem_.empty())
            problems.push_back(apply_problem_);
        for (const auto& problem : problems)
            detail += (detail.empty() ? "" : "; ") + problem;
        state = detail.empty() ? BackendState::ready : BackendState::degraded;
        break;
    }
    }
    // A new state, or a new problem while degraded, is reported; the owner logs it (once).
    const bool report = state != state_ || (state == BackendState::degraded && detail != detail_);
    state_ = state;
    detail_ = std::move(detail);
    if (report && on_state_changed)
        on_state_changed(state);
}

}  // namespace banjo
