#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A burst of 1,000 bans with a slow action keeps ban latency within the bound of a burst without
# actions, measured in this run on this machine: 1,000 addresses banned by a jail without
# actions, 1,000 by a jail whose action takes 5 s (action-concurrency 4, action-queue 100), and
# 1,000 without actions again, each burst into an emptied set (the bans before are lifted, so a
# later burst does not pay for a fuller set). The burst with actions must reach the firewall
# within 1.5 times the slower burst without (+1 s for noise);
# the runs that overflow the queue are dropped, and both the journal and the metrics say so.
# banjod runs in the sandbox's namespace (nftables backend), started by its metrics socket.
# Usage: actions_burst_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/actions.sh"
command -v systemd-socket-activate >/dev/null || { echo "systemd-socket-activate missing"; exit 77; }
BANJO_TEST_BACKEND=nftables
sandbox_with_backend

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
maxretry = 1
ignore-self = false
cut-connections = false   # 3,000 conntrack dumps would keep the loop busy long after the bans
action-concurrency = 4
action-queue = 100

[action.slow]
type = "exec"
argv = ["/bin/sleep", "5"]
timeout = "20s"

[jail.plain]
filter = "burst-a"

[jail.acted]
filter = "burst-b"
actions = ["slow"]

[jail.plain-again]
filter = "burst-c"
TOML
for unit in a b c; do
    cat >"$BANJOD_DIR/etc/filter.d/burst-$unit.toml" <<TOML
# SPDX-License-Identifier: GPL-2.0-or-later
description = "test: one failure per line"
journal-match = [["_SYSTEMD_UNIT=burst-$unit.service"]]
failregex = ['login failure from <HOST>']
TOML
done

METRICS_PORT=$((20000 + RANDOM % 20000))
ip netns exec "$BANJO_NETNS" systemd-socket-activate -E DBUS_SYSTEM_BUS_ADDRESS -l "127.0.0.1:$METRICS_PORT" \
    "$BANJOD" --backend nftables --config "$BANJOD_DIR/etc/banjo.toml" --state-dir "$BANJOD_DIR/state" \
    --journal-directory "$BANJOD_DIR/journal" >>"$BANJOD_DIR/banjod.log" 2>&1 &
BANJOD_PID=$!
sandbox_remember "$BANJOD_PID" banjod
wait_until 10 bash -c "ip netns exec $BANJO_NETNS ss -ltnH 'sport = :$METRICS_PORT' | grep -q ." || fail "no metrics socket"
scrape() { netns_python -c "import sys, urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$METRICS_PORT/metrics', timeout=20).read().decode())"; }
scrape >/dev/null || fail "the first scrape (which starts banjod) failed"
wait_until 20 banjod_on_bus || fail "banjod did not start"

burst() {   # UNIT PREFIX: 1,000 failures, one per address PREFIX::1..1000, in one journal write
    /usr/bin/python3 - "$1" "$2" <<'PY' | "$BANJOD_LIB_DIR/make-journal" - "$BANJOD_DIR/journal" live >/dev/null
import sys, time
unit, prefix = sys.argv[1:]
now = int(time.time() * 1_000_000)
for i in range(1, 1001):
    t = now + i
    sys.stdout.write(f"__REALTIME_TIMESTAMP={t}\n__MONOTONIC_TIMESTAMP={t}\n_BOOT_ID=0123456789abcdef0123456789abcdef\n"
                     f"_SYSTEMD_UNIT={unit}\n_PID={5000 + i}\nMESSAGE=login failure from {prefix}::{i:x}\n\n")
PY
}
banned_with() { sandbox_set_entries banjo6 | grep -c "^$1:"; }
all_banned() { [[ $(banned_with "$1") -ge 1000 ]]; }
measure() {   # UNIT PREFIX: seconds from the journal write until all 1,000 are in the firewall
    local start end
    start=$(date +%s%N)
    burst "$1" "$2"
    wait_until 120 all_banned "$2" || fail "only $(banned_with "$2") of 1,000 bans of $2 in the firewall"
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

none_banned_with() { ! sandbox_set_entries banjo6 | grep -q "^$1:"; }
lift() {   # JAIL PREFIX: every ban of JAIL lifted, gone from the firewall
    manager UnbanAll s "$1" >/dev/null || fail "UnbanAll $1"
    wait_until 60 none_banned_with "$2" || fail "the bans of $1 are still in the firewall"
}
echo "1. 1,000 bans without actions"
plain_ms=$(measure burst-a.service 2001:db8:a)
echo "   all in the firewall after $plain_ms ms"
lift plain 2001:db8:a
echo "2. 1,000 bans whose action takes 5 s"
acted_ms=$(measure burst-b.service 2001:db8:b)
echo "   all in the firewall after $acted_ms ms"
metrics=$(scrape) || fail "scrape"
lift acted 2001:db8:b
echo "3. 1,000 bans without actions again"
again_ms=$(measure burst-c.service 2001:db8:c)
echo "   all in the firewall after $again_ms ms"
bound_ms=$((plain_ms > again_ms ? plain_ms : again_ms))
((acted_ms <= bound_ms * 3 / 2 + 1000)) || fail "bans with a slow action took $acted_ms ms, without $plain_ms and $again_ms ms"

echo "4. the overflow is dropped, and said so in the journal and the metrics"
dropped=$(sed -n 's/^banjo_action_runs_total{outcome="dropped"} //p' <<<"$metrics")
started=$(sed -n 's/^banjo_action_runs_total{outcome="started"} //p' <<<"$metrics")
waiting=$(sed -n 's/^banjo_action_queue{state="waiting"} //p' <<<"$metrics")
running=$(sed -n 's/^banjo_action_queue{state="running"} //p' <<<"$metrics")
echo "   metrics: started $started, running $running, waiting $waiting, dropped $dropped"
[[ -n $dropped && -n $started ]] || fail "no action metrics: $metrics"
((running <= 4 && waiting <= 100)) || fail "the queue outgrew its bounds: running $running, waiting $waiting"
((dropped + started + waiting == 1000)) || fail "runs unaccounted for: started $started + waiting $waiting + dropped $dropped != 1000"
((dropped >= 800)) || fail "only $dropped runs dropped"
grep -q "Action slow for 2001:db8:b::.* dropped (action-queue is full)" "$BANJOD_DIR/banjod.log" || fail "the journal does not say runs were dropped"
[[ $(pgrep -c -x sleep -P "$BANJOD_PID") -le 4 ]] || fail "more than action-concurrency actions run at once"

banjod_stop TERM
echo "PASS plain_ms=$plain_ms acted_ms=$acted_ms again_ms=$again_ms"
