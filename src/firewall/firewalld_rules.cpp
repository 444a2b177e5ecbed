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

std::string firewalld_ipset_name(std::string_view jail, Family family) {
    const char* suffix = family == Family::ipv4 ? "4" : "6";
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
    std::size_t room = ipset_name_max - 6 - 9 - 1;
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

std::string_view firewalld_error_code(std::string_view message) noexcept {
    auto colon = message.find(':');
    return colon == std::string_view::npos ? message : message.substr(0, colon);
}

}  // namespace banjo
