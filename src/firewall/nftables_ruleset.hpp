// SPDX-License-Identifier: GPL-2.0-or-later
// What banjo puts in nftables: table `inet banjo`, one interval+timeout set per family for
// all-ports bans (banjo4, banjo6) and per family for each port-limited jail (banjo-<jail>4/6,
// the names the firewalld backend gives its ipsets), base chains `input` and `forward` at
// priority filter - 10 that jump to chain `bans`, whose rules match the sets. Pure text, no I/O
// except the services database for port names.
//
// Why input AND forward, and why both dport and ct original proto-dst: a published container
// or VM port is DNAT'd in prerouting, so the packet reaches the forward hook, not input. DNAT
// rewrites only the destination: forward still sees the attacker's source address, but the
// destination port there is the container's, not the published one. A jail's ports match
// either (`th dport` after DNAT, `ct original proto-dst` before it).
#pragma once

#include "core/address.hpp"
#include "core/block_action.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

inline constexpr const char* nftables_table = "banjo";   // family inet
// Before every filter chain at the standard priority 0 (iptables-nft, Docker) and firewalld's
// filter_INPUT/filter_FORWARD (filter + 10); after conntrack (-200) and mangle (-150).
inline constexpr int nftables_priority = -10;

// What a banned packet gets. reject: TCP reset for TCP, ICMP/ICMPv6 port-unreachable else.
using Block = BlockAction;

struct PortRange {
    std::string protocol;   // tcp, udp, sctp, dccp
    std::uint16_t first = 0, last = 0;
    friend bool operator==(const PortRange&, const PortRange&) = default;
};

struct ResolvedPorts {
    std::vector<PortRange> ranges;
    std::vector<std::string> unknown;   // entries that are neither a port nor a known service
};

// A jail's `ports` entries: "22", "8000-8100/udp", or a service name from the services
// database ("ssh": every protocol it is listed for).
ResolvedPorts resolve_ports(const std::vector<std::string>& ports);

struct NftablesSet {
    std::string name;
    Family family = Family::ipv4;
    std::vector<PortRange> ports;   // empty: all traffic
    Block block = Block::drop;
};

// The set names: the same as the firewalld backend's ipsets.
std::string nftables_set_name(std::string_view jail, Family family);

// The hooks banjo's chains take: input and forward (the nftables backend), or forward only
// (the forward guard beside the firewalld backend, where firewalld covers input itself).
enum class NftablesHooks { input_and_forward, forward_only };

// One libnftables transaction that makes table inet banjo hold exactly these sets (created
// when missing, elements kept), the chains, and the rules for them; `stale_sets` are
// deleted. Idempotent: running it twice changes nothing. forward_only removes an input chain
// an earlier nftables backend left.
std::string nftables_schema(const std::vector<NftablesSet>& sets, const std::vector<std::string>& stale_sets,
                            NftablesHooks hooks = NftablesHooks::input_and_forward);

}  // namespace banjo
