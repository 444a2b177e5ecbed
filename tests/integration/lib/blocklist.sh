#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Blocklist files for the tests and the benchmark (source banjod.sh first):
#   blocklist_write FILE FIRST COUNT   # COUNT IPv6 documentation addresses 2001:db8:b1::N from N=FIRST,
#                                      # one a line (plus whatever the caller appends)
#   blocklist_count SET                # how many entries the firewall set SET holds
#   blocklist_has SET ENTRY            # whether it holds ENTRY
#   blocklist_log_line PATTERN         # the last banjod log line that matches PATTERN (grep -E)

blocklist_write() {   # FILE FIRST COUNT
    /usr/bin/python3 - "$@" <<'PY'
import sys
path, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    f.write("# banjo test blocklist\n")
    f.write("".join("2001:db8:b1::%x:%x\n" % (n >> 16, n & 0xffff) for n in range(first, first + count)))
PY
}

# Canonical text of the N-th address blocklist_write writes.
blocklist_address() {   # N
    /usr/bin/python3 -c 'import sys, ipaddress; n = int(sys.argv[1]); print(ipaddress.ip_address("2001:db8:b1::%x:%x" % (n >> 16, n & 0xffff)))' "$1"
}

blocklist_count() {   # SET
    sandbox_set_entries "$1" | grep -c .
}

blocklist_has() {   # SET ENTRY
    sandbox_set_entries "$1" | grep -xF "$2" >/dev/null
}

blocklist_log_line() {   # PATTERN
    grep -E "$1" "$BANJOD_DIR/banjod.log" | tail -n 1
}
