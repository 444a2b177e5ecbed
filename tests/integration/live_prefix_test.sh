#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ipv6-prefix = 64 (BANJO_TEST_BACKEND: firewalld or nftables): failures of two addresses of one
# /64 add up to one ban of the /64, listed as its CIDR; a third address of the prefix that never
# failed is dropped too (real packets from the attacker namespace); the ban survives a restart;
# Unban of an address inside it lifts it. firewalld holds it in the hash:net ipset banjo6n,
# nftables in the interval set banjo6.
# Usage: live_prefix_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_require || exit 77
sandbox_start
if [[ $BANJO_TEST_BACKEND == firewalld ]]; then
    # The port is open in the default zone (where the attacker's interface lands): only a ban
    # can close it.
    sandbox_firewalld_config --with-banjo
    sed 's|</zone>|  <port port="2222" protocol="tcp"/>\n</zone>|' /usr/lib/firewalld/zones/public.xml \
        >"$BANJO_SANDBOX_DIR/firewalld/zones/public.xml"
    sandbox_firewalld_start || fail "firewalld"
fi
sandbox_attacker_start || fail "attacker namespace"
# A second address of the attacker's /64, which never appears in a log line.
ip -n "$BANJO_ATTACKER_NETNS" addr add 2001:db8:66::77/64 dev bj-att nodad || fail "second attacker address"
sandbox_listen 2222 || fail "listener"
probe() { ip netns exec "$BANJO_ATTACKER_NETNS" /usr/bin/python3 "$BANJO_SOURCE_ROOT/tests/integration/lib/probe.py" "$@"; }
from_second() { [[ $(probe tcp 2001:db8:66::1 2222 2001:db8:66::77) == "$1" ]]; }
prefix_set=banjo6n
[[ $BANJO_TEST_BACKEND == nftables ]] && prefix_set=banjo6
in_prefix_set() { sandbox_set_entries "$prefix_set" | grep -qxF 2001:db8:66::/64; }

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
ignore-self = false

[firewalld]
allow-reload = true

[jail.sshd]
maxretry = 3
ipv6-prefix = 64
TOML
banjod_start
backend_ready() { [[ $(manager_property BackendState) == ready ]]; }
wait_until 30 backend_ready || fail "BackendState $(manager_property BackendState)"
wait_until 10 from_second open || fail "the second address cannot connect before any ban"

echo "1. two addresses of one /64 fail 3 times together: the /64 is banned, listed as its CIDR"
journal_failures 2 2001:db8:66::66
journal_failures 1 2001:db8:66::55
wait_until 30 in_prefix_set || fail "2001:db8:66::/64 not in $prefix_set: $(sandbox_set_entries "$prefix_set" | tr '\n' ' ')"
[[ $(banned_addresses sshd) == 2001:db8:66::/64 ]] || fail "ListBans: $(banned_addresses sshd | tr '\n' ' ')"

echo "2. the third address of the prefix, which never failed, is dropped"
wait_until 20 from_second silent || fail "2001:db8:66::77 still gets through: $(probe tcp 2001:db8:66::1 2222 2001:db8:66::77)"

echo "3. a restart restores the prefix ban"
banjod_stop TERM
banjod_start
wait_until 30 backend_ready || fail "BackendState after restart $(manager_property BackendState)"
[[ $(banned_addresses sshd) == 2001:db8:66::/64 ]] || fail "ListBans after restart: $(banned_addresses sshd | tr '\n' ' ')"
in_prefix_set || fail "2001:db8:66::/64 not in $prefix_set after restart"
from_second silent || fail "2001:db8:66::77 gets through after restart"

echo "4. Unban of an address inside the prefix lifts it"
[[ $(manager Unban ss "" 2001:db8:66::77) == "u 1" ]] || fail "Unban of 2001:db8:66::77 did not lift one ban"
[[ -z $(banned_addresses sshd) ]] || fail "ListBans after Unban: $(banned_addresses sshd | tr '\n' ' ')"
wait_until 20 from_second open || fail "2001:db8:66::77 still dropped after Unban"
in_prefix_set && fail "2001:db8:66::/64 still in $prefix_set after Unban"

banjod_stop TERM
echo "PASS"
