#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A damaged state file never stops protection. banjod finds banjo.db zero-length, then
# scribbled over, then replaced by another program's SQLite file: each time it moves the file
# aside (banjo.db.corrupt-<time>, with its -wal), says so, starts with a new one and rebuilds
# the bans in force from firewalld's banjo4/banjo6 (which outlive banjod) and from banjo's own
# ban and unban entries in the journal (written here as journald would have stored them:
# the test sandbox has no journald, banjod's own log lines go to its stderr). Entries that
# journald did not attribute to banjod's user are not believed.
# Usage: live_state_corrupt_test.sh BANJOD SOURCE_ROOT
set -u
BANJOD=$1 BANJO_SOURCE_ROOT=$2
source "$BANJO_SOURCE_ROOT/tests/integration/lib/sandbox.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/banjod.sh"
source "$BANJO_SOURCE_ROOT/tests/integration/lib/state.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 not found (Debian: sqlite3)" >&2; exit 77; }
sandbox_with_firewalld
banjod_prepare_sshd
banjod_start
state=$BANJOD_DIR/state

# ListBans' row of ADDRESS in sshd: jail address banned expires failures origin.
ban_row() { manager ListBans s sshd | grep -o "\"sshd\" \"$1\" [0-9]* [0-9]* [0-9]* \"[a-z]*\""; }
banned() { banned_addresses sshd | grep -qx "$1"; }
moved_files() { find "$state" -maxdepth 1 -name 'banjo.db.corrupt-*' ! -name '*-wal' ! -name '*-shm' | wc -l; }

echo "0. three attackers are banned, and one address by hand; banjod stops"
journal_failures 3 198.51.100.1 198.51.100.2 198.51.100.3
manager Ban sst sshd 203.0.113.40 0 >/dev/null || fail "Ban 203.0.113.40"
for a in 198.51.100.1 198.51.100.2 198.51.100.3 203.0.113.40; do
    wait_until 10 has_entry "$a" || fail "$a not banned"
done
banjod_stop TERM

# What banjod logged (its own log lines go to its stderr here: the journal is the test's) and
# more: the three bans (198.51.100.1 with other details than firewalld can know), 198.51.100.3
# lifted by hand (firewalld still holds it, as if banjod died before telling it), a ban of
# 203.0.113.20 that firewalld lost (say it was restarted), a ban that already ended, and a
# ban "written" by an unprivileged user, which must not be believed. The manual ban of
# 203.0.113.40 has left the journal (vacuumed): only firewalld still knows it.
now=$(date +%s%6N)
hour=3600000000
ban_records "ban sshd 198.51.100.1 $((now + 2 * hour)) 7" \
    "ban sshd 198.51.100.2 $((now + hour)) 3" \
    "ban sshd 198.51.100.3 $((now + hour)) 3" \
    "unban sshd 198.51.100.3" \
    "ban sshd 203.0.113.20 $((now + hour)) 4" \
    "ban sshd 203.0.113.21 $((now - 1000000)) 3" \
    "ban sshd 203.0.113.66 $((now + hour)) 3 1000"

check_rebuilt() {   # what every damaged start must give
    wait_until 30 banned 203.0.113.20 || fail "203.0.113.20 (journal) was not rebuilt"
    wait_until 30 banned 198.51.100.2 || fail "198.51.100.2 was not rebuilt"
    banned 198.51.100.1 || fail "198.51.100.1 was not rebuilt"
    [[ $(ban_row 198.51.100.1) == *" $((now + 2 * hour)) 7 \"restored\"" ]] \
        || fail "198.51.100.1 rebuilt without the journal's expiry and failures: $(ban_row 198.51.100.1)"
    [[ $(ban_row 203.0.113.20) == *" $((now + hour)) 4 \"restored\"" ]] || fail "203.0.113.20: $(ban_row 203.0.113.20)"
    wait_until 10 has_entry 203.0.113.20 || fail "203.0.113.20 is not in firewalld"
    wait_until 10 lacks_entry 198.51.100.3 || fail "198.51.100.3, unbanned in the journal, is still in firewalld"
    # Both rebuilds are done (the firewall's came last): what is not banned now never will be.
    banned 198.51.100.3 && fail "198.51.100.3 was lifted, yet rebuilt"
    banned 203.0.113.21 && fail "203.0.113.21 had ended, yet rebuilt"
    banned 203.0.113.66 && fail "a ban entry forged by uid 1000 was believed"
    lacks_entry 203.0.113.66 || fail "203.0.113.66 is in firewalld"
    wait_until 30 banned 203.0.113.40 || fail "203.0.113.40 (firewalld only) was not rebuilt"
    [[ $(banned_addresses sshd | wc -l) -eq 4 ]] || fail "bans: $(banned_addresses sshd | tr '\n' ' ')"
    [[ $(manager_property StateHealth) == ok ]] || fail "StateHealth $(manager_property StateHealth)"
    # A new attacker is banned as usual, and the new state file holds everything.
    journal_failures 3 "$1"
    wait_until 10 has_entry "$1" || fail "$1 not banned after the rebuild"
    wait_until 10 bash -c "[[ \$(sqlite3 -readonly '$state/banjo.db' 'SELECT count(*) FROM bans') == 5 ]]" \
        || fail "the new state file holds $(sqlite3 -readonly "$state/banjo.db" 'SELECT count(*) FROM bans') bans, not 5"
}

# Back to what firewalld held before (the rebuilt and new bans lifted), for the next round. The
# new attacker's ban and unban go to the journal as banjod logged them, or its failures, read
# again after the next rebuild, would ban it again.
reset_round() {   # NEW-ATTACKER
    manager Unban ss sshd 203.0.113.20 >/dev/null
    manager Unban ss sshd "$1" >/dev/null
    ban_records "ban sshd $1 $(($(date +%s%6N) + hour)) 3" "unban sshd $1"
    manager Ban sst sshd 198.51.100.3 0 >/dev/null
    wait_until 10 lacks_entry 203.0.113.20 || fail "203.0.113.20 was not lifted"
    wait_until 10 has_entry 198.51.100.3 || fail "198.51.100.3 was not banned again"
    banjod_stop TERM
}

echo "1. a zero-length banjo.db is moved aside, never taken for a first start"
: >"$state/banjo.db"
banjod_start
[[ $(moved_files) -eq 1 ]] || fail "no banjo.db.corrupt-* file: $(ls "$state")"
[[ -s $state/banjo.db ]] || fail "no new state file"
grep -q "The state file was damaged and is moved aside to $state/banjo.db.corrupt-.*zero-length" "$BANJOD_DIR/banjod.log" \
    || fail "no journal entry says the damaged file was moved aside"
check_rebuilt 203.0.113.31
grep -q "Rebuilt 3 bans in force from the journal" "$BANJOD_DIR/banjod.log" || fail "no journal entry for the rebuild from the journal"
grep -q "Rebuilt 1 bans in force from the firewall" "$BANJOD_DIR/banjod.log" || fail "no journal entry for the rebuild from firewalld"

echo "2. a clean restart restores from the new file: nothing rebuilt, nothing moved"
banjod_stop TERM
: >"$BANJOD_DIR/banjod.log"
banjod_start
[[ $(banned_addresses sshd | wc -l) -eq 5 ]] || fail "restored $(banned_addresses sshd | wc -l) bans, not 5"
grep -q "Rebuilt" "$BANJOD_DIR/banjod.log" && fail "a clean restart rebuilt bans"
[[ $(moved_files) -eq 1 ]] || fail "a clean restart moved the state file"
reset_round 203.0.113.31

echo "3. a banjo.db scribbled over inside fails its quick_check and is moved aside with its -wal"
# Every page but the first (the header and the schema): the tables' pages.
sqlite3 "$state/banjo.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
pages=$(($(stat -c %s "$state/banjo.db") / 4096))
((pages >= 2)) || fail "banjo.db has $pages pages"
dd if=/dev/urandom of="$state/banjo.db" bs=4096 seek=1 count=$((pages - 1)) conv=notrunc status=none
printf 'not a wal' >"$state/banjo.db-wal"
: >"$BANJOD_DIR/banjod.log"
banjod_start
[[ $(moved_files) -eq 2 ]] || fail "the scribbled file was not moved aside: $(ls "$state")"
ls "$state"/banjo.db.corrupt-*-wal >/dev/null 2>&1 || fail "its -wal was not moved with it: $(ls "$state")"
grep -q "The state file was damaged and is moved aside" "$BANJOD_DIR/banjod.log" || fail "no journal entry for the scribbled file"
check_rebuilt 203.0.113.32
reset_round 203.0.113.32

echo "4. another program's SQLite file in banjo's place is moved aside, not taken over"
rm -f "$state"/banjo.db "$state"/banjo.db-wal "$state"/banjo.db-shm
sqlite3 "$state/banjo.db" "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('cat');"
: >"$BANJOD_DIR/banjod.log"
banjod_start
[[ $(moved_files) -eq 3 ]] || fail "the foreign file was not moved aside: $(ls "$state")"
grep -q "not banjo's state" "$BANJOD_DIR/banjod.log" || fail "the journal entry does not say the file is not banjo's"
found=0
for f in "$state"/banjo.db.corrupt-*; do
    [[ $f == *-wal || $f == *-shm ]] && continue
    [[ $(sqlite3 -readonly "$f" "SELECT name FROM photos" 2>/dev/null) == cat ]] && found=1
done
[[ $found -eq 1 ]] || fail "the other program's file was not kept intact"
check_rebuilt 203.0.113.33

banjod_stop TERM
echo "PASS"
