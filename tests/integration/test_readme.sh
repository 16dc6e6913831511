#!/usr/bin/env bash
# test_readme.sh - README.md's "A first session by hand", run as written.
#
#   test_readme.sh BAOSONGD BAOSONG README.md
#
# The commands are taken from the first ```sh block after the heading "## A
# first session by hand" and run by bash in an empty directory holding a
# site photo (site.jpg), with two substitutions only: `baosongd` and
# `baosong` are the built programs, and `baosongd serve` runs in the
# background on a port the system picks (--listen 127.0.0.1:0), which takes
# the place of the README's county.example:7400.  The session is dated (week
# 2026-W47), so the clock is set to its Wednesday whatever scripts/test
# chose.  Every command must succeed, and the township's `ranking show` at
# the end must show a ranked unit.
set -u
BD=$1
BC=$2
README=$3

T=$(mktemp -d /tmp/bs-readme-XXXXXX)
FAILED=0
export BAOSONG_NOW="2026-11-18 10:00" BAOSONG_NOW_SINCE=$(date +%s.%N)
export TZ=UTC LC_ALL=C.UTF-8
cleanup() {
  [ -s "$T/server.pid" ] && kill -9 "$(cat "$T/server.pid")" 2>/dev/null
  if [ "$FAILED" = 0 ] && [ -z "${BS_KEEP:-}" ]; then rm -rf "$T"; else echo "kept $T for inspection" >&2; fi
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  FAILED=1
  [ -s "$T/run.log" ] && { echo "--- session output (last 40 lines):" >&2; tail -n 40 "$T/run.log" >&2; }
  [ -s "$T/server.log" ] && { echo "--- server log:" >&2; tail -n 10 "$T/server.log" >&2; }
  exit 1
}

# The block, as written.
awk '/^## A first session by hand/ { h = 1; next }
     h && /^## / { exit }
     h && /^```sh$/ { b = 1; next }
     b && /^```$/ { exit }
     b { print }' "$README" > "$T/session.sh"
[ -s "$T/session.sh" ] || fail "no \`\`\`sh block under '## A first session by hand' in $README"
grep -q 'baosongd serve --listen 0.0.0.0:7400' "$T/session.sh" || fail "the session starts no server on 0.0.0.0:7400"
grep -q 'county.example:7400' "$T/session.sh" || fail "the session names no county.example:7400"
n=$(grep -cvE '^[[:space:]]*(#|$)' "$T/session.sh")
echo "ok - $n commands taken from $README"

# The session's directory: empty but for a site photo (a small JPEG).
mkdir "$T/work"
printf '\377\330\377\340\000\020JFIF\000\001\001\000\000\001\000\001\000\000' > "$T/work/site.jpg"
head -c 4000 /dev/urandom >> "$T/work/site.jpg"
printf '\377\331' >> "$T/work/site.jpg"

{
  cat <<HDR
set -e -o pipefail
BD='$BD'; BC='$BC'; T='$T'
HDR
  cat <<'HDR'
baosong() { "$BC" "$@"; }
# serve: in the background on a port the system picks; PORT for the rest.
baosongd() {
  if [ "$1" != serve ]; then "$BD" "$@"; return; fi
  shift
  local args=() a
  while [ $# -gt 0 ]; do
    a=$1; shift
    if [ "$a" = --listen ]; then shift; continue; fi
    args+=("$a")
  done
  "$BD" serve --listen 127.0.0.1:0 --port-file "$T/port" "${args[@]}" 2>>"$T/server.log" &
  echo $! > "$T/server.pid"
  for _ in $(seq 1 250); do [ -s "$T/port" ] && break; sleep 0.02; done
  [ -s "$T/port" ] || { echo "the server did not start" >&2; return 1; }
  PORT=$(cat "$T/port")
}
set -x
HDR
  sed 's/county\.example:7400/127.0.0.1:$PORT/g' "$T/session.sh"
} > "$T/run.sh"

(cd "$T/work" && timeout 240 bash "$T/run.sh") > "$T/run.log" 2>&1 || fail "a command of the session failed (exit $?)"
echo "ok - every command of the session succeeded"

# The end of the session: the township's ranking shows ranked units.
sed -n '/ranking show/,$p' "$T/run.log" > "$T/ranking.txt"
grep -q '新镇' "$T/ranking.txt" || fail "the township's ranking does not show 新镇"
"$BD" assess show --db "$T/work/baosong.db" 1 --csv > "$T/pub.csv" || fail "assess show 1"
ranked=$(grep -cE '^(\xef\xbb\xbf)?[0-9]+' "$T/pub.csv")
[ "$ranked" -ge 1 ] || fail "no unit is ranked in the published bulletin: $(cat "$T/pub.csv")"
grep -qE '第 *[0-9]+ *名|rank(ed)? *[0-9]+|[0-9]+ */ *[0-9]+' "$T/ranking.txt" \
  || fail "the township's ranking shows no rank: $(cat "$T/ranking.txt")"
echo "ok - the bulletin ranks $ranked unit(s); the township sees its place"
grep -q '本年累计投资应为3000万元' "$T/run.log" || fail "the township's status does not show the reviewer's comment"
echo "ok - the returned report's comment reached the township"

# ranking show fits an 80-column terminal (ambiguous-width characters such as
# ≥ — ▶ “ counted as wide, as a CJK terminal shows them) and --wide has the
# indicators' scores.
(cd "$T/work" && "$BC" ranking show --dir xinzhen) > "$T/compact.txt" 2>&1 || fail "ranking show"
(cd "$T/work" && "$BC" ranking show --dir xinzhen --wide) > "$T/wide.txt" 2>&1 || fail "ranking show --wide"
command -v python3 >/dev/null 2>&1 || fail "python3 is missing: scripts/setup installs it"
python3 - "$T/compact.txt" > "$T/widths" 2>&1 <<'PY' || fail "ranking show is too wide: $(cat "$T/widths")"
import sys, unicodedata
for n, line in enumerate(open(sys.argv[1], encoding='utf-8'), 1):
    line = line.rstrip('\n').replace('\x1b[1m', '').replace('\x1b[0m', '')
    w = sum(2 if unicodedata.east_asian_width(c) in 'WFA' else 1 for c in line)
    amb = [c for c in line if unicodedata.east_asian_width(c) == 'A']
    if w > 80:
        sys.exit('line %d is %d columns: %s' % (n, w, line))
    if amb:
        sys.exit('line %d has ambiguous-width %r' % (n, amb))
PY
grep -q '固定资产投资..' "$T/wide.txt" || fail "ranking show --wide lacks the indicator columns"
echo "ok - ranking show fits 80 columns (ambiguous width counted wide); --wide has every indicator"
