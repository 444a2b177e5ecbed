// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/nftables_ruleset.hpp"

#include "firewall/firewalld_rules.hpp"

#include <charconv>
#include <netdb.h>

namespace banjo {

namespace {

std::optional<std::uint16_t> port_number(std::string_view text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || text[0] == '0' || value < 1 ||
        value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

bool valid_protocol(std::string_view p) { return p == "tcp" || p == "udp" || p == "sctp" || p == "dccp"; }

bool service_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Services database lookups (getservbyname reads /etc/services through NSS).
std::vector<PortRange> service_ports(std::string_view name) {
    std::vector<PortRange> out;
    if (name.empty() || name.size() > 64) return out;
    for (char c : name)
        if (!service_char(c)) return out;
    const std::string text(name);
    for (const char* protocol : {"tcp", "udp", "sctp", "dccp"}) {
        if (const servent* s = getservbyname(text.c_str(), protocol)) {
            const auto port = static_cast<std::uint16_t>(ntohs(static_cast<std::uint16_t>(s->s_port)));
            out.push_back(PortRange{protocol, port, port});
        }
    }
    return out;
}

std::string set_ref(const NftablesSet& s) {
    return std::string(s.family == Family::ipv4 ? "ip saddr @" : "ip6 saddr @") + s.name;
}

std::string port_text(const PortRange& r) {
    return r.last == r.first ? std::to_string(r.first) : std::to_string(r.first) + "-" + std::to_string(r.last);
}

std::string port_list(const std::vector<PortRange>& ranges, const std::string& protocol) {
    std::string list;
    for (const PortRange& r : ranges) {
        if (r.protocol != protocol) continue;
        if (!list.empty()) list += ", ";
        list += port_text(r);
    }
    return list;
}

// The verdict for a packet of `protocol` ("" = any): reject answers TCP with a reset.
std::vector<std::string> verdicts(Block block, const std::string& protocol) {
    if (block == Block::drop) return {"drop"};
    if (protocol == "tcp") return {"reject with tcp reset"};
    if (protocol.empty()) return {"meta l4proto tcp reject with tcp reset", "reject with icmpx type port-unreachable"};
    return {"reject with icmpx type port-unreachable"};
}

}  // namespace

ResolvedPorts resolve_ports(const std::vector<std::string>& ports) {
    ResolvedPorts out;
    for (const std::string& entry : ports) {
        std::string_view number = entry, protocol = "tcp";
        if (auto slash = entry.find('/'); slash != std::string::npos) {
            number = std::string_view(entry).substr(0, slash);
            protocol = std::string_view(entry).substr(slash + 1);
        }
        if (!valid_protocol(protocol)) {
            out.unknown.push_back(entry);
            continue;
        }
        if (!number.empty() && number[0] >= '0' && number[0] <= '9') {
            auto dash = number.find('-');
            auto first = port_number(number.substr(0, dash));
            auto last = dash == std::string_view::npos ? first : port_number(number.substr(dash + 1));
            if (!first || !last || *last < *first) {
                out.unknown.push_back(entry);
                continue;
            }
            out.ranges.push_back(PortRange{std::string(protocol), *first, *last});
            continue;
        }
        auto found = service_ports(number);
        if (found.empty()) {
            out.unknown.push_back(entry);
            continue;
        }
        // "ssh/udp": only the named protocol; "ssh": every protocol the service is listed for.
        for (PortRange& r : found)
            if (entry.find('/') == std::string::npos || r.protocol == protocol) out.ranges.push_back(std::move(r));
    }
    return out;
}

std::string nftables_set_name(std::string_view jail, Family family) { return firewalld_ipset_name(jail, family); }

std::string nftables_schema(const std::vector<NftablesSet>& sets, const std::vector<std::string>& stale_sets,
                            NftablesHooks hooks) {
    const std::string table = std::string("inet ") + nftables_table;
    const std::string hook_options =
        " { type filter hook %s priority " + std::to_string(nftables_priority) + "; policy accept; }\n";
    std::string text = "add table " + table + "\n";
    for (const NftablesSet& s : sets)
        text += "add set " + table + " " + s.name + " { type " + (s.family == Family::ipv4 ? "ipv4_addr" : "ipv6_addr") +
                "; flags interval, timeout; }\n";
    text += "add chain " + table + " bans\n";
    for (const char* hook : {"input", "forward"}) {
        std::string options = hook_options;
        options.replace(options.find("%s"), 2, hook);
        text += "add chain " + table + " " + hook + options;
    }
    for (const char* chain : {"input", "forward", "bans"}) text += "flush chain " + table + " " + chain + "\n";
    text += "add rule " + table + " forward jump bans\n";
    if (hooks == NftablesHooks::input_and_forward)
        text += "add rule " + table + " input jump bans\n";
    else
        text += "delete chain " + table + " input\n";   // added and flushed above, so it exists
    const std::string rule = "add rule " + table + " bans ";
    for (const NftablesSet& s : sets) {
        if (s.ports.empty()) {
            for (const std::string& v : verdicts(s.block, "")) text += rule + set_ref(s) + " " + v + "\n";
            continue;
        }
        for (const char* protocol : {"tcp", "udp", "sctp", "dccp"}) {
            const std::string list = port_list(s.ports, protocol);
            if (list.empty()) continue;
            for (const std::string& v : verdicts(s.block, protocol)) {
                const std::string match = set_ref(s) + " meta l4proto " + protocol;
                text += rule + match + " th dport { " + list + " } " + v + "\n";
                // One rule per range: nft 1.0.6 lists an inline set of conntrack ports as
                // "0x50 [invalid type]" (it matches right, but reads wrong).
                for (const PortRange& r : s.ports)
                    if (r.protocol == protocol)
                        text += rule + match + " ct original proto-dst " + port_text(r) + " " + v + "\n";
            }
        }
    }
    for (const std::string& name : stale_sets) text += "delete set " + table + " " + name + "\n";
    return text;
}

}  // namespace banjo
