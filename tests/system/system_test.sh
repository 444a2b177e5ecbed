#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The system test: banjo's Debian package installed with dpkg -i into a Debian 12 booted with
# systemd in systemd-nspawn (DESIGN.md "Tests", notes/nspawn.md), so what administrators
# install is what is tested. The package's maintainer scripts enable and start banjo.service;
# firewalld and sshd run inside, and the host attacks sshd over a veth pair with wrong
# passwords: banjod must ban the host's address through firewalld and the attacker's next
# connection must fail; entries forged by an unprivileged user (in ssh.service's cgroup, as
# /usr/sbin/sshd, as a copy of it) ban nothing. Then: the unit's hardening (no IP traffic, systemd-analyze security),
# the ban entry in the journal with its catalog text, systemctl reload (and a reload with a
# broken config), systemctl restart keeping the ban, a zero-length state file moved aside and the
# ban rebuilt from the journal, Unban over D-Bus restoring the connection,
# polkit (the real polkitd) for callers that are not root, bus activation and
# banjo-metrics.socket, the watchdog, no crash or restart throughout, and the package's removal
# leaving firewalld able to reload. Once more with backend = "nftables" and firewalld masked:
# an attack is banned in table inet banjo and blocked, and the ban holds while banjo is stopped
# and after a restart.
#
# Usage: system_test.sh BUILD_DIR SOURCE_ROOT
#   The package is built by scripts/build-deb into BUILD_DIR/debian-package (reused when the
#   sources have not changed). Environment: see lib/container.sh. Exits 77 when the machine
#   cannot run it.
#
# Each check is a function, run in the order of CHECKS at the end; a new check is a function
# and an entry there. Checks share the container, so a later check may rely on an earlier one
# (the ban of check_ban is what check_restart restores).
set -u

BUILD=$(readlink -f "${1:?usage: system_test.sh BUILD_DIR SOURCE_ROOT}")
SOURCE_ROOT=$(readlink -f "${2:?usage: system_test.sh BUILD_DIR SOURCE_ROOT}")
source "$SOURCE_ROOT/tests/system/lib/container.sh"

# What nspawn.md lists for a booting systemd with firewalld and sshd, plus what the package
# depends on (dpkg -i installs nothing else: the container has no route to a mirror).
# Changing this list builds a new cached root file system. cockpit-ws and cockpit-bridge pull in
# dconf-service, which depends on the virtual dbus-session-bus: debootstrap resolves no virtual
# package, so dbus-user-session is named, or dconf-service stays unconfigured and debootstrap fails.
PACKAGES=(systemd systemd-sysv dbus libpam-systemd netbase iproute2 firewalld nftables polkitd
    openssh-server libsystemd0 libsdbus-c++1 libpcre2-8-0 libtomlplusplus3 libsqlite3-0 libstdc++6
    libnetfilter-conntrack3 libcurl4 libhiredis0.14 cockpit-ws cockpit-bridge dbus-user-session)
BAN_MSGID=add223c30bb94799abc230d2cf7655f3
MAXRETRY=3
MAX_EXPOSURE=2.0       # systemd-analyze security's overall exposure of banjo.service, at most
ADMIN_PORT=4444/tcp    # an administrator's runtime-only firewalld rule the package must keep

diagnostics() {
    echo "--- failed units:" >&2
    ct systemctl --failed --no-legend >&2
    echo "--- banjo.service:" >&2
    ct systemctl status banjo --no-pager -n 0 >&2
    ct journalctl -u banjo -u banjo-metrics.socket -n 40 --no-pager -o short-monotonic >&2
    echo "--- firewalld, sshd, dbus (last lines):" >&2
    ct journalctl -u firewalld -u ssh -u dbus -n 15 --no-pager -o short-monotonic >&2
}

manager() { ct busctl call org.banjo1 /org/banjo1 org.banjo1.Manager "$@"; }
property() { ct busctl get-property org.banjo1 /org/banjo1 org.banjo1.Manager "$1"; }
main_pid() { ct systemctl show -P MainPID banjo; }
backend_is() { [[ $(property BackendState) == "s \"$1\"" ]]; }
banned() { manager ListBans s sshd | grep -q "\"sshd\" \"$HOST4\""; }
in_ipset() { ct firewall-cmd --ipset=banjo4 --get-entries | grep -qx "$HOST4"; }
as_user() {   # USER COMMAND...
    local who=$1
    shift
    ct setpriv --reuid="$who" --regid="$(ct id -g "$who")" --clear-groups "$@"
}
attack() {   # [ADDRESS]: one ssh login with a wrong password; prints ssh's complaint
    timeout 20 sshpass -p "wrong-password-$RANDOM" ssh -F /dev/null \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
        -o LogLevel=ERROR -o ConnectTimeout=5 -o PreferredAuthentications=password \
        -o PubkeyAuthentication=no -o IdentityAgent=none -o NumberOfPasswordPrompts=1 \
        "root@${1:-$CT4}" true </dev/null 2>&1
}
# What `systemctl status banjo` says (sd_notify STATUS=), against the D-Bus properties.
# Reported, not asserted (yet).
note_status() {   # ACTIVE_BANS
    local want="* $1 active bans*firewall ${2:-ready}"
    status_current() { [[ $(ct systemctl show -P StatusText banjo) == $want ]]; }
    wait_until 5 status_current ||
        log "NOTE: systemctl status says \"$(ct systemctl show -P StatusText banjo)\" while ActiveBans is $(property ActiveBans), BackendState $(property BackendState)"
}

# --- the checks, in the order they run ------------------------------------------------------------

check_firewalld_and_sshd() {
    local zone
    wait_until 60 bash -c "[[ \$(timeout 10 nsenter -t $PID1 -a firewall-cmd --state 2>/dev/null) == running ]]" ||
        fail "firewalld is not running in the container"
    zone=$(ct firewall-cmd --get-default-zone)
    ct firewall-cmd --zone="$zone" --list-services | grep -qw ssh || fail "firewalld's default zone $zone does not allow ssh"
    [[ $(ct systemctl is-active ssh) == active ]] || fail "sshd is not running"
    wait_until 30 tcp_open "$CT4" 22 || fail "sshd at $CT4:22 unreachable from the host before any ban"
    wait_until 10 tcp_open "$CT6" 22 || fail "sshd at [$CT6]:22 unreachable from the host before any ban"
    log "firewalld (zone $zone) and sshd up; $HOST_IF $HOST4 -> host0 $CT4 reaches port 22"
}

# dpkg -i into the running system, as an administrator does: the maintainer scripts enable and
# start banjo.service; they must not reload or restart firewalld (that would drop the
# administrator's runtime rules), so firewalld's own runtime state is checked across it.
check_package_install() {
    local deb fw_pid f
    deb=$(basename "$DEB")
    ct firewall-cmd --add-port=$ADMIN_PORT >/dev/null || fail "adding a runtime rule to firewalld"
    fw_pid=$(ct systemctl show -P MainPID firewalld)
    # The test's own settings, as an administrator would make them: three failures ban (the
    # shipped default is 5), password logins allowed (the Debian default, said explicitly).
    mkdir -p "$ROOT/etc/banjo/jail.d"
    cat >"$ROOT/etc/banjo/jail.d/zz-system-test.toml" <<EOT
# SPDX-License-Identifier: GPL-2.0-or-later
[jail.sshd]
maxretry = $MAXRETRY
EOT
    printf 'PasswordAuthentication yes\n' >"$ROOT/etc/ssh/sshd_config.d/banjo-system-test.conf"
    ct systemctl reload ssh || fail "reloading sshd"

    cp "$DEB" "$ROOT/root/$deb"
    ct_long 300 dpkg -i "/root/$deb" >"$RUN/dpkg-install.log" 2>&1 ||
        { cat "$RUN/dpkg-install.log" >&2; fail "dpkg -i $deb (a dependency missing from the root file system?)"; }
    log "dpkg -i $deb: $(grep -E '^(Unpacking|Setting up) ' "$RUN/dpkg-install.log" | tr '\n' ' ')"
    [[ $(ct dpkg-query -W -f='${Status}' banjo) == "install ok installed" ]] || fail "banjo is not installed"
    for f in /usr/libexec/banjod /usr/bin/banjoctl /lib/systemd/system/banjo.service \
        /lib/systemd/system/banjo-metrics.socket /usr/share/dbus-1/system.d/org.banjo1.conf \
        /usr/share/dbus-1/system-services/org.banjo1.service /usr/share/polkit-1/actions/org.banjo1.policy \
        /usr/lib/systemd/catalog/banjo.catalog /usr/lib/firewalld/ipsets/banjo4.xml \
        /usr/lib/firewalld/ipsets/banjo6.xml /etc/banjo/banjo.toml /usr/share/banjo/filter.d/sshd.toml \
        /usr/share/man/man8/banjod.8.gz /usr/share/bash-completion/completions/banjoctl \
        /usr/share/cockpit/banjo/manifest.json /usr/share/cockpit/banjo/index.html; do
        ct dpkg -S "$f" >/dev/null 2>&1 || fail "the package does not ship $f"
    done
    ct dpkg-query -W -f='${Conffiles}' banjo | grep -q ' /etc/banjo/banjo.toml ' ||
        fail "/etc/banjo/banjo.toml is not a conffile"
    [[ $(ct systemctl is-enabled banjo) == enabled ]] || fail "the package did not enable banjo.service"
    [[ $(ct systemctl is-active banjo) == active ]] || fail "the package did not start banjo.service"
    [[ $(ct systemctl is-enabled banjo-metrics.socket) == disabled ]] ||
        fail "the package enabled banjo-metrics.socket (it opens a port: the administrator's choice)"
    ct firewall-cmd --query-port=$ADMIN_PORT >/dev/null ||
        fail "installing the package dropped the runtime rule $ADMIN_PORT: firewalld was reloaded or restarted"
    [[ $(ct systemctl show -P MainPID firewalld) == "$fw_pid" ]] || fail "installing the package restarted firewalld"
    log "banjo.service enabled and started by the package; firewalld not restarted, the runtime rule $ADMIN_PORT kept"
}

check_backend_ready() {
    local jails
    jails=$(manager ListJails) || fail "ListJails"
    [[ $jails == *'"sshd" "/org/banjo1/jail/sshd" true '* ]] || fail "no enabled sshd jail in ListJails: $jails"
    [[ $(ct busctl get-property org.banjo1 /org/banjo1/jail/sshd org.banjo1.Jail MaxRetry) == "u $MAXRETRY" ]] ||
        fail "the jail.d drop-in did not set MaxRetry $MAXRETRY"
    if ! wait_until 20 backend_is ready; then
        backend_is degraded || fail "BackendState $(property BackendState), not ready"
        # firewalld loads new ipsets only at a reload: the package said so, and the
        # administrator reloads when it suits them (conf/firewalld/README.md).
        grep -q "firewall-cmd --reload" "$RUN/dpkg-install.log" ||
            fail "BackendState degraded, and dpkg -i did not say that firewalld must be reloaded"
        log "BackendState degraded until firewalld loads the ipsets, as dpkg -i said: firewall-cmd --reload"
        ct firewall-cmd --reload >/dev/null || fail "firewall-cmd --reload"
        wait_until 20 backend_is ready || fail "BackendState $(property BackendState) after firewall-cmd --reload"
    fi
    ct firewall-cmd --zone=drop --list-sources | grep -qw ipset:banjo4 || fail "ipset banjo4 is not a source of zone drop"
    log "sshd jail enabled, backend ready (banjod $(property Version)); ipset files in /etc/firewalld:" \
        "$(ls "$ROOT/etc/firewalld/ipsets" 2>/dev/null | tr '\n' ' ')"
}

# No IP traffic for the default configuration, enforced by the kernel (a process put into
# banjo.service's cgroup cannot reach even the local sshd), and the exposure score.
check_unit_hardening() {
    local deny out score
    deny=$(ct systemctl show -P IPAddressDeny banjo)
    [[ $deny == *0.0.0.0/0* && $deny == *::/0* ]] || fail "banjo.service has IPAddressDeny=$deny, not any"
    ct bash -c 'exec 3<>/dev/tcp/127.0.0.1/22' 2>/dev/null || fail "sshd unreachable on 127.0.0.1:22 inside"
    ct bash -c 'echo $$ >/sys/fs/cgroup/system.slice/banjo.service/cgroup.procs && exec 3<>/dev/tcp/127.0.0.1/22' 2>/dev/null &&
        fail "a process in banjo.service's cgroup connected to 127.0.0.1:22: IPAddressDeny=any is not enforced"
    out=$(ct systemd-analyze security banjo.service --no-pager 2>&1) || fail "systemd-analyze security: $out"
    score=$(sed -n 's/.*Overall exposure level for banjo.service: \([0-9.]*\).*/\1/p' <<<"$out")
    [[ -n $score ]] || fail "no exposure level in: $(tail -3 <<<"$out")"
    log "systemd-analyze security banjo.service: $(tail -1 <<<"$out")"
    awk -v s="$score" -v max="$MAX_EXPOSURE" 'BEGIN { exit !(s <= max) }' ||
        fail "banjo.service's exposure $score is above $MAX_EXPOSURE: $(grep '✗' <<<"$out")"
    log "IPAddressDeny=any enforced (no connection from banjo.service's cgroup), exposure $score <= $MAX_EXPOSURE"
}

check_ban() {
    local n out ban
    banned && fail "$HOST4 is banned before any attack"
    for ((n = 1; n <= MAXRETRY; n++)); do
        out=$(attack)
        [[ $out == *"Permission denied"* ]] || fail "login attempt $n was not refused by sshd's password check: $out"
        if ((n < MAXRETRY)); then
            sleep 0.5
            banned && fail "banned after $n failures (maxretry $MAXRETRY)"
        fi
    done
    wait_until 10 banned || fail "$HOST4 not banned after $MAXRETRY failed logins: $(manager ListBans s sshd)"
    ban=$(manager ListBans s sshd)
    [[ $ban =~ \"sshd\"\ \"$HOST4\"\ [0-9]+\ [0-9]+\ $MAXRETRY\ \"filter\" ]] ||
        fail "ListBans does not show a filter ban after $MAXRETRY failures: $ban"
    log "banned after $MAXRETRY failed logins: $ban"
    # The firewall holds it, and the attacker's next connection fails; IPv6 (not banned) still works.
    wait_until 10 in_ipset || fail "$HOST4 is not in firewalld's ipset banjo4: $(ct firewall-cmd --ipset=banjo4 --get-entries)"
    ct nft list ruleset | grep -q "$HOST4" || fail "$HOST4 is not in the container's nftables ruleset"
    tcp_open "$CT4" 22 && fail "the banned attacker's next TCP connection to $CT4:22 succeeded"
    tcp_open "$CT6" 22 || fail "IPv6 from the host (not banned) no longer reaches sshd"
    log "firewalld's banjo4 holds $HOST4; its next connection to port 22 fails, IPv6 still connects"
    note_status 1
}

# Forged sshd entries: only the real daemon is believed.
# Two ways a local user gets an sshd-worded line into the journal with the fields fail2ban and
# the old sshd filter trusted: from inside ssh.service's cgroup (where a login without
# pam_systemd leaves the user's processes; here a root helper moves itself there, then becomes
# nobody), and by running the real /usr/sbin/sshd (not setuid) with a preloaded library that
# logs before sshd's main(); also a copy named sshd (fail2ban's _COMM=sshd). Each names its own
# address MAXRETRY+2 times. The shipped filter requires _UID=0 with the unit or the binary, so
# none may be banned. The real failures from the host's IPv6 address that follow must ban it:
# banjod has then read past the forgeries, which makes their absence from the bans meaningful.
check_forged_entries() {
    local forger_cc nobody forged bans n out FORGED_IN_UNIT FORGED_BY_EXE FORGED_BY_COPY FORGED_COUNT
    FORGED_IN_UNIT=203.0.113.71 FORGED_BY_EXE=203.0.113.72 FORGED_BY_COPY=203.0.113.73
    FORGED_COUNT=$((MAXRETRY + 2))
    forger_cc=$(command -v cc || command -v gcc) || fail "no C compiler on the host to build the forger"
    "$forger_cc" -shared -fPIC -O2 -o "$ROOT/var/tmp/banjo-forge.so" "$SOURCE_ROOT/tests/system/forge_syslog.c" ||
        fail "building tests/system/forge_syslog.c"
    chmod 0755 "$ROOT/var/tmp/banjo-forge.so"
    cat >"$ROOT/var/tmp/banjo-forge-in-unit.sh" <<'FORGE'
#!/bin/bash
# Run by systemd-run (root, inside the container's cgroup tree): join ssh.service's cgroup in
# every hierarchy that has one (the unified one, or the hybrid and legacy layouts' systemd and
# unified hierarchies; systemd refuses to move processes into a unit that does not delegate),
# then become nobody.
set -e
for dir in /sys/fs/cgroup/system.slice/ssh.service /sys/fs/cgroup/*/system.slice/ssh.service; do
    [[ -w $dir/cgroup.procs ]] && echo $$ >"$dir/cgroup.procs"
done
grep -q '/system\.slice/ssh\.service$' /proc/$$/cgroup ||
    { echo "could not join ssh.service's cgroup: $(cat /proc/$$/cgroup)"; exit 1; }
exec setpriv --reuid=nobody --regid=nogroup --clear-groups /bin/bash -c '
    { for ((i = 0; i < $2; i++)); do echo "Failed password for root from $1 port 22 ssh2"; done; sleep 2; } |
        logger -t sshd' forger "$1" "$2"
FORGE
    ct systemd-run --quiet --wait --pipe --collect /bin/bash /var/tmp/banjo-forge-in-unit.sh "$FORGED_IN_UNIT" \
        "$FORGED_COUNT" >"$RUN/forge.log" 2>&1 || fail "forging from inside ssh.service's cgroup: $(cat "$RUN/forge.log")"
    ct setpriv --reuid=nobody --regid=nogroup --clear-groups env LD_PRELOAD=/var/tmp/banjo-forge.so \
        FORGED_ADDRESS="$FORGED_BY_EXE" FORGED_COUNT="$FORGED_COUNT" /usr/sbin/sshd || fail "forging as /usr/sbin/sshd run by nobody"
    mkdir -p "$ROOT/var/tmp/banjo-forge" && cp "$ROOT/usr/sbin/sshd" "$ROOT/var/tmp/banjo-forge/sshd" &&
        chmod 0755 "$ROOT/var/tmp/banjo-forge" "$ROOT/var/tmp/banjo-forge/sshd" || fail "copying sshd"
    ct setpriv --reuid=nobody --regid=nogroup --clear-groups env LD_PRELOAD=/var/tmp/banjo-forge.so \
        FORGED_ADDRESS="$FORGED_BY_COPY" FORGED_COUNT="$FORGED_COUNT" /var/tmp/banjo-forge/sshd || fail "forging as a copy of sshd"
    # The forgeries are in the journal with the fields a unit-only or binary-only match accepted.
    nobody=$(ct id -u nobody)
    forged_entries() {   # ADDRESS MATCH...: at least FORGED_COUNT entries naming ADDRESS match
        local address=$1 n
        shift
        n=$(ct journalctl "$@" _UID="$nobody" -o cat --no-pager | grep -c "from $address port")
        ((n >= FORGED_COUNT))
    }
    wait_until 10 forged_entries "$FORGED_IN_UNIT" _SYSTEMD_UNIT=ssh.service ||
        fail "the forgery from inside ssh.service is not in the journal with _SYSTEMD_UNIT=ssh.service"
    wait_until 10 forged_entries "$FORGED_BY_EXE" _EXE=/usr/sbin/sshd ||
        fail "the forgery by /usr/sbin/sshd is not in the journal with _EXE=/usr/sbin/sshd"
    wait_until 10 forged_entries "$FORGED_BY_COPY" _COMM=sshd ||
        fail "the forgery by a copy of sshd is not in the journal with _COMM=sshd"
    log "forged: $FORGED_COUNT sshd lines each from nobody in ssh.service ($FORGED_IN_UNIT), by /usr/sbin/sshd ($FORGED_BY_EXE), by a copy ($FORGED_BY_COPY)"

    # The real daemon's failures after them: the host's IPv6 address is banned.
    banned6() { manager ListBans s sshd | grep -q "\"sshd\" \"$HOST6\""; }
    banned6 && fail "$HOST6 is banned before its failures"
    for ((n = 1; n <= MAXRETRY; n++)); do
        out=$(timeout 20 sshpass -p "wrong-password-$RANDOM" ssh -F /dev/null \
            -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
            -o LogLevel=ERROR -o ConnectTimeout=5 -o PreferredAuthentications=password \
            -o PubkeyAuthentication=no -o IdentityAgent=none -o NumberOfPasswordPrompts=1 \
            "root@$CT6" true </dev/null 2>&1)
        [[ $out == *"Permission denied"* ]] || fail "IPv6 login attempt $n was not refused by sshd's password check: $out"
    done
    wait_until 10 banned6 || fail "$HOST6 not banned after $MAXRETRY failed logins: $(manager ListBans s sshd)"
    bans=$(manager ListBans s "")
    for forged in "$FORGED_IN_UNIT" "$FORGED_BY_EXE" "$FORGED_BY_COPY"; do
        [[ $bans == *"\"$forged\""* ]] && fail "a forged sshd entry got $forged banned: $bans"
    done
    ct firewall-cmd --ipset=banjo4 --get-entries | grep -qE '^203\.0\.113\.7[123]$' && fail "a forged address is in banjo4"
    log "no forged address banned; the real failures from $HOST6 that followed were"
    [[ $(manager Unban ss sshd "$HOST6") == "u 1" ]] || fail "Unban $HOST6"
    wait_until 10 tcp_open "$CT6" 22 || fail "IPv6 from the host does not reach sshd again after Unban"
    rm -rf "$ROOT/var/tmp/banjo-forge" "$ROOT/var/tmp/banjo-forge.so" "$ROOT/var/tmp/banjo-forge-in-unit.sh"
}

# The ban entry and its catalog text. The package installs the catalog into
# /usr/lib/systemd/catalog, whose dpkg trigger (systemd's) indexes it: no step by hand.
check_journal_entry() {
    local entry text
    entry=$(ct journalctl MESSAGE_ID=$BAN_MSGID BANJO_ADDRESS=$HOST4 -o export --no-pager)
    [[ $entry == *"BANJO_ADDRESS=$HOST4"* && $entry == *"BANJO_JAIL=sshd"* && $entry == *"_SYSTEMD_UNIT=banjo.service"* ]] ||
        fail "no ban entry MESSAGE_ID=$BAN_MSGID for $HOST4 from banjo.service in the journal"
    ct journalctl --list-catalog $BAN_MSGID | grep -q "$BAN_MSGID" ||
        fail "the catalog has no entry $BAN_MSGID after dpkg -i (systemd's trigger did not index it?)"
    text=$(ct journalctl -x MESSAGE_ID=$BAN_MSGID BANJO_ADDRESS=$HOST4 --no-pager)
    [[ $text == *"Subject: banjo banned $HOST4 in jail sshd"* && $text == *"banjoctl unban sshd $HOST4"* ]] ||
        fail "journalctl -x does not show the catalog text: $text"
    log "journal: ban entry with BANJO_ADDRESS=$HOST4, journalctl -x shows the catalog text (indexed by dpkg's trigger)"
}

check_reload() {
    local pid
    pid=$(main_pid)
    ct systemctl reload banjo || fail "systemctl reload banjo"
    [[ $(ct systemctl is-active banjo) == active && $(main_pid) == "$pid" ]] || fail "reload restarted or stopped banjod"
    ct journalctl -u banjo -o cat --no-pager | grep -q '^Reloaded banjo.service' || fail "systemd did not log the reload"
    banned || fail "reload lost the ban"

    printf '[jail.sshd]\nmaxretry = "many"\n' >"$ROOT/etc/banjo/jail.d/zz-broken.toml"
    ct systemctl reload banjo 2>/dev/null && fail "systemctl reload accepted a broken configuration"
    [[ $(ct systemctl is-active banjo) == active && $(main_pid) == "$pid" ]] ||
        fail "a rejected reload stopped or restarted banjod"
    ct journalctl -u banjo -o export --no-pager | grep -q '^MESSAGE_ID=0a70a0441d984a36864e3eacf98eb1df' ||
        fail "no 'configuration rejected' entry in the journal"
    banned || fail "a rejected reload lost the ban"
    rm -f "$ROOT/etc/banjo/jail.d/zz-broken.toml"
    ct systemctl reload banjo || fail "systemctl reload after fixing the configuration"
    log "systemctl reload: works (same PID, ban kept); a broken config is refused, banjod keeps running"
}

check_restart() {
    local pid ban
    pid=$(main_pid)
    ct systemctl restart banjo || fail "systemctl restart banjo"
    [[ $(ct systemctl is-active banjo) == active ]] || fail "banjo.service not active after restart"
    [[ $(main_pid) != "$pid" ]] || fail "systemctl restart did not start a new banjod"
    ban=$(manager ListBans s sshd)
    [[ $ban == *"\"sshd\" \"$HOST4\" "*'"restored"'* ]] || fail "the ban was not restored from /var/lib/banjo: $ban"
    wait_until 20 backend_is ready || fail "BackendState $(property BackendState) after restart"
    wait_until 10 in_ipset || fail "$HOST4 not in banjo4 after restart"
    tcp_open "$CT4" 22 && fail "the attacker connects after systemctl restart"
    ct test -s /var/lib/banjo/banjo.db || fail "no state in /var/lib/banjo"
    log "systemctl restart: new banjod, ban restored from /var/lib/banjo, still blocked"
    note_status 1
}

# A file jail under the unit's real hardening: a log directory and file with the permissions
# Debian gives a service's logs (exim4's: the service's user and group adm, directory 2750, file
# 0640), written by that user. banjod (root without CAP_DAC_OVERRIDE) reads it only through
# SupplementaryGroups=adm; the failures it holds must ban, after a reload adds the jail.
check_log_file_jail() {
    local address=203.0.113.81 n
    ct install -d -o www-data -g adm -m 2750 /var/log/webapp || fail "creating /var/log/webapp"
    ct install -o www-data -g adm -m 0640 /dev/null /var/log/webapp/error.log || fail "creating error.log"
    cat >"$ROOT/etc/banjo/jail.d/zz-webapp.toml" <<'TOML'
[jail.webapp]
filter = "sshd"
maxretry = 3
logpath = ["/var/log/webapp/error.log"]
TOML
    ct systemctl reload banjo || fail "systemctl reload with the file jail"
    for ((n = 1; n <= 3; n++)); do
        ct runuser -u www-data -- sh -c "printf '%s web sshd[%d]: Failed password for root from $address port 22 ssh2\n' \"\$(date '+%b %e %H:%M:%S')\" $((4000 + n)) >>/var/log/webapp/error.log" ||
            fail "www-data could not write its log"
    done
    webapp_banned() { manager ListBans s webapp | grep -q "\"webapp\" \"$address\""; }
    wait_until 15 webapp_banned ||
        fail "failures in a www-data:adm 0640 log were not read: $(ct journalctl -u banjo -o cat --no-pager | tail -5)"
    log "a file jail reads a www-data:adm 0640 log in a 2750 directory under the unit's hardening (group adm): $address banned"
    manager Unban ss webapp "$address" >/dev/null || fail "Unban webapp $address"
    rm -f "$ROOT/etc/banjo/jail.d/zz-webapp.toml"
    ct systemctl reload banjo || fail "systemctl reload without the file jail"
}

# A damaged state file: moved aside, the ban rebuilt from banjod's own journal entries (which
# the real journald attributes to banjod's uid), the catalog saying what was lost.
check_damaged_state() {
    local corrupt=fee716e33a9749678b9b5ce1d16d984c rebuilt=ee51d510686c4769b9f6cf0ce901a6e8 ban entry text
    ct systemctl stop banjo || fail "systemctl stop banjo"
    ct truncate -s 0 /var/lib/banjo/banjo.db || fail "truncate /var/lib/banjo/banjo.db"
    ct systemctl start banjo || fail "banjo.service does not start on a zero-length state file"
    [[ $(ct systemctl is-active banjo) == active ]] || fail "banjo.service not active on a zero-length state file"
    ban=$(manager ListBans s sshd)
    [[ $ban == *"\"sshd\" \"$HOST4\" "*'"restored"'* ]] || fail "the ban was not rebuilt after the state file was damaged: $ban"
    ct sh -c 'ls /var/lib/banjo/banjo.db.corrupt-*' >/dev/null || fail "the damaged state file was not moved aside"
    entry=$(ct journalctl -u banjo MESSAGE_ID=$corrupt -o export --no-pager)
    [[ $entry == *"BANJO_STATE_FILE=/var/lib/banjo/banjo.db.corrupt-"* && $entry == *"zero-length"* ]] ||
        fail "no journal entry MESSAGE_ID=$corrupt naming the moved file: $entry"
    text=$(ct journalctl -x -u banjo MESSAGE_ID=$corrupt --no-pager)
    [[ $text == *"Subject: banjo's state file was damaged and is moved aside"* && $text == *"What to do"* ]] ||
        fail "journalctl -x does not explain the moved state file: $text"
    ct journalctl -u banjo MESSAGE_ID=$rebuilt BANJO_REBUILT_FROM=journal -o export --no-pager |
        grep -qx 'BANJO_REBUILT_BANS=1' || fail "no journal entry says the ban was rebuilt from the journal"
    [[ $(property StateHealth) == 's "ok"' ]] || fail "StateHealth $(property StateHealth) with a new state file"
    wait_until 10 in_ipset || fail "$HOST4 not in banjo4 after the rebuild"
    tcp_open "$CT4" 22 && fail "the attacker connects after the state file was damaged"
    log "zero-length state file: moved aside, the ban rebuilt from the journal, journalctl -x explains, still blocked"
}

check_unban() {
    [[ $(manager Unban ss "" "$HOST4") == "u 1" ]] || fail "Unban did not remove one ban"
    banned && fail "still listed after Unban"
    wait_until 10 bash -c "! timeout 10 nsenter -t $PID1 -a firewall-cmd --ipset=banjo4 --get-entries | grep -qx '$HOST4'" ||
        fail "$HOST4 still in banjo4 after Unban"
    wait_until 10 tcp_open "$CT4" 22 || fail "the attacker's connection does not come back after Unban"
    ct journalctl -u banjo -o export --no-pager | grep -q '^MESSAGE_ID=9b7fd027ac2540358579faa7bfa7e8f9' ||
        fail "no unban entry in the journal"
    log "Unban over D-Bus: out of banjo4, port 22 reachable again"
}

# polkit: the real polkitd decides for callers that are not root.
check_polkit() {
    local out
    as_user nobody busctl call org.banjo1 /org/banjo1 org.banjo1.Manager ListBans s "" >/dev/null ||
        fail "an unprivileged user cannot read the bans"
    out=$(as_user nobody busctl call org.banjo1 /org/banjo1 org.banjo1.Manager Ban sst sshd 203.0.113.9 0 2>&1) &&
        fail "polkit let an unprivileged user ban: $out"
    manager ListBans s "" | grep -q 203.0.113.9 && fail "a refused Ban was made"
    ct useradd --system --no-create-home --shell /usr/sbin/nologin banjo-admin || fail "useradd banjo-admin"
    mkdir -p "$ROOT/etc/polkit-1/rules.d"
    cat >"$ROOT/etc/polkit-1/rules.d/50-banjo-system-test.rules" <<'EOT'
// SPDX-License-Identifier: GPL-2.0-or-later
polkit.addRule(function(action, subject) {
    if (action.id.indexOf("org.banjo1.") == 0 && subject.user == "banjo-admin")
        return polkit.Result.YES;
});
EOT
    admin_bans() { as_user banjo-admin busctl call org.banjo1 /org/banjo1 org.banjo1.Manager Ban sst sshd 203.0.113.9 0 >/dev/null 2>&1; }
    # polkitd reads rules.d again when it changes (inotify): bounded wait.
    wait_until 15 admin_bans || fail "polkit rule for banjo-admin: Ban still refused"
    manager ListBans s sshd | grep -q '"sshd" "203.0.113.9" [0-9]* [0-9]* 0 "manual"' || fail "the admin's ban is not listed as manual"
    [[ $(as_user banjo-admin busctl call org.banjo1 /org/banjo1 org.banjo1.Manager Unban ss sshd 203.0.113.9) == "u 1" ]] ||
        fail "banjo-admin's Unban"
    log "polkit: nobody reads but may not ban (${out//$'\n'/ }); a rules.d rule lets banjo-admin ban and unban"
}

# Activation through the bus and through banjo-metrics.socket. The metrics answer also shows
# that IPAddressDeny=any leaves the passed socket alone.
check_activation() {
    local metrics
    ct systemctl stop banjo || fail "systemctl stop banjo"
    manager ListJails >/dev/null || fail "a call to org.banjo1 did not activate banjo.service"
    [[ $(ct systemctl is-active banjo) == active ]] || fail "bus activation did not start banjo.service"

    # A socket cannot start while its service runs (systemd refuses), so: stop, socket, connect.
    ct systemctl stop banjo || fail "systemctl stop banjo"
    ct systemctl enable --now banjo-metrics.socket >/dev/null 2>&1 || fail "systemctl enable --now banjo-metrics.socket"
    [[ $(ct systemctl is-active banjo) == inactive ]] || fail "banjo.service started before any connection to the socket"
    metrics=$(ct timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9469 && printf "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && cat <&3') ||
        fail "no answer on 127.0.0.1:9469"
    [[ $metrics == "HTTP/1.0 200"* && $metrics == *"banjo_info{"* ]] || fail "bad metrics answer: ${metrics:0:300}"
    [[ $(ct systemctl is-active banjo) == active ]] || fail "the metrics connection did not start banjo.service"
    log "bus activation and banjo-metrics.socket activation start banjo.service; metrics answer under IPAddressDeny=any"
}

# The watchdog: banjod pings systemd (the shipped 60 s is too long to wait for here).
check_watchdog() {
    local pid
    mkdir -p "$ROOT/etc/systemd/system/banjo.service.d"
    printf '[Service]\nWatchdogSec=3s\n' >"$ROOT/etc/systemd/system/banjo.service.d/50-system-test-watchdog.conf"
    ct systemctl daemon-reload && ct systemctl restart banjo || fail "restart with WatchdogSec=3s"
    pid=$(main_pid)
    sleep 7
    [[ $(ct systemctl is-active banjo) == active && $(main_pid) == "$pid" ]] ||
        fail "banjod did not survive 7 s with WatchdogSec=3s (no watchdog pings?)"
    [[ $(ct systemctl show -P WatchdogTimestampMonotonic banjo) -gt $(ct systemctl show -P ExecMainStartTimestampMonotonic banjo) ]] ||
        fail "systemd saw no watchdog ping from banjod"
    log "watchdog: banjod pings systemd (WatchdogSec=3s for 7 s)"
}

# backend = "nftables", no firewalld: the same kind of attack, banned in table inet banjo. The
# booted container is reused: firewalld stopped and masked (its table goes with it), the
# configuration switched, banjo restarted; at the end all of it back for the checks after.
# The attacker is the host's IPv6 address (its IPv4 one was banned and unbanned before).
check_nftables_backend() {
    local n out
    ct systemctl stop banjo || fail "systemctl stop banjo"
    ct systemctl mask --now firewalld >/dev/null 2>&1 || fail "systemctl mask --now firewalld"
    [[ $(ct systemctl is-active firewalld) != active ]] || fail "firewalld still running"
    # CleanupOnExit=yes (Debian's default) removes firewalld's table; without it, remove it here.
    ct nft list tables | grep -q 'inet firewalld' && { log "firewalld left its table: deleting it"; ct nft delete table inet firewalld; }
    sed -i 's/^backend = .*/backend = "nftables"/' "$ROOT/etc/banjo/banjo.toml"
    grep -q '^backend = "nftables"' "$ROOT/etc/banjo/banjo.toml" || fail "switching banjo.toml to nftables"
    ct systemctl start banjo || fail "systemctl start banjo with backend nftables"
    [[ $(property Backend) == 's "nftables"' ]] || fail "Backend is $(property Backend), not nftables"
    wait_until 20 backend_is ready ||
        fail "nftables backend $(property BackendState): $(ct journalctl -u banjo -p warning -o cat --no-pager | tail -3)"

    tcp_open "$CT6" 22 || fail "no firewall, no ban, yet [$CT6]:22 is unreachable"
    banned6() { manager ListBans s sshd | grep -q "\"sshd\" \"$HOST6\""; }
    banned6 && fail "$HOST6 is banned before the IPv6 attack"
    for ((n = 1; n <= MAXRETRY; n++)); do
        out=$(attack "$CT6")
        [[ $out == *"Permission denied"* ]] || fail "IPv6 login attempt $n was not refused by sshd: $out"
    done
    wait_until 10 banned6 || fail "$HOST6 not banned with backend nftables: $(manager ListBans s sshd)"
    in_nft_set() { ct nft list set inet banjo banjo6 | grep -q "$HOST6 timeout"; }
    wait_until 10 in_nft_set || fail "$HOST6 not in set inet banjo banjo6: $(ct nft list table inet banjo)"
    tcp_open "$CT6" 22 && fail "the banned attacker connects over IPv6 with backend nftables"
    tcp_open "$CT4" 22 || fail "IPv4 from the host (not banned) no longer reaches sshd (nftables)"
    log "nftables: banned after $MAXRETRY failed logins, $HOST6 in inet banjo banjo6 (with its timeout), port 22 closed to it"

    ct systemctl stop banjo || fail "systemctl stop banjo (nftables)"
    in_nft_set || fail "the ban left the kernel when banjod stopped"
    tcp_open "$CT6" 22 && fail "the attacker connects while banjod is stopped"
    ct systemctl restart banjo || fail "systemctl restart banjo (nftables)"
    wait_until 20 backend_is ready || fail "BackendState $(property BackendState) after restart (nftables)"
    [[ $(manager ListBans s sshd) == *"\"sshd\" \"$HOST6\" "*'"restored"'* ]] || fail "the ban was not restored (nftables)"
    in_nft_set || fail "$HOST6 not in banjo6 after systemctl restart banjo"
    tcp_open "$CT6" 22 && fail "the attacker connects after systemctl restart banjo (nftables)"
    log "nftables: the ban stays in the kernel while banjod is stopped and after systemctl restart banjo"

    [[ $(manager Unban ss "" "$HOST6") == "u 1" ]] || fail "Unban (nftables)"
    wait_until 10 tcp_open "$CT6" 22 || fail "no connection after Unban (nftables)"
    log "nftables: Unban opens port 22 again"

    # Back to firewalld for the checks after this one.
    sed -i 's/^backend = .*/backend = "firewalld"/' "$ROOT/etc/banjo/banjo.toml"
    ct systemctl unmask firewalld >/dev/null 2>&1 && ct systemctl start firewalld || fail "starting firewalld again"
    ct systemctl restart banjo || fail "systemctl restart banjo (back to firewalld)"
    wait_until 30 backend_is ready || fail "BackendState $(property BackendState) back on firewalld"
}

# banjod's health under the unit's hardening over the whole run.
check_health() {
    local journal bad warnings
    journal=$(ct journalctl -u banjo -o cat --no-pager)
    for bad in 'Main process exited' 'Failed with result' 'Watchdog timeout' 'core-dump' 'SIGSYS'; do
        [[ $journal == *"$bad"* ]] && fail "banjo.service: '$bad' in its journal"
    done
    [[ $(ct systemctl show -P NRestarts banjo) == 0 ]] || fail "banjo.service was restarted by systemd"
    warnings=$(ct journalctl _COMM=banjod -p warning --no-pager -o cat | head -5)
    [[ -n $warnings ]] && log "banjod's warnings and errors (one expected, the broken config): $warnings"
    return 0
}

# dpkg -r takes the ipset definitions away: the zone must no longer name them, or firewalld's
# next reload fails (INVALID_IPSET). dpkg --purge takes the configuration and the state.
check_package_removal() {
    local source zone
    rm -f "$ROOT/etc/systemd/system/banjo.service.d/50-system-test-watchdog.conf"
    ct firewall-cmd --permanent --zone=drop --list-sources | grep -qw ipset:banjo4 ||
        fail "before dpkg -r, ipset:banjo4 is not a source of zone drop in the permanent configuration"
    ct_long 300 dpkg -r banjo >"$RUN/dpkg-remove.log" 2>&1 || { cat "$RUN/dpkg-remove.log" >&2; fail "dpkg -r banjo"; }
    [[ $(ct systemctl is-active banjo) != active ]] || fail "banjo.service still runs after dpkg -r"
    [[ $(ct systemctl is-active banjo-metrics.socket) != active ]] || fail "banjo-metrics.socket still listens after dpkg -r"
    for source in ipset:banjo4 ipset:banjo6; do
        # (firewall-cmd says "no zone" on stderr, with a non-zero status)
        zone=$(ct firewall-cmd --permanent --get-zone-of-source=$source 2>/dev/null) &&
            fail "after dpkg -r, $source is still a source of zone $zone in firewalld's permanent configuration"
        zone=$(ct firewall-cmd --get-zone-of-source=$source 2>/dev/null) &&
            fail "after dpkg -r, $source is still a source of zone $zone at runtime"
    done
    ct firewall-cmd --reload >/dev/null || fail "firewall-cmd --reload fails after dpkg -r banjo"
    [[ $(ct firewall-cmd --state) == running ]] || fail "firewalld is not running after its reload"
    rm -f "$ROOT/etc/banjo/jail.d/zz-system-test.toml"
    ct_long 120 dpkg --purge banjo >"$RUN/dpkg-purge.log" 2>&1 || { cat "$RUN/dpkg-purge.log" >&2; fail "dpkg --purge banjo"; }
    [[ ! -e $ROOT/var/lib/banjo && ! -e $ROOT/etc/banjo ]] || fail "dpkg --purge left /var/lib/banjo or /etc/banjo"
    log "dpkg -r: metrics socket stopped, banjo4/banjo6 unbound from their zone, firewalld reloads cleanly;" \
        "dpkg --purge removed config and state"
}

CHECKS=(
    check_firewalld_and_sshd
    check_package_install
    check_cockpit_package
    check_backend_ready
    check_unit_hardening
    check_ban
    check_forged_entries
    check_journal_entry
    check_reload
    check_restart
    check_log_file_jail
    check_damaged_state
    check_unban
    check_polkit
    check_activation
    check_watchdog
    check_nftables_backend
    check_health
    check_package_removal
)

# The Cockpit page the package installs is a package Cockpit's bridge finds (cockpit-ws and
# cockpit-bridge are in the root file system, as an administrator would install them).
check_cockpit_package() {
    local listed
    listed=$(ct cockpit-bridge --packages) || fail "cockpit-bridge --packages fails in the container"
    grep -q '^banjo ' <<<"$listed" || fail "cockpit-bridge --packages does not list banjo: $listed"
    log "cockpit-bridge --packages: $(grep '^banjo ' <<<"$listed")"
}

# --- the run ----------------------------------------------------------------------------------------
container_require
for tool in dpkg-buildpackage lintian; do
    command -v "$tool" >/dev/null || skip "$tool not found (bash scripts/install-deps installs debhelper, lintian)"
done
log "building the package (scripts/build-deb $BUILD/debian-package)"
DEB=$(bash "$SOURCE_ROOT/scripts/build-deb" "$BUILD/debian-package") || fail "building the Debian package"
log "package: $DEB"
container_lock
container_refuse_used_ranges
container_rootfs "${PACKAGES[@]}"
container_mount
container_boot
container_network
for check in "${CHECKS[@]}"; do
    "$check"
done
echo "PASS ($((SECONDS - T0)) s)"
