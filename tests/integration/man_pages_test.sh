#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# man_pages_test.sh BANJOCTL BANJOD PAGE...
# Every built man page renders with `man --warnings` at 80 columns without a warning, and the
# pages say what the programs do: banjoctl(1) lists the same commands as `banjoctl --help` and,
# per command, the same long options as `banjoctl COMMAND --help` (and every short option that
# help lists); banjod(8) lists the same options as `banjod --help`. Option names are extracted
# from both sides and compared as sets.
set -uo pipefail

if [[ $# -lt 3 ]]; then
    echo "usage: man_pages_test.sh BANJOCTL BANJOD PAGE..." >&2
    exit 2
fi
banjoctl=$1 banjod=$2
shift 2
command -v man >/dev/null || { echo "man_pages_test: man not found (package man-db)" >&2; exit 77; }
python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

for page in "$@"; do
    name=$(basename "$page")
    if ! MANWIDTH=80 man --warnings -l "$page" >"$tmp/$name.txt" 2>"$tmp/$name.warnings"; then
        echo "FAIL: man could not render $name:" >&2
        cat "$tmp/$name.warnings" >&2
        status=1
    elif [[ -s $tmp/$name.warnings ]]; then
        echo "FAIL: $name renders with warnings:" >&2
        cat "$tmp/$name.warnings" >&2
        status=1
    fi
done

[[ -f $tmp/banjoctl.1.txt && -f $tmp/banjod.8.txt ]] || {
    echo "FAIL: banjoctl.1 and banjod.8 must be among the pages" >&2
    exit 1
}

# The help texts, one file per command; a command whose --help fails (import-fail2ban when
# it is not built) is left out and not compared.
"$banjoctl" --help >"$tmp/help.main" || status=1
"$banjod" --help >"$tmp/help.banjod" || status=1
mkdir "$tmp/help"
for command in $(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z0-9-]*\).*/\1/p' "$tmp/help.main" | sort -u); do
    "$banjoctl" "$command" --help >"$tmp/help/$command" 2>/dev/null || rm -f "$tmp/help/$command"
done

"$python" - "$tmp" <<'PY' || status=1
import os, re, sys
tmp = sys.argv[1]
ok = True

def fail(msg):
    global ok
    ok = False
    print("FAIL: " + msg, file=sys.stderr)

def sections(text):
    """Section name -> its lines, from a rendered page (headings start in column 0)."""
    out, name = {}, None
    for line in text.split("\n"):
        if line and not line[0].isspace():
            name = line.strip()
            out[name] = []
        elif name:
            out[name].append(line)
    return out

OPTION = re.compile(r"(?:^|,\s+)(--?[A-Za-z][\w-]*)")

def terms(lines, indent):
    """Option names on term lines: a line at exactly `indent` spaces starting with '-' that
    follows a blank line (a wrapped description line never follows one)."""
    found = set()
    for prev, line in zip([""] + lines, lines):
        if prev.strip() == "" and re.match(r" {%d}-" % indent, line) and not line.startswith(" " * (indent + 1)):
            found |= set(OPTION.findall(line.strip().split("  ")[0]))
    return found

def help_options(text):
    """Option names in the Options: part of a --help text (lines indented at most 6 spaces)."""
    found = set()
    for line in text.split("Options:", 1)[-1].split("\n"):
        m = re.match(r" {1,6}(-[^ ].*)", line)
        if m:
            found |= set(OPTION.findall(m.group(1).split("  ")[0]))
    return found

# banjod(8) against banjod --help.
banjod_man = terms(sections(open(os.path.join(tmp, "banjod.8.txt")).read()).get("OPTIONS", []), 7)
banjod_help = help_options(open(os.path.join(tmp, "help.banjod")).read())
if not banjod_help or banjod_man != banjod_help:
    fail("banjod(8) OPTIONS %s != banjod --help %s (only in the page: %s, only in --help: %s)" % (
        sorted(banjod_man), sorted(banjod_help), sorted(banjod_man - banjod_help), sorted(banjod_help - banjod_man)))

# banjoctl(1): COMMANDS entries (a command name at 7 spaces) and their options (at 11), plus
# the OPTIONS section: every command takes those except --version, which stands alone.
page = sections(open(os.path.join(tmp, "banjoctl.1.txt")).read())
commands, current = {}, None
lines = page.get("COMMANDS", [])
for i, line in enumerate(lines):
    m = re.match(r" {7}([a-z][a-z0-9-]*)(?: |$)", line)
    if m:
        current = m.group(1)
        commands.setdefault(current, set())
    elif current:
        prev = lines[i - 1] if i else ""
        if prev.strip() == "" and re.match(r" {11}-", line) and not line.startswith(" " * 12):
            commands[current] |= set(OPTION.findall(line.strip().split("  ")[0]))
common_all = terms(page.get("OPTIONS", []), 7)
main_help = help_options(open(os.path.join(tmp, "help.main")).read())
if common_all != main_help:
    fail("banjoctl(1) OPTIONS %s != banjoctl --help %s" % (sorted(common_all), sorted(main_help)))
common = common_all - {"--version"}

helped = sorted(os.listdir(os.path.join(tmp, "help")))
listed = set(re.findall(r"^  ([a-z][a-z0-9-]*)", open(os.path.join(tmp, "help.main")).read().split("Commands:", 1)[1].split("\n\n")[0], re.M))
if set(commands) != listed:
    fail("banjoctl(1) COMMANDS %s != banjoctl --help commands %s" % (sorted(commands), sorted(listed)))
# Long options must be the same set; a short alias --help lists must be in the page too (an
# alias a command accepts without listing it, such as -h, is no contradiction).
longs = lambda options: {o for o in options if o.startswith("--")}
for command in helped:
    from_help = help_options(open(os.path.join(tmp, "help", command)).read())
    from_man = commands.get(command, set()) | common
    if longs(from_help) != longs(from_man) or not (from_help - longs(from_help)) <= from_man:
        fail("banjoctl %s: banjoctl(1) lists %s, --help lists %s (only in the page: %s, only in --help: %s)" % (
            command, sorted(from_man), sorted(from_help), sorted(from_man - from_help), sorted(from_help - from_man)))
if len(helped) < 10:
    fail("only %d commands answered --help: %s" % (len(helped), helped))
sys.exit(0 if ok else 1)
PY

exit $status
