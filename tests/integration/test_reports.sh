#!/usr/bin/env bash
# test_reports.sh - the output writers end to end: report_fixture writes
# the CSV, the XLSX (three publications and the plan table) and the HTML
# page for a county's hundred units; this reads the CSV bytes, opens the
# XLSX with python3's zipfile, and renders the HTML in headless Chromium
# (a DOM dump and a screenshot), with no network: Chromium runs in an empty
# network namespace when `unshare -rn` works here, and is told not to reach
# out in any case.
#
#   bash tests/integration/test_reports.sh path/to/report_fixture
#
# Chromium is required (scripts/setup installs the Debian package
# `chromium`); without it the test fails, unless BS_SKIP_BROWSER=1, which
# skips the browser part (exit 77) after the other checks pass.  BS_CHROMIUM
# names another browser binary.  Works in a mktemp -d directory, removed at
# the end.  Exits non-zero on the first failed check, saying which.
set -euo pipefail

FIX=${1:?usage: test_reports.sh path/to/report_fixture}
case $FIX in /*) ;; *) FIX=$(pwd)/$FIX ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/bs-reports-XXXXXX")
. "$(dirname "$0")/clock.sh"
trap 'rm -rf "$T"' EXIT INT TERM
OUT=$T/out
UNITS=100

fail() {
	echo "FAIL: $*" >&2
	if [ -s "$T/log" ]; then
		echo "--- last output:" >&2
		tail -n 40 "$T/log" >&2
	fi
	exit 1
}

command -v python3 >/dev/null 2>&1 || fail "python3 is missing: scripts/setup installs it"

# --- the fixture writes the three forms (and refuses to overwrite the XLSX) ---
mkdir -p "$OUT"
"$FIX" "$OUT" "$UNITS" >"$T/log" 2>&1 || fail "report_fixture failed"
for f in ranking.csv report.xlsx report.html; do
	[ -s "$OUT/$f" ] || fail "report_fixture did not write $f"
done
leftover=$(find "$OUT" -name '*.tmp' | wc -l)
[ "$leftover" -eq 0 ] || fail "temporary files left behind in $OUT"
echo "ok - fixture wrote ranking.csv, report.xlsx, report.html"

# --- CSV: BOM, Chinese header, CRLF, a row per unit ---
python3 - "$OUT/ranking.csv" "$UNITS" <<'EOF' >"$T/log" 2>&1 || fail "CSV check: $(tail -n 1 "$T/log")"
import sys
data = open(sys.argv[1], 'rb').read()
units = int(sys.argv[2])
assert data.startswith(b'\xef\xbb\xbf'), 'no UTF-8 BOM'
text = data[3:].decode('utf-8')
assert text.endswith('\r\n'), 'last line does not end in CRLF'
assert '\n' not in text.replace('\r\n', ''), 'a line break that is not CRLF'
lines = text.split('\r\n')[:-1]
assert lines[0].startswith('排名,单位代码,单位名称,总分,等级,投资完成率,'), 'header: ' + lines[0]
assert lines[0].endswith(',应报,迟报,缺报,标记,说明'), 'header end: ' + lines[0]
assert len(lines) == units + 1, 'rows: %d' % (len(lines) - 1)
assert any('（并列）' in l for l in lines), 'no tied rank'
assert any(l.startswith('不参与排名,') for l in lines), 'no unranked unit'
assert any(',"南关<街道>&""社区\'",' in l for l in lines), 'quoted name missing'
print('csv ok')
EOF
echo "ok - CSV: BOM, header, CRLF, $UNITS rows, ties, quoting"

# --- XLSX: a zip with the sheets and the shared strings ---
python3 - "$OUT/report.xlsx" "$UNITS" <<'EOF' >"$T/log" 2>&1 || fail "XLSX check: $(tail -n 1 "$T/log")"
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
units = int(sys.argv[2])
bad = z.testzip()
assert bad is None, 'corrupt member ' + str(bad)
names = z.namelist()
for m in ('[Content_Types].xml', 'xl/workbook.xml', 'xl/sharedStrings.xml', 'xl/styles.xml'):
    assert m in names, m + ' missing'
wb = z.read('xl/workbook.xml').decode('utf-8')
sheets = re.findall(r'<sheet [^>]*name="([^"]*)"', wb)
want = ['2026年4月通报', '2026年第1季度评比', '2026年4月通报（2）', '重点建设项目计划表']
assert sheets == want, 'sheets: %r' % sheets
for s in sheets:
    assert len(s) <= 31 and not re.search(r'[\[\]:*?/\\]', s), 'bad sheet name ' + s
ss = z.read('xl/sharedStrings.xml').decode('utf-8')
for s in ('重点建设项目计划表', '2026年重点建设项目计划表', '金鸡社区', '城关镇',
          '南关&lt;街道&gt;&amp;"社区\'', '县城供水管网改造工程', '续建', '合计（5 个项目）',
          '不参与排名', '投资完成率', '本年累计完成(万元)'):
    assert s in ss, 'sharedStrings lacks ' + s
# numbers are numbers: the plan's totals in 万元, the rate as a fraction
plan = z.read('xl/worksheets/sheet4.xml').decode('utf-8')
for v in ('<v>79225</v>', '<v>27780</v>', '<v>13700</v>'):
    assert v in plan, 'plan totals lack ' + v
styles = z.read('xl/styles.xml').decode('utf-8')
assert 'formatCode="0.00%"' in styles and 'formatCode="0.00"' in styles, 'number formats'
month = z.read('xl/worksheets/sheet1.xml').decode('utf-8')
assert 'state="frozen"' in month, 'header not frozen'
assert '<mergeCell ref="A1:' in month, 'title not merged'
# the 全县 row: SUM formulas with their values; the completion their ratio
assert '全县' in ss, 'no 全县 row'
sums = re.findall(r'<f>SUM\(([A-Z]+)4:\1(\d+)\)</f><v>([^<]*)</v>', month)
assert len(sums) >= 5, 'ranking totals are not SUM formulas: %r' % sums[:3]
assert all(int(last) == 3 + units for _, last, _ in sums), 'SUM ranges: %r' % sums
assert re.search(r'<f>IF\([A-Z]+\d+&gt;0,[A-Z]+\d+/[A-Z]+\d+,""\)</f>', month), 'no ratio'
# numbers that do not apply are blank cells, never the text "—"
sis = re.findall(r'<si>(.*?)</si>', ss, re.S)
dash = [str(i) for i, t in enumerate(sis) if re.sub(r'<[^>]+>', '', t) == '—']
for sheet in (month, plan):
    cols = re.findall(r'<c r="([A-Z]+)\d+"[^>]*t="s"[^>]*><v>(\d+)</v>', sheet)
    bad = [c for c, v in cols if v in dash and c != 'E']   # E: 等级 (text) of a monthly bulletin
    assert not bad, '"—" written as text in columns %r' % sorted(set(bad))
# the plan: SUM totals, dates as date cells (a date format, serial numbers)
assert re.search(r'<f>SUM\(L4:L\d+\)</f><v>79225</v>', plan), 'plan total not a SUM'
fmts = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles))
xfs = re.findall(r'<xf [^>]*numFmtId="(\d+)"', styles.split('<cellXfs')[1])
date_styles = {str(i) for i, f in enumerate(xfs) if 'yy' in fmts.get(f, '')}
dates = re.findall(r'<c r="O\d+" s="(\d+)"><v>(\d+)</v>', plan)
assert dates and all(s in date_styles for s, _ in dates), 'start dates are not date cells'
assert all(v == '46082' for _, v in dates), 'start date serials: %r' % dates[:3]   # 2026-03-01
assert '县水务局' in ss, '牵头单位 is not the lead unit'
print('xlsx ok')
EOF
echo "ok - XLSX: sheets, shared strings, 全县 and plan totals as SUM formulas, blanks, date cells"

# --- HTML as written: self-contained ---
if grep -q -i -e '<script' -e 'http://' -e 'https://' -e 'url(' -e '@import' -e '<link' \
	"$OUT/report.html"; then
	fail "report.html refers to something outside itself or has a script"
fi

# --- HTML in a real browser ---
BROWSER=${BS_CHROMIUM:-}
if [ -z "$BROWSER" ]; then
	for b in chromium chromium-browser; do
		if command -v "$b" >/dev/null 2>&1; then
			BROWSER=$b
			break
		fi
	done
fi
if [ "${BS_SKIP_BROWSER:-}" = 1 ]; then
	echo "SKIP: BS_SKIP_BROWSER=1: the HTML was not rendered in a browser"
	exit 77
fi
if [ -z "$BROWSER" ]; then
	: >"$T/log"
	fail "chromium is not installed: run scripts/setup (it installs the Debian package" \
	     "chromium), or set BS_SKIP_BROWSER=1 to skip the browser part of this test"
fi

# No network: an empty network namespace if this machine allows one, and in
# any case no background services and a proxy that goes nowhere.
NONET=()
if command -v unshare >/dev/null 2>&1 && unshare -rn true >/dev/null 2>&1; then
	NONET=(unshare -rn)
fi
mkdir -p "$T/home"
browse() {
	HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_CACHE_HOME=$T/home/.cache \
	timeout 120 "${NONET[@]}" "$BROWSER" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/profile" --no-first-run --no-default-browser-check \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-extensions --disable-default-apps --metrics-recording-only \
		--proxy-server=127.0.0.1:9 --hide-scrollbars --mute-audio "$@"
}

browse --dump-dom "file://$OUT/report.html" >"$T/dom.html" 2>"$T/log" ||
	fail "$BROWSER --dump-dom failed"
python3 - "$T/dom.html" "$UNITS" <<'EOF' >"$T/log" 2>&1 || fail "DOM check: $(tail -n 1 "$T/log")"
import re, sys
dom = open(sys.argv[1], encoding='utf-8').read()
units = int(sys.argv[2])
assert '</html>' in dom, 'no document dumped'
for i in (1, 2, 3):
    for kind in ('completion', 'ranking'):
        assert 'id="chart-%s-%d"' % (kind, i) in dom, 'chart-%s-%d missing' % (kind, i)
for i in (1, 2):
    assert 'id="chart-reports-%d"' % i in dom, 'chart-reports-%d missing' % i
assert 'id="chart-reports-3"' not in dom, 'a reports chart without inputs'
for name in ('金鸡社区', '城关镇', '长宁社区', '县发展和改革局重点项目建设服务中心',
             '南关&lt;街道&gt;&amp;', '时序进度', '未下达目标', '（并列）'):
    assert name in dom, 'the page lacks ' + name
assert '<script' not in dom, 'a script appeared'
# every chart is as tall as its units need
for kind in ('completion', 'ranking', 'reports'):
    m = re.search(r'<svg id="chart-%s-1"[^>]*\sheight="(\d+)"' % kind, dom)
    assert m, 'no height on chart-%s-1' % kind
    assert int(m.group(1)) >= units * 24, 'chart-%s-1 too short: %s' % (kind, m.group(1))
print('dom ok')
EOF
echo "ok - $BROWSER parsed the page: 8 charts, unit names, escaping, heights"

browse --screenshot="$T/shot.png" --window-size=1200,2000 "file://$OUT/report.html" \
	>"$T/log" 2>&1 || fail "$BROWSER --screenshot failed"
echo '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>空</title></html>' \
	>"$T/blank.html"
browse --screenshot="$T/blank.png" --window-size=1200,2000 "file://$T/blank.html" \
	>"$T/log" 2>&1 || fail "$BROWSER --screenshot of a blank page failed"
python3 - "$T/shot.png" "$T/blank.png" <<'EOF' >"$T/log" 2>&1 || fail "screenshot check: $(tail -n 1 "$T/log")"
import struct, sys
def png(path):
    d = open(path, 'rb').read()
    assert d[:8] == b'\x89PNG\r\n\x1a\n' and d[12:16] == b'IHDR', path + ' is not a PNG'
    w, h = struct.unpack('>II', d[16:24])
    return d, w, h
shot, w, h = png(sys.argv[1])
blank, _, _ = png(sys.argv[2])
assert (w, h) == (1200, 2000), 'screenshot is %dx%d' % (w, h)
# a page of tables and bars compresses far worse than an empty one
assert len(shot) > 40000 and len(shot) > 5 * len(blank), \
    'screenshot looks empty: %d bytes (blank page: %d)' % (len(shot), len(blank))
print('png ok %d bytes, blank %d' % (len(shot), len(blank)))
EOF
echo "ok - screenshot 1200x2000, $(stat -c %s "$T/shot.png") bytes"
# --- the bulletin printed on A4 (Chromium to PDF): every unit's rank, total,
# grade and 末位 flag on one line of the 排名 table, none cut off ---
command -v pdftotext >/dev/null 2>&1 || fail "pdftotext is missing: scripts/setup installs poppler-utils"
browse --print-to-pdf="$T/page.pdf" --no-pdf-header-footer "file://$OUT/quarter.html" \
	>"$T/log" 2>&1 || fail "$BROWSER --print-to-pdf failed"
[ "$(head -c 5 "$T/page.pdf")" = "%PDF-" ] || fail "no PDF printed"
pdftotext -layout "$T/page.pdf" "$T/page.txt" || fail "pdftotext failed"
python3 - "$T/page.pdf" "$T/page.txt" "$OUT/quarter.csv" <<'EOF' >"$T/log" 2>&1 || fail "printed page check: $(tail -n 1 "$T/log")"
import csv, re, sys
pdf = open(sys.argv[1], 'rb').read()
# A4: 595 x 842 points, every page
boxes = re.findall(rb'/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]', pdf)
assert boxes, 'no page sizes'
for w, h in boxes:
    assert abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2, 'not A4: %s x %s' % (w, h)
text = open(sys.argv[2], encoding='utf-8').read()
lines = [re.sub(r'\s+', ' ', l).strip() for l in text.splitlines()]
rows = list(csv.reader(open(sys.argv[3], encoding='utf-8-sig')))
head, rows = rows[0], rows[1:]
col = {h: i for i, h in enumerate(head)}
seen = 0
for r in rows:
    rank, name, total, grade, flags = (r[col['排名']], r[col['单位名称']], r[col['总分']],
                                       r[col['等级']], r[col['标记']])
    consequence = [f for f in flags.split('；') if '末位' in f or '谈话' in f]
    # rank, unit, total, grade, the 末位 flag next to each other, then the rate
    want = [rank, name, total, grade] + consequence + [r[col['投资完成率']]]
    # the compact table's row: all of them on one printed line, in order
    hit = [l for l in lines if l.startswith(rank + ' ') and all(w in l for w in want)]
    if not hit:
        near = [l for l in lines if name in l][:3]
        raise AssertionError('printed page lacks %r together; lines with the unit: %r' % (want, near))
    l = hit[0]
    pos = [l.index(w) for w in want]
    assert pos == sorted(pos), 'columns out of order on %r' % l
    seen += 1
assert seen == len(rows) and seen >= 10, 'units checked: %d' % seen
assert any('末位：约谈' in l for l in lines), 'no 末位 flag printed'
for h in ('一、总体情况', '二、排名', '三、存在问题', '四、下步工作', '此处由发改局填写'):
    assert h in text, 'the printed page lacks ' + h
print('pdf ok: %d units, %d pages' % (seen, len(boxes)))
EOF
echo "ok - printed on A4: $(tail -n 1 "$T/log")"
echo "all report checks passed"
