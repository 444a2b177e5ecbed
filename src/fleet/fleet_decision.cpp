// SPDX-License-Identifier: GPL-2.0-or-later
#include "fleet/fleet_decision.hpp"

#include "core/input_excerpt.hpp"
#include "fleet/fleet_settings.hpp"

#include <charconv>
#include <map>

namespace banjo {

namespace {

std::optional<std::uint64_t> parse_u64(std::string_view text) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

bool is_jail_name(std::string_view name) {
    if (name.empty() || name.size() > 24) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    return name[0] != '-' && name[0] != '_';
}

}  // namespace

FleetDecision::Fields FleetDecision::to_fields() const {
    Fields f{{"kind", kind == Kind::ban ? "ban" : "unban"},
             {"host", host},
             {"jail", jail},
             {"address", address.to_string()}};
    if (kind == Kind::ban) {
        f.emplace_back("banned", std::to_string(banned.count()));
        f.emplace_back("expires", expires == infinite_usec ? "infinity" : std::to_string(expires.count()));
        f.emplace_back("failures", std::to_string(failures));
    }
    return f;
}

std::optional<FleetDecision> FleetDecision::parse(const Fields& fields, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<FleetDecision> {
        if (error) *error = why;
        return std::nullopt;
    };
    std::map<std::string, std::string, std::less<>> by_name;
    for (const auto& [k, v] : fields) {
        if (by_name.size() > 16) return fail("too many fields");
        if (!by_name.emplace(k, v).second) return fail("field '" + input_excerpt(k) + "' twice");
    }
    auto field = [&](std::string_view name) -> const std::string* {
        auto it = by_name.find(name);
        return it == by_name.end() ? nullptr : &it->second;
    };
    FleetDecision d;
    const std::string* kind = field("kind");
    if (!kind || (*kind != "ban" && *kind != "unban")) return fail("no kind ban or unban");
    d.kind = *kind == "ban" ? Kind::ban : Kind::unban;
    const std::string* host = field("host");
    if (!host || !is_fleet_host_name(*host)) return fail("no valid host");
    d.host = *host;
    const std::string* jail = field("jail");
    if (!jail || !is_jail_name(*jail)) return fail("no valid jail");
    d.jail = *jail;
    const std::string* address = field("address");
    auto a = address ? Cidr::parse(*address) : std::nullopt;
    if (!a) return fail("no valid address");
    d.address = *a;
    if (d.kind == Kind::unban) return d;
    const std::string* banned = field("banned");
    const std::string* expires = field("expires");
    const std::string* failures = field("failures");
    auto b = banned ? parse_u64(*banned) : std::nullopt;
    if (!b || *b > static_cast<std::uint64_t>(INT64_MAX)) return fail("no valid banned time");
    d.banned = Usec(static_cast<std::int64_t>(*b));
    if (expires && *expires == "infinity") {
        d.expires = infinite_usec;
    } else {
        auto e = expires ? parse_u64(*expires) : std::nullopt;
        if (!e || *e > static_cast<std::uint64_t>(INT64_MAX) || Usec(static_cast<std::int64_t>(*e)) < d.banned)
            return fail("no valid expiry");
        d.expires = Usec(static_cast<std::int64_t>(*e));
    }
    auto n = failures ? parse_u64(*failures) : std::nullopt;
    if (!n || *n > UINT32_MAX) return fail("no valid failure count");
    d.failures = static_cast<std::uint32_t>(*n);
    return d;
}

std::optional<StreamId> StreamId::parse(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto ms = parse_u64(text.substr(0, dash));
    auto seq = parse_u64(text.substr(dash + 1));
    if (!ms || !seq) return std::nullopt;
    return StreamId{*ms, *seq};
}

std::string StreamId::to_string() const { return std::to_string(ms) + "-" + std::to_string(seq); }

}  // namespace banjo
