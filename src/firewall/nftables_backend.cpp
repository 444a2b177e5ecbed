// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/nftables_backend.hpp"

#include "lib/nft/monitor.hpp"
#include "lib/nft/netlink_client.hpp"
#include "lib/nft/ruleset.hpp"

#include <algorithm>
#include <cerrno>
#include <set>
#include <sys/epoll.h>
#include <syslog.h>
#include <system_error>
#include <utility>

namespace banjo {

namespace {

constexpr std::chrono::seconds longest_backoff{60};

// Splits an element list into runs of at most `limit` elements without parting an interval's
// start from its end.
template <typename F>
void in_chunks(const std::vector<nft::SetElement>& elements, std::size_t limit, F each) {
    std::size_t from = 0;
    while (from < elements.size()) {
        std::size_t to = std::min(elements.size(), from + limit);
        while (to < elements.size() && elements[to].interval_end) ++to;
        each(std::vector<nft::SetElement>(elements.begin() + static_cast<std::ptrdiff_t>(from),
                                          elements.begin() + static_cast<std::ptrdiff_t>(to)));
        from = to;
    }
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "'" : ", '") + i + "'";
    return out;
}

}  // namespace

NftablesBackend::NftablesBackend(sd::Event& loop, NftablesOptions options)
    : loop_(loop), options_(std::move(options)) {
    if (!options_.clock)
        options_.clock = [] {
            return std::chrono::duration_cast<Usec>(std::chrono::system_clock::now().time_since_epoch());
        };
    flush_timer_ = loop_.add_timer([this] { flush(); });
    retry_timer_ = loop_.add_timer([this] { flush(); });
    for (Family f : {Family::ipv4, Family::ipv6}) set_for("", f, {}, BlockAction::drop);
    schedule_flush();
}

NftablesBackend::~NftablesBackend() = default;   // the table stays: bans hold while banjod is away

Usec NftablesBackend::now() const { return options_.clock(); }

void NftablesBackend::log(int priority, const std::string& message) const { options_.log(priority, message); }

bool NftablesBackend::idle() const {
    if (flush_timer_.armed() || retry_timer_.armed() || schema_dirty_ || kernel_unknown_) return false;
    return std::none_of(sets_.begin(), sets_.end(), [](const auto& s) { return s.second.plan.dirty(); });
}

NftablesBackend::Set& NftablesBackend::set_for(const std::string& jail, Family family,
                                               const std::vector<std::string>& ports, BlockAction block) {
    const bool shared = ports.empty() && block == BlockAction::drop;
    const std::string name = nftables_set_name(shared ? std::string_view() : jail, family);
    auto [it, inserted] = sets_.try_emplace(name);
    Set& set = it->second;
    if (inserted) {
        set.spec.name = name;
        set.spec.family = family;
        schema_dirty_ = true;
    }
    if (set.spec.block != block) {
        set.spec.block = block;
        schema_dirty_ = true;
    }
    if (!ports.empty()) {
        ResolvedPorts resolved = resolve_ports(ports);
        if (resolved.ranges != set.spec.ports) {
            set.spec.ports = std::move(resolved.ranges);
            schema_dirty_ = true;
        }
        if (resolved.unknown.empty()) {
            jail_problems_.erase(jail);
        } else {
            jail_problems_[jail] = "jail " + jail + ": " + join(resolved.unknown) +
                                   " is neither a port nor a service in /etc/services" +
                                   (set.spec.ports.empty() ? " (its bans block every port)" : " (not blocked)");
        }
    }
    return set;
}

void NftablesBackend::add(const BanTarget& target) {
    set_for(target.jail, target.address.family(), target.ports, target.block)
        .plan.want(target.address, target.jail, target.expires);
    schedule_flush();
}

void NftablesBackend::remove(const BanTarget& target) {
    // A set never used holds nothing to remove: do not create it for that.
    const std::string name = nftables_set_name(target.shared() ? std::string_view() : target.jail,
                                               target.address.family());
    auto it = sets_.find(name);
    if (it == sets_.end()) return;
    it->second.plan.unwant(target.address, target.jail);
    schedule_flush();
}

void NftablesBackend::prepare_jail(const std::string& jail, const JailBlocking& blocking) {
    if (blocking.ports.empty() && blocking.block == BlockAction::drop) return;
    for (Family f : {Family::ipv4, Family::ipv6}) set_for(jail, f, blocking.ports, blocking.block);
    schedule_flush();
}

void NftablesBackend::when_applied(std::function<void()> done) {
    applied_waiters_.push_back(std::move(done));
    schedule_flush();
}

void NftablesBackend::schedule_flush() {
    // While a retry is pending, changes wait for it; otherwise every change of this loop
    // iteration goes out together at the next one.
    if (!retry_timer_.armed() && !flush_timer_.armed()) flush_timer_.arm_in(std::chrono::microseconds(0));
}

bool NftablesBackend::connect() {
    try {
        // The listener first: a change between our first read and our first write is then seen.
        if (!monitor_) {
            monitor_ = std::make_unique<nft::Monitor>();
            monitor_source_ = loop_.add_io(monitor_->fd(), EPOLLIN, [this](std::uint32_t) { on_monitor(); });
            kernel_unknown_ = true;
        }
        if (!netlink_) netlink_ = std::make_unique<nft::NetlinkClient>();
        if (!ruleset_) ruleset_ = std::make_unique<nft::Ruleset>();
        return true;
    } catch (const std::system_error& e) {
        monitor_source_ = {};
        monitor_.reset();
        if (e.code().value() == EPERM || e.code().value() == EACCES)
            failed(BackendState::degraded,
                   "banjod lacks CAP_NET_ADMIN, which writing table inet banjo needs (" + std::string(e.what()) + ")");
        else
            failed(BackendState::unavailable, std::string("cannot talk to nf_tables: ") + e.what());
        return false;
    } catch (const std::exception& e) {
        failed(BackendState::unavailable, std::string("cannot start libnftables: ") + e.what());
        return false;
    }
}

void NftablesBackend::flush() {
    if (!connect()) return;
    try {
        if (sets_unverified_ && !schema_dirty_ && !kernel_unknown_) check_sets();
        if (schema_dirty_ || kernel_unknown_) write_schema();
        if (kernel_unknown_) read_kernel();
        for (auto& [name, set] : sets_) set.created_empty = false;   // only this flush's read may skip
        apply_changes();
        auto waiters = std::move(applied_waiters_);
        applied_waiters_.clear();
        for (auto& done : waiters) done();
    } catch (const nft::RulesetError& e) {
        failed(BackendState::degraded, "nft refused banjo's table: " + std::string(e.what()));
    } catch (const std::system_error& e) {
        const int code = e.code().value();
        if (code == EPERM || code == EACCES)
            failed(BackendState::degraded, "banjod lacks CAP_NET_ADMIN, which writing table inet banjo needs");
        else
            failed(BackendState::degraded, "the kernel refused a change to table inet banjo: " + std::string(e.what()) +
                                               "; reading the table back and retrying");
    }
}

void NftablesBackend::write_schema() {
    const auto existing = netlink_->sets(nft::family_inet, nftables_table).value_or(std::vector<nft::SetInfo>{});
    std::set<std::string> existing_names;
    for (const auto& s : existing)
        if (!s.anonymous) existing_names.insert(s.name);
    std::vector<NftablesSet> specs;
    for (const auto& [name, set] : sets_) specs.push_back(set.spec);
    std::vector<std::string> stale;
    for (const auto& name : existing_names)
        if (!sets_.count(name)) stale.push_back(name);
    ruleset_->run(nftables_schema(specs, stale, options_.hooks));
    ++counters_.schema_writes;
    // libnftables binds its socket on first use: learn its port id before its events are read.
    own_port_ids_ = nft::own_port_ids();
    for (auto& [name, set] : sets_) {
        // Created empty just now (first start, or the table or set was deleted).
        set.created_empty = !existing_names.count(name);
        if (set.created_empty) {
            const auto d = set.plan.kernel_lost(now());
            if (view_trusted_) drift_.missing += d.missing;
        }
        set.in_kernel = true;
    }
    if (!stale.empty()) log(LOG_INFO, "nftables: deleted sets no jail uses any more: " + join(stale));
    set_handles_.clear();
    for (const auto& s : netlink_->sets(nft::family_inet, nftables_table).value_or(std::vector<nft::SetInfo>{}))
        if (!s.anonymous) set_handles_[s.name] = s.handle;
    schema_dirty_ = false;
    sets_unverified_ = false;
}

void NftablesBackend::read_kernel() {
    const auto clock = [this] { return static_cast<std::int64_t>(now().count()); };
    for (auto& [name, set] : sets_) {
        // Created just now by write_schema, in this same flush: empty, and the plan knows it.
        if (std::exchange(set.created_empty, false)) continue;
        std::optional<KernelContents> contents;
        if (!dump_next_read_ && std::max(set.plan.wanted(), set.plan.in_kernel()) > options_.full_read_limit) {
            contents = look_up(name, set.plan);
            ++counters_.lookup_reads;
        } else {
            // The kernel reports the time left as of the moment it wrote each element into
            // the dump; each element carries the time its message was read (a dump of 1M took
            // minutes on a busy machine: one clock reading after it made most ends look late).
            if (auto elements = netlink_->set_elements(nft::family_inet, nftables_table, name, clock))
                contents = read_interval_elements(set.spec.family, *elements, now());
            ++counters_.dumps;
        }
        if (!contents) {   // deleted since write_schema: write it again at once
            const auto d = set.plan.kernel_lost(now());
            if (view_trusted_) drift_.missing += d.missing;
            schema_dirty_ = true;
            continue;
        }
        const auto d = set.plan.kernel_holds(std::move(*contents), now());
        if (view_trusted_) {
            drift_.missing += d.missing;
            drift_.foreign += d.foreign;
        }
    }
    kernel_unknown_ = false;
    dump_next_read_ = false;
    view_trusted_ = true;
    if (schema_dirty_) schedule_flush();
}

std::optional<KernelContents> NftablesBackend::look_up(const std::string& name, const SetPlan& plan) {
    const auto clock = [this] { return static_cast<std::int64_t>(now().count()); };
    const std::vector<Cidr> known = plan.known();
    KernelContents out;
    // In slices, so the elements asked and answered for 1M bans are never all in memory; a
    // slice does not part networks that begin at one address (see probe_elements).
    constexpr std::size_t slice = 4096;
    for (std::size_t from = 0; from < known.size();) {
        std::size_t to = std::min(known.size(), from + slice);
        while (to < known.size() && known[to].network == known[to - 1].network) ++to;
        const std::vector<Cidr> part(known.begin() + static_cast<std::ptrdiff_t>(from),
                                     known.begin() + static_cast<std::ptrdiff_t>(to));
        auto found = netlink_->get_elements(nft::family_inet, nftables_table, name, probe_elements(part), clock);
        if (!found) return std::nullopt;
        out.networks.merge(read_probed(part, *found, now()).networks);
        from = to;
    }
    return out;
}

// Without notifications (lost, or off during a large transaction of ours) a deleted table or
// set still shows: its handle is gone or new. Cheap: the table's set list, not its elements.
void NftablesBackend::check_sets() {
    sets_unverified_ = false;
    std::map<std::string, std::uint64_t> now_handles;
    for (const auto& s : netlink_->sets(nft::family_inet, nftables_table).value_or(std::vector<nft::SetInfo>{}))
        if (!s.anonymous) now_handles[s.name] = s.handle;
    if (now_handles == set_handles_) return;
    if (changed_by_.empty()) changed_by_ = "a process unknown (while notifications were off or lost)";
    schema_dirty_ = kernel_unknown_ = true;
}

void NftablesBackend::apply_changes() {
    const Usec t = now();
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::pair<const Set*, SetPlan::Changes>> changes;
    std::size_t added = 0, removed = 0, elements = 0;
    for (auto& [name, set] : sets_) {
        if (!set.plan.dirty()) continue;
        changes.emplace_back(&set, set.plan.take_changes(t));
        added += changes.back().second.added;
        removed += changes.back().second.removed;
        elements += changes.back().second.add.size() + changes.back().second.remove.size();
    }
    if (added + removed > 0) {
        send_changes(changes, elements);
        counters_.elements_added += added;
        counters_.elements_removed += removed;
        if (on_applied)
            on_applied(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
    }
    report_rebuild(added, removed);
    backoff_ = std::chrono::seconds(1);
    std::string detail;
    for (const auto& [jail, problem] : jail_problems_) detail += (detail.empty() ? "" : "; ") + problem;
    update_state(detail.empty() ? BackendState::ready : BackendState::degraded, detail);
    // A check after a quiet transaction may have found the table gone: rebuild at once.
    if (schema_dirty_ || kernel_unknown_) schedule_flush();
}

void NftablesBackend::send_changes(std::vector<std::pair<const Set*, SetPlan::Changes>>& changes, std::size_t elements) {
    // ~100 bytes per IPv6 element with its interval end: the chunk keeps a message batch
    // well inside max_transaction_bytes.
    const std::size_t chunk = std::max<std::size_t>(2, options_.max_transaction_bytes / 128);
    const bool quiet = monitor_ && elements >= options_.quiet_transaction_elements;
    std::unique_ptr<nft::Batch> batch;
    auto send = [&] {
        if (!batch || batch->empty()) return;
        const int error = netlink_->apply(*batch);
        batch.reset();
        ++counters_.transactions;
        if (error != 0) {
            ++counters_.failed_transactions;
            kernel_unknown_ = true;
            // Lookups do not see what someone else put in the way (an interval overlapping
            // ours): the next read is a whole dump, however large the set.
            dump_next_read_ = true;
            throw std::system_error(error, std::generic_category(), "nf_tables transaction");
        }
    };
    auto put = [&](const Set& set, const std::vector<nft::SetElement>& list, bool add) {
        in_chunks(list, chunk, [&](const std::vector<nft::SetElement>& part) {
            if (batch && batch->size() >= options_.max_transaction_bytes) send();
            if (!batch) batch = std::make_unique<nft::Batch>(netlink_->take_seq(0));
            if (add) batch->add_elements(nft::family_inet, nftables_table, set.spec.name, part);
            else batch->delete_elements(nft::family_inet, nftables_table, set.spec.name, part);
        });
    };
    if (quiet) monitor_->pause();
    try {
        // Deletions first: a changed timeout is a delete and an add of the same element.
        for (const auto& [set, c] : changes) put(*set, c.remove, false);
        for (const auto& [set, c] : changes) put(*set, c.add, true);
        send();
    } catch (...) {
        if (quiet) monitor_->resume();
        throw;
    }
    if (quiet) {
        monitor_->resume();
        check_sets();
    }
}

void NftablesBackend::report_rebuild(std::size_t added, std::size_t removed) {
    if (!reconciled_) {
        reconciled_ = true;
        std::size_t wanted = 0;
        for (const auto& [name, set] : sets_) wanted += set.plan.wanted();
        log(LOG_INFO, "nftables: table inet banjo reconciled with the bans in force: " +
                          std::to_string(wanted >= added ? wanted - added : 0) + " already in place, " +
                          std::to_string(added) + " added, " + std::to_string(removed) + " removed");
    } else if (!changed_by_.empty() || drift_.missing + drift_.foreign > 0) {
        ++counters_.restores;
        log(LOG_WARNING, "nftables: table inet banjo was changed by " +
                             (changed_by_.empty() ? std::string("a process unknown") : changed_by_) +
                             "; put it back (" + std::to_string(drift_.missing) + " bans missing, " +
                             std::to_string(drift_.foreign) + " elements not banjo's)");
    }
    changed_by_.clear();
    drift_ = {};
}

void NftablesBackend::on_monitor() {
    bool complete = true;
    try {
        complete = monitor_->read([this](const nft::Event& e) { on_event(e); });
    } catch (const std::exception& e) {
        log(LOG_WARNING, std::string("nftables: lost the notification socket (") + e.what() + "); reopening it");
        monitor_source_ = {};
        monitor_.reset();
        complete = false;
    }
    if (!complete) {
        // Notifications were dropped: look at the sets' handles (a full read only if they moved).
        sets_unverified_ = true;
        schedule_flush();
    }
}

void NftablesBackend::on_event(const nft::Event& e) {
    if (e.kind != nft::Event::Kind::generation) {
        if (e.family == nft::family_inet && e.table == nftables_table) touched_ = true;
        return;
    }
    // The changes of one transaction arrive before its NEWGEN, which names the process and
    // carries the port id of the socket that committed it.
    const bool own = std::find(own_port_ids_.begin(), own_port_ids_.end(), e.port_id) != own_port_ids_.end();
    if (touched_ && !own) {
        changed_by_ = (e.process_name.empty() ? std::string("process") : e.process_name) + " (pid " +
                      std::to_string(e.process_id) + ")";
        schema_dirty_ = true;
        kernel_unknown_ = true;
        log(LOG_INFO, "nftables: table inet banjo changed by " + changed_by_ + "; checking it");
        schedule_flush();
    }
    touched_ = false;
}

void NftablesBackend::failed(BackendState state, const std::string& detail) {
    kernel_unknown_ = true;
    view_trusted_ = false;   // a refused transaction left the kernel as it was, not as planned
    update_state(state, detail + " (next try in " + std::to_string(backoff_.count()) + " s)");
    flush_timer_.disarm();
    retry_timer_.arm_in(backoff_);
    backoff_ = std::min(backoff_ * 2, longest_backoff);
}

void NftablesBackend::update_state(BackendState state, std::string detail) {
    const bool changed = state != state_;
    if (changed || detail != detail_)
        log(state == BackendState::ready ? LOG_INFO : LOG_WARNING,
            "nftables backend " + std::string(to_string(state)) + (detail.empty() ? "" : ": " + detail));
    state_ = state;
    detail_ = std::move(detail);
    if (changed && on_state_changed) on_state_changed(state);
}

}  // namespace banjo
