#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Three hosts that defend each other through Redis (lib/fleet.sh): each a network namespace
# with its own bus and banjod (nftables backend), Redis with an ACL user per host in a fourth,
# host C through stunnel. A ban on one host is in force on the others with its origin; a host's
# ignore list wins; a host lifts a peer's ban locally; with Redis stopped bans go on locally and
# the others catch up once it is back; a restarted host resumes from its last entry without
# applying what expired meanwhile; another host's ACL user is refused by Redis and a peer over
# its rate by the others, each said in the journal.
# Usage: live_fleet_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
export BANJO_TEST_BACKEND=nftables
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/fleet.sh"
sandbox_require || exit 77
for tool in redis-server redis-cli stunnel4 openssl; do
    command -v "$tool" >/dev/null || { echo "$tool not found (Debian: redis-server stunnel4 openssl)"; exit 77; }
done
sandbox_start
fleet_redis_start || fail "redis"
fleet_host_add a 1 || fail "host a"
fleet_host_add b 2 || fail "host b"
fleet_host_add c 3 tls || fail "host c"

host_config() {   # NAME [EXTRA FLEET LINES]
    local name=$1 extra=${2:-} ignore='"127.0.0.0/8"'
    # B never bans 198.51.100.77, whoever decides it.
    [[ $name == b ]] && ignore='"127.0.0.0/8", "198.51.100.77"'
    fleet_host_config "$name" <<EOF
[defaults]
bantime = "1h"
maxretry = 5
ignore = [$ignore]
ignore-self = false

$(fleet_table "$name")
peer-bans-per-minute = 40
$extra

[jail.sshd]
filter = "sshd"
fleet = "count"
EOF
}
for h in a b c; do
    host_config "$h"
    fleet_banjod_start "$h"
done
wait_until 20 fleet_log_has c "Fleet: connected to Redis" || fail "host c did not connect through stunnel: $(tail -5 "$(fleet_host_dir c)/banjod.log")"
for h in a b; do wait_until 20 fleet_log_has "$h" "Fleet: connected to Redis" || fail "host $h did not connect"; done

echo "1. a ban on host A is in force on B and C (C through stunnel), with origin fleet:host-a"
start=$(now_ms)
fleet_ban a 203.0.113.10 || fail "Ban on A"
wait_until 20 fleet_banned b 203.0.113.10 || fail "B did not apply A's ban: $(tail -5 "$(fleet_host_dir b)/banjod.log")"
at_b=$(now_ms)
wait_until 20 fleet_banned c 203.0.113.10 || fail "C did not apply A's ban: $(tail -5 "$(fleet_host_dir c)/banjod.log")"
at_c=$(now_ms)
echo "   propagation A->B $((at_b - start)) ms, A->C (stunnel) $((at_c - start)) ms (Ban call to nft set)"
[[ $(fleet_ban_origin b 203.0.113.10) == fleet:host-a ]] || fail "origin on B: '$(fleet_ban_origin b 203.0.113.10)'"
[[ $(fleet_ban_origin c 203.0.113.10) == fleet:host-a ]] || fail "origin on C"
[[ $(fleet_ban_origin a 203.0.113.10) == manual ]] || fail "origin on A"
fleet_redis CLIENT LIST | grep "user=host-c" | grep -q "addr=127.0.0.1:" || fail "host c's connection does not come through the TLS tunnel"
fleet_log_has b "as fleet host host-a decided" || fail "B's journal does not name the origin host"

echo "2. B's ignore list wins over A's ban; B lifts A's ban locally, A and C keep it"
fleet_ban a 198.51.100.77 || fail "Ban .77 on A"
fleet_ban a 203.0.113.11 || fail "Ban .11 on A"
# .11 was published after .77: once B has it, B has judged .77.
wait_until 20 fleet_banned b 203.0.113.11 || fail "B did not apply .11"
fleet_banned b 198.51.100.77 && fail "B banned an address on its ignore list"
fleet_log_has b "198.51.100.77 in jail sshd not applied: on this host's ignore list" || fail "B did not say why"
wait_until 20 fleet_banned c 198.51.100.77 || fail "C did not apply .77"
on_host b busctl --system call org.banjo1 /org/banjo1 org.banjo1.Manager Unban ss sshd 203.0.113.10 >/dev/null || fail "Unban on B"
wait_until 10 fleet_lifted b 203.0.113.10 || fail "B's local unban"
fleet_ban b 203.0.113.12 || fail "Ban .12 on B"
wait_until 20 fleet_banned a 203.0.113.12 || fail "A did not apply B's ban"
wait_until 20 fleet_banned c 203.0.113.12 || fail "C did not apply B's ban"
fleet_banned a 203.0.113.10 || fail "B's local unban lifted A's own ban"
fleet_banned c 203.0.113.10 || fail "B's local unban lifted C's copy"

echo "3. shared counting: 2 failures on each of 3 hosts, maxretry 5, bans everywhere"
for h in a b c; do fleet_failures "$h" 2 203.0.113.20; done
for h in a b c; do
    wait_until 20 fleet_banned "$h" 203.0.113.20 || fail "203.0.113.20 not banned on host $h (shared counting)"
done
origins=$(for h in a b c; do fleet_ban_origin "$h" 203.0.113.20; done | sort | tr '\n' ' ')
echo "   origins: $origins"
grep -q filter <<<"$origins" || fail "no host banned .20 from its own count: $origins"

echo "4. Redis stopped: A still bans locally and restarts; once Redis is back, B and C catch up"
fleet_redis_stop
wait_until 20 fleet_log_has a "Fleet: no link to Redis" || fail "A did not notice Redis going"
fleet_failures a 5 203.0.113.30
wait_until 20 fleet_banned a 203.0.113.30 || fail "A did not ban locally with Redis down"
fleet_ban a 203.0.113.31 || fail "Ban .31 on A with Redis down"
# A restart while Redis is away: the decisions Redis never answered go out after it.
fleet_banjod_stop a TERM
fleet_banjod_start a
wait_until 20 fleet_banned a 203.0.113.31 || fail "A lost .31 over its restart"
fleet_redis_run
for h in b c; do
    wait_until 30 fleet_banned "$h" 203.0.113.30 || fail "host $h did not catch up on .30"
    wait_until 30 fleet_banned "$h" 203.0.113.31 || fail "host $h did not catch up on .31"
done

echo "5. C restarted resumes from its last entry; what expired meanwhile is not applied"
fleet_banjod_stop c TERM
fleet_ban a 203.0.113.40 2000000 || fail "Ban .40 for 2 s on A"
fleet_ban a 203.0.113.41 || fail "Ban .41 on A"
wait_until 20 fleet_banned b 203.0.113.41 || fail "B did not apply .41"
# .40's two seconds pass while C is down (A lifts it at its expiry: an event to wait for).
wait_until 20 fleet_lifted a 203.0.113.40 || fail ".40 did not expire on A"
applied_before=$(grep -c "as fleet host" "$(fleet_host_dir c)/banjod.log")
fleet_banjod_start c
wait_until 20 fleet_banned c 203.0.113.41 || fail "C did not catch up on .41 after its restart"
fleet_banned c 203.0.113.40 && fail "C applied a ban that expired while it was down"
applied_after=$(grep -c "as fleet host" "$(fleet_host_dir c)/banjod.log")
# Only .41 is new: nothing C had applied before comes again (its last entry was kept).
[[ $((applied_after - applied_before)) -eq 1 ]] || fail "C applied $((applied_after - applied_before)) decisions after its restart, expected 1"

echo "6. C with host A's ACL user: Redis refuses its decisions and C says so"
fleet_banjod_stop c TERM
host_config c 'user = "host-a"'
sed -i 's|^user = "host-c"$||; s|password-file = ".*"|password-file = "'"$(fleet_host_dir a)/password"'"|' "$(fleet_host_dir c)/etc/banjo.toml"
fleet_banjod_start c
wait_until 20 fleet_log_has c "Fleet: connected to Redis" || fail "C (as host-a) did not connect"
fleet_ban c 203.0.113.50 || fail "Ban .50 on C"
wait_until 20 fleet_log_has c "Fleet: Redis refused this host's decision on 203.0.113.50" || fail "no journal line for the refused decision"
fleet_banned c 203.0.113.50 || fail "C's own ban is not in force"

echo "7. A over its rate: B refuses the excess and says so"
for i in $(seq 100 150); do fleet_ban a "203.0.113.$i" || fail "Ban .$i on A"; done
wait_until 30 fleet_log_has b "rate exceeded" || fail "B did not refuse A's excess"
wait_until 30 fleet_caught_up b host-a || fail "B did not read A's stream to its end"
fleet_log_has b "from stream banjo:decisions:host-a: rate exceeded" || fail "the refusal does not name the stream"
fleet_banned b 203.0.113.150 && fail "B applied a ban beyond A's rate"

echo "8. a reload that changes [fleet] connects B anew; it goes on from where it was"
connected_before=$(grep -c "Fleet: connected to Redis" "$(fleet_host_dir b)/banjod.log")
sed -i 's/^peer-bans-per-minute = 40$/peer-bans-per-minute = 400/' "$(fleet_host_dir b)/etc/banjo.toml"
on_host b busctl --system call org.banjo1 /org/banjo1 org.banjo1.Manager Reload >/dev/null || fail "Reload of B"
wait_until 20 fleet_log_has b "Fleet: [fleet] changed; connecting anew" || fail "B kept its link after [fleet] changed"
wait_until 20 eval '[[ $(grep -c "Fleet: connected to Redis" "$(fleet_host_dir b)/banjod.log") -gt $connected_before ]]' ||
    fail "B did not connect again after the reload"
fleet_ban a 203.0.113.160 || fail "Ban .160 on A"
wait_until 30 fleet_banned b 203.0.113.160 || fail "B did not apply .160 after its reload"
# Read from B's saved place in A's stream: the excess of step 7 is not read again.
fleet_banned b 203.0.113.150 && fail "B's new link read A's stream again from the start"

for h in a b c; do fleet_banjod_stop "$h" TERM; done
echo "PASS"
