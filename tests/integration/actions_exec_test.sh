#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# exec actions against banjod (nftables backend in the sandbox's namespace): a program gets the
# ban's address, jail and counts as argv elements of its own, the lines on stdin and the BANJO_*
# environment, as the configured user; hostile log text ($(id), backticks, ';', newlines, a
# 5000-character user name) arrives as inert data and runs nothing; a failing and a hanging
# action (killed at its timeout) neither hold up nor undo a ban; on = ["unban"] runs at unbans.
# Usage: actions_exec_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/actions.sh"
BANJO_TEST_BACKEND=nftables
sandbox_with_backend
chmod o+x "$BANJO_SANDBOX_DIR"
json() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }

RUNS=$BANJO_SANDBOX_DIR/runs
CANARY=$BANJO_SANDBOX_DIR/canary
mkdir -p "$RUNS" "$BANJO_SANDBOX_DIR/bin"
chmod 1777 "$RUNS"
cat >"$BANJO_SANDBOX_DIR/bin/record" <<'PY'
#!/usr/bin/python3
# Writes what it was given (argv, stdin, environment, user) as RUNS/run-PID.json.
import json, os, sys
runs = sys.argv[1]
data = {"argv": sys.argv[2:], "stdin": sys.stdin.read(), "env": dict(os.environ), "uid": os.getuid(),
        "cwd": os.getcwd()}
path = os.path.join(runs, f"run-{os.getpid()}")
with open(path + ".tmp", "w") as f:
    json.dump(data, f)
os.rename(path + ".tmp", path + ".json")
PY
chmod 755 "$BANJO_SANDBOX_DIR/bin" "$BANJO_SANDBOX_DIR/bin/record"

banjod_prepare <<TOML
[defaults]
bantime = "1h"
maxretry = 3
max-lines = 3
ignore-self = false
actions = ["record"]

[action.record]
type = "exec"
argv = ["$BANJO_SANDBOX_DIR/bin/record", "$RUNS", "{address}", "{jail}", "{failures}", "{bantime}", "{expires}", "{lines}"]
user = "nobody"
timeout = "10s"
on = ["ban", "unban"]

[action.fails]
type = "exec"
argv = ["/bin/sh", "-c", "exit 3"]

[action.hangs]
type = "exec"
argv = ["/bin/sleep", "613"]   # a length no other test uses: its process is looked for below
timeout = "1s"

[jail.hostile]
filter = "hostile"
maxretry = 4

[jail.sshd]
filter = "sshd"
actions = ["fails", "hangs", "record"]

[jail.quiet]
filter = "sshd"
maxretry = 4
actions = []
TOML
actions_filter
banjod_start
runs() { ls "$RUNS"/*.json 2>/dev/null | wc -l; }
run_for() {   # ADDRESS EVENT: the recorded run of that ban or unban
    /usr/bin/python3 - "$RUNS" "$1" "$2" <<'PY'
import glob, json, sys
for p in sorted(glob.glob(sys.argv[1] + "/*.json")):
    d = json.load(open(p))
    if d["argv"][0] == sys.argv[2] and d["env"].get("BANJO_EVENT") == sys.argv[3]:
        print(json.dumps(d))
        sys.exit(0)
sys.exit(1)
PY
}

echo "1. hostile log text reaches the program as data, one argv element each, and runs nothing"
long_user=$(printf 'x%.0s' $(seq 5000))
journal_hostile 203.0.113.10 "\$(touch $CANARY-1)" "\`touch $CANARY-2\`; \$(touch $CANARY-3)" \
    "a
b;touch $CANARY-4" "$long_user"
wait_until 20 sandbox_banned 203.0.113.10 || fail "203.0.113.10 not banned"
wait_until 20 run_for 203.0.113.10 ban >/dev/null || fail "the exec action did not run for 203.0.113.10"
run=$(run_for 203.0.113.10 ban)
echo "$run" | json 'len(d["argv"]) == 6 and d["argv"][1:4] == ["hostile", "4", "3600"]' || fail "argv: $run"
echo "$run" | json "d['uid'] == $(id -u nobody) and d['cwd'] == '/'" || fail "not run as nobody in /: $run"
# max-lines = 3: the last three of the four lines, the newline inside one made printable.
echo "$run" | json 'd["stdin"].count("\n") == 3 and "a\\x0ab;touch" in d["stdin"] and "`touch" in d["stdin"]' \
    || fail "stdin: $run"
echo "$run" | json 'd["argv"][5] == d["stdin"].rstrip("\n") and "$(touch" in d["argv"][5]' || fail "{lines}: $run"
echo "$run" | json 'any(len(l) > 2000 and set(l[-100:]) == {"x"} for l in d["stdin"].split("\n"))' \
    || fail "the long user name did not arrive: $run"
echo "$run" | json 'd["env"]["BANJO_ADDRESS"] == "203.0.113.10" and d["env"]["BANJO_JAIL"] == "hostile" and d["env"]["BANJO_FAILURES"] == "4" and d["env"]["BANJO_BANTIME"] == "3600" and int(d["env"]["BANJO_EXPIRES"]) > 0' \
    || fail "environment: $run"
echo "$run" | json '"DBUS_SYSTEM_BUS_ADDRESS" not in d["env"] and "HOME" not in d["env"]' || fail "banjod's environment leaked: $run"
for i in 1 2 3 4; do [[ ! -e $CANARY-$i ]] || fail "hostile text ran a command (canary $i)"; done

echo "2. a failing and a hanging action neither hold up nor undo the next ban"
start=$(date +%s%N)
journal_failures 3 203.0.113.20
wait_until 20 sandbox_banned 203.0.113.20 || fail "203.0.113.20 not banned"
wait_until 20 run_for 203.0.113.20 ban >/dev/null || fail "record did not run after fails and hangs"
wait_until 20 grep -q "Action fails for 203.0.113.20 in jail sshd failed: exited with status 3" "$BANJOD_DIR/banjod.log" \
    || fail "the failing action is not in the journal"
wait_until 20 grep -q "Action hangs for 203.0.113.20 in jail sshd failed: timed out after 1s" "$BANJOD_DIR/banjod.log" \
    || fail "the hanging action was not killed at its timeout"
sandbox_banned 203.0.113.20 || fail "a failing action undid the ban"
journal_failures 3 203.0.113.21
wait_until 20 sandbox_banned 203.0.113.21 || fail "the ban after a hanging action did not come"
# 203.0.113.21's ban starts the hanging action again: once that one is killed too, none is left.
wait_until 20 grep -q "Action hangs for 203.0.113.21 in jail sshd failed: timed out after 1s" "$BANJOD_DIR/banjod.log" \
    || fail "the second hanging action was not killed at its timeout"
pgrep -x sleep -u 0 -a | grep -q "sleep 613" && fail "the hanging action's process is still there"

echo "3. actions = [] runs nothing, and on = [\"unban\"] runs at the unban"
journal_failures 4 203.0.113.30   # quiet bans at 4 (sshd at 3: its run is the later event)
wait_until 20 bash -c "[[ \$(busctl --system call org.banjo1 /org/banjo1 org.banjo1.Manager ListBans s quiet) == *203.0.113.30* ]]" \
    || fail "quiet did not ban"
wait_until 20 run_for 203.0.113.30 ban >/dev/null || fail "sshd's record run for 203.0.113.30 missing"
[[ $(/usr/bin/python3 -c "
import glob, json
print(sum(1 for p in glob.glob('$RUNS/*.json') if json.load(open(p))['argv'][0:2] == ['203.0.113.30', 'quiet']))") == 0 ]] \
    || fail "jail quiet (actions = []) ran an action"
manager Unban ss hostile 203.0.113.10 >/dev/null || fail "Unban"
wait_until 20 run_for 203.0.113.10 unban >/dev/null || fail "no unban run"
run_for 203.0.113.10 unban | json 'd["env"]["BANJO_REASON"] == "manual"' || fail "unban run: $(run_for 203.0.113.10 unban)"

banjod_stop TERM
echo "PASS"
