// SPDX-License-Identifier: GPL-2.0-or-later
// What a ban does to the packets it matches: drop them silently, or answer them (TCP with a
// reset, everything else with ICMP/ICMPv6 port-unreachable), so a client gives up at once
// instead of retrying into a silence.
#pragma once

#include <optional>
#include <string_view>

namespace banjo {

enum class BlockAction { drop, reject };

constexpr std::string_view to_string(BlockAction action) noexcept {
    return action == BlockAction::reject ? "reject" : "drop";
}

constexpr std::optional<BlockAction> parse_block_action(std::string_view text) noexcept {
    if (text == "drop") return BlockAction::drop;
    if (text == "reject") return BlockAction::reject;
    return std::nullopt;
}

}  // namespace banjo
