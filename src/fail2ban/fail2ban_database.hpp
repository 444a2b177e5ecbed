// SPDX-License-Identifier: GPL-2.0-or-later
// Reads the bans out of fail2ban's database (dbfile, /var/lib/fail2ban/fail2ban.sqlite3 on most
// systems), read-only, whichever fail2ban wrote it: table bans (every ban fail2ban kept, with
// bantime and bancount since 0.11) and, since 0.11, table bips (the latest ban of each address
// and jail). The JSON in column data gives the failures and the matched lines; data that does not
// parse gives none. fail2ban may keep running meanwhile.
#pragma once

#include "fail2ban/fail2ban_bans.hpp"

#include <string>
#include <vector>

namespace banjo {

// Throws std::runtime_error naming the file when it cannot be read or is not fail2ban's
// database (no table bans).
std::vector<Fail2banBanRow> read_fail2ban_bans(const std::string& path);

}  // namespace banjo
