# SPDX-License-Identifier: GPL-2.0-or-later
# An attacker's open flows: flows.py ADDRESS TCP-PORT UDP-PORT [SOURCE] keeps one TCP connection
# and one UDP flow (from SOURCE, one of the attacker's addresses, when given) to echo listeners, sends on each every 50 ms and prints, flushed, "tcp open" /
# "udp open" once the first echo came back, then "tcp stopped T" / "udp stopped T" (T: the
# wall-clock time of the first send that got no echo within 1 s). Ends when both stopped, or
# after 60 s.
import socket
import sys
import threading
import time

address, tcp_port, udp_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
source = (sys.argv[4], 0) if len(sys.argv) > 4 else None
family = socket.AF_INET6 if ":" in address else socket.AF_INET
flows = {
    "tcp": socket.create_connection((address, tcp_port), timeout=3, source_address=source),
    "udp": socket.socket(family, socket.SOCK_DGRAM),
}
if source:
    flows["udp"].bind(source)
flows["udp"].connect((address, udp_port))
lock = threading.Lock()


def report(*words):
    with lock:
        print(*words, flush=True)


# One thread per flow, so that one flow's wait for an echo never delays the other's sends.
def keep_sending(kind, sock):
    sock.settimeout(1)
    opened = False
    while time.time() < deadline:
        sent = time.time()
        try:
            sock.send(b"x")
            sock.recv(64)
        except OSError:
            report(kind, "stopped", "%.3f" % sent)
            return
        if not opened:
            opened = True
            report(kind, "open")
        time.sleep(0.05)


deadline = time.time() + 60
threads = [threading.Thread(target=keep_sending, args=item) for item in flows.items()]
for t in threads:
    t.start()
for t in threads:
    t.join()
