#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# replay_seed_test.sh BANJOD SOURCE_ROOT
# banjod --replay with an increment's rnd (random extra ban time): the same --seed (or none)
# gives the same output run after run, another seed other ban times for the same bans, and
# every ban time lies within bantime .. bantime + rnd (first bans) as banjo.toml(5) says.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: replay_seed_test.sh BANJOD SOURCE_ROOT" >&2
    exit 2
fi
banjod=$1 src=$2
python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3)
make_journal=${MAKE_JOURNAL:-$src/tests/integration/lib/make-journal}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/etc/filter.d"
cp "$src/conf/filter.d/sshd.toml" "$tmp/etc/filter.d/"
cat >"$tmp/etc/banjo.toml" <<'TOML'
[defaults]
bantime = "10m"
findtime = "10m"
maxretry = 3

[defaults.increment]
enabled = true
factor = 1
rnd = "1h"

[jail.sshd]
enabled = true
filter = "sshd"
TOML

# Twenty attackers, three failures each: twenty first bans.
"$python" - >"$tmp/export.txt" <<'PY'
t = 1_700_000_000_000_000
for host in range(1, 21):
    for n in range(3):
        t += 1_000_000
        print(f"__REALTIME_TIMESTAMP={t}\n__MONOTONIC_TIMESTAMP={t}\n_BOOT_ID=0123456789abcdef0123456789abcdef\n"
              f"_SYSTEMD_UNIT=ssh.service\nSYSLOG_IDENTIFIER=sshd\n_UID=0\n_COMM=sshd\n"
              f"MESSAGE=Failed password for root from 203.0.113.{host} port 4{n}022 ssh2\n")
PY
"$make_journal" "$tmp/export.txt" "$tmp/journal" seed

replay() {   # OUT [ARGS...]
    local out=$1
    shift
    "$banjod" --replay --journal-directory "$tmp/journal" --config "$tmp/etc/banjo.toml" "$@" >"$out" 2>"$out.err" \
        || { echo "banjod --replay $* failed:" >&2; cat "$out.err" >&2; exit 1; }
}
replay "$tmp/a" --seed 1
replay "$tmp/b" --seed 1
replay "$tmp/c" --seed 2
replay "$tmp/d"
replay "$tmp/e" --seed 0

status=0
cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL: two replays with --seed 1 differ" >&2; diff "$tmp/a" "$tmp/b" >&2 || true; status=1; }
cmp -s "$tmp/d" "$tmp/e" || { echo "FAIL: a replay without --seed differs from --seed 0" >&2; status=1; }
"$python" - "$tmp/a" "$tmp/c" <<'PY' || status=1
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
c = [json.loads(l) for l in open(sys.argv[2])]
ok = True
def fail(msg):
    global ok
    print("FAIL:", msg, file=sys.stderr)
    ok = False
if len(a) != 20:
    fail(f"{len(a)} bans, not 20")
if [(b["address"], b["time_usec"]) for b in a] != [(b["address"], b["time_usec"]) for b in c]:
    fail("another seed banned other addresses or at other times")
for b in a + c:
    if not 600_000_000 <= b["bantime_usec"] <= 600_000_000 + 3_600_000_000:
        fail(f"bantime {b['bantime_usec']} outside 10 min .. 70 min")
if len({b["bantime_usec"] for b in a}) < 15:
    fail("rnd added (almost) the same time to every ban")
if [b["bantime_usec"] for b in a] == [b["bantime_usec"] for b in c]:
    fail("--seed 2 gave the same ban times as --seed 1")
sys.exit(0 if ok else 1)
PY
[[ $status -eq 0 ]] && echo "replay_seed: same seed same bans, other seed other times, all within bantime + rnd"
exit $status
