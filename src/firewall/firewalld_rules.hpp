// SPDX-License-Identifier: GPL-2.0-or-later
// The names and rule texts banjo gives firewalld: ipset names per family and jail, rich rules
// for port-limited jails, and the error code inside firewalld's one D-Bus exception. Pure
// functions, no D-Bus.
#pragma once

#include "core/address.hpp"
#include "core/block_action.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// "banjo4"/"banjo6" for all-ports bans (empty jail), "banjo-<jail>4"/"...6" for a port-limited
// jail. firewalld allows [alnum _ - : .] and 32 characters; a jail name outside [A-Za-z0-9_-] or
// too long is folded and suffixed with a stable hash, so distinct jails keep distinct sets.
// `networks`: the hash:net ipset for prefix bans ("banjo6n", "banjo-<jail>6n").
std::string firewalld_ipset_name(std::string_view jail, Family family, bool networks = false);

// The rich rule element for one entry of a jail's ports: `service name="ssh"` for a service,
// `port port="22" protocol="tcp"` for "22/tcp" ("22" and "1000-2000" default to tcp).
// nullopt if the text is neither (it could otherwise inject rule syntax).
std::optional<std::string> firewalld_rule_element(std::string_view port);

// rule family="ipv4" source ipset="banjo-sshd4" service name="ssh" drop
std::string firewalld_rich_rule(Family family, std::string_view ipset, std::string_view element);

// The rules of one jail ipset of a jail that drops or rejects: one per port element (drop;
// reject type="tcp-reset" for a TCP port, ICMP/ICMPv6 port-unreachable for other protocols and
// for services, whose protocols firewalld knows, not banjo), or, for every port, a priority -1
// rule that resets TCP and one that answers the rest with port-unreachable.
std::vector<std::string> firewalld_jail_rules(Family family, std::string_view ipset,
                                              const std::vector<std::string>& elements, BlockAction block);

// The ipset a rich rule names if the rule is exactly one banjo writes for a jail
// (firewalld_jail_rules() over a banjo-<jail> ipset); nullopt for any other rule, so a rule an
// administrator wrote is never taken for banjo's.
std::optional<std::string> banjo_jail_rule_ipset(std::string_view rule);

// Every firewalld failure is the D-Bus error org.fedoraproject.FirewallD1.Exception with the
// code before the first ':' of the message ("ALREADY_ENABLED: '...' already in 'banjo4'").
std::string_view firewalld_error_code(std::string_view message) noexcept;

}  // namespace banjo
