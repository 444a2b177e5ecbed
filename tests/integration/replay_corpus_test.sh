#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# replay_corpus_test.sh BANJOD SOURCE_ROOT
# Replays generated sshd corpora (gen-sshd-corpus, two seeds) through `banjod --replay` with one
# sshd jail (maxretry 5, findtime 10m) and checks that the banned addresses are exactly the
# generator's expected bans. The generator counts the window in whole seconds, as banjo does.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: replay_corpus_test.sh BANJOD SOURCE_ROOT" >&2
    exit 2
fi
banjod=$1 src=$2

# /usr/bin/python3 is Debian's; a python3 earlier on PATH may be a separate build. Only the
# standard library is needed, so either will do.
python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3)

gen=$src/../shared/bench/gen-sshd-corpus
[[ -f $gen ]] || gen=$src/tests/data/gen-sshd-corpus
make_journal=${MAKE_JOURNAL:-$src/tests/integration/lib/make-journal}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/etc/filter.d"
cp "$src/conf/filter.d/sshd.toml" "$tmp/etc/filter.d/"
cat >"$tmp/etc/banjo.toml" <<'TOML'
[defaults]
bantime = "10m"
findtime = "10m"
maxretry = 5

[defaults.increment]
enabled = false

[jail.sshd]
enabled = true
filter = "sshd"
mode = "normal"
TOML

status=0
for seed in 7 1234; do
    corpus=$tmp/corpus-$seed
    "$python" "$gen" "$corpus" --entries 20000 --seed "$seed" --maxretry 5 --findtime 600 2>/dev/null
    "$make_journal" "$corpus/export.txt" "$corpus/journal" corpus

    # The same events as a syslog file (auth.log, UTC times without a zone) through a file jail,
    # no journal option: banjod reads just the file (the journal form is checked the same way).
    sed 's|^\[jail.sshd\]$|[jail.sshd]\nlogpath = ["'"$corpus"'/auth.log"]|' "$tmp/etc/banjo.toml" >"$tmp/etc/file.toml"
    if ! TZ=UTC "$banjod" --replay --config "$tmp/etc/file.toml" >"$corpus/file-bans.jsonl" 2>"$corpus/file-summary.txt"; then
        echo "seed $seed: banjod --replay of the file failed:" >&2
        cat "$corpus/file-summary.txt" >&2
        status=1
    elif ! grep -q '^  20000 lines from 1 log files' "$corpus/file-summary.txt" \
            || ! grep -q '^replay: 20000 entries' "$corpus/file-summary.txt"; then
        echo "seed $seed: the file replay did not read just the file's 20000 lines:" >&2
        cat "$corpus/file-summary.txt" >&2
        status=1
    fi
    cp "$corpus/file-bans.jsonl" "$corpus/bans.jsonl"
    if ! "$python" - "$corpus/expected.json" "$corpus/bans.jsonl" "$seed (file)" <<'PY'
import ipaddress, json, sys
expected_file, bans_file, seed = sys.argv[1:]
expected = {str(ipaddress.ip_address(a)) for a in json.load(open(expected_file))["bans"]}
got = {str(ipaddress.ip_address(json.loads(l)["address"])) for l in open(bans_file) if l.strip()}
if got != expected:
    print(f"seed {seed}: {len(expected - got)} expected bans missing, {len(got - expected)} unexpected", file=sys.stderr)
    sys.exit(1)
print(f"seed {seed}: {len(got)} banned addresses, as expected", file=sys.stderr)
PY
    then
        status=1
    fi

    if ! "$banjod" --replay --journal-directory "$corpus/journal" --config "$tmp/etc/banjo.toml" \
            >"$corpus/bans.jsonl" 2>"$corpus/summary.txt"; then
        echo "seed $seed: banjod --replay failed:" >&2
        cat "$corpus/summary.txt" >&2
        status=1
        continue
    fi

    if ! grep -qi 'entries' "$corpus/summary.txt"; then
        echo "seed $seed: the summary on stderr does not mention entries:" >&2
        cat "$corpus/summary.txt" >&2
        status=1
    fi

    if ! "$python" - "$corpus/expected.json" "$corpus/bans.jsonl" "$seed" <<'PY'
import ipaddress, json, sys

expected_file, bans_file, seed = sys.argv[1:]
expected = {str(ipaddress.ip_address(a)) for a in json.load(open(expected_file))["bans"]}
got, bad = set(), []
for n, line in enumerate(open(bans_file), 1):
    try:
        ban = json.loads(line)
        if ban["jail"] != "sshd":
            bad.append(f"line {n}: jail {ban['jail']!r}")
        for key in ("time_usec", "failures", "bantime_usec"):
            if not isinstance(ban[key], int):
                bad.append(f"line {n}: {key} is not an integer")
        got.add(str(ipaddress.ip_address(ban["address"])))
    except (ValueError, KeyError, TypeError) as e:
        bad.append(f"line {n}: {e}: {line.rstrip()[:200]}")
missing, extra = sorted(expected - got), sorted(got - expected)
for b in bad[:20]:
    print(f"seed {seed}: bad output {b}", file=sys.stderr)
if missing:
    print(f"seed {seed}: {len(missing)} expected bans missing: {' '.join(missing[:50])}", file=sys.stderr)
if extra:
    print(f"seed {seed}: {len(extra)} unexpected bans: {' '.join(extra[:50])}", file=sys.stderr)
print(f"seed {seed}: {len(got)} banned addresses, {len(expected)} expected", file=sys.stderr)
sys.exit(1 if missing or extra or bad else 0)
PY
    then
        status=1
    fi
done
exit $status
