// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/connection_cutter.hpp"

#include "firewall/nftables_ruleset.hpp"
#include "lib/sd/log.hpp"

#include <algorithm>
#include <ctime>
#include <netinet/in.h>
#include <random>
#include <syslog.h>

namespace banjo {

namespace {

using namespace std::chrono_literals;

// A pass may use 1/50 of the time until the next one; a slow one never delays cuts beyond 1 s.
constexpr int pass_spacing_factor = 50;
constexpr auto max_pass_spacing = std::chrono::microseconds(1s);

std::chrono::microseconds thread_cpu_time() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::nanoseconds(ts.tv_nsec));
}

std::uint64_t random_seed() {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
}

}  // namespace

std::vector<PortMatch> conntrack_ports(const std::vector<std::string>& ports) {
    std::vector<PortMatch> out;
    for (const PortRange& r : resolve_ports(ports).ranges) {
        std::uint8_t protocol = IPPROTO_TCP;
        if (r.protocol == "udp") protocol = IPPROTO_UDP;
        else if (r.protocol == "sctp") protocol = IPPROTO_SCTP;
        else if (r.protocol == "dccp") protocol = IPPROTO_DCCP;
        out.push_back({protocol, r.first, r.last});
    }
    return out;
}

ConnectionCutter::ConnectionCutter(sd::Event& loop, WhenApplied when_applied)
    : loop_(loop), when_applied_(std::move(when_applied)), waiting_(CutRequests::default_capacity, random_seed()) {}

ConnectionCutter::~ConnectionCutter() = default;

const std::vector<PortMatch>& ConnectionCutter::resolved(const std::vector<std::string>& ports) {
    auto it = resolved_.find(ports);
    if (it != resolved_.end()) return it->second;
    if (resolved_.size() >= 64) resolved_.clear();   // reloads changed the jails' ports many times
    return resolved_.emplace(ports, conntrack_ports(ports)).first->second;
}

void ConnectionCutter::cut(const std::string& jail, const Cidr& network, const std::vector<std::string>& ports) {
    const std::vector<PortMatch>& matches = resolved(ports);
    if (!ports.empty() && matches.empty()) return;   // no port it knows: cutting every flow would be wrong
    if (waiting_.add(jail, network, matches, ++sequence_) == CutRequests::Added::full) {
        if (dropped_++ == 0)
            sd::log(LOG_WARNING, "Too many bans wait for their open connections to be cut (" +
                                     std::to_string(waiting_.size()) +
                                     ", the firewall has not confirmed them yet): the open connections of further banned "
                                     "addresses stay until they end; the bans still apply to new connections",
                    {{"BANJO_JAIL", jail}, {"BANJO_ADDRESS", network.to_string()}});
        return;
    }
    ask_firewall();
}

// One when_applied() at a time, however many bans come: when it answers, every cut asked for
// before it went out may run, and another goes out for those asked for since.
void ConnectionCutter::ask_firewall() {
    if (asking_) {
        ask_again_ = true;
        return;
    }
    asking_ = true;
    when_applied_([this, through = sequence_] {
        asking_ = false;
        applied_through_ = std::max(applied_through_, through);
        schedule_pass();
        if (ask_again_) {
            ask_again_ = false;
            ask_firewall();
        }
    });
}

void ConnectionCutter::schedule_pass() {
    if (!pass_timer_) pass_timer_ = loop_.add_timer([this] { pass(); });
    if (pass_timer_.armed()) return;
    const auto wait = std::chrono::duration_cast<std::chrono::microseconds>(next_pass_ - std::chrono::steady_clock::now());
    pass_timer_.arm_in(std::max(wait, std::chrono::microseconds(0)));
}

void ConnectionCutter::pass() {
    CutRequests batch = waiting_.take_through(applied_through_);
    if (dropped_ > 0 && waiting_.empty()) {
        sd::log(LOG_NOTICE, "The queue of connection cuts has room again; " + std::to_string(dropped_) +
                                " banned addresses kept their open connections");
        dropped_ = 0;
    }
    if (batch.empty()) return;
    const auto cpu_before = thread_cpu_time();
    std::size_t total = 0;
    try {
        if (!table_) table_ = std::make_unique<conntrack::ConntrackTable>();
        const auto deleted =
            table_->delete_flows(batch.only_family(), [&batch](const FlowOrigin& flow) { return batch.match(flow); });
        for (std::size_t request : deleted) batch.count_cut(request);
        total = deleted.size();
        reported_failure_ = false;
    } catch (const std::exception& e) {
        table_.reset();
        if (!reported_failure_)
            sd::log(LOG_WARNING, std::string("Cannot cut the open connections of banned addresses: ") + e.what() +
                                     " (banjod needs CAP_NET_ADMIN and the nf_conntrack module); bans still apply to new connections");
        reported_failure_ = true;
        return;
    }
    const auto cost = thread_cpu_time() - cpu_before;
    next_pass_ = std::chrono::steady_clock::now() + std::min<std::chrono::microseconds>(cost * pass_spacing_factor, max_pass_spacing);
    for (const CutRequests::Outcome& o : batch.outcomes()) {
        if (o.cut == 0) continue;
        const std::string jail(o.jail), network = o.network.to_string();
        sd::log(LOG_INFO, "Cut " + std::to_string(o.cut) + " open connection" + (o.cut == 1 ? "" : "s") + " of " + network + " (jail " + jail + ")",
                {{"BANJO_JAIL", jail}, {"BANJO_ADDRESS", network}, {"BANJO_CUT_FLOWS", std::to_string(o.cut)}});
    }
    sd::log(LOG_DEBUG, "One pass over the connection tracking table for " + std::to_string(batch.size()) + " banned network" +
                           (batch.size() == 1 ? "" : "s") + ": " + std::to_string(total) + " flow" + (total == 1 ? "" : "s") +
                           " cut, " + std::to_string(cost.count()) + " us of CPU",
            {{"BANJO_CUT_NETWORKS", std::to_string(batch.size())}, {"BANJO_CUT_FLOWS", std::to_string(total)}});
}

}  // namespace banjo
