# SPDX-License-Identifier: GPL-2.0-or-later
# A client that caches org.banjo1's properties as Cockpit or any D-Bus proxy does: one GetAll per
# object, then only PropertiesChanged (changed values taken, invalidated ones read again).
# property_cache.py CONFIG-PATH runs a list of changes (ban, unban, enable/disable, ignore
# lists, reloads that change each jail setting, firewalld stopped and started, the state's file
# system full and freed); after each it waits until the cache agrees
# with a fresh GetAll on every property the introspection XML marks as emitting changes, and
# fails naming the stale ones if they never do (a signal that was never sent).
import os
import re
import subprocess
import sys
import time

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

config_path = sys.argv[1]
BUS = "org.banjo1"
MANAGER = "org.banjo1.Manager"
JAIL = "org.banjo1.Jail"
PROPS = "org.freedesktop.DBus.Properties"
# Not emitting (XML: EmitsChangedSignal false or const): a client must read them itself.
SILENT = {"TrackedAddresses", "TotalFailures", "JournalCursor", "EntriesProcessed", "FailuresFound",
          "Version", "Name"}

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SystemBus()
cache = {}   # path -> {name: value}
loop = GLib.MainLoop()


def iface_of(path):
    return MANAGER if path == "/org/banjo1" else JAIL


def fresh(path):
    return dict(bus.get_object(BUS, path).GetAll(iface_of(path), dbus_interface=PROPS))


def on_changed(interface, changed, invalidated, path=None):
    if path not in cache or interface != iface_of(path):
        return
    cache[path].update(changed)
    for name in invalidated:
        cache[path][name] = fresh(path)[name]


bus.add_signal_receiver(on_changed, signal_name="PropertiesChanged", dbus_interface=PROPS,
                        bus_name=BUS, path_keyword="path")


def paths():
    manager = bus.get_object(BUS, "/org/banjo1")
    return ["/org/banjo1"] + [str(j[1]) for j in manager.ListJails(dbus_interface=MANAGER)]


def load_cache():
    for path in paths():
        if path not in cache:
            cache[path] = fresh(path)


def stale():
    out = []
    for path in paths():
        if path not in cache:
            continue   # a jail new to this client: it would GetAll it on InterfacesAdded
        now = fresh(path)
        for name, value in now.items():
            if name not in SILENT and cache[path].get(name) != value:
                out.append("%s %s: cached %r, read %r" % (path, name, cache[path].get(name), value))
    return out


def settle(step):
    deadline = time.time() + 10
    while True:
        context = loop.get_context()
        while context.pending():
            context.iteration(False)
        wrong = stale()
        if not wrong:
            print("ok:", step, flush=True)
            return
        if time.time() > deadline:
            print("FAIL after %s:\n  %s" % (step, "\n  ".join(wrong)), flush=True)
            sys.exit(1)
        context.iteration(False)
        time.sleep(0.05)


def manager():
    return dbus.Interface(bus.get_object(BUS, "/org/banjo1"), MANAGER)


def jail(name):
    return dbus.Interface(bus.get_object(BUS, "/org/banjo1/jail/" + name), JAIL)


def sandbox(*argv):
    script = os.path.join(os.environ["BANJO_SOURCE_ROOT"], "tests/integration/lib/sandbox.sh")
    subprocess.run(["bash", script] + list(argv), check=True)


def wait_property(name, wanted, seconds):
    """Waits until a fresh read of the Manager's NAME says WANTED (the change must happen
    before settle can show that its signal was sent)."""
    deadline = time.time() + seconds
    while str(fresh("/org/banjo1")[name]) != wanted:
        if time.time() > deadline:
            print("FAIL: %s stayed %r, expected %r" % (name, str(fresh("/org/banjo1")[name]), wanted),
                  flush=True)
            sys.exit(1)
        time.sleep(0.1)


def fill_state_disk():
    filler = os.path.join(os.environ["BANJO_STATE_DIR"], "filler")
    # Until the file system refuses ("No space left on device" is the point).
    subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=4k"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return filler


def rewrite(pattern, replacement):
    text = open(config_path).read()
    new = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert new != text, pattern
    open(config_path, "w").write(new)


load_cache()
manager().Ban("sshd", "198.51.100.20", dbus.UInt64(0))
settle("Ban")
manager().Unban("sshd", "198.51.100.20")
settle("Unban")
jail("sshd").AddIgnore("198.51.100.64/28")
settle("AddIgnore")
jail("sshd").RemoveIgnore("198.51.100.64/28")
settle("RemoveIgnore")
manager().Ban("sshd", "198.51.100.21", dbus.UInt64(0))
settle("Ban before disabling")
jail("sshd").SetEnabled(False)
settle("SetEnabled(false)")
jail("sshd").SetEnabled(True)
settle("SetEnabled(true)")
if os.environ.get("BANJO_TEST_BACKEND") != "nftables":
    sandbox("firewalld-stop")
    wait_property("BackendState", "unavailable", 20)
    settle("firewalld stopped")
    sandbox("firewalld-start", "--with-banjo")
    wait_property("BackendState", "ready", 30)
    settle("firewalld started again")
filler = fill_state_disk()
# A ban must be written, and the full disk refuses it.
manager().Ban("sshd", "198.51.100.22", dbus.UInt64(0))
wait_property("StateHealth", "degraded", 20)
settle("state disk full")
os.remove(filler)
# Retries back off up to a minute.
wait_property("StateHealth", "ok", 90)
settle("state disk freed")
for pattern, replacement, what in [
    (r"^maxretry = 3$", "maxretry = 4", "MaxRetry"),
    (r"^findtime = \"10m\"$", "findtime = \"20m\"", "FindTimeUSec"),
    (r"^bantime = \"1h\"$", "bantime = \"2h\"", "BanTimeUSec"),
    (r"^mode = \"normal\"$", "mode = \"aggressive\"", "Mode"),
    (r"^ignore = \[\]$", "ignore = [\"203.0.113.128/25\"]", "IgnoreList"),
    (r"^# journal-match$", "journal-match = [[\"SYSLOG_IDENTIFIER=sshd\", \"_UID=0\"]]", "JournalMatch"),
    (r"^filter = \"sshd\"\nmode = \"aggressive\"$", "filter = \"dropbear\"", "Filter"),
    (r"^enabled = true$", "enabled = false", "Enabled"),
]:
    rewrite(pattern, replacement)
    manager().Reload()
    settle("Reload changing " + what)
print("PASS", flush=True)
