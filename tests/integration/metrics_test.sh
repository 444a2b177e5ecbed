#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The metrics endpoint: socket-activated (systemd-socket-activate passes the socket as
# banjo-metrics.socket would), it answers GET /metrics in Prometheus text format with the same
# figures the D-Bus properties show; without a passed socket, banjod opens no port.
# Usage: metrics_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
sandbox_require || exit 77
command -v systemd-socket-activate >/dev/null || { echo "systemd-socket-activate missing (package systemd)"; exit 77; }
sandbox_start

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
maxretry = 3
ignore-self = false
backend = "dry-run"

[jail.sshd]
filter = "sshd"
TOML

echo "1. without a passed socket, banjod listens on no TCP port"
banjod_start
ss -ltnp 2>/dev/null | grep -q "pid=$BANJOD_PID," && fail "banjod listens without socket activation: $(ss -ltnp | grep "pid=$BANJOD_PID,")"
banjod_stop TERM

echo "2. socket-activated, GET /metrics answers"
banjod_start_by_metrics_socket
port=$METRICS_PORT
scrape() { metrics_scrape; }
journal_failures 3 198.51.100.40 203.0.113.41
journal_failures 1 198.51.100.42
manager Ban sst sshd 2001:db8::43 0 >/dev/null || fail "Ban"
manager Unban ss sshd 203.0.113.41 >/dev/null || fail "Unban"
two_bans() { [[ $(manager_property ActiveBans) -eq 2 ]]; }
wait_until 10 two_bans || fail "ActiveBans $(manager_property ActiveBans)"

page=$(scrape) || fail "GET /metrics failed"
value() { awk -v k="$1" '$1 == k { print $2 }' <<<"$page"; }
[[ $(value banjo_journal_entries_processed_total) == "$(manager_property EntriesProcessed)" ]] \
    || fail "entries: metrics $(value banjo_journal_entries_processed_total), D-Bus $(manager_property EntriesProcessed)"
[[ $(value 'banjo_failures_total{jail="sshd",filter="sshd"}') == "$(manager_property FailuresFound)" ]] \
    || fail "failures: metrics $(value 'banjo_failures_total{jail="sshd",filter="sshd"}'), D-Bus $(manager_property FailuresFound)"
[[ $(value 'banjo_active_bans{jail="sshd"}') == "$(manager_property ActiveBans)" ]] || fail "active bans"
[[ $(value 'banjo_bans_total{jail="sshd"}') == "$(manager_property TotalBans)" ]] || fail "total bans"
[[ $(value 'banjo_bans_total{jail="sshd"}') == 3 ]] || fail "bans_total is $(value 'banjo_bans_total{jail="sshd"}'), not 3"
[[ $(value 'banjo_unbans_total{jail="sshd",reason="manual"}') == 1 ]] || fail "manual unbans"
[[ $(value 'banjo_matches_total{jail="sshd",filter="sshd"}') -ge 7 ]] || fail "matches"
[[ $(value 'banjo_backend_state{backend="dry-run",state="ready"}') == 1 ]] || fail "backend state"
grep -q '^# TYPE banjo_backend_apply_seconds histogram' <<<"$page" || fail "no apply latency histogram"
grep -q '^banjo_journal_lag_seconds ' <<<"$page" || fail "no journal lag"

echo "3. anything but GET /metrics is refused"
code=$(/usr/bin/python3 - "$port" <<'PY'
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/other", timeout=5)
    print(200)
except urllib.error.HTTPError as e:
    print(e.code)
PY
)
[[ $code == 404 ]] || fail "GET /other answered $code"

banjod_stop TERM
echo "PASS"
