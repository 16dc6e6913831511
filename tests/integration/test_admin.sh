#!/bin/sh
# test_admin.sh - the administrator commands of the real baosongd binary:
# init, unit add/list, token create, device add/list/revoke, backup.
#
#   sh tests/integration/test_admin.sh path/to/baosongd
#
# Works in a fresh mktemp -d directory, removed at the end.  Exits non-zero
# on the first failed check, saying which.
set -eu

B=${1:?usage: test_admin.sh path/to/baosongd}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/bs-admin-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"
DB=$T/baosong.db
n=0

fail() {
	echo "FAIL: $*" >&2
	echo "--- last output:" >&2
	cat "$T/out" >&2 2>/dev/null || true
	exit 1
}

# run EXPECTED_STATUS CMD...: run baosongd, output (both streams) in $T/out.
run() {
	want=$1
	shift
	n=$((n + 1))
	set +e
	"$B" "$@" >"$T/out" 2>&1
	got=$?
	set -e
	[ "$got" = "$want" ] || fail "baosongd $* exited $got, expected $want"
}

has() {
	grep -F -q -- "$1" "$T/out" || fail "output lacks '$1'"
}

lacks() {
	if grep -F -q -- "$1" "$T/out"; then fail "output has '$1'"; fi
}

# --- init: create, then again (idempotent) ---
run 66 unit list --db "$DB"            # nothing there yet, and nothing created
has "baosongd init"
[ ! -e "$DB" ] || fail "unit list created $DB"
run 0 init --db "$DB"
has "created"
[ -s "$DB" ] || fail "init made no database"
run 0 init --db "$DB"
has "ready"

# --- units ---
run 0 unit add --db "$DB" --code xinzhen --name "新镇人民政府" --type township --region 610123
has "新镇人民政府"
run 0 unit add --db "$DB" --code fgj --name "县发展和改革局, 项目办" --type 局 --region 610100
run 65 unit add --db "$DB" --code xinzhen --name "重复" --type soe --region 610123
has "xinzhen"
run 64 unit add --db "$DB" --code bad --name "坏" --type township --region 61012
run 64 unit add --db "$DB" --code bad --name "坏" --type village --region 610123
run 65 unit add --db "$DB" --code "Bad Code" --name "坏" --type soe --region 610123
run 64 unit add --db "$DB" --code onlycode
run 0 unit list --db "$DB"
has "xinzhen"
has "新镇人民政府"
has "610123"
has "township"
has "县发展和改革局, 项目办"
lacks "bad"
run 0 unit list --db "$DB" --csv
has "id,code,type,region,name"
has "xinzhen,township,610123,新镇人民政府"
has '"县发展和改革局, 项目办"'
run 0 unit --help
has "unit add"

# --- tokens ---
run 0 token create --db "$DB" --unit xinzhen --role reporter
grep -E -q '^ *[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}-[0-9A-HJKMNP-TV-Z]{2}$' "$T/out" ||
	fail "no token printed"
has "reporter"
has "新镇人民政府"
has "Asia/Shanghai"
run 0 token create --db "$DB" --unit fgj --role 审核 --expires 72h
has "reviewer"
soon=$(date -u -d '+30 days' +%Y-%m-%d)
run 0 token create --db "$DB" --unit fgj --role admin --expires "$soon"
has "00:00:00 Asia/Shanghai"
run 64 token create --db "$DB" --unit fgj --role admin --expires 2099-12-01
run 64 token create --db "$DB" --unit fgj --role admin --expires 2000-01-01
run 64 token create --db "$DB" --unit fgj --role admin --expires 2026-02-30
run 64 token create --db "$DB" --unit fgj --role admin --expires 5y
run 64 token create --db "$DB" --unit fgj --role boss
run 66 token create --db "$DB" --unit nosuch --role reporter

# --- devices ---
run 0 keygen --out "$T/client.key"
run 0 fingerprint --key "$T/client.key.pub"
fp=$(cat "$T/out")
run 0 device add --db "$DB" --key "$T/client.key.pub" --unit xinzhen --role reporter --label "党政办 电脑"
has "$fp"
run 65 device add --db "$DB" --key "$T/client.key.pub" --unit fgj --role admin
run 66 device add --db "$DB" --key "$T/nosuch.pub" --unit fgj --role admin
run 66 device add --db "$DB" --key "$T/client.key.pub" --unit nosuch --role admin
run 0 device list --db "$DB"
has "$fp"
has "xinzhen"
has "党政办 电脑"
run 0 device list --db "$DB" --csv
grep -q "^1,xinzhen,reporter,[0-9-]* [0-9:]*,,$fp,党政办 电脑\$" "$T/out" || fail "device 1 not listed as active"
run 0 device revoke --db "$DB" 1
has "$fp"
run 0 device list --db "$DB" --csv
grep -q "^1,xinzhen,reporter,[0-9-]* [0-9:]*,[0-9-]* [0-9:]*,$fp," "$T/out" ||
	fail "device 1 not listed as revoked"
run 0 device revoke --db "$DB" 1
has "already"
run 66 device revoke --db "$DB" 99
run 64 device revoke --db "$DB" abc

# --- backup ---
run 0 backup --db "$DB" "$T/copy.db"
[ -s "$T/copy.db" ] || fail "backup wrote nothing"
run 64 backup --db "$DB" "$T/copy.db"
run 0 unit list --db "$T/copy.db"
has "新镇人民政府"
run 0 device list --db "$T/copy.db"
has "$fp"

echo "ok - $n baosongd admin commands behaved"
