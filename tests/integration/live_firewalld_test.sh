#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# firewalld loses its runtime entries on every reload and restart: banjod puts its bans back,
# keeps deciding while firewalld is away, and tells through BackendState.
# Usage: live_firewalld_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_with_banjod_sshd
journal_failures 3 198.51.100.20
manager Ban sst sshd 2001:db8::20 0 >/dev/null || fail "Ban"
wait_until 10 has_entry 198.51.100.20 || fail "198.51.100.20 not banned"
wait_until 10 has_entry 2001:db8::20 || fail "2001:db8::20 not banned"

echo "1. firewalld reload: the bans come back"
sandbox_call /org/fedoraproject/FirewallD1 org.fedoraproject.FirewallD1 reload || fail "reload"
wait_until 20 has_entry 198.51.100.20 || fail "198.51.100.20 not back after reload"
wait_until 20 has_entry 2001:db8::20 || fail "2001:db8::20 not back after reload"

echo "2. firewalld crashes: BackendState says so, banjod keeps deciding"
sandbox_firewalld_stop KILL
wait_until 10 bash -c '[[ $(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager BackendState) == "s \"unavailable\"" ]]' \
    || fail "BackendState is $(manager_property BackendState), not unavailable"
journal_failures 3 198.51.100.21
wait_until 10 bash -c "busctl --system call org.banjo1 /org/banjo1 org.banjo1.Manager ListBans s sshd | grep -q 198.51.100.21" \
    || fail "no ban decided while firewalld was away"

echo "3. firewalld returns: every ban is applied, the new one too"
sandbox_firewalld_start --with-banjo
wait_until 30 has_entry 198.51.100.21 || fail "198.51.100.21 not applied after firewalld returned"
wait_until 10 has_entry 198.51.100.20 || fail "198.51.100.20 lost over the restart"
wait_until 10 has_entry 2001:db8::20 || fail "2001:db8::20 lost over the restart"
[[ $(manager_property BackendState) == ready ]] || fail "BackendState $(manager_property BackendState)"
sandbox_nft list set inet firewalld banjo4 | grep -q 198.51.100.21 || fail "not in the nft set"

banjod_stop TERM
echo "PASS"
