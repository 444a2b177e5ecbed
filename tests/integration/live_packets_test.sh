#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real packets: an attacker in a namespace of its own, joined by a veth pair to the namespace
# whose firewall banjod drives (BANJO_TEST_BACKEND: firewalld or nftables), connects to a
# listener there. Once banned (over IPv4 and IPv6) its next connections fail; unbanned, they
# pass again.
# Usage: live_packets_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_with_backend
sandbox_attacker_start || fail "attacker namespace"
sandbox_listen 22 || fail "listener"
banjod_prepare_sshd
banjod_start

echo "1. before the ban the attacker reaches the listener"
sandbox_can_connect 203.0.113.1 22 || fail "no IPv4 connection before any ban"
sandbox_can_connect 2001:db8:66::1 22 || fail "no IPv6 connection before any ban"

echo "2. three failures ban it: its next connections fail"
journal_failures 3 203.0.113.66 2001:db8:66::66
sandbox_wait_banned 10 203.0.113.66 || fail "203.0.113.66 not banned"
sandbox_wait_banned 10 2001:db8:66::66 || fail "2001:db8:66::66 not banned"
sandbox_can_connect 203.0.113.1 22 && fail "the banned attacker still connects over IPv4"
sandbox_can_connect 2001:db8:66::1 22 && fail "the banned attacker still connects over IPv6"

echo "3. unbanned, it connects again"
manager Unban ss "" 203.0.113.66 >/dev/null || fail "Unban"
manager Unban ss "" 2001:db8:66::66 >/dev/null || fail "Unban"
wait_until 10 sandbox_can_connect 203.0.113.1 22 || fail "no IPv4 connection after the unban"
wait_until 10 sandbox_can_connect 2001:db8:66::1 22 || fail "no IPv6 connection after the unban"

banjod_stop TERM
echo "PASS"
