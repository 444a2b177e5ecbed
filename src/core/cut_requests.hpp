// SPDX-License-Identifier: GPL-2.0-or-later
// The open flows to cut after bans, gathered into one batch: every network banned since the
// last cut, with the ports its jail limits bans to. A burst of bans is then matched against the
// connection tracking table in one pass instead of one pass per ban (each pass walks the whole
// kernel table). A flow is looked up by its source masked to each prefix length the batch holds
// (one hash lookup while every ban is a single address), then its protocol and destination port
// are checked against the jail's. A second request for a network already waiting with the same
// jail and ports coalesces; the batch holds at most `capacity` requests, so a firewall that stays
// away (bans not confirmed, cuts waiting) cannot grow it without bound. Plain value type, no I/O.
#pragma once

#include "core/cidr.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace banjo {

// Flows whose original direction's destination port lies in [first, last] for one IP protocol
// (IPPROTO_TCP, IPPROTO_UDP...).
struct PortMatch {
    std::uint8_t protocol = 0;
    std::uint16_t first = 0, last = 0;
    friend bool operator==(const PortMatch&, const PortMatch&) = default;
};

// What a tracked flow says of its original direction: who started it, to which port.
struct FlowOrigin {
    Address source;
    std::uint8_t protocol = 0;
    std::optional<std::uint16_t> destination_port;   // none for protocols without ports (ICMP)
};

class CutRequests {
public:
    // ~110 bytes per request at most (entry, index node): 65,536 requests stay under 8 MB.
    static constexpr std::size_t default_capacity = 65'536;

    // hash_seed: the networks are chosen by attackers (see AddressHash): a random seed.
    explicit CutRequests(std::size_t capacity = default_capacity, std::uint64_t hash_seed = 0)
        : capacity_(capacity), first_of_(0, CidrHash{hash_seed}) {}

    enum class Added { queued, coalesced, full };
    // The network's flows (ports empty), or those to one of `ports`, are to be cut once the ban
    // asked at `sequence` (the caller's count of requests, growing) holds: see take_through.
    Added add(std::string_view jail, const Cidr& network, const std::vector<PortMatch>& ports, std::uint64_t sequence);

    // Removes and returns the requests whose latest sequence is at most `through` (a coalesced
    // request waits for the latest ban that asked for it).
    CutRequests take_through(std::uint64_t through);

    std::size_t size() const noexcept { return entries_.size(); }
    bool empty() const noexcept { return entries_.empty(); }
    // The family all requests are of; nullopt when both are present (or none).
    std::optional<Family> only_family() const noexcept;

    // The request the flow falls under: its source inside the network and, when the jail has
    // ports, its protocol and destination port among them. The first such request wins.
    std::optional<std::size_t> match(const FlowOrigin& flow) const;
    void count_cut(std::size_t request) { ++entries_.at(request).cut; }

    struct Outcome {
        std::string_view jail;
        Cidr network;
        std::size_t cut = 0;
    };
    std::vector<Outcome> outcomes() const;

private:
    struct Scope {
        std::string jail;
        std::vector<PortMatch> ports;   // empty: every flow
    };
    static constexpr std::uint32_t none = UINT32_MAX;
    struct Entry {
        Cidr network;
        std::uint32_t scope = 0;
        std::uint32_t next = none;   // the next request for the same network (another scope)
        std::uint64_t sequence = 0;
        std::size_t cut = 0;
    };

    std::uint32_t scope_of(std::string_view jail, const std::vector<PortMatch>& ports);
    static bool allows(const Scope& scope, const FlowOrigin& flow);
    CutRequests empty_like() const { return CutRequests(capacity_, first_of_.hash_function().seed); }

    std::size_t capacity_;
    std::vector<Scope> scopes_;   // one per jail and ports: a handful
    std::vector<Entry> entries_;
    std::unordered_map<Cidr, std::uint32_t, CidrHash> first_of_;   // network -> its first entry
    std::vector<std::uint8_t> lengths_[2];   // prefix lengths present, per family (v4, v6)
    std::size_t per_family_[2] = {0, 0};
    std::uint64_t latest_ = 0;   // the highest sequence held
};

}  // namespace banjo
