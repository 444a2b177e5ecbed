#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cut-connections (on by default; BANJO_TEST_BACKEND: firewalld or nftables, banjod inside the
# sandbox namespace): an attacker holds an established TCP connection and a UDP flow to echo
# listeners; the firewall lets established flows pass before any ban rule, so only the cut of
# their conntrack entries stops them. Both must stop once the ban applies (the attacker's own
# client reports it); the delays are printed. Then three attackers banned in one burst: the flows
# of every one of them stop (the cuts are batched).
# Usage: live_cut_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_require || exit 77
sandbox_start
BANJOD_IN_NETNS=1
if [[ $BANJO_TEST_BACKEND == firewalld ]]; then
    sandbox_firewalld_config --with-banjo
    ports='  <port port="7000" protocol="tcp"/>\n  <port port="7001" protocol="udp"/>'
    sed "s|</zone>|$ports\n</zone>|" /usr/lib/firewalld/zones/public.xml >"$BANJO_SANDBOX_DIR/firewalld/zones/public.xml"
    sandbox_firewalld_start || fail "firewalld"
fi
sandbox_attacker_start || fail "attacker namespace"

# Echo listeners in the sandbox namespace, TCP 7000 and UDP 7001, IPv4 and IPv6.
ip netns exec "$BANJO_NETNS" /usr/bin/python3 -c '
import socket, threading
def tcp(c):
    while True:
        data = c.recv(64)
        if not data:
            return
        c.sendall(data)
t = socket.socket(socket.AF_INET6)
t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("::", 7000))
t.listen(8)
threading.Thread(target=lambda: [threading.Thread(target=tcp, args=(t.accept()[0],), daemon=True).start() for _ in iter(int, 1)], daemon=True).start()
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
u.bind(("::", 7001))
while True:
    data, peer = u.recvfrom(64)
    u.sendto(data, peer)' </dev/null >/dev/null 2>&1 &
sandbox_remember $! echo
disown $!
wait_until 10 bash -c "ip netns exec $BANJO_NETNS ss -ltnH 'sport = :7000' | grep -q ." || fail "echo listener"

banjod_prepare_sshd
banjod_start
# banjod's first setup may reload firewalld (new ipsets): nothing is probed before it is done.
backend_ready() { [[ $(manager_property BackendState) == ready ]]; }
wait_until 30 backend_ready || fail "BackendState $(manager_property BackendState)"

FLOWS=$BANJO_SANDBOX_DIR/flows.out
ip netns exec "$BANJO_ATTACKER_NETNS" /usr/bin/python3 "$BANJO_SOURCE_ROOT/tests/integration/lib/flows.py" \
    203.0.113.1 7000 7001 >"$FLOWS" 2>&1 &
sandbox_remember $! flows
disown $!
flow_says() { grep -q "^$1" "$FLOWS"; }

echo "1. the attacker's TCP connection and UDP flow are open"
wait_until 15 flow_says "tcp open" || fail "no TCP flow: $(cat "$FLOWS")"
wait_until 15 flow_says "udp open" || fail "no UDP flow: $(cat "$FLOWS")"

echo "2. banned, both stop passing"
written=$(date +%s.%N)
journal_failures 3 203.0.113.66
sandbox_wait_banned 20 203.0.113.66 || fail "203.0.113.66 not banned"
seen=$(date +%s.%N)
wait_until 20 flow_says "tcp stopped" || fail "the established TCP connection still passes: $(cat "$FLOWS")"
wait_until 20 flow_says "udp stopped" || fail "the UDP flow still passes: $(cat "$FLOWS")"
# firewalld accepts established flows first: only the cut stops them. banjo's own nftables chain
# drops before any accept, and conntrack may not even track flows in this namespace then.
if [[ $BANJO_TEST_BACKEND == firewalld ]]; then
    grep -q "Cut [1-9][0-9]* open connections\? of 203.0.113.66 (jail sshd)" "$BANJOD_DIR/banjod.log" || fail "no cut logged"
fi
for kind in tcp udp; do
    stopped=$(sed -n "s/^$kind stopped //p" "$FLOWS")
    awk -v k="$kind" -v w="$written" -v s="$seen" -v t="$stopped" 'BEGIN {
        printf "%s flow stopped %.0f ms after the failures were written (%+.0f ms from the ban seen in the firewall)\n",
            k, (t - w) * 1000, (t - s) * 1000 }'
done

echo "3. a burst: three more attackers (IPv4 and IPv6) banned together, the flows of each stop"
# Their bans come in one journal write, so banjod cuts them in one or a few passes over the
# conntrack table (batched), each pass matching every banned address.
burst=(203.0.113.67 203.0.113.68 2001:db8:66::67)
ip -n "$BANJO_ATTACKER_NETNS" addr add 203.0.113.67/24 dev bj-att
ip -n "$BANJO_ATTACKER_NETNS" addr add 203.0.113.68/24 dev bj-att
ip -n "$BANJO_ATTACKER_NETNS" addr add 2001:db8:66::67/64 dev bj-att nodad
for a in "${burst[@]}"; do
    target=203.0.113.1
    [[ $a == *:* ]] && target=2001:db8:66::1
    ip netns exec "$BANJO_ATTACKER_NETNS" /usr/bin/python3 "$BANJO_SOURCE_ROOT/tests/integration/lib/flows.py" \
        "$target" 7000 7001 "$a" >"$BANJO_SANDBOX_DIR/flows-$a.out" 2>&1 &
    sandbox_remember $! "flows-$a"
    disown $!
done
burst_says() { grep -q "^$2" "$BANJO_SANDBOX_DIR/flows-$1.out"; }
for a in "${burst[@]}"; do
    wait_until 15 burst_says "$a" "tcp open" || fail "no TCP flow from $a: $(cat "$BANJO_SANDBOX_DIR/flows-$a.out")"
    wait_until 15 burst_says "$a" "udp open" || fail "no UDP flow from $a: $(cat "$BANJO_SANDBOX_DIR/flows-$a.out")"
done
written=$(date +%s.%N)
journal_failures 3 "${burst[@]}"
for a in "${burst[@]}"; do
    sandbox_wait_banned 20 "$a" || fail "$a not banned"
done
for a in "${burst[@]}"; do
    wait_until 20 burst_says "$a" "tcp stopped" || fail "the TCP connection of $a still passes: $(cat "$BANJO_SANDBOX_DIR/flows-$a.out")"
    wait_until 20 burst_says "$a" "udp stopped" || fail "the UDP flow of $a still passes: $(cat "$BANJO_SANDBOX_DIR/flows-$a.out")"
    if [[ $BANJO_TEST_BACKEND == firewalld ]]; then
        grep -q "Cut [1-9][0-9]* open connections\? of $a (jail sshd)" "$BANJOD_DIR/banjod.log" || fail "no cut logged for $a"
    fi
    for kind in tcp udp; do
        stopped=$(sed -n "s/^$kind stopped //p" "$BANJO_SANDBOX_DIR/flows-$a.out")
        awk -v a="$a" -v k="$kind" -v w="$written" -v t="$stopped" 'BEGIN {
            printf "%s: %s flow stopped %.0f ms after the failures were written\n", a, k, (t - w) * 1000 }'
    done
done
grep -o "One pass over the connection tracking table for [0-9]* banned networks\?: [0-9]* flows\? cut" "$BANJOD_DIR/banjod.log" || true

banjod_stop TERM
echo "PASS"
