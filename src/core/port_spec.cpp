// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/port_spec.hpp"

#include "core/input_excerpt.hpp"

#include <algorithm>

namespace banjo {

namespace {

constexpr std::size_t max_service_name = 64;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

bool is_protocol(std::string_view p) {
    return std::find(std::begin(port_protocols), std::end(port_protocols), p) != std::end(port_protocols);
}

// firewalld's service file names and /etc/services names: letters, digits, '-' and '_'. Nothing
// that could end the quoted name in `service name="..."` and start rule syntax of its own.
bool is_service_name(std::string_view s) {
    if (s.empty() || s.size() > max_service_name || s[0] == '-' || s[0] == '_') return false;
    bool letter = false;
    for (char c : s) {
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        letter |= alpha;
        if (!alpha && !is_digit(c) && c != '-' && c != '_') return false;
    }
    return letter;
}

// A port number (digits only) as firewalld and nftables take it; the error says what is wrong.
bool read_port(std::string_view s, unsigned& out, std::string& error) {
    if (s.size() > 1 && s[0] == '0') {
        error = "port \"" + input_excerpt(s) + "\" has a leading zero: write it without";
        return false;
    }
    unsigned v = 0;
    for (char c : s) v = s.size() > 5 ? 65536 : v * 10 + static_cast<unsigned>(c - '0');
    if (v < 1 || v > 65535) {
        error = "port " + input_excerpt(s) + " is out of range (1-65535)";
        return false;
    }
    out = v;
    return true;
}

PortResolution failure(std::string message) { return PortResolution{{}, std::move(message)}; }

// Numbers are kept as written once checked: the backend reads "22" as tcp, as firewalld does.
PortResolution resolve_numbers(std::string_view entry, std::string_view body) {
    std::string error;
    unsigned first = 0, last = 0;
    const auto dash = body.find('-');
    if (!all_digits(body.substr(0, dash)) || (dash != std::string_view::npos && !all_digits(body.substr(dash + 1))))
        return failure("\"" + input_excerpt(body) + "\" is not a port (1-65535) or a range of ports (FIRST-LAST)");
    if (!read_port(body.substr(0, dash), first, error)) return failure(error);
    if (dash != std::string_view::npos) {
        if (!read_port(body.substr(dash + 1), last, error)) return failure(error);
        // firewalld would quietly swap the ends; a reversed range is more likely a typo.
        if (first > last)
            return failure("port range " + std::string(body) + " runs backwards: write " + std::to_string(last) + "-" +
                           std::to_string(first));
    }
    return PortResolution{{std::string(entry)}, {}};
}

PortResolution resolve_service(std::string_view name, std::string_view protocol, const ServiceCatalog& services) {
    // firewalld expands a service itself, with its own protocols and helpers; a rich rule
    // cannot narrow it to one protocol, so "NAME/PROTOCOL" always goes through /etc/services.
    if (protocol.empty() && services.is_firewalld_service(name)) return PortResolution{{std::string(name)}, {}};
    PortResolution r;
    for (const ServicePort& p : services.ports_of(name)) {
        if (!is_protocol(p.protocol) || (!protocol.empty() && p.protocol != protocol) || p.port == 0) continue;
        std::string entry = std::to_string(p.port) + "/" + p.protocol;
        if (std::find(r.ports.begin(), r.ports.end(), entry) == r.ports.end()) r.ports.push_back(std::move(entry));
    }
    if (!r.ports.empty()) return r;
    if (!protocol.empty())
        return failure("\"" + std::string(name) + "/" + std::string(protocol) + "\": /etc/services lists no " +
                       std::string(protocol) + " port for '" + std::string(name) + "'" +
                       (services.is_firewalld_service(name) ? " (a firewalld service cannot be narrowed to one "
                                                              "protocol: write \"" + std::string(name) + "\")"
                                                            : ""));
    return failure("unknown service '" + std::string(name) +
                   "': neither a firewalld service (services/" + std::string(name) +
                   ".xml in /usr/lib/firewalld or /etc/firewalld) nor a name in /etc/services");
}

}  // namespace

PortResolution resolve_port(std::string_view entry, const ServiceCatalog& services) {
    if (entry.empty()) return failure("an empty port");
    std::string_view body = entry, protocol;
    if (const auto slash = entry.find('/'); slash != std::string_view::npos) {
        body = entry.substr(0, slash);
        protocol = entry.substr(slash + 1);
        if (!is_protocol(protocol))
            return failure("\"" + input_excerpt(entry) + "\": the protocol must be tcp, udp, sctp or dccp (what "
                                                          "firewalld takes for a port)");
    }
    if (!body.empty() && body.find_first_not_of("0123456789-") == std::string_view::npos)
        return resolve_numbers(entry, body);
    if (!is_service_name(body))
        return failure("\"" + input_excerpt(entry) + "\" is not a service name, port or port range "
                                                      "(PORT[-PORT][/PROTOCOL])");
    return resolve_service(body, protocol, services);
}

}  // namespace banjo
