// SPDX-License-Identifier: GPL-2.0-or-later
// A wall clock the test sets by hand: expiry at an exact microsecond, a clock that steps
// forward or back, hours passing while banjod is stopped.
#pragma once

#include "daemon/clock.hpp"

namespace banjo::test {

class FakeClock final : public Clock {
public:
    explicit FakeClock(Usec start) : now_(start) {}
    Usec now() const override { return now_; }
    void set(Usec t) { now_ = t; }
    void advance(Usec d) { now_ += d; }

private:
    Usec now_;
};

}  // namespace banjo::test
