#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Addresses that can never be an attacker's source are never banned: over D-Bus they are
# refused with org.banjo1.Error.InvalidAddress (an ignored loopback keeps Ignored); from log
# lines ("Failed password for root from 0.0.0.0") they are counted in the metric
# banjo_refused_failures_total and logged, rate-limited, and never reach the firewall, whose
# backend stays ready; a real attacker later in the same journal is still banned. Errors quote
# at most 64 characters of a bad address.
# Usage: live_special_addresses_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
command -v systemd-socket-activate >/dev/null || { echo "systemd-socket-activate missing (package systemd)"; exit 77; }
sandbox_with_backend
banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
maxretry = 3
ignore-self = false
ignore = ["127.0.0.0/8"]

[jail.sshd]
filter = "sshd"
TOML

# Started as banjo-metrics.socket starts it, so the test can read the metrics.
banjod_start_by_metrics_socket
backend_ready() { [[ $(manager_property BackendState) == ready ]]; }
wait_until 30 backend_ready || fail "BackendState $(manager_property BackendState)"

echo "1. Ban of each special address fails with InvalidAddress, on the manager and the jail"
J=/org/banjo1/jail/sshd
for address in 0.0.0.0 :: 255.255.255.255 224.0.0.1 239.255.255.250 ff02::1 169.254.10.20 fe80::1 \
    fe80::1%eth0 ::ffff:0.0.0.0 ::ffff:224.0.0.1 0.1.2.3 ::1 ::198.51.100.7; do
    err=$(bus_error /org/banjo1 org.banjo1.Manager Ban sst sshd "$address" 0)
    [[ $err == "org.banjo1.Error.InvalidAddress: "*"banjo never bans it" ]] || fail "Ban $address gave: $err"
    err=$(bus_error "$J" org.banjo1.Jail Ban st "$address" 0)
    [[ $err == "org.banjo1.Error.InvalidAddress: "* ]] || fail "Jail.Ban $address gave: $err"
done
err=$(bus_error /org/banjo1 org.banjo1.Manager Ban sst sshd 0.0.0.0 0)
[[ $err == "org.banjo1.Error.InvalidAddress: 0.0.0.0 is the unspecified address: banjo never bans it" ]] || fail "message: $err"
err=$(bus_error /org/banjo1 org.banjo1.Manager Ban sst sshd fe80::1%eth0 0)
[[ $err == *"fe80::1 is a link-local address"* ]] || fail "message: $err"

echo "2. loopback on the ignore list keeps answering Ignored"
err=$(bus_error /org/banjo1 org.banjo1.Manager Ban sst sshd 127.0.0.1 0)
[[ $err == "org.banjo1.Error.Ignored: "* ]] || fail "Ban 127.0.0.1 gave: $err"

echo "3. an error quotes at most 64 characters of a bad address"
huge=$(printf 'A%.0s' {1..10000})
err=$(bus_error /org/banjo1 org.banjo1.Manager Ban sst sshd "$huge" 0)
[[ $err == "org.banjo1.Error.InvalidAddress: '$(printf 'A%.0s' {1..64})...' is not an IPv4 or IPv6 address" ]] \
    || fail "a 10 KB address gave: ${err:0:200}"
err=$(bus_error /org/banjo1 org.banjo1.Manager GetJail s "$huge")
[[ $err == "org.banjo1.Error.NoSuchJail: "* && ${#err} -lt 200 ]] || fail "a 10 KB jail name gave: ${err:0:200}"
err=$(bus_error "$J" org.banjo1.Jail AddIgnore s "$huge")
[[ $err == "org.banjo1.Error.InvalidAddress: "* && ${#err} -lt 200 ]] || fail "a 10 KB CIDR gave: ${err:0:200}"
err=$(bus_error /org/banjo1 org.banjo1.Manager Ban sst sshd $'198.51.100.1\n' 0)
[[ $err == *"198.51.100.1\\x0a"* ]] || fail "a newline is not escaped: $err"

echo "4. the backend stayed ready and firewalld holds none of them"
backend_ready || fail "BackendState $(manager_property BackendState)"
[[ -z $(firewall_addresses) ]] || fail "firewalld holds: $(firewall_addresses | tr '\n' ' ')"
[[ -z $(banned_addresses) ]] || fail "banjod lists bans: $(banned_addresses | tr '\n' ' ')"

echo "5. forged log lines from 0.0.0.0 are counted and not banned; a later real attacker is"
N=40
journal_sshd "$N" "Failed password for root from 0.0.0.0 port 22 ssh2"
journal_sshd 3 "Failed password for root from 198.51.100.50 port 22 ssh2"
# The positive event, after every forged line in the journal.
wait_until 20 has_entry 198.51.100.50 || fail "the real attacker 198.51.100.50 was not banned"
[[ $(banned_addresses) == 198.51.100.50 ]] || fail "bans: $(banned_addresses | tr '\n' ' ')"
lacks_entry 0.0.0.0 || fail "0.0.0.0 reached firewalld"
backend_ready || fail "BackendState $(manager_property BackendState)"

page=$(metrics_scrape) || fail "GET /metrics failed"
value() { awk -v k="$1" '$1 == k { print $2 }' <<<"$page"; }
[[ $(value 'banjo_refused_failures_total{jail="sshd",kind="unspecified"}') == "$N" ]] \
    || fail "refused (unspecified): $(value 'banjo_refused_failures_total{jail="sshd",kind="unspecified"}'), expected $N"
[[ $(value 'banjo_refused_failures_total{jail="sshd",kind="multicast"}') == 0 ]] || fail "refused (multicast) is not 0"
[[ $(manager_property FailuresFound) == 3 ]] || fail "FailuresFound $(manager_property FailuresFound): refused lines were counted"

logged=$(grep -c "read a failure from 0.0.0.0, the unspecified address, which banjo never bans" "$BANJOD_DIR/banjod.log")
((logged >= 1 && logged <= 10)) || fail "$logged refusal messages logged for $N forged lines (expected 1 to 10)"

banjod_stop TERM
echo "PASS"
