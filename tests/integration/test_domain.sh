#!/usr/bin/env bash
# test_domain.sh - what townships and departments submit, reviewed, audited,
# with real processes on 127.0.0.1.
#
#   test_domain.sh BAOSONGD BAOSONG
#
# 1. Every record kind goes client -> server -> another authorised client's
#    pull (the county leader), and the unit directory reaches every device.
# 2. Review: submitted -> returned with a comment (the unit sees it in
#    `baosong status`) -> resubmitted -> approved (locked: edits refused) ->
#    reopened -> edited.
# 3. A closed reporting period refuses new reports until a reviewer reopens it.
# 4. The audit trail verifies clean, then catches an edited, a deleted and a
#    reordered row, and a record edited behind the trail's back.
set -u
BD=$1
BC=$2

T=$(mktemp -d /tmp/bs-domain-XXXXXX)
. "$(dirname "$0")/clock.sh"
SRV=$T/server
mkdir -p "$SRV"
PID=
FAILED=0
export TZ=UTC

cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  if [ "$FAILED" = 0 ]; then rm -rf "$T"; else echo "kept $T for inspection" >&2; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; FAILED=1; tail -15 "$SRV/log" >&2; exit 1; }
ok() { echo "ok - $*"; }
q() { sqlite3 -readonly "$SRV/baosong.db" "$1"; }
client() { local name=$1; shift; BAOSONG_DIR=$T/$name "$BC" "$@"; }
uid_of() { grep -oE '[0-9a-f]{32}' | head -1; }
token() {
  "$BD" token create --db "$SRV/baosong.db" --unit "$1" --role "$2" \
    | grep -oE '[0-9A-Z]{4}(-[0-9A-Z]{1,4}){6}' | head -1
}

"$BD" keygen --out "$SRV/server.key" >/dev/null || fail keygen
"$BD" init --db "$SRV/baosong.db" >/dev/null || fail init
"$BD" unit add --db "$SRV/baosong.db" --code xinzhen --name 新镇 --type township --region 620421 >/dev/null || fail unit
"$BD" unit add --db "$SRV/baosong.db" --code jtj --name 县交通局 --type department --region 620421 >/dev/null || fail unit
"$BD" unit add --db "$SRV/baosong.db" --code fgj --name 县发改局 --type bureau --region 620421 >/dev/null || fail unit
"$BD" unit add --db "$SRV/baosong.db" --code tjj --name 县统计局 --type bureau --region 620421 >/dev/null || fail unit
"$BD" serve --listen 127.0.0.1:0 --port-file "$SRV/port" --key "$SRV/server.key" \
  --data "$SRV" 2>>"$SRV/log" &
PID=$!
for _ in $(seq 1 200); do [ -s "$SRV/port" ] && break; sleep 0.02; done
[ -s "$SRV/port" ] || fail "server did not start"
PORT=$(cat "$SRV/port")
FP=$("$BD" fingerprint --key "$SRV/server.key")
enrol() { client "$1" init --server 127.0.0.1:$PORT --server-key "$FP" --token "$(token "$2" "$3")" >/dev/null || fail "enrol $1"; }
enrol town xinzhen reporter
enrol dept jtj reporter
enrol reviewer fgj reviewer
enrol admin fgj admin
enrol stats tjj statistics
enrol leader fgj leader
client town sync --quiet || fail "first sync"
n=$(client town unit list --csv 2>/dev/null | tail -n +2 | wc -l)
[ "$n" = 4 ] || fail "the unit directory did not reach the township ($n units)"
ok "the unit directory reaches every device"

# ---- 1. every record kind, client -> server -> another authorised client ------------------------
P0=$(client town project add --name 新镇产业园标准化厂房 --year 2026 --stage 新开工 --total 12000 \
     --annual 5000 --township 新镇 --leader 王县长 --lead-unit xinzhen --start 2026-03-01 \
     --end 2027-06-30 | uid_of)
[ -n "$P0" ] || fail "project add"
MONTH=$(bj %Y-%m)
WEEK=$(bj %G-W%V)
{ printf '\377\330\377\340'; head -c 30000 /dev/urandom; } > "$T/permit.jpg"
{ printf '\377\330\377\340'; head -c 30000 /dev/urandom; } > "$T/site.jpg"
client town report add --project "$P0" --week "$WEEK" --period 300 --ytd 1200 --total 1200 \
  --progress 基础施工 --percent 15 --photo "$T/site.jpg" >/dev/null || fail "weekly"
client town monthly add --project "$P0" --period "$MONTH" --invested-period 800 --invested-ytd 1200 \
  --invested-total 1200 --progress 基础施工 --progress-percent 15 >/dev/null || fail "monthly"
client town approval add --project "$P0" --item 环评 --level 市级 --deadline 2026-02-20 --status 办理中 \
  >/dev/null || fail "approval"
client town stats add --project "$P0" --status 已提交佐证 --evidence permit="$T/permit.jpg" \
  --evidence 现场照片="$T/site.jpg" >/dev/null || fail "stats"
client town deal add --partner 某新能源装备有限公司 --sector 清洁能源装备 --contract 50000 --stage 签约 \
  --signed-date 2026-04-18 --funds 2026-06=3000 >/dev/null || fail "deal"
client town funding add --project "$P0" --channel 专项债券 --title 产业园配套基础设施 --applied 3000 \
  --status 已申报 >/dev/null || fail "funding"
client town problem add --project "$P0" --category 用地 --description 三号地块征迁未完成 --status 待解决 \
  --assigned-unit xinzhen >/dev/null || fail "problem"
client dept project add --name 县道X203改建工程 --year 2026 --stage 续建 --total 26000 --annual 9000 \
  --lead-unit jtj >/dev/null || fail "department project"
client admin sync --quiet || fail "admin sync"
client admin target add --unit-code xinzhen --period 2026 --fai 291000 --growth-bp 1500 --new-starts 6 \
  >/dev/null || fail "target"
client admin leader add --name 王县长 --title 县长 >/dev/null || fail "leader"
client town target add --unit-code xinzhen --period 2027 --fai 1 >/dev/null 2>&1 \
  && fail "a township set its own target"
for c in town dept admin; do client $c sync --quiet || fail "sync $c"; done
client leader sync --quiet || fail "leader sync"
for k in project report monthly approval stats deal funding problem target leader; do
  n=$(client leader $k list --csv | tail -n +2 | grep -c .)
  [ "$n" -ge 1 ] || fail "the leader does not see any $k"
done
[ "$(client leader project list --csv | tail -n +2 | grep -c .)" = 2 ] || fail "leader: projects"
client town sync --quiet
client town target list --csv | grep -q 291000 || fail "the township does not see its target"
client town leader list --csv | grep -q 王县长 || fail "the township does not see the leader directory"
client dept deal list --csv | tail -n +2 | grep -q . && fail "a department sees a township's deal"
[ "$(q "SELECT count(DISTINCT kind) FROM record")" -ge 11 ] || fail "not every kind reached the server"
ok "every record kind: township/department/bureau -> server -> the leader's pull; targets and the directory reach the unit"

# ---- 2. review workflow --------------------------------------------------------------------
P=$(client town project add --name 新镇污水处理厂扩建工程 --year 2026 --stage 续建 --total 8600 \
    --annual 3000 --township 新镇 --leader 王县长 | uid_of)
[ -n "$P" ] || fail "project add"
WEEK=$(bj %G-W%V)
R=$(client town report add --project "$P" --week "$WEEK" --period 150 --ytd 2100 --total 5200 \
    --progress 二沉池主体完工 --percent 60 | uid_of)
client town sync --quiet || fail "sync"
client reviewer sync --quiet || fail "reviewer sync"
client reviewer review list | grep -q "^${R:0:8} " || fail "the report is not awaiting review"
client reviewer review return "$R" --comment "本年累计完成投资与统计局数据不一致，请核实" >/dev/null \
  || fail "return"
client town sync --quiet || fail "town sync after return"
client town status | grep -q "本年累计完成投资与统计局数据不一致" || fail "the returned report and its comment do not show in status"
client town report edit "$R" --period 150 --ytd 2000 --total 5100 \
  --progress 二沉池主体完工 --percent 60 >/dev/null 2>&1 || fail "resubmit"
client town sync --quiet || fail "resubmit sync"
[ "$(q "SELECT review_status FROM record_meta WHERE uid = '$R'")" = 1 ] || fail "not resubmitted"
client reviewer sync --quiet && client reviewer review approve "$R" >/dev/null || fail "approve"
[ "$(q "SELECT locked FROM record_meta WHERE uid = '$R'")" = 1 ] || fail "approval did not lock"
client town sync --quiet
client town report edit "$R" --period 1 --ytd 2001 --total 5101 >/dev/null 2>&1 \
  && fail "an approved report was edited"
client reviewer sync --quiet && client reviewer review reopen "$R" --comment 补充材料 >/dev/null || fail "reopen"
client town sync --quiet
client town report edit "$R" --period 1 --ytd 2001 --total 5101 >/dev/null 2>&1 \
  || fail "edit after reopen"
client town sync --quiet || fail "sync after reopen"
client town report list --csv | grep -q "2001.00" || fail "the edit after reopening did not apply"
client town review return "$R" --comment x >/dev/null 2>&1 && fail "a reporter could review"
ok "review: returned with comment -> seen by the unit -> resubmitted -> approved (locked) -> reopened"

# ---- 3. closed periods ---------------------------------------------------------------------------
LAST=$(bj %G-W%V -604800)
client reviewer period close weekly_report "$LAST" >/dev/null || fail "period close"
client town report add --project "$P" --week "$LAST" --period 10 --ytd 1850 --total 4950 >/dev/null \
  || fail "report add for closed week"
client town sync --quiet >/dev/null 2>&1
client town status | grep -q "周期已关闭" || fail "a report for a closed week was accepted"
client town period close weekly_report "$LAST" >/dev/null 2>&1 && fail "a reporter closed a period"
client reviewer period reopen weekly_report "$LAST" >/dev/null || fail "period reopen"
ok "a closed week refuses reports until a reviewer reopens it"

# ---- 4. audit trail -----------------------------------------------------------------------------
kill -TERM "$PID"; wait "$PID"; PID=
"$BD" audit verify --db "$SRV/baosong.db" >/dev/null || fail "a clean trail does not verify"
n=$(q "SELECT count(*) FROM audit WHERE action = 'record.review'")
[ "$n" -ge 3 ] || fail "reviews are not audited ($n)"
[ "$(q "SELECT count(*) FROM audit WHERE action LIKE 'period.%'")" = 2 ] || fail "periods are not audited"
tamper() { # SQL, what
  rm -f "$T/t.db" "$T/t.db.audit-key"
  "$BD" backup --db "$SRV/baosong.db" "$T/t.db" >/dev/null || fail "backup for tampering"
  sqlite3 "$T/t.db" "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete; $1" \
    || fail "tamper: $2"
  "$BD" audit verify --db "$T/t.db" >"$T/verify.out" 2>&1
  [ $? -eq 65 ] || { cat "$T/verify.out" >&2; fail "audit verify missed: $2"; }
}
tamper "UPDATE audit SET detail = 'approve' WHERE seq = (SELECT max(seq) FROM audit WHERE action = 'record.review')" "an edited row"
tamper "DELETE FROM audit WHERE seq = (SELECT min(seq) + 3 FROM audit)" "a deleted row"
tamper "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (5, 6);
  DELETE FROM audit WHERE seq IN (5, 6);
  INSERT INTO audit SELECT CASE seq WHEN 5 THEN 6 ELSE 5 END, at, unit_id, device_id, role,
    action, kind, subject, rev, before, after, detail, prev_mac, mac, owner FROM t" "a reordered pair"
tamper "UPDATE record SET data = CAST(data || x'00' AS BLOB) WHERE uid = '$R'" "a record edited behind the trail"
ok "audit verify passes clean and catches edited, deleted, reordered rows and silent record edits"
echo "all domain checks passed"
