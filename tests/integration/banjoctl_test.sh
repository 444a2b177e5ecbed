#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# banjoctl_test.sh BANJOCTL BANJOD SOURCE_ROOT
# banjoctl against a real banjod (--backend dry-run) on a private system bus (lib/sandbox.sh),
# reading a journal made by lib/make-journal: every command, in text and --json, checked
# against what busctl reads from the daemon itself; exit codes on errors; monitor; test-filter
# on fail2ban's sshd samples and on the journal. Every check runs and reports; the test fails
# at the end if any did. Skips (77) without root, dbus-daemon, busctl or systemd-journal-remote.
set -uo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: banjoctl_test.sh BANJOCTL BANJOD SOURCE_ROOT" >&2
    exit 2
fi
banjoctl=$(readlink -f "$1") banjod=$(readlink -f "$2") src=$(readlink -f "$3")
here=$(dirname "$(readlink -f "$0")")
source "$here/lib/sandbox.sh"

python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3)
make_journal=${MAKE_JOURNAL:-$here/lib/make-journal}

if [[ $(id -u) -ne 0 ]]; then
    echo "banjoctl_test: needs root (the sandbox's network namespace, setpriv)" >&2
    exit 77
fi
for tool in dbus-daemon busctl ip setpriv "$python"; do
    command -v "$tool" >/dev/null || { echo "banjoctl_test: $tool not found" >&2; exit 77; }
done

failures=0
passes=0
pass() { passes=$((passes + 1)); }
fail() {
    failures=$((failures + 1))
    echo "FAIL: $*" >&2
}
# check DESCRIPTION COMMAND...: the command must succeed.
check() {
    local what=$1
    shift
    if "$@"; then pass; else fail "$what"; fi
}

sandbox_start || exit 1
# Other users reach the bus socket inside (the "not root" checks).
chmod o+x "$BANJO_SANDBOX_DIR"
dir=$BANJO_SANDBOX_DIR/banjoctl
mkdir -p "$dir/etc/filter.d" "$dir/journal" "$dir/state"
cp "$src/conf/filter.d/sshd.toml" "$dir/etc/filter.d/"

write_config() {
    cat >"$dir/etc/banjo.toml" <<'TOML'
[defaults]
bantime = "1h"
findtime = "1h"
maxretry = 3
ignore = ["127.0.0.0/8", "::1"]
ignore-self = false
backend = "dry-run"

[defaults.increment]
enabled = false

[jail.sshd]
enabled = true
filter = "sshd"
mode = "normal"

[jail.web-1]
enabled = false
filter = "sshd"
TOML
}
write_config

# Three failures of 203.0.113.7 (a ban at maxretry 3) and one of 203.0.113.8 (tracked),
# stamped a minute ago, each from its own sshd process.
now_usec=$(date +%s%6N)
{
    i=0
    for address in 203.0.113.7 203.0.113.8 203.0.113.7 203.0.113.7; do
        i=$((i + 1))
        printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\n' \
            $((now_usec - 60000000 + i * 1000000)) "$i"
        printf '_SYSTEMD_UNIT=ssh.service\n_UID=0\n_PID=%s\nSYSLOG_IDENTIFIER=sshd\n' $((4000 + i))
        printf 'MESSAGE=Failed password for root from %s port 22 ssh2\n\n' "$address"
    done
} >"$dir/export.txt"
"$make_journal" "$dir/export.txt" "$dir/journal" test || exit 77

"$banjod" --backend dry-run --journal-directory "$dir/journal" --state-dir "$dir/state" \
    --config "$dir/etc/banjo.toml" >"$dir/banjod.log" 2>&1 &
sandbox_remember $! banjod
disown $!
for ((i = 0; i < 200; i++)); do
    busctl --system status org.banjo1 >/dev/null 2>&1 && break
    sleep 0.05
done
if ! busctl --system status org.banjo1 >/dev/null 2>&1; then
    echo "banjod did not come up on the bus:" >&2
    cat "$dir/banjod.log" >&2
    exit 1
fi
manager() { busctl --system --json=short call org.banjo1 /org/banjo1 org.banjo1.Manager "$@"; }
for ((i = 0; i < 200; i++)); do
    manager ListBans s "" 2>/dev/null | grep -q 203.0.113.7 && break
    sleep 0.05
done

# ---- helpers ---------------------------------------------------------------------------------
out=$dir/out err=$dir/err
# run EXPECTED_STATUS ARGS...: runs banjoctl with stdout in $out, stderr in $err.
run() {
    local want=$1
    shift
    "$banjoctl" "$@" >"$out" 2>"$err"
    local got=$?
    if [[ $got -ne $want ]]; then
        fail "banjoctl $* exited $got, expected $want; stderr: $(head -c 400 "$err")"
        return 1
    fi
    pass
}
# py EXPRESSION-PROGRAM: runs python with the JSON of $out as `d`; fails the check on exception
# or a false assert. Extra arguments are available as sys.argv[1:].
py() {
    local what=$1 prog=$2
    shift 2
    if "$python" - "$out" "$@" >"$dir/py.err" 2>&1 <<PY; then pass; else fail "$what: $(tail -3 "$dir/py.err")"; fi
import json, subprocess, sys, ipaddress, time
d = json.load(open(sys.argv[1]))
args = sys.argv[2:]
def bus(*a):
    r = subprocess.run(["busctl", "--system", "--json=short"] + list(a), capture_output=True, text=True, check=True)
    return json.loads(r.stdout)["data"]
def manager(method, *a):
    return bus("call", "org.banjo1", "/org/banjo1", "org.banjo1.Manager", method, *a)
def prop(path, iface, name):
    return bus("get-property", "org.banjo1", path, iface, name)
UINT64_MAX = 18446744073709551615
$prog
PY
}
grep_out() { grep -q -- "$1" "$out" || { fail "${2:-output} lacks '$1': $(head -c 400 "$out")"; return 1; }; pass; }
grep_err() { grep -q -- "$1" "$err" || { fail "${2:-stderr} lacks '$1': $(head -c 400 "$err")"; return 1; }; pass; }

# ---- version and help ------------------------------------------------------------------------
run 0 --version && grep_out "banjoctl "
run 0 --help && grep_out "test-filter"
for c in status bans ban unban reload enable disable ignore monitor test-filter; do
    run 0 "$c" --help && grep_out "Usage: banjoctl $c"
done
run 2 no-such-command
run 2 status --no-such-option
run 2 ban sshd
run 2 ban sshd 198.51.100.1 "5 parsecs"
run 2 ban sshd 198.51.100.1 0

# ---- status ----------------------------------------------------------------------------------
if run 0 status; then
    grep_out "sshd" && grep_out "enabled" && grep_out "web-1" && grep_out "disabled"
    if grep -q $'\x1b' "$out"; then fail "status printed colour to a pipe"; else pass; fi
fi
run 0 status --no-legend && { grep -q "JAIL" "$out" && fail "--no-legend printed a header" || pass; }
SYSTEMD_COLORS=1 run 0 status && { grep -q $'\x1b\[' "$out" && pass || fail "SYSTEMD_COLORS=1 gave no colour"; }
SYSTEMD_COLORS=1 NO_COLOR=1 run 0 status && { grep -q $'\x1b' "$out" && fail "NO_COLOR was ignored" || pass; }
run 0 --json status && py "status --json matches ListJails and the Manager's properties" '
jails = manager("ListJails")[0]
assert [[j["name"], j["object_path"], j["enabled"], j["tracked"], j["active_bans"], j["total_bans"]] for j in d["jails"]] == jails, (d["jails"], jails)
for key, name in [("version", "Version"), ("backend", "Backend"), ("backend_state", "BackendState"),
                  ("active_bans", "ActiveBans"), ("total_bans", "TotalBans")]:
    assert d[key] == prop("/org/banjo1", "org.banjo1.Manager", name), key
assert d["backend"] == "dry-run"
sshd = [j for j in d["jails"] if j["name"] == "sshd"][0]
assert sshd["enabled"] and sshd["active_bans"] == 1 and sshd["tracked"] >= 1, sshd
web = [j for j in d["jails"] if j["name"] == "web-1"][0]
assert not web["enabled"] and web["object_path"] == "/org/banjo1/jail/web_2d1", web
'

# ---- bans ------------------------------------------------------------------------------------
run 0 bans && grep_out "203.0.113.7" && grep_out "filter"
run 0 bans sshd --json && py "bans --json matches ListBans" '
bans = manager("ListBans", "s", "sshd")[0]
assert d["jail"] == "sshd"
assert [[b["jail"], b["address"], b["banned_usec"], UINT64_MAX if b["expires_usec"] is None else b["expires_usec"],
         b["failures"], b["origin"]] for b in d["bans"]] == sorted(bans, key=lambda b: (b[0], b[3], b[1])), (d, bans)
b = d["bans"][0]
assert b["address"] == "203.0.113.7" and b["failures"] == 3 and b["origin"] == "filter" and not b["permanent"], b
assert 3500e6 < b["remaining_usec"] <= 3600e6, b
'
run 1 bans no-such-jail

# ---- ban -------------------------------------------------------------------------------------
run 0 ban sshd 198.51.100.20 1h --json && py "ban with a duration" '
assert d["jail"] == "sshd" and d["address"] == "198.51.100.20" and d["duration_usec"] == 3600000000, d
assert not d["permanent"] and abs(d["expires_usec"] - time.time() * 1e6 - 3600e6) < 60e6, d
bans = {b[1]: b for b in manager("ListBans", "s", "sshd")[0]}
assert bans["198.51.100.20"][3] == d["expires_usec"] and bans["198.51.100.20"][5] == "manual", bans
'
run 0 ban sshd 198.51.100.21 infinity --json && py "ban infinity is permanent" '
assert d["permanent"] and d["expires_usec"] is None and d["duration_usec"] is None, d
bans = {b[1]: b for b in manager("ListBans", "s", "sshd")[0]}
assert bans["198.51.100.21"][3] == UINT64_MAX, bans
'
run 0 ban sshd 198.51.100.22 && grep_out "Banned 198.51.100.22 in jail sshd until"
run 0 bans --json && py "the jail policy ban lasts the bantime" '
b = [b for b in d["bans"] if b["address"] == "198.51.100.22"][0]
assert abs(b["expires_usec"] - b["banned_usec"] - 3600e6) < 1e6, b
'
run 0 bans && grep_out "never"
run 1 ban no-such-jail 198.51.100.30 && grep_err "no-such-jail"
run 1 ban --json sshd not-an-address && py "InvalidAddress is named in the JSON error" '
assert d["error"] == "org.banjo1.Error.InvalidAddress" and d["exit_status"] == 1 and "not-an-address" in d["message"], d
'
run 1 ban sshd 127.0.0.1 && grep_err "ignore"

# ---- unban -----------------------------------------------------------------------------------
run 0 unban sshd 198.51.100.20 && grep_out "Unbanned 198.51.100.20"
run 0 --json bans && py "an unbanned address is gone" '
assert "198.51.100.20" not in [b["address"] for b in d["bans"]]
assert "198.51.100.20" not in [b[1] for b in manager("ListBans", "s", "")[0]]
'
run 0 unban 198.51.100.21 --json && py "unban in every jail" '
assert d["jail"] is None and d["address"] == "198.51.100.21" and d["removed"] == 1, d
'
run 1 unban sshd 198.51.100.99 && grep_err "^banjoctl: .*198.51.100.99.*not banned"
run 1 unban 198.51.100.99 --json && py "NotBanned in the JSON error" '
assert d["error"] == "org.banjo1.Error.NotBanned" and "198.51.100.99" in d["message"], d
'
run 2 unban

# ---- status JAIL (org.banjo1.Jail) -----------------------------------------------------------
if run 0 status sshd --json; then
    py "status JAIL --json matches the Jail object's properties" '
path = "/org/banjo1/jail/sshd"
P = lambda n: prop(path, "org.banjo1.Jail", n)
assert d["name"] == "sshd" == P("Name") and d["object_path"] == path
assert d["enabled"] == P("Enabled") and d["filter"] == P("Filter") == "sshd" and d["mode"] == P("Mode") == "normal"
assert d["journal_match"] == P("JournalMatch") and d["maxretry"] == P("MaxRetry") == 3
assert d["findtime_usec"] == P("FindTimeUSec") == 3600000000 and d["findtime"] == "1h"
assert d["bantime_usec"] == P("BanTimeUSec") and d["bantime"] == "1h"
assert d["ignore"] == P("IgnoreList") and d["active_bans"] == P("ActiveBans")
assert d["total_bans"] == P("TotalBans") and d["total_failures"] == P("TotalFailures")
listed = bus("call", "org.banjo1", path, "org.banjo1.Jail", "ListBans")[0]
assert sorted(b["address"] for b in d["bans"]) == sorted(b[0] for b in listed), (d["bans"], listed)
assert "203.0.113.7" in [b["address"] for b in d["bans"]]
'
fi
run 0 status sshd && grep_out "Filter: sshd (mode normal)" && grep_out "Ban time: 1h" && grep_out "203.0.113.7"
run 1 status no-such-jail && grep_err "no-such-jail"

# ---- enable, disable -------------------------------------------------------------------------
jail_enabled() { busctl --system get-property org.banjo1 "/org/banjo1/jail/$1" org.banjo1.Jail Enabled; }
run 0 enable web-1 --json && py "enable" 'assert d == {"jail": "web-1", "enabled": True}, d' &&
    check "web-1 is enabled on the bus" test "$(jail_enabled web_2d1)" = "b true"
run 0 disable web-1 && check "web-1 is disabled on the bus" test "$(jail_enabled web_2d1)" = "b false"
run 1 enable no-such-jail

# ---- ignore ----------------------------------------------------------------------------------
run 0 ignore sshd add 198.51.100.0/24 --json && py "ignore add" '
assert d["action"] == "add" and d["cidr"] == "198.51.100.0/24" and "198.51.100.0/24" in d["ignore"], d
assert "198.51.100.0/24" in prop("/org/banjo1/jail/sshd", "org.banjo1.Jail", "IgnoreList")
'
run 0 ignore sshd && grep_out "198.51.100.0/24"
run 0 ignore sshd remove 198.51.100.0/24 && grep_out "Removed"
run 1 ignore sshd remove 198.51.100.0/24 --json && py "NotIgnored" 'assert d["error"] == "org.banjo1.Error.NotIgnored", d'
run 2 ignore sshd frobnicate 198.51.100.0/24

# ---- monitor ---------------------------------------------------------------------------------
start_monitor() {   # NAME ARGS...: a monitor in the background, ready when its stderr says so
    local name=$1
    shift
    "$banjoctl" monitor "$@" >"$dir/$name.out" 2>"$dir/$name.err" &
    eval "${name}_pid=$!"
    sandbox_remember $! "$name"
    for ((i = 0; i < 100; i++)); do
        grep -q "Monitoring" "$dir/$name.err" && return 0
        sleep 0.05
    done
    fail "monitor $* did not start: $(cat "$dir/$name.err")"
}
start_monitor monitor_json --json
start_monitor monitor_text
run 0 ban sshd 198.51.100.40 10min
run 0 unban sshd 198.51.100.40
run 0 reload --json && py "reload --json" 'assert d["reloaded"] is True and d["jails"] == 2 and d["enabled"] == 1, d'
# JailsChanged is the last of the three signals: once both monitors printed it, they saw the rest.
saw() {   # FILE TEXT: waits up to 10 s for TEXT in FILE
    for ((i = 0; i < 200; i++)); do
        grep -q -- "$2" "$1" && return 0
        sleep 0.05
    done
    return 1
}
check "monitor --json printed jails_changed" saw "$dir/monitor_json.out" '"jails_changed"'
check "the text monitor printed jails changed" saw "$dir/monitor_text.out" "jails changed"
kill -INT "$monitor_json_pid"
wait "$monitor_json_pid"
check "monitor exits 0 on SIGINT" test $? -eq 0
out=$dir/monitor_json.out
py_lines() { "$python" - "$dir/monitor_json.out" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["event"] for e in events]
assert kinds == ["banned", "unbanned", "jails_changed"], kinds
b, u = events[0], events[1]
assert b["jail"] == "sshd" and b["address"] == "198.51.100.40" and b["failures"] == 0 and not b["permanent"], b
assert 590e6 < b["expires_usec"] - b["time_usec"] <= 600e6, b
assert u["reason"] == "manual" and u["address"] == "198.51.100.40", u
assert all(e["time_usec"] > 1.6e15 for e in events)
PY
}
check "monitor --json lines: banned, unbanned, jails_changed" py_lines
out=$dir/out

# ---- reload with a broken configuration -------------------------------------------------------
printf '[jail.sshd]\nmaxretry = "many"\n' >>"$dir/etc/banjo.toml"
run 1 reload && grep_err "banjo.toml:[0-9]*:"
write_config
run 0 reload

# ---- not root: reading works, changing is refused ---------------------------------------------
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$banjoctl" "$@" >"$out" 2>"$err"; }
as_nobody status && pass || fail "status as nobody: $(cat "$err")"
as_nobody ban sshd 198.51.100.50
check "ban as nobody exits 1" test $? -eq 1
grep_err "org.banjo1.manage"

# ---- test-filter -----------------------------------------------------------------------------
samples=$src/tests/data/fail2ban-logs/sshd
run 0 test-filter "$src/conf/filter.d/sshd.toml" "$samples" && grep_out "Matched lines" && grep_out "Lines: "
run 0 test-filter sshd --config "$dir/etc/banjo.toml" "$samples" --json && py "test-filter finds the annotated failures of fail2ban's sshd samples" '
lines = open(args[0], encoding="utf-8", errors="replace").read().split("\n")
assert d["filter"] == "sshd" and d["mode"] == "normal" and d["input"] == args[0]
assert d["lines"] > 100 and d["matched"] + d["ignored"] + d["missed"] == d["lines"], d
assert sum(p["hits"] for p in d["patterns"]) == d["matched"] == len(d["matches"])
assert d["missed_lines"] == [] and d["missed"] > 0
by_line = {m["line"]: m for m in d["matches"]}
def canon(h):
    try: return str(ipaddress.ip_address(h.strip("[]")))
    except ValueError: return None
modes, expected, checked = ["normal"], None, 0
for n, text in enumerate(lines, 1):
    if text.startswith("# filterOptions:"):
        opts = json.loads(text.split(":", 1)[1])
        modes = [o.get("mode", "normal") for o in (opts if isinstance(opts, list) else [opts])]
    elif text.startswith("# failJSON:"):
        expected = json.loads(text.split(":", 1)[1])
    elif text and not text.startswith("#"):
        e, expected = expected, None
        if not e or "normal" not in modes or "constraint" in e or not e.get("match"): continue
        want = canon(e.get("host", ""))
        if not want or want.startswith("::ffff:"): continue
        m = by_line.get(n)
        assert m, "line %d not matched: %s" % (n, text)
        assert m["counted"] == want or canon(m["host"] or "") == want, (n, m, want)
        checked += 1
assert checked > 40, checked
' "$samples"
run 0 test-filter sshd --config "$dir/etc/banjo.toml" "$samples" --show-missed --json &&
    py "--show-missed lists every missed line" 'assert len(d["missed_lines"]) == d["missed"] > 0, d["missed"]'
run 0 test-filter sshd --config "$dir/etc/banjo.toml" --mode aggressive "$samples" --json &&
    py "--mode" 'assert d["mode"] == "aggressive", d["mode"]'
run 1 test-filter sshd --config "$dir/etc/banjo.toml" --mode nonsense "$samples"
run 1 test-filter no-such-filter "$samples" --config "$dir/etc/banjo.toml" && grep_err "no-such-filter"
run 2 test-filter
run 0 test-filter sshd --config "$dir/etc/banjo.toml" --journal-directory "$dir/journal" --json &&
    py "test-filter --journal counts the journal's failures" '
assert d["lines"] == 4 and d["failures"] == 4, d
assert sorted(m["counted"] for m in d["matches"]) == ["203.0.113.7"] * 3 + ["203.0.113.8"], d["matches"]
assert all(m["time_usec"] and m["id"] for m in d["matches"])
'
run 0 test-filter sshd --config "$dir/etc/banjo.toml" --journal-directory "$dir/journal" --json \
    _SYSTEMD_UNIT=other.service && py "test-filter --journal with a MATCH" 'assert d["lines"] == 0, d'
run 2 test-filter sshd --journal-directory "$dir/journal" not-a-match
# Attacker bytes: an escape sequence, a C1 CSI and invalid UTF-8 in a user name.
printf 'Failed password for invalid user a\x1b[2Jb\xc2\x9bc\xff from 198.51.100.60 port 22 ssh2\n' >"$dir/evil.log"
run 0 test-filter sshd --config "$dir/etc/banjo.toml" "$dir/evil.log" &&
    { LC_ALL=C grep -q $'\x1b' "$out" || LC_ALL=C grep -q $'\xc2\x9b' "$out"; } &&
    fail "test-filter printed raw control bytes" || grep_out '\\x1b'
run 0 test-filter sshd --config "$dir/etc/banjo.toml" "$dir/evil.log" --json && py "JSON escapes control bytes and replaces invalid UTF-8" '
raw = open(sys.argv[1], "rb").read()
assert b"\x1b" not in raw and b"\xff" not in raw
m = d["matches"][0]
assert m["user"] == "a\x1b[2Jb\u009bc\ufffd" and m["counted"] == "198.51.100.60", m
'
run 0 test-filter sshd --config "$dir/etc/banjo.toml" - <"$dir/evil.log" --json && py "stdin" 'assert d["input"] == "-" and d["failures"] == 1, d'

# ---- unreachable -----------------------------------------------------------------------------
read -r banjod_pid banjod_start < <(awk '$3 == "banjod" {print $1, $2}' "$BANJO_SANDBOX_DIR/pids")
sandbox_stop_pid "$banjod_pid" "$banjod_start" TERM
check "text monitor saw banjod leave" saw "$dir/monitor_text.out" "banjod left the bus"
kill -INT "$monitor_text_pid"
wait "$monitor_text_pid"
check "text monitor saw the ban" grep -q "banned sshd 198.51.100.40 until" "$dir/monitor_text.out"
check "text monitor saw the unban" grep -q "unbanned sshd 198.51.100.40 (manual)" "$dir/monitor_text.out"
run 3 status && grep_err "cannot reach banjod"
run 3 bans --json && py "unreachable in JSON" 'assert d["exit_status"] == 3 and d["error"], d'
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/no-such-bus run 3 status

echo "banjoctl_test: $passes checks passed, $failures failed" >&2
[[ $failures -eq 0 ]]
