#!/usr/bin/env bash
# test_client_records.sh - baosong project / report / resolve / discard on
# the local database alone, no server: every change checked before it is
# queued, tables padded by display width, CSV that Excel reads, photos as
# attachments, pending counts.
#
# Usage: test_client_records.sh PATH/TO/baosong
# Needs the sqlite3 command-line tool to make the device look enrolled
# (exit 77, skipped, without it).
set -u

B=${1:?usage: test_client_records.sh PATH/TO/baosong}
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 command-line tool not found"; exit 77; }

T=$(mktemp -d)
. "$(dirname "$0")/clock.sh"
trap 'rm -rf "$T"' EXIT
export BAOSONG_DIR=$T/data
export TZ=Asia/Shanghai LC_ALL=C.UTF-8
mkdir -m 700 "$BAOSONG_DIR"
DB=$BAOSONG_DIR/baosong.db

n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {
	n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"
	echo "  # exit $rc; stdout:"; sed 's/^/  #   /' "$T/out"
	echo "  # stderr:"; sed 's/^/  #   /' "$T/err"
}
# run ARGS...: run baosong, keeping its exit status, stdout and stderr.
run() { "$B" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
# expect DESC RC [PATTERN [stdout|stderr]]: the last run exited RC and its
# output (stderr unless told) matches the extended regex PATTERN.
expect() {
	local desc=$1 want=$2 pat=${3:-} stream=${4:-stderr} f=$T/err
	[ "$stream" = stdout ] && f=$T/out
	if [ "$rc" -ne "$want" ]; then fail "$desc (want exit $want)"; return; fi
	if [ -n "$pat" ] && ! grep -Eq -- "$pat" "$f"; then fail "$desc (no /$pat/ in $stream)"; return; fi
	pass "$desc"
}
ops() { sqlite3 "$DB" "SELECT COUNT(*) FROM outbox"; }
# expect_ops DESC N: the outbox holds exactly N operations.
expect_ops() {
	local got; got=$(ops)
	if [ "$got" = "$2" ]; then pass "$1"; else rc=0; fail "$1 (outbox has $got, want $2)"; fi
}

# ---- before enrolment ----
run project list
expect "list works on an empty database" 0 '^共 0 个项目' stdout
run project add --name 测试 --year 2026 --stage 前期 --total 100
expect "add before init says to run baosong init, exit 66" 66 'baosong init'
expect_ops "nothing queued before init" 0

# Make the device look enrolled (what `baosong init` stores).
sqlite3 "$DB" "INSERT INTO meta(key, value) VALUES ('server', '127.0.0.1:9'),
  ('server_key', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='), ('device_id', '5'),
  ('unit_id', '42'), ('role', '1'), ('unit_name', '城关镇人民政府'), ('unit_code', 'CG');"

# ---- project add ----
NAME=城关镇污水处理厂扩建工程
run project add --name "$NAME" --year 2026 --stage 新开工 --total 12,500 --annual 4000.5 \
	--township 城关镇 --leader 张伟 --start 2026-03-01 --end 2027-06-30 \
	--contents $'新建污水管网12公里\n扩建处理能力2万吨/日'
expect "add a project with Chinese text" 0 '^[0-9a-f]{32}$' stdout
P1=$(head -n 1 "$T/out")
run project add --name 'Road, "A" section' --year 2026 --stage continuing --total 600 \
	--township 'X乡' --leader Li
expect "add a project with English stage name" 0 '^[0-9a-f]{32}$' stdout
P2=$(head -n 1 "$T/out")
expect_ops "two projects queued" 2

# ---- invalid input: exit 65, the field named, nothing queued ----
base=(--name 坏项目 --year 2026 --stage reserve)
run project add "${base[@]}" --total=-5
expect "negative total refused" 65 'total_investment.*金额不能为负数'
run project add "${base[@]}" --total 100 --annual 100.01
expect "annual plan above total refused" 65 'annual_plan.*年度计划投资不能超过总投资'
run project add "${base[@]}" --total 100 --start 2026-05-01 --end 2026-04-30
expect "end before start refused" 65 'end_date.*早于'
run project add --name 坏项目 --year 1999 --stage reserve --total 100
expect "year 1999 refused" 65 'plan_year'
run project add --name 坏项目 --year 2026 --stage 开挖 --total 100
expect "unknown stage refused" 65 'stage.*未知的项目阶段'
run project add "${base[@]}" --total 12.345
expect "three decimals refused" 65 'total_investment.*万元'
run project add --name $'bad\033[2Jname' --year 2026 --stage reserve --total 1
expect "control characters in a name refused" 65 'name.*无效字符'
run project add --name "$(printf 'x%.0s' $(seq 300))" --year 2026 --stage reserve --total 1
expect "overlong name refused" 65 'name.*过长'
run project add "${base[@]}" --start 2026-02-30 --total 1
expect "impossible date refused" 65 'start_date'
run project add --name 缺总投资 --year 2026 --stage reserve
expect "missing --total is a usage error" 64 '--total'
expect_ops "nothing queued by refused input" 2

# ---- project list ----
run project list
expect "list shows the Chinese name" 0 "$NAME" stdout
# The name column is 30 terminal columns: 12 CJK characters take 24, so 6
# spaces of padding and 2 of separator come before the stage; padding by
# bytes would give none.
expect "list pads CJK by display width" 0 "^${P1:0:8}  $NAME {8}新开工 " stdout
expect "ASCII row pads the same column" 0 '^.{8}  Road, "A" section {15}续建 ' stdout
expect "list shows 万元 with two decimals" 0 '12500\.00 +4000\.50 +\*$' stdout
run project list --township 城关
expect "filter by township" 0 "$NAME" stdout
if grep -q Road "$T/out"; then fail "township filter excludes others"; else pass "township filter excludes others"; fi

run project list --csv
if [ "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' \n')" = efbbbf ]; then
	pass "CSV starts with the UTF-8 BOM"
else
	fail "CSV starts with the UTF-8 BOM"
fi
expect "CSV has the Chinese header" 0 \
	'项目标识,项目名称,项目代码,计划年度,阶段,所在乡镇,包抓领导,总投资\(万元\),年度计划投资\(万元\)' stdout
expect "CSV quotes commas and quotes (RFC 4180)" 0 '"Road, ""A"" section"' stdout
expect "CSV keeps multi-line text in one quoted field" 0 '"新建污水管网12公里' stdout
expect "CSV rows end in CRLF" 0 $'待发送修改\r$' stdout

# ---- project edit / show ----
run project edit "${P1:0:6}" --stage 续建 --annual 5000
expect "edit by 6-character prefix" 0 "^$P1\$" stdout
run project show "$P1"
expect "show has the new stage" 0 '项目阶段 stage +续建 continuing' stdout
expect "show has the new annual plan in 万元" 0 '年度计划投资 annual plan +5000\.00 万元' stdout
expect "show keeps fields not edited" 0 '包抓领导 leader +张伟' stdout
expect "show says what is not sent yet" 0 '待发送 pending +2 项修改' stdout
run project list --stage 续建
expect "list by stage finds the edited project" 0 "$NAME" stdout
run project edit "$P1" --annual 99999
expect "edit that breaks a rule refused" 65 'annual_plan'
run project edit 0123456789abcdef0123456789abcdef --stage 竣工
expect "edit of an unknown id exits 66" 66 '没有这个项目'
run project edit abc --stage 竣工
expect "too short an id refused" 65 'at least its first 6'
expect_ops "edit queued one op, refused edits none" 3

# ---- report add ----
# jpeg FILE N: a JPEG's first bytes then N random ones (what the photo check reads).
jpeg() { { printf '\377\330\377\340'; head -c "$2" /dev/urandom; } >"$1"; }
jpeg "$T/site1.jpg" 200000
{ printf '\211PNG\r\n\032\n'; head -c 3000 /dev/urandom; } >"$T/site2.jpg"
head -c 3000 /dev/urandom >"$T/notimage.jpg"
run report add --project "${P1:0:8}" --week 2025-W10 --ytd 1 --total 2 --photo "$T/notimage.jpg"
expect "a photo that is not an image is refused, Chinese first" 65 '^baosong: 照片不是图片 .*not an image.*JPEG, PNG or HEIC'
run report add --project "${P1:0:8}" --period 120 --ytd 860.5 --total 2300 \
	--progress '主体结构完成' --percent 45 --photo "$T/site1.jpg" --photo "$T/site2.jpg"
expect "report with two photos" 0 '^[0-9a-f]{32}$' stdout
R1=$(head -n 1 "$T/out")
if [ "$(grep -c '^photo [0-9a-f]\{16\} ' "$T/out")" = 2 ]; then pass "two photo hashes printed"; else fail "two photo hashes printed"; fi
if command -v b2sum >/dev/null; then
	h=$(b2sum -l 256 "$T/site1.jpg" | cut -c1-16)
	if grep -q "^photo $h " "$T/out"; then pass "photo hash is BLAKE2b-256"; else fail "photo hash is BLAKE2b-256"; fi
fi
att=$(sqlite3 "$DB" "SELECT COUNT(*) FROM outbox_attachment a JOIN outbox o ON o.seq = a.seq WHERE o.uid = '$R1'")
if [ "$att" = 2 ]; then pass "the op carries two attachments"; else fail "the op carries two attachments ($att)"; fi
files=$(sqlite3 "$DB" "SELECT COUNT(*) FROM file WHERE path LIKE '$BAOSONG_DIR/files/%'")
if [ "$files" = 2 ]; then pass "photos copied into the data directory's store"; else fail "photos in the store ($files)"; fi
if command -v b2sum >/dev/null; then
	h=$(b2sum -l 256 "$T/site1.jpg" | cut -c1-64)
	if cmp -s "$T/site1.jpg" "$BAOSONG_DIR/files/$h"; then pass "the stored copy is named by its hash"; else fail "the stored copy is named by its hash"; fi
fi

run report list
expect "report list shows 2 photos and the pending mark" 0 "^${R1:0:8}  $NAME .* 2  \\*\$" stdout
expect "report list shows amounts in 万元" 0 '120\.00 +860\.50 +2300\.00 +45%' stdout
run report list --csv
if [ "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' \n')" = efbbbf ]; then
	pass "report CSV starts with the BOM"
else
	fail "report CSV starts with the BOM"
fi
expect "report CSV header" 0 '周报标识,项目标识,项目名称,周次,本期完成投资\(万元\)' stdout

NEXT_WEEK=$(bj %G-W%V 604800)
run report add --project "$P1" --week "$NEXT_WEEK" --ytd 1 --total 2
expect "report for a future week refused" 65 'period.*尚未开始'
run report add --project "$P1" --week 2025-W53 --ytd 1 --total 2
expect "week that does not exist refused" 65 'period'
run report add --project "$P1" --week 2025-W10 --ytd 900 --total 800
expect "ytd above total refused" 65 'invested_ytd'
run report add --project "$P1" --week 2025-W10 --ytd 900 --total 20000
expect "total above the project's investment refused" 65 'invested_total.*项目总投资'
run report add --project 0123456789abcdef0123456789abcdef --week 2025-W10 --ytd 1 --total 2
expect "report for an unknown project refused" 66 '没有这个项目'
run report add --project "$P1" --week 2025-W10 --ytd 1 --total 2 --percent 101
expect "percent above 100 refused" 65 'progress_percent'
run report add --project "$P1" --week 2025-W10 --ytd 1 --total 2 --photo "$T/missing.jpg"
expect "missing photo file refused" 66 'cannot open photo'
run report add --project "$P1" --week 2025-W10 --ytd 1 --total 2 --photo "$T"
expect "directory as photo refused" 65 'not a regular file'
truncate -s 65M "$T/huge.jpg"
run report add --project "$P1" --week 2025-W10 --ytd 1 --total 2 --photo "$T/huge.jpg"
expect "photo over 64 MiB refused" 65 'the limit is 64 MiB'
run report add --project "$P1" --ytd 870 --total 2310
expect "second report for the same week refused, pointing to report edit" 65 "$R1.*|report edit"
expect_ops "refused reports queue nothing" 4
run report add --project "$P1" --ytd 870 --total 2310 --replace
expect "--replace is gone and says what to use" 64 'report edit ID'
expect_ops "--replace queued nothing" 4
# An edit changes only what it names: the 45% progress, the text and the
# photos stay.
run report edit "${R1:0:8}" --ytd 870 --total 2310
expect "report edit corrects the same report" 0 "^$R1\$" stdout
run report list --csv
if grep -q "^$R1,.*,120.00,870.00,2310.00,主体结构完成,45,,2," "$T/out"; then pass "the edit changed only ytd and total"; else fail "the edit changed only ytd and total"; fi
run report edit "${R1:0:8}"
expect "report edit without a field to change" 64 'nothing to change'
run report edit "${R1:0:8}" --clear colour
expect "--clear names a field it knows" 64 'period, progress, percent, problems, photos'
run report list
expect "the correction keeps the photos" 0 "^${R1:0:8} .*2310\\.00 .* 2  \\*\$" stdout
expect "still one report" 0 '^共 1 份周报' stdout

# ---- status ----
run status
expect "status shows the pending count" 0 '待发送 pending: 5 ' stdout

# ---- discard / resolve ----
run discard 1
expect "a pending op cannot be discarded" 65 'still waiting'
sqlite3 "$DB" "UPDATE outbox SET state = 1, error_code = 2, error_msg = 'annual_plan: 年度计划投资不能超过总投资' WHERE seq = 2"
run status
expect "status lists the refused op" 0 '#2 project' stdout
run project list
expect "a refused change is marked on the device" 0 "^${P2:0:8} .*被拒\$" stdout
run discard 2
expect "discard names the record" 0 "discarded #2: 项目 project ${P2:0:8} «Road" stdout
expect "a record the server never had is removed by discard" 0 "never had it: removed" stdout
run project list
if grep -q "^${P2:0:8} " "$T/out"; then fail "the discarded new project is gone"; else pass "the discarded new project is gone"; fi
run discard 2
expect "discarding twice exits 66" 66 'no operation #2'
run resolve 7 --theirs
expect "resolving an unknown conflict exits 66" 66 'no conflict #7'
run resolve 7 --mine --theirs
expect "resolve takes --mine or --theirs, not both" 64 '--mine'
# A whole-record conflict as sync leaves it (no base kept): the op gone from
# the outbox, the server's version (revision 3) in the record.
P2=0123456789abcdef0123456789abcdef
sqlite3 "$DB" "INSERT INTO record(uid, kind, unit_id, rev, deleted, updated_at, data, attachments)
  SELECT '$P2', kind, unit_id, 3, 0, 0, data, x'' FROM record WHERE uid = '$P1';
  INSERT INTO conflict(seq, kind, uid, mine, server_rev, theirs, created_at)
  SELECT 2, kind, uid, data, 3, data, 0 FROM record WHERE uid = '$P2';"
run resolve 2
expect "resolve SEQ alone shows the conflict" 0 'whole record conflicts' stdout
run resolve 2 --pick name=mine
expect "--pick needs a field conflict" 64 'whole record'
run resolve 2 --mine
expect "resolve --mine queues the change again" 0 'queued again as #[0-9]+ on top of server revision 3' stdout
base_rev=$(sqlite3 "$DB" "SELECT base_rev FROM outbox WHERE uid = '$P2'")
if [ "$base_rev" = 3 ]; then pass "re-queued on the server's revision"; else fail "re-queued on the server's revision ($base_rev)"; fi
if [ "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM conflict')" = 0 ]; then pass "conflict gone"; else fail "conflict gone"; fi

# ---- a relative --dir: the stored copy is still found from anywhere ----
jpeg "$T/site3.jpg" 1000
(cd "$T" && env -u BAOSONG_DIR "$B" report edit --dir data "${R1:0:8}" --photo site3.jpg >"$T/out" 2>"$T/err"); rc=$?
expect "report edit --photo with a relative --dir" 0
rel=$(sqlite3 "$DB" "SELECT COUNT(*) FROM file WHERE path NOT LIKE '/%'")
if [ "$rel" = 0 ]; then pass "stored copies are kept by absolute path"; else rc=0; fail "stored copies are kept by absolute path ($rel relative)"; fi

# ---- usage ----
for c in "project add" "project edit" "project list" "project show" "report add" "report edit" "report list" resolve discard fetch; do
	# shellcheck disable=SC2086
	run $c --help
	expect "$c --help" 0 'Example' stdout
done
run project frobnicate
expect "unknown subcommand is a usage error" 64
run fetch 1234 --out "$T/x"
expect "fetch wants at least 6 hex characters of a hash" 65 "at least its first 6"

echo "1..$n"
[ "$fails" -eq 0 ]
