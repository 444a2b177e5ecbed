#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Blocklists live, on each backend: a 100,000-line file loads into the list's own sets; a
# changed file applies only its difference (the set before and after, and the firewall calls
# or nf_tables element messages counted: the unchanged entries are not written again); an
# address on the ignore list is never banned from a list; a malformed line is reported with
# FILE:LINE and skipped; a file cut short while being written, and a file that is not a list
# at all, leave the entries in force as they are. firewalld takes minutes for 100,000 hash:net
# entries on a busy machine (its figure is in bench/RESULTS.md): its run loads 10,000
# (BANJO_BLOCKLIST_ENTRIES overrides either).
# Usage: live_blocklist_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/blocklist.sh"
sandbox_with_backend

if [[ $BANJO_TEST_BACKEND == nftables ]]; then total=${BANJO_BLOCKLIST_ENTRIES:-100000}; else total=${BANJO_BLOCKLIST_ENTRIES:-10000}; fi
v6=$((total - 3))          # IPv6 addresses in the list
inforce=$((total - 1))     # networks in force: all but the ignored one
lists=$BANJO_SANDBOX_DIR/lists
mkdir -p "$lists"
list=$lists/big.txt
# $v6 IPv6 addresses, a malformed line, an IPv4 network, two IPv4 addresses of which one
# is on the ignore list: $total entry lines.
blocklist_write "$list.new" 0 "$v6"
{
    echo "not-an-address"
    echo "198.51.100.0/25"
    echo "203.0.113.77"
    echo "203.0.113.78"
} >>"$list.new"
mv "$list.new" "$list"
[[ $(wc -l <"$list") -eq $((total + 2)) ]] || fail "the list file has $(wc -l <"$list") lines"

banjod_prepare <<TOML
[defaults]
ignore = ["203.0.113.77"]
ignore-self = false

[firewalld]
allow-reload = true

[jail.sshd]
filter = "sshd"

[blocklist.big]
path = "$list"
format = "plain"
interval = "1h"
TOML
banjod_start

big6_holds() { [[ $(blocklist_count banjo-bl.big6) -eq $1 ]]; }
lacks() { ! blocklist_has "$@"; }

echo "$(date +%T) 1. $total entries load into the list's own sets"
wait_until 240 big6_holds "$v6" \
    || fail "banjo-bl.big6 holds $(blocklist_count banjo-bl.big6) entries, not $v6"
wait_until 30 blocklist_has banjo-bl.big4 198.51.100.0/25 || fail "198.51.100.0/25 not in banjo-bl.big4"
blocklist_has banjo-bl.big4 203.0.113.78 || fail "203.0.113.78 not in banjo-bl.big4"
blocklist_has banjo-bl.big6 "$(blocklist_address $((v6 - 1)))" || fail "the last address is missing"
[[ $(blocklist_count banjo-bl.big4) -eq 2 ]] || fail "banjo-bl.big4: $(sandbox_set_entries banjo-bl.big4 | tr '\n' ' ')"
grep -q "blocklist big: $inforce entries in force: $inforce added, 0 removed, 0 unchanged" "$BANJOD_DIR/banjod.log" \
    || fail "no load report: $(blocklist_log_line 'blocklist big')"

echo "$(date +%T) 2. a malformed line is reported with FILE:LINE and skipped"
grep -qF "$list:$((v6 + 2)): 'not-an-address' is not an address or CIDR (skipped)" "$BANJOD_DIR/banjod.log" \
    || fail "no report of the malformed line"

echo "$(date +%T) 3. an address of the ignore list in the list is not banned"
# (the load above is complete: its report came after the ignore decision)
! blocklist_has banjo-bl.big4 203.0.113.77 || fail "203.0.113.77 (ignored) is in the blocklist set"
! sandbox_banned 203.0.113.77 || fail "203.0.113.77 (ignored) is banned"
grep -q "blocklist big: 203.0.113.77 is (or holds) an address of the ignore list: not banned" "$BANJOD_DIR/banjod.log" \
    || fail "the ignored address was not reported"

echo "$(date +%T) 4. a changed file applies only the difference"
removed=$(for n in 10 20 30 40 50; do blocklist_address $n; done)
monitor=$BANJO_SANDBOX_DIR/monitor.log
if [[ $BANJO_TEST_BACKEND == nftables ]]; then
    # Every element message of the namespace (line-buffered: nft writes through stdio). It is
    # ready once it shows an element of a probe set of the test's own.
    sandbox_nft add table inet probe
    sandbox_nft add set inet probe p '{ type ipv4_addr; }'
    ip netns exec "$BANJO_NETNS" stdbuf -oL nft monitor elements >"$monitor" 2>&1 &
    sandbox_remember $! nft-monitor
    probe_seen() {
        sandbox_nft add element inet probe p '{ 198.51.100.250 }'
        sandbox_nft delete element inet probe p '{ 198.51.100.250 }'
        grep -q "inet probe p" "$monitor"
    }
    wait_until 60 probe_seen || fail "nft monitor did not start: $(tail -3 "$monitor")"
else
    sandbox_monitor_start "$monitor" || fail "busctl monitor"
fi
# Rewritten in place (as an editor saves): five addresses gone, five new ones at the end.
/usr/bin/python3 - "$list" <<'PY'
import sys
path = sys.argv[1]
gone = {"2001:db8:b1::%x:%x\n" % (n >> 16, n & 0xffff) for n in (10, 20, 30, 40, 50)}
lines = [l for l in open(path) if l not in gone]
lines += ["2001:db8:b1::%x:%x\n" % (n >> 16, n & 0xffff) for n in range(200000, 200005)]
open(path, "w").write("".join(lines))
PY
wait_until 60 grep -q "blocklist big: $inforce entries in force: 5 added, 5 removed, $((inforce - 5)) unchanged" "$BANJOD_DIR/banjod.log" \
    || fail "no diff report: $(blocklist_log_line 'blocklist big')"
added=$(for n in 200000 200001 200002 200003 200004; do blocklist_address $n; done)
unchanged=$(blocklist_address 11)
change_applied() {   # one listing of the set (100k entries take seconds to list)
    local entries a
    entries=$(sandbox_set_entries banjo-bl.big6)
    for a in $added $unchanged; do grep -qxF "$a" <<<"$entries" || return 1; done
    for a in $removed; do ! grep -qxF "$a" <<<"$entries" || return 1; done
    [[ $(grep -c . <<<"$entries") -eq $v6 ]]
}
wait_until 60 change_applied || fail "the set does not hold the changed list (added, removed, count $v6, unchanged entries)"
if [[ $BANJO_TEST_BACKEND == nftables ]]; then
    sleep 0.5
    sandbox_monitor_stop_nft() { local pid start label; while read -r pid start label; do [[ $label == nft-monitor ]] && sandbox_stop_pid "$pid" "$start"; done <"$BANJO_SANDBOX_DIR/pids"; }
    sandbox_monitor_stop_nft
    grep -v "inet probe p" "$monitor" >"$monitor.change"
    monitor=$monitor.change
    adds=$(grep -c '^add element' "$monitor")
    deletes=$(grep -c '^delete element' "$monitor")
    [[ $adds -eq 5 && $deletes -eq 5 ]] || fail "nf_tables element messages: $adds add, $deletes delete (expected 5 each):
$(head -20 "$monitor")"
    for a in $added; do grep -q "^add element inet banjo banjo-bl.big6 { $a }" "$monitor" || fail "no add of $a seen"; done
    for a in $removed; do grep -q "^delete element inet banjo banjo-bl.big6 { $a }" "$monitor" || fail "no delete of $a seen"; done
    grep -q "$unchanged" "$monitor" && fail "an unchanged entry was written again"
else
    sandbox_monitor_stop
    calls=$(grep -oE 'Member=(addEntry|removeEntry|setEntries)' "$monitor" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
    [[ $calls == " 5 Member=addEntry; 5 Member=removeEntry;" ]] || fail "firewalld ipset calls: $calls (expected 5 addEntry, 5 removeEntry)"
fi

echo "$(date +%T) 5. a file cut short while being written does not remove entries"
head -c $((total * 3)) "$list" >"$list.cut"   # ~20% of it, the last line cut
cp "$list.cut" "$list"                # written in place, closed
wait_until 30 grep -q "blocklist big: $list held back, the $inforce entries in force stay" "$BANJOD_DIR/banjod.log" \
    || fail "the cut file was not held back: $(blocklist_log_line 'blocklist big')"
grep -q "$list:[0-9]*: the last line has no newline: left out" "$BANJOD_DIR/banjod.log" || fail "the cut last line was not reported"
[[ $(blocklist_count banjo-bl.big6) -eq $v6 ]] || fail "the cut file removed entries: $(blocklist_count banjo-bl.big6) left"
blocklist_has banjo-bl.big6 "$(blocklist_address $((v6 - 10)))" || fail "an entry past the cut went missing"

echo "$(date +%T) 6. a file that is not a list (an error page) leaves the entries in force"
printf '<html>\n<head><title>502 Bad Gateway</title></head>\n<body>bad gateway</body>\n</html>\n' >"$list"
wait_until 30 grep -q "blocklist big: $list refused, the $inforce entries in force stay" "$BANJOD_DIR/banjod.log" \
    || fail "the error page was not refused: $(blocklist_log_line 'blocklist big')"
[[ $(blocklist_count banjo-bl.big6) -eq $v6 ]] || fail "the error page removed entries"

echo "$(date +%T) 7. ListBlocklists reports the list"
out=$(manager ListBlocklists) || fail "ListBlocklists failed"
grep -q "\"big\" \"$list\" \"plain\" $inforce" <<<"$out" || fail "ListBlocklists: $out"

banjod_stop TERM
echo "PASS"
