// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/firewalld_rules.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>

namespace banjo {

namespace {

constexpr std::size_t ipset_name_max = 32;   // IPSET_MAXNAMELEN in firewalld

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::uint32_t fnv1a(std::string_view text) {
    std::uint32_t h = 2166136261u;
    for (unsigned char c : text) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

bool valid_port_number(std::string_view text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty() && text[0] != '0' &&
           value >= 1 && value <= 65535;
}

bool valid_port_range(std::string_view text) {
    auto dash = text.find('-');
    if (dash == std::string_view::npos)
        return valid_port_number(text);
    return valid_port_number(text.substr(0, dash)) && valid_port_number(text.substr(dash + 1));
}

// firewalld service names: letters, digits, '_' and '-' (services/*.xml file names).
bool valid_service(std::string_view text) {
    if (text.empty() || text.size() > 64)
        return false;
    for (char c : text)
        if (!name_char(c))
            return false;
    return true;
}

}  // namespace

std::string firewalld_ipset_name(std::string_view jail, Family family, bool networks) {
    const std::string suffix = std::string(family == Family::ipv4 ? "4" : "6") + (networks ? "n" : "");
    if (jail.empty())
        return std::string("banjo") + suffix;
    std::string folded;
    bool changed = false;
    for (char c : jail) {
        folded += name_char(c) ? c : '_';
        changed |= !name_char(c);
    }
    std::string name = "banjo-" + folded + suffix;
    if (!changed && name.size() <= ipset_name_max)
        return name;
    char hash[10];
    std::snprintf(hash, sizeof hash, "_%08x", static_cast<unsigned>(fnv1a(jail)));
    std::size_t room = ipset_name_max - 6 - 9 - suffix.size();
    return "banjo-" + folded.substr(0, room) + hash + suffix;
}

std::optional<std::string> firewalld_rule_element(std::string_view port) {
    std::string_view number = port, protocol = "tcp";
    if (auto slash = port.find('/'); slash != std::string_view::npos) {
        number = port.substr(0, slash);
        protocol = port.substr(slash + 1);
        if (protocol != "tcp" && protocol != "udp" && protocol != "sctp" && protocol != "dccp")
            return std::nullopt;
    } else if (!port.empty() && !(port[0] >= '0' && port[0] <= '9')) {
        if (!valid_service(port))
            return std::nullopt;
        return "service name=\"" + std::string(port) + "\"";
    }
    if (!valid_port_range(number))
        return std::nullopt;
    return "port port=\"" + std::string(number) + "\" protocol=\"" + std::string(protocol) + "\"";
}

std::string firewalld_rich_rule(Family family, std::string_view ipset, std::string_view element) {
    std::string rule = "rule family=\"";
    rule += family == Family::ipv4 ? "ipv4" : "ipv6";
    rule += "\" source ipset=\"";
    rule += ipset;
    rule += "\" ";
    rule += element;
    rule += " drop";
    return rule;
}

namespace {

constexpr std::string_view tcp_reset = "reject type=\"tcp-reset\"";
constexpr std::string_view tcp_only = "protocol value=\"tcp\"";

std::string_view unreachable(Family family) {
    return family == Family::ipv4 ? "reject type=\"icmp-port-unreachable\"" : "reject type=\"icmp6-port-unreachable\"";
}

std::string rule_head(Family family, std::string_view ipset, bool first) {
    std::string rule = first ? "rule priority=\"-1\" family=\"" : "rule family=\"";
    rule += family == Family::ipv4 ? "ipv4" : "ipv6";
    rule += "\" source ipset=\"";
    rule += ipset;
    rule += "\" ";
    return rule;
}

bool ends_with(std::string_view text, std::string_view end) {
    return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

}  // namespace

std::vector<std::string> firewalld_jail_rules(Family family, std::string_view ipset,
                                              const std::vector<std::string>& elements, BlockAction block) {
    std::vector<std::string> rules;
    if (elements.empty()) {
        if (block == BlockAction::reject) {
            // Both land in the zone's chains ahead of its allow rules; priority -1 puts the
            // reset in the zone's "pre" chain, before the catch-all in "deny".
            rules.push_back(rule_head(family, ipset, true) + std::string(tcp_only) + " " + std::string(tcp_reset));
            rules.push_back(rule_head(family, ipset, false) + std::string(unreachable(family)));
        }
        return rules;
    }
    for (const auto& element : elements) {
        std::string rule = rule_head(family, ipset, false) + element + " ";
        if (block == BlockAction::drop)
            rule += "drop";
        else if (ends_with(element, "protocol=\"tcp\""))
            rule += tcp_reset;
        else
            rule += unreachable(family);
        rules.push_back(std::move(rule));
    }
    return rules;
}

std::optional<std::string> banjo_jail_rule_ipset(std::string_view rule) {
    constexpr std::string_view priority = "rule priority=\"-1\" family=\"ipv";
    constexpr std::string_view plain = "rule family=\"ipv";
    constexpr std::string_view source = "\" source ipset=\"";
    bool first = false;
    if (rule.substr(0, priority.size()) == priority) {
        first = true;
        rule.remove_prefix(priority.size());
    } else if (rule.substr(0, plain.size()) == plain) {
        rule.remove_prefix(plain.size());
    } else {
        return std::nullopt;
    }
    if (rule.empty() || (rule[0] != '4' && rule[0] != '6')) return std::nullopt;
    const Family family = rule[0] == '4' ? Family::ipv4 : Family::ipv6;
    rule.remove_prefix(1);
    if (rule.substr(0, source.size()) != source) return std::nullopt;
    rule.remove_prefix(source.size());
    const std::size_t name_end = rule.find('"');
    if (name_end == std::string_view::npos || name_end + 1 >= rule.size() || rule[name_end + 1] != ' ')
        return std::nullopt;
    const std::string_view ipset = rule.substr(0, name_end);
    if (ipset.substr(0, 6) != "banjo-") return std::nullopt;
    const std::string_view tail = rule.substr(name_end + 2);
    // The tail must be what firewalld_jail_rules() writes for some block action and port
    // entry, and nothing more.
    if (first) {
        if (tail != std::string(tcp_only) + " " + std::string(tcp_reset)) return std::nullopt;
        return std::string(ipset);
    }
    if (tail == unreachable(family)) return std::string(ipset);
    std::string_view element;
    for (std::string_view action : {std::string_view("drop"), tcp_reset, unreachable(family)})
        if (ends_with(tail, action) && tail.size() > action.size() + 1 && tail[tail.size() - action.size() - 1] == ' ') {
            element = tail.substr(0, tail.size() - action.size() - 1);
            break;
        }
    if (element.empty()) return std::nullopt;
    std::string spec;
    constexpr std::string_view service = "service name=\"", port = "port port=\"", protocol = "\" protocol=\"";
    if (element.substr(0, service.size()) == service) {
        spec = element.substr(service.size(), element.size() - service.size() - 1);
    } else if (element.substr(0, port.size()) == port) {
        const std::string_view rest = element.substr(port.size());
        const std::size_t cut = rest.find(protocol);
        if (cut == std::string_view::npos) return std::nullopt;
        spec = std::string(rest.substr(0, cut)) + "/" +
               std::string(rest.substr(cut + protocol.size(), rest.size() - cut - protocol.size() - 1));
    } else {
        return std::nullopt;
    }
    if (firewalld_rule_element(spec) != element) return std::nullopt;
    return std::string(ipset);
}

std::string_view firewalld_error_code(std::string_view message) noexcept {
    auto colon = message.find(':');
    return colon == std::string_view::npos ? message : message.substr(0, colon);
}

}  // namespace banjo
