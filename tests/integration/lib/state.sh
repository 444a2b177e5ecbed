#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for tests of banjod's state directory (source sandbox.sh and banjod.sh first):
#
#   state_private_mounts "$@"        # first line of a test: runs the rest of it in a mount
#                                    # namespace of its own, so every mount it makes is private
#                                    # and gone with it (re-executes the script)
#   state_tmpfs SIZE                 # a size-limited tmpfs on $BANJOD_DIR/state (after banjod_prepare)
#   state_fill / state_free          # fill that file system to the last byte / free it again
#   state_query SQL                  # sqlite3 on banjo.db, read-only, beside a running banjod
#   state_health                     # banjod's StateHealth property
#   ban_records RECORD...            # appends banjo's own ban/unban journal entries to the
#                                    # journal banjod reads, stamped now; RECORD is
#                                    # "ban JAIL ADDRESS EXPIRES_USEC FAILURES [UID]" or
#                                    # "unban JAIL ADDRESS [UID]" (UID, as journald sets it: 0 unless given)
# The machine's own disks are never filled: only the tmpfs mounted here.

state_private_mounts() {
    if [[ -z ${BANJO_PRIVATE_MOUNTS:-} ]]; then
        command -v unshare >/dev/null || { echo "unshare not found (util-linux)" >&2; exit 77; }
        [[ $(id -u) -eq 0 ]] || { echo "needs root (mount namespace, tmpfs)" >&2; exit 77; }
        export BANJO_PRIVATE_MOUNTS=1
        exec unshare --mount --propagation private "$BASH" "$0" "$@"
    fi
}

state_tmpfs() {   # SIZE
    local dir=$BANJOD_DIR/state
    mkdir -p "$dir"
    mount -t tmpfs -o "size=$1,mode=0700" banjo-state "$dir" || fail "cannot mount a tmpfs on $dir"
    # Only in this mount namespace; unmounted by hand too, so the sandbox can remove the dir.
    STATE_TMPFS=$dir
}

state_fill() {
    # Until the file system refuses: dd reports "No space left on device", which is the point.
    dd if=/dev/zero of="$STATE_TMPFS/filler" bs=4k >/dev/null 2>&1
    local free
    free=$(df --output=avail -B1 "$STATE_TMPFS" | tail -1)
    [[ $free -eq 0 ]] || fail "the state tmpfs still has $free bytes free"
}

state_free() { rm -f "$STATE_TMPFS/filler"; }

state_query() {   # SQL
    sqlite3 -readonly "$BANJOD_DIR/state/banjo.db" "$1"
}

state_health() { manager_property StateHealth; }

state_unmount() {
    [[ -n ${STATE_TMPFS:-} ]] && mountpoint -q "$STATE_TMPFS" && umount -l "$STATE_TMPFS"
    return 0
}

BAN_RECORD_SEQ=0
ban_records() {   # RECORD...: "ban JAIL ADDRESS EXPIRES_USEC FAILURES [UID]" or "unban JAIL ADDRESS [UID]"
    local now record kind jail address expires failures uid
    now=$(date +%s%6N)
    for record; do
        read -r kind jail address expires failures uid <<<"$record"
        BAN_RECORD_SEQ=$((BAN_RECORD_SEQ + 1))
        if [[ $kind == unban ]]; then
            uid=${expires:-0}
        fi
        uid=${uid:-0}
        # The fields banjod writes (src/daemon/ban_service.cpp), and those journald adds itself.
        printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\n' \
            "$((now + BAN_RECORD_SEQ))" "$((now + BAN_RECORD_SEQ))"
        printf '_UID=%s\n_GID=%s\n_COMM=banjod\n_PID=%s\nSYSLOG_IDENTIFIER=banjod\nPRIORITY=5\nBANJO_JAIL=%s\nBANJO_ADDRESS=%s\n' \
            "$uid" "$uid" "$((4000 + BAN_RECORD_SEQ))" "$jail" "$address"
        if [[ $kind == ban ]]; then
            printf 'MESSAGE_ID=add223c30bb94799abc230d2cf7655f3\nMESSAGE=Banned %s in jail %s after %s failures\n' \
                "$address" "$jail" "$failures"
            printf 'BANJO_FAILURES=%s\nBANJO_EXPIRES_USEC=%s\nBANJO_ORIGIN=filter\n\n' "$failures" "$expires"
        else
            printf 'MESSAGE_ID=9b7fd027ac2540358579faa7bfa7e8f9\nMESSAGE=Unbanned %s in jail %s (manual)\nBANJO_REASON=manual\n\n' \
                "$address" "$jail"
        fi
    done | "$BANJOD_LIB_DIR/make-journal" - "$BANJOD_DIR/journal" banjo >/dev/null
}
