#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runtime control against banjod banning through firewalld, through busctl and banjoctl:
# Unban of a network, UnbanAll (banjoctl unban --all [JAIL]), SetMaxRetry/SetFindTime/
# SetBanTime (banjoctl set) with PropertiesChanged and their end at a reload, and Why
# (banjoctl why --json): each checked against what firewalld holds and what bans follow; then
# banjoctl test-filter --regex [--match] over a file and over banjod's journal.
# Usage: runtime_control_test.sh BANJOD SOURCE_ROOT BANJOCTL
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2 BANJOCTL=$3
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
command -v setpriv >/dev/null || { echo "setpriv missing (util-linux)"; exit 77; }
BANJO_TEST_BACKEND=${BANJO_TEST_BACKEND:-firewalld}
sandbox_with_backend
chmod o+x "$BANJO_SANDBOX_DIR"   # other users reach the bus socket inside (the "nobody" checks)

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
findtime = "10m"
maxretry = 3
ignore = ["127.0.0.0/8", "198.51.100.200/29"]
ignore-self = false

[jail.sshd]
filter = "sshd"

[jail.second]
filter = "sshd"
maxretry = 100

[jail.watch]
filter = "sshd"
maxretry = 2
observe = true
TOML
banjod_start
J=/org/banjo1/jail/sshd
jail() { busctl --system call org.banjo1 "$J" org.banjo1.Jail "$@"; }
jail_property() { busctl --system get-property org.banjo1 "$J" org.banjo1.Jail "$1"; }
nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" "$@"; }
json() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }
wait_until 20 bash -c '[[ $(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager BackendState) == "s \"ready\"" ]]' || fail "BackendState"

echo "1. Unban of a network lifts the bans inside it, and only those"
for a in 198.51.100.10 198.51.100.11 203.0.113.5; do
    manager Ban sst sshd "$a" 0 >/dev/null || fail "Ban $a"
done
wait_until 10 has_entry 203.0.113.5 || fail "203.0.113.5 not in firewalld"
[[ $(manager Unban ss sshd 198.51.100.0/24) == "u 2" ]] || fail "Unban of 198.51.100.0/24 did not lift 2 bans"
wait_until 10 lacks_entry 198.51.100.10 || fail "198.51.100.10 still in firewalld"
lacks_entry 198.51.100.11 || fail "198.51.100.11 still in firewalld"
has_entry 203.0.113.5 || fail "a ban outside the network was lifted"
manager Unban ss "" 198.51.100.0/24 2>&1 | grep -q "no ban inside it" || fail "Unban of an empty network is no error"
"$BANJOCTL" unban 203.0.113.0/28 | grep -q "Unbanned 203.0.113.0/28 in 1 jail" || fail "banjoctl unban CIDR"
wait_until 10 lacks_entry 203.0.113.5 || fail "banjoctl unban CIDR left 203.0.113.5 in firewalld"

echo "2. UnbanAll / banjoctl unban --all [JAIL]"
for a in 198.51.100.20 198.51.100.21; do manager Ban sst sshd "$a" 0 >/dev/null || fail "Ban $a"; done
manager Ban sst second 198.51.100.22 0 >/dev/null || fail "Ban in second"
wait_until 10 has_entry 198.51.100.22 || fail "198.51.100.22 not in firewalld"
nobody "$BANJOCTL" unban --all 2>&1 | grep -q "access denied: .*org.banjo1.manage" || fail "unban --all by nobody was not refused"
out=$("$BANJOCTL" unban --all sshd --json) || fail "banjoctl unban --all sshd"
echo "$out" | json 'd["removed"] == 2 and d["jail"] == "sshd"' || fail "unban --all sshd: $out"
wait_until 10 lacks_entry 198.51.100.20 || fail "198.51.100.20 still in firewalld"
lacks_entry 198.51.100.21 || fail "198.51.100.21 still in firewalld"
has_entry 198.51.100.22 || fail "unban --all sshd lifted jail second's ban"
"$BANJOCTL" unban --all | grep -q "Unbanned 1 ban in every jail" || fail "banjoctl unban --all"
wait_until 10 lacks_entry 198.51.100.22 || fail "198.51.100.22 still in firewalld"
[[ $(manager UnbanAll s "") == "u 0" ]] || fail "UnbanAll with nothing banned"
manager UnbanAll s nosuch 2>&1 | grep -q "no jail named" || fail "UnbanAll of an unknown jail"

echo "3. SetMaxRetry, SetFindTime, SetBanTime: in force at once, announced, gone at reload"
cp "$BANJOD_DIR/etc/banjo.toml" "$BANJOD_DIR/config.before"
busctl --system monitor --match "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',path='$J'" \
    >"$BANJOD_DIR/monitor.log" 2>&1 &
monitor=$!
sandbox_remember "$monitor" busctl-monitor
sleep 0.5   # the monitor's match is in place before the change it must see
nobody busctl --system call org.banjo1 "$J" org.banjo1.Jail SetMaxRetry u 2 2>&1 | grep -q "access denied: .*org.banjo1.manage" \
    || fail "SetMaxRetry by nobody was not refused"
jail SetMaxRetry u 2 || fail "SetMaxRetry"
[[ $(jail_property MaxRetry) == "u 2" ]] || fail "MaxRetry after SetMaxRetry: $(jail_property MaxRetry)"
wait_until 10 grep -q '"MaxRetry"' "$BANJOD_DIR/monitor.log" || fail "no PropertiesChanged for MaxRetry"
jail SetMaxRetry u 0 2>&1 | grep -q "maxretry must be" || fail "SetMaxRetry 0 accepted"
"$BANJOCTL" set sshd bantime 2h >/dev/null || fail "banjoctl set bantime"
[[ $(jail_property BanTimeUSec) == "t 7200000000" ]] || fail "BanTimeUSec: $(jail_property BanTimeUSec)"
"$BANJOCTL" set sshd findtime 5m >/dev/null || fail "banjoctl set findtime"
[[ $(jail_property FindTimeUSec) == "t 300000000" ]] || fail "FindTimeUSec: $(jail_property FindTimeUSec)"
journal_failures 2 198.51.100.30   # two failures now ban (maxretry 2)
wait_until 10 has_entry 198.51.100.30 || fail "maxretry 2 did not ban at the second failure"
jail ListBans | grep -q '"198.51.100.30" \([0-9]*\) [0-9]* 2 "filter"' || fail "ListBans: $(jail ListBans)"
/usr/bin/python3 - "$(busctl --system --json=short call org.banjo1 "$J" org.banjo1.Jail ListBans)" <<'PY' || fail "the ban did not last the new bantime"
import json, sys
bans = json.loads(sys.argv[1])["data"][0]
b = [b for b in bans if b[0] == "198.51.100.30"][0]
sys.exit(0 if b[2] - b[1] == 7_200_000_000 else 1)
PY
: >"$BANJOD_DIR/monitor.log"
manager Reload || fail "Reload"
[[ $(jail_property MaxRetry) == "u 3" ]] || fail "reload did not restore MaxRetry: $(jail_property MaxRetry)"
[[ $(jail_property BanTimeUSec) == "t 3600000000" ]] || fail "reload did not restore BanTimeUSec"
[[ $(jail_property FindTimeUSec) == "t 600000000" ]] || fail "reload did not restore FindTimeUSec"
wait_until 10 grep -q '"MaxRetry"' "$BANJOD_DIR/monitor.log" || fail "no PropertiesChanged at the reload"
journal_failures 2 198.51.100.31   # two failures no longer ban; the third below does
journal_failures 3 198.51.100.32
wait_until 10 has_entry 198.51.100.32 || fail "198.51.100.32 not banned"
not_banned 198.51.100.31 || fail "maxretry 2 outlived the reload"
cmp -s "$BANJOD_DIR/etc/banjo.toml" "$BANJOD_DIR/config.before" || fail "the config file was written"

echo "4. Why / banjoctl why"
journal_failures 1 198.51.100.40
wait_journal_read
out=$("$BANJOCTL" why 198.51.100.40 --json) || fail "banjoctl why"
echo "$out" | json '[len(j["failures_usec"]) for j in d["jails"] if j["jail"] == "sshd"] == [1] and d["active"] == []' \
    || fail "why of a failing address: $out"
out=$("$BANJOCTL" why 198.51.100.30 --json) || fail "banjoctl why of a banned address"
echo "$out" | json '[b["jail"] for b in d["active"]] == ["sshd"] and any(b["address"] == "198.51.100.30" for b in d["past"])' \
    || fail "why of a banned address: $out"
echo "$out" | json 'd["lines_withheld"] is None and any("from 198.51.100.30 port" in l for b in d["active"] for l in b["lines"])' \
    || fail "why does not show root the lines of the ban in force: $out"
out=$("$BANJOCTL" why 198.51.100.40 --json)
echo "$out" | json 'any("from 198.51.100.40 port" in l for j in d["jails"] if j["jail"] == "sshd" for l in j["lines"])' \
    || fail "why does not show root the lines of the failures: $out"
"$BANJOCTL" why 198.51.100.40 | grep -q "line: .*Failed password for invalid user admin from 198.51.100.40" \
    || fail "banjoctl why text shows no failure line: $("$BANJOCTL" why 198.51.100.40)"
out=$(nobody "$BANJOCTL" why 198.51.100.30 --json) || fail "why by nobody of a banned address"
echo "$out" | json '"org.banjo1.read-lines" in d["lines_withheld"] and all(j["lines"] is None for j in d["jails"]) and all("lines" not in b for b in d["active"]) and len(d["active"]) == 1' \
    || fail "why gave nobody the lines: $out"
nobody "$BANJOCTL" why 198.51.100.40 | grep -q "Log lines withheld: reading them needs the polkit action org.banjo1.read-lines" \
    || fail "banjoctl why text does not say the lines were withheld: $(nobody "$BANJOCTL" why 198.51.100.40)"
nobody "$BANJOCTL" why 198.51.100.40 | grep -q "198.51.100.40 port" && fail "why showed nobody a line"
manager Unban ss sshd 198.51.100.30 >/dev/null
out=$("$BANJOCTL" why 198.51.100.30 --json)
echo "$out" | json 'd["active"] == [] and len(d["past"]) == 1 and [j["previous_bans"] for j in d["jails"] if j["jail"] == "sshd"] == [1]' \
    || fail "why after the unban: $out"
out=$(nobody "$BANJOCTL" why 198.51.100.204 --json) || fail "why by nobody"
echo "$out" | json 'all(j["ignored_by"] == "198.51.100.200/29" for j in d["jails"])' || fail "why of an ignored address: $out"
"$BANJOCTL" why 198.51.100.40 | grep -q "sshd: 1 of 3 failures counted now" || fail "banjoctl why text: $("$BANJOCTL" why 198.51.100.40)"
"$BANJOCTL" why not-an-address 2>&1 | grep -q "not an IPv4 or IPv6 address" || fail "why of garbage"

echo "5. banjoctl test-filter --regex [--match]: searched as fail2ban-regex does, over a file or the journal"
printf '%s\n' "Dec  7 10:00:01 host sshd[42]: Failed password for root from 203.0.113.50 port 22 ssh2" \
    "note: Failed password for root from 203.0.113.51 port 22" "hello" >"$BANJOD_DIR/lines.txt"
out=$("$BANJOCTL" test-filter --regex 'Failed password for \S+ from <HOST>' "$BANJOD_DIR/lines.txt" --json) || fail "test-filter --regex"
echo "$out" | json 'd["failures"] == 2 and [m["address"] for m in d["matches"]] == ["203.0.113.50", "203.0.113.51"]' \
    || fail "an unanchored --regex is not searched in the line: $out"
out=$("$BANJOCTL" test-filter --regex '^Failed password for \S+ from <HOST>' - --json <"$BANJOD_DIR/lines.txt")
echo "$out" | json '[m["address"] for m in d["matches"]] == ["203.0.113.50"]' || fail "^ does not anchor --regex: $out"
entries=$(journalctl --directory "$BANJOD_DIR/journal" _SYSTEMD_UNIT=ssh.service -o cat | grep -c "Failed password for invalid user")
out=$("$BANJOCTL" test-filter --regex 'invalid user \S+ from <HOST>' --match _SYSTEMD_UNIT=ssh.service \
    --journal-directory "$BANJOD_DIR/journal" --json) || fail "test-filter --regex --match"
echo "$out" | json "d['failures'] == $entries and $entries > 0" || fail "--match over the journal: $entries entries, $out"
out=$("$BANJOCTL" test-filter --regex 'invalid user \S+ from <HOST>' --match _SYSTEMD_UNIT=other.service \
    --journal-directory "$BANJOD_DIR/journal" --json)
echo "$out" | json 'd["lines"] == 0' || fail "--match of another unit read entries: $out"

echo "6. observe = true: the jail decides and signals, and bans nothing"
busctl --system monitor --match "type='signal',interface='org.banjo1.Manager',member='BanObserved'" \
    >"$BANJOD_DIR/observed.log" 2>&1 &
observer=$!
sandbox_remember "$observer" busctl-monitor
sleep 0.5
journal_failures 3 198.51.100.50   # watch decides at 2 failures, sshd bans at 3 (the later event)
wait_until 10 has_entry 198.51.100.50 || fail "sshd did not ban 198.51.100.50"
wait_until 10 grep -q '"watch"' "$BANJOD_DIR/observed.log" || fail "no BanObserved signal from jail watch"
grep -q '"198.51.100.50"' "$BANJOD_DIR/observed.log" || fail "BanObserved names another address"
[[ $(manager ListBans s watch) == "a(ssttus) 0" ]] || fail "the observing jail holds bans: $(manager ListBans s watch)"
manager Unban ss sshd 198.51.100.50 >/dev/null
wait_until 10 lacks_entry 198.51.100.50 || fail "198.51.100.50 still in firewalld after its unban"
journal_failures 2 198.51.100.51   # only watch decides; sshd's third failure below is the later event
journal_failures 3 198.51.100.52
wait_until 10 has_entry 198.51.100.52 || fail "198.51.100.52 not banned"
not_banned 198.51.100.51 || fail "an observe-only jail banned 198.51.100.51"
wait_until 10 grep -q '"198.51.100.51"' "$BANJOD_DIR/observed.log" || fail "no BanObserved for 198.51.100.51"
kill "$observer" 2>/dev/null

kill "$monitor" 2>/dev/null
banjod_stop TERM
echo "PASS"
