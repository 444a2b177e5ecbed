// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/backend.hpp"

#include "lib/sd/log.hpp"

namespace banjo {

std::string_view to_string(BackendState state) noexcept {
    switch (state) {
    case BackendState::ready:
        return "ready";
    case BackendState::unavailable:
        return "unavailable";
    case BackendState::degraded:
        return "degraded";
    }
    return "unavailable";
}

LogSink default_log_sink() {
    return [](int priority, std::string_view message) { sd::log(priority, message); };
}

}  // namespace banjo
