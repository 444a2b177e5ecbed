// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/state_report.hpp"

#include "lib/sd/log.hpp"

#include <syslog.h>

namespace banjo {

void report_state_opening(const StateOpening& opened) {
    if (!opened.moved_aside.empty()) {
        sd::log(LOG_CRIT,
                "The state file was damaged and is moved aside to " + opened.moved_aside + " (" + opened.problem +
                    "); banjod starts with a new one and rebuilds the bans in force from the firewall and the journal",
                {{"MESSAGE_ID", sd::message_id::state_corrupt},
                 {"BANJO_STATE_FILE", opened.moved_aside},
                 {"BANJO_STATE_PROBLEM", opened.problem}});
        return;
    }
    if (!opened.storage)
        sd::log(LOG_ERR,
                "Cannot open the state (" + opened.problem +
                    "); banjod runs from memory, rebuilds the bans in force from the firewall and the journal, "
                    "and writes its state once the directory takes it",
                {{"MESSAGE_ID", sd::message_id::state_health},
                 {"BANJO_STATE_HEALTH", std::string(to_string(StateHealth::memory_only))},
                 {"BANJO_STATE_PROBLEM", opened.problem}});
}

void report_state_health(const StateWriter& state, Usec now) {
    const std::string health(to_string(state.health()));
    if (state.health() == StateHealth::ok) {
        std::string dropped;
        if (state.dropped_offences() > 0)
            dropped = "; " + std::to_string(state.dropped_offences()) +
                      " offence counts did not fit in memory and are lost (ban history only)";
        sd::log(LOG_NOTICE, "The state is saved again: everything held in memory is written" + dropped,
                {{"MESSAGE_ID", sd::message_id::state_health}, {"BANJO_STATE_HEALTH", health}});
        return;
    }
    const auto retry = state.retry_at();
    const auto wait_s = retry && *retry > now ? std::chrono::ceil<std::chrono::seconds>(*retry - now).count() : 0;
    sd::log(LOG_ERR,
            "The state cannot be saved (" + state.problem() + "): state " + health +
                "; bans still reach the firewall, " + std::to_string(state.held_changes()) +
                " changes are held in memory and written once the disk takes them (next try in " +
                std::to_string(wait_s) + " s)",
            {{"MESSAGE_ID", sd::message_id::state_health},
             {"BANJO_STATE_HEALTH", health},
             {"BANJO_STATE_PROBLEM", state.problem()},
             {"BANJO_HELD_CHANGES", std::to_string(state.held_changes())}});
}

void report_rebuilt(const std::string& source, std::size_t bans, const std::string& detail) {
    sd::log(LOG_NOTICE, "Rebuilt " + std::to_string(bans) + " bans in force from the " + source + " (" + detail + ")",
            {{"MESSAGE_ID", sd::message_id::state_rebuilt},
             {"BANJO_REBUILT_FROM", source},
             {"BANJO_REBUILT_BANS", std::to_string(bans)}});
}

}  // namespace banjo
