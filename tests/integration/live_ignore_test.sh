#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Ignore lists as admins write them, against banjod banning through firewalld: a host name in
# ignore (answered by an /etc/hosts of the test's own, bind-mounted in a mount namespace of
# banjod's: no resolver outside is ever asked), an ignore-file read at start, its bad line
# logged as FILE:LINE, and read again when it is replaced; an ignore-command whose exit status
# 0 spares an address (asked once, then cached), whose other answers and timeout ban; banjoctl
# why naming each source. Every "not banned" is checked after a later address's ban.
# Usage: live_ignore_test.sh BANJOD SOURCE_ROOT BANJOCTL
set -u
BANJOD_REAL=$1 BANJO_SOURCE_ROOT=$2 BANJOCTL=$3
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
command -v unshare >/dev/null || { echo "unshare missing (util-linux)"; exit 77; }
BANJO_TEST_BACKEND=firewalld
sandbox_with_backend
json() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }

BANJOD_DIR=$BANJO_SANDBOX_DIR/banjod
mkdir -p "$BANJOD_DIR"
printf '127.0.0.1 localhost\n198.51.100.70 admin.banjo.test\n' >"$BANJOD_DIR/hosts"
# banjod sees our hosts file as /etc/hosts; unshare and sh exec, so $! stays banjod's PID.
cat >"$BANJOD_DIR/banjod-with-hosts" <<SH
#!/bin/sh
exec unshare --mount --propagation private sh -c 'mount --bind "\$0" /etc/hosts && exec "\$@"' "$BANJOD_DIR/hosts" "$BANJOD_REAL" "\$@"
SH
chmod +x "$BANJOD_DIR/banjod-with-hosts"
BANJOD=$BANJOD_DIR/banjod-with-hosts

# The ignore-command: exit 0 for 198.51.100.90, hangs for 203.0.113.99, exit 1 otherwise;
# every call is logged with its arguments.
cat >"$BANJOD_DIR/known-host" <<SH
#!/bin/sh
echo "\$#:\$1" >>"$BANJOD_DIR/known-host.log"
case "\$1" in
198.51.100.90) exit 0 ;;
203.0.113.99) exec sleep 60 ;;
*) exit 1 ;;
esac
SH
chmod +x "$BANJOD_DIR/known-host"
printf '# office\n198.51.100.60\nthis is no entry\n' >"$BANJOD_DIR/ignore.txt"

banjod_prepare <<TOML
[defaults]
bantime = "1h"
findtime = "10m"
maxretry = 2
ignore-self = false

[jail.sshd]
filter = "sshd"
ignore = ["127.0.0.0/8", "admin.banjo.test"]
ignore-file = "$BANJOD_DIR/ignore.txt"
ignore-command = ["$BANJOD_DIR/known-host", "{address}"]
ignore-command-cache = "1h"
TOML
banjod_start
wait_until 20 bash -c '[[ $(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager BackendState) == "s \"ready\"" ]]' || fail "BackendState"
source_of() {   # ADDRESS: the ignore source banjoctl why names for jail sshd
    "$BANJOCTL" why "$1" --json | /usr/bin/python3 -c 'import json, sys; print([j["ignore_source"] for j in json.load(sys.stdin)["jails"] if j["jail"] == "sshd"][0])'
}

echo "1. ignore-file: its entries spare, its bad line is logged with FILE:LINE"
wait_until 10 grep -q "ignore.txt:3: \"this is no entry\" is not an address" "$BANJOD_DIR/banjod.log" \
    || fail "the bad line was not reported as FILE:LINE"
[[ $(source_of 198.51.100.60) == "ignore-file $BANJOD_DIR/ignore.txt:2" ]] || fail "why 198.51.100.60: $(source_of 198.51.100.60)"
journal_failures 2 198.51.100.60
journal_failures 2 198.51.100.61   # the later event: asked (exit 1), banned
wait_until 10 has_entry 198.51.100.61 || fail "198.51.100.61 not banned"
not_banned 198.51.100.60 || fail "an ignore-file address was banned"

echo "2. the file replaced (write and rename): read again without a reload"
printf '198.51.100.62\n' >"$BANJOD_DIR/ignore.txt.new"
mv "$BANJOD_DIR/ignore.txt.new" "$BANJOD_DIR/ignore.txt"
wait_until 10 bash -c "[[ \$('$BANJOCTL' why 198.51.100.62 --json) == *'ignore.txt:1'* ]]" || fail "the new file was not read"
[[ $(source_of 198.51.100.60) == None ]] || fail "a line gone from the file still spares: $(source_of 198.51.100.60)"
journal_failures 2 198.51.100.62
journal_failures 2 198.51.100.60   # the later event: no longer spared
wait_until 10 has_entry 198.51.100.60 || fail "198.51.100.60 not banned after it left the file"
not_banned 198.51.100.62 || fail "an address of the new file was banned"

echo "3. a host name in ignore, resolved through the hosts file"
[[ $(source_of 198.51.100.70) == "host name admin.banjo.test" ]] || fail "why 198.51.100.70: $(source_of 198.51.100.70)"
journal_failures 2 198.51.100.70
journal_failures 2 198.51.100.71
wait_until 10 has_entry 198.51.100.71 || fail "198.51.100.71 not banned"
not_banned 198.51.100.70 || fail "the host name's address was banned"

echo "4. ignore-command: exit 0 spares (asked once, then cached), a timeout bans"
journal_failures 2 198.51.100.90
journal_failures 2 198.51.100.91
wait_until 10 has_entry 198.51.100.91 || fail "198.51.100.91 not banned"
not_banned 198.51.100.90 || fail "the address the command spares was banned"
grep -qx "1:198.51.100.90" "$BANJOD_DIR/known-host.log" || fail "the command did not get the address as its one argument"
[[ $(source_of 198.51.100.90) == "ignore-command (answer cached)" ]] || fail "why 198.51.100.90: $(source_of 198.51.100.90)"
journal_failures 2 198.51.100.90
journal_failures 2 198.51.100.92
wait_until 10 has_entry 198.51.100.92 || fail "198.51.100.92 not banned"
not_banned 198.51.100.90 || fail "the cached answer did not spare 198.51.100.90"
[[ $(grep -c "198.51.100.90" "$BANJOD_DIR/known-host.log") == 1 ]] || fail "the command ran again within ignore-command-cache"
journal_failures 2 203.0.113.99
wait_until 30 has_entry 203.0.113.99 || fail "a command that timed out did not ban"
grep -q "ignore-command for 203.0.113.99 failed (timed out" "$BANJOD_DIR/banjod.log" || fail "the timeout was not logged"
banjod_stop TERM
echo "PASS"
