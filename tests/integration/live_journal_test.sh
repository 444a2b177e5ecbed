#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The journal changes under a running banjod: files are vacuumed, new files appear (rotation),
# and the saved cursor's entry disappears while banjod is stopped. banjod keeps following.
# Usage: live_journal_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_with_banjod_sshd
journal_failures 3 198.51.100.30
wait_until 10 has_entry 198.51.100.30 || fail "198.51.100.30 not banned"

echo "1. the file banjod reads is vacuumed and a new one is written"
rm -f "$BANJOD_DIR"/journal/*.journal
BANJOD_FILE=rotated
journal_failures_into() {   # NAME COUNT ADDRESS
    local name=$1 count=$2 address=$3 now i
    now=$(date +%s%6N)
    for ((i = 0; i < count; i++)); do
        BANJOD_PID_SEQ=$((BANJOD_PID_SEQ + 1))
        printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_SYSTEMD_UNIT=ssh.service\n_UID=0\n_PID=%s\nMESSAGE=Failed password for root from %s port 22 ssh2\n\n' \
            "$((now + i))" "$((now + i))" "$((BANJOD_PID_SEQ + i))" "$address"
    done | "$BANJO_SOURCE_ROOT/tests/integration/lib/make-journal" - "$BANJOD_DIR/journal" "$name" >/dev/null
}
journal_failures_into "$BANJOD_FILE" 3 198.51.100.31
wait_until 10 has_entry 198.51.100.31 || fail "no ban from the file written after the vacuum"

echo "2. the saved cursor's entry is vacuumed while banjod is stopped"
banjod_stop TERM
rm -f "$BANJOD_DIR"/journal/*.journal
journal_failures_into later 3 198.51.100.32
banjod_start
wait_until 10 has_entry 198.51.100.32 || fail "entries after a vacuumed cursor were not read"
[[ $(manager_property JournalCursor) == s=* ]] || fail "JournalCursor: $(manager_property JournalCursor)"

banjod_stop TERM
echo "PASS"
