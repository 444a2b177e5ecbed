#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# webhook and abuseipdb actions against an HTTP server listening inside the test's network
# namespace (banjod runs there too, nftables backend): the documented JSON document with the
# secret as a bearer token, a JSON template with its values escaped, a failing server retried
# until it answers (the event is not lost), a slow server that neither delays this ban nor the
# next, and an AbuseIPDB report (form, key header, comment without user names).
# Usage: actions_webhook_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/actions.sh"
BANJO_TEST_BACKEND=nftables
sandbox_with_backend

HOOKS=$BANJO_SANDBOX_DIR/hooks
mkdir -p "$HOOKS"
PORT=$((20000 + RANDOM % 20000))
ip netns exec "$BANJO_NETNS" /usr/bin/python3 "$BANJO_SOURCE_ROOT/tests/integration/lib/webhook_server.py" "$PORT" "$HOOKS" \
    </dev/null >"$HOOKS/server.log" 2>&1 &
sandbox_remember $! webhook-server
wait_until 10 bash -c "ip netns exec $BANJO_NETNS ss -ltnH 'sport = :$PORT' | grep -q ." || fail "the HTTP server did not start"
echo "s3cret-token" >"$BANJO_SANDBOX_DIR/hook.secret"
echo "abuse-key" >"$BANJO_SANDBOX_DIR/abuse.key"
URL=http://127.0.0.1:$PORT

banjod_prepare <<TOML
[defaults]
bantime = "1h"
maxretry = 3
ignore-self = false

[action.hook]
type = "webhook"
url = "$URL/ok"
secret-file = "$BANJO_SANDBOX_DIR/hook.secret"

[action.custom]
type = "webhook"
url = "$URL/ok-custom"
body = '{"text": "{address} banned in {jail}", "log": "{lines}", "literal": "{{address}}"}'

[action.flaky]
type = "webhook"
url = "$URL/flaky"
retries = 3

[action.slow]
type = "webhook"
url = "$URL/slow"
timeout = "2min"

[action.report]
type = "abuseipdb"
url = "$URL/ok-abuse"
key-file = "$BANJO_SANDBOX_DIR/abuse.key"
categories = [18, 22]

[jail.sshd]
filter = "sshd"
actions = ["hook", "custom", "flaky", "report"]

[jail.slowjail]
filter = "hostile"
actions = ["slow"]
TOML
actions_filter
banjod_start
request() {   # FILE PATH ADDRESS: the first request to PATH whose body names ADDRESS
    /usr/bin/python3 - "$HOOKS/$1" "$2" "$3" <<'PY'
import json, sys
try:
    lines = open(sys.argv[1]).read().splitlines()
except FileNotFoundError:
    sys.exit(1)
for l in lines:
    d = json.loads(l)
    if d["path"] == sys.argv[2] and sys.argv[3] in d["body"]:
        print(l)
        sys.exit(0)
sys.exit(1)
PY
}
count() { grep -c "\"path\": \"$1\"" "$HOOKS/$2" 2>/dev/null; }
json() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }

echo "1. the documented JSON document, with the secret as a bearer token"
journal_sshd 3 "Failed password for invalid user mallory from 203.0.113.40 port 4242 ssh2"
wait_until 20 sandbox_banned 203.0.113.40 || fail "203.0.113.40 not banned"
wait_until 20 request requests.jsonl /ok 203.0.113.40 >/dev/null || fail "no webhook request"
r=$(request requests.jsonl /ok 203.0.113.40)
echo "$r" | json 'd["headers"]["authorization"] == "Bearer s3cret-token" and d["headers"]["content-type"] == "application/json"' \
    || fail "headers: $r"
echo "$r" | /usr/bin/python3 -c '
import json, sys
d = json.loads(json.load(sys.stdin)["body"])
keys = ["event", "jail", "address", "failures", "bantime", "expires", "time", "origin", "reason", "lines"]
assert list(d) == keys, d
assert (d["event"], d["jail"], d["address"], d["failures"], d["bantime"], d["origin"]) == ("ban", "sshd", "203.0.113.40", 3, 3600, "filter"), d
assert d["expires"] - d["time"] == 3600, d
assert len(d["lines"]) == 3 and all("mallory from 203.0.113.40" in l for l in d["lines"]), d
' || fail "JSON document: $r"

echo "2. a JSON template: values escaped, doubled braces literal"
wait_until 20 request requests.jsonl /ok-custom 203.0.113.40 >/dev/null || fail "no templated request"
r=$(request requests.jsonl /ok-custom 203.0.113.40)
echo "$r" | /usr/bin/python3 -c '
import json, sys
d = json.loads(json.load(sys.stdin)["body"])
assert d["text"] == "203.0.113.40 banned in sshd", d
assert d["log"].count("\n") == 2 and "mallory" in d["log"], d
assert d["literal"] == "{address}", d
' || fail "template: $r"

echo "3. AbuseIPDB: a form with the key header, the comment without the user name"
wait_until 20 request requests.jsonl /ok-abuse 203.0.113.40 >/dev/null || fail "no report"
r=$(request requests.jsonl /ok-abuse 203.0.113.40)
echo "$r" | /usr/bin/python3 -c '
import json, sys, urllib.parse
d = json.load(sys.stdin)
assert d["headers"]["key"] == "abuse-key", d
form = urllib.parse.parse_qs(d["body"])
assert form["ip"] == ["203.0.113.40"] and form["categories"] == ["18,22"], form
assert "mallory" not in form["comment"][0] and "[user]" in form["comment"][0], form
' || fail "report: $r"

echo "4. a failing server is retried until it answers: the event is not lost"
# Every attempt is recorded with its status: delivered is the one answered 200.
flaky_delivered() { grep '"path": "/flaky"' "$HOOKS/requests.jsonl" 2>/dev/null | grep -q '"status": 200'; }
wait_until 30 flaky_delivered || fail "flaky: never delivered"
[[ $(count /flaky requests.jsonl) == 3 ]] || fail "flaky: $(count /flaky requests.jsonl) attempts, not 2 failures and a success"
grep "/flaky" "$HOOKS/requests.jsonl" | /usr/bin/python3 -c '
import json, sys
assert [json.loads(l)["status"] for l in sys.stdin] == [500, 500, 200]' || fail "flaky: statuses"
grep -q "Action flaky .* failed" "$BANJOD_DIR/banjod.log" && fail "a retried success was logged as a failure"

echo "5. a slow server delays neither its ban nor the next"
journal_hostile 203.0.113.50 a b c
wait_until 20 sandbox_banned 203.0.113.50 || fail "203.0.113.50 not banned"
wait_until 20 request received.jsonl /slow 203.0.113.50 >/dev/null || fail "the slow server got no request"
journal_hostile 203.0.113.51 a b c
wait_until 20 sandbox_banned 203.0.113.51 || fail "the ban after a slow webhook did not come"
request requests.jsonl /slow 203.0.113.50 >/dev/null && fail "the slow request was answered before its release"
touch "$HOOKS/release"
wait_until 30 request requests.jsonl /slow 203.0.113.51 >/dev/null || fail "the second slow request was lost"
request requests.jsonl /slow 203.0.113.50 >/dev/null || fail "the first slow request was lost"

banjod_stop TERM
echo "PASS"
