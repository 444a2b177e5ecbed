// SPDX-License-Identifier: GPL-2.0-or-later
// One entry of an ignore list as an administrator writes it: an address, a network (CIDR) or a
// host name to resolve. The host-name check is syntax only (RFC 1123 labels); resolving is the
// daemon's, off the event loop. No I/O.
#pragma once

#include "core/cidr.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace banjo {

struct HostName {
    std::string name;   // lower case, without a trailing dot
    friend bool operator==(const HostName&, const HostName&) = default;
};

using IgnoreEntry = std::variant<Cidr, HostName>;

// Letters, digits and '-' in labels of 1 to 63, joined by '.', at most 253 characters; a
// trailing dot is allowed. A name whose last label is all digits is refused: it is a mistyped
// address, not a name.
bool is_host_name(std::string_view text) noexcept;

// An address or CIDR first, else a host name; nullopt when the text is neither.
std::optional<IgnoreEntry> parse_ignore_entry(std::string_view text);

// Where an ignore-list hit came from, for banjoctl why: the entry that holds the address and
// the source that put it there ("ignore", "host name admin.example.org",
// "ignore-file /etc/banjo/ignore.txt:3", "ignore-command").
struct IgnoreHit {
    Cidr entry;
    std::string source;
    friend bool operator==(const IgnoreHit&, const IgnoreHit&) = default;
};

}  // namespace banjo
