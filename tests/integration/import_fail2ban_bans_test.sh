#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# banjoctl import-fail2ban --bans against banjod and firewalld: a fail2ban.sqlite3 in fail2ban's
# schema (lib/make-fail2ban-db) is imported into a new state directory; the report counts per
# jail and names what it skipped; banjod started on that state puts the bans in force into
# firewalld with their expiry (permanent stays permanent) and their lines, gives the repeat
# offender an incremented ban (two earlier bans: bantime * 2^2), shows the imported bans in
# banjoctl why; a second import while banjod runs is refused.
# Usage: import_fail2ban_bans_test.sh BANJOD SOURCE_ROOT BANJOCTL
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2 BANJOCTL=$3
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
BANJO_TEST_BACKEND=firewalld
sandbox_with_firewalld

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
findtime = "10m"
maxretry = 3
ignore-self = false

[defaults.increment]
enabled = true
factor = 2
max = "1w"

[jail.sshd]
filter = "sshd"
TOML
json() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }
now=$(date +%s)
db=$BANJOD_DIR/fail2ban.sqlite3
"$BANJO_SOURCE_ROOT/tests/integration/lib/make-fail2ban-db" "$db" "$now" || fail "make-fail2ban-db"
import() { "$BANJOCTL" import-fail2ban --bans "$db" --config "$BANJOD_DIR/etc/banjo.toml" --state-dir "$BANJOD_DIR/state" "$@"; }

echo "1. --dry-run reports and writes nothing"
out=$(import --dry-run) || fail "import --dry-run: $out"
echo "$out" | grep -q "Would import" || fail "dry run report: $out"
[[ ! -e $BANJOD_DIR/state/banjo.db ]] || fail "--dry-run wrote the state"

echo "2. The import: counted per jail, skips named"
out=$(import --json) || fail "import: $out"
echo "$out" | json 'd["jails"] == [{"jail": "sshd", "active": 2, "permanent": 1, "history": 3, "ban_log": 4}]' \
    || fail "per-jail counts: $out"
echo "$out" | json 'any(s["address"] == "999.1.2.3" and "not an IP" in s["reason"] for s in d["skipped"])' || fail "bad address not reported: $out"
echo "$out" | json 'any(s["address"] == "127.0.0.1" and "loopback" in s["reason"] for s in d["skipped"])' || fail "loopback not reported: $out"
echo "$out" | json 'any(s["jail"] == "recidive" and s["count"] == 1 and "--jail recidive=NAME" in s["reason"] for s in d["skipped"])' \
    || fail "the missing jail not reported: $out"
import | grep -q "sshd: 2 bans in force (1 permanent), ban history of 3 addresses" || fail "text report: $(import --dry-run)"

echo "3. banjod puts the bans in force into firewalld, with their expiry and lines"
banjod_start
wait_until 20 bash -c '[[ $(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager BackendState) == "s \"ready\"" ]]' || fail "BackendState"
wait_until 10 has_entry 203.0.113.5 || fail "203.0.113.5 not in firewalld"
wait_until 10 has_entry 2001:db8::5 || fail "2001:db8::5 not in firewalld"
lacks_entry 198.51.100.7 || fail "an expired fail2ban ban was put into firewalld"
lacks_entry 203.0.113.9 || fail "the ban of a jail banjo does not have was imported"
bans=$(manager ListBans s "" --json=short)
/usr/bin/python3 - "$bans" "$now" <<'PY' || fail "ListBans: $bans"
import json, sys
bans = {b[1]: b for b in json.loads(sys.argv[1])["data"][0]}
now = int(sys.argv[2])
assert set(bans) == {"203.0.113.5", "2001:db8::5"}, bans
assert bans["203.0.113.5"][3] == (now - 600 + 3600) * 10**6, bans   # fail2ban's expiry, to the second
assert bans["203.0.113.5"][4] == 3 and bans["203.0.113.5"][5] == "restored", bans
assert bans["2001:db8::5"][3] == 2**64 - 1, bans                      # permanent
PY
lines=$(manager ListBanLines s sshd --json=short)
echo "$lines" | grep -q "Failed password for admin from 203.0.113.5" || fail "the imported lines: $lines"

echo "4. The repeat offender's next ban is incremented by its two fail2ban bans"
journal_failures 3 198.51.100.7
wait_until 10 has_entry 198.51.100.7 || fail "198.51.100.7 not banned again"
/usr/bin/python3 - "$(manager ListBans s sshd --json=short)" <<'PY' || fail "the increment did not count fail2ban's bans: $(manager ListBans s sshd)"
import json, sys
b = [b for b in json.loads(sys.argv[1])["data"][0] if b[1] == "198.51.100.7"][0]
sys.exit(0 if b[3] - b[2] == 4 * 3600 * 10**6 else 1)   # 1h * 2^2
PY
out=$("$BANJOCTL" why 198.51.100.7 --json) || fail "banjoctl why"
echo "$out" | json 'len([b for b in d["past"] if b["jail"] == "sshd"]) == 3' || fail "why does not show the imported bans: $out"

echo "5. An import while banjod runs is refused, nothing written"
before=$(sqlite3 -readonly "$BANJOD_DIR/state/banjo.db" "SELECT count(*) FROM ban_log")
out=$(import 2>&1) && fail "import beside a running banjod succeeded: $out"
echo "$out" | grep -q "banjod is running" || fail "refusal message: $out"
[[ $(sqlite3 -readonly "$BANJOD_DIR/state/banjo.db" "SELECT count(*) FROM ban_log") == "$before" ]] || fail "the refused import wrote"
echo "PASS"
