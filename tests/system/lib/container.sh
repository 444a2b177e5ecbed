#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A booted Debian 12 in systemd-nspawn for the system test (notes/nspawn.md): a cached
# debootstrap root, an overlay of it per run, the container booted with a veth pair, cleanup.
# Sourced by system_test.sh, which calls, in order:
#   container_require                 exit 77 when this machine cannot run a container
#   container_lock                    one system test at a time; stops what a killed run left
#   container_refuse_used_ranges      the documentation ranges below must be free on the host
#   container_rootfs PACKAGE...       the cached root file system with these packages ($ROOTFS)
#   container_boot                    overlay ($ROOT), boot, wait for running ($PID1, $RUN)
#   container_network                 198.51.100.1/24 + 2001:db8:b::1/64 host side ($HOST_IF),
#                                     198.51.100.2/24 + 2001:db8:b::2/64 in the container
# and then uses ct (run inside), ct_long, wait_until, tcp_open, log, fail.
#
# Environment:
#   BANJO_SYSTEM_TEST_CACHE  where root file systems are cached (default /var/cache/banjo-test)
#   BANJO_SYSTEM_TEST_MIRROR the Debian mirror (default: the first one apt uses)
#   BANJO_SYSTEM_TEST_KEEP=1 keep the run directory (logs, the container's upper layer)
#
# The root file system is built once with debootstrap (about a minute) and cached under a name
# that is a hash of the package list; every run boots an overlay of it (the cache is never
# written) that is removed at the end. Host side: only the veth nspawn creates gets addresses
# (documentation ranges, refused when the host already uses them); only processes started here
# are signalled, by PID after checking their start time.

SUITE=bookworm
ROOTFS_FORMAT=1
CACHE=${BANJO_SYSTEM_TEST_CACHE:-/var/cache/banjo-test}
HOST4=198.51.100.1 CT4=198.51.100.2 HOST6=2001:db8:b::1 CT6=2001:db8:b::2

T0=$SECONDS
log() { printf '[%3ds] %s\n' $((SECONDS - T0)) "$*"; }
skip() {
    echo "SKIP: $*" >&2
    exit 77
}
starttime() {   # PID: its start time (field 22 of /proc/PID/stat), tells it from a reused PID
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    set -- $stat
    echo "${20}"
}

container_require() {
    [[ $(id -u) -eq 0 ]] || skip "needs root (debootstrap, systemd-nspawn, a veth pair)"
    local tool
    for tool in systemd-nspawn debootstrap sshpass ssh nsenter ip mount flock sha256sum; do
        command -v "$tool" >/dev/null ||
            skip "$tool not found (bash scripts/install-deps installs debootstrap systemd-container sshpass)"
    done
    [[ -d /sys/fs/cgroup && -w /sys/fs/cgroup ]] ||
        skip "/sys/fs/cgroup is not writable: systemd-nspawn cannot boot a container"
}

# A run killed before its cleanup (SIGKILL: meson's timeout ends with one) leaves its run
# directory mounted, and its container running: SIGKILL ends systemd-nspawn but not the
# container's systemd, which keeps the veth and its addresses. With the lock held no other run
# is in progress: power off that container and stop that nspawn (the PIDs the run recorded, if
# they still are those processes), unmount, remove. Directories kept on purpose stay.
stop_leftover() {   # FILE ("PID STARTTIME") KIND
    local p s i
    [[ -f $1 ]] && read -r p s <"$1" && [[ -n $p && $(starttime "$p") == "$s" ]] || return 0
    echo "system test: stopping the $2 ($p) left by an earlier run ($(dirname "$1"))" >&2
    if [[ $2 == container ]]; then
        timeout 10 nsenter -t "$p" -a systemctl poweroff --no-block >/dev/null 2>&1
    else
        kill -TERM "$p" 2>/dev/null
    fi
    for ((i = 0; i < 200; i++)); do [[ $(starttime "$p") == "$s" ]] || return 0; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    for ((i = 0; i < 50; i++)); do [[ $(starttime "$p") == "$s" ]] || return 0; sleep 0.1; done
}
container_lock() {
    mkdir -p "$CACHE"
    exec 9>"$CACHE/lock"
    flock -w 300 9 || skip "another system test holds $CACHE/lock for more than 300 s"
    local old
    for old in /var/tmp/banjo-system-test.*; do
        [[ -d $old && ! -e $old/keep ]] || continue
        stop_leftover "$old/pid1" container
        stop_leftover "$old/nspawn.pid" systemd-nspawn
        # What a killed systemd-nspawn leaves of its machine on the tmpfs (an empty directory).
        [[ -f $old/machine ]] && rmdir "/run/systemd/nspawn/propagate/$(cat "$old/machine")" 2>/dev/null
        if [[ -e $old/mounted-nspawn-tmpfs ]] && mountpoint -q /run/systemd/nspawn &&
            [[ -z $(ls -A /run/systemd/nspawn/propagate 2>/dev/null) ]] && ! pgrep -x systemd-nspawn >/dev/null 2>&1; then
            umount /run/systemd/nspawn 2>/dev/null
        fi
        if mountpoint -q "$old/root"; then umount "$old/root" 2>/dev/null || umount -l "$old/root" 2>/dev/null; fi
        mountpoint -q "$old/root" || rm -rf "$old"
    done
}

container_refuse_used_ranges() {
    if ip -o addr show | grep -qE " inet6? (198\.51\.100\.|2001:db8:b:)" ||
        ip -4 route show | grep -qE '^198\.51\.100\.' || ip -6 route show | grep -qiE '^2001:db8:b:'; then
        echo "FAIL: the host already has an address or route in 198.51.100.0/24 or 2001:db8:b::/64" \
            "(a leftover of an earlier run, or a network of the machine): refusing to use them" >&2
        ip -br addr >&2
        exit 1
    fi
}

mirror() {
    if [[ -n ${BANJO_SYSTEM_TEST_MIRROR:-} ]]; then
        echo "$BANJO_SYSTEM_TEST_MIRROR"
    elif [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
        awk '$1 == "URIs:" { print $2; exit }' /etc/apt/sources.list.d/debian.sources
    elif [[ -f /etc/apt/sources.list ]]; then
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; exit } }' /etc/apt/sources.list
    fi
}
container_rootfs() {   # PACKAGE...: sets ROOTFS
    local hash new old mirror
    hash=$(printf '%s\n' "$SUITE" minbase "$ROOTFS_FORMAT" "$@" | sha256sum | cut -c1-16)
    ROOTFS=$CACHE/rootfs-$hash
    if [[ ! -f $ROOTFS/.banjo-rootfs-complete ]]; then
        mirror=$(mirror)
        [[ -n $mirror ]] || { echo "FAIL: no Debian mirror found in /etc/apt (set BANJO_SYSTEM_TEST_MIRROR)" >&2; exit 1; }
        rm -rf "$ROOTFS" "$CACHE"/rootfs-*.new   # a build interrupted earlier (we hold the lock)
        new=$ROOTFS.new
        log "building the root file system $ROOTFS (debootstrap $SUITE from $mirror, once)"
        if ! debootstrap --variant=minbase --include="$(IFS=,; echo "$*")" \
            "$SUITE" "$new" "$mirror" >"$CACHE/debootstrap.log" 2>&1; then
            tail -25 "$CACHE/debootstrap.log" >&2
            [[ -f $new/debootstrap/debootstrap.log ]] && tail -25 "$new/debootstrap/debootstrap.log" >&2
            rm -rf "$new"
            echo "FAIL: debootstrap failed (log: $CACHE/debootstrap.log)" >&2
            exit 1
        fi
        rm -f "$new"/var/cache/apt/archives/*.deb
        touch "$new/.banjo-rootfs-complete"
        mv "$new" "$ROOTFS"
        log "root file system built"
    fi
    touch "$ROOTFS/.banjo-rootfs-complete"
    # Root file systems of other package lists that nobody used for 30 days go.
    find "$CACHE" -maxdepth 2 -path "$CACHE/rootfs-*/.banjo-rootfs-complete" -mtime +30 -printf '%h\n' |
        while read -r old; do [[ $old != "$ROOTFS" ]] && rm -rf "$old"; done
}

# --- the run: an overlay of the cached root, booted ------------------------------------------
NSPAWN_PID= NSPAWN_START= PID1= HOST_IF= OVERLAY= NSPAWN_TMPFS= RUN= ROOT=

nspawn_alive() { [[ -n $NSPAWN_PID && $(starttime "$NSPAWN_PID") == "$NSPAWN_START" ]]; }

ct() {   # COMMAND...: run inside the container, with a clean environment, 60 s at most
    ct_long 60 "$@"
}
ct_long() {   # SECONDS COMMAND...
    local seconds=$1
    shift
    timeout "$seconds" nsenter -t "$PID1" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        SYSTEMD_PAGER= SYSTEMD_COLORS=0 DEBIAN_FRONTEND=noninteractive "$@"
}

wait_until() {   # SECONDS COMMAND...
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

tcp_open() {   # ADDRESS PORT: a TCP connection from the host, 5 s at most
    timeout 5 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

fail() {
    echo "FAIL: $*" >&2
    if [[ -n $PID1 ]] && nspawn_alive; then
        declare -F diagnostics >/dev/null && diagnostics
    elif [[ -n $RUN && -f $RUN/nspawn.log ]]; then
        tail -30 "$RUN/nspawn.log" >&2
    fi
    exit 1
}

container_cleanup() {
    local status=$? i removable=1
    trap - EXIT
    if nspawn_alive; then
        [[ -n $PID1 ]] && timeout 20 nsenter -t "$PID1" -a systemctl poweroff --no-block >/dev/null 2>&1
        for ((i = 0; i < 200 && ${#PID1} > 0; i++)); do nspawn_alive || break; sleep 0.1; done
        if nspawn_alive; then
            log "the container did not power off: stopping systemd-nspawn ($NSPAWN_PID)"
            kill -TERM "$NSPAWN_PID" 2>/dev/null
            for ((i = 0; i < 100; i++)); do nspawn_alive || break; sleep 0.1; done
            nspawn_alive && kill -KILL "$NSPAWN_PID" 2>/dev/null
        fi
        wait "$NSPAWN_PID" 2>/dev/null
    fi
    # nspawn removes the veth with the container's namespace; only if it is still there.
    if [[ -n $HOST_IF ]] && ip link show dev "$HOST_IF" >/dev/null 2>&1; then
        ip link delete dev "$HOST_IF" 2>/dev/null
    fi
    # The tmpfs we mounted goes when no other container uses it.
    if [[ -n $NSPAWN_TMPFS ]] && [[ -z $(ls -A /run/systemd/nspawn/propagate 2>/dev/null) ]] &&
        ! pgrep -x systemd-nspawn >/dev/null 2>&1; then
        umount /run/systemd/nspawn 2>/dev/null
    fi
    if [[ -n $OVERLAY ]] && mountpoint -q "$ROOT"; then
        umount "$ROOT" 2>/dev/null || umount -l "$ROOT" 2>/dev/null || removable=
    fi
    if [[ -z $RUN ]]; then
        :
    elif [[ -n ${BANJO_SYSTEM_TEST_KEEP:-} ]]; then
        touch "$RUN/keep"
        log "kept $RUN (BANJO_SYSTEM_TEST_KEEP)"
    elif [[ -n $removable ]] && ! mountpoint -q "$ROOT"; then
        rm -rf "$RUN"
    else
        echo "system test: $ROOT is still mounted; left $RUN in place" >&2
    fi
    log "done"
    exit "$status"
}

# The container's PID 1 is systemd-nspawn's child.
find_pid1() {
    local stat pid ppid rest
    for stat in /proc/[0-9]*/stat; do
        { read -r rest <"$stat"; } 2>/dev/null || continue
        pid=${rest%% *}
        rest=${rest##*) }
        set -- $rest
        ppid=$2
        if [[ $ppid == "$NSPAWN_PID" && $(cat "/proc/$pid/comm" 2>/dev/null) == systemd ]]; then
            echo "$pid"
            return 0
        fi
    done
    return 1
}

container_mount() {   # the run directory and the overlay of $ROOTFS: sets RUN, ROOT, MACHINE
    RUN=$(mktemp -d /var/tmp/banjo-system-test.XXXXXX)
    ROOT=$RUN/root
    MACHINE=banjo-test-$$
    trap container_cleanup EXIT
    trap 'exit 130' INT TERM
    mkdir -p "$ROOT" "$RUN/upper" "$RUN/work"
    if grep -qw overlay /proc/filesystems &&
        mount -t overlay overlay -o "lowerdir=$ROOTFS,upperdir=$RUN/upper,workdir=$RUN/work" "$ROOT" 2>/dev/null; then
        OVERLAY=1
    else
        log "no overlayfs: copying the root file system"
        cp -a --reflink=auto "$ROOTFS/." "$ROOT/" || fail "copying $ROOTFS"
    fi
    echo "$MACHINE" >"$ROOT/etc/hostname"
}

container_boot() {   # boots $ROOT, waits until systemd says running or degraded: sets PID1
    local i state
    mkdir -p /run/systemd/nspawn
    if ! mountpoint -q /run/systemd/nspawn; then
        mount -t tmpfs tmpfs /run/systemd/nspawn || fail "mounting a tmpfs on /run/systemd/nspawn"
        NSPAWN_TMPFS=1
        touch "$RUN/mounted-nspawn-tmpfs"
    fi
    log "booting $MACHINE"
    systemd-nspawn --quiet -D "$ROOT" -M "$MACHINE" -b --network-veth --register=no --keep-unit \
        --console=read-only </dev/null >"$RUN/nspawn.log" 2>&1 &
    NSPAWN_PID=$!
    NSPAWN_START=$(starttime "$NSPAWN_PID")
    echo "$NSPAWN_PID $NSPAWN_START" >"$RUN/nspawn.pid"
    echo "$MACHINE" >"$RUN/machine"
    for ((i = 0; i < 300; i++)); do
        nspawn_alive || fail "systemd-nspawn exited: $(tail -5 "$RUN/nspawn.log")"
        PID1=$(find_pid1) && break
        sleep 0.1
    done
    [[ -n $PID1 ]] || fail "no systemd in the container after 30 s"
    echo "$PID1 $(starttime "$PID1")" >"$RUN/pid1"
    state=
    for ((i = 0; i < 300; i++)); do
        state=$(timeout 10 nsenter -t "$PID1" -a systemctl is-system-running 2>/dev/null)
        [[ $state == running || $state == degraded ]] && break
        nspawn_alive || fail "the container stopped while booting"
        sleep 0.2
    done
    [[ $state == running || $state == degraded ]] || fail "system state '$state' after 60 s"
    log "booted: $state"
    [[ $state == degraded ]] && { echo "  failed units:"; ct systemctl --failed --no-legend | sed 's/^/    /'; }
    return 0
}

container_network() {   # the veth pair: sets HOST_IF
    local peer
    # host0's peer index names the host end (ve-NAME, possibly shortened by nspawn).
    peer=$(ct ip -o link show dev host0 | sed -n 's/^[0-9]*: host0@if\([0-9]*\):.*/\1/p')
    [[ -n $peer ]] || fail "no host0 in the container"
    HOST_IF=$(ip -o link show | awk -F': ' -v idx="$peer" '$1 == idx { sub(/@.*/, "", $2); print $2 }')
    [[ $HOST_IF == ve-* ]] || fail "the host end of host0 (index $peer) is '$HOST_IF', not a ve- link"
    ip addr add "$HOST4/24" dev "$HOST_IF" &&
        ip addr add "$HOST6/64" dev "$HOST_IF" nodad &&
        ip link set "$HOST_IF" up || fail "configuring $HOST_IF"
    ct ip addr add "$CT4/24" dev host0 &&
        ct ip addr add "$CT6/64" dev host0 nodad &&
        ct ip link set host0 up || fail "configuring host0"
}
