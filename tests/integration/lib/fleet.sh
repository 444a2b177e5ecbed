#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A fleet in the sandbox (source sandbox.sh and banjod.sh first, then sandbox_start): Redis in
# the sandbox's namespace ($BANJO_NETNS, 198.51.100.10 on a bridge), started by the test with
# its own config, ACL users and directory (never the system service), and hosts, each a
# namespace of its own ($BANJO_NETNS-NAME, 198.51.100.1N) with its own private bus and its own
# banjod (nftables backend inside that namespace). A host may reach Redis through stunnel with
# certificates made here.
#
#   fleet_redis_start                 # bridge, certificates, redis-server (+ its TLS end)
#   fleet_redis_stop / fleet_redis_restart
#   fleet_host_add NAME INDEX [tls]   # namespace, bus, config dir; tls: through stunnel
#   fleet_host_config NAME <<TOML     # banjo.toml of the host (FLEET_TOML_NAME: its [fleet])
#   fleet_banjod_start NAME / fleet_banjod_stop NAME [SIGNAL]
#   on_host NAME COMMAND...           # COMMAND with that host's bus
#   fleet_banned NAME ADDRESS         # in that host's nft set banjo4/banjo6
#   fleet_ban_origin NAME ADDRESS     # the origin ListBans gives for it on that host
#   fleet_redis COMMAND...            # redis-cli as the admin user
# Addresses: documentation ranges only, inside namespaces of the test's own.

FLEET_REDIS_ADDRESS=198.51.100.10
FLEET_REDIS_PORT=6379
FLEET_TLS_PORT=6380
FLEET_ADMIN_PASSWORD=fleet-admin-secret

fleet_redis() {
    ip netns exec "$BANJO_NETNS" redis-cli -h 127.0.0.1 -p "$FLEET_REDIS_PORT" --user admin --pass "$FLEET_ADMIN_PASSWORD" \
        --no-auth-warning "$@"
}

fleet_certificates() {
    local d=$BANJO_SANDBOX_DIR/tls
    mkdir -p "$d"
    (
        cd "$d" || exit 1
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=banjo-fleet-test-ca
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=redis.fleet.test
        printf 'subjectAltName=DNS:redis.fleet.test\n' >san.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext
    ) >/dev/null 2>&1
}

fleet_redis_start() {
    ip -n "$BANJO_NETNS" link add fl-br type bridge || return 1
    ip -n "$BANJO_NETNS" addr add "$FLEET_REDIS_ADDRESS/24" dev fl-br
    ip -n "$BANJO_NETNS" link set fl-br up
    local d=$BANJO_SANDBOX_DIR/redis
    mkdir -p "$d/data"
    # Each host's user appends to its own stream only (root permissions) and reads every
    # banjo key (a Redis 7 selector); counting keys for shared counting, through scripts.
    cat >"$d/redis.conf" <<EOF
bind $FLEET_REDIS_ADDRESS 127.0.0.1
port $FLEET_REDIS_PORT
dir $d/data
daemonize no
protected-mode no
save ""
appendonly yes
appendfsync always
logfile $d/redis.log
user default off
user admin on >$FLEET_ADMIN_PASSWORD ~* &* +@all
EOF
    local host
    for host in host-a host-b host-c; do
        echo "user $host on >secret-$host resetkeys -@all +ping +xadd ~banjo:decisions:$host (+xread ~banjo:*) (+eval +evalsha +script|load +zadd +zremrangebyscore +zcard +del +pexpire ~banjo:count:*)" >>"$d/redis.conf"
    done
    fleet_redis_run
    fleet_certificates || return 1
    cat >"$d/stunnel.conf" <<EOF
foreground = yes
pid =
[redis-tls]
accept = $FLEET_REDIS_ADDRESS:$FLEET_TLS_PORT
connect = 127.0.0.1:$FLEET_REDIS_PORT
cert = $BANJO_SANDBOX_DIR/tls/server.pem
key = $BANJO_SANDBOX_DIR/tls/server.key
EOF
    ip netns exec "$BANJO_NETNS" stunnel4 "$d/stunnel.conf" >>"$d/stunnel.log" 2>&1 &
    sandbox_remember $! stunnel-server
    disown $!
}

fleet_redis_run() {
    ip netns exec "$BANJO_NETNS" redis-server "$BANJO_SANDBOX_DIR/redis/redis.conf" >/dev/null 2>&1 &
    FLEET_REDIS_PID=$!
    sandbox_remember "$FLEET_REDIS_PID" redis-server
    wait_until 10 fleet_redis_up \
        || fail "redis-server did not start: $(tail -5 "$BANJO_SANDBOX_DIR/redis/redis.log")"
}

fleet_redis_up() { [[ $(fleet_redis ping 2>/dev/null) == PONG ]]; }

fleet_redis_stop() {
    kill -TERM "$FLEET_REDIS_PID"
    wait "$FLEET_REDIS_PID" 2>/dev/null
}

fleet_host_ns() { echo "$BANJO_NETNS-$1"; }
fleet_host_dir() { echo "$BANJO_SANDBOX_DIR/host-$1"; }

fleet_host_add() {   # NAME INDEX [tls]
    local name=$1 index=$2 tls=${3:-} ns d
    ns=$(fleet_host_ns "$name")
    d=$(fleet_host_dir "$name")
    mkdir -p "$d/etc/filter.d" "$d/journal" "$d/state"
    cp "$BANJO_SOURCE_ROOT"/conf/filter.d/*.toml "$d/etc/filter.d/"
    sandbox_netns_add "$ns" || return 1
    ip -n "$ns" link set lo up
    ip -n "$BANJO_NETNS" link add "fl-$name" type veth peer name eth0 netns "$ns" || return 1
    ip -n "$BANJO_NETNS" link set "fl-$name" master fl-br
    ip -n "$BANJO_NETNS" link set "fl-$name" up
    ip -n "$ns" addr add "198.51.100.$((10 + index))/24" dev eth0
    ip -n "$ns" link set eth0 up
    # A bus of the host's own: every host's banjod owns org.banjo1.
    sed "s|unix:path=$BANJO_SANDBOX_DIR/bus|unix:path=$d/bus|" "$BANJO_SANDBOX_DIR/bus.conf" >"$d/bus.conf"
    dbus-daemon --config-file="$d/bus.conf" --nofork --nopidfile --nosyslog >"$d/dbus.log" 2>&1 &
    sandbox_remember $! "dbus-daemon-$name"
    disown $!
    wait_until 10 test -S "$d/bus" || fail "no bus for host $name"
    printf 'secret-host-%s\n' "$name" >"$d/password"
    chmod 600 "$d/password"
    local url="redis://$FLEET_REDIS_ADDRESS:$FLEET_REDIS_PORT"
    if [[ $tls == tls ]]; then
        # The host's end of the tunnel: plain Redis on its loopback, TLS on the wire, the
        # server's certificate checked against the test's CA.
        cat >"$d/stunnel.conf" <<EOF
foreground = yes
pid =
[redis]
client = yes
accept = 127.0.0.1:6390
connect = $FLEET_REDIS_ADDRESS:$FLEET_TLS_PORT
CAfile = $BANJO_SANDBOX_DIR/tls/ca.pem
verifyChain = yes
checkHost = redis.fleet.test
EOF
        ip netns exec "$ns" stunnel4 "$d/stunnel.conf" >>"$d/stunnel.log" 2>&1 &
        sandbox_remember $! "stunnel-$name"
        disown $!
        url=redis://127.0.0.1:6390
    fi
    echo "$url" >"$d/redis-url"
}

# The [fleet] table of host NAME (user host-NAME), for fleet_host_config's text.
fleet_table() {   # NAME [USER]
    local name=$1 user=${2:-host-$1} d
    d=$(fleet_host_dir "$name")
    cat <<EOF
[fleet]
redis = "$(cat "$d/redis-url")"
user = "$user"
password-file = "$d/password"
host-name = "host-$name"
peers = ["host-a", "host-b", "host-c"]
EOF
}

fleet_host_config() {   # NAME, banjo.toml on stdin
    cat >"$(fleet_host_dir "$1")/etc/banjo.toml"
}

on_host() {   # NAME COMMAND...
    local name=$1
    shift
    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$(fleet_host_dir "$name")/bus" "$@"
}

fleet_banjod_start() {   # NAME
    local name=$1 d ns
    d=$(fleet_host_dir "$name")
    ns=$(fleet_host_ns "$name")
    if [[ ! -f $d/journal/started ]]; then
        local now
        now=$(date +%s%6N)
        printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_SYSTEMD_UNIT=cron.service\nSYSLOG_IDENTIFIER=CRON\nMESSAGE=hello\n\n' \
            "$now" "$now" | "$BANJOD_LIB_DIR/make-journal" - "$d/journal" live >/dev/null
        touch "$d/journal/started"
    fi
    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$d/bus" ip netns exec "$ns" "$BANJOD" --backend nftables --config "$d/etc/banjo.toml" \
        --state-dir "$d/state" --journal-directory "$d/journal" >>"$d/banjod.log" 2>&1 &
    eval "FLEET_PID_$name=$!"
    sandbox_remember $! "banjod-$name"
    wait_until 20 on_host "$name" busctl --system status org.banjo1 >/dev/null 2>&1 || fail "banjod of host $name did not start: $(tail -5 "$d/banjod.log")"
}

fleet_banjod_stop() {   # NAME [SIGNAL]
    local pid_var=FLEET_PID_$1
    kill "-${2:-TERM}" "${!pid_var}" 2>/dev/null
    wait "${!pid_var}" 2>/dev/null
}

fleet_banned() {   # NAME ADDRESS
    local set=banjo4
    [[ $2 == *:* ]] && set=banjo6
    ip netns exec "$(fleet_host_ns "$1")" nft -j list set inet banjo "$set" 2>/dev/null | grep -qF "\"$2\""
}

fleet_lifted() { ! fleet_banned "$@"; }   # NAME ADDRESS

fleet_ban_origin() {   # NAME ADDRESS
    on_host "$1" busctl --system call org.banjo1 /org/banjo1 org.banjo1.Manager ListBans s "" --json=short | /usr/bin/python3 -c '
import json, sys
for row in json.load(sys.stdin)["data"][0]:
    if row[1] == sys.argv[1]:
        print(row[5])' "$2"
}

fleet_ban() {   # NAME ADDRESS [DURATION_USEC]
    on_host "$1" busctl --system call org.banjo1 /org/banjo1 org.banjo1.Manager Ban sst sshd "$2" "${3:-0}" >/dev/null
}

# Appends COUNT sshd failures of ADDRESS to host NAME's journal, stamped now.
fleet_failures() {   # NAME COUNT ADDRESS
    local d
    d=$(fleet_host_dir "$1")
    BANJOD_DIR=$d journal_failures "$2" "$3"
}

fleet_log_has() {   # NAME TEXT
    grep -qF "$2" "$(fleet_host_dir "$1")/banjod.log"
}

# The last entry of HOST's stream that NAME applied, as NAME's state store keeps it.
fleet_position() {   # NAME HOST
    sqlite3 "$(fleet_host_dir "$1")/state/banjo.db" "SELECT stream_id FROM fleet_positions WHERE host = '$2'" 2>/dev/null
}
fleet_stream_last() {   # HOST: the ID of its stream's last entry
    fleet_redis --raw XREVRANGE "banjo:decisions:$1" + - COUNT 1 | head -1
}
fleet_caught_up() {   # NAME HOST
    local last
    last=$(fleet_stream_last "$2")
    [[ -n $last && $(fleet_position "$1" "$2") == "$last" ]]
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
