// SPDX-License-Identifier: GPL-2.0-or-later
// The wall clock ban expiry runs on, as a seam in the manner of leveldb's Env::NowMicros:
// banjod reads CLOCK_REALTIME, unit tests set the time by hand. A wall clock can step (NTP, an
// administrator's date): whoever waits for a wall-clock time must look again now and then.
#pragma once

#include "core/duration.hpp"

namespace banjo {

class Clock {
public:
    virtual ~Clock() = default;
    // Microseconds since the epoch, CLOCK_REALTIME's scale (D-Bus times, the state store).
    virtual Usec now() const = 0;
};

class RealtimeClock final : public Clock {
public:
    Usec now() const override;
};

}  // namespace banjo
