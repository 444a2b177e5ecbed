#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The firewalld backend with [firewalld] forward-guard: a port published by DNAT in a table of
# its own (as Docker, Podman and libvirt do it) is accepted by firewalld 1.3 before its zones
# (`ct status dnat accept`), so only the guard, banjo's forward-only table inet banjo, keeps a
# banned attacker out. banjod runs inside the sandbox's namespace (its table is written there,
# never on the host). Checked: the table hooks forward only; an all-ports ban closes the
# published port and the host's own port, an unban opens both; a ban of a jail limited to the
# published port closes it and leaves another port open; a restart keeps the guard's ban; a
# reload that turns the guard off is refused with the key named.
# Usage: live_forward_guard_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_require || exit 77
sandbox_start
BANJOD_IN_NETNS=1
sandbox_attacker_start || fail "attacker namespace"

# A "container" whose port 80 is published as port 8080 of the sandbox namespace by DNAT.
sandbox_container_start || fail "container"
sandbox_firewalld_start --with-banjo || fail "firewalld"
sandbox_listen 22 || fail "listener"
sandbox_can_connect 203.0.113.1 8080 || fail "no connection to the published port through firewalld"

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
maxretry = 3
ignore-self = false

[firewalld]
allow-reload = true
forward-guard = true

[jail.sshd]
filter = "sshd"

[jail.web]
filter = "sshd"
ports = ["8080"]
TOML
backend_ready() { [[ $(manager_property BackendState) == ready ]]; }
banjod_start
wait_until 30 backend_ready || fail "BackendState: $(manager_property BackendState)"

echo "1. the guard: table inet banjo with a forward hook and no input hook"
table=$(sandbox_nft list table inet banjo) || fail "no table inet banjo"
grep -qF "hook forward priority filter - 10" <<<"$table" || fail "no forward hook: $table"
grep -qF "hook input" <<<"$table" && fail "the guard hooks input too: $table"

echo "2. an all-ports ban closes the published port and the host's own port; an unban opens both"
manager Ban sst sshd 203.0.113.66 0 >/dev/null || fail "Ban in jail sshd"
sandbox_wait_banned 10 203.0.113.66 || fail "203.0.113.66 not in firewalld's banjo4"
wait_until 10 bash -c "ip netns exec $BANJO_NETNS nft list set inet banjo banjo4 | grep -qF 203.0.113.66" \
    || fail "203.0.113.66 not in the guard's banjo4"
sandbox_can_connect 203.0.113.1 8080 && fail "a banned attacker reaches the published container port"
sandbox_can_connect 203.0.113.1 22 && fail "a banned attacker reaches the host's port 22"
manager Unban ss sshd 203.0.113.66 >/dev/null || fail "Unban"
wait_until 10 sandbox_can_connect 203.0.113.1 8080 || fail "unbanned, the published port stays closed"
sandbox_can_connect 203.0.113.1 22 || fail "unbanned, port 22 stays closed"

echo "3. a jail limited to the published port closes it and leaves port 22 open"
manager Ban sst web 203.0.113.66 0 >/dev/null || fail "Ban in jail web"
sandbox_wait_banned 30 203.0.113.66 web || fail "203.0.113.66 not in firewalld's banjo-web4"
wait_until 10 bash -c "ip netns exec $BANJO_NETNS nft list set inet banjo banjo-web4 | grep -qF 203.0.113.66" \
    || fail "203.0.113.66 not in the guard's banjo-web4"
sandbox_can_connect 203.0.113.1 8080 && fail "a ban on port 8080 let the forwarded connection through"
sandbox_can_connect 203.0.113.1 22 || fail "a ban on port 8080 closed port 22"

echo "4. a restart keeps the guard's ban in force"
banjod_stop TERM
banjod_start
wait_until 30 backend_ready || fail "BackendState after the restart: $(manager_property BackendState)"
ip netns exec "$BANJO_NETNS" nft list set inet banjo banjo-web4 | grep -qF 203.0.113.66 \
    || fail "the guard lost the ban over the restart"
sandbox_can_connect 203.0.113.1 8080 && fail "the published port opened over the restart"

echo "5. a reload that turns the guard off is refused with the key named"
sed -i 's/^forward-guard = true$/forward-guard = false/' "$BANJOD_DIR/etc/banjo.toml"
err=$(bus_error /org/banjo1 org.banjo1.Manager Reload)
[[ $err == "org.banjo1.Error.InvalidConfig: "*"[firewalld] forward-guard"* ]] || fail "Reload turning the guard off gave: $err"

banjod_stop TERM
echo "PASS"
