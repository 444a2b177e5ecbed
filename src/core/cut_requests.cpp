// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/cut_requests.hpp"

#include <algorithm>
#include <utility>

namespace banjo {

namespace {

std::size_t family_index(Family f) { return f == Family::ipv4 ? 0 : 1; }

}  // namespace

std::uint32_t CutRequests::scope_of(std::string_view jail, const std::vector<PortMatch>& ports) {
    for (std::size_t i = 0; i < scopes_.size(); ++i)
        if (scopes_[i].jail == jail && scopes_[i].ports == ports) return static_cast<std::uint32_t>(i);
    scopes_.push_back(Scope{std::string(jail), ports});
    return static_cast<std::uint32_t>(scopes_.size() - 1);
}

CutRequests::Added CutRequests::add(std::string_view jail, const Cidr& network, const std::vector<PortMatch>& ports,
                                    std::uint64_t sequence) {
    auto head = first_of_.find(network);
    if (head != first_of_.end()) {
        for (std::uint32_t i = head->second; i != none; i = entries_[i].next) {
            Entry& e = entries_[i];
            const Scope& s = scopes_[e.scope];
            if (s.jail == jail && s.ports == ports) {
                e.sequence = std::max(e.sequence, sequence);
                latest_ = std::max(latest_, sequence);
                return Added::coalesced;
            }
        }
    }
    if (entries_.size() >= capacity_) return Added::full;
    Entry e;
    e.network = network;
    e.scope = scope_of(jail, ports);
    e.sequence = sequence;
    const auto index = static_cast<std::uint32_t>(entries_.size());
    if (head != first_of_.end()) {
        e.next = head->second;
        head->second = index;
    } else {
        first_of_.emplace(network, index);
    }
    entries_.push_back(e);
    latest_ = std::max(latest_, sequence);
    const std::size_t f = family_index(network.family());
    ++per_family_[f];
    auto& lengths = lengths_[f];
    if (std::find(lengths.begin(), lengths.end(), network.prefix_len) == lengths.end()) {
        // Longest first: a flow falls under the narrowest ban (a single address before its /64).
        lengths.insert(std::upper_bound(lengths.begin(), lengths.end(), network.prefix_len, std::greater<>()),
                       network.prefix_len);
    }
    return Added::queued;
}

CutRequests CutRequests::take_through(std::uint64_t through) {
    if (latest_ <= through) return std::exchange(*this, empty_like());
    CutRequests taken = empty_like(), kept = empty_like();
    for (const Entry& e : entries_) {
        const Scope& s = scopes_[e.scope];
        (e.sequence <= through ? taken : kept).add(s.jail, e.network, s.ports, e.sequence);
    }
    *this = std::move(kept);
    return taken;
}

std::optional<Family> CutRequests::only_family() const noexcept {
    if (per_family_[0] > 0 && per_family_[1] == 0) return Family::ipv4;
    if (per_family_[1] > 0 && per_family_[0] == 0) return Family::ipv6;
    return std::nullopt;
}

bool CutRequests::allows(const Scope& scope, const FlowOrigin& flow) {
    if (scope.ports.empty()) return true;
    if (!flow.destination_port) return false;
    const std::uint16_t port = *flow.destination_port;
    return std::any_of(scope.ports.begin(), scope.ports.end(), [&](const PortMatch& m) {
        return m.protocol == flow.protocol && port >= m.first && port <= m.last;
    });
}

std::optional<std::size_t> CutRequests::match(const FlowOrigin& flow) const {
    for (std::uint8_t length : lengths_[family_index(flow.source.family())]) {
        const auto network = Cidr::make(flow.source, length);
        if (!network) continue;
        auto head = first_of_.find(*network);
        if (head == first_of_.end()) continue;
        for (std::uint32_t i = head->second; i != none; i = entries_[i].next)
            if (allows(scopes_[entries_[i].scope], flow)) return i;
    }
    return std::nullopt;
}

std::vector<CutRequests::Outcome> CutRequests::outcomes() const {
    std::vector<Outcome> out;
    out.reserve(entries_.size());
    for (const Entry& e : entries_) out.push_back(Outcome{scopes_[e.scope].jail, e.network, e.cut});
    return out;
}

}  // namespace banjo
