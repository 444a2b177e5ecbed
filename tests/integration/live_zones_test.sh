#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every zone: firewalld in the sandbox namespace with two interfaces in two zones (bj-a in
# public, the default zone; bj-b in internal), an attacker namespace behind each. banjod runs
# inside that namespace. A port-limited jail's ban blocks the attacker on each side; when bj-b
# moves to zone dmz at runtime, dmz gets the jail's rules (and internal, now without
# interfaces, loses them) and the attacker stays blocked; a source of the trusted zone is never
# banned, nor an entry of an ipset bound to the trusted zone (one added at runtime too), and a
# ban in force of an address that becomes trusted is lifted.
# Usage: live_zones_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_require || exit 77
sandbox_start
BANJOD_IN_NETNS=1

PORT=2222
ZONE=/org/fedoraproject/FirewallD1
zone_call() { sandbox_call $ZONE org.fedoraproject.FirewallD1.zone "$@" >/dev/null; }

# An attacker namespace NS-SIDE behind interface bj-SIDE of the sandbox namespace.
attacker() {   # SIDE LOCAL-ADDRESS ATTACKER-ADDRESS (each /24)
    local ns=$BANJO_NETNS-$1
    sandbox_netns_add "$ns" || return 1
    ip -n "$BANJO_NETNS" link add "bj-$1" type veth peer name "bj-$1-att" netns "$ns" || return 1
    ip -n "$BANJO_NETNS" addr add "$2/24" dev "bj-$1"
    ip -n "$ns" addr add "$3/24" dev "bj-$1-att"
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "bj-$1-att" up
    ip -n "$BANJO_NETNS" link set "bj-$1" up
}
can_connect() {   # SIDE ADDRESS
    ip netns exec "$BANJO_NETNS-$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/$PORT" 2>/dev/null
}
RULE4="rule family=\"ipv4\" source ipset=\"banjo-web4\" port port=\"$PORT\" protocol=\"tcp\" drop"
has_rule() {   # ZONE
    [[ $(sandbox_call $ZONE org.fedoraproject.FirewallD1.zone queryRichRule ss "$1" "$RULE4") == "b true" ]]
}
lacks_rule() { ! has_rule "$1"; }
not_in_set() { ! sandbox_banned "$@"; }
log_has() { grep -qF "$1" "$BANJOD_DIR/banjod.log"; }

attacker a 203.0.113.1 203.0.113.66 || fail "attacker namespace a"
attacker b 198.51.100.1 198.51.100.66 || fail "attacker namespace b"
# Permanent, as an administrator has it: banjod's first start reloads firewalld (to activate
# the jail's new ipsets), which drops runtime bindings.
sandbox_firewalld_config --with-banjo
zone_file() {   # ZONE [INTERFACE]
    local extra="  <port port=\"$PORT\" protocol=\"tcp\"/>"
    [[ -n ${2:-} ]] && extra+="\n  <interface name=\"$2\"/>"
    sed "s|</zone>|$extra\n</zone>|" "/usr/lib/firewalld/zones/$1.xml" >"$BANJO_SANDBOX_DIR/firewalld/zones/$1.xml"
}
zone_file public bj-a
zone_file internal bj-b
zone_file dmz
# A permanent ipset of trusted networks, bound to the trusted zone at runtime in step 4.
cat >"$BANJO_SANDBOX_DIR/firewalld/ipsets/trustednets.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<ipset type="hash:net">
  <entry>198.51.100.96/28</entry>
</ipset>
XML
sandbox_firewalld_start || fail "firewalld"
sandbox_listen "$PORT" || fail "listener"

banjod_prepare <<TOML
[defaults]
bantime = "1h"
maxretry = 3
ignore-self = false

[firewalld]
allow-reload = true

[jail.web]
filter = "sshd"
ports = ["$PORT/tcp"]
TOML
banjod_start
# banjod's first setup may reload firewalld (new ipsets): nothing is probed before it is done.
backend_ready() { [[ $(manager_property BackendState) == ready ]]; }
wait_until 30 backend_ready || fail "BackendState $(manager_property BackendState)"

echo "1. before any ban both attackers reach the listener"
can_connect a 203.0.113.1 || fail "attacker a cannot connect before any ban"
can_connect b 198.51.100.1 || fail "attacker b cannot connect before any ban"

echo "2. the jail's rules are in both zones with interfaces, its ban blocks both sides"
wait_until 30 has_rule public || fail "no rule in zone public"
wait_until 30 has_rule internal || fail "no rule in zone internal"
lacks_rule dmz || fail "a rule in zone dmz, which has no interfaces"
lacks_rule trusted || fail "a rule in zone trusted"
journal_failures 3 203.0.113.66 198.51.100.66
sandbox_wait_banned 30 203.0.113.66 web || fail "203.0.113.66 not banned"
sandbox_wait_banned 30 198.51.100.66 web || fail "198.51.100.66 not banned"
can_connect a 203.0.113.1 && fail "banned attacker a still connects through zone public"
can_connect b 198.51.100.1 && fail "banned attacker b still connects through zone internal"

echo "3. bj-b moves to zone dmz at runtime: dmz gets the rules, the attacker stays blocked"
zone_call changeZoneOfInterface ss dmz bj-b || fail "bj-b to zone dmz"
wait_until 30 has_rule dmz || fail "no rule in zone dmz after it got bj-b"
wait_until 30 lacks_rule internal || fail "zone internal kept the rule without interfaces"
can_connect b 198.51.100.1 && fail "banned attacker b connects through zone dmz"
can_connect a 203.0.113.1 && fail "banned attacker a connects again"

echo "4. sources of the trusted zone are never banned; a ban in force of one is lifted"
zone_call addSource ss trusted 198.51.100.77 || fail "198.51.100.77 to zone trusted"
zone_call addSource ss trusted 203.0.113.66 || fail "203.0.113.66 to zone trusted"
wait_until 30 log_has "The firewall trusts 198.51.100.77, 203.0.113.66:" || fail "banjod did not take up the trusted sources"
wait_until 30 not_in_set 203.0.113.66 web || fail "the ban of 203.0.113.66, now trusted, is still in firewalld"
banned_addresses | grep -qx 203.0.113.66 && fail "banjod still lists the ban of the trusted 203.0.113.66"
journal_failures 3 198.51.100.77
journal_failures 3 198.51.100.88
sandbox_wait_banned 30 198.51.100.88 web || fail "198.51.100.88 (the later ban) not banned"
wait_journal_read
banned_addresses | grep -qx 198.51.100.77 && fail "the trusted 198.51.100.77 was banned"
sandbox_banned 198.51.100.77 web && fail "the trusted 198.51.100.77 is in firewalld's ban set"

echo "4b. entries of an ipset bound to the trusted zone are trusted, also one added at runtime"
IPSET_CALL() { sandbox_call $ZONE org.fedoraproject.FirewallD1.ipset "$@" >/dev/null; }
zone_call addSource ss trusted ipset:trustednets || fail "ipset:trustednets to zone trusted"
wait_until 30 bash -c "grep 'The firewall trusts' '$BANJOD_DIR/banjod.log' | tail -1 | grep -qF 198.51.100.96/28" \
    || fail "banjod did not take up the trusted ipset's entry 198.51.100.96/28"
IPSET_CALL addEntry ss trustednets 203.0.113.200 || fail "addEntry 203.0.113.200 to trustednets"
wait_until 30 bash -c "grep 'The firewall trusts' '$BANJOD_DIR/banjod.log' | tail -1 | grep -qF 203.0.113.200" \
    || fail "banjod did not follow the entry added to the trusted ipset"
journal_failures 3 198.51.100.99 203.0.113.200
journal_failures 3 198.51.100.89
sandbox_wait_banned 30 198.51.100.89 web || fail "198.51.100.89 (the later ban) not banned"
wait_journal_read
for trusted in 198.51.100.99 203.0.113.200; do
    banned_addresses | grep -qx $trusted && fail "$trusted, trusted through the ipset, was banned"
    sandbox_banned $trusted web && fail "$trusted, trusted through the ipset, is in firewalld's ban set"
done

echo "5. a reload that gives the jail its own rule-zones moves its rules; one that changes [firewalld] zone is refused"
sed -i 's|^ports = \["'$PORT'/tcp"\]$|&\nrule-zones = ["work"]|' "$BANJOD_DIR/etc/banjo.toml"
manager Reload >/dev/null || fail "Reload with rule-zones = [work]"
wait_until 30 has_rule work || fail "no rule in zone work after the reload"
wait_until 30 lacks_rule public || fail "zone public kept the rule after the reload"
wait_until 30 lacks_rule dmz || fail "zone dmz kept the rule after the reload"
sed -i 's|^allow-reload = true$|&\nzone = "block"|' "$BANJOD_DIR/etc/banjo.toml"
err=$(bus_error /org/banjo1 org.banjo1.Manager Reload)
[[ $err == "org.banjo1.Error.InvalidConfig: "*"[firewalld] zone changed: they take effect when banjod restarts"* ]] \
    || fail "Reload of a changed [firewalld] zone gave: $err"
has_rule work || fail "the refused reload moved the rules"

echo "6. a restart lifts the saved ban of an address the configuration now ignores, and says so"
banjod_stop TERM
sed -i '/^zone = "block"$/d; s|^ignore-self = false$|&\nignore = ["198.51.100.88"]|' "$BANJOD_DIR/etc/banjo.toml"
sandbox_banned 198.51.100.88 web || fail "198.51.100.88 should still be in firewalld while banjod is stopped"
banjod_start
wait_until 30 not_in_set 198.51.100.88 web || fail "the ban of the now ignored 198.51.100.88 is still in firewalld"
log_has "Lifted the saved ban of 198.51.100.88 in jail web: 198.51.100.88 is on the ignore list of jail web" \
    || fail "the lifted ban is not logged"
banned_addresses | grep -qx 198.51.100.88 && fail "banjod restored the ban of the ignored 198.51.100.88"
banned_addresses | grep -qx 198.51.100.66 || fail "the ban of 198.51.100.66 was lost over the restart"

banjod_stop TERM
echo "PASS"
