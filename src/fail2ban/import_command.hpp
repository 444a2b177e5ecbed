// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl import-fail2ban [DIR] [--output DIR] [--json] [--all]: converts a fail2ban
// configuration (default /etc/fail2ban) into banjo's (default ./banjo-import) and reports what
// was converted, changed, skipped and why (see fail2ban_import.hpp). banjoctl dispatches here.
#pragma once

namespace banjo {

// argv[0] is "import-fail2ban", the rest its arguments. Returns the exit status: 0 when it wrote
// the output, 1 on a fatal error (DIR unreadable, OUTPUT not writable), 2 on a usage error.
int import_fail2ban_command(int argc, char** argv);

}  // namespace banjo
