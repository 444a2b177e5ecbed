// SPDX-License-Identifier: GPL-2.0-or-later
// banjod --replay: the jails' logic over a whole journal, offline. Every ban decision goes to
// stdout as one JSON object per line; a summary goes to stderr. No D-Bus, no firewall, no
// state: replaying the same journal twice prints the same decisions.
#pragma once

#include "daemon/options.hpp"

namespace banjo {

int run_replay(const DaemonOptions& options);

}  // namespace banjo
