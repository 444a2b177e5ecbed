#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the action tests (source banjod.sh first):
#   actions_filter                        # filter.d/hostile.toml: unit hostile.service, the
#                                         # address first, then any text, newlines included
#   journal_hostile ADDRESS USER...       # one hostile.service entry per USER (binary-safe:
#                                         # USER may hold newlines), stamped now
#   netns_python ARGS...                  # /usr/bin/python3 inside the sandbox's namespace

actions_filter() {
    cat >"$BANJOD_DIR/etc/filter.d/hostile.toml" <<'TOML'
# SPDX-License-Identifier: GPL-2.0-or-later
description = "test: a log line whose user name is anything at all"
journal-match = [["_SYSTEMD_UNIT=hostile.service"]]
failregex = ['auth failure from <HOST> user=(?s:.*)']
TOML
}

journal_hostile() {   # ADDRESS USER...
    local address=$1
    shift
    /usr/bin/python3 - "$address" "$@" <<'PY' | "$BANJOD_LIB_DIR/make-journal" - "$BANJOD_DIR/journal" live >/dev/null
import struct, sys, time
address, users = sys.argv[1], sys.argv[2:]
now = int(time.time() * 1_000_000)
out = sys.stdout.buffer
for i, user in enumerate(users):
    t = now + i
    for field, value in (("__REALTIME_TIMESTAMP", str(t)), ("__MONOTONIC_TIMESTAMP", str(t)),
                         ("_BOOT_ID", "0123456789abcdef0123456789abcdef"), ("_SYSTEMD_UNIT", "hostile.service"),
                         ("_PID", str(4000 + i))):
        out.write(f"{field}={value}\n".encode())
    # The export format's binary form: any byte, newlines included.
    message = f"auth failure from {address} user={user}".encode("utf-8", "surrogateescape")
    out.write(b"MESSAGE\n" + struct.pack("<Q", len(message)) + message + b"\n\n")
PY
}

netns_python() { ip netns exec "$BANJO_NETNS" /usr/bin/python3 "$@"; }
