#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Log files as banjod's second input, live: a file jail bans on appended lines; a file that
# appears after start is read; a stream of sshd failures (gen-sshd-corpus, syslog form) written
# through rotation by rename and by copytruncate gives exactly the generator's expected bans
# (a failure lost or counted twice changes them); kill -9 in the middle of a stream gives the
# same bans as an uninterrupted run; a 1 GB file of NULs with a 100 KiB line and binary junk is
# read to its end (the failures after it ban).
# Usage: live_logfile_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_with_backend

python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3)
gen=$BANJO_SOURCE_ROOT/../shared/bench/gen-sshd-corpus
[[ -f $gen ]] || gen=$BANJO_SOURCE_ROOT/tests/data/gen-sshd-corpus
[[ -f $gen ]] || fail "no gen-sshd-corpus"

# The corpus writes its syslog times in UTC, without a zone: banjod must read them so.
export TZ=UTC
logs=$BANJO_SANDBOX_DIR/logs
mkdir -p "$logs"
banjod_prepare <<TOML
[defaults]
bantime = "1h"
findtime = "10m"
ignore-self = false

[defaults.increment]
enabled = false

[jail.web]
filter = "sshd"
maxretry = 3
logpath = ["$logs/web.log", "$logs/app-*.log"]

[jail.corpus]
filter = "sshd"
maxretry = 5
logpath = ["$logs/auth.log"]

[jail.restart]
filter = "sshd"
maxretry = 5
logpath = ["$logs/auth2.log"]
TOML
: >"$logs/web.log"
banjod_start

failure_lines() {   # FILE COUNT ADDRESS: COUNT sshd failures of ADDRESS, stamped now
    local i
    for ((i = 0; i < $2; i++)); do
        printf '%s web1 sshd[%d]: Failed password for invalid user admin from %s port 4242 ssh2\n' \
            "$(date -u '+%b %e %H:%M:%S')" "$((RANDOM + 100))" "$3"
    done >>"$1"
}
jail_property() { busctl --system get-property org.banjo1 "/org/banjo1/jail/$1" org.banjo1.Jail "$2" | cut -d' ' -f2; }

echo "1. a file jail bans on appended lines; a partial line waits for its newline"
failure_lines "$logs/web.log" 3 203.0.113.12
wait_until 20 has_entry 203.0.113.12 || fail "three failures appended to web.log did not ban 203.0.113.12"
failure_lines "$logs/web.log" 2 203.0.113.10
printf '%s web1 sshd[77]: Failed password for invalid user admin from 203.0.113.10 po' "$(date -u '+%b %e %H:%M:%S')" >>"$logs/web.log"
# A later event: the jail's other file, created after web.log was written, is read after it.
failure_lines "$logs/app-one.log" 3 203.0.113.13
wait_until 20 has_entry 203.0.113.13 || fail "app-one.log, created after start, was not read"
not_banned 203.0.113.10 || fail "a line without its newline was counted"
printf 'rt 4242 ssh2\n' >>"$logs/web.log"
wait_until 20 has_entry 203.0.113.10 || fail "the completed line did not count"

echo "2. a file that appears after start is read"
failure_lines "$logs/app-late.log" 3 203.0.113.11
wait_until 20 has_entry 203.0.113.11 || fail "app-late.log, created after start, was not read"

# Writes corpus lines to FILE in chunks; ROTATE_AT: rename at a third, copytruncate at two thirds.
stream() {   # CORPUS FILE FROM TO [rotate]
    "$python" - "$@" <<'PY'
import os, shutil, sys, time
corpus, path, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rotate = len(sys.argv) > 5
lines = open(os.path.join(corpus, "auth.log")).read().splitlines(True)[first:last]
third = len(lines) // 3
out = open(path, "a")
late = None   # the renamed file's handle, for one more chunk: a writer not told yet to reopen
for i in range(0, len(lines), 250):
    (late or out).write("".join(lines[i:i + 250]))
    (late or out).flush()
    if late:
        late.close()
        late = None
    # Right after a chunk, before banjod can have read it: what was written last is read from
    # the renamed file or from the copy, or lost.
    if rotate and i <= third < i + 250:
        os.rename(path, path + ".1")            # rename and create, as logrotate's create
        late, out = out, open(path, "a")         # the next chunk still goes to the old file
    if rotate and i <= 2 * third < i + 250:
        shutil.copyfile(path, path + ".2")       # logrotate's copytruncate: copy, then truncate
        os.truncate(path, 0)                     # the writer's O_APPEND goes on at the new end
    time.sleep(0.01)
out.close()
PY
}
# The addresses a corpus expects banned (its expected.json), sorted.
expected_bans() { "$python" -c 'import ipaddress, json, sys
for a in json.load(open(sys.argv[1]))["bans"]: print(ipaddress.ip_address(a))' "$1/expected.json" | sort; }
expected_failures() { "$python" -c 'import json, sys; print(sum(json.load(open(sys.argv[1]))["failures"].values()))' "$1/expected.json"; }
bans_of() { banned_addresses "$1" | grep -vx "$2" | "$python" -c 'import ipaddress, sys
for l in sys.stdin: print(ipaddress.ip_address(l.strip()))' | sort; }

echo "3. rotation by rename and by copytruncate during a stream: none lost, none counted twice"
corpus=$BANJO_SANDBOX_DIR/corpus7
"$python" "$gen" "$corpus" --entries 20000 --seed 7 --t0 now 2>/dev/null
stream "$corpus" "$logs/auth.log" 0 20000 rotate
[[ -f $logs/auth.log.1 && -f $logs/auth.log.2 ]] || fail "the stream did not rotate"
failure_lines "$logs/auth.log" 5 203.0.113.99   # the end marker: banned once all before it is read
wait_until 60 has_entry 203.0.113.99 || fail "the marker after the stream was not banned"
diff <(bans_of corpus 203.0.113.99) <(expected_bans "$corpus") >"$BANJO_SANDBOX_DIR/corpus.diff" \
    || { head -20 "$BANJO_SANDBOX_DIR/corpus.diff" >&2; fail "the bans of the rotated stream differ from the generator's"; }
[[ $(jail_property corpus TotalFailures) -eq $(($(expected_failures "$corpus") + 5)) ]] \
    || fail "jail corpus counted $(jail_property corpus TotalFailures) failures, the stream holds $(($(expected_failures "$corpus") + 5))"
echo "   $(bans_of corpus 203.0.113.99 | wc -l) bans, $(jail_property corpus TotalFailures) failures, as expected"

echo "4. kill -9 in the middle of a stream: the same bans as an uninterrupted run, nothing counted again"
corpus=$BANJO_SANDBOX_DIR/corpus1234
"$python" "$gen" "$corpus" --entries 20000 --seed 1234 --t0 now 2>/dev/null
stream "$corpus" "$logs/auth2.log" 0 10000
# An address banned, then unbanned by hand: a restart that read the file again from its start
# (not from the saved position) would count its failures again and ban it anew.
failure_lines "$logs/auth2.log" 5 203.0.113.50
wait_until 30 has_entry 203.0.113.50 || fail "five failures in auth2.log did not ban 203.0.113.50"
manager Unban ss restart 203.0.113.50 >/dev/null || fail "Unban restart 203.0.113.50"
wait_until 10 lacks_entry 203.0.113.50 || fail "203.0.113.50 still in the firewall after Unban"
banjod_stop KILL
stream "$corpus" "$logs/auth2.log" 10000 20000
banjod_start
failure_lines "$logs/auth2.log" 5 203.0.113.98
wait_until 60 has_entry 203.0.113.98 || fail "the marker after the restart was not banned"
diff <(bans_of restart 203.0.113.98) <(expected_bans "$corpus") >"$BANJO_SANDBOX_DIR/restart.diff" \
    || { head -20 "$BANJO_SANDBOX_DIR/restart.diff" >&2; fail "the bans after kill -9 differ from the generator's"; }
echo "   $(bans_of restart 203.0.113.98 | wc -l) bans, as expected"

echo "5. a 1 GB file with a 100 KiB line and binary junk is read to its end"
big=$logs/app-big.log.tmp
truncate -s 1G "$big"   # sparse: a gigabyte of NUL bytes without a newline, at no cost
{
    printf '\n'
    head -c 102400 /dev/zero | tr '\0' 'x'
    printf ' Failed password for root from 203.0.113.70 port 1 ssh2\n'
    head -c 65536 /dev/urandom
    printf '\n\xff\xfe\xc3\x28 \x00 invalid UTF-8 and a NUL\n'
} >>"$big"
mv "$big" "$logs/app-big.log"   # appears whole, under the glob
failure_lines "$logs/app-big.log" 3 203.0.113.77
wait_until 60 has_entry 203.0.113.77 || fail "the failures after a 1 GB file of junk did not ban"
kill -0 "$BANJOD_PID" 2>/dev/null || fail "banjod died"
not_banned 203.0.113.70 || fail "an address past the 64 KiB cut of a long line was read"

banjod_stop TERM
echo "PASS"
