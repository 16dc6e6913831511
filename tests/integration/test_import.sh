#!/usr/bin/env bash
# test_import.sh - baosong import on the local database alone, no server:
# the plan table and a weekly batch as Excel/WPS save them (UTF-8 with and
# without BOM, GB18030 with characters outside GBK), every bad row named
# by its line, all or nothing without --partial, duplicates skipped.
#
# Usage: test_import.sh PATH/TO/baosong PATH/TO/tests/data
# Needs sqlite3 (to make the device look enrolled) and iconv (to make the
# GB18030 files from the UTF-8 ones); exit 77, skipped, without them.
set -u

B=${1:?usage: test_import.sh PATH/TO/baosong DATA_DIR [PATH/TO/xlsx_fixture]}
DATA=${2:?usage: test_import.sh PATH/TO/baosong DATA_DIR [PATH/TO/xlsx_fixture]}
XF=${3:-}
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 command-line tool not found"; exit 77; }
command -v iconv >/dev/null || { echo "SKIP: iconv not found"; exit 77; }

T=$(mktemp -d)
. "$(dirname "$0")/clock.sh"
trap 'rm -rf "$T"' EXIT
export TZ=Asia/Shanghai LC_ALL=C.UTF-8

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
# check DESC COMMAND...: a shell test.
check() {
	local desc=$1; shift
	if "$@"; then pass "$desc"; else rc=0; fail "$desc"; fi
}

# device NAME: a fresh data directory that looks enrolled (what `baosong
# init` stores), made the current one.
device() {
	export BAOSONG_DIR=$T/$1
	mkdir -m 700 "$BAOSONG_DIR"
	"$B" project list >/dev/null 2>&1 # creates the database
	sqlite3 "$BAOSONG_DIR/baosong.db" "INSERT INTO meta(key, value) VALUES
	  ('server', '127.0.0.1:9'), ('server_key', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='),
	  ('device_id', '5'), ('unit_id', '42'), ('role', '1'), ('unit_name', '城关镇人民政府'),
	  ('unit_code', 'CG');"
}
ops() { sqlite3 "$BAOSONG_DIR/baosong.db" "SELECT COUNT(*) FROM outbox"; }
expect_ops() {
	local got; got=$(ops)
	if [ "$got" = "$2" ]; then pass "$1"; else rc=0; fail "$1 (outbox has $got, want $2)"; fi
}
# The projects as `project list --csv` shows them, without the random ids,
# in a fixed order; and the stored protobuf of every project.
projects_csv() { "$B" project list --csv | sed 's/^[0-9a-f]\{32\},//' | LC_ALL=C sort; }
projects_data() {
	sqlite3 "$BAOSONG_DIR/baosong.db" \
		"SELECT hex(data) FROM record WHERE kind = 'project' ORDER BY hex(data)"
}

PLAN=$DATA/import_plan.csv
PLAN_BOM=$DATA/import_plan_bom.csv
WEEKLY=$DATA/import_weekly.csv
# GB18030 (what Chinese Windows saves), made here so that no binary file is
# committed.  The plan names a township 㙟头镇 and a leader 李𡈽: neither
# character is in GBK, so this is real GB18030 (four-byte sequences).
iconv -f UTF-8 -t GB18030 "$PLAN" >"$T/plan_gb.csv"
iconv -f UTF-8 -t GB18030 "$WEEKLY" >"$T/weekly_gb.csv"
check "the plan needs GB18030, not just GBK" \
	bash -c "! iconv -f UTF-8 -t GBK '$PLAN' >/dev/null 2>&1"
check "the GB18030 plan is not valid UTF-8" \
	bash -c "! iconv -f UTF-8 -t UTF-8 '$T/plan_gb.csv' >/dev/null 2>&1"

# ---- before enrolment ----
export BAOSONG_DIR=$T/none
mkdir -m 700 "$BAOSONG_DIR"
run import "$PLAN"
expect "import before init says to run baosong init, exit 66" 66 'baosong init'

# ---- the plan table, UTF-8 without BOM ----
device utf8
run import "$PLAN"
expect "plan table imported" 0 '读取 read 10, 入队 queued 10, 跳过 skipped 0, 拒绝 refused 0' stdout
expect "found to be UTF-8" 0 '\(UTF-8\)' stdout
expect "序号 and 备注 listed as ignored" 0 '忽略的列 ignored columns: 序号, 备注' stdout
expect_ops "ten projects queued" 10
run project list
expect "Chinese name survives" 0 '城关镇污水处理厂扩建工程' stdout
expect "thousands separators read (1,200,000.00)" 0 '清洁能源装备制造基地 .* 1200000\.00 +150000\.00' stdout
expect "amount with 万元 suffix read" 0 '乡村振兴示范村建设 .* 800\.00 +500\.00' stdout
expect "投产/运营 read as a stage" 0 '县中心医院门诊综合楼 +投产/运营' stdout
run project list --csv
expect "quoted name with a comma kept" 0 '"文旅融合古镇保护, 一期"' stdout
expect "doubled quotes read" 0 '"实施""一河一策""治理, 清淤8公里"' stdout
expect "a line break inside a cell kept" 0 '"一期：育种研发中心、检测中心$' stdout
expect "YYYY/M/D and YYYY/MM/DD dates" 0 ',2025-04-01,2027-03-31,' stdout
expect "YYYY.MM.DD dates" 0 ',2025-04-15,2027-12-31,' stdout
expect "YYYY年M月D日 dates" 0 ',2025-03-01,2025-11-30,' stdout
expect "YYYY-MM means the 1st" 0 ',2025-05-01,2025-12-01,' stdout
projects_csv >"$T/list_utf8"
projects_data >"$T/data_utf8"

# Again: every row is the same as a record already here.
run import "$PLAN"
expect "importing the same file again skips every row" 0 '入队 queued 0, 跳过 skipped 10, 拒绝 refused 0' stdout
expect_ops "nothing more queued" 10

# A row that differs from the project with its code is refused.
sed 's/,新开工,"新建污水管网/,续建,"新建污水管网/' "$PLAN" >"$T/plan_changed.csv"
run import "$T/plan_changed.csv"
expect "a changed project is refused, naming the line and the column" 65 \
	'^第 3 行 line 3: code: .*exists already .*项目阶段.*stage differs'
expect "... and nothing is queued" 65 '入队 queued 0, 跳过 skipped 9, 拒绝 refused 1' stdout
expect_ops "outbox unchanged" 10

# ---- the weekly batch ----
run import "$WEEKLY"
expect "weekly batch detected from the header and imported" 0 \
	'周报 weekly reports .*读取 read 4, 入队 queued 4' stdout
expect_ops "four reports queued" 14
run report list
expect "report found by code" 0 '城关镇污水处理厂扩建工程 +2025-W10 +120\.00 +1860\.50 +2300\.00 +45%' stdout
expect "report found by name, week from a date (2025/3/5)" 0 '县城区道路提升改造 +2025-W10 +300\.00' stdout
expect "full-width percent sign read" 0 '清洁能源装备制造基地 +2025-W11 .* 60%' stdout
run report list --csv
expect "multi-line progress kept" 0 '"育种研发中心封顶$' stdout
run import "$WEEKLY"
expect "the same reports again are skipped" 0 '入队 queued 0, 跳过 skipped 4' stdout
run import "$WEEKLY" --kind project
expect "--kind project on a weekly file: the missing columns named" 65 '缺少「计划年度」列 no plan_year column'
expect_ops "still fourteen" 14

# ---- bad rows: every one reported with its line; all or nothing ----
BAD=$DATA/import_plan_bad.csv
run import "$BAD"
expect "bad plan refused, exit 65" 65 '读取 read 9, 入队 queued 0, 跳过 skipped 0, 拒绝 refused 7' stdout
expect "negative money (line 3)" 65 '^第 3 行 line 3: total_investment: 金额不能为负数'
expect "annual above total (line 4)" 65 '^第 4 行 line 4: annual_plan: 年度计划投资不能超过总投资'
expect "end before start (line 5)" 65 '^第 5 行 line 5: end_date: 计划竣工日期早于计划开工日期'
expect "unknown stage (line 6)" 65 '^第 6 行 line 6: stage: 未知的项目阶段.*开挖'
expect "malformed quote (line 7)" 65 '^第 7 行 line 7: csv: .*quote inside unquoted field 4'
expect "line break in a name (line 8, cell spans 8-9)" 65 '^第 8 行 line 8: name: .*line break'
expect "line numbers stay right after a two-line cell (line 11)" 65 '^第 11 行 line 11: start_date: 没有这一天'
check "the good rows are not reported" bash -c "! grep -Eq '第 (2|10) 行' '$T/err'"
expect "says how to go on" 65 'nothing queued: 7 rows are bad.*--partial to queue the 2 good ones' stdout
expect_ops "nothing queued without --partial" 14
run import "$BAD" --dry-run
expect "--dry-run says nothing would be queued as it is" 65 \
	'dry run: nothing queued; as it is, nothing would be: 7 rows are bad \(--partial would queue the 2 good ones\)' stdout
run import "$BAD" --dry-run --partial
expect "--dry-run --partial reports too" 65 'dry run: nothing queued \(2 would be\)' stdout
expect_ops "nothing queued by a dry run" 14
run import "$BAD" --partial
expect "--partial queues the good rows, exit 65" 65 '入队 queued 2, 跳过 skipped 0, 拒绝 refused 7' stdout
expect "--partial still reports the bad ones" 65 '^第 3 行 line 3: total_investment'
expect_ops "two good rows queued" 16
run project list
expect "good row queued" 0 '好项目丙' stdout
check "bad row not queued" bash -c "! grep -q 负投资项目 '$T/out'"

WBAD=$DATA/import_weekly_bad.csv
run import "$WBAD"
expect "bad weekly batch refused" 65 '读取 read 5, 入队 queued 0, 跳过 skipped 0, 拒绝 refused 4' stdout
expect "report for a future week (line 3)" 65 '^第 3 行 line 3: period: 该报告周期尚未开始'
expect "report for an unknown project (line 4)" 65 '^第 4 行 line 4: project: .*no such project.*999999'
expect "period above year-to-date (line 5)" 65 '^第 5 行 line 5: invested_period: 本期完成投资不能超过本年累计'
expect "percent not a number (line 6)" 65 '^第 6 行 line 6: progress_percent: '
expect_ops "no report queued" 16

# ---- UTF-8 with BOM and CRLF (Excel's "CSV UTF-8") ----
device bom
run import "$PLAN_BOM"
expect "BOM + CRLF plan imported" 0 '\(UTF-8 \(BOM\)\): 读取 read 10, 入队 queued 10' stdout
projects_csv >"$T/list_bom"
projects_data >"$T/data_bom"
check "BOM plan: the same projects as without BOM (project list --csv)" cmp -s "$T/list_utf8" "$T/list_bom"
check "BOM plan: the same stored records" cmp -s "$T/data_utf8" "$T/data_bom"

# ---- GB18030 ----
device gb
run import "$T/plan_gb.csv" --dry-run
expect "--dry-run on GB18030" 0 'dry run: nothing queued \(10 would be\)' stdout
expect_ops "a dry run queues nothing" 0
run import "$T/plan_gb.csv"
expect "GB18030 detected and imported" 0 '\(GB18030\): 读取 read 10, 入队 queued 10' stdout
projects_csv >"$T/list_gb"
projects_data >"$T/data_gb"
check "GB18030 plan: the same projects as UTF-8 (project list --csv)" cmp -s "$T/list_utf8" "$T/list_gb"
check "GB18030 plan: the same stored records" cmp -s "$T/data_utf8" "$T/data_gb"
run project list --township 㙟头镇
expect "a character outside GBK survives (㙟)" 0 '现代种子产业园' stdout
run project list --leader 李𡈽
expect "a character outside the BMP survives (𡈽)" 0 '现代种子产业园' stdout
run import "$T/weekly_gb.csv" --encoding gb18030
expect "GB18030 weekly batch with --encoding gb18030" 0 '\(GB18030\): 读取 read 4, 入队 queued 4' stdout

device forced
run import "$T/plan_gb.csv" --encoding utf-8
expect "--encoding utf-8 on a GB18030 file fails, naming the line" 65 \
	'^baosong: 第 1 行 line 1: 不是有效的 UTF-8 文本 is not valid UTF-8.*--encoding gb18030'
expect_ops "nothing queued" 0
run import "$PLAN" --encoding gb18030
expect "--encoding gb18030 on a UTF-8 file refused" 65 'not valid GB18030'
expect_ops "nothing queued" 0

# A file that is neither: bytes valid in neither encoding on line 3.
printf '项目名称,计划年度,项目阶段,总投资\n好,2025,前期,1\n\x80\x80坏,2025,前期,1\n' >"$T/neither.csv"
run import "$T/neither.csv"
expect "neither UTF-8 nor GB18030: the lines named" 65 'neither valid UTF-8 \(line 3\) nor GB18030/GBK \(line 1\)'

# ---- 牵头单位 once the server's unit records are here: a code, or a name
# turned into its code ----
device units
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
unit() { # CODE NAME UNIT_ID: a UnitInfo record as pull stores it
	local c n
	c=$(hex "$1"); n=$(hex "$2")
	sqlite3 "$BAOSONG_DIR/baosong.db" "INSERT INTO record(uid, kind, unit_id, rev, updated_at,
	  data, attachments) VALUES ('$(printf '%032d' "$3")', 'unit', $3, 1, 0,
	  X'0a$(printf '%02x' $((${#c} / 2)))${c}12$(printf '%02x' $((${#n} / 2)))${n}', X'')"
}
unit sw 县水务局 7
unit gx 县工信局 8
printf '项目名称,计划年度,项目阶段,总投资,牵头单位\nA,2025,前期,1,县水务局\nB,2025,前期,1,gx\nC,2025,前期,1,县不存在局\n' >"$T/units.csv"
run import "$T/units.csv" --partial
expect "an unknown lead unit is refused" 65 '^第 4 行 line 4: lead_unit: 找不到单位「县不存在局」'
expect "... the others queued" 65 '入队 queued 2' stdout
run project list --csv
expect "a lead unit's name becomes its code" 0 '^[0-9a-f]{32},A,.*,sw,' stdout
expect "a lead unit's code is kept" 0 '^[0-9a-f]{32},B,.*,gx,' stdout


# ---- a plan table as counties keep it: 建设性质 (its own field), 建设地点,
# 建设规模及主要内容, YYYY年计划投资 next to 计划投资 (the first used, said),
# 1-N月完成投资 (recognised, not a project's), 责任领导, 牵头单位/责任单位 by
# name, leniently (交通运输局 = 县交通运输局, 城关镇 = 城关镇人民政府) or through
# the bureau's alias table (县发改局) -- in UTF-8, GB18030 and XLSX ----
REAL=$DATA/import_plan_real.csv
iconv -f UTF-8 -t GB18030 "$REAL" >"$T/real_gb.csv"
realunits() {
	unit jtj 县交通运输局 11
	unit cg 城关镇人民政府 12
	unit fgj 县发展和改革局 13
	unit xz 新镇 14
}
# field 20 (建设性质) and 21 (建设地点) of a stored project, as hex
tagged() { printf '%s%02x%s' "$1" $(( $(printf '%s' "$2" | wc -c) )) "$(hex "$2")" | tr a-f A-F; }
real_checks() { # WHAT
	local db=$BAOSONG_DIR/baosong.db
	expect "$1: both rows queued" 0 '读取 read 2, 入队 queued 2' stdout
	expect "$1: the duplicate plan column is named, not refused" 0 \
		'「年度计划投资」用第 7 列「2026年计划投资（万元）」，不用第 8 列「计划投资」'
	expect "$1: ignored columns named" 0 '忽略的列 ignored columns: 「序号」「计划投资」「资金来源」「备注」'
	expect "$1: 1-N月完成投资 recognised" 0 '「1-10月完成投资（万元）」是进度数据'
	check "$1: 建设性质 is its own field (20), not 项目类别" \
		test "$(sqlite3 "$db" "SELECT COUNT(*) FROM record WHERE kind = 'project' AND
		  instr(hex(data), '$(tagged A201 改建)') > 0")" = 1
	check "$1: 建设地点 is its own field (21)" \
		test "$(sqlite3 "$db" "SELECT COUNT(*) FROM record WHERE kind = 'project' AND
		  instr(hex(data), '$(tagged AA01 城关镇东关街)') > 0")" = 1
	run project list --csv
	expect "$1: 牵头单位 by a lenient name (交通运输局 -> jtj)" 0 '县城供水管网改造工程,.*,jtj,' stdout
	expect "$1: 牵头单位 through the alias table (县发改局 -> fgj)" 0 '现代农业产业园,.*,fgj,' stdout
	expect "$1: 2026年计划投资 and the dates read" 0 \
		'县城供水管网改造工程,.*12500\.00,4000\.50,.*,2026-03-01,2027-06-30' stdout
	expect "$1: 责任领导 read as 包抓领导" 0 '县城供水管网改造工程,.*张伟' stdout
	check "$1: 责任单位 after the lead unit (城关镇 -> cg)" \
		test "$(sqlite3 "$db" "SELECT COUNT(*) FROM record WHERE kind = 'project' AND
		  instr(hex(data), '$(tagged 9201 cg)') > 0")" = 1
}
device real_utf8
realunits
printf '别名,单位代码\n县发改局,fgj\n' >"$BAOSONG_DIR/unit_aliases.csv"
run import "$REAL"
real_checks "UTF-8 CSV"
device real_gb
realunits
printf '县发改局,fgj\n' >"$T/aliases.csv"
run import "$T/real_gb.csv" --aliases "$T/aliases.csv"
expect "GB18030 CSV read as GB18030" 0 '\(GB18030\)' stdout
real_checks "GB18030 CSV (--aliases)"
if [ -n "$XF" ]; then
	"$XF" "$T/real.xlsx" || fail "xlsx_fixture"
	device real_xlsx
	realunits
	printf '县发改局,fgj\n' >"$BAOSONG_DIR/unit_aliases.csv"
	run import "$T/real.xlsx"
	expect "XLSX read directly" 0 '\(XLSX\)' stdout
	real_checks "XLSX"
	# a damaged workbook: a message, not a crash
	head -c 2000 "$T/real.xlsx" >"$T/cut.xlsx"
	run import "$T/cut.xlsx"
	expect "a damaged .xlsx is refused with why" 65 'xlsx|工作簿'
fi
# Without the alias line, 县发改局 is not found; the message says how to fix it.
device real_noalias
realunits
run import "$REAL" --partial
expect "an unknown unit name: the alias table is named" 65 '找不到单位「县发改局」.*unit_aliases.csv'
expect "... the refused count counts rows" 65 '拒绝 refused 1$' stdout
# Two bad cells in one row: one refused row.
printf '项目名称,计划年度,项目阶段,总投资\nA,20x5,前期,abc\nB,2025,前期,1\n' >"$T/twobad.csv"
run import "$T/twobad.csv" --partial
expect "two bad cells of one row count one refused row" 65 '读取 read 2, 入队 queued 1, 跳过 skipped 0, 拒绝 refused 1$' stdout

# ---- another kind by its fields' names (--kind approval): projects by name, 层级 and
# 状态 by their Chinese labels, dates as people write them ----
export BAOSONG_DIR=$T/real_utf8
printf '项目名称,手续事项,审批层级,办结时限,办理状态,办结日期,备注\n县城供水管网改造工程,用地预审,县级,2026-05-30,办理中,,\n现代农业产业园,环评,市级,2026/6/30,已办结,2026年6月1日,\n没有的项目,环评,市级,2026/6/30,已办结,2026年6月1日,\n' >"$T/approvals.csv"
run import "$T/approvals.csv" --kind approval --partial
expect "approvals import: a row per item, an unknown project refused" 65 \
	'前期手续 approval .*读取 read 3, 入队 queued 2, 跳过 skipped 0, 拒绝 refused 1' stdout
expect "... the unknown project named" 65 '^第 4 行 line 4: project_uid: 本机没有这个项目'
run approval list --csv
expect "approvals: the fields as written" 0 '环评,市级,2026-06-30,已办结,2026-06-01' stdout

# ---- targets (目标责任书) from CSV: units by name, 2026年第二季度, 15%; a second
# import of the same unit and period replaces the target ----
device targets
realunits
sqlite3 "$BAOSONG_DIR/baosong.db" "UPDATE meta SET value = '5' WHERE key = 'role'"
printf '目标责任书,,,,\n单位,考核期间,固定资产投资任务（万元）,同比增长目标,新开工项目数\n县交通运输局,2026,"29,100",15%%,6\n城关镇,2026年第二季度,8450,7.5,2\n' >"$T/targets.csv"
run import "$T/targets.csv"
expect "targets import (detected from the header)" 0 '目标任务 targets .*读取 read 2, 入队 queued 2' stdout
run target list --csv
expect "a target by unit name, year, 万元 and %" 0 'jtj,2026,29100\.00,15' stdout
expect "a quarter written in Chinese" 0 'cg,2026-Q2,8450\.00,7\.5' stdout
printf '单位,考核期间,固定资产投资任务\njtj,2026,30000\n' >"$T/targets2.csv"
run import "$T/targets2.csv" --kind target
expect "a second target for the same unit and period replaces it" 0 '更新了本机已有' stdout
run target list --csv
expect "... with the new figure" 0 'jtj,2026,30000\.00' stdout

# ---- malformed files ----
device malformed
printf '项目名称,计划年度,项目阶段,总投资\n好,2025,前期,1\n"没有结束,2025,前期,1\n好2,2025,前期,1\n' >"$T/open.csv"
run import "$T/open.csv"
expect "a quote never closed stops the import, naming its line" 65 \
	'第 3 行 line 3: csv: .*quote opened on line 3 .*never closed'
expect "... and queues nothing" 65 'nothing queued'
expect_ops "nothing queued" 0
printf '\xff\xfea\x00,\x00b\x00\n\x00' >"$T/utf16.csv"
run import "$T/utf16.csv"
expect "UTF-16 refused with advice" 65 'UTF-16'
printf '\n\n' >"$T/empty.csv"
run import "$T/empty.csv"
expect "a file without a header" 65 'no header row'
printf '名称,总投资(亿元),计划年度,阶段\nx,1,2025,前期\n' >"$T/yi.csv"
run import "$T/yi.csv"
expect "money in 亿元 refused at the header" 65 'must be in 万元'
printf 'name,total,year,stage,total_investment\nx,1,2025,reserve,1\n' >"$T/dup.csv"
run import "$T/dup.csv"
expect "two columns for one field: the first used, the choice said" 0 'total_investment: column 2 is used, column 5 is not'
# English headers, a blank row, a short row.
printf 'Name,Year,Stage,Total,Annual,Start\r\nRoad A,2025,new_start,"1,000",100,2025-01-01\r\n,,,,,\r\nRoad B,2025,reserve,5\r\n' >"$T/en.csv"
run import "$T/en.csv"
expect "English headers; blank row skipped; short row filled with empty cells" 0 \
	'读取 read 2, 入队 queued 2' stdout
truncate -s 33M "$T/huge.csv"
run import "$T/huge.csv"
expect "a file over 32 MiB refused" 65 'larger than 32 MiB'
run import "$T/missing.csv"
expect "a missing file exits 66" 66 'cannot open'
run import "$T"
expect "a directory refused" 65 'not a regular file'

# ---- usage ----
run import --help
expect "--help" 0 'Example' stdout
run import
expect "no file is a usage error" 64 'give one CSV file'
run import "$PLAN" --kind frob
expect "bad --kind is a usage error" 64 '--kind'
run import "$PLAN" --encoding latin1
expect "bad --encoding is a usage error" 64 '--encoding'

echo "1..$n"
[ "$fails" -eq 0 ]
