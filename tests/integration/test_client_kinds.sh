#!/usr/bin/env bash
# test_client_kinds.sh - baosong approval / monthly / stats / deal / funding /
# problem / target / leader / acceptance / unit / publication on the local
# database alone, no server: for every kind an add that is accepted and one
# that is refused (the field named), list and show in Chinese, CSV with a
# byte order mark, roles, the queries leaders chase (overdue approvals, late
# and missing reports, the project flags), the review state in `baosong
# status`, and the published assessment results as `baosong ranking` shows
# them (ties, scores not applicable, flags, this unit's place).
#
# What the server would have sent (units, projects of other units, review
# status, the time it received a report, publications) is written into the
# local record table with sqlite3.  The publications are packed by the
# pubrec helper (tests/integration/pubrec.c).
#
# Usage: test_client_kinds.sh PATH/TO/baosong [PATH/TO/pubrec]
# (pubrec also from $PUBREC, else next to baosong in tests/).  Needs the
# sqlite3 command-line tool (exit 77, skipped, without it).
set -u

B=${1:?usage: test_client_kinds.sh PATH/TO/baosong [PATH/TO/pubrec]}
PUBREC=${2:-${PUBREC:-$(dirname "$B")/tests/pubrec}}
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
run() { "$B" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
# expect DESC RC [PATTERN [stdout|stderr]]
expect() {
	local desc=$1 want=$2 pat=${3:-} stream=${4:-stderr} f=$T/err
	[ "$stream" = stdout ] && f=$T/out
	if [ "$rc" -ne "$want" ]; then fail "$desc (want exit $want)"; return; fi
	if [ -n "$pat" ] && ! grep -Eq -- "$pat" "$f"; then fail "$desc (no /$pat/ in $stream)"; return; fi
	pass "$desc"
}
# expect_not DESC PATTERN: the last run's stdout does not match.
expect_not() {
	if grep -Eq -- "$2" "$T/out"; then fail "$1 (/$2/ found)"; else pass "$1"; fi
}
ops() { sqlite3 "$DB" "SELECT COUNT(*) FROM outbox"; }
expect_ops() {
	local got; got=$(ops)
	if [ "$got" = "$2" ]; then pass "$1"; else rc=0; fail "$1 (outbox has $got, want $2)"; fi
}
# expect_bom DESC: the last run's stdout starts with the UTF-8 BOM.
expect_bom() {
	if [ "$rc" = 0 ] && [ "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' \n')" = efbbbf ]; then
		pass "$1"
	else
		fail "$1"
	fi
}
role() { sqlite3 "$DB" "UPDATE meta SET value = '$1' WHERE key = 'role'"; }
# sql QUERY: one value from the local database.
sql() { sqlite3 "$DB" "$1"; }
# expect_eq DESC GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else rc=0; fail "$1 (got '$2', want '$3')"; fi
}
ms() { echo "$(date -d "$1" +%s)000"; }

# ---- protobuf by hand, for what the server publishes (UnitInfo) ----
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
pb_str() { printf '%02x%02x%s' $(($1 << 3 | 2)) "$(printf '%s' "$2" | wc -c)" "$(hex "$2")"; }
pb_int() { printf '%02x%02x' $(($1 << 3)) "$2"; }
# unit UID UNIT_ID CODE NAME TYPE REGION
unit() {
	local data; data=$(pb_str 1 "$3")$(pb_str 2 "$4")$(pb_int 3 "$5")$(pb_str 4 "$6")
	sqlite3 "$DB" "INSERT INTO record(uid, kind, unit_id, rev, deleted, updated_at, data,
	  attachments) VALUES ('$1', 'unit', $2, 1, 0, 1, X'$data', X'')"
}

# ---- an enrolled reporter of 城关镇 (unit 42), and the server's units ----
run unit list
expect "unit list works on an empty database" 0 '^共 0 条单位' stdout
sqlite3 "$DB" "INSERT INTO meta(key, value) VALUES ('server', '127.0.0.1:9'),
  ('server_key', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='), ('device_id', '5'),
  ('unit_id', '42'), ('role', '1'), ('unit_name', '城关镇人民政府'), ('unit_code', 'chengguan');"
unit 00000000000000000000000000000a01 42 chengguan 城关镇人民政府 1 620102
unit 00000000000000000000000000000a02 43 zrzyj 自然资源局 2 620102

run unit list
expect "unit list shows the unit type in Chinese" 0 '^00000000  chengguan +城关镇人民政府 +乡镇 +620102' stdout
expect "unit list shows a department" 0 'zrzyj +自然资源局 +部门' stdout
run unit list --type 部门
expect "unit list filters by an enum label" 0 '自然资源局' stdout
expect_not "the filter leaves out the township" 'chengguan'
run unit list --csv
expect_bom "unit CSV starts with the BOM"
expect "unit CSV has the Chinese header" 0 '单位标识,单位代码,单位名称,单位类型,行政区划代码' stdout
run unit add --code x
expect "units cannot be added on a device" 77 'published by the server'

# ---- projects to hang the records on ----
run project add --name 城关镇污水处理厂扩建 --year 2026 --stage 新开工 --total 12500 \
	--township 城关镇 --leader 张伟
expect "project 1 (≥1亿, 新开工)" 0 '^[0-9a-f]{32}$' stdout
P1=$(head -n 1 "$T/out")
run project add --name 东关路改造 --year 2026 --stage 续建 --total 600 --township 城关镇 --leader 李强
expect "project 2 (≥500万, 续建)" 0 '^[0-9a-f]{32}$' stdout
P2=$(head -n 1 "$T/out")
run project add --name 文化广场 --year 2026 --stage 前期 --total 300 --township 城关镇 --leader 张伟
expect "project 3 (前期, <500万)" 0 '^[0-9a-f]{32}$' stdout
P3=$(head -n 1 "$T/out")
expect_ops "three projects queued" 3

# ---- approval ----
run approval add --project "${P1:0:6}" --item 环评 --level 市级 --deadline 2020-02-20 --status 办理中
expect "approval: add accepted (project by prefix)" 0 '^[0-9a-f]{32}$' stdout
A1=$(head -n 1 "$T/out")
run approval add --project "$P1" --item 施工许可证 --level 县级 --deadline 2020-02-10 \
	--status 已办结 --done-date 2020-02-08
expect "approval: a done item accepted" 0 '^[0-9a-f]{32}$' stdout
run approval add --project "$P2" --item 用地预审 --level county --deadline 2099-12-31 --status in_progress
expect "approval: English enum names accepted" 0 '^[0-9a-f]{32}$' stdout
run approval add --project "$P1" --item 能评 --level 省级 --deadline 2020-03-10 --status 已办结
expect "approval: done without a date refused, field named" 65 'done_date 办结日期 \(--done-date\)'
run approval add --project "$P1" --item 能评 --level 区级 --deadline 2020-03-10
expect "approval: unknown level refused with the choices" 65 '可选 choices: 县级 市级 省级 国家级'
run approval add --project "$P1" --item 环评 --level 市级 --deadline 2020-02-20 --status 办理中
expect "approval: the same item twice refused" 65 "${A1}"
run approval add --project 0123456789abcdef0123456789abcdef --item 环评 --deadline 2020-02-20
expect "approval: unknown project exits 66" 66 '没有这个项目'
run approval list
expect "approval list: Chinese labels" 0 "^${A1:0:8}  城关镇污水处理厂扩建 +环评 +市级 +2020-02-20  办理中 " stdout
expect "approval list: overdue marked" 0 '环评 .* 逾期 ' stdout
run approval list --overdue
expect "approval list --overdue shows the overdue item" 0 '环评' stdout
expect_not "--overdue leaves out the done item" '施工许可证'
expect_not "--overdue leaves out the item not yet due" '用地预审'
run approval list --status 已办结
expect "approval list filters by status" 0 '施工许可证' stdout
expect_not "the status filter leaves out the others" '环评'
run approval show "${A1:0:8}"
expect "approval show: project name" 0 '项目名称 project +城关镇污水处理厂扩建' stdout
expect "approval show: level in Chinese" 0 '审批层级 level +市级' stdout
expect "approval show: overdue" 0 '是否逾期 +逾期' stdout
run approval list --csv
expect_bom "approval CSV starts with the BOM"
expect "approval CSV header" 0 '前期手续标识,所属项目标识,项目名称,手续事项,审批层级,办结时限,办理状态' stdout
expect "approval CSV rows end in CRLF" 0 $'待发送修改\r$' stdout
run approval edit "${A1:0:8}" --status 已办结 --done-date 2020-03-01
expect "approval edit: the item is done" 0 "^$A1\$" stdout
run approval list --overdue
expect_not "a done item is no longer overdue" '环评'
run approval edit "${A1:0:8}" --status 办理中 --done-date ''
expect "approval edit: back in progress (a field cleared)" 0 "^$A1\$" stdout

# ---- monthly ----
run monthly add --project "$P1" --period 2025-10 --invested-period 300 --invested-ytd 2100 \
	--invested-total 5200 --progress 主体封顶 --progress-percent 60
expect "monthly: add accepted" 0 '^[0-9a-f]{32}$' stdout
M1=$(head -n 1 "$T/out")
run monthly add --project "$P1" --period 2025-09 --invested-ytd 1800 --invested-total 4900
expect "monthly: a second month accepted" 0 '^[0-9a-f]{32}$' stdout
M2=$(head -n 1 "$T/out")
run monthly add --project "$P1" --period 2025-08 --invested-ytd 5300 --invested-total 5200
expect "monthly: ytd above total refused" 65 'invested_ytd_fen 本年累计完成投资 \(--invested-ytd\)'
run monthly add --project "$P1" --period 2025-13 --invested-ytd 1 --invested-total 2
expect "monthly: a month that does not exist refused" 65 'period 月份'
run monthly add --project "$P1" --period 2025-10 --invested-ytd 1 --invested-total 2
expect "monthly: the same month twice refused" 65 "$M1"
run monthly add --project "$P1" --period 2025-07 --invested-ytd 1.234 --invested-total 2
expect "monthly: three decimals refused" 65 'invested_ytd_fen.*万元'
run monthly list
expect "monthly list: amounts in 万元, percent" 0 '2025-10 +300\.00 +2100\.00 +5200\.00 +60%' stdout
run monthly show "${M1:0:8}"
expect "monthly show: money in 万元" 0 '本年累计完成投资 invested-ytd +2100\.00 万元' stdout
run monthly list --csv
expect_bom "monthly CSV starts with the BOM"
expect "monthly CSV header names 万元" 0 '本期完成投资\(万元\)' stdout

# ---- stats (入库纳统) ----
echo 备案 >"$T/filing.pdf"
head -c 3000 /dev/urandom >"$T/budget.xls"
head -c 4000 /dev/urandom >"$T/contract.pdf"
head -c 5000 /dev/urandom >"$T/permit.jpg"
head -c 6000 /dev/urandom >"$T/site.jpg"
run stats add --project "$P1" --status 已提交佐证 --evidence "备案文件=$T/filing.pdf" \
	--evidence "permit=$T/permit.jpg"
expect "stats: add with two evidence files" 0 '^[0-9a-f]{32}$' stdout
S1=$(head -n 1 "$T/out")
if [ "$(grep -c '^file [0-9a-f]\{16\} ' "$T/out")" = 2 ]; then pass "stats: two file hashes printed"; else fail "stats: two file hashes printed"; fi
h=$(b2sum -l 256 "$T/permit.jpg" 2>/dev/null | cut -c1-16)
if [ -z "$h" ] || grep -q "^file $h " "$T/out"; then pass "stats: file hash is BLAKE2b-256"; else fail "stats: file hash is BLAKE2b-256"; fi
att=$(sqlite3 "$DB" "SELECT COUNT(*) FROM outbox_attachment a JOIN outbox o ON o.seq = a.seq WHERE o.uid = '$S1'")
if [ "$att" = 2 ]; then pass "stats: the op carries the files as attachments"; else rc=0; fail "stats: attachments ($att)"; fi
files=$(sqlite3 "$DB" "SELECT COUNT(*) FROM file WHERE path LIKE '$BAOSONG_DIR/files/%'")
if [ "$files" = 2 ]; then pass "stats: files copied into the data directory's store"; else rc=0; fail "stats: files in the store ($files)"; fi
h=$(b2sum -l 256 "$T/filing.pdf" 2>/dev/null | cut -c1-64)
if [ -z "$h" ] || cmp -s "$T/filing.pdf" "$BAOSONG_DIR/files/$h"; then pass "stats: the stored copy is the file"; else rc=0; fail "stats: the stored copy is the file"; fi
run stats add --project "$P2" --status 已提交佐证
expect "stats: submitted without evidence refused, field named" 65 'evidence 佐证材料 \(--evidence\)'
run stats add --project "$P2" --evidence "permit=$T/missing.jpg"
expect "stats: a missing file exits 66" 66 'cannot open file'
run stats add --project "$P2" --evidence "$T/site.jpg"
expect "stats: evidence without KIND= refused" 65 'evidence.*格式应为'
run stats add --project "$P2" --status 已入库
expect "stats: a reporter cannot register, exit 77" 77 '入库状态只能由统计部门变更'
run stats list
expect "stats list: what is missing" 0 '已提交佐证 +2 +缺 概算表 施工合同 现场照片' stdout
run stats show "${S1:0:8}"
expect "stats show: evidence by Chinese kind and file name" 0 '施工许可证=permit\.jpg +[0-9a-f]{16} \(本机有文件' stdout
run project list
expect "project list: ≥1亿 and 缺佐证 for project 1" 0 "^${P1:0:8} .*≥1亿 缺佐证 手续逾期" stdout
expect "project list: ≥500万 缺佐证 for project 2" 0 "^${P2:0:8} .*≥500万 缺佐证 " stdout
expect "project list: no flags for project 3" 0 "^${P3:0:8} .*张伟 +300\\.00" stdout
run stats edit "${S1:0:8}" --evidence "budget=$T/budget.xls" --evidence "施工合同=$T/contract.pdf" \
	--evidence "现场照片=$T/site.jpg" --evidence "permit=$T/site.jpg"
expect "stats edit: evidence added and replaced" 0 "^$S1\$" stdout
att=$(sqlite3 "$DB" "SELECT COUNT(*) FROM outbox_attachment a JOIN outbox o ON o.seq = a.seq
  WHERE o.uid = '$S1' AND o.seq = (SELECT MAX(seq) FROM outbox WHERE uid = '$S1')")
if [ "$att" = 4 ]; then pass "stats edit: attachments are the evidence files, each once"; else rc=0; fail "stats edit: attachments ($att)"; fi
run stats list
expect "stats list: complete" 0 '已提交佐证 +5 +齐全' stdout
run project list
expect "project list: evidence complete, no 缺佐证" 0 "^${P1:0:8} .*≥1亿 手续逾期 " stdout
run project list --overdue
expect "project list --overdue" 0 "${P1:0:8}" stdout
expect_not "--overdue leaves out projects without overdue items" "${P2:0:8}"
run project list --no-evidence
expect "project list --no-evidence" 0 "${P2:0:8}" stdout
run project list --leader 张伟 --stage 新开工 --township 城关 --overdue
expect "project list: all filters together" 0 "^${P1:0:8}" stdout
expect_not "the filters leave out the rest" "${P3:0:8}"
run project list --csv
expect "project list CSV: flag columns" 0 '建设内容,≥500万,≥1亿,缺佐证,手续逾期,服务器版本' stdout
expect "project list CSV: flags of project 1" 0 "^$P1,.*,是,是,否,是,0,1" stdout

# ---- deal ----
run deal add --partner 某新能源有限公司 --sector 新能源 --contract 50000 --stage 签约 \
	--signed-date 2025-03-18 --funds 2025-10=1200.5 --funds 2025-09=300
expect "deal: add accepted" 0 '^[0-9a-f]{32}$' stdout
D1=$(head -n 1 "$T/out")
run deal add --partner 某公司 --stage 签约
expect "deal: signed without a date refused" 65 'signed_date 签约日期 \(--signed-date\)'
run deal add --partner 某公司 --stage 意向 --contract 10 --funds 2025-10=20
expect "deal: funds above the contract refused" 65 'funds 到位资金'
run deal list
expect "deal list: stage in Chinese, funds summed in 万元" 0 '某新能源有限公司 +新能源 +50000\.00 +签约 +2025-03-18 +1500\.50' stdout
run deal edit "${D1:0:8}" --funds 2025-09= --funds 2025-11=50 --funds 2025-10=1000
expect "deal edit: funds replaced, removed, added" 0 "^$D1\$" stdout
run deal show "${D1:0:8}"
expect "deal show: funds per month" 0 '2025-10=1000\.00 万元' stdout
expect_not "deal show: the removed month is gone" '2025-09='
run deal list --csv
expect_bom "deal CSV starts with the BOM"
expect "deal CSV: funds as KEY=VALUE" 0 '2025-10=1000\.00；2025-11=50\.00' stdout

# ---- funding ----
run funding add --project "$P1" --channel 专项债券 --title 污水管网改造 --applied 1200.5 \
	--status 已申报 --applied-date 2025-03-01
expect "funding: add accepted" 0 '^[0-9a-f]{32}$' stdout
run funding add --project "$P1" --channel 专项债券 --title 管网 --applied 100 --approved 200 --status 已下达
expect "funding: approved above applied refused" 65 'approved_fen 下达金额 \(--approved\)'
run funding list
expect "funding list: channel and status in Chinese" 0 '专项债券 +污水管网改造 +1200\.50 +0\.00 +0\.00 +已申报' stdout
run funding list --csv
expect_bom "funding CSV starts with the BOM"

# ---- problem ----
run problem add --project "$P1" --category 用地 --description 征地拆迁未完成 --assigned-unit zrzyj \
	--deadline 2025-04-30 --status 待解决
expect "problem: add accepted" 0 '^[0-9a-f]{32}$' stdout
run problem add --category 用地 --description 拆迁 --status 已解决
expect "problem: resolved without a resolution refused" 65 'resolution 解决情况'
run problem add --category 资金 --description 缺口 --status 待解决 --assigned-unit nosuch
expect "problem: unknown unit refused" 65 'assigned_unit 责任单位.*单位不存在'
run problem list
expect "problem list" 0 '用地 +征地拆迁未完成 +zrzyj +2025-04-30 +待解决' stdout
run problem list --csv
expect_bom "problem CSV starts with the BOM"

# ---- target and leader: the administrator's ----
run target add --unit-code chengguan --period 2026-Q2 --fai 84500
expect "target: a reporter is refused, exit 77" 77 'may not write target records; only 管理员 admin'
run leader add --name 张伟
expect "leader: a reporter is refused, exit 77" 77 'may not write leader records'
role 5
run target add --unit-code chengguan --period 2026-Q2 --fai 84500 --growth-bp 15% --new-starts 6
expect "target: the administrator adds one" 0 '^[0-9a-f]{32}$' stdout
run target add --unit-code chengguan --period 2026-Q5 --fai 1
expect "target: a bad period refused" 65 'period 考核期间 \(--period\)'
run target add --unit-code nosuch --period 2026 --fai 1
expect "target: an unknown unit refused" 65 'unit_code'
run leader add --name 张伟 --title 副县长 --phone 0931-1234567
expect "leader: the administrator adds one" 0 '^[0-9a-f]{32}$' stdout
run leader add --name 李四 --phone 'call me'
expect "leader: a bad phone refused" 65 'phone 联系电话'
role 1
run target list
expect "target list: 万元 and growth in percent" 0 'chengguan +2026-Q2 +84500\.00 +15\.00% +6 ' stdout
run leader list
expect "leader list" 0 '张伟 +副县长 +0931-1234567' stdout
run leader list --csv
expect_bom "leader CSV starts with the BOM"
expect "leader CSV header" 0 '包抓领导标识,姓名,职务,联系电话' stdout
run target list --csv
expect_bom "target CSV starts with the BOM"

# ---- acceptance (考核验收): reviewers and administrators, for the project's unit ----
run acceptance add --project "$P1" --year 2026 --result 未通过
expect "acceptance: a reporter is refused, exit 77" 77 'may not write acceptance records; only 审核 reviewer、管理员 admin'
role 2
# A project of 自然资源局 (unit 43), as a reviewer's pull brings it.
PX=00000000000000000000000000000c01
sql "INSERT INTO record(uid, kind, unit_id, rev, deleted, updated_at, data, attachments)
  VALUES ('$PX', 'project', 43, 1, 0, 1, X'$(pb_str 1 自然资源局办公楼)', X'')"
run acceptance add --project "${P1:0:6}" --year 2026 --result 未通过 --date 2026-11-20 \
	--note 配套设施未按期建成
expect "acceptance: a reviewer records a failed check" 0 '^[0-9a-f]{32}$' stdout
AC1=$(head -n 1 "$T/out")
expect "acceptance: saved, named by year, result and project" 0 "考核验收 acceptance ${AC1:0:8} 2026 未通过 «城关镇污水处理厂扩建»"
run acceptance add --project "$PX" --year 2026 --result passed
expect "acceptance: English enum name, another unit's project" 0 '^[0-9a-f]{32}$' stdout
AC2=$(head -n 1 "$T/out")
expect_eq "acceptance: owned by the project's unit (43), not the reviewer's" "$(sql "SELECT unit_id FROM record WHERE uid = '$AC2'")" 43
expect_eq "acceptance: the township's project, the township's check" "$(sql "SELECT unit_id FROM record WHERE uid = '$AC1'")" 42
run acceptance add --project "$P1" --year 1999 --result 通过
expect "acceptance: a bad year refused, field named" 65 'year 考核年度 \(--year\): 考核年度须在 2000 至 2200 之间'
run acceptance add --project "$P2" --year 2026
expect "acceptance: a missing result refused, with the choices" 65 'result 验收结果 \(--result\)'
expect "acceptance: the choices of the result" 65 '可选 choices: 通过 未通过 \(passed failed\)'
run acceptance add --project "$P2" --year 2026 --result 基本通过
expect "acceptance: an unknown result refused" 65 '未知的验收结果'
run acceptance add --project 0123456789abcdef0123456789abcdef --year 2026 --result 通过
expect "acceptance: an unknown project exits 66" 66 '没有这个项目'
run acceptance add --project "$P2" --year 2026 --result 通过 --date 2026-02-30
expect "acceptance: a date that does not exist refused" 65 'date 验收日期 \(--date\)'
run acceptance add --project "$P1" --year 2026 --result 通过
expect "acceptance: the same project and year twice refused" 65 "$AC1"
run acceptance add --project "$P1" --year 2027 --result 通过
expect "acceptance: the same project another year accepted" 0 '^[0-9a-f]{32}$' stdout
run acceptance list
expect "acceptance list: Chinese labels" 0 "^${AC1:0:8}  城关镇污水处理厂扩建 +2026 +未通过 +2026-11-20  配套设施未按期建成 +\*\$" stdout
expect "acceptance list: the other unit's project" 0 "^${AC2:0:8}  自然资源局办公楼 +2026 +通过 " stdout
run acceptance list --result 未通过
expect "acceptance list --result 未通过" 0 "${AC1:0:8}" stdout
expect_not "the result filter leaves out the passed" "${AC2:0:8}"
run acceptance show "${AC1:0:8}"
expect "acceptance show: the result" 0 '验收结果 result +未通过' stdout
expect "acceptance show: the project's name" 0 '项目名称 project +城关镇污水处理厂扩建' stdout
expect "acceptance show: the year" 0 '考核年度 year +2026' stdout
run acceptance list --csv
expect_bom "acceptance CSV starts with the BOM"
expect "acceptance CSV header" 0 '考核验收标识,项目标识,项目名称,考核年度,验收结果,验收日期,备注' stdout
expect "acceptance CSV row" 0 "^$AC1,$P1,城关镇污水处理厂扩建,2026,未通过,2026-11-20,配套设施未按期建成," stdout
run acceptance edit "${AC2:0:8}" --result 未通过 --note 复验未通过
expect "acceptance edit by the reviewer" 0 "^$AC2\$" stdout
run acceptance show "${AC2:0:8}"
expect "acceptance edit: changed" 0 '验收结果 result +未通过' stdout
run acceptance delete "${AC2:0:8}"
expect "acceptance delete" 0 "^$AC2\$" stdout
expect "acceptance delete: says what was deleted" 0 "已删除 deleted 考核验收 acceptance ${AC2:0:8}"
expect_eq "acceptance delete: a deleting op is queued" \
	"$(sql "SELECT deleted || ',' || base_rev FROM outbox WHERE uid = '$AC2' ORDER BY seq DESC LIMIT 1")" 1,2
run acceptance list
expect_not "a deleted check is not listed" "${AC2:0:8}"
run acceptance show "${AC2:0:8}"
expect "a deleted check cannot be shown" 66
sql "UPDATE record SET locked = 1 WHERE uid = '$AC1'"
run acceptance delete "${AC1:0:8}"
expect "a locked check cannot be deleted" 65 '已锁定'
sql "UPDATE record SET locked = 0 WHERE uid = '$AC1'"
role 1
run acceptance delete "${AC1:0:8}"
expect "acceptance: a reporter cannot delete one, exit 77" 77 'may not write acceptance records'
run acceptance list
expect "acceptance: the unit sees the bureau's checks of its projects" 0 "${AC1:0:8}" stdout

# ---- late and missing reports ----
dow=$(bj %u)
hour=$(bj %-H)
# The newest week and month whose deadline (Friday 12:00; the 5th of the
# next month 12:00) has passed.
if [ "$dow" -gt 5 ] || { [ "$dow" = 5 ] && [ "$hour" -ge 12 ]; }; then w=0; else w=7; fi
W1=$(bj %G-W%V $((-w * 86400)))
W2=$(bj %G-W%V $((-(w + 7) * 86400)))
day=$(bj %-d)
if [ "$day" -gt 5 ] || { [ "$day" = 5 ] && [ "$hour" -ge 12 ]; }; then k=1; else k=2; fi
first=$(bj %Y-%m-01)
MO1=$(date -d "$first -$k month" +%Y-%m)
MO2=$(date -d "$first -$((k + 1)) month" +%Y-%m)

run report add --project "$P1" --week "$W1" --ytd 100 --total 200
expect "weekly report for the last week due" 0 '^[0-9a-f]{32}$' stdout
run report list --missing --weeks 2
expect "report --missing: project 1's earlier week" 0 "^${P1:0:8} .*新开工 +$W2 " stdout
expect_not "report --missing: not the week reported" "^${P1:0:8} .*$W1"
expect "report --missing: project 2 both weeks" 0 "^${P2:0:8} .*续建 +$W1 " stdout
expect_not "report --missing: not a project in 前期" "${P3:0:8}"
expect "report --missing: the deadline is Friday 12:00" 0 "$W2 +[0-9-]{10} 12:00" stdout
expect "report --missing: the count" 0 '^共 3 项缺报' stdout
run report list --missing --csv
expect_bom "report --missing CSV starts with the BOM"
expect "report --missing CSV header" 0 '项目标识,项目名称,所在乡镇,阶段,周次,截止时间' stdout

run report add --project "$P1" --week 2025-W10 --ytd 50 --total 60
expect "weekly report for 2025-W10" 0 '^[0-9a-f]{32}$' stdout
R10=$(head -n 1 "$T/out")
run report add --project "$P1" --week 2025-W11 --ytd 55 --total 65
R11=$(head -n 1 "$T/out")
run report add --project "$P1" --week 2025-W12 --ytd 60 --total 70
R12=$(head -n 1 "$T/out")
run report add --project "$P1" --week "$W2" --ytd 65 --total 75
R13=$(head -n 1 "$T/out")
run report add --project "$P1" --week 2025-W14 --ytd 70 --total 80
R14=$(head -n 1 "$T/out")
# As the server would have sent them (complete_at: first held complete,
# with the photo -- the assessment's on-time rule): W10 received a day
# after its deadline (Friday 2025-03-07 12:00), W11 before its own, W12
# before its deadline but its photo only after it (late, as in the
# ranking), the one for $W2 never complete (missing, not late), W14 complete 30
# seconds late (1 minute in the table and the CSV alike).
sqlite3 "$DB" "UPDATE record SET rev = 1, created_at = $(ms '2025-03-08 09:30 +0800'),
    complete_at = $(ms '2025-03-08 09:30 +0800') WHERE uid = '$R10';
  UPDATE record SET rev = 1, created_at = $(ms '2025-03-14 11:00 +0800'),
    complete_at = $(ms '2025-03-14 11:00 +0800') WHERE uid = '$R11';
  UPDATE record SET rev = 1, created_at = $(ms '2025-03-21 10:00 +0800'),
    complete_at = $(ms '2025-03-21 15:00 +0800') WHERE uid = '$R12';
  UPDATE record SET rev = 1, created_at = $(ms '2025-03-28 10:00 +0800') WHERE uid = '$R13';
  UPDATE record SET rev = 1, created_at = $(ms '2025-04-04 11:00 +0800'),
    complete_at = $(( $(ms '2025-04-04 12:00 +0800') + 30000 )) WHERE uid = '$R14';
  DELETE FROM outbox WHERE uid IN ('$R12', '$R13', '$R14');"
run report list --late
expect "report --late: a photo after the deadline is late" 0 "^${R12:0:8} .*2025-W12 +2025-03-21 12:00 +2025-03-21 15:00 +迟 3小时0分" stdout
expect_not "report --late: a report never complete is not late" "${R13:0:8}"
expect "report --late: 30 seconds late is 1 minute" 0 "^${R14:0:8} .*2025-W14 .*迟 1分钟" stdout
run report list --missing --weeks 2
expect "report --missing: a report never complete is missing" 0 "^${P1:0:8} .*新开工 +$W2 " stdout
expect_not "report --missing: a complete one is not" "^${P1:0:8} .*$W1"
run report list --late --csv
expect "report --late CSV: the same minutes as the table" 0 "^$R14,.*,2025-W14,2025-04-04 12:00,2025-04-04 12:00,1"$'\r'"?\$" stdout
run report list --late
expect "report --late: the late report with its deadline" 0 "^${R10:0:8} .*2025-W10 +2025-03-07 12:00 +2025-03-08 09:30 +迟 21小时30分" stdout
expect_not "report --late: not the one on time" "${R11:0:8}"
expect "report --late: one not sent yet counts as arriving now" 0 "$W1 .*未送达" stdout
run report list --late --csv
expect_bom "report --late CSV starts with the BOM"
expect "report --late CSV" 0 "^$R10,$P1,城关镇污水处理厂扩建,2025-W10,2025-03-07 12:00,2025-03-08 09:30,1290" stdout

run monthly add --project "$P2" --period "$MO1" --invested-ytd 10 --invested-total 20
expect "monthly report for the last month due" 0 '^[0-9a-f]{32}$' stdout
run monthly list --missing --months 2
expect "monthly --missing: project 2's earlier month" 0 "^${P2:0:8} .*续建 +$MO2 +[0-9-]{10} 12:00" stdout
expect_not "monthly --missing: not the month reported" "^${P2:0:8} .*续建 +$MO1 "
expect "monthly --missing: project 1" 0 "^${P1:0:8} .*$MO1" stdout
sqlite3 "$DB" "UPDATE record SET rev = 1, created_at = $(ms '2025-11-06 10:00 +0800'),
    complete_at = $(ms '2025-11-06 10:00 +0800') WHERE uid = '$M1';
  UPDATE record SET rev = 1, created_at = $(ms '2025-10-04 18:00 +0800'),
    complete_at = $(ms '2025-10-04 18:00 +0800') WHERE uid = '$M2';"
run monthly list --late
expect "monthly --late: due 12:00 on the 5th" 0 "^${M1:0:8} .*2025-10 +2025-11-05 12:00 +2025-11-06 10:00 +迟 22小时0分" stdout
expect_not "monthly --late: not the one on time" "${M2:0:8}"
run monthly list --late --review 退回
expect "--late with filters is a usage error" 64

# ---- review state, as the server sends it ----
sqlite3 "$DB" "UPDATE record SET review_status = 2, review_comment = '本年累计投资与上月不符，请核实',
    reviewed_at = $(ms '2025-11-07 09:00 +0800') WHERE uid = '$M1';
  UPDATE record SET review_status = 1 WHERE uid = '$M2';
  UPDATE record SET review_status = 1 WHERE uid = '$S1';
  DELETE FROM outbox WHERE uid IN ('$M1', '$M2');"
run status
expect "status: the returned record with the comment" 0 "月报 monthly_report ${M1:0:8} 2025-10 «城关镇污水处理厂扩建»" stdout
expect "status: the reviewer's comment" 0 '退回意见 comment: 本年累计投资与上月不符，请核实' stdout
expect "status: returned for correction" 0 '退回待修改 returned for correction' stdout
expect "status: count awaiting review" 0 '待审核 awaiting review: 2 ' stdout
run monthly list
expect "monthly list: 退回" 0 "^${M1:0:8} .* 退回 *\$" stdout
expect "monthly list: 待审" 0 "^${M2:0:8} .* 待审 *\$" stdout
run monthly list --review returned
expect "monthly list --review returned" 0 "${M1:0:8}" stdout
expect_not "--review leaves out the others" "${M2:0:8}"
run monthly show "${M1:0:8}"
expect "monthly show: the comment" 0 '退回意见 comment +本年累计投资与上月不符，请核实' stdout
run monthly list --csv
expect "monthly CSV: review state and comment" 0 ',退回,本年累计投资与上月不符，请核实,2025-11-06 10:00,1,0' stdout
run monthly edit "${M1:0:8}" --invested-ytd 2000
expect "a returned report can be corrected" 0 "^$M1\$" stdout
run status
expect "status: corrected, not sent yet" 0 '已修改，待发送' stdout
sqlite3 "$DB" "UPDATE record SET review_status = 3, locked = 1 WHERE uid = '$M2'"
run monthly edit "${M2:0:8}" --invested-ytd 1700
expect "an approved report cannot be changed" 65 '已审核通过'
run monthly list
expect "monthly list: 已通过" 0 "^${M2:0:8} .* 已通过 *\$" stdout
sqlite3 "$DB" "UPDATE record SET review_status = 1, locked = 1 WHERE uid = '$M2'"
run monthly edit "${M2:0:8}" --invested-ytd 1700
expect "a report of a closed period cannot be changed" 65 '已锁定'
run monthly list
expect "monthly list: 锁定" 0 "^${M2:0:8} .* 锁定 *\$" stdout

# ---- ranking: the assessment results the server publishes (kind publication) ----
run ranking
expect "ranking: nothing published yet" 66 '尚未收到任何考核结果 no published results yet: run `baosong sync`'
run ranking show
expect "ranking show: nothing published yet" 66 '尚未收到任何考核结果'
run publication list
expect "publication list works with none" 0 '^共 0 条考核结果' stdout
# pub UID quarter|month: a publication as a pull stores it (owned by the bureau, unit 1).
pub() {
	local data
	data=$("$PUBREC" "$2") || { rc=1; fail "pubrec $2 ($PUBREC)"; return; }
	sql "INSERT INTO record(uid, kind, unit_id, rev, deleted, updated_at, data, attachments)
	  VALUES ('$1', 'publication', 1, 1, 0, 2, X'$data', X'')"
}
pub 0000000000000000000000000000b003 quarter
pub 0000000000000000000000000000b002 month
run ranking
expect "ranking: the publications received" 0 '^共 2 期考核结果' stdout
expect_eq "ranking: newest first" "$(sed -n '2p;3p' "$T/out" | sed -E 's/^ +([0-9]+)  (...) .*/\1\2/' | tr '\n' ' ')" "3季评比 2月通报 "
expect "ranking: scope, period, title, units ranked, Beijing time" 0 '^ +3  季评比  2026-Q1   2026年第1季度重点项目建设评比 +3  2026-04-08 10:00  ' stdout
expect "ranking: this unit's shared rank and grade" 0 '2026-Q1 .*第2名/3（并列） 良好$' stdout
expect "ranking: this unit last in the bulletin" 0 '2026-03 .*第3名/3$' stdout
run ranking list --scope 月 --csv
expect_bom "ranking list CSV starts with the BOM"
expect "ranking list CSV: only the bulletin" 0 '^2,月通报,2026-03,2026年3月重点项目建设月通报,3,3,2026-04-06 09:30,3,' stdout
expect_not "ranking list --scope leaves out the ranking" '季评比'
run ranking show --wide
expect "ranking show: the newest without arguments" 0 '^2026年第1季度重点项目建设评比$' stdout
expect "ranking show: scope, number, time, scheme" 0 '^季评比 2026-Q1  第 3 期 no\. 3  考核方案 2026 版本 2' stdout
expect "ranking show: the header with the indicator labels" 0 '^  排名 +单位 +总分 +等级 +完成率 +本年累计\(万元\) +目标\(万元\) +同比 +固定资产投资\.\. +同比增速 +迟报 +缺报 +标记$' stdout
expect "ranking show: first place, by code (no unit record)" 0 '^  1 +xinzhen +98\.00 +优秀 +26\.00% +7566\.00 +29100\.00 +18\.00% +60\.00 +38\.00 +0 +0 *$' stdout
expect "ranking show: this unit marked, by name, the tie, its flags" 0 '^> 2（并列） +城关镇人民政府 +85\.20 +良好 +24\.04% +6997\.00 +29100\.00 +12\.30% +51\.20 +34\.00 +1 +0 +季度末位、验收未通过$' stdout
expect "ranking show: the other unit of the tie, a score not applicable" 0 '^  2（并列） +dongguan +85\.20 +良好 +24\.04% +4808\.00 +20000\.00 +- +51\.12 +- +0 +2 +季度末位$' stdout
expect "ranking show: a unit not ranked" 0 '^  - +jtj +- +- +- +1200\.00 +- +- +- +- +0 +0 +未下达目标$' stdout
expect_eq "ranking show: the columns line up (display width)" \
	"$(sed -n '4,8p' "$T/out" | sed -E 's/  [^ ]*$//' | while IFS= read -r l; do printf '%s' "$l" | wc -L; done | sort -u | wc -l)" 1
expect "ranking show: the indicators in full" 0 '^指标 indicators: 固定资产投资完成率 60分；同比增速 40分$' stdout
expect "ranking show: the grades" 0 '^等级 grades: 优秀 >=90\.00；良好 >=80\.00' stdout
expect "ranking show: this unit's place" 0 '^本单位 城关镇人民政府: 第2名/共3个单位（并列），总分 85\.20，良好' stdout
expect "ranking show: the failed acceptance and its consequence" 0 '^  ！项目考核验收未通过：取消评优奖励$' stdout
expect "ranking show: last in the quarter" 0 '^  ！季度末位：约谈$' stdout
expect "ranking show: the bureau's explanation" 0 '^  说明: 与 dongguan 并列第2名' stdout
run ranking show 2026-03 --wide
expect "ranking show PERIOD: the bulletin" 0 '^> 3 +城关镇人民政府 +65\.00 +- ' stdout
expect "ranking show PERIOD: last in the month" 0 '^  ！月度末位：会上表态发言$' stdout
run ranking show 2
expect "ranking show NUMBER" 0 '^2026年3月重点项目建设月通报$' stdout
run ranking show --scope quarter
expect "ranking show --scope" 0 '^2026年第1季度重点项目建设评比$' stdout
run ranking show 2026-Q4
expect "ranking show: a period not received exits 66" 66 '本机没有期间“2026-Q4”的考核结果'
run ranking show --scope year
expect "ranking show: no annual assessment yet" 66 '尚未收到年考核 no annual assessment published yet'
run ranking show --scope fortnight
expect "ranking show: a bad scope is a usage error" 64 '--scope wants month'
run ranking show 2 3
expect "ranking show: two arguments is a usage error" 64
run ranking show --csv
expect_bom "ranking show CSV starts with the BOM"
expect "ranking show CSV header" 0 '排名,排名说明,单位代码,单位名称,总分,等级,完成率,本年累计完成投资\(万元\),投资目标\(万元\),同比增速,固定资产投资完成率,同比增速,应报,迟报,缺报,标记,说明,本单位' stdout
expect "ranking show CSV: the tie and this unit" 0 $'^2,并列,chengguan,城关镇人民政府,85\\.20,良好,24\\.04%,6997\\.00,29100\\.00,12\\.30%,51\\.20,34\\.00,13,1,0,季度末位：约谈、项目考核验收未通过：取消评优奖励、有迟报,与 dongguan 并列第2名；项目考核验收未通过，取消评优奖励,是\r$' stdout
expect "ranking show CSV: not applicable" 0 '^2,并列,dongguan,dongguan,85\.20,良好,24\.04%,4808\.00,20000\.00,,51\.12,—,13,0,2,' stdout
expect "ranking show CSV: not ranked" 0 '^,不参与排名,jtj,jtj,,,,1200\.00,,,—,—,0,0,0,未下达投资目标,' stdout
run status
expect "status: this unit's place in the newest result" 0 '^最新考核结果 latest result: 季评比 2026-Q1 本单位 第2名/3（并列） 良好' stdout
run publication list
expect "publication list: the generic view" 0 '  3  季评比  2026-Q1   2026年第1季度重点项目建设评比 +4  2026-04-08 10:00' stdout
run publication show 0000000000000000000000000000b003
expect "publication show: scope in Chinese" 0 '考核类别 scope +季评比' stdout
expect "publication show: time in Beijing time" 0 '发布时间 published-at-ms +2026-04-08 10:00' stdout
run publication add --title x
expect "publications cannot be added on a device" 77 'published by the server \(baosongd assess publish\)'
sql "UPDATE meta SET value = 'zrzyj' WHERE key = 'unit_code'"
run ranking show
expect "ranking show: a unit not assessed is told so" 0 '^本单位 自然资源局 不在本期考核名单中' stdout
expect_not "ranking show: no row is marked" '^▶'
sql "UPDATE meta SET value = 'chengguan' WHERE key = 'unit_code'"

# ---- usage ----
for k in approval monthly stats deal funding problem target leader acceptance; do
	for s in add edit delete list show; do
		run "$k" "$s" --help
		expect "$k $s --help" 0 'Example' stdout
	done
done
run unit list --help
expect "unit list --help" 0 'Example' stdout
run publication list --help
expect "publication list --help" 0 'Example' stdout
for s in "" list show; do
	run ranking $s --help
	expect "ranking $s --help" 0 'Example' stdout
done
run ranking show --help
expect "ranking show --help says what the columns are" 0 '完成率 completion of the investment target' stdout
run ranking frobnicate
expect "ranking: an unknown subcommand is a usage error" 64
run deal frobnicate
expect "unknown subcommand is a usage error" 64
run deal add
expect "add without fields is a usage error" 64 'give the fields'
run deal edit "${D1:0:8}"
expect "edit without fields is a usage error" 64
run deal edit "${D1:0:8}" --partner 某新能源有限公司
expect "an edit that changes nothing queues nothing" 0 '没有变化'
run approval list --overdue --late
expect "--late is for monthly reports" 64

echo "1..$n"
[ "$fails" -eq 0 ]
