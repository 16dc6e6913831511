#!/usr/bin/env bash
# test_assess.sh - assessment end to end with real processes on 127.0.0.1.
#
#   test_assess.sh BAOSONGD BAOSONG
#
# 1. A scheme is data: set, shown, versioned; a bad one is refused with why.
# 2. Townships report; the bureau publishes a weekly bulletin: 69.97亿 done
#    against a 291亿 year is 24.04%, an equal rate ties (same rank), a unit
#    without a target is not ranked; reports sent before the deadline are on
#    time, a report for a past week sent now is late, one never sent is
#    missing.
# 3. The publication reaches every unit's client, which shows its position.
# 4. It recomputes: `assess verify` gets the same numbers from the stored
#    inputs and from today's records; after a later report it names the unit
#    whose records changed, and the published result stays as it was.
# 5. Weights changed for the next period (a new scheme version) change the
#    next result, never the published one.
# 6. Tampering with a stored publication or scheme is caught by
#    `baosongd audit verify`.
# 7. CSV (BOM), XLSX and HTML exports are written.
set -u
BD=$1
BC=$2

T=$(mktemp -d /tmp/bs-assess-XXXXXX)
SRV=$T/server
DB=$SRV/baosong.db
mkdir -p "$SRV"
PID=
FAILED=0
export TZ=UTC
. "$(dirname "$0")/clock.sh"

cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  if [ "$FAILED" = 0 ]; then rm -rf "$T"; else echo "kept $T for inspection" >&2; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; FAILED=1; tail -15 "$SRV/log" >&2; exit 1; }
ok() { echo "ok - $*"; }
client() { local name=$1; shift; BAOSONG_DIR=$T/$name "$BC" "$@"; }
uid_of() { grep -oE '[0-9a-f]{32}' | head -1; }
token() {
  "$BD" token create --db "$DB" --unit "$1" --role "$2" \
    | grep -oE '[0-9A-Z]{4}(-[0-9A-Z]{1,4}){6}' | head -1
}

# The test's own timeline, in the week of BAOSONG_NOW (clock.sh): reports
# arrive on its Wednesday at 10:00, before the Friday 12:00 deadline, and
# the bulletin is published as of Friday 13:00.  Its ISO year, last week.
bj_set $(( (3 - $(bj %u)) * 86400 + (10 * 3600 - 10#$(bj %H) * 3600 - 10#$(bj %M) * 60 - 10#$(bj %S)) ))
WEEK=$(bj %G-W%V)
YEAR=${WEEK%%-*}
FRIDAY=$(bj %Y-%m-%d $((2 * 86400)))
LASTWEEK=$(bj %G-W%V -604800)
LASTYEAR=${LASTWEEK%%-*}

"$BD" keygen --out "$SRV/server.key" >/dev/null || fail keygen
"$BD" init --db "$DB" >/dev/null || fail init
"$BD" unit add --db "$DB" --code xinzhen --name 新镇 --type township --region 620421 >/dev/null || fail unit
"$BD" unit add --db "$DB" --code dongguan --name 东关街道 --type township --region 620421 >/dev/null || fail unit
"$BD" unit add --db "$DB" --code jtj --name 县交通局 --type department --region 620421 >/dev/null || fail unit
"$BD" unit add --db "$DB" --code fgj --name 县发改局 --type bureau --region 620421 >/dev/null || fail unit

# ---- 1. the scheme is data ---------------------------------------------------------------
scheme() { # scheme YEAR FAI_WEIGHT TIMELINESS_WEIGHT
  cat <<EOF
[scheme]
year = $1
name = 测试考核办法
reports = weekly
units = township,department

[indicator fai]
label = 固定资产投资完成率
metric = fai_completion
weight = $2
rule = linear
full = 100%

[indicator timely]
label = 按时报送
metric = timeliness
weight = $3
rule = steps
steps = 100%:100, 90%:60, 0%:0

[grades]
优秀 = 90
良好 = 80
一般 = 60
较差 = 0
EOF
}
scheme "$YEAR" 70 40 > "$T/bad.ini"
out=$("$BD" scheme set --db "$DB" "$T/bad.ini" 2>&1) && fail "a scheme whose weights add up to 110 was accepted"
echo "$out" | grep -q 100 || fail "the refusal does not say the weights must add up to 100: $out"
scheme "$YEAR" 60 40 > "$T/v1.ini"
"$BD" scheme set --db "$DB" "$T/v1.ini" >/dev/null || fail "scheme set"
"$BD" scheme show --db "$DB" --year "$YEAR" | grep -q "weight = 60" || fail "scheme show"
if [ "$LASTYEAR" != "$YEAR" ]; then
  scheme "$LASTYEAR" 60 40 > "$T/v0.ini"
  "$BD" scheme set --db "$DB" "$T/v0.ini" >/dev/null || fail "scheme set (last year)"
fi
ok "a scheme is stored as data; one whose weights do not add up to 100 is refused with the reason"

"$BD" serve --listen 127.0.0.1:0 --port-file "$SRV/port" --key "$SRV/server.key" \
  --data "$SRV" 2>>"$SRV/log" &
PID=$!
for _ in $(seq 1 200); do [ -s "$SRV/port" ] && break; sleep 0.02; done
[ -s "$SRV/port" ] || fail "server did not start"
PORT=$(cat "$SRV/port")
FP=$("$BD" fingerprint --key "$SRV/server.key")
enrol() { client "$1" init --server 127.0.0.1:$PORT --server-key "$FP" --token "$(token "$2" "$3")" >/dev/null || fail "enrol $1"; }
enrol xz xinzhen reporter
enrol dg dongguan reporter
enrol jt jtj reporter
enrol admin fgj admin

# ---- 2. reports, targets, a weekly bulletin -------------------------------------------------
{ printf '\377\330\377\340'; head -c 20000 /dev/urandom; } > "$T/site.jpg"
P1=$(client xz project add --name 新镇产业园 --year "$YEAR" --stage 续建 --total 900000 --annual 300000 | uid_of)
P2=$(client dg project add --name 东关棚户区改造 --year "$YEAR" --stage 续建 --total 50000 --annual 30000 | uid_of)
P3=$(client jt project add --name 县道X203改建 --year "$YEAR" --stage 续建 --total 26000 --annual 9000 | uid_of)
[ -n "$P1" ] && [ -n "$P2" ] && [ -n "$P3" ] || fail "project add"
client xz report add --project "$P1" --week "$WEEK" --period 1000 --ytd 699700 --total 800000 \
  --photo "$T/site.jpg" >/dev/null || fail "report xinzhen"
client dg report add --project "$P2" --week "$WEEK" --period 100 --ytd 24040 --total 30000 \
  --photo "$T/site.jpg" >/dev/null || fail "report dongguan"
client jt report add --project "$P3" --week "$WEEK" --period 100 --ytd 500 --total 9000 \
  --photo "$T/site.jpg" >/dev/null || fail "report jtj"
for c in xz dg jt; do client $c sync --quiet || fail "sync $c"; done
client admin sync --quiet || fail "admin sync"
client admin target add --unit-code xinzhen --period "$YEAR" --fai 2910000 >/dev/null || fail "target"
client admin target add --unit-code dongguan --period "$YEAR" --fai 100000 >/dev/null || fail "target"
client admin sync --quiet || fail "admin sync"

out=$("$BD" assess publish --db "$DB" --scope week --period "$WEEK" --as-of "$FRIDAY 13:00") \
  || fail "publish: $out"
echo "$out" | grep -q "已发布 published 1" || fail "publish: $out"
csv=$("$BD" assess show --db "$DB" 1 --csv) || fail "assess show --csv"
[ "$(printf '%s' "$csv" | head -c 3 | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "CSV has no BOM"
row() { printf '%s\n' "$csv" | grep ",$1," | head -1; }
row xinzhen | grep -q "24.04%" || fail "69.97亿 of 291亿 is not 24.04%: $(row xinzhen)"
row dongguan | grep -q "24.04%" || fail "dongguan: $(row dongguan)"
row xinzhen | grep -q "^1" || fail "xinzhen is not first: $(row xinzhen)"
row dongguan | grep -q "^1" || fail "the equal rate does not share rank 1: $(row dongguan)"
row xinzhen | grep -q "并列" || fail "the tie is not explained: $(row xinzhen)"
row jtj | grep -q "未下达" || fail "the unit without a target is not marked: $(row jtj)"
ok "weekly bulletin: 69.97亿 of 291亿 = 24.04%; an equal rate shares rank 1; no target: not ranked"
out=$("$BD" assess verify --db "$DB" 1) || fail "verify: $out"
echo "$out" | grep -q "与发布时一致" || fail "today's records do not give the same inputs: $out"
ok "the publication recomputes: the same results from its stored inputs, the same inputs from the records"

# Late and missing: last week's report sent now is late, one never sent is missing.
client xz report add --project "$P1" --week "$LASTWEEK" --period 900 --ytd 698700 --total 799000 \
  --photo "$T/site.jpg" >/dev/null || fail "late report"
client xz sync --quiet || fail "sync"
"$BD" assess publish --db "$DB" --scope week --period "$LASTWEEK" >/dev/null || fail "publish last week"
csv=$("$BD" assess show --db "$DB" 2 --csv) || fail "assess show 2"
# columns ... 应报,迟报,缺报 (due, late, missing)
row xinzhen | grep -qE ",1,1,0,[^,]*迟报" || fail "the late report is not counted late: $(row xinzhen)"
row dongguan | grep -qE ",1,0,1,[^,]*缺报" || fail "the missing report is not counted: $(row dongguan)"
ok "a report that arrived complete after its deadline counts late, one never sent counts missing"

# ---- 3. every unit's client receives it ------------------------------------------------------
client dg sync --quiet || fail "sync dongguan"
client dg ranking show 1 > "$T/rank.txt" 2>&1 || fail "ranking show: $(cat "$T/rank.txt")"
grep -q "24.04" "$T/rank.txt" || fail "the township does not see the bulletin: $(cat "$T/rank.txt")"
grep -q "本单位" "$T/rank.txt" || fail "the township does not see its own position: $(cat "$T/rank.txt")"
ok "the publication reaches the township's client, which shows its own position"

# ---- 4. it recomputes ----------------------------------------------------------------------
"$BD" assess show --db "$DB" 1 > "$T/show1.before" || fail "show"
client jt monthly add --project "$P3" --period "$(bj %Y-%m)" --invested-period 10 \
  --invested-ytd 900 --invested-total 9400 >/dev/null || fail "a later change"
client jt sync --quiet || fail "sync jtj"
out=$("$BD" assess verify --db "$DB" 1) || fail "verify after a change: $out"
echo "$out" | grep -q "jtj" || fail "the unit whose records changed is not named: $out"
"$BD" assess show --db "$DB" 1 > "$T/show1.after" || fail "show"
cmp -s "$T/show1.before" "$T/show1.after" || fail "the published result changed"
ok "a publication recomputes from its stored inputs; a later change is reported by unit, the result stays"

# ---- 5. weights changed: the version in force at the period's start ---------------------------
# Publish this quarter under v1, then raise the timeliness weight in v2, in
# force from the day after the quarter began (施行日期): the quarter keeps v1
# unless --version says otherwise, and a republication reproduces it.
QN=$(( (10#$(bj %m) + 2) / 3 ))   # the quarter of the Wednesday
QSTART=$(printf '%s-%02d-01' "$YEAR" $(( QN * 3 - 2 )))
EFF=$(date -u -d "$QSTART +1 day" +%Y-%m-%d)
before=$("$BD" assess compute --db "$DB" --scope week --period "$WEEK" --as-of "$FRIDAY 13:00" --csv)
out=$("$BD" assess publish --db "$DB" --scope quarter --period "$YEAR-Q$QN" --as-of "$FRIDAY 13:00" 2>&1) \
  || fail "publish the quarter: $out"
QPUB=$(echo "$out" | grep -oE '已发布 published [0-9]+' | grep -oE '[0-9]+$')
echo "$out" | grep -q "考核方案 $YEAR 版本 1" || fail "publish does not say which version: $out"
scheme "$YEAR" 40 60 | sed "s/^\[scheme\]/[scheme]\neffective = $EFF/" > "$T/v2.ini"
"$BD" scheme set --db "$DB" "$T/v2.ini" --note "常态化督导权重由40%提高到60%" >/dev/null || fail "scheme v2"
after=$("$BD" assess compute --db "$DB" --scope week --period "$WEEK" --as-of "$FRIDAY 13:00" --version 2 --csv)
# xinzhen: v1 0.6*24.04 + 40 = 54.42 (2404 bp -> 60*2404/10000 = 14.424 -> 14.42; +40.00)
#          v2 0.4*24.04 + 60 = 69.62 (40*2404/10000 = 9.616 -> 9.62; +60.00)
echo "$before" | grep ",xinzhen," | grep -q "54.42" || fail "v1 total: $(echo "$before" | grep xinzhen)"
echo "$after" | grep ",xinzhen," | grep -q "69.62" || fail "v2 total: $(echo "$after" | grep xinzhen)"
"$BD" assess show --db "$DB" 1 > "$T/show1.v2" || fail "show"
cmp -s "$T/show1.before" "$T/show1.v2" || fail "a new scheme version changed a published result"
"$BD" scheme list --db "$DB" | grep "v2" | grep -q "施行 $EFF" || fail "scheme list: $("$BD" scheme list --db "$DB")"
"$BD" audit list --db "$DB" | grep -q "scheme.set" || fail "the scheme change is not in the audit trail"
ok "weights changed in a new scheme version change a result computed with it (54.42 -> 69.62), not the published one"

out=$("$BD" assess compute --db "$DB" --scope quarter --period "$YEAR-Q$QN" --as-of "$FRIDAY 13:00" 2>&1 >/dev/null)
echo "$out" | grep -q "版本 1" || fail "compute of the quarter does not use v1 (in force at $QSTART): $out"
out=$("$BD" assess publish --db "$DB" --scope quarter --period "$YEAR-Q$QN" --as-of "$FRIDAY 13:00" 2>&1) \
  || fail "republish the quarter: $out"
QPUB2=$(echo "$out" | grep -oE '已发布 published [0-9]+' | grep -oE '[0-9]+$')
[ "$QPUB2" -gt "$QPUB" ] || fail "republish: $out"
"$BD" assess show --db "$DB" "$QPUB" --csv > "$T/q1.csv" || fail "show $QPUB"
"$BD" assess show --db "$DB" "$QPUB2" --csv > "$T/q2.csv" || fail "show $QPUB2"
cmp -s "$T/q1.csv" "$T/q2.csv" || fail "the republished quarter differs: $(diff "$T/q1.csv" "$T/q2.csv")"
v2q=$("$BD" assess compute --db "$DB" --scope quarter --period "$YEAR-Q$QN" --as-of "$FRIDAY 13:00" --version 2 --csv 2>/dev/null)
[ "$v2q" != "$(cat "$T/q1.csv")" ] || fail "--version 2 gave the v1 numbers"
ok "republishing $YEAR-Q$QN after the weight change (v2 in force from $EFF) reproduces the original numbers; --version 2 gives others"

# Bonus and deduction items (v3, chosen with --version): +2 each up to
# 4 for central budget funds won, entered by the bureau with a reason and
# the document; three occurrences add 4.00 to the total, not 6.
{ scheme "$YEAR" 60 40 | sed "s/^\[scheme\]/[scheme]\neffective = $EFF/" | sed '/^\[grades\]/,$d'
  printf '[adjust central_budget]\nlabel = 争取中央预算内资金\npoints = 2\ncap = 4\n\n'
  printf '[adjust criticized]\nlabel = 通报批评\npoints = -3\ncap = 5\n\n'
  printf '[grades]\n优秀 = 90\n良好 = 80\n一般 = 60\n较差 = 0\n'; } > "$T/v3.ini"
"$BD" scheme set --db "$DB" "$T/v3.ini" >/dev/null || fail "scheme v3: $("$BD" scheme set --db "$DB" "$T/v3.ini" 2>&1)"
printf '%%PDF-1.4 下达文件\n' > "$T/doc.pdf"
client admin adjustment add --unit-code xinzhen --period "$YEAR-Q$QN" --item central_budget \
  --count 3 --reason "争取中央预算内资金1.2亿元" >/dev/null 2>&1 \
  && fail "an adjustment without evidence was accepted"
client admin adjustment add --unit-code xinzhen --period "$YEAR-Q$QN" --item central_budget \
  --count 3 --reason "争取中央预算内资金1.2亿元" --evidence "文件=$T/doc.pdf" >/dev/null \
  || fail "adjustment add: $(client admin adjustment add --unit-code xinzhen --period "$YEAR-Q$QN" \
     --item central_budget --count 3 --reason x --evidence "文件=$T/doc.pdf" 2>&1)"
client xz adjustment add --unit-code xinzhen --period "$YEAR-Q$QN" --item central_budget \
  --reason "自报" --evidence "文件=$T/doc.pdf" >/dev/null 2>&1 && fail "a township wrote its own bonus"
client admin sync --quiet || fail "admin sync (adjustment)"
total_of() { awk -F, -v u="$2" 'index($0, ","u",") {print $4}' "$1"; }
"$BD" assess compute --db "$DB" --scope quarter --period "$YEAR-Q$QN" --as-of "$FRIDAY 13:00" --version 3 --csv > "$T/q3.csv" 2>"$T/q3.err" \
  || fail "compute with v3"
grep -q "版本 3" "$T/q3.err" || fail "v3 is not said: $(cat "$T/q3.err")"
t1=$(total_of "$T/q1.csv" xinzhen); t3=$(total_of "$T/q3.csv" xinzhen)
[ "$(awk -v a="$t1" 'BEGIN { printf "%.2f", a + 4 }')" = "$t3" ] || fail "the bonus is not +4.00 (capped): $t1 -> $t3"
grep xinzhen "$T/q3.csv" | grep -q "封顶 4.00 分" || fail "the cap is not explained: $(grep xinzhen "$T/q3.csv")"
ok "a bonus item entered by the bureau with evidence adds 3 x 2 capped at 4 points ($t1 -> $t3); a township cannot write one"

# A quarter is measured against its year's quarterly targets up to it (when all are set).
Q=$(( ($(date -u -d "$FRIDAY" +%-m) + 2) / 3 ))
for i in $(seq 1 "$Q"); do
  client admin target add --unit-code dongguan --period "$YEAR-Q$i" --fai 20000 >/dev/null \
    || fail "quarterly target"
done
client admin sync --quiet || fail "admin sync"
qcsv=$("$BD" assess compute --db "$DB" --scope quarter --period "$YEAR-Q$Q" --as-of "$FRIDAY 13:00" --csv)
echo "$qcsv" | grep ",dongguan," | grep -q "$((20000 * Q)).00" \
  || fail "the quarter's cumulative target (Q1..Q$Q x 20000) is not used: $(echo "$qcsv" | grep dongguan)"
ok "a quarter is measured against the sum of its year's quarterly targets up to it"

# ---- 7. exports --------------------------------------------------------------------------------
"$BD" assess export --db "$DB" 1 2 --html "$T/out.html" --xlsx "$T/out.xlsx" --plan >/dev/null \
  || fail "export"
"$BD" assess export --db "$DB" 1 --csv "$T/out.csv" >/dev/null || fail "export csv"
[ -s "$T/out.html" ] && [ -s "$T/out.xlsx" ] && [ -s "$T/out.csv" ] || fail "export files"
[ "$(head -c 2 "$T/out.xlsx")" = PK ] || fail "the XLSX is not a zip"
grep -q "<svg" "$T/out.html" || fail "the HTML has no chart"
"$BD" assess export --db "$DB" 1 --html "$T/out.html" >/dev/null 2>&1 && fail "export overwrote a file"
"$BD" export plan --db "$DB" --year "$YEAR" --xlsx "$T/plan.xlsx" >/dev/null || fail "export plan"
ok "CSV with BOM, XLSX and HTML written; existing files are not overwritten"

# ---- 6. tampering -------------------------------------------------------------------------------
kill "$PID"; wait "$PID" 2>/dev/null; PID=
"$BD" audit verify --db "$DB" >/dev/null || fail "audit verify before tampering"
"$BD" backup --db "$DB" "$T/clean.db" >/dev/null || fail "backup"   # with the WAL's contents
restore() { cp "$T/clean.db" "$DB"; rm -f "$DB-wal" "$DB-shm"; }
restore
sqlite3 "$DB" "DROP TRIGGER publication_no_update;
  UPDATE publication SET results = (SELECT results FROM publication WHERE number = 2)
  WHERE number = 1;" || fail "tamper"
out=$("$BD" audit verify --db "$DB") && fail "audit verify missed an edited publication"
echo "$out" | grep -q "publication 1" || fail "the report does not name the publication: $out"
restore
sqlite3 "$DB" "DROP TRIGGER scheme_no_update; UPDATE scheme SET data = (SELECT data FROM scheme
  WHERE year = $YEAR AND version = 2) WHERE year = $YEAR AND version = 1;" \
  || fail "tamper scheme"
out=$("$BD" audit verify --db "$DB") && fail "audit verify missed an edited scheme"
echo "$out" | grep -q "scheme" || fail "the report does not name the scheme: $out"
restore
sqlite3 "$DB" "DROP TRIGGER publication_no_update; UPDATE publication SET digest = zeroblob(32);" \
  || fail "tamper digest"
out=$("$BD" audit verify --db "$DB") && fail "audit verify missed an edited digest"
echo "$out" | grep -q "digest" || fail "the report does not name the digest: $out"
restore
sqlite3 "$DB" "DROP TRIGGER publication_no_update; UPDATE publication SET period = '$LASTWEEK'
  WHERE number = 1;" || fail "tamper period"
out=$("$BD" audit verify --db "$DB") && fail "audit verify missed an edited period column"
echo "$out" | grep -q "columns" || fail "the report does not name the columns: $out"
restore
sqlite3 "$DB" "DROP TRIGGER publication_no_delete; DELETE FROM publication WHERE number = 2;" \
  || fail "delete publication"
out=$("$BD" audit verify --db "$DB") && fail "audit verify missed a deleted publication"
echo "$out" | grep -q "publication 2: published" || fail "the report does not name it: $out"
restore
sqlite3 "$DB" "DROP TRIGGER scheme_no_delete; DELETE FROM scheme WHERE year = $YEAR AND version = 2;" \
  || fail "delete scheme"
out=$("$BD" audit verify --db "$DB") && fail "audit verify missed a deleted scheme version"
echo "$out" | grep -q "v2: set" || fail "the report does not name it: $out"
ok "an edited publication (results, digest, period), a deleted publication or scheme version, an edited scheme: all caught by audit verify"

# ---- 8. a county of 100 units with the full example scheme fits one publication -------------
DB2=$T/big.db
"$BD" init --db "$DB2" >/dev/null || fail "init big"
for i in $(seq -w 1 100); do
  "$BD" unit add --db "$DB2" --code "t$i" --name "第${i}镇" --type township --region 620421 >/dev/null \
    || fail "unit t$i"
done
"$BD" scheme example | sed "s/^year = .*/year = $YEAR/" > "$T/example.ini"
"$BD" scheme set --db "$DB2" "$T/example.ini" >/dev/null || fail "scheme set (example)"
out=$("$BD" assess publish --db "$DB2" --scope quarter --period "$YEAR-Q1" --allow-empty 2>&1) \
  || fail "a 100-unit quarterly ranking does not publish: $out"
"$BD" audit verify --db "$DB2" >/dev/null || fail "audit verify (100 units)"
ok "100 units under the full 8-indicator scheme publish as one record and verify"
exit 0
