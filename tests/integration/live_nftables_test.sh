#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# banjod with the nftables backend, live, inside the sandbox's network namespace: its table
# inet banjo, bans that outlast banjod (kernel timeouts), the table put back after `nft flush
# ruleset`, a published container port (DNAT, forward hook) closed to a banned attacker, also
# when the jail names only the published port, and firewalld started, reloaded and stopped
# beside it without touching banjo's table.
# Usage: live_nftables_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
export BANJO_TEST_BACKEND=nftables
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_with_backend
sandbox_attacker_start || fail "attacker namespace"

# A "container" whose port 80 is published as port 8080 of the sandbox namespace by DNAT.
sandbox_container_start || fail "container"
sandbox_listen 22 || fail "listener"

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
maxretry = 3
ignore-self = false

[jail.sshd]
filter = "sshd"

[jail.web]
filter = "sshd"
ports = ["8080"]
TOML
banjod_start
wait_until 10 bash -c '[[ $(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager BackendState) == "s \"ready\"" ]]' \
    || fail "BackendState: $(manager_property BackendState)"

echo "1. table inet banjo: sets per family and for the port-limited jail, input and forward chains"
table=$(sandbox_nft list table inet banjo) || fail "no table inet banjo"
for needle in "set banjo4" "set banjo6" "set banjo-web4" "hook input priority filter - 10" \
    "hook forward priority filter - 10" "ip saddr @banjo4 drop" "ct original proto-dst 8080 drop"; do
    grep -qF "$needle" <<<"$table" || fail "table lacks '$needle': $table"
done

echo "2. the published container port is reachable, then closed by a ban on the published port only"
sandbox_can_connect 203.0.113.1 8080 || fail "no connection to the published port before the ban"
manager Ban sst web 203.0.113.66 0 >/dev/null || fail "Ban in jail web"
sandbox_wait_banned 10 203.0.113.66 web || fail "203.0.113.66 not in banjo-web4"
sandbox_can_connect 203.0.113.1 8080 && fail "a banned attacker reaches the published container port"
sandbox_can_connect 203.0.113.1 22 || fail "a ban on port 8080 blocked port 22 too"
manager Unban ss web 203.0.113.66 >/dev/null || fail "Unban"
wait_until 10 sandbox_can_connect 203.0.113.1 8080 || fail "unbanned, still no connection"

echo "3. an all-ports ban closes the forward path too"
manager Ban sst sshd 203.0.113.66 0 >/dev/null || fail "Ban in jail sshd"
sandbox_wait_banned 10 203.0.113.66 || fail "203.0.113.66 not in banjo4"
sandbox_can_connect 203.0.113.1 8080 && fail "an all-ports ban let the forwarded connection through"
sandbox_can_connect 203.0.113.1 22 && fail "an all-ports ban let the local connection through"

echo "4. nft flush ruleset: banjod puts its table back at once and says who removed it"
sandbox_nft flush ruleset
sandbox_wait_banned 10 203.0.113.66 || fail "the ban did not come back after nft flush ruleset"
sandbox_nft list chain inet banjo bans | grep -qF "ip saddr @banjo4 drop" || fail "rules not back"
grep -q "table inet banjo was changed by nft (pid" "$BANJOD_DIR/banjod.log" || fail "the restore was not logged"
sandbox_can_connect 203.0.113.1 22 && fail "the attacker connects after the table was restored"

echo "5. bans hold while banjod is down, and a restart changes nothing that is right"
banjod_stop KILL
sandbox_banned 203.0.113.66 || fail "the ban went with banjod"
sandbox_can_connect 203.0.113.1 22 && fail "the attacker connects while banjod is down"
banjod_start
wait_until 10 bash -c '[[ $(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager BackendState) == "s \"ready\"" ]]' \
    || fail "BackendState after the restart"
sandbox_banned 203.0.113.66 || fail "the ban is gone after the restart"

echo "6. firewalld starts beside it, reloads, stops: table inet banjo and its ban stay in force"
sandbox_firewalld_start --empty || fail "firewalld did not start in the namespace"
sandbox_nft list tables | grep -qx "table inet firewalld" || fail "firewalld has no table"
sandbox_banned 203.0.113.66 || fail "firewalld's start removed the ban"
sandbox_can_connect 203.0.113.1 22 && fail "the attacker connects once firewalld runs"
sandbox_call /org/fedoraproject/FirewallD1 org.fedoraproject.FirewallD1 reload || fail "firewalld reload"
sandbox_firewalld_wait || fail "firewalld not RUNNING after its reload"
sandbox_banned 203.0.113.66 || fail "a firewalld reload removed the ban"
sandbox_nft list chain inet banjo bans | grep -qF "ip saddr @banjo4 drop" || fail "a firewalld reload removed the rules"
sandbox_can_connect 203.0.113.1 22 && fail "the attacker connects after a firewalld reload"
sandbox_firewalld_stop TERM
sandbox_banned 203.0.113.66 || fail "firewalld's stop removed the ban"
grep -q "changed by firewalld" "$BANJOD_DIR/banjod.log" && fail "banjod saw firewalld touch table inet banjo"

banjod_stop TERM
echo "PASS"
