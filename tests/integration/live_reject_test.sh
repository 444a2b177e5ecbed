#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# block = "reject" (BANJO_TEST_BACKEND: firewalld or nftables): the banned attacker is answered,
# not ignored. A port-limited jail (rich rules / per-jail set) and an all-ports jail (its own
# set: firewalld's drop zone can only drop) each send a TCP reset to TCP and an ICMP/ICMPv6
# port-unreachable to UDP; the attacker's own nftables counters show which came back.
# Usage: live_reject_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_require || exit 77
sandbox_start
if [[ $BANJO_TEST_BACKEND == firewalld ]]; then
    # The ports are open in the default zone (where the attacker's interface lands), so only
    # a ban can refuse them.
    sandbox_firewalld_config --with-banjo
    ports='  <port port="2222" protocol="tcp"/>\n  <port port="2223" protocol="tcp"/>\n  <port port="5353" protocol="udp"/>\n  <port port="5354" protocol="udp"/>'
    sed "s|</zone>|$ports\n</zone>|" /usr/lib/firewalld/zones/public.xml >"$BANJO_SANDBOX_DIR/firewalld/zones/public.xml"
    sandbox_firewalld_start || fail "firewalld"
fi
sandbox_attacker_start || fail "attacker namespace"
for port in 2222 2223; do sandbox_listen "$port" || fail "listener $port"; done
for port in 5353 5354; do
    ip netns exec "$BANJO_NETNS" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(64)
    s.sendto(data, peer)' "$port" </dev/null >/dev/null 2>&1 &
    sandbox_remember $! udp-echo
    disown $!
done

# What comes back to the attacker, counted in its own namespace.
ip netns exec "$BANJO_ATTACKER_NETNS" nft -f - <<'NFT' || fail "counters in the attacker namespace"
table inet watch {
    counter resets {}
    counter unreachable {}
    chain input {
        type filter hook input priority 0; policy accept;
        tcp flags & rst == rst counter name resets
        icmp type destination-unreachable icmp code port-unreachable counter name unreachable
        icmpv6 type destination-unreachable icmpv6 code port-unreachable counter name unreachable
    }
}
NFT
count() { ip netns exec "$BANJO_ATTACKER_NETNS" nft list counter inet watch "$1" | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }
probe() { ip netns exec "$BANJO_ATTACKER_NETNS" /usr/bin/python3 "$BANJO_SOURCE_ROOT/tests/integration/lib/probe.py" "$@"; }
expect() {   # WHAT KIND ADDRESS PORT
    local got
    got=$(probe "$2" "$3" "$4")
    [[ $got == "$1" ]] || fail "$2 $3 port $4: expected $1, the attacker saw $got"
}
refused() { [[ $(probe "$@") == refused ]]; }
udp_ready() { [[ $(probe udp 203.0.113.1 "$1") == open ]]; }
wait_until 10 udp_ready 5353 || fail "the UDP echo listener does not answer"

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
ignore-self = false
block = "reject"

[firewalld]
allow-reload = true

# Bans after 3 failures, on its ports only.
[jail.web]
filter = "sshd"
maxretry = 3
ports = ["2222/tcp", "5353/udp"]

# Bans after 6, every port.
[jail.all]
filter = "sshd"
maxretry = 6
TOML
banjod_start
# banjod's first setup may reload firewalld (new ipsets): nothing is probed before it is done.
backend_ready() { [[ $(manager_property BackendState) == ready ]]; }
wait_until 30 backend_ready || fail "BackendState $(manager_property BackendState)"

echo "1. before any ban every port answers"
for a in 203.0.113.1 2001:db8:66::1; do
    expect open tcp "$a" 2222
    expect open tcp "$a" 2223
    expect open udp "$a" 5353
    expect open udp "$a" 5354
done

echo "2. a port-limited jail that rejects: a reset for TCP, port-unreachable for UDP, other ports open"
journal_failures 3 203.0.113.66
sandbox_wait_banned 30 203.0.113.66 web || fail "203.0.113.66 not banned in jail web"
resets=$(count resets) unreachable=$(count unreachable)
wait_until 30 refused tcp 203.0.113.1 2222 || fail "TCP 2222 is not refused after the ban"
(($(count resets) > resets)) || fail "no TCP reset reached the attacker"
expect refused udp 203.0.113.1 5353
(($(count unreachable) > unreachable)) || fail "no ICMP port-unreachable reached the attacker"
expect open tcp 203.0.113.1 2223
expect open udp 203.0.113.1 5354

echo "3. an all-ports jail that rejects: every port answers with a reset or port-unreachable (IPv6)"
journal_failures 6 2001:db8:66::66
sandbox_wait_banned 30 2001:db8:66::66 all || fail "2001:db8:66::66 not banned in jail all"
resets=$(count resets) unreachable=$(count unreachable)
wait_until 30 refused tcp 2001:db8:66::1 2223 || fail "TCP 2223 over IPv6 is not refused after the ban"
(($(count resets) > resets)) || fail "no TCP reset reached the IPv6 attacker"
expect refused udp 2001:db8:66::1 5354
(($(count unreachable) > unreachable)) || fail "no ICMPv6 port-unreachable reached the attacker"
expect open tcp 203.0.113.1 2223   # its IPv4 address is banned by jail web only

banjod_stop TERM
echo "PASS"
