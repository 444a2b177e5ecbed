#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# import_fail2ban_test.sh BANJOCTL BANJOD SOURCE_ROOT
# banjoctl import-fail2ban on Debian's stock fail2ban configuration, fetched with
# `apt-get download fail2ban` and unpacked with dpkg-deb (never installed, never started), plus
# tests/data/fail2ban-import/jail.local enabling sshd, postfix, dovecot and nginx-http-auth.
# Checks what a user would: the four jails are converted, banjod --check-config accepts the
# output and warns of no journal-match another local user could feed (every group requires
# _UID, sshd's the same as banjo's own), the converted sshd filter judges fail2ban's sshd
# samples line by line as banjo's own conf/filter.d/sshd.toml does (but for the lines listed
# in sshd-differences), and the report names what it skipped. Exit 77 (skipped) when the package cannot be downloaded.
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: import_fail2ban_test.sh BANJOCTL BANJOD SOURCE_ROOT" >&2
    exit 2
fi
banjoctl=$1 banjod=$2 src=$3
data=$src/tests/data/fail2ban-import
samples=$src/tests/data/fail2ban-logs/sshd

python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# ---- Debian's fail2ban package, unpacked --------------------------------------------------------
download() { (cd "$tmp" && apt-get download -q fail2ban) >"$tmp/apt.log" 2>&1; }
if ! download; then
    # The package lists may be missing (install-deps updates them only when it installs).
    if [[ $(id -u) -eq 0 ]] && apt-get update -qq >>"$tmp/apt.log" 2>&1 && download; then
        :
    else
        echo "SKIP: cannot download Debian's fail2ban package:" >&2
        tail -5 "$tmp/apt.log" >&2
        exit 77
    fi
fi
deb=$(ls "$tmp"/fail2ban_*.deb)
dpkg-deb -x "$deb" "$tmp/root"
etc=$tmp/root/etc/fail2ban
[[ -f $etc/jail.conf && -f $etc/filter.d/sshd.conf ]] || fail "no etc/fail2ban in $deb"
cp "$data/jail.local" "$etc/jail.local"
echo "fail2ban package: $(basename "$deb")"

# ---- the import -----------------------------------------------------------------------------------
out=$tmp/out
status=0
"$banjoctl" import-fail2ban "$etc" --output "$out" >"$tmp/report.txt" 2>"$tmp/stderr" || status=$?
[[ $status -eq 0 ]] || { cat "$tmp/report.txt" "$tmp/stderr" >&2; fail "import-fail2ban exited $status"; }
"$banjoctl" import-fail2ban "$etc" --output "$tmp/out-json" --json >"$tmp/report.json" || fail "import-fail2ban --json failed"
cat "$tmp/report.txt"

"$python" - "$tmp/report.json" <<'PY' || fail "the JSON report does not say what the test expects"
import json, sys
r = json.load(open(sys.argv[1]))
jails = {j["name"]: j for j in r["jails"]}
ok = True
for name in ("sshd", "postfix", "dovecot", "nginx-http-auth"):
    j = jails.get(name)
    if not j or j["status"] != "converted":
        print(f"jail {name}: {j and j['status']}", file=sys.stderr); ok = False
filters = {f["name"]: f for f in r["filters"]}
for name in ("sshd", "postfix", "dovecot", "nginx-http-auth"):
    f = filters.get(name)
    if not f or f["status"] != "converted" or f["patterns_converted"] == 0:
        print(f"filter {name}: {f}", file=sys.stderr); ok = False
if jails["sshd"]["filter"] != "sshd" or jails["sshd"]["mode"] != "normal": ok = False
if jails["postfix"]["mode"] != "more": ok = False
# Everything skipped says why: "WHAT: REASON".
items = r["defaults"] + [i for j in r["jails"] for i in j["items"]] + [i for f in r["filters"] for i in f["items"]]
skipped = [i for i in items if i["kind"] == "skipped"]
if r["summary"]["skipped"] != len(skipped) or not skipped: ok = False
for i in skipped:
    if ": " not in i["text"]:
        print(f"skipped without a reason: {i}", file=sys.stderr); ok = False
if "recidive" not in r["not_enabled"] or r["summary"]["errors"] != 0: ok = False
sys.exit(0 if ok else 1)
PY

for f in banjo.toml jail.d/sshd.toml jail.d/postfix.toml jail.d/dovecot.toml jail.d/nginx-http-auth.toml \
         filter.d/sshd.toml filter.d/postfix.toml filter.d/dovecot.toml filter.d/nginx-http-auth.toml; do
    [[ -f $out/$f ]] || fail "$f was not written"
done
# The report names what it skipped, with the reason.
for text in "skipped    backend = auto: banjo always reads the journal" \
            "skipped    banaction = iptables-multiport: banjo bans through firewalld" \
            "skipped    datepattern = {^LN-BEG}: ignored; the journal gives every entry its time" \
            "changed    dropped %(__prefix_line)s" \
            "changed    fail2ban's session id <F-MLFID> was the syslog prefix" \
            "warning    usedns = warn" \
            "not converted: " \
            "banjo's config loader accepts"; do
    grep -qF -- "$text" "$tmp/report.txt" || fail "the report lacks: $text"
done

# ---- banjod accepts the output ----------------------------------------------------------------------
"$banjod" --check-config --config "$out/banjo.toml" 2>"$tmp/check.stderr" ||
    { cat "$tmp/check.stderr" >&2; fail "banjod --check-config refuses $out/banjo.toml"; }
# Only the daemon is believed (banjo-filter(5), WHO MAY WRITE): every converted group requires
# _UID as banjo's own filters do (fail2ban's journalmatch names only units and process names),
# so --check-config finds nothing another local user could feed.
if grep -E "does not require _UID|uses only fields the sending program chooses|no journal-match" "$tmp/check.stderr"; then
    fail "banjod --check-config warns that the converted jails believe more than the daemon"
fi
"$python" - "$out" "$src/conf/filter.d/sshd.toml" <<'PY' || fail "a converted journal-match group does not require _UID"
import re, sys
out, shipped = sys.argv[1:]
def groups(path):
    text = open(path, encoding="utf-8").read()
    block = re.search(r"^journal-match = \[(.*?)^\]", text, re.S | re.M).group(1)
    return [re.findall(r"['\"]([A-Z_]+=[^'\"]*)['\"]", g) for g in re.findall(r"\[([^\[\]]*)\]", block)]
ok = True
for name in ("sshd", "postfix", "dovecot", "nginx-http-auth"):
    for g in groups(f"{out}/filter.d/{name}.toml"):
        if not any(t.startswith("_UID=") for t in g):
            print(f"filter {name}: group {g} has no _UID", file=sys.stderr); ok = False
# sshd logs as root: the converted filter believes the same user as banjo's.
uids = lambda gs: {t for g in gs for t in g if t.startswith("_UID=")}
if uids(groups(f"{out}/filter.d/sshd.toml")) != uids(groups(shipped)):
    print("sshd: converted", uids(groups(f"{out}/filter.d/sshd.toml")), "shipped", uids(groups(shipped)), file=sys.stderr); ok = False
sys.exit(0 if ok else 1)
PY

# ---- the converted sshd filter against banjo's own, line by line ---------------------------------
# The modes fail2ban runs its sshd samples in ("# filterOptions" of the sample file).
for mode in normal aggressive; do
    "$banjoctl" test-filter "$src/conf/filter.d/sshd.toml" "$samples" --mode "$mode" --json >"$tmp/shipped.json"
    "$banjoctl" test-filter "$out/filter.d/sshd.toml" "$samples" --mode "$mode" --json >"$tmp/converted.json"
    "$python" - "$mode" "$samples" "$tmp/shipped.json" "$tmp/converted.json" "$data/sshd-differences" <<'PY' ||
import json, sys
mode, samples, shipped, converted, known = sys.argv[1:]
lines = open(samples, encoding="utf-8", errors="surrogateescape").read().split("\n")
def counted(path):
    return {m["line"]: m["counted"] for m in json.load(open(path))["matches"]}
a, b = counted(shipped), counted(converted)
expected = set()
for row in open(known, encoding="utf-8"):
    row = row.rstrip("\n")
    if row and not row.startswith("#"):
        m, text = row.split("\t", 1)
        if m == mode:
            expected.add(text)
differ = {lines[n - 1] for n in set(a) | set(b) if a.get(n) != b.get(n)}
for n in sorted(set(a) | set(b)):
    if a.get(n) != b.get(n):
        print(f"{mode} line {n}: banjo's sshd.toml counts {a.get(n)}, the converted one {b.get(n)}: {lines[n - 1]}")
print(f"{mode}: {len(set(a) | set(b))} lines matched, {len(differ)} differ, {len(expected)} known to differ")
sys.exit(0 if differ == expected else 1)
PY
        fail "the converted sshd filter and conf/filter.d/sshd.toml disagree in mode $mode beyond sshd-differences"
done
echo "PASS"
