// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/clock.hpp"

#include <chrono>

namespace banjo {

// system_clock is CLOCK_REALTIME on Linux.
Usec RealtimeClock::now() const {
    return std::chrono::duration_cast<Usec>(std::chrono::system_clock::now().time_since_epoch());
}

}  // namespace banjo
