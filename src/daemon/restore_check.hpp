// SPDX-License-Identifier: GPL-2.0-or-later
// Which bans saved by an earlier run come back at start. A ban whose jail is gone or disabled
// is lifted, as a reload would have lifted it (no Unban could reach it otherwise), and so is a
// ban of an address banjo now never bans (saved by an older banjo), and a ban of an address
// now on the jail's ignore list (or, with ignore-self, one of the host's own).
#pragma once

#include "config/config.hpp"
#include "core/ban_table.hpp"

#include <optional>
#include <string>

namespace banjo {

// Why `ban` must not be restored under `config`, in words for the journal; nullopt: restore it.
std::optional<std::string> why_not_restored(const Ban& ban, const Config& config, const CidrSet& self = {});

}  // namespace banjo
