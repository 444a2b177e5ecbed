#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The integration sandbox: a private system-type dbus-daemon and a firewalld that lives in a
# network namespace of its own, so tests ban addresses for real without touching the host's
# firewall or system bus.
#
# Sourced by a test script:
#   source tests/integration/lib/sandbox.sh
#   sandbox_require || exit 77          # not root, or a tool missing: skip
#   sandbox_start                       # temp dir, bus, namespace; EXIT trap cleans up
#   sandbox_firewalld_start [--empty | --with-banjo]    # waits until firewalld is RUNNING
#   ... BANJO_SANDBOX=$SANDBOX_SCRIPT ./the-test ...
# Run as a program, it acts on a started sandbox named by $BANJO_SANDBOX_DIR (what a test
# binary does to restart firewalld or look at nft):
#   sandbox.sh firewalld-start [--empty|--with-banjo] | firewalld-stop | firewalld-kill
#             | firewalld-wait | nft ARGS... | entries IPSET | call METHOD-ARGS...
#             | monitor-start FILE | monitor-stop       # record calls to firewalld's ipset interface
#             | banned ADDRESS [JAIL] | set-entries SET
# Backend-neutral questions (BANJO_TEST_BACKEND=firewalld, the default, or nftables):
#   sandbox_set_entries SET              # the addresses a banjo set holds (firewalld ipset or
#                                        # nft set in table inet banjo), one per line
#   sandbox_banned ADDRESS [JAIL]        # is ADDRESS in the firewall's ban set (of port-limited JAIL)
#   sandbox_wait_banned SECONDS ADDRESS [JAIL]   # until it is (polls; fails when the time is up)
# Real packets: an attacker namespace joined to the sandbox's by a veth pair (addresses below):
#   sandbox_attacker_start; sandbox_listen PORT; sandbox_can_connect ADDRESS PORT
#   sandbox_container_start    # a namespace with port 80 published as 8080 here by DNAT
# Exported for the test: DBUS_SYSTEM_BUS_ADDRESS, BANJO_SANDBOX_DIR, BANJO_NETNS.
# BANJO_SANDBOX_KEEP=1 keeps the directory (logs, firewalld config) after cleanup.
#
# Machine rules kept here: the host's firewall and bus are never touched (firewalld only runs
# inside the namespace, every client talks to the private bus); only processes started here are
# ever signalled, by PID, after checking the PID still is the process we started.

SANDBOX_SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
SANDBOX_SOURCE_ROOT=$(readlink -f "$(dirname "$SANDBOX_SCRIPT")/../../..")

sandbox_log() { echo "sandbox: $*" >&2; }

sandbox_require() {
    if [[ $(id -u) -ne 0 ]]; then
        sandbox_log "needs root (network namespaces, firewalld)"
        return 1
    fi
    local tool
    for tool in dbus-daemon firewalld busctl ip nft; do
        if ! command -v "$tool" >/dev/null; then
            sandbox_log "$tool not found (Debian: dbus-daemon firewalld systemd iproute2 nftables)"
            return 1
        fi
    done
}

# The start time of a process (field 22 of /proc/PID/stat) tells a PID we started from a
# later process that reuses the number.
sandbox_starttime() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    set -- $stat
    echo "${20}"
}

sandbox_remember() {   # PID LABEL
    echo "$1 $(sandbox_starttime "$1") $2" >>"$BANJO_SANDBOX_DIR/pids"
}

sandbox_is_ours() {   # PID STARTTIME
    [[ -n $1 && $(sandbox_starttime "$1") == "$2" ]]
}

# Sends TERM, waits up to 10 s, then KILL. Works for processes that are not our children.
sandbox_stop_pid() {   # PID STARTTIME [SIGNAL]
    local pid=$1 start=$2 signal=${3:-TERM} i
    sandbox_is_ours "$pid" "$start" || return 0
    kill "-$signal" "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        sandbox_is_ours "$pid" "$start" || return 0
        # A zombie child of this shell: reap it.
        if [[ $(sed -n 's/^State:\s*\(.\).*/\1/p' "/proc/$pid/status" 2>/dev/null) == Z ]]; then
            wait "$pid" 2>/dev/null
            return 0
        fi
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

sandbox_start() {
    BANJO_SANDBOX_DIR=$(mktemp -d /tmp/banjo-sandbox.XXXXXX)
    export BANJO_SANDBOX_DIR
    trap sandbox_cleanup EXIT
    trap 'exit 130' INT TERM
    : >"$BANJO_SANDBOX_DIR/pids"

    # A system bus of our own: permissive, because the test processes are root anyway and
    # firewalld authorizes callers itself (uid 0 when no polkit is on the bus). No service
    # directories, so nothing (polkitd...) is ever activated on it.
    cat >"$BANJO_SANDBOX_DIR/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$BANJO_SANDBOX_DIR/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <allow send_destination="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
  <policy user="root">
    <allow own="org.fedoraproject.FirewallD1"/>
    <allow own="org.fedoraproject.FirewallD1.config"/>
    <allow own="org.banjo1"/>
    <allow own_prefix="org.banjo1.test"/>
  </policy>
</busconfig>
EOF
    dbus-daemon --config-file="$BANJO_SANDBOX_DIR/bus.conf" --nofork --nopidfile --nosyslog \
        >"$BANJO_SANDBOX_DIR/dbus.log" 2>&1 &
    sandbox_remember $! dbus-daemon
    disown $!   # no "Terminated" job report at cleanup
    export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$BANJO_SANDBOX_DIR/bus"
    local i
    for ((i = 0; i < 100; i++)); do
        [[ -S $BANJO_SANDBOX_DIR/bus ]] && busctl --system status >/dev/null 2>&1 && break
        sleep 0.05
    done
    if ! busctl --system status >/dev/null 2>&1; then
        sandbox_log "the private dbus-daemon did not come up:"
        cat "$BANJO_SANDBOX_DIR/dbus.log" >&2
        return 1
    fi

    local n=0
    while ip netns list | grep -qw "banjo-test-$$-$n"; do
        n=$((n + 1))
    done
    export BANJO_NETNS="banjo-test-$$-$n"
    ip netns add "$BANJO_NETNS" || return 1
    echo "$BANJO_NETNS" >"$BANJO_SANDBOX_DIR/netns"
    ip -n "$BANJO_NETNS" link set lo up
    sandbox_log "bus $DBUS_SYSTEM_BUS_ADDRESS, namespace $BANJO_NETNS, dir $BANJO_SANDBOX_DIR"
}

# firewalld's system config dir. --empty: nothing of banjo's (banjod must create it).
# --with-banjo: the shipped ipset XML and a drop zone binding them, as after an install.
sandbox_firewalld_config() {
    local mode=$1 dir="$BANJO_SANDBOX_DIR/firewalld"
    rm -rf "$dir"
    mkdir -p "$dir/ipsets" "$dir/zones"
    # Explicit, so the host's /etc/firewalld/firewalld.conf cannot change what we test.
    cat >"$dir/firewalld.conf" <<EOF
DefaultZone=public
CleanupOnExit=yes
CleanupModulesOnExit=no
FirewallBackend=nftables
FlushAllOnReload=yes
IndividualCalls=no
LogDenied=off
Lockdown=no
IPv6_rpfilter=yes
EOF
    if [[ $mode == --with-banjo ]]; then
        cp "$SANDBOX_SOURCE_ROOT"/conf/firewalld/ipsets/banjo{4,6}.xml "$dir/ipsets/"
        sed 's|</zone>|  <source ipset="banjo4"/>\n  <source ipset="banjo6"/>\n</zone>|' \
            /usr/lib/firewalld/zones/drop.xml >"$dir/zones/drop.xml"
    fi
}

sandbox_firewalld_pid() {   # prints "PID STARTTIME" of the live firewalld we started
    local pid start label
    while read -r pid start label; do
        if [[ $label == firewalld ]] && sandbox_is_ours "$pid" "$start"; then
            echo "$pid $start"
        fi
    done <"$BANJO_SANDBOX_DIR/pids"
}

# Starts firewalld in the namespace on the private bus and waits until it is RUNNING.
# Without an argument, reuses the config dir of the previous start (a restart).
sandbox_firewalld_start() {
    local mode=${1:-}
    if [[ -n $mode || ! -d $BANJO_SANDBOX_DIR/firewalld ]]; then
        sandbox_firewalld_config "${mode:---empty}"
    fi
    # `ip netns exec` execs without forking, so $! is firewalld itself.
    ip netns exec "$BANJO_NETNS" firewalld --nofork --nopid \
        --system-config "$BANJO_SANDBOX_DIR/firewalld" \
        --log-target file --log-file "$BANJO_SANDBOX_DIR/firewalld.log" \
        </dev/null >>"$BANJO_SANDBOX_DIR/firewalld.out" 2>&1 &
    sandbox_remember $! firewalld
    disown $!   # tests kill it on purpose: no "Killed" job report
    sandbox_firewalld_wait
}

sandbox_firewalld_state() {
    busctl --system get-property org.fedoraproject.FirewallD1 /org/fedoraproject/FirewallD1 \
        org.fedoraproject.FirewallD1 state 2>/dev/null
}

# firewalld owns its bus name before its rules are loaded: RUNNING is the only ready signal.
sandbox_firewalld_wait() {
    local timeout=${1:-60} deadline
    deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        [[ $(sandbox_firewalld_state) == 's "RUNNING"' ]] && return 0
        if [[ -z $(sandbox_firewalld_pid) ]]; then
            sandbox_log "firewalld exited while starting:"
            tail -20 "$BANJO_SANDBOX_DIR/firewalld.out" "$BANJO_SANDBOX_DIR/firewalld.log" >&2
            return 1
        fi
        sleep 0.2
    done
    sandbox_log "firewalld not RUNNING after ${timeout}s (state: $(sandbox_firewalld_state))"
    return 1
}

sandbox_firewalld_stop() {   # [SIGNAL]: TERM (clean stop) or KILL (a crash)
    local pid start
    read -r pid start < <(sandbox_firewalld_pid)
    [[ -n $pid ]] && sandbox_stop_pid "$pid" "$start" "${1:-TERM}"
    # Until the bus has seen the name go, a restart would race with the old owner.
    local i
    for ((i = 0; i < 100; i++)); do
        busctl --system status org.fedoraproject.FirewallD1 >/dev/null 2>&1 || return 0
        sleep 0.05
    done
}

sandbox_nft() {
    ip netns exec "$BANJO_NETNS" nft "$@"
}

sandbox_call() {   # OBJECT-PATH INTERFACE METHOD [SIGNATURE ARGS...], to firewalld
    busctl --system call org.fedoraproject.FirewallD1 "$@"
}

sandbox_entries() {   # IPSET: its runtime entries, one per line
    local out
    out=$(sandbox_call /org/fedoraproject/FirewallD1 org.fedoraproject.FirewallD1.ipset \
        getEntries s "$1") || return 1
    set -- $out
    shift 2   # "as N"
    local entry
    for entry; do
        entry=${entry#\"}
        echo "${entry%\"}"
    done
}

BANJO_TEST_BACKEND=${BANJO_TEST_BACKEND:-firewalld}
export BANJO_TEST_BACKEND

# The elements of one set in table inet banjo, one address or network per line.
sandbox_nft_set_entries() {   # SET
    sandbox_nft -j list set inet banjo "$1" 2>/dev/null | /usr/bin/python3 -c '
import json, sys
for item in json.load(sys.stdin)["nftables"]:
    for e in item.get("set", {}).get("elem", []):
        v = e["elem"]["val"] if isinstance(e, dict) and "elem" in e else e
        if isinstance(v, dict) and "prefix" in v:
            v = "%s/%d" % (v["prefix"]["addr"], v["prefix"]["len"])
        print(v)'
}

sandbox_nft_table() {   # the nft table that holds the ban sets
    [[ $BANJO_TEST_BACKEND == nftables ]] && echo banjo || echo firewalld
}

sandbox_set_entries() {   # SET: banjo4, banjo6, banjo-JAIL4...
    if [[ $BANJO_TEST_BACKEND == nftables ]]; then
        sandbox_nft_set_entries "$1"
    else
        sandbox_entries "$1"
    fi
}

sandbox_banned() {   # ADDRESS [JAIL]: JAIL names a port-limited jail's own sets
    local set=banjo
    [[ -n ${2:-} ]] && set=banjo-$2
    [[ $1 == *:* ]] && set+=6 || set+=4
    sandbox_set_entries "$set" | grep -qxF "$1"
}

sandbox_wait_banned() {   # SECONDS ADDRESS [JAIL]
    local deadline=$((SECONDS + $1))
    shift
    until sandbox_banned "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

# Another namespace of the sandbox's, deleted at cleanup.
sandbox_netns_add() {   # NAME
    ip netns add "$1" || return 1
    echo "$1" >>"$BANJO_SANDBOX_DIR/netns-extra"
}

# The attacker: namespace $BANJO_NETNS-att, 203.0.113.66/24 and 2001:db8:66::66/64, joined by a
# veth pair to the sandbox namespace's 203.0.113.1 and 2001:db8:66::1 (interface bj-in).
# Neither end is ever in the host's namespace.
sandbox_attacker_start() {
    BANJO_ATTACKER_NETNS=$BANJO_NETNS-att
    export BANJO_ATTACKER_NETNS
    sandbox_netns_add "$BANJO_ATTACKER_NETNS" || return 1
    ip -n "$BANJO_NETNS" link add bj-in type veth peer name bj-att netns "$BANJO_ATTACKER_NETNS" || return 1
    ip -n "$BANJO_NETNS" addr add 203.0.113.1/24 dev bj-in
    ip -n "$BANJO_NETNS" addr add 2001:db8:66::1/64 dev bj-in nodad
    ip -n "$BANJO_ATTACKER_NETNS" addr add 203.0.113.66/24 dev bj-att
    ip -n "$BANJO_ATTACKER_NETNS" addr add 2001:db8:66::66/64 dev bj-att nodad
    ip -n "$BANJO_ATTACKER_NETNS" link set lo up
    ip -n "$BANJO_ATTACKER_NETNS" link set bj-att up
    ip -n "$BANJO_NETNS" link set bj-in up
    ip -n "$BANJO_ATTACKER_NETNS" route add default via 203.0.113.1
    ip -n "$BANJO_ATTACKER_NETNS" -6 route add default via 2001:db8:66::1
}

# A "container" behind the sandbox namespace: namespace $BANJO_NETNS-ct with 198.51.100.2
# listening on port 80, published as port 8080 of the sandbox namespace by DNAT in a table of
# its own (ip publish), as Docker, Podman or libvirt do it.
sandbox_container_start() {
    local container=$BANJO_NETNS-ct
    sandbox_netns_add "$container" || return 1
    ip -n "$BANJO_NETNS" link add bj-ct type veth peer name eth0 netns "$container" || return 1
    ip -n "$BANJO_NETNS" addr add 198.51.100.1/24 dev bj-ct
    ip -n "$BANJO_NETNS" link set bj-ct up
    ip -n "$container" addr add 198.51.100.2/24 dev eth0
    ip -n "$container" link set lo up
    ip -n "$container" link set eth0 up
    ip -n "$container" route add default via 198.51.100.1
    ip netns exec "$BANJO_NETNS" sysctl -qw net.ipv4.ip_forward=1
    sandbox_nft -f - <<'NFT' || return 1
table ip publish {
    chain prerouting { type nat hook prerouting priority dstnat; tcp dport 8080 dnat to 198.51.100.2:80; }
}
NFT
    sandbox_listen 80 "$container"
}

# A TCP listener on every address of namespace NS (default: the sandbox's), IPv4 and IPv6,
# that accepts and closes; waits until it listens.
sandbox_listen() {   # PORT [NS]
    local ns=${2:-$BANJO_NETNS} i
    ip netns exec "$ns" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()' "$1" </dev/null >/dev/null 2>&1 &
    sandbox_remember $! listener
    disown $!
    for ((i = 0; i < 100; i++)); do
        ip netns exec "$ns" ss -ltnH "sport = :$1" | grep -q . && return 0
        sleep 0.05
    done
    sandbox_log "listener on port $1 did not start"
    return 1
}

# Does a TCP connection from the attacker to ADDRESS:PORT succeed (within 3 s)?
sandbox_can_connect() {   # ADDRESS PORT
    ip netns exec "$BANJO_ATTACKER_NETNS" timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# Records every call to firewalld's ipset interface (busctl monitor) into FILE, so a test can
# count what a client really sent. One monitor at a time.
sandbox_monitor_start() {   # FILE
    busctl --system monitor \
        --match="type='method_call',interface='org.fedoraproject.FirewallD1.ipset'" >"$1" 2>&1 &
    sandbox_remember $! monitor
    disown $!
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q "Monitoring bus message stream" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    sandbox_log "busctl monitor did not start"
    return 1
}

sandbox_monitor_stop() {
    local pid start label
    while read -r pid start label; do
        [[ $label == monitor ]] && sandbox_stop_pid "$pid" "$start" TERM
    done <"$BANJO_SANDBOX_DIR/pids"
    return 0
}

sandbox_cleanup() {
    local status=$?
    [[ -n ${BANJO_SANDBOX_DIR:-} && -d $BANJO_SANDBOX_DIR ]] || return "$status"
    # Reverse start order: firewalld(s) first, the bus last.
    local lines pid start label i
    mapfile -t lines <"$BANJO_SANDBOX_DIR/pids"
    for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
        read -r pid start label <<<"${lines[i]}"
        sandbox_stop_pid "$pid" "$start" TERM
    done
    if [[ -s $BANJO_SANDBOX_DIR/netns-extra ]]; then
        local extra
        while read -r extra; do ip netns delete "$extra" 2>/dev/null; done <"$BANJO_SANDBOX_DIR/netns-extra"
    fi
    if [[ -s $BANJO_SANDBOX_DIR/netns ]]; then
        ip netns delete "$(cat "$BANJO_SANDBOX_DIR/netns")" 2>/dev/null
    fi
    if [[ $status -ne 0 && -f $BANJO_SANDBOX_DIR/firewalld.log ]]; then
        sandbox_log "firewalld log (last lines):"
        tail -15 "$BANJO_SANDBOX_DIR/firewalld.log" >&2
    fi
    if [[ -n ${BANJO_SANDBOX_KEEP:-} ]]; then
        sandbox_log "kept $BANJO_SANDBOX_DIR (BANJO_SANDBOX_KEEP)"
    else
        rm -rf "$BANJO_SANDBOX_DIR"
    fi
    return "$status"
}

# As a program: one command on the sandbox named by the environment.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -u
    if [[ -z ${BANJO_SANDBOX_DIR:-} || ! -d $BANJO_SANDBOX_DIR ]]; then
        sandbox_log "BANJO_SANDBOX_DIR does not name a started sandbox"
        exit 2
    fi
    BANJO_NETNS=$(cat "$BANJO_SANDBOX_DIR/netns")
    export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$BANJO_SANDBOX_DIR/bus"
    command=${1:-}
    shift || true
    case $command in
    firewalld-start) sandbox_firewalld_start "$@" ;;
    firewalld-stop) sandbox_firewalld_stop TERM ;;
    firewalld-kill) sandbox_firewalld_stop KILL ;;
    firewalld-wait) sandbox_firewalld_wait "$@" ;;
    nft) sandbox_nft "$@" ;;
    entries) sandbox_entries "$@" ;;
    set-entries) sandbox_set_entries "$@" ;;
    banned) sandbox_banned "$@" ;;
    call) sandbox_call "$@" ;;
    monitor-start) sandbox_monitor_start "$@" ;;
    monitor-stop) sandbox_monitor_stop ;;
    *)
        sandbox_log "unknown command '$command'"
        exit 2
        ;;
    esac
fi
