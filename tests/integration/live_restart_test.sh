#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Nothing is lost across crashes and restarts: banjod killed with SIGKILL in the middle of a
# burst comes back with every ban the burst deserves, exactly once; a clean restart restores
# the bans in force; a ban that ended while banjod was down does not come back.
# Usage: live_restart_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_with_banjod_sshd

# 800 attackers, three failures each, interleaved: an attacker's failures lie 800 entries apart,
# across banjod's chunks, so a crash falls between the failures of many of them.
attackers=()
for ((i = 0; i < 800; i++)); do attackers+=("198.51.$((100 + i / 250)).$((1 + i % 250))"); done
printf '%s\n' "${attackers[@]}" | sort >"$BANJOD_DIR/expected"

echo "1. SIGKILL in the middle of a burst"
# The first two failures of every attacker, then a crash before the third: the failures
# counted before the crash must still count after it, and no attacker may be banned twice.
journal_failures 2 "${attackers[@]:0:400}"
journal_failures 3 "${attackers[@]:400:400}"
wait_until 30 bash -c '[[ $(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager ActiveBans) == "u 400" ]]' \
    || fail "the first part of the burst did not ban 400"
banjod_stop KILL
echo "   killed with $(firewall_addresses | wc -l) addresses in firewalld"
journal_failures 1 "${attackers[@]:0:400}"
banjod_start
all_banned() { [[ $(banned_addresses sshd | wc -l) -eq 800 ]]; }
wait_until 60 all_banned || fail "after the restart $(banned_addresses sshd | wc -l) of 800 attackers are banned"
diff <(banned_addresses sshd) "$BANJOD_DIR/expected" >/dev/null || fail "banned set differs from the attackers"
[[ $(manager ListBans s sshd | grep -o '"198\.51\.[0-9.]*"' | sort | uniq -d | wc -l) -eq 0 ]] || fail "duplicate bans"
all_applied() { [[ $(firewall_addresses | wc -l) -eq 800 ]]; }
wait_until 30 all_applied || fail "firewalld holds $(firewall_addresses | wc -l) entries, not 800"
diff <(firewall_addresses) "$BANJOD_DIR/expected" >/dev/null || fail "firewalld's set differs"

echo "2. a clean restart restores the bans, decides nothing new"
total_before=$(manager_property TotalBans)
banjod_stop TERM
banjod_start
[[ $(banned_addresses sshd | wc -l) -eq 800 ]] || fail "clean restart: $(banned_addresses sshd | wc -l) bans"
manager ListBans s sshd | grep -q '"restored"' || fail "restored bans are not marked restored"
# A new attacker after the restart: once it is banned, banjod has read on past the saved cursor,
# and that one ban must be all it decided.
journal_failures 3 203.0.113.60
wait_until 10 has_entry 203.0.113.60 || fail "an attacker after the restart was not banned"
[[ $(manager_property TotalBans) -eq 1 ]] || fail "the restart decided $(($(manager_property TotalBans) - 1)) new bans (before: $total_before)"
[[ $(firewall_addresses | wc -l) -eq 801 ]] || fail "the firewall lost entries over a clean restart"
manager Unban ss sshd 203.0.113.60 >/dev/null || fail "Unban 203.0.113.60"

echo "3. a ban that ends while banjod is down is gone after the restart"
manager Ban sst sshd 203.0.113.50 2000000 >/dev/null || fail "Ban"
wait_until 10 has_entry 203.0.113.50 || fail "203.0.113.50 not applied"
banjod_stop TERM
sleep 3
banjod_start
manager ListBans s sshd | grep -q 203.0.113.50 && fail "an expired ban came back"
wait_until 10 lacks_entry 203.0.113.50 || fail "an expired ban is still in firewalld"

echo "4. failures counted before a crash still count after it"
journal_failures 2 198.51.103.9
wait_journal_read   # counted, and saved with the cursor of that chunk
banjod_stop KILL
banjod_start
journal_failures 1 198.51.103.9
wait_until 10 has_entry 198.51.103.9 || fail "the third failure after a crash did not ban"

echo "5. an address unbanned before a restart is banned again by its next failures"
journal_failures 3 198.51.103.20
wait_until 10 has_entry 198.51.103.20 || fail "198.51.103.20 not banned"
manager Unban ss sshd 198.51.103.20 >/dev/null || fail "Unban"
wait_until 10 lacks_entry 198.51.103.20 || fail "198.51.103.20 still in the firewall after Unban"
banjod_stop TERM
banjod_start
journal_failures 3 198.51.103.20
wait_until 10 has_entry 198.51.103.20 || fail "after Unban and a restart, three new failures did not ban again"

banjod_stop TERM
echo "PASS"
