// SPDX-License-Identifier: GPL-2.0-or-later
// What banjod tells the journal about its state: a damaged file moved aside, a state directory
// it cannot use, the state's health changing, lost bans rebuilt. Each entry carries a
// MESSAGE_ID that banjo's catalog explains (what was lost, what to do) and BANJO_STATE_* fields.
#pragma once

#include "state/state_opening.hpp"
#include "state/state_writer.hpp"

#include <cstddef>
#include <string>

namespace banjo {

// Nothing for a store opened as usual.
void report_state_opening(const StateOpening& opened);
// The health the writer has now: the problem and what is held when not ok.
void report_state_health(const StateWriter& state, Usec now);
// `bans` put back in force from `source` ("journal" or "firewall"); `detail` says from what.
void report_rebuilt(const std::string& source, std::size_t bans, const std::string& detail);

}  // namespace banjo
