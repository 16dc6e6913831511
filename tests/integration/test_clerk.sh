#!/usr/bin/env bash
# test_clerk.sh - what a clerk and a reviewer see, with real processes on
# 127.0.0.1 (a server, a township clerk, a bureau reviewer):
#
# 1. Messages: a PC not set up, the server down ("cannot reach the county
#    server HOST:PORT"), a wrong server key, a spent token - each its own
#    bilingual line and exit status.
# 2. review list shows unit, project, period, key figures and photos;
#    filters; a too short or unknown id is refused.
# 3. review approve in bulk: several ids (short prefixes), and a filter.
# 4. fetch by the short hash lists print; fetch --open into a folder named
#    after the report; report show lists photos by full hash.
# 5. An unattended --quiet sync in which the server refuses a change (a
#    closed period) exits 79 and prints one line.
# 6. status starts with this week's reports due Friday 12:00.
# 7. assess publish refuses when no unit has a target, unless --allow-empty.
#
#   test_clerk.sh BAOSONGD BAOSONG
set -u
BD=$1
BC=$2
case $BD in /*) ;; *) BD=$(pwd)/$BD ;; esac
case $BC in /*) ;; *) BC=$(pwd)/$BC ;; esac

T=$(mktemp -d /tmp/bs-clerk-XXXXXX)
SRV=$T/server
DB=$SRV/baosong.db
mkdir -p "$SRV"
PID=
FAILED=0
export TZ=UTC LC_ALL=C.UTF-8
. "$(dirname "$0")/clock.sh"

cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  if [ "$FAILED" = 0 ]; then rm -rf "$T"; else echo "kept $T for inspection" >&2; fi
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2; FAILED=1
  echo "--- stdout:" >&2; cat "$T/out" >&2 2>/dev/null
  echo "--- stderr:" >&2; cat "$T/err" >&2 2>/dev/null
  exit 1
}
ok() { echo "ok - $*"; }
# run NAME ARGS...: a client command; rc, $T/out, $T/err.
run() { local name=$1; shift; BAOSONG_DIR=$T/$name timeout 60 "$BC" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
want() { # RC DESC
  [ "$rc" = "$1" ] || fail "$2 (exit $rc, want $1)"
}
has() { # FILE REGEX DESC
  grep -Eq -- "$2" "$T/$1" || fail "$3 (no /$2/ in $1)"
}
token() {
  "$BD" token create --db "$DB" --unit "$1" --role "$2" | awk 'NF == 1 { print $1 }'
}
start_server() {
  rm -f "$SRV/port"
  "$BD" serve --listen 127.0.0.1:${1:-0} --port-file "$SRV/port" --key "$SRV/server.key" \
    --data "$SRV" 2>>"$SRV/log" &
  PID=$!
  for _ in $(seq 1 250); do [ -s "$SRV/port" ] && break; sleep 0.02; done
  [ -s "$SRV/port" ] || fail "server did not start"
  PORT=$(cat "$SRV/port")
}

# The timeline: Wednesday of BAOSONG_NOW's week, 10:00; last week is closed.
bj_set $(( (3 - $(bj %u)) * 86400 + (10 * 3600 - 10#$(bj %H) * 3600 - 10#$(bj %M) * 60 - 10#$(bj %S)) ))
WEEK=$(bj %G-W%V)
YEAR=${WEEK%%-*}
LASTWEEK=$(bj %G-W%V -604800)
FRIDAY=$(bj %Y-%m-%d $((2 * 86400)))

"$BD" keygen --out "$SRV/server.key" >/dev/null || fail keygen
"$BD" init --db "$DB" >/dev/null 2>&1 || fail init
"$BD" unit add --db "$DB" --code fgj --name 县发改局 --type bureau --region 620421 >/dev/null 2>&1 || fail unit
"$BD" unit add --db "$DB" --code xinzhen --name 新镇 --type township --region 620421 >/dev/null 2>&1 || fail unit
"$BD" scheme example | sed "s/^year = .*/year = $YEAR/" > "$T/scheme.ini"
"$BD" scheme set --db "$DB" "$T/scheme.ini" >/dev/null 2>&1 || fail "scheme set"
start_server
FP=$("$BD" fingerprint --key "$SRV/server.key")

# ---- 1. messages -------------------------------------------------------------------------
run nobody sync --unattended --quiet
want 66 "sync before init"
has err '本机尚未设置 this PC is not set up yet: run baosong init' "not set up"
[ "$(wc -l < "$T/err")" = 1 ] || fail "not set up: more than one line"
run nobody status
want 66 "status before init"
has err 'run baosong init' "status before init"
ok "a PC not set up: one line, run baosong init, exit 66"
mkdir -m 700 "$T/broken"; echo 'not a database' > "$T/broken/baosong.db"
run broken status
[ "$rc" != 0 ] || fail "a damaged local database went unnoticed"
has err "本地数据库无法读写 the local database .*baosong.db cannot be read or written" "local disk/database error"
ok "a damaged local database: said in words, with what to do (exit $rc)"

run clerk init --server 127.0.0.1:$PORT --server-key "$FP" --token "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-A0"
want 77 "an unknown token"
has err '请向发改局索取新的登记口令' "token message"
WRONGFP=$("$BC" keygen --key "$T/other.key" | awk '/fingerprint/ { print $NF }')
run clerk init --server 127.0.0.1:$PORT --server-key "$WRONGFP" --token "$(token xinzhen reporter)"
want 77 "a wrong server key"
has err '服务器密钥不符' "key mismatch message"
ok "a spent token and a wrong server key each say what to do (exit 77)"

run clerk init --server 127.0.0.1:$PORT --server-key "$FP" --token "$(token xinzhen reporter)"
want 0 "enrol the clerk"
run reviewer init --server 127.0.0.1:$PORT --server-key "$FP" --token "$(token fgj reviewer)"
want 0 "enrol the reviewer"
run admin init --server 127.0.0.1:$PORT --server-key "$FP" --token "$(token fgj admin)"
want 0 "enrol the admin"

kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=
run clerk sync
want 75 "sync with the server down"
has err "无法连接县服务器 cannot reach the county server 127.0.0.1:$PORT" "server down message"
if grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$T/err"; then fail "a raw log line in a user command's output"; fi
run clerk sync --unattended --budget 1 --quiet
want 75 "unattended sync with the server down"
has err "cannot reach the county server" "unattended, server down"
run clerk status
has out "上次同步失败 last failure: .*无法连接县服务器" "status remembers why"
run nobody init --server nowhere.invalid:7400 --server-key "$FP" --token X
want 75 "a name that does not resolve"
has err "无法连接县服务器.*DNS" "DNS failure"
ok "server down: 无法连接县服务器 cannot reach the county server 127.0.0.1:$PORT (exit 75, also unattended); DNS named"
# A server answering with another key than the one pinned at init.
"$BD" keygen --out "$SRV/other.key" >/dev/null || fail "keygen other"
rm -f "$SRV/port"
"$BD" serve --listen 127.0.0.1:$PORT --port-file "$SRV/port" --key "$SRV/other.key" --data "$SRV" 2>>"$SRV/log" &
PID=$!
for _ in $(seq 1 250); do [ -s "$SRV/port" ] && break; sleep 0.02; done
run clerk sync
want 75 "sync against a server with another key"
has err "县服务器在握手时断开连接 .*服务器密钥不符" "another server key: said"
kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=
ok "a server with another key than the pinned one: the handshake failure names the key"
start_server "$PORT"

# ---- 2. review list -------------------------------------------------------------------------
printf '\377\330\377\340photo-one' > "$T/a.jpg"; head -c 3000 /dev/urandom >> "$T/a.jpg"
printf '\377\330\377\340photo-two' > "$T/b.jpg"; head -c 3000 /dev/urandom >> "$T/b.jpg"
run clerk project add --name 县城供水管网改造工程 --year "$YEAR" --stage 续建 --total 12345.60 --annual 6000
want 0 "project add"; P1=$(head -1 "$T/out")
run clerk project add --name 新镇产业园道路 --year "$YEAR" --stage 新开工 --total 900 --annual 500
want 0 "project add"; P2=$(head -1 "$T/out")
run clerk status
want 0 "status"
head -1 "$T/out" | grep -q "本周周报 this week's reports $WEEK，截止 due $FRIDAY (周五 Fri) 12:00" \
  || fail "status does not start with this week's reports due Friday 12:00: $(head -1 "$T/out")"
has out "已报 0 / 2 reported; 未报 still missing 2" "status lists the missing reports"
has out "${P1:0:8}  县城供水管网改造工程" "status names a missing project"
ok "status starts with this week's reports, due $FRIDAY 12:00, and the two still missing"

run clerk report add --project "${P1:0:8}" --week "$WEEK" --period 150 --ytd 300 --total 800 --photo "$T/a.jpg" --photo "$T/b.jpg"
want 0 "report 1"; R1=$(grep -oE "^[0-9a-f]{32}$" "$T/out")
HASH=$(grep -oE 'photo [0-9a-f]{16}' "$T/out" | head -1 | cut -d' ' -f2)
[ -n "$HASH" ] || fail "report add prints no short photo hash"
run clerk report add --project "${P2:0:8}" --week "$WEEK" --period 20 --ytd 120 --total 120 --photo "$T/a.jpg"
want 0 "report 2"; R2=$(grep -oE "^[0-9a-f]{32}$" "$T/out")
run clerk status
has out "未上传的照片 photos not uploaded yet: 2" "unsent photos in status"
run clerk sync --quiet
want 0 "clerk sync"
[ -s "$T/out" ] && fail "sync --quiet printed on success"
run reviewer sync --quiet
want 0 "reviewer sync"
run reviewer review list
want 0 "review list"
has out "${R1:0:8}  新镇 +周报 +县城供水管网改造工程 +$WEEK +本期 150.00 本年 300.00 累计 800.00 +2  待审核" \
  "review list row: unit, project, period, figures, photos"
has out "${R2:0:8}  新镇 +周报 +新镇产业园道路" "second report listed"
run reviewer review list --unit 新镇 --kind report --period "$WEEK"
[ "$(grep -c '待审核$' "$T/out")" = 2 ] || fail "filter by unit, kind, period"
run reviewer review list --kind project
grep -q "周报" "$T/out" && fail "--kind project lists reports"
run reviewer review list --unit nosuch
want 66 "unknown unit"
run reviewer review approve "${R1:0:5}"
want 65 "a 5-character id"
has err "at least its first 6" "short id explained"
ok "review list: unit, project, period, key figures, photos; filters; short ids refused"

# ---- 3. bulk approve ----------------------------------------------------------------------
run reviewer review approve "${P1:0:6}" "${P2:0:7}"
want 0 "approve two ids"
[ "$(grep -cE '^已审核通过 approved [0-9a-f]{8} ' "$T/out")" = 2 ] || fail "two ids approved"
run reviewer review approve --unit xinzhen --kind report --period "$WEEK"
want 0 "approve by filter"
[ "$(grep -cE '^已审核通过 approved [0-9a-f]{8} ' "$T/out")" = 2 ] || fail "filter approved both reports"
has out "2 done, 0 not done" "bulk summary"
run reviewer review list --state approved
[ "$(grep -c '已通过$' "$T/out")" = 4 ] || fail "four approved records"
ok "bulk approve: several short ids, then a filter (unit, kind, period)"

# ---- 4. fetch ------------------------------------------------------------------------------
run reviewer report show "${R1:0:8}"
want 0 "report show"
FULL=$(b2sum -l 256 "$T/a.jpg" | cut -d' ' -f1)
has out "^  $FULL" "report show lists a photo by its full hash"
has out "已通过" "report show has the review state"
run reviewer fetch "$HASH" --out "$T/got.jpg"
want 0 "fetch by short hash"
cmp -s "$T/a.jpg" "$T/got.jpg" || fail "fetched file differs"
(cd "$T" && BAOSONG_DIR=$T/reviewer "$BC" fetch --open "${R1:0:8}" >"$T/out" 2>"$T/err") || fail "fetch --open"
folder=$(sed -n 's/^照片已存入文件夹 photos saved in: //p' "$T/out")
case $folder in *"$WEEK"*县城供水管网改造工程*"${R1:0:8}") ;; *) fail "folder not named after the report: $folder" ;; esac
[ "$(ls "$T/$folder" | wc -l)" = 2 ] || fail "fetch --open did not save both photos"
ok "fetch by the 16-character hash the list printed; --open saves both photos in '$folder'"

# ---- 5. unattended run with a refusal -----------------------------------------------------
run reviewer period close weekly_report "$LASTWEEK"
want 0 "close last week"
run clerk report add --project "${P1:0:8}" --week "$LASTWEEK" --period 10 --ytd 150 --total 650 --photo "$T/a.jpg"
want 0 "a report for the closed week"
run clerk status
has out "^迟报 late reports \(1\):" "status lists the late report"
has out "$LASTWEEK +县城供水管网改造工程 +尚未发送 not sent yet" "the late report, not sent yet"
run clerk sync --unattended --quiet
want 79 "unattended sync with a refused change"
[ -s "$T/out" ] && fail "--quiet printed on stdout"
[ "$(wc -l < "$T/err")" = 1 ] || fail "not exactly one line under --quiet"
has err "needs attention: 1 .*refused" "the summary line names the refusal"
run clerk sync --unattended --quiet
want 0 "the next run refuses nothing new"
run clerk status
has out "refused by the server" "status shows the refusal"
ok "an unattended --quiet sync with a refused change exits 79 with one line"

# ---- 7. publish refuses an empty ranking ------------------------------------------------------
"$BD" assess publish --db "$DB" --scope week --period "$WEEK" --as-of "$FRIDAY 13:00" >"$T/out" 2>"$T/err"
rc=$?
want 65 "publish with no target"
has err "未发布 not published: 没有单位下达了目标 no unit has a target" "publish refusal"
"$BD" assess publish --db "$DB" --scope week --period "$WEEK" --as-of "$FRIDAY 13:00" --allow-empty >"$T/out" 2>"$T/err"
rc=$?
want 0 "publish --allow-empty"
run admin target add --unit-code xinzhen --period "$YEAR" --fai 20000
want 0 "target"
run admin sync --quiet
want 0 "admin sync"
"$BD" assess publish --db "$DB" --scope week --period "$WEEK" --as-of "$FRIDAY 13:00" >"$T/out" 2>"$T/err"
rc=$?
want 0 "publish with a target"
ok "assess publish refuses when no unit has a target; --allow-empty publishes anyway"
exit 0
