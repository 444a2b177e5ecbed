# SPDX-License-Identifier: GPL-2.0-or-later
"""banjo's Cockpit page in a real browser, against a live banjod banning through firewalld in the
sandbox. Run by cockpit_page_test.sh, which starts everything this drives:
    cockpit_page_test.py ROOT_URL NOBODY_URL SCREENSHOT_DIR CDP_PORT
ROOT_URL is the page in a Cockpit session of root, NOBODY_URL in one of an unprivileged user.
What the page does is checked in firewalld (sandbox.sh banned) and over the bus (busctl)."""

import json
import os
import subprocess
import sys
import time

from cdp import Browser, BrowserError

ROOT_URL, NOBODY_URL, SHOTS, CDP_PORT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
SANDBOX = os.environ["SANDBOX_SCRIPT"]
SSHD_LINE = "Dec  7 10:00:01 host sshd[4242]: Failed password for root from 203.0.113.50 port 22 ssh2"


def step(text):
    print(f"-- {text}", flush=True)


def banned_in_firewalld(address):
    return subprocess.run(["bash", SANDBOX, "banned", address], stdout=subprocess.DEVNULL).returncode == 0


def wait_for(check, what, timeout=20):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise BrowserError(f"timed out waiting for {what}")
        time.sleep(0.1)


def busctl(*args):
    return subprocess.run(["busctl", "--system", "call", "org.banjo1", "/org/banjo1", "org.banjo1.Manager",
                           *args], check=True, capture_output=True, text=True).stdout


def jail_enabled(name):
    return subprocess.run(["busctl", "--system", "get-property", "org.banjo1", f"/org/banjo1/jail/{name.replace('-', '_2d')}",
                           "org.banjo1.Jail", "Enabled"], check=True, capture_output=True, text=True).stdout.strip()


def row(address):
    return f'#bans tbody tr[data-address="{address}"]'


def has_row(address):
    return f"!!document.querySelector({json.dumps(row(address))})"


def main():
    browser = Browser(CDP_PORT, os.path.join(SHOTS, "chromium.log"))
    try:
        step("the page lists the jails, the bans banjod made and the chart of the last 24 hours")
        browser.load(ROOT_URL)
        browser.wait("[...document.querySelectorAll('#jails td.jail-name')].map(e => e.innerText).includes('sshd')",
                     what="jail sshd in the jails table")
        browser.wait(has_row("198.51.100.10"), what="the filter's ban of 198.51.100.10")
        browser.wait("document.querySelectorAll('#chart rect.bar').length > 0", what="bars in the chart")
        legend = browser.text("#chart .legend")
        assert "sshd: 5" in legend and "sshd-aggressive: 2" in legend, f"chart legend: {legend!r}"
        browser.screenshot(os.path.join(SHOTS, "1-jails-bans-chart.png"))

        step("a ban made with busctl appears without a reload")
        browser.js("window.banjoTestMarker = 'not reloaded'")
        busctl("Ban", "sst", "sshd", "203.0.113.20", "0")
        browser.wait(has_row("203.0.113.20"), what="203.0.113.20 on the page")
        assert browser.js("window.banjoTestMarker") == "not reloaded", "the page was reloaded"

        step("its Unban button removes it from firewalld")
        assert banned_in_firewalld("203.0.113.20")
        browser.click(row("203.0.113.20") + " button.unban")
        wait_for(lambda: not banned_in_firewalld("203.0.113.20"), "203.0.113.20 to leave firewalld")
        browser.wait("!" + has_row("203.0.113.20"), what="203.0.113.20 to leave the page")

        step("search narrows the list, a selection unbans together")
        busctl("Ban", "sst", "sshd", "203.0.113.30", "0")
        busctl("Ban", "sst", "sshd", "203.0.113.31", "0")
        browser.wait(has_row("203.0.113.31"), what="203.0.113.31 on the page")
        browser.type("#ban-search", "203.0.113.3")
        browser.wait("document.querySelectorAll('#bans tbody tr').length === 2", what="two rows after the search")
        browser.click("#select-all")
        browser.click("#unban-selected")
        wait_for(lambda: not banned_in_firewalld("203.0.113.30") and not banned_in_firewalld("203.0.113.31"),
                 "the selection to leave firewalld")
        browser.type("#ban-search", "")

        step("the ban form bans an address that firewalld then holds, permanently")
        assert browser.js("document.querySelector('#ban-jail').value") == "sshd", "the form's first jail"
        browser.type("#ban-address", "203.0.113.21")
        browser.type("#ban-duration", "permanent")
        browser.click("#ban-submit")
        wait_for(lambda: banned_in_firewalld("203.0.113.21"), "203.0.113.21 in firewalld")
        browser.wait(has_row("203.0.113.21"), what="203.0.113.21 on the page")
        remaining = browser.text(row("203.0.113.21") + " td:nth-child(5)")
        assert remaining == "permanent", f"a permanent ban shows {remaining!r}"
        listed = busctl("ListBans", "s", "sshd")
        assert "18446744073709551615" in listed, f"the form's ban is not permanent: {listed}"

        step("the filter tester shows the address of a pasted sshd line")
        browser.type("#tester-filter", "sshd")
        browser.type("#tester-lines", SSHD_LINE + "\nsomething else")
        browser.click("#tester-run")
        browser.wait("document.querySelectorAll('#tester-result tbody tr').length === 2", what="the tester's rows")
        first = browser.text("#tester-result tbody tr:nth-child(1)")
        assert "203.0.113.50" in first and "failure" in first, f"tester row: {first!r}"
        assert "no-match" in browser.text("#tester-result tbody tr:nth-child(2)")
        assert not banned_in_firewalld("203.0.113.50"), "the tester banned"
        browser.screenshot(os.path.join(SHOTS, "2-ban-form-filter-tester.png"))

        step("a jail is disabled and enabled from its row")
        toggle = '#jails tr[data-jail="sshd-aggressive"] button.toggle-jail'
        browser.click(toggle)
        wait_for(lambda: jail_enabled("sshd-aggressive") == "b false", "sshd-aggressive to be disabled")
        browser.wait(f"document.querySelector({json.dumps(toggle)}).innerText === 'Enable'", what="the Enable button")
        assert "disabled" in browser.text('#jails tr[data-jail="sshd-aggressive"]')
        browser.click(toggle)
        wait_for(lambda: jail_enabled("sshd-aggressive") == "b true", "sshd-aggressive to be enabled again")

        step("an unprivileged session sees the bans and is refused an unban, in plain words")
        browser.load(NOBODY_URL)
        browser.wait(has_row("203.0.113.21"), what="203.0.113.21 in the unprivileged session")
        browser.click(row("203.0.113.21") + " button.unban")
        refusal = browser.wait("(document.querySelector('.alert[data-topic=\"action\"]') || {}).innerText",
                               what="a refusal")
        assert "Permission denied" in refusal and "not allowed to unban 203.0.113.21" in refusal, refusal
        assert banned_in_firewalld("203.0.113.21"), "the refused unban went through"
        browser.screenshot(os.path.join(SHOTS, "3-unprivileged-refused.png"))

        step("firewalld stopped: the page says so")
        browser.load(ROOT_URL)
        browser.wait(has_row("203.0.113.21"), what="the page again")
        subprocess.run(["bash", SANDBOX, "firewalld-stop"], check=True)
        browser.wait("(document.querySelector('#alerts').innerText || '').includes('firewalld is not available')",
                     what="the firewalld alert")

        step("banjod stopped: the page says so and offers to start it")
        subprocess.run(["kill", "-TERM", os.environ["BANJOD_PID"]], check=True)
        browser.wait("(document.querySelector('#alerts').innerText || '').includes('banjo is not running')",
                     what="the not-running alert")
        browser.wait("!!document.querySelector('#start-banjo')", what="the start button")
        assert "203.0.113.21" not in browser.text(), "the page still shows banjod's bans after it stopped"
        browser.screenshot(os.path.join(SHOTS, "4-not-running.png"))
    except Exception:
        try:
            browser.screenshot(os.path.join(SHOTS, "failure.png"))
            print("console:", *browser.console[-20:], sep="\n  ", file=sys.stderr)
        except Exception:
            pass
        raise
    finally:
        browser.close()
    print("PASS")


if __name__ == "__main__":
    main()
