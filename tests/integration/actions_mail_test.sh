#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mail actions through a real MTA: banjod (nftables backend, in the sandbox's namespace) runs
# msmtp as its sendmail (sendmail -t -i -f FROM), which delivers over SMTP to python3-aiosmtpd
# listening inside the namespace into a Maildir. The mail must arrive with its headers from the
# config, the address and jail in its subject and the lines behind the ban in its body. A
# second mail action with whois runs a fake whois found on banjod's PATH that answers hostile
# text (command substitutions, backticks, an escape sequence, a forged header, a very long line,
# far more output than kept): it is run with the address as its one argument and no shell, its
# answer arrives as inert printable text, bounded; a whois that hangs is cut off at its timeout
# and the mail still goes out.
# Usage: actions_mail_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/actions.sh"
command -v msmtp >/dev/null || { echo "msmtp missing"; exit 77; }
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || { echo "python3-aiosmtpd missing"; exit 77; }
BANJO_TEST_BACKEND=nftables
sandbox_with_backend

MAIL=$BANJO_SANDBOX_DIR/mail
mkdir -p "$MAIL"
PORT=$((20000 + RANDOM % 20000))
ip netns exec "$BANJO_NETNS" /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$PORT" -c aiosmtpd.handlers.Mailbox "$MAIL/Maildir" \
    </dev/null >"$MAIL/smtpd.log" 2>&1 &
sandbox_remember $! aiosmtpd
wait_until 10 bash -c "ip netns exec $BANJO_NETNS ss -ltnH 'sport = :$PORT' | grep -q ." || fail "aiosmtpd did not start"
cat >"$MAIL/msmtprc" <<CONF
account default
host 127.0.0.1
port $PORT
auth off
tls off
syslog off
logfile $MAIL/msmtp.log
CONF
chmod 600 "$MAIL/msmtprc"
# The sendmail banjod runs: msmtp with this test's configuration, every argument passed on.
cat >"$MAIL/sendmail" <<SH
#!/bin/sh
exec /usr/bin/msmtp -C $MAIL/msmtprc "\$@"
SH
chmod 755 "$MAIL/sendmail"
# The fake whois: its arguments logged one a line; hostile output for 203.0.113.60, none (it
# hangs) for 203.0.113.61.
mkdir -p "$MAIL/bin"
cat >"$MAIL/bin/whois" <<'SH'
#!/bin/sh
{ echo "call $#"; printf '%s\n' "$@"; } >>"@MAIL@/whois.argv"
if [ "$1" = 203.0.113.61 ]; then echo $$ >"@MAIL@/whois-hang.pid"; exec sleep 60; fi
printf '%% RIPE-ish header $(id)\n\n'
printf 'inetnum:        203.0.113.0 - 203.0.113.255\n'
printf 'netname:        $(touch @MAIL@/pwned-subst)\n'
printf 'descr:          `touch @MAIL@/pwned-backtick`; touch @MAIL@/pwned-semicolon\n'
printf 'country:        ZZ\033[31mred\n'
printf 'descr:          x\rSubject: forged\n'
printf 'org-name:       %s\n' "$(head -c 3000 /dev/zero | tr '\000' A)"
printf 'abuse-mailbox:  abuse@example.org\n'
i=0; while [ $i -lt 4000 ]; do echo "remarks: filler line $i of a very long answer"; i=$((i + 1)); done
SH
sed -i "s|@MAIL@|$MAIL|g" "$MAIL/bin/whois"
chmod 755 "$MAIL/bin/whois"

banjod_prepare <<TOML
[defaults]
bantime = "1h"
maxretry = 3
ignore-self = false

[action.mail-admin]
type = "mail"
to = "admin@example.org"
from = "banjo@example.org"
sendmail = "$MAIL/sendmail"
timeout = "20s"

[action.mail-whois]
type = "mail"
to = "whois@example.org"
from = "banjo@example.org"
sendmail = "$MAIL/sendmail"
timeout = "8s"
whois = true

[jail.sshd]
filter = "sshd"
actions = ["mail-admin", "mail-whois"]
TOML
PATH="$MAIL/bin:$PATH" banjod_start

journal_sshd 3 "Failed password for invalid user trudy from 203.0.113.60 port 4242 ssh2"
wait_until 20 sandbox_banned 203.0.113.60 || fail "203.0.113.60 not banned"
mail_to() {   # RECIPIENT SUBJECT-START: the file of the first such mail
    grep -l -- "^To: $1" "$MAIL"/Maildir/new/* 2>/dev/null | xargs -r grep -l -- "^Subject: $2" 2>/dev/null | head -n 1
}
wait_until 30 bash -c "grep -q '^To: admin@example.org' '$MAIL'/Maildir/new/* 2>/dev/null" \
    || { cat "$MAIL/msmtp.log" "$MAIL/smtpd.log" >&2 2>/dev/null; fail "no mail arrived"; }
file=$(mail_to admin@example.org "\[banjo\] 203.0.113.60 banned")
/usr/bin/python3 - "$file" <<'PY' || fail "the mail: $(cat "$file")"
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
assert m["To"] == "admin@example.org", m["To"]
assert "banjo@example.org" in m["From"], m["From"]
assert m["Subject"].startswith("[banjo] 203.0.113.60 banned in jail sshd"), m["Subject"]
assert m["X-MailFrom"] == "banjo@example.org", m["X-MailFrom"]            # the envelope (-f)
assert m["X-RcptTo"] == "admin@example.org", m["X-RcptTo"]                 # from the To header (-t)
body = m.get_payload(decode=True).decode()
assert "after 3 failures" in body, body
lines = [l for l in body.splitlines() if "Failed password for invalid user trudy from 203.0.113.60" in l]
assert len(lines) == 3, body
assert "whois" not in body, body
PY

echo "whois: hostile answers arrive as inert text"
wait_until 30 bash -c "[[ -n \$(grep -l '^To: whois@example.org' '$MAIL'/Maildir/new/* 2>/dev/null) ]]" \
    || { cat "$MAIL/msmtp.log" >&2 2>/dev/null; fail "no whois mail arrived"; }
file=$(mail_to whois@example.org "\[banjo\] 203.0.113.60 banned")
[[ -n $file ]] || fail "the whois mail is not about 203.0.113.60"
/usr/bin/python3 - "$file" <<'PY' || fail "the whois mail: $(cat "$file")"
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
assert m["Subject"].startswith("[banjo] 203.0.113.60 banned in jail sshd"), m["Subject"]
assert m.get_all("Subject") == [m["Subject"]], m.get_all("Subject")
body = m.get_payload(decode=True).decode()
part = body.split("whois 203.0.113.60 (as its registry answered, unverified):", 1)[1]
w = [l.strip() for l in part.split("\n-- \n")[0].splitlines() if l.strip()]
assert w[0] == "inetnum:        203.0.113.0 - 203.0.113.255", w
assert any(l.startswith("netname:") and "$(touch" in l for l in w), w
assert any("`touch" in l and "; touch" in l for l in w), w
assert any(l == "country:        ZZ\\x1b[31mred" for l in w), w
assert any(l == "descr:          x\\x0dSubject: forged" for l in w), w
org = [l for l in w if l.startswith("org-name:")][0]
assert org.endswith("A...") and len(org) < 200, org
assert "abuse-mailbox:  abuse@example.org" in w, w
assert not any("filler" in l for l in w), w           # remarks are not summary lines
assert w[-1] == "(whois cut at 65536 bytes)", w[-3:]
assert len(body) < 20000, len(body)
assert "\x1b" not in body and "\r" not in body.replace("\r\n", "\n"), "a control character reached the body"
PY
for f in pwned-subst pwned-backtick pwned-semicolon; do [[ ! -e $MAIL/$f ]] || fail "whois output ran as a command: $f"; done
[[ $(head -n 2 "$MAIL/whois.argv") == $'call 1\n203.0.113.60' ]] || fail "whois argv: $(cat "$MAIL/whois.argv")"

echo "whois: one that hangs is cut off at its timeout, the mail still goes out"
journal_sshd 3 "Failed password for invalid user trudy from 203.0.113.61 port 4242 ssh2"
wait_until 20 sandbox_banned 203.0.113.61 || fail "203.0.113.61 not banned"
wait_until 30 bash -c "grep -l '^To: whois@example.org' '$MAIL'/Maildir/new/* 2>/dev/null | xargs -r grep -l '^Subject: \[banjo\] 203.0.113.61' | grep -q ." \
    || fail "no whois mail for 203.0.113.61"
file=$(mail_to whois@example.org "\[banjo\] 203.0.113.61 banned")
grep -q "^    (whois gave no answer: timed out)$" "$file" || fail "the hanging whois: $(cat "$file")"
hung=$(cat "$MAIL/whois-hang.pid")
[[ ! -e /proc/$hung ]] || fail "the hanging whois ($hung) still runs"
banjod_stop TERM
echo "PASS"
