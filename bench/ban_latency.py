# SPDX-License-Identifier: GPL-2.0-or-later
"""Ban latency of a live banjod: journal append -> address in firewalld's ipset.

Run by bench/ban-latency inside the sandbox (private bus, firewalld in a namespace, banjod
following JOURNAL_DIR); not meant to be started by hand. Standard library only.

One process, one thread, one select() loop, so no lock or GIL hand-over sits between an event
and its time stamp:
  writer   one long-running `systemd-journal-remote --output=JOURNAL_DIR/live.journal -`, fed
           journal export format through a non-blocking pipe. t0 of a sample is taken right
           after the write() that handed the timed entry's last byte to the pipe returned.
  firewall `busctl --system monitor --json=short` on firewalld's ipset EntryAdded signal;
           firewalld emits it after its nft transaction for the entry is done. t1 is busctl's
           own "timestamp-realtime" (its CLOCK_REALTIME read when it dumps the message, since
           dbus-daemon messages carry no time stamp), microsecond resolution; the time this
           loop read the line is kept as a check. The same monitor sees banjod's addEntry /
           setEntries call, which splits the latency into banjod's part and firewalld's.
  journal  `journalctl --directory JOURNAL_DIR --follow` on the timed entries only (a field
           no other entry carries): when a reader of the journal could first see each one.
A sample: MAXRETRY-1 failures of a fresh address, PRE_GAP later the MAXRETRY-th (the timed
entry), wait for its EntryAdded (SAMPLE_TIMEOUT at most), a random pause, the next address.
Phase idle: SAMPLES samples and nothing else written. Phase flood: RATE entries/s of sshd
traffic (sessions of users logging in and out, attackers failing twice from fresh addresses,
sub-threshold) written in small chunks on a 2 ms tick, the same samples mixed in. Then the
flood stops and we wait for banjod's EntriesProcessed to reach what was written.
Prints a table and writes every sample to --json.
"""

import argparse
import ipaddress
import json
import os
import random
import select
import signal
import subprocess
import sys
import time

BOOT_ID = "0123456789abcdef0123456789abcdef"
IPSET_MATCH = ("type='signal',sender='org.fedoraproject.FirewallD1',"
               "interface='org.fedoraproject.FirewallD1.ipset',member='EntryAdded'")
# banjod's calls to firewalld: splits the latency into banjod's part and firewalld's.
CALL_MATCH = ("type='method_call',destination='org.fedoraproject.FirewallD1',"
              "interface='org.fedoraproject.FirewallD1.ipset'")
# Any new bus client makes the bus emit NameOwnerChanged: how we know the monitor is live.
READY_MATCH = "type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged'"
MARK_FIELD = "BANJO_BENCH"


def now_us():
    return time.clock_gettime_ns(time.CLOCK_REALTIME) // 1000


def canon(address):
    return str(ipaddress.ip_address(address))


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    rank = max(1, -(-len(s) * p // 100))
    return s[int(rank) - 1]


class Stop(Exception):
    pass


class Bench:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.children = []
        self.wfd = None
        self.remote = None
        # writer
        self.out = bytearray()
        self.written = 0            # bytes accepted by the pipe
        self.queued = 0             # bytes ever queued
        self.marks = []             # (end offset, sample) waiting for their last byte to go out
        self.last_ts = 0
        self.pid = 2000
        self.ssh_entries_queued = 0     # entries banjod's sshd jail will read
        self.ssh_entries_written = 0
        self.entry_end = []             # (end offset, is_ssh) of queued entries not yet written
        # readers
        self.mon_buf = b""
        self.jc_buf = b""
        self.waiting = {}           # canonical address -> sample
        self.visible_wait = {}      # canonical address -> sample
        self.monitor_ready = False
        self.probe_seen = False
        self.entry_added = 0
        # flood
        self.flood_on = False
        self.flood_start = 0.0
        self.flood_generated = 0
        self.flood_attacker = 0
        self.flood_cycle = []
        self.flood_failures = 0
        self.sample_failures = 0
        self.lags = []
        self.journal_files = None
        self.next_listing = 0.0
        self.rotations = []         # when a new journal file showed up (0.1 s resolution)
        self.rss = []               # (seconds into the flood, VmRSS kB, RssAnon kB) of banjod
        self.next_rss = 0.0
        self.entries_processed_start = 0

    # ---- child processes ------------------------------------------------------------------
    def spawn(self, argv, **kw):
        p = subprocess.Popen(argv, **kw)
        self.children.append(p)
        return p

    def stop_children(self):
        for p in reversed(self.children):
            if p.poll() is None:
                try:
                    if p is self.remote:
                        self.close_writer()
                        p.wait(timeout=10)
                    else:
                        p.terminate()
                        p.wait(timeout=5)
                except Exception:
                    p.kill()
                    p.wait()

    def close_writer(self):
        if self.wfd is not None:
            os.close(self.wfd)
            self.wfd = None

    def start(self):
        a = self.args
        self.monitor = self.spawn(
            ["busctl", "--system", "monitor", "--json=short", f"--match={IPSET_MATCH}",
             f"--match={CALL_MATCH}", f"--match={READY_MATCH}"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        r, w = os.pipe()
        self.remote_log = open(os.path.join(a.work, "journal-remote.log"), "w")
        self.remote = self.spawn([a.journal_remote, f"--output={a.journal_dir}/live.journal", "-"],
                                 stdin=r, stdout=self.remote_log, stderr=subprocess.STDOUT)
        os.close(r)
        os.set_blocking(w, False)
        self.wfd = w
        self.journalctl = self.spawn(
            ["journalctl", f"--directory={a.journal_dir}", "--follow", "--lines=0", "--output=cat",
             "--no-pager", f"{MARK_FIELD}=timed", f"{MARK_FIELD}=probe"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for p in (self.monitor, self.journalctl):
            os.set_blocking(p.stdout.fileno(), False)
        # Both readers live before anything is timed: the monitor sees the bus driver's
        # signal for a new client; journalctl sees a probe entry (not an sshd one).
        deadline = time.monotonic() + 15
        next_poke = 0.0
        while not (self.monitor_ready and self.probe_seen):
            if time.monotonic() > deadline:
                raise Stop("the bus monitor or the journal follower did not come up")
            if time.monotonic() >= next_poke:
                if not self.monitor_ready:
                    subprocess.run(["busctl", "--system", "status"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
                if not self.probe_seen:
                    self.queue_entry("CRON", "cron.service", "benchmark probe", probe=True)
                next_poke = time.monotonic() + 0.2
            self.poll(0.05)

    # ---- journal entries --------------------------------------------------------------------
    def queue_entry(self, ident, unit, message, pid=None, mark=None, probe=False):
        ts = max(now_us(), self.last_ts + 1)
        self.last_ts = ts
        if pid is None:
            pid = self.next_pid()
        extra = ""
        if mark is not None:
            extra = f"{MARK_FIELD}=timed\n"
        elif probe:
            extra = f"{MARK_FIELD}=probe\n"
        text = (f"__REALTIME_TIMESTAMP={ts}\n__MONOTONIC_TIMESTAMP={ts}\n_BOOT_ID={BOOT_ID}\n"
                f"_SYSTEMD_UNIT={unit}\n_UID=0\nSYSLOG_IDENTIFIER={ident}\n_PID={pid}\n"
                f"_COMM={ident}\n{extra}MESSAGE={message}\n\n").encode()
        self.out += text
        self.queued += len(text)
        ssh = unit == "ssh.service"
        if ssh:
            self.ssh_entries_queued += 1
            self.entry_end.append((self.queued, True))
        if mark is not None:
            self.marks.append((self.queued, mark))

    def ssh(self, message, pid=None, mark=None):
        self.queue_entry("sshd", "ssh.service", message, pid=pid, mark=mark)

    def next_pid(self):
        self.pid += 1
        if self.pid > 4000000:
            self.pid = 2000
        return self.pid

    def flush(self):
        """Hands queued bytes to journal-remote; stamps timed entries whose last byte went."""
        while self.out and self.wfd is not None:
            try:
                n = os.write(self.wfd, self.out[:65536])
            except BlockingIOError:
                return
            stamp = now_us()
            self.written += n
            del self.out[:n]
            while self.marks and self.marks[0][0] <= self.written:
                _, sample = self.marks.pop(0)
                sample["t0"] = stamp
            while self.entry_end and self.entry_end[0][0] <= self.written:
                self.entry_end.pop(0)
                self.ssh_entries_written += 1

    # ---- readers ----------------------------------------------------------------------------
    def read_lines(self, stream, buf):
        try:
            chunk = os.read(stream.fileno(), 65536)
        except BlockingIOError:
            return buf, []
        if not chunk:
            raise Stop("a reader exited (busctl monitor or journalctl)")
        buf += chunk
        *lines, buf = buf.split(b"\n")
        return buf, lines

    def on_monitor(self):
        recv = now_us()
        self.mon_buf, lines = self.read_lines(self.monitor.stdout, self.mon_buf)
        for line in lines:
            if not line.strip():
                continue
            msg = json.loads(line)
            if msg.get("member") == "NameOwnerChanged":
                self.monitor_ready = True
                continue
            member = msg.get("member")
            if member in ("addEntry", "setEntries"):
                data = msg["payload"]["data"]
                for address in ([data[1]] if member == "addEntry" else data[1]):
                    sample = self.waiting.get(canon(address))
                    if sample is not None and "call" not in sample:
                        sample["call"] = msg["timestamp-realtime"]
                        sample["call_member"] = member
                continue
            if member != "EntryAdded":
                continue
            self.entry_added += 1
            address = canon(msg["payload"]["data"][1])
            sample = self.waiting.pop(address, None)
            if sample is not None:
                sample["t1"] = msg["timestamp-realtime"]
                sample["t1_read"] = recv

    def on_journal(self):
        recv = now_us()
        self.jc_buf, lines = self.read_lines(self.journalctl.stdout, self.jc_buf)
        for line in lines:
            text = line.decode(errors="replace")
            if text == "benchmark probe":
                self.probe_seen = True
                continue
            address = text.rsplit(" from ", 1)[-1].split(" ")[0]
            sample = self.visible_wait.pop(canon(address), None)
            if sample is not None:
                sample["visible"] = recv

    def poll(self, timeout):
        rl = [self.monitor.stdout, self.journalctl.stdout]
        wl = [self.wfd] if self.out and self.wfd is not None else []
        readable, writable, _ = select.select(rl, wl, [], max(0.0, timeout))
        if writable:
            self.flush()
        if self.monitor.stdout in readable:
            self.on_monitor()
        if self.journalctl.stdout in readable:
            self.on_journal()
        if self.remote.poll() is not None:
            raise Stop("systemd-journal-remote exited")

    # ---- the flood --------------------------------------------------------------------------
    def flood_sessions(self):
        """One cycle of realistic sshd traffic: two users log in and out, one attacker from a
        fresh address fails twice (MAXRETRY-1 with the default 3) and goes away. Lines that
        count as a failure (banjoctl test-filter sshd agrees) carry a third element."""
        lines = []
        for _ in range(2):
            host = (f"203.0.113.{self.rng.randrange(1, 255)}" if self.rng.random() < 0.6
                    else f"2001:db8:b::{self.rng.randrange(1, 0xffff):x}")
            port = self.rng.randrange(1024, 65535)
            user = self.rng.choice(("deploy", "alice", "bob", "backup", "git"))
            pid = self.next_pid()
            lines += [
                (pid, f'Connection from {host} port {port} on 10.0.0.5 port 22 rdomain ""'),
                (pid, f"Accepted publickey for {user} from {host} port {port} ssh2: ED25519 "
                      f"SHA256:Jx9qk2vR0cP7Zt3mN8bL4fW1sH6dY5aE2uQ0oI9g{self.rng.randrange(10**6):06d}"),
                (pid, f"pam_unix(sshd:session): session opened for user {user}(uid=1000) by (uid=0)"),
                (pid, f"Received disconnect from {host} port {port}:11: disconnected by user"),
                (pid, f"Disconnected from user {user} {host} port {port}"),
                (pid, f"pam_unix(sshd:session): session closed for user {user}"),
            ]
        self.flood_attacker += 1
        n = self.flood_attacker
        host = f"2001:db8:f:{n >> 16:x}::{(n & 0xffff) + 1:x}"
        port = self.rng.randrange(1024, 65535)
        user = self.rng.choice(("admin", "oracle", "test", "ubuntu", "postgres", "user", "ftpuser"))
        pid = self.next_pid()
        lines += [
            (pid, f'Connection from {host} port {port} on 10.0.0.5 port 22 rdomain ""'),
            (pid, f"Invalid user {user} from {host} port {port}", True),
            (pid, f"Failed password for invalid user {user} from {host} port {port} ssh2", True),
            (pid, f"Connection closed by invalid user {user} {host} port {port} [preauth]"),
        ]
        return lines

    def flood_tick(self):
        if not self.flood_on:
            return
        due = int(self.args.rate * (time.monotonic() - self.flood_start)) - self.flood_generated
        # Backpressure: never hold more than ~0.1 s of flood unwritten; a writer that cannot
        # keep up shows as a lower achieved rate, not as a growing queue in this process.
        if len(self.out) > 400 * self.args.rate // 10:
            return
        # At most 50 ms of flood at once: a writer that fell behind catches up at the pipe's
        # pace, not in one burst of everything it owes (which would queue the samples behind it).
        for _ in range(max(0, min(due, self.args.rate // 20))):
            if not self.flood_cycle:
                self.flood_cycle = self.flood_sessions()
                self.flood_cycle.reverse()
            pid, message, *failure = self.flood_cycle.pop()
            self.ssh(message, pid=pid)
            self.flood_failures += len(failure)
            self.flood_generated += 1

    # ---- samples ----------------------------------------------------------------------------
    def run_phase(self, name, addresses, deadline):
        a = self.args
        samples = []
        for address in addresses:
            if time.monotonic() > deadline:
                break
            sample = {"phase": name, "address": address}
            if self.flood_on and len(samples) % 20 == 0:
                # How far behind the writer banjod is, now and then (between samples only:
                # the property call blocks this loop for a few milliseconds).
                written = self.entries_processed_start + self.ssh_entries_written
                processed = self.property("EntriesProcessed")
                if isinstance(processed, int):
                    self.lags.append(written - processed)
            samples.append(sample)
            key = canon(address)
            for _ in range(a.maxretry - 1):
                self.ssh(f"Failed password for root from {address} port "
                         f"{self.rng.randrange(1024, 65535)} ssh2")
            self.sample_failures += a.maxretry - 1
            self.wait_for(lambda: False, a.pre_gap)
            self.waiting[key] = sample
            self.visible_wait[key] = sample
            self.ssh(f"Failed password for root from {address} port "
                     f"{self.rng.randrange(1024, 65535)} ssh2", mark=sample)
            self.sample_failures += 1
            self.flush()
            done = self.wait_for(lambda: "t1" in sample and "visible" in sample, a.sample_timeout)
            if not done:
                self.waiting.pop(key, None)
                self.visible_wait.pop(key, None)
            self.wait_for(lambda: False, self.rng.uniform(a.gap_min, a.gap_max))
        return samples

    def watch_rotation(self):
        if time.monotonic() < self.next_listing:
            return
        self.next_listing = time.monotonic() + 0.1
        files = len(os.listdir(self.args.journal_dir))
        if self.journal_files is not None and files != self.journal_files:
            self.rotations.append(now_us())
        self.journal_files = files

    def memory_kb(self):
        """banjod's (VmRSS, RssAnon) in kB: RssAnon leaves out the mapped journal files."""
        values = {}
        try:
            with open(f"/proc/{self.args.banjod_pid}/status") as f:
                for line in f:
                    key, _, rest = line.partition(":")
                    if key in ("VmRSS", "RssAnon"):
                        values[key] = int(rest.split()[0])
        except (OSError, ValueError):
            pass
        return values.get("VmRSS", -1), values.get("RssAnon", -1)

    def watch_rss(self, force=False):
        if not self.flood_on or (not force and time.monotonic() < self.next_rss):
            return
        self.next_rss = time.monotonic() + self.args.rss_interval
        self.rss.append((time.monotonic() - self.flood_start, *self.memory_kb()))

    def wait_for(self, cond, seconds):
        end = time.monotonic() + seconds
        while not cond():
            left = end - time.monotonic()
            if left <= 0:
                return False
            self.watch_rotation()
            self.watch_rss()
            self.flood_tick()
            self.flush()
            self.poll(min(left, 0.002 if self.flood_on else 0.05))
        return True

    def property(self, name):
        out = subprocess.run(["busctl", "--system", "get-property", "org.banjo1", "/org/banjo1",
                              "org.banjo1.Manager", name], capture_output=True, text=True,
                             timeout=10).stdout.split()
        return int(out[1]) if len(out) == 2 and out[1].isdigit() else out

    def cpu_seconds(self, pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def run(self):
        a = self.args
        res = {"loadavg_start": open("/proc/loadavg").read().split()[:3]}
        t_start = time.monotonic()
        self.start()
        n = a.samples
        idle_addresses = [f"198.51.100.{i // 2 + 1}" if i % 2 == 0 else f"2001:db8:1::{i // 2 + 1:x}"
                          for i in range(n)]
        flood_addresses = [f"198.51.100.{i // 2 + 101}" if i % 2 == 0 else f"2001:db8:2::{i // 2 + 1:x}"
                           for i in range(n)]
        res["entries_processed_start"] = self.property("EntriesProcessed")
        self.entries_processed_start = res["entries_processed_start"]

        # idle
        cpu0 = self.cpu_seconds(a.banjod_pid)
        t0 = time.monotonic()
        idle = self.run_phase("idle", idle_addresses, t0 + a.phase_limit)
        res["idle_seconds"] = time.monotonic() - t0
        res["idle_banjod_cpu"] = self.cpu_seconds(a.banjod_pid) - cpu0

        # flood
        before = self.property("EntriesProcessed")
        written_before = self.ssh_entries_written
        cpu0 = self.cpu_seconds(a.banjod_pid)
        remote_cpu0 = self.cpu_seconds(self.remote.pid)
        self.flood_on = True
        self.flood_start = time.monotonic()
        self.watch_rss(force=True)
        self.wait_for(lambda: False, a.warmup)
        flood = self.run_phase("flood", flood_addresses, time.monotonic() + a.flood_phase_limit)
        self.watch_rss(force=True)
        self.flood_on = False
        self.wait_for(lambda: not self.out, 5)
        flood_seconds = time.monotonic() - self.flood_start
        res["flood_seconds"] = flood_seconds
        res["flood_entries"] = self.flood_generated
        res["flood_rate"] = self.flood_generated / flood_seconds
        res["flood_entries_with_samples"] = self.ssh_entries_written - written_before
        res["banjod_cpu_flood"] = self.cpu_seconds(a.banjod_pid) - cpu0
        res["remote_cpu_flood"] = self.cpu_seconds(self.remote.pid) - remote_cpu0
        at_stop = self.property("EntriesProcessed")
        res["processed_at_flood_end"] = at_stop - before if isinstance(at_stop, int) else at_stop
        # Catch-up: banjod has read everything written when EntriesProcessed reaches it.
        target = res["entries_processed_start"] + self.ssh_entries_written
        t_stop = time.monotonic()
        processed = at_stop
        while time.monotonic() - t_stop < a.catchup_limit:
            processed = self.property("EntriesProcessed")
            if isinstance(processed, int) and processed >= target:
                break
            self.wait_for(lambda: False, 0.05)
        res["catchup_seconds"] = time.monotonic() - t_stop
        res["flood_lags"] = self.lags
        res["rss"] = self.rss
        res["rotations"] = self.rotations
        res["processed_flood"] = processed - before if isinstance(processed, int) else processed
        res["processed_total"] = processed
        res["ssh_entries_written"] = self.ssh_entries_written
        for name in ("FailuresFound", "TotalBans", "ActiveBans"):
            res[name] = self.property(name)
        res["expected_failures"] = self.sample_failures + self.flood_failures
        res["expected_bans"] = sum(1 for s in idle + flood if "t0" in s)
        res["entry_added_signals"] = self.entry_added
        res["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        res["wall_seconds"] = time.monotonic() - t_start
        res["samples"] = idle + flood
        return res


def summarize(res, args):
    out = []
    p = out.append

    def stats(values):
        if not values:
            return f"{'-':>8} {'-':>8} {'-':>8}"
        return f"{percentile(values, 50):>8.1f} {percentile(values, 99):>8.1f} {max(values):>8.1f}"

    def stage(ss, a, b):
        return [(s[b] - s[a]) / 1000 for s in ss if a in s and b in s]

    conditions = (("idle", "idle"), ("flood", f"flood {args.rate}/s"))
    p("ban latency: timed entry written to the journal writer -> EntryAdded from firewalld")
    p(f"{'condition':<16} {'n':>4} {'banned':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for phase, label in conditions:
        ss = [s for s in res["samples"] if s["phase"] == phase]
        p(f"{label:<16} {len(ss):>4} {len(stage(ss, 't0', 't1')):>6} {stats(stage(ss, 't0', 't1'))}")
    p("")
    p("where the time goes, ms          " + "".join(f"{label + ' p50/p99/max':>28}" for _, label in conditions))
    for a, b, what in (("t0", "visible", "written -> readable (journalctl)"),
                       ("t0", "call", "written -> banjod calls firewalld"),
                       ("call", "t1", "call -> firewalld's EntryAdded")):
        row = f"{what:<33}"
        for phase, _ in conditions:
            ss = [s for s in res["samples"] if s["phase"] == phase]
            row += f"{stats(stage(ss, a, b)):>28}"
        p(row)
    members = sorted({s.get("call_member", "none seen") for s in res["samples"]})
    p(f"(journal-visible: journalctl --follow printed it; banjod's call: {', '.join(members)})")
    reads = [(s["t1_read"] - s["t1"]) / 1000 for s in res["samples"] if "t1" in s]
    if reads:
        p(f"(busctl stamp -> this loop read the line: p50 {percentile(reads, 50):.2f} ms, "
          f"max {max(reads):.2f} ms)")
    p(f"flood: {res['flood_entries']} entries in {res['flood_seconds']:.1f} s = "
      f"{res['flood_rate']:.0f} entries/s achieved (target {args.rate}); "
      f"banjod EntriesProcessed +{res['processed_at_flood_end']} by the flood's end, "
      f"+{res['processed_flood']} after {res['catchup_seconds']:.2f} s "
      f"({res['flood_entries_with_samples']} sshd entries written in the flood phase)")
    for r in res.get("rotations", []):
        near = sorted(((s["t1"] - s["t0"]) / 1000, s["address"]) for s in res["samples"]
                      if "t1" in s and "t0" in s and abs(s["t0"] - r) < 500_000)
        worst = f", the slowest {near[-1][0]:.1f} ms ({near[-1][1]})" if near else ""
        p(f"journal-remote rotated its file (new file seen at {r / 1e6:.1f}, 0.1 s resolution): "
          f"{len(near)} samples timed within 0.5 s of it{worst}")
    if res["rss"]:
        first, last = res["rss"][0], res["rss"][-1]
        anon = [x[2] for x in res["rss"]]
        p(f"banjod memory in the flood: VmRSS {first[1]} kB at {first[0]:.0f} s, {last[1]} kB at "
          f"{last[0]:.0f} s; RssAnon {first[2]} kB at the start, {last[2]} kB at the end, "
          f"min {min(anon)} max {max(anon)} kB ({len(anon)} readings)")
        p("  (s, VmRSS kB, RssAnon kB): " + " ".join(f"{t:.0f}:{r}:{an}" for t, r, an in res["rss"]))
    if res["flood_lags"]:
        p(f"entries written but not yet processed by banjod, read {len(res['flood_lags'])} times "
          f"during the flood: {' '.join(str(x) for x in res['flood_lags'])}")
    p(f"CPU during the flood: banjod {res['banjod_cpu_flood']:.2f} s "
      f"({100 * res['banjod_cpu_flood'] / res['flood_seconds']:.0f}%), systemd-journal-remote "
      f"{res['remote_cpu_flood']:.2f} s; idle phase: banjod {res['idle_banjod_cpu']:.2f} s "
      f"in {res['idle_seconds']:.1f} s")
    p(f"banjod: EntriesProcessed {res['processed_total']} (sshd entries written "
      f"{res['ssh_entries_written']}), FailuresFound {res['FailuresFound']} (expected "
      f"{res['expected_failures']}), TotalBans {res['TotalBans']} (expected "
      f"{res['expected_bans']}), EntryAdded signals seen {res['entry_added_signals']}")
    p(f"load average: {' '.join(res['loadavg_start'])} at start, "
      f"{' '.join(res['loadavg_end'])} at the end; run {res['wall_seconds']:.0f} s")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--journal-dir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--banjod-pid", type=int, required=True)
    ap.add_argument("--journal-remote", default="/lib/systemd/systemd-journal-remote")
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--rate", type=int, default=10000)
    ap.add_argument("--maxretry", type=int, default=3)
    ap.add_argument("--pre-gap", type=float, default=0.05)
    ap.add_argument("--gap-min", type=float, default=0.02)
    ap.add_argument("--gap-max", type=float, default=0.06)
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--sample-timeout", type=float, default=5.0)
    ap.add_argument("--phase-limit", type=float, default=60.0)
    ap.add_argument("--flood-phase-limit", type=float, default=60.0,
                    help="the flood's sample phase ends after this many seconds (with --gap-min/"
                         "--gap-max: how long the flood lasts)")
    ap.add_argument("--rss-interval", type=float, default=10.0)
    ap.add_argument("--catchup-limit", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.maxretry < 3:
        ap.error("maxretry must be 3 or more: the flood's attackers fail twice each")
    if args.samples > 200:
        ap.error("at most 200 samples per condition (documentation addresses)")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench = Bench(args)
    try:
        res = bench.run()
    except Stop as e:
        print(f"ban_latency: {e}", file=sys.stderr)
        return 1
    finally:
        bench.stop_children()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    print(summarize(res, args))
    missing = [s["address"] for s in res["samples"] if "t1" not in s]
    if missing:
        print(f"no EntryAdded within {args.sample_timeout} s for {len(missing)} samples: "
              f"{' '.join(missing[:10])}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
