#!/usr/bin/env bash
# test_ui_records.sh - the record pages of `baosong ui` over HTTP (curl),
# on the local database alone, no server: 项目库 (list, filters, search,
# marks; the add/edit form, a bad amount refused beside its field with the
# command line's message and the values kept), 周报 (the week's list, the
# form pre-filled from last week, two photos uploaded and a file that is
# not an image refused, thumbnails served by hash from /photo, whether it
# counts as on time), 其他报表 (the kinds this role writes, a list, an
# add/edit form, delete), and that what the pages saved is what the command
# line sees.
#
# Usage: test_ui_records.sh PATH/TO/baosong
# Needs sqlite3 (to make the device look enrolled) and curl; exit 77
# (skipped) without them.
set -u

B=${1:?usage: test_ui_records.sh PATH/TO/baosong}
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 command-line tool not found"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl not found"; exit 77; }

T=$(mktemp -d)
. "$(dirname "$0")/clock.sh"
UI_PID=
cleanup() {
	[ -n "$UI_PID" ] && kill "$UI_PID" 2>/dev/null && wait "$UI_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export BAOSONG_DIR=$T/data
export TZ=Asia/Shanghai LC_ALL=C.UTF-8
mkdir -m 700 "$BAOSONG_DIR"
DB=$BAOSONG_DIR/baosong.db

n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {
	n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"
	echo "  # status $code; body (first 40 lines):"; head -n 40 "$T/body" | sed 's/^/  #   /'
}
# get PATH / post PATH CURL-ARGS...: one request with the session cookie;
# the status in $code, the body in $T/body, the headers in $T/head.
get() {
	code=$(curl -s -m 20 -b "$T/cj" -D "$T/head" -o "$T/body" -w '%{http_code}' "$BASE$1")
}
post() {
	local path=$1; shift
	code=$(curl -s -m 20 -b "$T/cj" -H "Origin: $BASE" -D "$T/head" -o "$T/body" \
		-w '%{http_code}' -F "_csrf=$CSRF" "$@" "$BASE$path")
}
# expect DESC STATUS [PATTERN...]: the last answer had STATUS and its body
# matches every extended regex PATTERN.
expect() {
	local desc=$1 want=$2 p; shift 2
	if [ "$code" != "$want" ]; then fail "$desc (status $code, want $want)"; return; fi
	for p in "$@"; do
		if ! grep -Eq -- "$p" "$T/body"; then fail "$desc (no /$p/)"; return; fi
	done
	pass "$desc"
}
# expect_not DESC PATTERN: the last body does not match PATTERN.
expect_not() {
	if grep -Eq -- "$2" "$T/body"; then fail "$1 (/$2/ found)"; else pass "$1"; fi
}
location() { sed -n 's/^[Ll]ocation: *//p' "$T/head" | tr -d '\r'; }

# A device enrolled as a township's reporter (what `baosong init` stores).
"$B" project list >/dev/null 2>&1
sqlite3 "$DB" "INSERT INTO meta(key, value) VALUES ('server', '127.0.0.1:9'),
  ('server_key', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='), ('device_id', '5'),
  ('unit_id', '42'), ('role', '1'), ('unit_name', '新镇人民政府'), ('unit_code', 'xinzhen');"

# The week of now and the one before, as the pages name them.
THIS_WEEK=$(bj '%G-W%V')
LAST_WEEK=$(bj '%G-W%V' -604800)
# Whether this week's deadline (Friday 12:00 Beijing) has passed: a report
# saved now is then late.
DOW=$(bj '%u'); HM=$(bj '%H%M')
if [ "$DOW" -gt 5 ] || { [ "$DOW" -eq 5 ] && [ "$HM" -ge 1200 ]; }; then
	ONTIME='将记为迟报'
else
	ONTIME='id="ontime-ok"'
fi

# Two projects and last week's report from the command line.
P1=$("$B" project add --name '城关镇污水处理厂<b>扩建' --year 2026 --stage 新开工 --total 12500 \
	--annual 4000.5 --township 城关镇 --leader 张伟 --category 基础设施 2>/dev/null)
P2=$("$B" project add --name 新镇道路 --year 2025 --stage 续建 --total 600 --township 新镇 \
	--leader 李四 2>/dev/null)
P3=$("$B" project add --name 储备项目 --year 2027 --stage 谋划储备 --total 50 2>/dev/null)
"$B" report add --project "$P2" --week "$LAST_WEEK" --period 30 --ytd 310 --total 480 \
	--progress 路基施工 --percent 40 >/dev/null 2>&1

"$B" ui --no-open >"$T/ui.out" 2>"$T/ui.err" &
UI_PID=$!
for _ in $(seq 50); do grep -q 'login?k=' "$T/ui.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'http://[^ ]*login?k=[0-9a-f]*' "$T/ui.out")
BASE=${URL%%/login*}
[ -n "$BASE" ] || { echo "not ok - baosong ui did not start"; cat "$T/ui.err"; exit 1; }
curl -s -m 10 -c "$T/cj" -o /dev/null "$URL"
get /projects
CSRF=$(grep -o 'name="csrf" content="[0-9a-f]*"' "$T/body" | cut -d'"' -f4)

# ---- 项目库 ----
expect "项目库 lists every project, names escaped" 200 '城关镇污水处理厂&lt;b&gt;扩建' \
	'新镇道路' '储备项目' '共 3 个项目，显示 3 个'
expect "项目库 shows the CLI's marks" 200 '≥1亿' '缺佐证' '待发送'
expect_not "no raw markup from a record" '<b>扩建'
get "/projects?stage=4"
expect "filter by stage" 200 '新镇道路' '显示 1 个'
get "/projects?q=%E6%B1%A1%E6%B0%B4"
expect "search by name" 200 '污水处理厂' '显示 1 个'
get "/projects?township=%E6%96%B0%E9%95%87&year=2025"
expect "filter by township and year" 200 '新镇道路' '显示 1 个'
get "/projects?noev=1"
expect "only the projects missing statistics evidence" 200 '显示 2 个'

get /projects/edit
expect "the add form has every field, drop-downs for stage and lead unit" 200 \
	'name="f_name"' 'name="f_code"' 'name="f_total_investment_fen"' \
	'<select id="f-stage" name="f_stage">' '<option value="续建">' 'name="f_contents"' \
	'<datalist id="f-leader-list"><option value="张伟">'
post /projects/edit -F kind=project -F f_name=新建学校 -F f_plan_year=2026 -F f_stage=新开工 \
	-F f_total_investment_fen=12.345 -F f_township=城关镇
expect "a bad amount is refused beside its field with the CLI's message" 422 \
	'<div class="field bad" id="field-total_investment_fen">' \
	'金额应为万元，最多两位小数，如 1234.56' 'value="12.345"' 'value="新建学校"'
post /projects/edit -F kind=project -F f_name=新建学校 -F f_plan_year=2026 -F f_stage=新开工 \
	-F f_total_investment_fen=800 -F f_annual_plan_fen=900 -F f_township=城关镇
expect "a rule of records_validate is shown beside its field too" 422 \
	'<div class="field bad" id="field-annual_plan_fen">' '年度计划投资不能超过总投资'
post /projects/edit -F kind=project -F f_name=新建学校 -F f_plan_year=2026 -F f_stage=新开工 \
	-F f_total_investment_fen=800 -F f_annual_plan_fen=300 -F f_township=城关镇
if [ "$code" = 303 ] && location | grep -Eq '^/projects/edit\?uid=[0-9a-f]{32}&ok=saved$'; then
	pass "a valid project is saved and the browser sent to its form"
else fail "a valid project is saved (303 to its form; got $(location))"; fi
P4=$(location | sed -n 's/.*uid=\([0-9a-f]*\).*/\1/p')
get "$(location)"
expect "the saved form says so and holds the values" 200 '已保存' 'value="800.00"' \
	'<option value="新开工" selected>'
post /projects/edit -F kind=project -F uid="$P4" -F f_name=城关镇污水处理厂\<b\>扩建 \
	-F f_plan_year=2026 -F f_stage=新开工 -F f_total_investment_fen=800 -F f_township=城关镇
get "$(location)"
expect "a project named like another gets the entry warning after saving" 200 \
	'notice warn' '提醒'
"$B" project list >"$T/cli" 2>&1
if grep -q '城关镇污水处理厂<b>扩建' "$T/cli" && [ "$(grep -c '800.00' "$T/cli")" = 1 ]; then
	pass "the command line sees the project the page saved"
else rc=1; code=-; cp "$T/cli" "$T/body"; fail "the command line sees the project"; fi

# ---- 周报 ----
get /weekly
expect "周报 lists this week's report of each project that owes one" 200 \
	"$THIS_WEEK 周报截止时间" '新镇道路' '尚未填报' "/weekly/edit\\?project=$P2"
expect_not "a project in reserve owes no report" '储备项目'
get "/weekly?week=$LAST_WEEK"
expect "an earlier week shows its report" 200 '310.00' '路基施工'
get "/weekly/edit?project=$P2"
expect "the form is pre-filled from last week" 200 "已按 $LAST_WEEK 的周报预填" \
	'value="310.00"' '路基施工' "value=\"$THIS_WEEK\"" 'id="ontime"' \
	'没有现场照片' 'type="file" id="f-photos" name="photos" multiple'
python3 - "$T" <<'EOF'
import struct, sys, zlib
def png(w, h, rgb):
    raw = b''.join(b'\x00' + bytes(rgb) * w for _ in range(h))
    c = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
    return (b'\x89PNG\r\n\x1a\n' + c(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + c(b'IDAT', zlib.compress(raw)) + c(b'IEND', b''))
open(sys.argv[1] + '/site1.png', 'wb').write(png(64, 48, (200, 60, 40)))
open(sys.argv[1] + '/site2.png', 'wb').write(png(48, 64, (40, 120, 200)))
open(sys.argv[1] + '/notes.txt', 'wb').write(b'not a photo\n')
EOF
WF=(-F f_project_uid="$P2" -F f_period="$THIS_WEEK" -F f_invested_period_fen=20
	-F f_invested_ytd_fen=330 -F f_invested_total_fen=500 -F f_progress=路面铺设
	-F f_progress_percent=55)
post /weekly/edit "${WF[@]}" -F photos=@"$T/site1.png" -F photos=@"$T/notes.txt"
expect "a file that is not an image is refused with a message" 422 \
	'「notes.txt」不是照片' 'value="330"'
post /weekly/edit -F f_project_uid="$P2" -F f_period="$THIS_WEEK" -F f_invested_ytd_fen=3x0
expect "a bad amount in the weekly form is refused beside its field" 422 \
	'<div class="field bad" id="field-invested_ytd_fen">' '金额应为万元'
post /weekly/edit "${WF[@]}" -F photos=@"$T/site1.png" -F photos=@"$T/site2.png"
if [ "$code" = 303 ] && location | grep -Eq '^/weekly/edit\?uid=[0-9a-f]{32}&ok=saved$'; then
	pass "the report with two photos is saved"
else fail "the report with two photos is saved (got $(location))"; fi
W1=$(location | sed -n 's/.*uid=\([0-9a-f]*\).*/\1/p')
get "$(location)"
expect "its form shows two thumbnails and whether it counts as on time" 200 '已保存' \
	'alt="现场照片 2"' "$ONTIME"
H1=$(grep -o '/photo?h=[0-9a-f]\{64\}' "$T/body" | head -n 1)
code=$(curl -s -m 10 -b "$T/cj" -o "$T/photo" -D "$T/head" -w '%{http_code}' "$BASE$H1")
if [ "$code" = 200 ] && grep -qi '^content-type: image/png' "$T/head" &&
	{ cmp -s "$T/photo" "$T/site1.png" || cmp -s "$T/photo" "$T/site2.png"; }; then
	pass "/photo serves the stored photo by its hash, as image/png"
else fail "/photo serves the photo"; fi
get "/photo?h=$(printf '%064d' 0)"
expect "/photo of a hash this device does not hold is 404" 404 '本机还没有这张照片'
get "/photo?h=../../etc/passwd"
expect "/photo refuses anything but a hash" 400
get "/weekly/edit?project=$P2"
if [ "$code" = 303 ] && location | grep -q "uid=$W1"; then
	pass "a second report for the same week opens the first one"
else fail "a second report for the same week opens the first (got $(location))"; fi
get /weekly
expect "周报 now shows the report with its thumbnails" 200 '330.00' 'class="thumbs"'
"$B" report list >"$T/cli" 2>&1
if grep -E "$THIS_WEEK" "$T/cli" | grep -q '330.00.* 2 '; then
	pass "the command line sees the report with two photos"
else code=-; cp "$T/cli" "$T/body"; fail "the command line sees the report"; fi
# Taking one photo off: the box beside its thumbnail.
get "/weekly/edit?uid=$W1"
expect "each photo has a box to take it off" 200 'name="drop_photo" value="[0-9a-f]{64}"'
post /weekly/edit -F uid="$W1" "${WF[@]}" -F drop_photo="${H1#/photo?h=}"
get "$(location)"
expect "the report keeps the other photo" 200 '已保存' 'alt="现场照片 1"'
expect_not "and only that one" 'alt="现场照片 2"'
"$B" report list >"$T/cli" 2>&1
if grep -E "$THIS_WEEK" "$T/cli" | grep -q '330.00.* 1 '; then
	pass "the command line sees the report with one photo"
else code=-; cp "$T/cli" "$T/body"; fail "the command line sees one photo"; fi
if ls -A "$BAOSONG_DIR" | grep -q '^\.upload-'; then
	code=-; ls -A "$BAOSONG_DIR" >"$T/body"; fail "no temporary upload is left behind"
else pass "no temporary upload is left behind"; fi

# ---- 其他报表 ----
get /kinds
expect "其他报表 lists the kinds a reporter writes" 200 '月报' '问题清单' '前期手续'
expect_not "not the ones an administrator writes" 'kind=target'
get "/kinds/list?kind=target"
expect "a kind this role may not write is not offered" 404
get "/kinds/edit?kind=monthly_report"
expect "a monthly report form, projects as a drop-down" 200 \
	'<select id="f-project_uid" name="f_project_uid">' 'name="f_period"'
MF=(-F kind=monthly_report -F f_project_uid="$P1" -F f_invested_period_fen=300
	-F f_invested_ytd_fen=2100 -F f_invested_total_fen=5200 -F f_progress=主体封顶)
post /kinds/edit "${MF[@]}" -F f_period=2026-13
expect "a bad month is refused beside its field" 422 '<div class="field bad" id="field-period">'
post /kinds/edit "${MF[@]}" -F f_period=2026-10
if [ "$code" = 303 ] && location | grep -q '^/kinds/edit?kind=monthly_report&uid='; then
	pass "a monthly report is saved"
else fail "a monthly report is saved (got $(location))"; fi
M1=$(location | sed -n 's/.*uid=\([0-9a-f]*\).*/\1/p')
post /kinds/edit "${MF[@]}" -F uid="$M1" -F f_period=2026-10 -F f_progress_percent=70
get "/kinds/list?kind=monthly_report"
expect "the list shows the edited report" 200 '2026-10' '70' 'kind=monthly_report&amp;uid='
post /kinds/delete -F kind=monthly_report -F uid="$M1"
if [ "$code" = 303 ] && location | grep -q 'ok=deleted'; then pass "delete from the form"
else fail "delete from the form (got $(location))"; fi
"$B" monthly list >"$T/cli" 2>&1
if grep -q '^共 0 ' "$T/cli"; then pass "the command line sees it deleted"
else code=-; cp "$T/cli" "$T/body"; fail "the command line sees it deleted"; fi

# ---- safety ----
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$BASE/projects")
if [ "$code" = 403 ]; then pass "no cookie, no page"; else fail "no cookie, no page"; fi
code=$(curl -s -m 10 -b "$T/cj" -o /dev/null -w '%{http_code}' -F kind=project \
	-F f_name=x "$BASE/projects/edit")
if [ "$code" = 403 ]; then pass "a POST without the CSRF token is refused"
else fail "a POST without the CSRF token is refused"; fi

echo "1..$n"
[ "$fails" -eq 0 ]
