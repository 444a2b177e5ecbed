#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mail actions through a real MTA: banjod (nftables backend, in the sandbox's namespace) runs
# msmtp as its sendmail (sendmail -t -i -f FROM), which delivers over SMTP to python3-aiosmtpd
# listening inside the namespace into a Maildir. The mail must arrive with its headers from the
# config, the address and jail in its subject and the lines behind the ban in its body.
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

[jail.sshd]
filter = "sshd"
actions = ["mail-admin"]
TOML
banjod_start

journal_sshd 3 "Failed password for invalid user trudy from 203.0.113.60 port 4242 ssh2"
wait_until 20 sandbox_banned 203.0.113.60 || fail "203.0.113.60 not banned"
mails() { ls "$MAIL"/Maildir/new/ 2>/dev/null | wc -l; }
wait_until 30 bash -c "[[ \$(ls '$MAIL'/Maildir/new/ 2>/dev/null | wc -l) -ge 1 ]]" \
    || { cat "$MAIL/msmtp.log" "$MAIL/smtpd.log" >&2 2>/dev/null; fail "no mail arrived"; }
/usr/bin/python3 - "$MAIL"/Maildir/new/* <<'PY' || fail "the mail: $(cat "$MAIL"/Maildir/new/*)"
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
PY
banjod_stop TERM
echo "PASS"
