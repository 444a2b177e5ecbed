// SPDX-License-Identifier: GPL-2.0-or-later
// One entry of a host's decision stream (banjo:decisions:<host>): a ban or an unban a jail of
// that host made, as the fields of a Redis stream entry. Parsing takes nothing on trust: a
// field missing, malformed or out of range refuses the whole entry. No I/O.
#pragma once

#include "core/cidr.hpp"
#include "core/duration.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace banjo {

struct FleetDecision {
    enum class Kind { ban, unban };
    Kind kind = Kind::ban;
    std::string host;        // the origin: who decided it
    std::string jail;
    Cidr address;            // one address, or a network (a prefix ban): its CIDR text
    Usec banned{};           // when the ban began (wall clock, the origin's)
    Usec expires{};          // infinite_usec: permanent; for an unban, unused
    std::uint32_t failures = 0;

    using Fields = std::vector<std::pair<std::string, std::string>>;
    // The stream entry's fields, in a fixed order (XADD ... field value ...).
    Fields to_fields() const;
    // nullopt with `error` set when the entry is not a decision banjo wrote.
    static std::optional<FleetDecision> parse(const Fields& fields, std::string* error = nullptr);
};

// Stream IDs "MS-SEQ", compared as Redis orders them; "0-0" is before every entry.
struct StreamId {
    std::uint64_t ms = 0;
    std::uint64_t seq = 0;
    static std::optional<StreamId> parse(std::string_view text);
    std::string to_string() const;
    friend auto operator<=>(const StreamId&, const StreamId&) = default;
};

}  // namespace banjo
