// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/port_translation.hpp"

#include "fail2ban/value_text.hpp"

#include <netdb.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace banjo {
namespace {

bool is_number(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool firewalld_service(const std::string& name, const PortLookup& lookup) {
    std::error_code ec;
    for (const auto& dir : lookup.service_dirs)
        if (std::filesystem::is_regular_file(std::filesystem::path(dir) / (name + ".xml"), ec)) return true;
    return false;
}

}  // namespace

std::vector<std::string> translate_ports(std::string_view value, std::string_view protocol, const PortLookup& lookup,
                                         std::vector<ReportItem>& items, const SourceLocation& where) {
    std::vector<std::string> out;
    std::string proto = to_lower(trim_space(protocol));
    if (proto.empty()) proto = "tcp";
    if (proto != "tcp" && proto != "udp" && proto != "sctp" && proto != "dccp") {
        items.push_back({ItemKind::warning, "protocol = " + proto + ": banjo knows tcp, udp, sctp and dccp; tcp used", where});
        proto = "tcp";
    }
    const std::string suffix = proto == "tcp" ? "" : "/" + proto;
    for (const auto& w : split_words(value, ",")) {
        auto colon = w.find(':');
        if (colon != std::string::npos) {
            std::string a = w.substr(0, colon), b = w.substr(colon + 1);
            if (is_number(a) && is_number(b)) {
                if (std::stol(a) <= 1 && std::stol(b) >= 65535) return {};   // every port
                out.push_back(a + "-" + b + suffix);
                continue;
            }
        } else if (is_number(w)) {
            out.push_back(w + suffix);
            continue;
        } else if (proto == "tcp" && firewalld_service(w, lookup)) {
            out.push_back(w);
            continue;
        } else if (servent* s = ::getservbyname(w.c_str(), proto.c_str())) {
            std::string number = std::to_string(ntohs(static_cast<std::uint16_t>(s->s_port)));
            items.push_back({ItemKind::changed, "port " + w + " is no firewalld service: written as " + number + suffix +
                                                    " (its number in /etc/services)", where});
            out.push_back(number + suffix);
            continue;
        }
        items.push_back({ItemKind::skipped, "port \"" + w + "\": neither a number, a range, a firewalld service nor a name "
                                                             "in /etc/services", where});
    }
    return out;
}

}  // namespace banjo
