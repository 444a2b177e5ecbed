#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# banjo's Cockpit page in headless Chromium (cockpit_page_test.py drives it over the DevTools
# protocol), served by a cockpit-ws of the test's own with local sessions (no login) on the
# sandbox's private bus: one as root, one as nobody. banjod bans through firewalld in the
# sandbox's namespace. The package is installed from the build's install list (tag cockpit)
# into a directory of the test, found by the bridge through XDG_DATA_HOME. Screenshots go to
# BUILD_ROOT/tests/browser/screenshots.
# Usage: cockpit_page_test.sh BANJOD SOURCE_ROOT BUILD_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2 BUILD_ROOT=$3
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
COCKPIT_WS=/usr/lib/cockpit/cockpit-ws
for tool in "$COCKPIT_WS" /usr/bin/cockpit-bridge /usr/bin/chromium setpriv; do
    command -v "$tool" >/dev/null || { echo "$tool missing (scripts/install-deps)"; exit 77; }
done
/usr/bin/python3 -c 'import websocket' 2>/dev/null || { echo "python3-websocket missing"; exit 77; }
sandbox_with_firewalld

banjod_prepare <<'TOML'
[defaults]
bantime = "1h"
findtime = "10m"
maxretry = 3
ignore-self = false

[jail.sshd]
filter = "sshd"

[jail.sshd-aggressive]
filter = "sshd"
mode = "aggressive"
maxretry = 5
TOML
banjod_start
export BANJOD_PID SANDBOX_SCRIPT

echo "1. bans for the chart: 5 in sshd, 2 of them also in sshd-aggressive"
journal_failures 3 198.51.100.10 198.51.100.11 198.51.100.12
journal_failures 5 198.51.100.13 198.51.100.14
for a in 198.51.100.1{0..4}; do wait_until 20 has_entry "$a" || fail "$a not banned"; done
wait_until 20 bash -c '[[ $(busctl --system get-property org.banjo1 /org/banjo1 org.banjo1.Manager ActiveBans) == "u 7" ]]' \
    || fail "7 bans expected: $(manager ListBans s '')"

echo "2. the package, installed as meson installs it"
pkgroot=$BANJO_SANDBOX_DIR/install
meson install -C "$BUILD_ROOT" --no-rebuild --destdir "$pkgroot" --tags cockpit >"$BANJO_SANDBOX_DIR/install.log" 2>&1 \
    || { cat "$BANJO_SANDBOX_DIR/install.log"; fail "meson install --tags cockpit"; }
data=$pkgroot/usr/share
[[ -f $data/cockpit/banjo/manifest.json ]] || fail "no manifest.json in $data/cockpit/banjo"
XDG_DATA_HOME=$data cockpit-bridge --packages | grep -q '^banjo ' || fail "cockpit-bridge --packages does not list banjo"

echo "3. cockpit-ws as root and as nobody, each with a local session"
chmod 755 "$BANJO_SANDBOX_DIR"
chmod 666 "$BANJO_SANDBOX_DIR/bus"
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start_ws() {   # PORT [USER]
    local port=$1 user=${2:-} run=()
    [[ -n $user ]] && run=(setpriv --reuid="$user" --regid=nogroup --clear-groups --reset-env)
    "${run[@]}" env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" XDG_DATA_HOME="$data" HOME=/nonexistent \
        "$COCKPIT_WS" --no-tls -a 127.0.0.1 -p "$port" --local-session=cockpit-bridge \
        >>"$BANJO_SANDBOX_DIR/cockpit-ws-${user:-root}.log" 2>&1 &
    sandbox_remember $! "cockpit-ws-${user:-root}"
    wait_until 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null || fail "cockpit-ws on port $port did not come up"
}
root_port=$(free_port)
start_ws "$root_port"
nobody_port=$(free_port)
start_ws "$nobody_port" nobody
page=cockpit/@localhost/banjo/index.html

echo "4. the page in Chromium"
shots=$BUILD_ROOT/tests/browser/screenshots
rm -rf "$shots"
mkdir -p "$shots"
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$BANJO_SOURCE_ROOT/tests/browser /usr/bin/python3 "$BANJO_SOURCE_ROOT/tests/browser/cockpit_page_test.py" \
    "http://127.0.0.1:$root_port/$page" "http://127.0.0.1:$nobody_port/$page" "$shots" "$(free_port)" \
    || fail "the page test failed (screenshots in $shots; cockpit-ws logs in $BANJO_SANDBOX_DIR)"
ls "$shots"/*.png
echo "PASS"
