#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# banjod live: failures appended to the journal it follows become bans in firewalld, bans
# expire, Ban/Unban/ListBans/ListJails answer over D-Bus as DESIGN.md says, and every ban and
# unban is announced with the Banned/Unbanned signals.
# Usage: live_bans_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_with_backend

banjod_prepare <<'TOML'
[defaults]
bantime = "4s"
findtime = "10m"
maxretry = 3
ignore = ["203.0.113.77"]
ignore-self = false

[defaults.increment]
enabled = false

[jail.sshd]
filter = "sshd"
TOML
busctl --system monitor org.banjo1 >"$BANJOD_DIR/monitor.log" 2>&1 &
sandbox_remember $! busctl-monitor
banjod_start

echo "1. three failures ban an address in firewalld"
journal_failures 3 198.51.100.7
wait_until 10 has_entry 198.51.100.7 || fail "198.51.100.7 not in firewalld"
sandbox_nft list set inet "$(sandbox_nft_table)" banjo4 | grep -q 198.51.100.7 || fail "198.51.100.7 not in the nft set"

echo "2. two failures do not"
journal_failures 2 198.51.100.8
wait_journal_read
not_banned 198.51.100.8 || fail "198.51.100.8 banned after 2 failures"

echo "3. an IPv6 attacker is banned under its canonical form"
journal_failures 3 2001:DB8:0:0::9
wait_until 10 has_entry 2001:db8::9 || fail "2001:db8::9 not in firewalld"

echo "4. an address on the ignore list is never banned"
journal_failures 5 203.0.113.77
wait_journal_read
not_banned 203.0.113.77 || fail "an ignored address was banned"
out=$(manager Ban sst sshd 203.0.113.77 0 2>&1) && fail "Ban of an ignored address succeeded"
grep -q "ignore list" <<<"$out" || fail "unexpected error for an ignored address: $out"

echo "5. bans expire: gone from firewalld, Unbanned(expired) signalled"
wait_until 15 lacks_entry 198.51.100.7 || fail "198.51.100.7 did not expire"
grep -q '"198.51.100.7"' "$BANJOD_DIR/monitor.log" || fail "no signal for 198.51.100.7"
grep -A3 'Member=Unbanned' "$BANJOD_DIR/monitor.log" | grep -q . || fail "no Unbanned signal seen"
grep -q '"expired"' "$BANJOD_DIR/monitor.log" || fail "no Unbanned with reason expired"
grep -A12 'Member=PropertiesChanged' "$BANJOD_DIR/monitor.log" | grep -q '"ActiveBans"' \
    || fail "no PropertiesChanged for ActiveBans"

echo "6. Ban through busctl, with the jail's policy and permanent"
expires=$(manager Ban sst sshd 203.0.113.5 0) || fail "Ban failed"
[[ $expires =~ ^t\ [0-9]+$ ]] || fail "Ban returned '$expires'"
manager Ban sst sshd 2001:db8::77 18446744073709551615 | grep -q 18446744073709551615 || fail "permanent ban"
wait_until 10 has_entry 203.0.113.5 || fail "manual ban not applied"
wait_until 10 has_entry 2001:db8::77 || fail "permanent ban not applied"
manager ListBans s sshd | grep -q '"2001:db8::77" [0-9]* 18446744073709551615 0 "manual"' || fail "ListBans lacks the permanent manual ban"

echo "7. Unban lifts a ban; unbanning what is not banned is an error naming it"
manager Unban ss sshd 203.0.113.5 | grep -qx 'u 1' || fail "Unban did not report 1"
wait_until 10 lacks_entry 203.0.113.5 || fail "unbanned address still in firewalld"
out=$(manager Unban ss sshd 203.0.113.5 2>&1) && fail "second Unban succeeded"
grep -q "203.0.113.5 is not banned" <<<"$out" || fail "unexpected error: $out"
manager Unban ss "" 2001:db8::77 | grep -qx 'u 1' || fail "Unban in every jail"
wait_until 10 lacks_entry 2001:db8::77 || fail "2001:db8::77 still in firewalld"

echo "8. bad input gets a named error"
out=$(manager Ban sst nosuchjail 198.51.100.1 0 2>&1) && fail "Ban in an unknown jail"
grep -q "no jail named 'nosuchjail'" <<<"$out" || fail "unexpected error: $out"
out=$(manager Ban sst sshd 999.1.1.1 0 2>&1) && fail "Ban of a bad address"
grep -q "not an IPv4 or IPv6 address" <<<"$out" || fail "unexpected error: $out"

echo "9. ListJails and the counters"
manager ListJails | grep -q '"sshd" "/org/banjo1/jail/sshd" true' || fail "ListJails: $(manager ListJails)"
[[ $(manager_property EntriesProcessed) -gt 0 ]] || fail "EntriesProcessed is 0"
[[ $(manager_property FailuresFound) -ge 8 ]] || fail "FailuresFound: $(manager_property FailuresFound)"
[[ $(manager_property Backend) == "$BANJO_TEST_BACKEND" ]] || fail "Backend"
[[ $(manager_property BackendState) == ready ]] || fail "BackendState"

banjod_stop TERM
echo "PASS"
