#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# An HTTP server for the webhook tests: webhook_server.py PORT DIR. Every POST is appended to
# DIR/requests.jsonl ({"path", "headers", "body", "status"}) once answered, and to
# DIR/received.jsonl as soon as it arrives. Paths: /ok* answers 200; /flaky answers 500 to its
# first two requests, then 200; /slow* waits until DIR/release exists, then answers 200.
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, directory = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
flaky_seen = 0


def append(name, record):
    with lock, open(os.path.join(directory, name), "a") as f:
        f.write(json.dumps(record) + "\n")


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global flaky_seen
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8", "replace")
        record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        append("received.jsonl", record)
        status = 200
        if self.path.startswith("/flaky"):
            with lock:
                flaky_seen += 1
                status = 500 if flaky_seen <= 2 else 200
        elif self.path.startswith("/slow"):
            for _ in range(1200):   # at most two minutes
                if os.path.exists(os.path.join(directory, "release")):
                    break
                time.sleep(0.1)
        record["status"] = status
        append("requests.jsonl", record)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
