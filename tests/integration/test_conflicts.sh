#!/usr/bin/env bash
# test_conflicts.sh - a clerk's data is never silently wrong: edits, refusals,
# conflicts and photos with real processes on 127.0.0.1 (a township clerk,
# a second device of the same township, the bureau's reviewer and the
# county leader, whose pulls show what the server holds).
#
#   test_conflicts.sh BAOSONGD BAOSONG
#
# 1. `report edit ID --ytd 160` changes that field alone (a 62% progress
#    stays 62%); warnings at entry (late, no photo, a cumulative figure
#    lower than the week before, a project name the unit has already).
# 2. A change the server refuses (its week closed) is marked on the device
#    until a person acts; `discard` puts back the server's version; a local
#    copy that differs from the server's with nothing waiting is repaired by
#    the next sync.
# 3. Two devices change different fields of one project: both changes are
#    kept, no conflict.
# 4. Both change the same field: a conflict listing both values; the other
#    fields merge; `resolve --mine` takes this device's value without
#    reverting the field it did not touch; `resolve --pick` settles field by
#    field; a photo added in the conflicting change is kept.
# 5. A photo deleted after it was attached still reaches the server.
set -u
BD=$1
BC=$2

T=$(mktemp -d /tmp/bs-conflicts-XXXXXX)
. "$(dirname "$0")/clock.sh"
SRV=$T/server
mkdir -p "$SRV"
PID=
FAILED=0
export TZ=UTC LC_ALL=C.UTF-8

cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  if [ "$FAILED" = 0 ]; then rm -rf "$T"; else echo "kept $T for inspection" >&2; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; FAILED=1; tail -15 "$SRV/log" >&2; exit 1; }
ok() { echo "ok - $*"; }
client() { local name=$1; shift; timeout 60 env BAOSONG_DIR="$T/$name" "$BC" "$@"; }
token() {
  "$BD" token create --db "$SRV/baosong.db" --unit "$1" --role "$2" \
    | grep -oE '[0-9A-Z]{4}(-[0-9A-Z]{1,4}){6}' | head -1
}
# jpeg FILE SIZE: a JPEG's magic number, then random bytes.
jpeg() { { printf '\377\330\377\340'; head -c $(($2 - 4)) /dev/urandom; } > "$1"; }
# row NAME KIND ID: the CSV row of record ID as device NAME lists it.
row() { client "$1" "$2" list --csv | grep "^$3,"; }
# server KIND ID: the row as the server holds it (the leader pulls everything).
server() { client leader pull --quiet >/dev/null 2>&1 || fail "leader pull"; row leader "$1" "$2"; }
seq_of() { sed -n 's/.*#\([0-9][0-9]*\).*/\1/p' | head -1; }

"$BD" keygen --out "$SRV/server.key" >/dev/null || fail keygen
"$BD" init --db "$SRV/baosong.db" >/dev/null || fail init
"$BD" unit add --db "$SRV/baosong.db" --code xinzhen --name 新镇 --type township --region 620421 >/dev/null || fail unit
"$BD" unit add --db "$SRV/baosong.db" --code fgj --name 县发改局 --type bureau --region 620421 >/dev/null || fail unit
"$BD" serve --listen 127.0.0.1:0 --port-file "$SRV/port" --key "$SRV/server.key" \
  --data "$SRV" 2>>"$SRV/log" &
PID=$!
for _ in $(seq 1 200); do [ -s "$SRV/port" ] && break; sleep 0.02; done
[ -s "$SRV/port" ] || fail "server did not start"
PORT=$(cat "$SRV/port")
FP=$("$BD" fingerprint --key "$SRV/server.key")
enrol() { client "$1" init --server 127.0.0.1:$PORT --server-key "$FP" --token "$(token "$2" "$3")" >/dev/null 2>&1 || fail "enrol $1"; }
enrol a xinzhen reporter      # the clerk's office PC
enrol b xinzhen reporter      # a second device of the same township
enrol reviewer fgj reviewer
enrol leader fgj leader

# ---- 1. an edit changes only what it names; warnings at entry ---------------------------
P=$(client a project add --name 新镇污水处理厂 --year 2026 --stage 续建 --total 5000 \
  --annual 1000 --township 新镇 --leader 王五 --owner 新镇城投 2>/dev/null) || fail "project add"
client a project add --name 新镇污水处理厂 --year 2026 --stage 前期 --total 10 >/dev/null 2>"$T/err" \
  || fail "second project add"
grep -q '^提醒 warning: 本单位已有同名项目 .*already exists in this unit' "$T/err" \
  || fail "no warning for a project name the unit has already: $(cat "$T/err")"
W2=$(bj %G-W%V -1209600)     # two weeks ago: its Friday 12:00 has passed
W1=$(bj %G-W%V -604800)
jpeg "$T/site.jpg" 30000
client a report add --project "$P" --week "$W2" --period 100 --ytd 300 --total 800 \
  --progress 主体施工 --percent 62 --photo "$T/site.jpg" >/dev/null 2>"$T/err" || fail "report add"
grep -q "^提醒 warning: $W2 周报的截止时间.*已过.*will count as late" "$T/err" \
  || fail "no warning that the report is late: $(cat "$T/err")"
R=$(client a report list --csv | grep ",$W2," | cut -d, -f1)
[ -n "$R" ] || fail "report not listed"
client a report add --project "$P" --week "$W1" --period 10 --ytd 250 --total 810 >/dev/null 2>"$T/err" \
  || fail "report add W1"
grep -q '^提醒 warning: 没有现场照片.*does not count as on time' "$T/err" \
  || fail "no warning for a report without a photo: $(cat "$T/err")"
grep -q "^提醒 warning: 本年累计完成投资 250.00 万元低于上一期（$W2）的 300.00 万元" "$T/err" \
  || fail "no warning for a year-to-date figure lower than the week before: $(cat "$T/err")"
client a sync --quiet >/dev/null 2>&1 || fail "sync a"
client a report edit "${R:0:8}" --ytd 160 >/dev/null 2>&1 || fail "report edit --ytd"
client a sync --quiet >/dev/null 2>&1 || fail "sync after edit"
s=$(server report "$R")
case "$s" in
  *,100.00,160.00,800.00,主体施工,62,,1,*) ;;
  *) fail "report edit --ytd 160 changed more than ytd: server has '$s'" ;;
esac
ok "report edit --ytd 160 changes that field alone (progress stays 62%, photo stays); warnings at entry"

# ---- 2. a refused change does not leave the device wrong ------------------------------------
client reviewer sync --quiet >/dev/null 2>&1 || fail "reviewer sync"
client reviewer period close weekly_report "$W2" >/dev/null 2>&1 || fail "period close"
# The clerk has not synced since: the edit is queued, the server refuses it.
client a report edit "${R:0:8}" --ytd 999 --total 999 >/dev/null 2>&1 || fail "offline edit"
client a sync --quiet >/dev/null 2>&1
client a report list | grep -q "^${R:0:8} .*被拒\$" || fail "the refused change is not marked on the device"
client a status >"$T/status" 2>&1
REFUSED=$(sed -n 's/^ *#\([0-9][0-9]*\) weekly_report .*/\1/p' "$T/status" | head -1)
[ -n "$REFUSED" ] || fail "status does not list the refused change: $(cat "$T/status")"
client a pull --quiet >/dev/null 2>&1
row a report "$R" | grep -q ',999.00,999.00,' || fail "a pull hid the refused figures before a person acted"
client a discard "$REFUSED" >"$T/out" 2>&1 || fail "discard: $(cat "$T/out")"
grep -q "this device shows the server's version again" "$T/out" || fail "discard did not restore: $(cat "$T/out")"
row a report "$R" | grep -q ',100.00,160.00,800.00,' || fail "after discard the device does not show the server's figures: $(row a report "$R")"
client a report list | grep -q "^${R:0:8} .*被拒" && fail "still marked refused after discard"
# A local copy wrong behind the client's back (nothing waiting) is repaired by a sync.
sqlite3 "$T/a/baosong.db" "UPDATE record SET data = (SELECT data FROM record WHERE uid = '$P') WHERE uid = '$R'" \
  || fail "damage"
client a sync >"$T/out" 2>&1 || fail "sync to repair"
grep -q '恢复 1 条本机记录为服务器版本' "$T/out" || fail "the sync does not say it repaired: $(cat "$T/out")"
row a report "$R" | grep -q ',100.00,160.00,800.00,' || fail "the sync did not repair the local copy"
ok "refused change marked until discard; discard shows the server's version; a sync repairs a wrong copy"

# ---- 3. two devices, different fields: both kept, no conflict ---------------------------------
client b sync --quiet >/dev/null 2>&1 || fail "sync b"
client a project edit "${P:0:8}" --leader 张三 >/dev/null 2>&1 || fail "a edit"
client b project edit "${P:0:8}" --owner 县水务公司 >/dev/null 2>&1 || fail "b edit"
client a sync --quiet >/dev/null 2>&1 || fail "sync a"
client b sync >"$T/bsync" 2>&1; rc=$?
[ $rc -eq 0 ] || fail "b's sync exited $rc: $(cat "$T/bsync")"
grep -q '按字段合并 merged field by field: 1 ' "$T/bsync" || fail "b's sync does not say it merged: $(cat "$T/bsync")"
[ "$(sqlite3 "$T/b/baosong.db" 'SELECT COUNT(*) FROM conflict')" = 0 ] \
  || fail "a conflict was recorded for different fields: $(client b status 2>&1)"
s=$(server project "$P")
case "$s" in *,张三,*) ;; *) fail "a's leader lost: '$s'" ;; esac
case "$s" in *县水务公司*) ;; *) fail "b's owner lost: '$s'" ;; esac
client a sync --quiet >/dev/null 2>&1 || fail "sync a again"
for d in a b; do
  r=$(row $d project "$P")
  case "$r" in *,张三,*县水务公司*) ;; *) fail "device $d does not show both changes: '$r'" ;; esac
done
ok "two devices edited different fields of one project: both kept, no conflict"

# ---- 4. both change the same field ----------------------------------------------------------------
client a project edit "${P:0:8}" --annual 500 --township 甲镇 >/dev/null 2>&1 || fail "a edit"
client b project edit "${P:0:8}" --annual 600 --leader 李四 >/dev/null 2>&1 || fail "b edit"
client a sync --quiet >/dev/null 2>&1 || fail "sync a"
client b sync --quiet >/dev/null 2>&1
CF=$(client b status 2>&1 | sed -n 's/^ *#\([0-9][0-9]*\) project .*/\1/p' | tail -1)
[ -n "$CF" ] || fail "no conflict listed: $(client b status 2>&1)"
client b resolve "$CF" >"$T/cf" 2>&1 || fail "resolve SEQ shows the conflict: $(cat "$T/cf")"
grep -q '本机 mine: *600.00' "$T/cf" && grep -q '服务器 theirs: *500.00' "$T/cf" \
  || fail "the conflict does not show both values: $(cat "$T/cf")"
grep -q 'leader\|township' "$T/cf" && fail "fields only one side changed are listed as conflicts: $(cat "$T/cf")"
s=$(server project "$P")
case "$s" in *,甲镇,李四,*) ;; *) fail "the non-conflicting fields did not merge: '$s'" ;; esac
client b resolve "$CF" --mine >/dev/null 2>&1 || fail "resolve --mine"
client b sync --quiet >/dev/null 2>&1 || fail "sync after resolve"
s=$(server project "$P")
case "$s" in *,甲镇,李四,*600.00*) ;; *) fail "after resolve --mine the server has '$s' (want 甲镇, 李四, 600.00)" ;; esac
case "$s" in *,500.00,*) fail "resolve --mine kept the other annual figure: '$s'" ;; esac
ok "same field: a conflict with both values; the rest merged; resolve --mine reverts nothing it did not touch"

# Two fields in conflict, settled one by one.
client a sync --quiet >/dev/null 2>&1
client a project edit "${P:0:8}" --owner 甲公司 --contents 甲方案 >/dev/null 2>&1 || fail "a edit"
client b project edit "${P:0:8}" --owner 乙公司 --contents 乙方案 >/dev/null 2>&1 || fail "b edit"
client a sync --quiet >/dev/null 2>&1 || fail "sync a"
client b sync --quiet >/dev/null 2>&1
CF=$(client b status 2>&1 | sed -n 's/^ *#\([0-9][0-9]*\) project .*/\1/p' | tail -1)
[ -n "$CF" ] || fail "no conflict for two fields"
client b resolve "$CF" --pick owner=mine >/dev/null 2>"$T/err"
[ $? -eq 64 ] && grep -q 'not picked' "$T/err" || fail "a partial --pick was accepted: $(cat "$T/err")"
client b resolve "$CF" --pick owner=mine --pick contents=theirs >/dev/null 2>&1 || fail "resolve --pick"
client b sync --quiet >/dev/null 2>&1 || fail "sync after pick"
s=$(server project "$P")
case "$s" in *乙公司*甲方案*) ;; *) fail "--pick did not settle each field: '$s'" ;; esac
ok "resolve --pick FIELD=mine|theirs settles each field"

# A photo added in a conflicting change is kept.
client b sync --quiet >/dev/null 2>&1
client reviewer period reopen weekly_report "$W2" >/dev/null 2>&1 || fail "period reopen"
client a sync --quiet >/dev/null 2>&1; client b sync --quiet >/dev/null 2>&1
jpeg "$T/new.jpg" 20000
client a report edit "${R:0:8}" --percent 70 >/dev/null 2>&1 || fail "a report edit"
client b report edit "${R:0:8}" --percent 75 --photo "$T/new.jpg" >/dev/null 2>&1 || fail "b report edit"
client a sync --quiet >/dev/null 2>&1 || fail "sync a"
client b sync --quiet >/dev/null 2>&1
s=$(server report "$R")
case "$s" in *,70,*,2,*) ;; *) fail "the photo of the conflicting change was not kept: '$s'" ;; esac
ok "a photo added in a conflicting change is kept"

# ---- 5. a photo deleted after it was attached still reaches the server -------------------------
jpeg "$T/usb.jpg" 40000
H=$(b2sum -l 256 "$T/usb.jpg" | cut -c1-64)
client a report add --project "$P" --ytd 400 --total 900 --photo "$T/usb.jpg" >/dev/null 2>&1 \
  || fail "report add with a photo"
rm "$T/usb.jpg"
client a sync --quiet >/dev/null 2>&1 || fail "sync after the photo file was deleted"
client leader fetch "$H" --out "$T/back.jpg" >/dev/null 2>&1 || fail "the photo did not reach the server"
[ "$(stat -c %s "$T/back.jpg")" = 40000 ] || fail "the photo arrived damaged"
ok "a photo deleted after it was attached still reaches the server"

kill -TERM "$PID"
wait "$PID" 2>/dev/null
PID=
echo "all conflict checks passed"
