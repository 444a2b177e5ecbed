#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The lines behind a ban (max-lines): a jail keeps the last matched lines of an address, the ban
# carries them into the state, banjoctl bans --lines and Manager.ListBanLines show them to root
# (and to whom polkit allows org.banjo1.read-lines), never to an ordinary user, and a restart
# keeps them.
# Usage: ban_lines_test.sh BANJOD SOURCE_ROOT BANJOCTL
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2 BANJOCTL=$3
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
command -v setpriv >/dev/null || { echo "setpriv missing (util-linux)"; exit 77; }
BANJO_TEST_BACKEND=nftables
sandbox_with_backend
chmod o+x "$BANJO_SANDBOX_DIR"
chmod 666 "$BANJO_SANDBOX_DIR/bus"

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
maxretry = 3
max-lines = 2
ignore-self = false

[jail.sshd]
filter = "sshd"

[jail.quiet]
filter = "sshd"
maxretry = 4
max-lines = 0
TOML
banjod_start
nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" "$@"; }
json() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }

echo "1. the last max-lines lines of the address come with its ban"
for user in alice 'b$(id)b' carol; do
    journal_sshd 1 "Failed password for invalid user $user from 203.0.113.7 port 4242 ssh2"
done
journal_sshd 1 "Failed password for invalid user dave from 203.0.113.7 port 4242 ssh2"   # quiet's 4th: bans there
wait_until 20 bash -c "[[ \$(busctl --system call org.banjo1 /org/banjo1 org.banjo1.Manager ListBans s quiet) == *203.0.113.7* ]]" \
    || fail "jail quiet did not ban 203.0.113.7"
out=$("$BANJOCTL" bans --lines --json) || fail "banjoctl bans --lines"
echo "$out" | json '[b["lines"] for b in d["bans"] if b["jail"] == "sshd"] == [["Failed password for invalid user b$(id)b from 203.0.113.7 port 4242 ssh2", "Failed password for invalid user carol from 203.0.113.7 port 4242 ssh2"]]' \
    || fail "sshd's ban does not carry its last 2 lines: $out"
echo "$out" | json '[b["lines"] for b in d["bans"] if b["jail"] == "quiet"] == [[]]' || fail "max-lines = 0 kept lines: $out"
"$BANJOCTL" bans --lines | grep -q '^    Failed password for invalid user carol from 203.0.113.7' || fail "banjoctl bans --lines text: $("$BANJOCTL" bans --lines)"
"$BANJOCTL" bans --json | json 'all("lines" not in b for b in d["bans"])' || fail "banjoctl bans without --lines shows lines"
manager ListBanLines s sshd | grep -q 'carol' || fail "ListBanLines: $(manager ListBanLines s sshd)"

echo "2. reading the lines needs org.banjo1.read-lines: an ordinary user is refused, ListBans stays open"
out=$(nobody "$BANJOCTL" bans --lines 2>&1) && fail "nobody read the lines: $out"
grep -q "access denied: .*org.banjo1.read-lines" <<<"$out" || fail "nobody's refusal: $out"
out=$(nobody busctl --system call org.banjo1 /org/banjo1 org.banjo1.Manager ListBanLines s "" 2>&1) && fail "nobody called ListBanLines"
grep -qi "access denied" <<<"$out" || fail "nobody's ListBanLines: $out"
nobody "$BANJOCTL" bans >/dev/null || fail "nobody cannot list the bans any more"

echo "3. the lines are stored with the ban: a restart keeps them"
banjod_stop TERM
banjod_start
out=$("$BANJOCTL" bans --lines --json) || fail "banjoctl bans --lines after the restart"
echo "$out" | json '[len(b["lines"]) for b in d["bans"] if b["jail"] == "sshd"] == [2] and any("carol" in l for b in d["bans"] for l in b["lines"])' \
    || fail "the lines did not survive the restart: $out"
banjod_stop TERM
echo "PASS"
