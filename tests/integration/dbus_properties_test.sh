#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# PropertiesChanged tells the truth: a client that caches org.banjo1's properties and follows
# only PropertiesChanged (lib/property_cache.py) agrees with a fresh read after every change a
# user makes (ban, unban, ignore lists, enable and disable, a reload changing each jail setting)
# and after the changes the host makes (firewalld stopped and started again: BackendState; the
# state directory's file system full, then freed: StateHealth), on every property the XML marks
# as emitting changes. banjod logs no failed emission.
# Usage: dbus_properties_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/state.sh"
state_private_mounts "$@"
sandbox_with_backend
trap 'state_unmount; sandbox_cleanup' EXIT
banjod_prepare <<'TOML'
[defaults]
ignore-self = false

[jail.sshd]
enabled = true
filter = "sshd"
mode = "normal"
maxretry = 3
findtime = "10m"
bantime = "1h"
ignore = []
# journal-match

[jail.other]
filter = "sshd"
TOML
state_tmpfs 2M
banjod_start
# What property_cache.py needs to stop firewalld and to fill the state's file system.
export BANJO_SANDBOX_DIR BANJO_SOURCE_ROOT BANJO_TEST_BACKEND=${BANJO_TEST_BACKEND:-} BANJO_STATE_DIR=$STATE_TMPFS
/usr/bin/python3 "$BANJO_SOURCE_ROOT/tests/integration/lib/property_cache.py" "$BANJOD_DIR/etc/banjo.toml" \
    || fail "a cached property went stale"
grep -q "PropertiesChanged of .* could not be sent" "$BANJOD_DIR/banjod.log" && fail "banjod failed to send a PropertiesChanged"
banjod_stop TERM
echo "PASS"
