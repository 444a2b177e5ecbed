# SPDX-License-Identifier: GPL-2.0-or-later
# What an attacker sees of a port: probe.py tcp|udp ADDRESS PORT prints "open" (TCP connected,
# or UDP answered by the echo listener), "refused" (a TCP reset or an ICMP port-unreachable came
# back) or "silent" (nothing within 3 s: dropped). A fourth argument: the source address.
import errno
import socket
import sys

kind, address, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in address else socket.AF_INET
sock = socket.socket(family, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
sock.settimeout(3)
if len(sys.argv) > 4:
    sock.bind((sys.argv[4], 0))
try:
    sock.connect((address, port))
    if kind == "udp":
        sock.send(b"probe")
        sock.recv(64)
    print("open")
except ConnectionRefusedError:
    print("refused")
except (socket.timeout, TimeoutError):
    print("silent")
except OSError as e:
    print("error " + errno.errorcode.get(e.errno, str(e.errno)))
