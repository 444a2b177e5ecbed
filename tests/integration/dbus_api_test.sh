#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole org.banjo1 API through busctl, against banjod banning through firewalld: every
# method of the Manager and the Jail objects, every property, checked against what firewalld
# holds; a caller that is not root may read everything and is refused every change.
# Usage: dbus_api_test.sh BANJOD SOURCE_ROOT BANJOCTL
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2 BANJOCTL=$3
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
command -v setpriv >/dev/null || { echo "setpriv missing (util-linux)"; exit 77; }
sandbox_with_backend

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
findtime = "10m"
maxretry = 3
ignore = ["127.0.0.0/8"]
ignore-self = false

[jail.sshd]
filter = "sshd"
mode = "aggressive"

[jail.web]
filter = "nginx-http-auth"
enabled = false
TOML
banjod_start
J=/org/banjo1/jail/sshd
jail() { busctl --system call org.banjo1 "$J" org.banjo1.Jail "$@"; }
jail_property() { busctl --system get-property org.banjo1 "$J" org.banjo1.Jail "$1"; }

echo "1. Manager: properties"
[[ $(manager_property Version) =~ ^[0-9]+\.[0-9]+ ]] || fail "Version"
[[ $(manager_property Backend) == "$BANJO_TEST_BACKEND" ]] || fail "Backend"
wait_until 20 bash -c '[[ $(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager BackendState) == "s \"ready\"" ]]' || fail "BackendState"
[[ $(manager_property StateHealth) == ok ]] || fail "StateHealth $(manager_property StateHealth) on a usable state directory"
for p in JournalCursor EntriesProcessed FailuresFound ActiveBans TotalBans; do
    manager_property "$p" >/dev/null || fail "property $p"
done

echo "2. Manager: ListJails, GetJail"
manager ListJails | grep -q '"sshd" "/org/banjo1/jail/sshd" true' || fail "ListJails sshd"
manager ListJails | grep -q '"web" "/org/banjo1/jail/web" false' || fail "ListJails web"
[[ $(manager GetJail s sshd) == 'o "/org/banjo1/jail/sshd"' ]] || fail "GetJail"
manager GetJail s nosuch 2>&1 | grep -q "no jail named 'nosuch'" || fail "GetJail of an unknown jail"

echo "3. Jail: properties"
[[ $(jail_property Name) == 's "sshd"' ]] || fail "Name"
[[ $(jail_property Enabled) == 'b true' ]] || fail "Enabled"
[[ $(jail_property Filter) == 's "sshd"' ]] || fail "Filter"
[[ $(jail_property Mode) == 's "aggressive"' ]] || fail "Mode"
jail_property JournalMatch | grep -q '_SYSTEMD_UNIT=ssh.service' || fail "JournalMatch"
[[ $(jail_property MaxRetry) == 'u 3' ]] || fail "MaxRetry"
[[ $(jail_property FindTimeUSec) == 't 600000000' ]] || fail "FindTimeUSec"
[[ $(jail_property BanTimeUSec) == 't 3600000000' ]] || fail "BanTimeUSec"
[[ $(jail_property IgnoreList) == 'as 1 "127.0.0.0/8"' ]] || fail "IgnoreList: $(jail_property IgnoreList)"
journal_failures 1 198.51.100.60
wait_until 10 bash -c "[[ \$(busctl --system get-property org.banjo1 $J org.banjo1.Jail TrackedAddresses) == 'u 1' ]]" || fail "TrackedAddresses"
[[ $(jail_property TotalFailures) == 't 1' ]] || fail "TotalFailures $(jail_property TotalFailures)"

echo "4. Jail: Ban, ListBans, Unban, with firewalld's view"
jail Ban st 198.51.100.61 0 >/dev/null || fail "Jail.Ban"
wait_until 10 has_entry 198.51.100.61 || fail "Jail.Ban not in firewalld"
jail ListBans | grep -q '"198.51.100.61" [0-9]* [0-9]* 0 "manual"' || fail "Jail.ListBans: $(jail ListBans)"
[[ $(jail_property ActiveBans) == 'u 1' ]] || fail "Jail.ActiveBans"
[[ $(jail_property TotalBans) == 't 1' ]] || fail "Jail.TotalBans"
jail Unban s 198.51.100.61 || fail "Jail.Unban"
wait_until 10 lacks_entry 198.51.100.61 || fail "Jail.Unban still in firewalld"
jail Unban s 198.51.100.61 2>&1 | grep -q "198.51.100.61 is not banned in jail sshd" || fail "Jail.Unban of what is not banned"

echo "4b. Manager: ListBanHistory keeps the lifted ban; TestFilter reads pasted lines"
manager ListBanHistory t 0 | grep -q '"sshd" "198.51.100.61" [0-9]* [0-9]* 0 "manual"' || fail "ListBanHistory: $(manager ListBanHistory t 0)"
future=$(( $(date +%s%6N) + 3600000000 ))
[[ $(manager ListBanHistory t "$future") == 'a(ssttus) 0' ]] || fail "ListBanHistory after now: $(manager ListBanHistory t "$future")"
out=$(manager TestFilter ssas sshd "" 2 "Dec  7 10:00:01 host sshd[42]: Failed password for root from 203.0.113.50 port 22 ssh2" "hello") || fail "TestFilter"
[[ $out == 'a(ssss) 2 "failure" "203.0.113.50" "203.0.113.50" "root" "no-match" "" "" ""' ]] || fail "TestFilter: $out"
manager TestFilter ssas ../etc/passwd "" 0 2>&1 | grep -q "no filter named" || fail "TestFilter of a path"
lacks_entry 203.0.113.50 || fail "TestFilter banned"

echo "5. Jail: AddIgnore, RemoveIgnore"
jail AddIgnore s 198.51.100.0/28 || fail "AddIgnore"
jail_property IgnoreList | grep -q '"198.51.100.0/28"' || fail "IgnoreList after AddIgnore"
journal_failures 3 198.51.100.5
journal_failures 3 198.51.100.20   # outside the ignored /28: its ban comes after .5's failures
wait_until 10 has_entry 198.51.100.20 || fail "198.51.100.20 not banned"
not_banned 198.51.100.5 || fail "an address ignored at runtime was banned"
jail Ban st 198.51.100.6 0 2>&1 | grep -q "ignore list" || fail "Ban of an ignored address"
jail RemoveIgnore s 198.51.100.0/28 || fail "RemoveIgnore"
jail RemoveIgnore s 198.51.100.0/28 2>&1 | grep -q "not on the ignore list" || fail "RemoveIgnore twice"
jail AddIgnore s not-a-cidr 2>&1 | grep -q "not an address or CIDR" || fail "AddIgnore of garbage"

echo "6. Jail: SetEnabled lifts the jail's bans"
manager Ban sst sshd 198.51.100.62 0 >/dev/null || fail "Ban"
wait_until 10 has_entry 198.51.100.62 || fail "198.51.100.62 not banned"
jail SetEnabled b false || fail "SetEnabled false"
[[ $(jail_property Enabled) == 'b false' ]] || fail "Enabled after SetEnabled false"
wait_until 10 lacks_entry 198.51.100.62 || fail "disabling did not lift the ban"
journal_failures 3 198.51.100.63
wait_journal_read
not_banned 198.51.100.63 || fail "a disabled jail banned"
jail SetEnabled b true || fail "SetEnabled true"
journal_failures 3 198.51.100.64
wait_until 10 has_entry 198.51.100.64 || fail "a re-enabled jail did not ban"

echo "7. Manager: Reload keeps counts and bans of unchanged jails; a bad config is refused"
before=$(jail_property TotalFailures)
manager Reload || fail "Reload"
[[ $(jail_property TotalFailures) == "$before" ]] || fail "reload lost the counts ($before -> $(jail_property TotalFailures))"
has_entry 198.51.100.64 || fail "reload lost a ban"
cp "$BANJOD_DIR/etc/banjo.toml" "$BANJOD_DIR/good.toml"
printf '\n[jail.sshd]\nmaxretry = "three"\n' >>"$BANJOD_DIR/etc/banjo.toml"
out=$(manager Reload 2>&1) && fail "Reload of a broken config succeeded"
grep -q "banjo.toml:[0-9]*:" <<<"$out" || fail "the InvalidConfig error names no FILE:LINE: $out"
[[ $(jail_property MaxRetry) == 'u 3' ]] || fail "the old config is not in force"
cp "$BANJOD_DIR/good.toml" "$BANJOD_DIR/etc/banjo.toml"
sed -i 's/^maxretry = 3/maxretry = 4/' "$BANJOD_DIR/etc/banjo.toml"
manager Reload || fail "Reload after the fix"
[[ $(jail_property MaxRetry) == 'u 4' ]] || fail "MaxRetry after reload"
has_entry 198.51.100.64 || fail "a changed jail lost its bans"

echo "8. a caller that is not root reads everything and changes nothing"
chmod 755 "$BANJO_SANDBOX_DIR"
chmod 666 "$BANJO_SANDBOX_DIR/bus"
nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" busctl --system "$@"; }
nobody call org.banjo1 /org/banjo1 org.banjo1.Manager ListJails >/dev/null || fail "nobody cannot ListJails"
nobody call org.banjo1 /org/banjo1 org.banjo1.Manager ListBans s "" >/dev/null || fail "nobody cannot ListBans"
nobody call org.banjo1 /org/banjo1 org.banjo1.Manager ListBanHistory t 0 >/dev/null || fail "nobody cannot ListBanHistory"
nobody call org.banjo1 /org/banjo1 org.banjo1.Manager TestFilter ssas sshd "" 1 x >/dev/null || fail "nobody cannot TestFilter"
nobody get-property org.banjo1 /org/banjo1 org.banjo1.Manager ActiveBans >/dev/null || fail "nobody cannot read ActiveBans"
nobody get-property org.banjo1 "$J" org.banjo1.Jail IgnoreList >/dev/null || fail "nobody cannot read IgnoreList"
denied() {   # what nobody calls must fail with AccessDenied
    local out
    out=$(nobody call org.banjo1 "$@" 2>&1) && fail "nobody may call $*"
    grep -qi "access denied" <<<"$out" || fail "nobody calling $* got: $out"
}
denied /org/banjo1 org.banjo1.Manager Ban sst sshd 198.51.100.70 0
denied /org/banjo1 org.banjo1.Manager Unban ss sshd 198.51.100.64
denied /org/banjo1 org.banjo1.Manager Reload
denied "$J" org.banjo1.Jail Ban st 198.51.100.70 0
denied "$J" org.banjo1.Jail Unban s 198.51.100.64
denied "$J" org.banjo1.Jail SetEnabled b false
denied "$J" org.banjo1.Jail AddIgnore s 198.51.100.70
denied "$J" org.banjo1.Jail RemoveIgnore s 127.0.0.0/8
lacks_entry 198.51.100.70 || fail "a refused Ban went through"
has_entry 198.51.100.64 || fail "a refused Unban went through"
[[ $(jail_property Enabled) == 'b true' ]] || fail "a refused SetEnabled went through"

echo "9. the same through banjoctl, checked in firewalld"
"$BANJOCTL" ban sshd 203.0.113.80 1h >/dev/null || fail "banjoctl ban"
wait_until 10 has_entry 203.0.113.80 || fail "banjoctl ban not in firewalld"
"$BANJOCTL" bans sshd --json | /usr/bin/python3 -c '
import json, sys
bans = json.load(sys.stdin)["bans"]
assert any(b["address"] == "203.0.113.80" and b["origin"] == "manual" for b in bans), bans' || fail "banjoctl bans --json"
"$BANJOCTL" status sshd --json | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["name"] == "sshd" and s["enabled"] and s["maxretry"] == 4 and s["mode"] == "aggressive", s' || fail "banjoctl status sshd --json"
"$BANJOCTL" unban sshd 203.0.113.80 >/dev/null || fail "banjoctl unban"
wait_until 10 lacks_entry 203.0.113.80 || fail "banjoctl unban still in firewalld"
"$BANJOCTL" unban sshd 203.0.113.80 >/dev/null 2>&1
[[ $? -eq 1 ]] || fail "banjoctl unban of what is not banned must exit 1"
"$BANJOCTL" ignore sshd add 203.0.113.81 >/dev/null || fail "banjoctl ignore add"
journal_failures 4 203.0.113.81
wait_journal_read
not_banned 203.0.113.81 || fail "banjoctl ignore add did not take"
"$BANJOCTL" ignore sshd remove 203.0.113.81 >/dev/null || fail "banjoctl ignore remove"
manager Ban sst sshd 203.0.113.82 0 >/dev/null
wait_until 10 has_entry 203.0.113.82 || fail "203.0.113.82"
"$BANJOCTL" disable sshd >/dev/null || fail "banjoctl disable"
wait_until 10 lacks_entry 203.0.113.82 || fail "banjoctl disable left the ban in firewalld"
"$BANJOCTL" enable sshd >/dev/null || fail "banjoctl enable"
"$BANJOCTL" reload >/dev/null || fail "banjoctl reload"
"$BANJOCTL" status --json | /usr/bin/python3 -c '
import json, os, sys
s = json.load(sys.stdin)
assert s["backend"] == os.environ["BANJO_TEST_BACKEND"] and s["backend_state"] == "ready", s' || fail "banjoctl status --json"

banjod_stop TERM
echo "PASS"
