#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# An HTTP server for the blocklist download tests: blocklist_server.py PORT DIR. GET /list
# answers as DIR/mode says (read at each request; default "ok"):
#   ok    DIR/list.txt with an ETag (a hash of it) and a Last-Modified (its mtime); a request
#         whose If-None-Match is that ETag, or (without If-None-Match) whose If-Modified-Since is
#         not before the mtime, gets 304
#   fail  500
#   cut   200 announcing the whole length of DIR/list.txt, then half of it, then the connection
#         is closed
#   big   200 with DIR/list.txt followed by 8 KiB of comment lines
# Every request is appended to DIR/requests.jsonl when answered: {"path", "if_none_match",
# "if_modified_since", "mode", "status"}.
import email.utils
import hashlib
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, directory = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()


def read(name, default=b""):
    try:
        with open(os.path.join(directory, name), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return default


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        mode = read("mode", b"ok").decode().strip()
        body = read("list.txt")
        mtime = int(os.path.getmtime(os.path.join(directory, "list.txt")))
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        status = 200
        if mode == "fail":
            status = 500
        elif mode == "ok" and inm is not None:
            status = 304 if inm == etag else 200
        elif mode == "ok" and ims is not None:
            since = email.utils.parsedate_to_datetime(ims).timestamp()
            status = 304 if mtime <= since else 200
        with lock, open(os.path.join(directory, "requests.jsonl"), "a") as f:
            f.write(json.dumps({"path": self.path, "if_none_match": inm, "if_modified_since": ims,
                                "mode": mode, "status": status}) + "\n")
        self.send_response(status)
        if status == 500:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        if status == 304:
            self.end_headers()
            return
        if mode == "big":
            body += b"# padding padding padding padding padding padding padding padding\n" * 128
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "cut":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
