#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A blocklist downloaded from a URL ([blocklist.NAME] url), against an HTTP server inside the
# test's network namespace (banjod runs there too, nftables backend): the list is applied; a
# changed list applies only its difference; an unchanged one is asked for with If-None-Match
# and If-Modified-Since and answered 304, which changes nothing; a server that fails (500), a
# body cut short and a body past max-size leave the entries in force, and the failure is
# retried with a growing backoff; a restart while the server is gone starts from the copy kept
# in the state directory; entries of every ignore source of [defaults] (an address, a host
# name answered by an /etc/hosts of the test's own, an ignore-file) are never banned, and an
# ignore-file that gains an entry lifts it. banjoctl blocklists and ListBlocklists report it.
# Usage: live_blocklist_url_test.sh BANJOD SOURCE_ROOT BANJOCTL
set -u
BANJOD_REAL=$1 BANJO_SOURCE_ROOT=$2 BANJOCTL=$3
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
command -v unshare >/dev/null || { echo "unshare missing (util-linux)"; exit 77; }
BANJO_TEST_BACKEND=nftables
sandbox_with_backend

BANJOD_DIR=$BANJO_SANDBOX_DIR/banjod
mkdir -p "$BANJOD_DIR"
printf '127.0.0.1 localhost\n198.51.100.70 admin.banjo.test\n' >"$BANJOD_DIR/hosts"
# banjod sees our hosts file as /etc/hosts; unshare and sh exec, so $! stays banjod's PID.
cat >"$BANJOD_DIR/banjod-with-hosts" <<SH
#!/bin/sh
exec unshare --mount --propagation private sh -c 'mount --bind "\$0" /etc/hosts && exec "\$@"' "$BANJOD_DIR/hosts" "$BANJOD_REAL" "\$@"
SH
chmod +x "$BANJOD_DIR/banjod-with-hosts"
BANJOD=$BANJOD_DIR/banjod-with-hosts
printf '# office\n198.51.100.60\n' >"$BANJOD_DIR/ignore.txt"

WEB=$BANJO_SANDBOX_DIR/web
mkdir -p "$WEB"
PORT=$((20000 + RANDOM % 20000))
URL=http://127.0.0.1:$PORT/list
server_start() {
    ip netns exec "$BANJO_NETNS" /usr/bin/python3 "$BANJO_SOURCE_ROOT/tests/integration/lib/blocklist_server.py" "$PORT" "$WEB" \
        </dev/null >>"$WEB/server.log" 2>&1 &
    SERVER_PID=$!
    sandbox_remember "$SERVER_PID" blocklist-server
    wait_until 10 bash -c "ip netns exec $BANJO_NETNS ss -ltnH 'sport = :$PORT' | grep -q ." || fail "the HTTP server did not start"
}
server_stop() {
    local pid start label
    while read -r pid start label; do
        [[ $pid == "$SERVER_PID" ]] && sandbox_stop_pid "$pid" "$start"
    done <"$BANJO_SANDBOX_DIR/pids"
}
# Four entries to ban, one of each ignore source, and a network holding the host name's address.
cat >"$WEB/list.txt" <<'LIST'
# feed
198.51.100.1
198.51.100.2
198.51.100.3
198.51.100.4
203.0.113.77
198.51.100.70
198.51.100.60
198.51.100.64/29
203.0.113.90
LIST
echo ok >"$WEB/mode"
server_start

banjod_prepare <<TOML
[defaults]
ignore = ["203.0.113.77", "admin.banjo.test"]
ignore-file = "$BANJOD_DIR/ignore.txt"
ignore-self = false

[jail.sshd]
filter = "sshd"

[blocklist.feed]
url = "$URL"
interval = "10s"
timeout = "5s"
max-size = "4K"
TOML
banjod_start

feed() { sandbox_set_entries banjo-bl.feed4 | sort | tr '\n' ' '; }
holds() { [[ $(feed) == "$1" ]]; }
log_has() { grep -qF -- "$1" "$BANJOD_DIR/banjod.log"; }
log_count() { grep -cF -- "$1" "$BANJOD_DIR/banjod.log"; }
requests() { grep -c . "$WEB/requests.jsonl" 2>/dev/null || echo 0; }
last_request() { tail -n 1 "$WEB/requests.jsonl"; }
json() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }
first=$'198.51.100.1 198.51.100.2 198.51.100.3 198.51.100.4 203.0.113.90 '

echo "$(date +%T) 1. the list is applied, without the entries of the ignore sources"
wait_until 30 log_has "blocklist feed: 5 entries in force: 5 added, 0 removed, 0 unchanged ($URL: 9 entry lines" \
    || fail "no load report"
holds "$first" || fail "banjo-bl.feed4 holds: $(feed)"
for ignored in 203.0.113.77 198.51.100.70 198.51.100.60 198.51.100.64/29; do
    log_has "blocklist feed: $ignored is (or holds) an address of the ignore list: not banned" \
        || fail "$ignored was not reported as ignored"
done
grep -q '"feed" "'"$URL"'" "plain" 5 [1-9][0-9]* 5 0 "applied"' <<<"$(manager ListBlocklists)" \
    || fail "ListBlocklists: $(manager ListBlocklists)"
out=$("$BANJOCTL" blocklists --no-legend) || fail "banjoctl blocklists failed"
grep -qE "^feed +5 +.* applied +$URL \(plain\)$" <<<"$out" || fail "banjoctl blocklists: $out"
"$BANJOCTL" blocklists --json | json 'd[0]["name"] == "feed" and d[0]["entries"] == 5 and d[0]["updated_usec"] > 0' \
    || fail "banjoctl blocklists --json: $("$BANJOCTL" blocklists --json)"
r=$(head -n 1 "$WEB/requests.jsonl")
json 'd["if_none_match"] is None and d["if_modified_since"] is None and d["status"] == 200' <<<"$r" \
    || fail "the first request was conditional: $r"

echo "$(date +%T) 2. an unchanged list is asked for conditionally and answered 304: nothing changes"
etag=\"$(/usr/bin/python3 -c 'import hashlib, sys; print(hashlib.sha1(open(sys.argv[1], "rb").read()).hexdigest()[:16])' "$WEB/list.txt")\"
wait_until 30 log_has "blocklist feed: $URL not modified: the 5 entries in force stay" || fail "no 304 reported"
r=$(grep '"status": 304' "$WEB/requests.jsonl" | head -n 1)
ETAG=$etag json 'd["if_none_match"] == __import__("os").environ["ETAG"] and d["if_modified_since"]' <<<"$r" \
    || fail "the 304 request lacked If-None-Match $etag or If-Modified-Since: $r"
holds "$first" || fail "after the 304: $(feed)"
grep -q '"feed" .* 5 [1-9][0-9]* 5 0 "not modified"' <<<"$(manager ListBlocklists)" \
    || fail "ListBlocklists after the 304: $(manager ListBlocklists)"

echo "$(date +%T) 3. a changed list applies only its difference"
sed -i 's/^198\.51\.100\.4$/198.51.100.5/' "$WEB/list.txt"
wait_until 30 log_has "blocklist feed: 5 entries in force: 1 added, 1 removed, 4 unchanged ($URL" \
    || fail "no diff report: $(grep 'blocklist feed' "$BANJOD_DIR/banjod.log" | tail -n 2)"
holds $'198.51.100.1 198.51.100.2 198.51.100.3 198.51.100.5 203.0.113.90 ' || fail "after the change: $(feed)"

echo "$(date +%T) 4. a failing server (500) changes nothing and is retried with a growing backoff"
echo fail >"$WEB/mode"
wait_until 30 log_has "blocklist feed: cannot read $URL: HTTP 500; next try in 5s; the 5 entries in force stay" \
    || fail "no report of the 500"
wait_until 30 log_has "blocklist feed: cannot read $URL: HTTP 500; next try in 10s; the 5 entries in force stay" \
    || fail "no retry after the backoff"
holds $'198.51.100.1 198.51.100.2 198.51.100.3 198.51.100.5 203.0.113.90 ' || fail "after the 500: $(feed)"

echo "$(date +%T) 5. a body cut short changes nothing"
echo cut >"$WEB/mode"
wait_until 30 grep -qE "blocklist feed: cannot read $URL: transfer closed with [0-9]+ bytes remaining to read; next try in 10s; the 5 entries in force stay" "$BANJOD_DIR/banjod.log" \
    || fail "no report of the cut body: $(grep 'blocklist feed' "$BANJOD_DIR/banjod.log" | tail -n 2)"
holds $'198.51.100.1 198.51.100.2 198.51.100.3 198.51.100.5 203.0.113.90 ' || fail "after the cut body: $(feed)"

echo "$(date +%T) 6. a body past max-size changes nothing"
echo big >"$WEB/mode"
wait_until 30 log_has "blocklist feed: cannot read $URL: the download is larger than 4096 bytes; next try in 10s" \
    || fail "no report of the large body: $(grep 'blocklist feed' "$BANJOD_DIR/banjod.log" | tail -n 2)"
holds $'198.51.100.1 198.51.100.2 198.51.100.3 198.51.100.5 203.0.113.90 ' || fail "after the large body: $(feed)"
grep -q '"feed" .* 5 [1-9][0-9]* 6 1 "unreadable: the download is larger' <<<"$(manager ListBlocklists)" \
    || fail "ListBlocklists after the failures: $(manager ListBlocklists)"

echo "$(date +%T) 7. a restart without the server starts from the copy in the state directory"
banjod_stop TERM
server_stop
[[ -f $BANJOD_DIR/state/blocklists/feed.cache ]] || fail "no cached copy in the state directory"
sandbox_nft delete table inet banjo || fail "cannot delete the nftables table"
banjod_start
wait_until 30 log_has "blocklist feed: 5 entries in force: 5 added, 0 removed, 0 unchanged ($BANJOD_DIR/state/blocklists/feed.cache (the last copy of $URL)" \
    || fail "the cached copy was not read: $(grep 'blocklist feed' "$BANJOD_DIR/banjod.log" | tail -n 3)"
wait_until 30 log_has "blocklist feed: cannot read $URL: Failed to connect" || fail "no failed download after the restart"
holds $'198.51.100.1 198.51.100.2 198.51.100.3 198.51.100.5 203.0.113.90 ' || fail "after the restart: $(feed)"
echo ok >"$WEB/mode"
seen=$(requests)
server_start
# The cached copy's validators: the first answer of the server back is a 304.
wait_until 40 bash -c "[[ \$(grep -c . '$WEB/requests.jsonl') -gt $seen ]]" || fail "no request after the server came back"
r=$(sed -n "$((seen + 1))p" "$WEB/requests.jsonl")
json 'd["status"] == 304 and d["if_none_match"]' <<<"$r" || fail "the cached copy's ETag was not sent: $r"
wait_until 10 bash -c "[[ \$(grep -cF 'blocklist feed: $URL not modified' '$BANJOD_DIR/banjod.log') -ge 2 ]]" \
    || fail "the 304 after the restart was not reported"

echo "$(date +%T) 8. an entry put on the ignore-file is lifted from the list's set"
echo 203.0.113.90 >>"$BANJOD_DIR/ignore.txt"
wait_until 20 log_has "blocklist feed: 4 entries in force: 0 added, 1 removed, 4 unchanged (the ignore list changed)" \
    || fail "the ignore-file's new entry did not lift the list's entry: $(grep 'blocklist feed' "$BANJOD_DIR/banjod.log" | tail -n 2)"
holds $'198.51.100.1 198.51.100.2 198.51.100.3 198.51.100.5 ' || fail "after the ignore-file change: $(feed)"

banjod_stop TERM
echo "PASS"
