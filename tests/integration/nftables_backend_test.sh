#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nftables_backend_test.sh TEST-BINARY: runs the NftablesBackend integration test inside a
# network namespace of its own (ip netns exec), so the tables it writes and deletes are never
# the host's, and in a PID namespace of its own. A second run without CAP_NET_ADMIN checks the
# backend reports degraded.
# Skips (77) without root or nft.
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
source "$here/lib/sandbox.sh"

[[ $(id -u) -eq 0 ]] || { echo "needs root (network namespaces)"; exit 77; }
command -v nft >/dev/null && command -v setpriv >/dev/null || { echo "needs nft and setpriv"; exit 77; }
sandbox_start || exit 1

# In a PID namespace of its own too, as banjod in a container: the kernel reports committing
# processes by their host PID there, which must not make banjod's own changes look foreign.
ip netns exec "$BANJO_NETNS" unshare --pid --fork --mount-proc "$1" -tce="*CAP_NET_ADMIN*" || exit 1
# Root without CAP_NET_ADMIN (bounding and inheritable sets dropped before exec).
ip netns exec "$BANJO_NETNS" setpriv --inh-caps=-net_admin --bounding-set=-net_admin \
    "$1" -tc="*CAP_NET_ADMIN*" || exit 1
