// SPDX-License-Identifier: GPL-2.0-or-later
// Times and durations on the bus are microseconds, with UINT64_MAX for "never" / "permanent",
// as systemd's properties are; inside banjo that is infinite_usec.
#pragma once

#include "core/duration.hpp"

#include <cstdint>

namespace banjo {

inline std::uint64_t bus_usec(Usec t) {
    return t == infinite_usec ? UINT64_MAX : static_cast<std::uint64_t>(t.count() < 0 ? 0 : t.count());
}

inline Usec from_bus_usec(std::uint64_t v) {
    return v > static_cast<std::uint64_t>(infinite_usec.count()) ? infinite_usec : Usec(static_cast<Usec::rep>(v));
}

}  // namespace banjo
