#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A jail's ports are checked as firewalld will check them: a bad port is a FILE:LINE error from
# --check-config and from Reload (org.banjo1.Error.InvalidConfig), the old configuration keeps
# running and the backend stays ready. A jail removed by a reload loses its rich rules, and a
# firewalld reload does not bring them back; a jail removed while banjod was stopped has its
# saved bans lifted and its leftover rules and entries removed at the next start. banjod keeps
# its state directory 0700 and its files 0600.
# Usage: live_ports_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_with_firewalld

# Three jails read the same sshd entries: one bans every port, two only some ports (rich rules).
write_config() {   # JAILS...: which of the port-limited jails (keep, gone) to declare
    {
        cat <<'TOML'
[defaults]
bantime = "1h"
maxretry = 3
ignore-self = false

[firewalld]
allow-reload = true

[jail.sshd]
filter = "sshd"
TOML
        local jail
        for jail; do
            case $jail in
            keep) printf '\n[jail.keep]\nfilter = "sshd"\nports = ["2222/tcp"]\n' ;;
            gone) printf '\n[jail.gone]\nfilter = "sshd"\nports = ["ssh"]\n' ;;
            esac
        done
    } >"$BANJOD_DIR/etc/banjo.toml"
}

banjod_prepare </dev/null
write_config keep gone
CONFIG=$BANJOD_DIR/etc/banjo.toml
KEEP4='rule family="ipv4" source ipset="banjo-keep4" port port="2222" protocol="tcp" drop'
GONE4='rule family="ipv4" source ipset="banjo-gone4" service name="ssh" drop'
GONE6='rule family="ipv6" source ipset="banjo-gone6" service name="ssh" drop'

has_rule() {   # RULE: in firewalld's runtime, default zone public
    [[ $(sandbox_call /org/fedoraproject/FirewallD1 org.fedoraproject.FirewallD1.zone queryRichRule ss public "$1") == "b true" ]]
}
lacks_rule() { ! has_rule "$1"; }
in_ipset() { sandbox_entries "$1" | grep -qx "$2"; }
ipset_empty() { [[ -z $(sandbox_entries "$1") ]]; }
backend_ready() { [[ $(manager_property BackendState) == ready ]]; }

echo "1. --check-config refuses ports firewalld would refuse, naming FILE:LINE"
check_refuses() {   # PORTS-TOML LINE-PATTERN
    write_config keep gone
    printf '\n[jail.bad]\nfilter = "sshd"\nports = %s\n' "$1" >>"$CONFIG"
    local line out
    line=$(grep -n '^ports = ' "$CONFIG" | tail -1 | cut -d: -f1)
    out=$("$BANJOD" --check-config --config "$CONFIG" 2>&1) && fail "--check-config accepted ports = $1"
    [[ $out == *"$CONFIG:$line: 'ports': "*"$2"* ]] || fail "ports = $1: expected $CONFIG:$line: ... $2, got: $out"
}
check_refuses '["ssh", "99999"]' 'port 99999 is out of range'
check_refuses '["6010-6000"]' 'runs backwards'
check_refuses '["22/icmp"]' 'tcp, udp, sctp or dccp'
check_refuses '["no-such-service"]' "unknown service 'no-such-service'"
write_config keep gone
"$BANJOD" --check-config --config "$CONFIG" >/dev/null 2>&1 || fail "--check-config refused the good config"
# rule-zones are firewalld's: --check-config warns when --backend names another backend.
printf '\n[jail.zoned]\nfilter = "sshd"\nrule-zones = ["public"]\n' >>"$CONFIG"
out=$("$BANJOD" --check-config --config "$CONFIG" 2>&1) || fail "--check-config refused rule-zones: $out"
[[ $out != *"applies to the firewalld backend only"* ]] || fail "a rule-zones warning for the firewalld backend: $out"
out=$("$BANJOD" --check-config --backend nftables --config "$CONFIG" 2>&1) || fail "--check-config --backend nftables: $out"
[[ $out == *"jail 'zoned': 'rule-zones' applies to the firewalld backend only; backend \"nftables\""* ]] ||
    fail "--check-config --backend nftables did not warn about rule-zones: $out"
write_config keep gone

echo "2. a ban reaches banjo4 and the port-limited jails' ipsets and rich rules"
stat_mode() { stat -c %a "$1"; }
[[ $(stat_mode "$BANJOD_DIR/state") == 755 ]] || fail "the test expected a 0755 state directory to begin with"
banjod_start
journal_failures 3 198.51.100.30
wait_until 30 has_entry 198.51.100.30 || fail "198.51.100.30 not in banjo4"
wait_until 30 in_ipset banjo-gone4 198.51.100.30 || fail "198.51.100.30 not in banjo-gone4"
wait_until 30 in_ipset banjo-keep4 198.51.100.30 || fail "198.51.100.30 not in banjo-keep4"
wait_until 10 has_rule "$GONE4" || fail "no rich rule for jail gone"
wait_until 10 has_rule "$KEEP4" || fail "no rich rule for jail keep"
wait_until 10 backend_ready || fail "BackendState $(manager_property BackendState)"

echo "3. the state directory is 0700 and its files 0600, outside systemd too"
[[ $(stat_mode "$BANJOD_DIR/state") == 700 ]] || fail "state directory is $(stat_mode "$BANJOD_DIR/state")"
for f in "$BANJOD_DIR"/state/banjo.db*; do
    [[ $(stat_mode "$f") == 600 ]] || fail "$f is $(stat_mode "$f")"
done

echo "4. Reload refuses a bad port with InvalidConfig and FILE:LINE; the old config keeps running"
printf '\n[jail.bad]\nfilter = "sshd"\nports = ["ssh", "99999"]\n' >>"$CONFIG"
line=$(grep -n '^ports = \["ssh", "99999"\]' "$CONFIG" | cut -d: -f1)
err=$(bus_error /org/banjo1 org.banjo1.Manager Reload)
[[ $err == "org.banjo1.Error.InvalidConfig: $CONFIG:$line: 'ports': port 99999 is out of range"* ]] \
    || fail "Reload of port 99999 gave: $err"
backend_ready || fail "BackendState $(manager_property BackendState) after the refused reload"
[[ $(banned_addresses gone) == 198.51.100.30 ]] || fail "the refused reload changed the bans of jail gone"
has_rule "$GONE4" || fail "the refused reload removed jail gone's rule"

echo "5. a jail removed by reload loses its bans and rich rules at once"
write_config keep
manager Reload >/dev/null || fail "Reload of the config without jail gone"
wait_until 10 lacks_rule "$GONE4" || fail "jail gone's IPv4 rule still in firewalld"
wait_until 10 lacks_rule "$GONE6" || fail "jail gone's IPv6 rule still in firewalld"
wait_until 10 ipset_empty banjo-gone4 || fail "banjo-gone4 still holds $(sandbox_entries banjo-gone4)"
has_rule "$KEEP4" || fail "jail keep's rule went too"
backend_ready || fail "BackendState $(manager_property BackendState)"

echo "6. after a firewalld reload, the remaining bans come back and the removed jail's rules do not"
sandbox_call /org/fedoraproject/FirewallD1 org.fedoraproject.FirewallD1 reload || fail "firewalld reload"
# The event that must come after any re-adding: the remaining jails' rule and entries are back.
wait_until 30 has_rule "$KEEP4" || fail "jail keep's rule not back after the firewalld reload"
wait_until 30 in_ipset banjo-keep4 198.51.100.30 || fail "jail keep's ban not back after the firewalld reload"
wait_until 30 has_entry 198.51.100.30 || fail "jail sshd's ban not back after the firewalld reload"
wait_until 10 backend_ready || fail "BackendState $(manager_property BackendState)"
lacks_rule "$GONE4" || fail "jail gone's IPv4 rule was added again by the firewalld reload"
lacks_rule "$GONE6" || fail "jail gone's IPv6 rule was added again by the firewalld reload"
ipset_empty banjo-gone4 || fail "banjo-gone4 filled again: $(sandbox_entries banjo-gone4)"

echo "7. a jail removed while banjod is stopped: its saved bans are lifted, its leftovers removed"
banjod_stop TERM
has_rule "$KEEP4" && in_ipset banjo-keep4 198.51.100.30 || fail "jail keep's rule and entry should outlive banjod"
write_config
banjod_start
wait_until 30 lacks_rule "$KEEP4" || fail "jail keep's rule left in firewalld after the restart"
wait_until 30 ipset_empty banjo-keep4 || fail "banjo-keep4 still holds $(sandbox_entries banjo-keep4)"
[[ $(banned_addresses) == 198.51.100.30 ]] || fail "bans after the restart: $(banned_addresses | tr '\n' ' ')"
[[ -z $(banned_addresses keep 2>/dev/null) ]] || fail "jail keep's ban was restored"
grep -q "Lifted the saved ban of 198.51.100.30 in jail keep: jail keep no longer exists" "$BANJOD_DIR/banjod.log" \
    || fail "the lifted ban is not logged"
has_entry 198.51.100.30 || fail "jail sshd's ban lost over the restart"
wait_until 10 backend_ready || fail "BackendState $(manager_property BackendState)"

banjod_stop TERM
echo "PASS"
