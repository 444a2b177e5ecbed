// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/memory_return.hpp"

#include <doctest/doctest.h>

using namespace banjo;

TEST_CASE("a return becomes due once per burst of bans and unbans, counted again after it") {
    MemoryReturn m;
    for (std::size_t i = 1; i < MemoryReturn::burst; ++i) CHECK_FALSE(m.changed());
    CHECK(m.changed());
    // The rest of a long burst does not ask again before the return is under way.
    for (std::size_t i = 0; i < 3 * MemoryReturn::burst; ++i) CHECK_FALSE(m.changed());
    m.returning();
    for (std::size_t i = 1; i < MemoryReturn::burst; ++i) CHECK_FALSE(m.changed());
    CHECK(m.changed());
    MemoryReturn::give_back();   // harmless at any time
}
