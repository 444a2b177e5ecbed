# SPDX-License-Identifier: GPL-2.0-or-later
"""Soak of a live banjod: mixed traffic for MINUTES with a fault every FAULT_EVERY seconds.

Run by bench/soak inside the sandbox (private bus, firewalld in a namespace, the state on a
tmpfs of its own); not meant to be started by hand. Standard library only.

Three threads:
  traffic  every second, one batch of sshd journal entries written with make-journal into a
           file of the current 5-minute slot: a new attacker starts (three failures 15 s
           apart: banned), a new near miss (two failures 20 s apart: never banned), ten
           accepted logins; every 90 s a manual Ban over D-Bus, every second one lifted by
           Unban 45 s later (skipped while a fault makes the outcome depend on luck).
  faults   in turn: firewalld restarted; the state's file system filled for 40 s and freed;
           banjod killed (SIGKILL) and started again; journal files older than 15 minutes
           removed (vacuum); the file system filled, banjod killed once it says its state is
           not saved and started on the full disk, freed 20 s later.
  sampler  every 10 s: banjod's RSS, ActiveBans, StateHealth, BackendState.
At the end: no new attackers for 40 s, then wait until banjod read everything; the bans in
firewalld's banjo4/banjo6 and in banjod's ListBans must equal the expected set (every
attacker, the manual bans not lifted), and again after a clean restart.
"""

import argparse
import ipaddress
import json
import os
import signal
import subprocess
import sys
import threading
import time

BOOT_ID = "0123456789abcdef0123456789abcdef"
MANAGER = ["org.banjo1", "/org/banjo1", "org.banjo1.Manager"]


def now_us():
    return time.time_ns() // 1000


def canonical(address):
    return str(ipaddress.ip_address(address))


class Soak:
    def __init__(self, args):
        self.a = args
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.end_traffic = threading.Event()
        self.banjod = None
        self.banjod_pid = None
        self.log = open(os.path.join(args.dir, "banjod.log"), "ab")
        self.expected = set()        # addresses that must be banned at the end
        self.attackers = 0
        self.near_misses = 0
        self.entries = 0
        self.pending = []            # (due time, address, failure number)
        self.manual = {}             # address -> unban due time (None: stays)
        self.manual_ok = True        # no fault in progress whose outcome a manual request would depend on
        self.manual_done = {"ban": 0, "unban": 0, "refused": 0}
        self.faults = []             # (kind, start, seconds, detail)
        self.samples = []
        self.last_ts = 0
        self.pid = 1000
        self.errors = []

    # ---- processes ---------------------------------------------------------------------------
    def remember(self, pid, label):
        with open(f"/proc/{pid}/stat") as f:
            start = f.read().rsplit(")", 1)[1].split()[19]
        with open(os.path.join(os.environ["BANJO_SANDBOX_DIR"], "pids"), "a") as f:
            f.write(f"{pid} {start} {label}\n")

    def start_banjod(self):
        self.banjod = subprocess.Popen(
            [self.a.banjod, "--config", os.path.join(self.a.dir, "etc/banjo.toml"), "--state-dir", self.a.state,
             "--journal-directory", os.path.join(self.a.dir, "journal")],
            stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        self.banjod_pid = self.banjod.pid
        self.remember(self.banjod.pid, "banjod")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if subprocess.run(["busctl", "--system", "status", "org.banjo1"], capture_output=True).returncode == 0:
                return time.monotonic()
            if self.banjod.poll() is not None:
                raise RuntimeError(f"banjod exited with {self.banjod.returncode} while starting")
            time.sleep(0.1)
        raise RuntimeError("banjod did not appear on the bus")

    def stop_banjod(self, sig):
        self.banjod.send_signal(sig)
        self.banjod.wait(timeout=60)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if subprocess.run(["busctl", "--system", "status", "org.banjo1"], capture_output=True).returncode != 0:
                break
            time.sleep(0.05)

    def sandbox(self, *args):
        return subprocess.run([self.a.sandbox, *args], capture_output=True, text=True, timeout=120)

    # ---- D-Bus -------------------------------------------------------------------------------
    def busctl(self, *args, timeout=30):
        r = subprocess.run(["busctl", "--system", *args], capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout.strip(), r.stderr.strip()

    def prop(self, name):
        rc, out, _ = self.busctl("get-property", *MANAGER, name)
        if rc != 0:
            return None
        value = out.split(" ", 1)[1]
        return value.strip('"')

    def list_bans(self):
        rc, out, err = self.busctl("--json=short", "call", *MANAGER, "ListBans", "s", "sshd", timeout=60)
        if rc != 0:
            raise RuntimeError("ListBans: " + err)
        return {canonical(row[1]) for row in json.loads(out)["data"][0]}

    def firewalld_entries(self):
        out = set()
        for ipset in ("banjo4", "banjo6"):
            r = self.sandbox("entries", ipset)
            if r.returncode != 0:
                raise RuntimeError(f"getEntries {ipset}: {r.stderr}")
            out |= {canonical(line) for line in r.stdout.split() if line}
        return out

    # ---- traffic -----------------------------------------------------------------------------
    def entry(self, message, ts):
        self.pid += 1
        return (f"__REALTIME_TIMESTAMP={ts}\n__MONOTONIC_TIMESTAMP={ts}\n_BOOT_ID={BOOT_ID}\n"
                f"_SYSTEMD_UNIT=ssh.service\n_EXE=/usr/sbin/sshd\n_COMM=sshd\n_UID=0\nSYSLOG_IDENTIFIER=sshd\n"
                f"_PID={self.pid}\nMESSAGE={message}\n\n")

    def attacker_address(self, n):
        if n < 250:
            return f"198.51.100.{n + 1}"
        if n < 500:
            return f"203.0.113.{n - 249}"
        return f"2001:db8:1::{n:x}"

    def write_batch(self, started):
        t = time.monotonic()
        lines = []
        ts = max(now_us(), self.last_ts + 1)
        if not self.end_traffic.is_set():
            a = self.attacker_address(self.attackers)
            self.attackers += 1
            self.pending += [(t, a, 1), (t + 15, a, 2), (t + 30, a, 3)]
            m = f"2001:db8:2::{self.near_misses:x}"
            self.near_misses += 1
            self.pending += [(t, m, 1), (t + 20, m, 0)]
        due = [p for p in self.pending if p[0] <= t]
        self.pending = [p for p in self.pending if p[0] > t]
        for _, address, n in due:
            lines.append(self.entry(f"Failed password for invalid user admin from {address} port 4242 ssh2", ts))
            ts += 1
            if n == 3:
                with self.lock:
                    self.expected.add(canonical(address))
        for i in range(10):
            lines.append(self.entry(f"Accepted publickey for deploy from 2001:db8:3::{i:x} port 50000 ssh2", ts))
            ts += 1
        self.last_ts = ts
        slot = int((time.monotonic() - started) // 300)
        r = subprocess.run([self.a.make_journal, "-", os.path.join(self.a.dir, "journal"), f"soak-{slot:03d}"],
                           input="".join(lines).encode(), capture_output=True)
        if r.returncode != 0:
            self.errors.append("make-journal: " + r.stderr.decode()[-300:])
        self.entries += len(lines)

    def manual_requests(self, t):
        with self.lock:
            allowed = self.manual_ok
        for address, due in list(self.manual.items()):
            if due is not None and due <= t and allowed:
                rc, _, err = self.busctl("call", *MANAGER, "Unban", "ss", "sshd", address)
                if rc == 0:
                    with self.lock:
                        self.expected.discard(canonical(address))
                        self.manual[address] = None
                    self.manual_done["unban"] += 1
                else:
                    self.manual_done["refused"] += 1
        if allowed and int(t) % 90 == 0:
            k = len(self.manual)
            address = f"2001:db8:4::{k:x}"
            rc, _, err = self.busctl("call", *MANAGER, "Ban", "sst", "sshd", address, "0")
            if rc == 0:
                with self.lock:
                    self.expected.add(canonical(address))
                self.manual[address] = t + 45 if k % 2 == 0 else None
                self.manual_done["ban"] += 1
            else:
                self.manual_done["refused"] += 1

    def traffic(self, started):
        next_tick = time.monotonic()
        last_manual = -1
        while not self.stop.is_set():
            self.write_batch(started)
            t = time.monotonic() - started
            if int(t) != last_manual:
                last_manual = int(t)
                try:
                    self.manual_requests(t)
                except Exception as e:  # a D-Bus call that timed out during a fault: next second
                    self.errors.append(f"manual request: {e}")
            next_tick += 1
            self.stop.wait(max(0, next_tick - time.monotonic()))
            if self.end_traffic.is_set() and not self.pending:
                return

    # ---- faults ------------------------------------------------------------------------------
    def fill(self):
        """Writes zeros until the file system refuses: unbuffered, so nothing is left to flush.

        First the WAL is emptied (a checkpoint by a second connection, as an administrator's
        sqlite3 could run): a WAL that grew before takes small commits without a new block, and
        a full disk would then only bite minutes later."""
        subprocess.run(["sqlite3", "-cmd", ".timeout 5000", os.path.join(self.a.state, "banjo.db"),
                        "PRAGMA wal_checkpoint(TRUNCATE)"], capture_output=True, timeout=30)
        fd = os.open(os.path.join(self.a.state, "filler"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (65536, 512, 1):
                block = b"\0" * size
                try:
                    while True:
                        os.write(fd, block)
                except OSError:
                    pass
        finally:
            os.close(fd)

    def free(self):
        try:
            os.unlink(os.path.join(self.a.state, "filler"))
        except FileNotFoundError:
            pass

    def wait_health_ok(self, timeout=90):
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.prop("StateHealth") == "ok":
                return time.monotonic() - start
            time.sleep(0.5)
        self.errors.append(f"StateHealth not ok {timeout} s after the disk was freed")
        return None

    def fault(self, kind, started):
        t0 = time.monotonic()
        detail = {}
        if kind == "firewalld-restart":
            self.sandbox("firewalld-stop")
            r = self.sandbox("firewalld-start")
            if r.returncode != 0:
                self.errors.append("firewalld did not come back: " + r.stderr[-300:])
            detail["entries_after_restart"] = len(self.firewalld_entries())
        elif kind == "disk-full":
            self.fill()
            time.sleep(40)
            detail["health_while_full"] = self.prop("StateHealth")
            self.free()
            detail["seconds_to_ok"] = self.wait_health_ok()
        elif kind == "kill-9":
            with self.lock:
                self.manual_ok = False   # a request killed in flight may or may not have been made
            self.stop_banjod(signal.SIGKILL)
            self.start_banjod()
            detail["seconds_to_bus"] = round(time.monotonic() - t0, 2)
            with self.lock:
                self.manual_ok = True
        elif kind == "journal-vacuum":
            slot = int((time.monotonic() - started) // 300)
            removed = 0
            journal = os.path.join(self.a.dir, "journal")
            for name in os.listdir(journal):
                if name.startswith("soak-") and name.endswith(".journal"):
                    if int(name[5:8]) <= slot - 3:
                        os.unlink(os.path.join(journal, name))
                        removed += 1
            detail["files_removed"] = removed
        elif kind == "disk-full-kill-9":
            with self.lock:
                self.manual_ok = False
            self.fill()
            # A WAL that has grown before takes small commits without new blocks: the disk only
            # bites once banjod needs more. Killed once it did (or after a minute).
            deadline = time.monotonic() + 60
            while self.prop("StateHealth") == "ok" and time.monotonic() < deadline:
                time.sleep(1)
            detail["health_before_kill"] = self.prop("StateHealth")
            self.stop_banjod(signal.SIGKILL)
            self.start_banjod()
            time.sleep(5)
            detail["health_on_full_disk"] = self.prop("StateHealth")
            time.sleep(15)
            self.free()
            detail["seconds_to_ok"] = self.wait_health_ok()
            with self.lock:
                self.manual_ok = True
        self.faults.append({"kind": kind, "at": round(t0 - started, 1), "seconds": round(time.monotonic() - t0, 1),
                            **detail})
        print(f"  {time.monotonic() - started:7.0f} s  {kind:17} {json.dumps(detail)}", flush=True)

    def fault_loop(self, started):
        kinds = ["firewalld-restart", "disk-full", "kill-9", "journal-vacuum", "disk-full-kill-9"]
        i = 0
        while not self.stop.is_set():
            due = started + (i + 1) * self.a.fault_every
            if due > started + self.a.minutes * 60 - 60:
                return   # the last minute is quiet: the end is checked on a settled banjod
            if self.stop.wait(max(0, due - time.monotonic())):
                return
            try:
                self.fault(kinds[i % len(kinds)], started)
            except Exception as e:
                self.errors.append(f"fault {kinds[i % len(kinds)]}: {e}")
            i += 1

    # ---- sampling ----------------------------------------------------------------------------
    def rss_kib(self):
        try:
            with open(f"/proc/{self.banjod_pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None

    def sampler(self, started):
        while not self.stop.wait(10):
            self.samples.append({"t": round(time.monotonic() - started), "pid": self.banjod_pid,
                                 "rss_kib": self.rss_kib(), "active_bans": self.prop("ActiveBans"),
                                 "state": self.prop("StateHealth"), "backend": self.prop("BackendState")})

    # ---- the run -----------------------------------------------------------------------------
    def settle(self, timeout=180):
        """Waits until banjod's bans and firewalld's entries are the expected ones (or time is up)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                bans, fw = self.list_bans(), self.firewalld_entries()
            except Exception as e:
                bans, fw = set(), set()
                self.errors.append(f"settle: {e}")
            with self.lock:
                expected = set(self.expected)
            if (bans == expected and fw == expected) or time.monotonic() > deadline:
                return expected, bans, fw
            time.sleep(2)

    def run(self):
        started = time.monotonic()
        self.start_banjod()
        threads = [threading.Thread(target=self.traffic, args=(started,)),
                   threading.Thread(target=self.fault_loop, args=(started,)),
                   threading.Thread(target=self.sampler, args=(started,))]
        for t in threads:
            t.start()
        end = started + self.a.minutes * 60
        while time.monotonic() < end - 40 and not self.stop.is_set():
            time.sleep(1)
            if self.banjod.poll() is not None and self.banjod.returncode not in (-signal.SIGKILL,):
                self.errors.append(f"banjod exited by itself with {self.banjod.returncode}")
                self.start_banjod()
        self.end_traffic.set()
        threads[0].join()
        threads[1].join()
        expected, bans, fw = self.settle()
        self.stop.set()
        threads[2].join()
        result = {"minutes": self.a.minutes, "attackers": self.attackers, "near_misses": self.near_misses,
                  "entries_written": self.entries, "manual": self.manual_done, "expected_bans": len(expected),
                  "banjod_bans": len(bans), "firewalld_entries": len(fw),
                  "missing_in_banjod": sorted(expected - bans)[:20], "extra_in_banjod": sorted(bans - expected)[:20],
                  "missing_in_firewalld": sorted(expected - fw)[:20], "extra_in_firewalld": sorted(fw - expected)[:20],
                  "faults": self.faults, "samples": self.samples}
        # And the state on disk: a clean restart restores exactly the same.
        result["state_before_restart"] = self.prop("StateHealth")
        self.stop_banjod(signal.SIGTERM)
        self.start_banjod()
        restored = self.list_bans()
        result["restored_at_start"] = len(restored)
        deadline = time.monotonic() + 60
        while restored != expected and time.monotonic() < deadline:
            time.sleep(1)
            restored = self.list_bans()
        result["restored_after_restart"] = len(restored)
        result["restore_differs"] = len(restored ^ expected)
        result["restore_missing"] = sorted(expected - restored)[:20]
        result["rss"] = self.rss_summary()
        self.stop_banjod(signal.SIGTERM)
        result["errors"] = self.errors
        with open(self.a.json, "w") as f:
            json.dump(result, f, indent=1)
        return result

    def rss_summary(self):
        """Per banjod process: its RSS when last sampled, with the bans it held then."""
        lives = {}
        for s in self.samples:
            if s["rss_kib"] is not None and s["active_bans"] is not None:
                lives.setdefault(s["pid"], []).append(s)
        out = []
        for pid, ss in lives.items():
            last = ss[-1]
            out.append({"pid": pid, "from": ss[0]["t"], "to": last["t"], "rss_kib": last["rss_kib"],
                        "max_rss_kib": max(s["rss_kib"] for s in ss), "active_bans": int(last["active_bans"])})
        return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--minutes", type=int, required=True)
    p.add_argument("--fault-every", type=int, default=75)
    p.add_argument("--banjod", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--state", required=True)
    p.add_argument("--sandbox", required=True)
    p.add_argument("--make-journal", required=True)
    p.add_argument("--json", required=True)
    soak = Soak(p.parse_args())
    r = soak.run()
    print()
    print(f"traffic: {r['entries_written']} journal entries, {r['attackers']} attackers (3 failures each), "
          f"{r['near_misses']} near misses (2 failures), manual {r['manual']}")
    kinds = {}
    for f in r["faults"]:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    print(f"faults: {len(r['faults'])} " + ", ".join(f"{k} x{n}" for k, n in kinds.items()))
    print(f"bans expected {r['expected_bans']}, in banjod {r['banjod_bans']}, in firewalld {r['firewalld_entries']}, "
          f"after a clean restart {r['restored_after_restart']} (differing: {r['restore_differs']})")
    for key in ("missing_in_banjod", "extra_in_banjod", "missing_in_firewalld", "extra_in_firewalld"):
        if r[key]:
            print(f"  {key}: {' '.join(r[key])}")
    print("RSS per banjod process (last sample): " +
          ", ".join(f"{x['to']}s {x['rss_kib'] / 1024:.1f} MiB/{x['active_bans']} bans" for x in r["rss"]))
    for e in r["errors"]:
        print("error: " + e)
    ok = (r["expected_bans"] == r["banjod_bans"] == r["firewalld_entries"] and not any(
        r[k] for k in ("missing_in_banjod", "extra_in_banjod", "missing_in_firewalld", "extra_in_firewalld"))
        and r["restore_differs"] == 0 and not r["errors"])
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
