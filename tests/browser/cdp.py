# SPDX-License-Identifier: GPL-2.0-or-later
"""A headless Chromium driven over the DevTools protocol (python3-websocket): start it, load a
page, evaluate JavaScript, wait for what the page shows, click and type as a user does (mouse
and key events, not element.click()), take screenshots. Only what banjo's page test needs."""

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket


class BrowserError(Exception):
    pass


class Browser:
    def __init__(self, port, log_path):
        self.profile = tempfile.mkdtemp(prefix="banjo-chromium-")
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        self.log = open(log_path, "ab")
        # --no-sandbox: the test runs as root, which Chromium's sandbox refuses.
        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--disable-sync",
             "--remote-debugging-address=127.0.0.1", f"--remote-debugging-port={port}",
             f"--user-data-dir={self.profile}", "--window-size=1280,1600", "about:blank"],
            stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        target = None
        while time.monotonic() < deadline and target is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                    pages = [t for t in json.load(r) if t.get("type") == "page"]
                    target = pages[0]["webSocketDebuggerUrl"] if pages else None
            except OSError:
                time.sleep(0.2)
        if target is None:
            self.close()
            raise BrowserError("chromium's DevTools endpoint did not come up")
        self.ws = websocket.create_connection(target, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.console = []
        self.command("Runtime.enable")
        self.command("Page.enable")
        self.command("Emulation.setDeviceMetricsOverride", width=1280, height=1600, deviceScaleFactor=1,
                     mobile=False)

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
        self.log.close()

    def command(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == my_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})
            if message.get("method") == "Runtime.consoleAPICalled":
                args = message["params"].get("args", [])
                self.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in args))
            elif message.get("method") == "Runtime.exceptionThrown":
                d = message["params"]["exceptionDetails"]
                self.console.append("exception: " + str(d.get("exception", {}).get("description", d.get("text"))))

    def js(self, expression):
        r = self.command("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise BrowserError(f"{expression}: {r['exceptionDetails'].get('exception', {}).get('description')}")
        return r["result"].get("value")

    def load(self, url):
        self.command("Page.navigate", url=url)
        self.wait("document.readyState === 'complete'", what=f"{url} loaded")

    def wait(self, expression, timeout=20, what=None):
        """Polls the page until `expression` is truthy; its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {what or expression}; "
                                   f"page text: {self.text()[:1500]!r}; console: {self.console[-10:]}")
            time.sleep(0.1)

    def text(self, selector="body"):
        return self.js(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''")

    def click(self, selector):
        """A left click in the middle of the element, as a mouse makes it.

        The page re-renders as banjod's signals arrive (rows come and go above the forms), so
        the click waits until the element's box stayed put between two polls and the element
        is what lies at its middle: a click computed from a box that then moved lands on
        something else, and the test waits in vain for what it should have done."""
        last = {"box": None}

        def settled():
            box = self.js(f"""(() => {{
                const e = document.querySelector({json.dumps(selector)});
                if (!e || e.disabled) return null;
                e.scrollIntoView({{block: 'center'}});
                const r = e.getBoundingClientRect();
                if (r.width <= 0) return null;
                const x = r.x + r.width / 2, y = r.y + r.height / 2;
                const hit = document.elementFromPoint(x, y);
                return hit && (hit === e || e.contains(hit)) ? {{x, y}} : null;
            }})()""")
            stable = box is not None and box == last["box"]
            last["box"] = box
            return box if stable else None

        deadline = time.monotonic() + 20
        while (box := settled()) is None:
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {selector} to be clickable; "
                                   f"page text: {self.text()[:1500]!r}; console: {self.console[-10:]}")
            time.sleep(0.05)
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.command("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left",
                         clickCount=0 if kind == "mouseMoved" else 1)

    def type(self, selector, text):
        """Focuses the field, empties it and types `text` (pasted, for text with newlines)."""
        self.click(selector)
        self.js(f"document.querySelector({json.dumps(selector)}).select?.()")
        self.command("Input.dispatchKeyEvent", type="keyDown", key="Delete", code="Delete",
                     windowsVirtualKeyCode=46)
        self.command("Input.dispatchKeyEvent", type="keyUp", key="Delete", code="Delete",
                     windowsVirtualKeyCode=46)
        self.command("Input.insertText", text=text)
        # Typed into the field itself, not into whatever had the focus when the click missed.
        self.wait(f"document.querySelector({json.dumps(selector)}).value === {json.dumps(text)}",
                  timeout=5, what=f"{selector} to read {text!r}")

    def screenshot(self, path):
        data = self.command("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
