#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Banning never depends on the disk. The state directory is a small tmpfs of the test's own
# (in a mount namespace of its own, never the machine's disk), filled to the last byte:
# a burst of 300 attackers is banned in firewalld all the same, banjod keeps running and says
# StateHealth degraded, and once space is freed the state is written (sqlite3 sees the 300,
# and a restart restores them). Then banjod starts on a full disk, and on a read-only file
# system: it runs from memory, keeps the bans firewalld holds, bans, and writes its state once
# the file system takes it. Last, banjod is killed while the disk is full: the next start takes
# back from firewalld what the store lacks.
# Usage: live_state_disk_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/state.sh"
state_private_mounts "$@"
command -v sqlite3 >/dev/null || { echo "sqlite3 not found (Debian: sqlite3)" >&2; exit 77; }
sandbox_with_firewalld
trap 'state_unmount; sandbox_cleanup' EXIT
banjod_prepare_sshd
state_tmpfs 2M
banjod_start

running() { kill -0 "$BANJOD_PID" 2>/dev/null; }
health_is() { [[ $(state_health) == "$1" ]]; }
firewalld_count() { firewall_addresses | wc -l; }
count_is() { [[ $(firewalld_count) -eq $1 ]]; }
stored_bans() { state_query "SELECT count(*) FROM bans"; }

echo "1. the state is written while the disk has room"
journal_failures 3 203.0.113.1
wait_until 10 has_entry 203.0.113.1 || fail "203.0.113.1 not banned"
wait_until 10 bash -c "[[ \$(sqlite3 -readonly '$BANJOD_DIR/state/banjo.db' 'SELECT count(*) FROM bans') == 1 ]]" \
    || fail "the first ban was not written"
health_is ok || fail "StateHealth $(state_health) with room on the disk"

echo "2. a burst of 300 attackers on a full disk: all banned, banjod running, StateHealth degraded"
# An empty WAL, so that the next write needs new blocks (one already grown would take it).
sqlite3 "$BANJOD_DIR/state/banjo.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null || fail "checkpoint"
state_fill
attackers=()
for ((i = 0; i < 300; i++)); do attackers+=("198.51.$((100 + i / 200)).$((1 + i % 200))"); done
journal_failures 3 "${attackers[@]}"
wait_until 60 count_is 301 || fail "firewalld holds $(firewalld_count) addresses, not 301"
running || fail "banjod exited on a full disk"
wait_until 10 health_is degraded || fail "StateHealth is $(state_health), not degraded"
[[ $(manager_property ActiveBans) -eq 301 ]] || fail "ActiveBans $(manager_property ActiveBans)"
[[ $(stored_bans) -eq 1 ]] || fail "the full disk took $(stored_bans) bans?"
grep -q "The state cannot be saved (.*disk is full" "$BANJOD_DIR/banjod.log" || fail "no journal entry says the state is not saved"

echo "3. space freed: the state is written without a restart"
state_free
wait_until 70 health_is ok || fail "StateHealth still $(state_health) a minute after space was freed"
[[ $(stored_bans) -eq 301 ]] || fail "$(stored_bans) bans written, not 301"
grep -q "The state is saved again" "$BANJOD_DIR/banjod.log" || fail "no journal entry says the state is saved again"

echo "4. a restart restores all 301"
banjod_stop TERM
banjod_start
[[ $(manager_property ActiveBans) -eq 301 ]] || fail "restored $(manager_property ActiveBans) bans, not 301"
manager ListBans s sshd | grep -q '"restored"' || fail "the bans are not marked restored"
health_is ok || fail "StateHealth $(state_health) after a restart"

echo "5. a start on a full disk runs, keeps the 301 and bans"
banjod_stop TERM
state_fill
banjod_start
running || fail "banjod did not stay up on a full disk"
[[ $(state_health) != ok ]] || fail "StateHealth ok on a full disk"
wait_until 30 bash -c "[[ \$(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager ActiveBans) == 'u 301' ]]" \
    || fail "banjod on a full disk has $(manager_property ActiveBans) bans, not 301"
journal_failures 3 203.0.113.2
wait_until 10 has_entry 203.0.113.2 || fail "no ban on a full disk"
count_is 302 || fail "firewalld holds $(firewalld_count) addresses, not 302"
state_free
wait_until 70 health_is ok || fail "StateHealth still $(state_health) after space was freed"
[[ $(stored_bans) -eq 302 ]] || fail "$(stored_bans) bans written, not 302"

echo "6. a start on a read-only file system runs from memory and writes once it is read-write"
# (Linux refuses to remount read-only a file system with a file open for writing, so the
# file system goes read-only while banjod is stopped, as after an errors=remount-ro.)
banjod_stop TERM
mount -o remount,ro "$STATE_TMPFS" || fail "remount ro"
banjod_start
running || fail "banjod did not stay up on a read-only file system"
health_is memory-only || fail "StateHealth $(state_health) on a read-only file system"
wait_until 30 bash -c "[[ \$(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager ActiveBans) == 'u 302' ]]" \
    || fail "banjod on a read-only file system has $(manager_property ActiveBans) bans, not 302"
journal_failures 3 203.0.113.3
wait_until 10 has_entry 203.0.113.3 || fail "no ban on a read-only file system"
mount -o remount,rw "$STATE_TMPFS" || fail "remount rw"
wait_until 70 health_is ok || fail "StateHealth still $(state_health) after the remount"
[[ $(stored_bans) -eq 303 ]] || fail "$(stored_bans) bans written, not 303"
running || fail "banjod is gone"

echo "7. banjod killed while the disk is full: the next start keeps what the store lacks"
banned() { banned_addresses sshd | grep -qx "$1"; }
state_fill
manager Ban sst sshd 203.0.113.4 0 >/dev/null || fail "Ban on a full disk"
journal_failures 3 203.0.113.5
wait_until 10 has_entry 203.0.113.4 || fail "the manual ban on a full disk is not in firewalld"
wait_until 10 has_entry 203.0.113.5 || fail "no ban on a full disk"
wait_until 10 health_is degraded || fail "StateHealth $(state_health) on a full disk"
[[ -e $STATE_TMPFS/banjo.db-unsaved ]] || fail "no banjo.db-unsaved marker on a full disk"
banjod_stop KILL
state_free
: >"$BANJOD_DIR/banjod.log"
banjod_start
# The manual ban was never saved and has no failures in the journal: only firewalld kept it.
wait_until 30 banned 203.0.113.4 || fail "the manual ban made on a full disk was lost: $(banned_addresses sshd | tail -3)"
banned 203.0.113.5 || fail "the ban decided on a full disk was lost"
grep -q "the store lacked changes" "$BANJOD_DIR/banjod.log" || fail "the start does not say the store lacked changes"
wait_until 70 health_is ok || fail "StateHealth $(state_health) after the restart"
wait_until 10 bash -c "[[ ! -e '$STATE_TMPFS/banjo.db-unsaved' ]]" || fail "the marker stays after the merge"
[[ $(stored_bans) -eq 305 ]] || fail "$(stored_bans) bans written, not 305"
count_is 305 || fail "firewalld holds $(firewalld_count) addresses, not 305"

banjod_stop TERM
echo "PASS"
