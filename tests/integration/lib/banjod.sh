#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Running banjod for real in the integration sandbox (source sandbox.sh first): a config of
# its own, a journal directory it follows, a state directory, the private bus.
#
#   sandbox_with_firewalld               # sandbox_start + firewalld; exits 77 when it cannot run
#   sandbox_with_backend                 # sandbox_start + the firewall of $BANJO_TEST_BACKEND:
#                                        # firewalld (default), or nftables (banjod then runs
#                                        # inside the namespace); exits 77 when it cannot run
#   sandbox_with_banjod_sshd             # the usual start: that, banjod_prepare_sshd, banjod_start
#   banjod_prepare <<'TOML' ... TOML     # banjo.toml text; filter.d/ gets the shipped filters
#   banjod_prepare_sshd                  # the usual: one sshd jail, maxretry 3, bantime 1h
#   journal_failures COUNT ADDRESS...    # appends COUNT sshd failures per address, stamped now
#   journal_sshd COUNT MESSAGE           # appends COUNT entries of sshd (as root) with MESSAGE
#   banjod_start [ARGS...]               # starts banjod, waits until org.banjo1 is on the bus
#   banjod_stop [SIGNAL]                 # TERM (clean stop, waits for it) or KILL (a crash)
#   banjod_start_by_metrics_socket       # as banjo-metrics.socket starts it; sets METRICS_PORT
#   metrics_scrape                       # GET /metrics on METRICS_PORT
#   wait_until SECONDS COMMAND...        # polls every 0.1 s; fails when the time is up
#   wait_journal_read                    # until banjod has read the journal's last entry
#   not_banned ADDRESS                   # neither banjod nor firewalld has it banned
#   manager METHOD [SIGNATURE ARGS...]   # busctl call to org.banjo1.Manager
#   fail MESSAGE                         # prints and exits 1
# Needs BANJOD (the binary) and BANJO_SOURCE_ROOT.

BANJOD_LIB_DIR=$(readlink -f "$(dirname "${BASH_SOURCE[0]}")")

fail() {
    echo "FAIL: $*" >&2
    [[ -n ${BANJOD_DIR:-} && -f $BANJOD_DIR/banjod.log ]] && { echo "--- banjod log:" >&2; tail -n 40 "$BANJOD_DIR/banjod.log" >&2; }
    exit 1
}

wait_until() {   # SECONDS COMMAND...
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

sandbox_with_firewalld() {
    sandbox_require || exit 77
    sandbox_start
    sandbox_firewalld_start --with-banjo
}

sandbox_with_backend() {
    if [[ ${BANJO_TEST_BACKEND:-} == nftables ]]; then
        sandbox_require || exit 77
        sandbox_start
    else
        sandbox_with_firewalld
    fi
}

sandbox_with_banjod_sshd() {
    sandbox_with_backend
    banjod_prepare_sshd
    banjod_start
}

banjod_prepare_sshd() {
    banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
maxretry = 3
ignore-self = false

[jail.sshd]
filter = "sshd"
TOML
}

banjod_prepare() {
    BANJOD_DIR=$BANJO_SANDBOX_DIR/banjod
    mkdir -p "$BANJOD_DIR/etc/filter.d" "$BANJOD_DIR/journal" "$BANJOD_DIR/state"
    cp "$BANJO_SOURCE_ROOT"/conf/filter.d/*.toml "$BANJOD_DIR/etc/filter.d/"
    cat >"$BANJOD_DIR/etc/banjo.toml"
    # The journal starts with one harmless entry, so banjod has files to follow.
    local now
    now=$(date +%s%6N)
    printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_SYSTEMD_UNIT=cron.service\nSYSLOG_IDENTIFIER=CRON\nMESSAGE=hello\n\n' \
        "$now" "$now" | "$BANJOD_LIB_DIR/make-journal" - "$BANJOD_DIR/journal" live >/dev/null
}

BANJOD_PID_SEQ=1000
journal_failures() {   # COUNT ADDRESS...
    local count=$1 now i address
    shift
    now=$(date +%s%6N)
    {
        for ((i = 0; i < count; i++)); do
            for address; do
                BANJOD_PID_SEQ=$((BANJOD_PID_SEQ + 1))
                # One boot: the monotonic clock must grow with the realtime one, or the journal
                # orders later entries before earlier ones.
                printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_SYSTEMD_UNIT=ssh.service\n_UID=0\nSYSLOG_IDENTIFIER=sshd\n_PID=%s\nMESSAGE=Failed password for invalid user admin from %s port 4242 ssh2\n\n' \
                    "$now" "$now" "$((BANJOD_PID_SEQ + RANDOM))" "$address"
                now=$((now + 1))
            done
        done
    } | "$BANJOD_LIB_DIR/make-journal" - "$BANJOD_DIR/journal" live >/dev/null
}

banjod_on_bus() { busctl --system status org.banjo1 >/dev/null 2>&1; }

# The nftables backend writes the ruleset of the network namespace it runs in: the sandbox's,
# never the host's; so does banjod's conntrack cleanup (BANJOD_IN_NETNS=1 runs a firewalld
# banjod there too). `ip netns exec` execs banjod itself, so $! is banjod's PID either way.
banjod_command() {
    if [[ $BANJO_TEST_BACKEND == nftables ]]; then
        echo ip netns exec "$BANJO_NETNS" "$BANJOD" --backend nftables
    elif [[ -n ${BANJOD_IN_NETNS:-} ]]; then
        echo ip netns exec "$BANJO_NETNS" "$BANJOD"
    else
        echo "$BANJOD"
    fi
}

banjod_start() {
    $(banjod_command) --config "$BANJOD_DIR/etc/banjo.toml" --state-dir "$BANJOD_DIR/state" \
        --journal-directory "$BANJOD_DIR/journal" "$@" >>"$BANJOD_DIR/banjod.log" 2>&1 &
    BANJOD_PID=$!
    sandbox_remember "$BANJOD_PID" banjod
    wait_until 20 banjod_on_bus || fail "banjod did not appear on the bus"
}

banjod_stop() {   # [SIGNAL]
    [[ -n ${BANJOD_PID:-} ]] || return 0
    kill "-${1:-TERM}" "$BANJOD_PID" 2>/dev/null
    wait "$BANJOD_PID" 2>/dev/null
    BANJOD_PID=
    wait_until 10 bash -c '! busctl --system status org.banjo1 >/dev/null 2>&1'
}

manager() {   # METHOD [SIGNATURE ARGS...]
    busctl --system call org.banjo1 /org/banjo1 org.banjo1.Manager "$@"
}

manager_property() {   # NAME: the value alone
    local out
    out=$(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager "$1") || return 1
    out=${out#* }
    out=${out#\"}
    echo "${out%\"}"
}

# The addresses banjod lists as banned, one per line, sorted.
banned_addresses() {   # [JAIL]
    manager ListBans s "${1:-}" --json=short | /usr/bin/python3 -c '
import json, sys
for row in json.load(sys.stdin)["data"][0]:
    print(row[1])' | sort
}

# The firewall's entries of both all-ports ban sets (firewalld ipsets or nft sets), one per
# line, sorted.
firewall_addresses() {
    { sandbox_set_entries banjo4; sandbox_set_entries banjo6; } | sort
}

has_entry() { sandbox_banned "$1"; }
lacks_entry() { ! sandbox_banned "$1"; }

# A check that something did not happen first waits for what must come after it: banjod's
# JournalCursor reaching the cursor of the journal's last entry. Every entry before it has then
# gone through the jails, and every ban they called for is in ListBans.
journal_cursor_is() { [[ $(manager_property JournalCursor) == "$1" ]]; }
wait_journal_read() {
    local cursor
    cursor=$(journalctl --directory "$BANJOD_DIR/journal" -n 1 -o export 2>/dev/null | sed -n 's/^__CURSOR=//p')
    [[ -n $cursor ]] || fail "the journal in $BANJOD_DIR/journal has no last entry"
    wait_until 20 journal_cursor_is "$cursor" || fail "banjod did not read up to $cursor (JournalCursor $(manager_property JournalCursor))"
}
not_banned() { ! banned_addresses | grep -qx "$1" && lacks_entry "$1"; }

# The D-Bus error a call to org.banjo1 fails with, as "NAME: message" ("OK" when it succeeds);
# busctl shows only the message. Simple argument types only (s, t, u, b).
bus_error() {   # OBJECT INTERFACE METHOD [SIGNATURE ARGS...]
    /usr/bin/python3 - "$@" <<'PY'
import sys
import dbus
obj, iface, method = sys.argv[1:4]
sig = sys.argv[4] if len(sys.argv) > 4 else ""
convert = {"s": str, "t": int, "u": int, "b": lambda v: v == "true"}
args = [convert[c](v) for c, v in zip(sig, sys.argv[5:])]
try:
    dbus.SystemBus().call_blocking("org.banjo1", obj, iface, method, sig, args, timeout=30)
    print("OK")
except dbus.exceptions.DBusException as e:
    print(f"{e.get_dbus_name()}: {e.get_dbus_message()}")
PY
}

# banjod as banjo-metrics.socket starts it: systemd-socket-activate listens on METRICS_PORT and
# passes the socket to banjod, started by the first connection (the first scrape), as systemd would.
# With the nftables backend all of it (banjod, its socket, the scrapes) is in the sandbox's namespace.
in_banjod_netns() {
    if [[ ${BANJO_TEST_BACKEND:-} == nftables ]]; then
        ip netns exec "$BANJO_NETNS" "$@"
    else
        "$@"
    fi
}

banjod_start_by_metrics_socket() {
    METRICS_PORT=$((20000 + RANDOM % 20000))
    local backend=()
    [[ ${BANJO_TEST_BACKEND:-} == nftables ]] && backend=(--backend nftables)
    in_banjod_netns systemd-socket-activate -E DBUS_SYSTEM_BUS_ADDRESS -l "127.0.0.1:$METRICS_PORT" "$BANJOD" \
        "${backend[@]}" --config "$BANJOD_DIR/etc/banjo.toml" --state-dir "$BANJOD_DIR/state" \
        --journal-directory "$BANJOD_DIR/journal" >>"$BANJOD_DIR/banjod.log" 2>&1 &
    BANJOD_PID=$!
    sandbox_remember "$BANJOD_PID" banjod
    wait_until 10 metrics_listening || fail "no listening socket"
    metrics_scrape >/dev/null || fail "the first scrape (which starts banjod) failed"
    wait_until 20 banjod_on_bus || fail "banjod did not start"
}

metrics_listening() { in_banjod_netns ss -ltn | grep -q "127.0.0.1:$METRICS_PORT "; }

metrics_scrape() {
    in_banjod_netns /usr/bin/python3 - "$METRICS_PORT" <<'PY'
import sys, urllib.request
print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=10).read().decode())
PY
}

journal_sshd() {   # COUNT MESSAGE
    local count=$1 message=$2 now i
    now=$(date +%s%6N)
    for ((i = 0; i < count; i++)); do
        BANJOD_PID_SEQ=$((BANJOD_PID_SEQ + 1))
        printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_SYSTEMD_UNIT=ssh.service\n_UID=0\n_EXE=/usr/sbin/sshd\nSYSLOG_IDENTIFIER=sshd\n_PID=%s\nMESSAGE=%s\n\n' \
            "$((now + i))" "$((now + i))" "$BANJOD_PID_SEQ" "$message"
    done | "$BANJOD_LIB_DIR/make-journal" - "$BANJOD_DIR/journal" live >/dev/null
}
