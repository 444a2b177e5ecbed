// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl import-fail2ban --bans FILE: fail2ban's bans in force and ban history (its
// database, fail2ban_database.hpp) into banjo's state store (fail2ban_bans.hpp says how), for
// the jails of banjo's configuration. Writes the store directly, so it refuses while a banjod
// holds the state directory (state_lock.hpp); the next banjod puts the bans into the firewall.
#pragma once

namespace banjo {

// argv[0] is "import-fail2ban", the rest its arguments (--bans among them). Returns the exit
// status: 0 when the bans were imported (or, with --dry-run, could be), 1 on an error (an
// unreadable file, a running banjod, a bad configuration), 2 on a usage error.
int import_fail2ban_bans_command(int argc, char** argv);

}  // namespace banjo
