// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/memory_return.hpp"

#include <malloc.h>

namespace banjo {

void MemoryReturn::give_back() noexcept { malloc_trim(0); }

}  // namespace banjo
