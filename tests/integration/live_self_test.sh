#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ignore-self follows the host (banjod in the sandbox namespace, nftables backend: no firewalld
# needed): an address added to an interface while banjod runs is never banned; once removed
# again, it is banned like any other; taken up again while banned, its ban is lifted.
# Usage: live_self_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
export BANJO_TEST_BACKEND=nftables
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_with_backend
banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
maxretry = 3

[jail.sshd]
filter = "sshd"
TOML
banjod_start
log_has() { grep -qF "$1" "$BANJOD_DIR/banjod.log"; }
self_line() { grep "jails with ignore-self now ignore" "$BANJOD_DIR/banjod.log" | tail -1; }
self_has() { [[ $(self_line) == *" 198.51.100.99"[,]* || $(self_line) == *" 198.51.100.99" ]]; }
self_lacks() { [[ -n $(self_line) ]] && ! self_has; }

echo "1. an address added at runtime joins the ignore list; its failures never ban it"
ip -n "$BANJO_NETNS" link add bj-self type veth peer name bj-self-peer || fail "an interface"
ip -n "$BANJO_NETNS" link set bj-self up
ip -n "$BANJO_NETNS" addr add 198.51.100.99/24 dev bj-self || fail "address"
wait_until 20 self_has || fail "banjod did not take up 198.51.100.99: $(self_line)"
journal_failures 3 198.51.100.99
journal_failures 3 198.51.100.50
wait_until 20 has_entry 198.51.100.50 || fail "198.51.100.50 (the later ban) not banned"
wait_journal_read
banned_addresses | grep -qx 198.51.100.99 && fail "the host's own 198.51.100.99 was banned"
lacks_entry 198.51.100.99 || fail "the host's own 198.51.100.99 is in the ban set"

echo "2. removed again, it is banned like any other"
ip -n "$BANJO_NETNS" addr del 198.51.100.99/24 dev bj-self || fail "address removal"
wait_until 20 self_lacks || fail "banjod still ignores 198.51.100.99: $(self_line)"
journal_failures 3 198.51.100.99
wait_until 20 has_entry 198.51.100.99 || fail "198.51.100.99 not banned after it left the host"

echo "3. a banned address the host takes up is unbanned"
ip -n "$BANJO_NETNS" addr add 198.51.100.99/24 dev bj-self || fail "address again"
wait_until 20 self_has || fail "banjod did not take up 198.51.100.99 again: $(self_line)"
wait_until 20 lacks_entry 198.51.100.99 || fail "the ban of the host's own 198.51.100.99 stayed in the set"
banned_addresses | grep -qx 198.51.100.99 && fail "banjod still lists a ban of the host's own 198.51.100.99"
log_has "Lifting the ban of 198.51.100.99 in jail sshd: it is now one of the host's own addresses" ||
    fail "the journal does not say why the ban was lifted"

banjod_stop TERM
echo "PASS"
