#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# firewalld_backend_test.sh TEST-BINARY: runs the FirewalldBackend integration test inside the
# sandbox (private system bus, firewalld in a network namespace, started with an empty
# configuration). Skips (77) without root or without firewalld.
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
source "$here/lib/sandbox.sh"

sandbox_require || exit 77
sandbox_start || exit 1
sandbox_firewalld_start --empty || exit 1
BANJO_SANDBOX=$SANDBOX_SCRIPT "$1"
