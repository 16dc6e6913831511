#!/bin/sh
# test_backup.sh - the nightly backup of the real baosongd binary:
# `baosongd backup --dir/--config` names a copy, checks it (PRAGMA
# integrity_check, then audit verify on the copy) and only then prunes to
# the retention count; a copy that fails its check is an error (a <3> line
# when stderr is the journal), exit 65, set aside as NAME.failed, and no
# older copy is deleted.  Also: log lines carry <N> priorities only when
# JOURNAL_STREAM names stderr.  The audit-trail failure needs the sqlite3
# tool (scripts/setup installs it).
#
#   sh tests/package/test_backup.sh path/to/baosongd
set -eu

B=${1:?usage: test_backup.sh path/to/baosongd}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/bs-backup-XXXXXX")
. "$(dirname "$0")/../integration/clock.sh"
bj_set 0 # the copies' names are checked against now: restart the shared clock here
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"
DB=$T/data/baosong.db
BK=$T/data/backups

fail() {
	echo "FAIL: $*" >&2
	echo "--- last output:" >&2
	cat "$T/out" >&2 2>/dev/null || true
	exit 1
}

# run EXPECTED_STATUS CMD...: run baosongd, stdout and stderr in $T/out.
run() {
	want=$1
	shift
	set +e
	"$B" "$@" >"$T/out" 2>&1
	got=$?
	set -e
	[ "$got" = "$want" ] || fail "baosongd $* exited $got, expected $want"
}
has() { grep -qF -- "$1" "$T/out" || fail "output lacks '$1'"; }
copies() { find "$BK" -maxdepth 1 -name 'baosong-*.db' | sort; }
ncopies() { copies | wc -l | tr -d ' '; }

mkdir -p "$T/data"
run 0 init --db "$DB"
run 0 unit add --db "$DB" --code xinzhen --name 新镇 --type township --region 620421
cat >"$T/baosongd.ini" <<INI
[server]
data = $T/data
[backup]
keep = 1
INI

# --- twice with retention 1: one copy left, the newest, checked ---
run 0 backup --config "$T/baosongd.ini"
has "integrity ok, audit trail intact"
first=$(copies)
[ "$(ncopies)" = 1 ] || fail "first run: $(ncopies) copies"
stamp=$(bj '%Y%m%d-%H%M')
case $first in *"/baosong-$stamp"??.db) ;; *) fail "copy name $first, want Beijing time $stamp" ;; esac
[ -f "$first.audit-key" ] || fail "no audit key beside $first"
[ "$(stat -c %a "$BK")" = 700 ] || fail "backup directory is not mode 700"
[ "$(stat -c %a "$first")" = 600 ] || fail "copy is not mode 600"
[ ! -e "$first-wal" ] && [ ! -e "$first-shm" ] || fail "check left -wal/-shm beside the copy"
bj_set 86400
run 0 backup --config "$T/baosongd.ini"
has "1 older copy deleted, keeping 1"
second=$(copies)
[ "$(ncopies)" = 1 ] || fail "second run: $(ncopies) copies, want 1 (retention 1)"
[ "$second" != "$first" ] || fail "the second run did not make a new copy"
[ ! -e "$first" ] && [ ! -e "$first.audit-key" ] || fail "the older copy was not pruned"
run 0 backup --check "$second"

# --- the newest copy corrupted: its check fails loudly ---
cp "$second" "$T/pristine.db"
# Pages 2 and 3 (4096 bytes each) overwritten; the header page intact.
awk 'BEGIN { for (i = 0; i < 8192; i++) printf "X" }' |
	dd of="$second" bs=4096 seek=1 conv=notrunc status=none
run 65 backup --check "$second"
has "备份检查失败 backup check FAILED"
has "integrity_check"
grep -q "ERROR baosongd: 备份检查失败" "$T/out" || fail "the failure is not an ERROR line"

# The same failure with stderr as the journal: the line carries <3>.
: >"$T/journal"
set +e
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/journal") "$B" backup --check "$second" \
	>/dev/null 2>>"$T/journal"
got=$?
set -e
cp "$T/journal" "$T/out"
[ "$got" = 65 ] || fail "backup --check under the journal exited $got"
grep -q '^<3>ERROR baosongd: 备份检查失败 backup check FAILED' "$T/journal" ||
	fail "no <3> priority on the error line for the journal"
# ... and not when JOURNAL_STREAM names another file (inherited variable).
set +e
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/pristine.db") "$B" backup --check "$second" \
	>/dev/null 2>"$T/out"
set -e
grep -q '^<' "$T/out" && fail "priority prefix although stderr is not the journal"
grep -q '^20[0-9-]*T[0-9:.]*Z ERROR baosongd' "$T/out" || fail "plain line lacks its time"

# --- a database whose audit trail was changed: the run fails, prunes nothing ---
if command -v sqlite3 >/dev/null 2>&1; then
	cp "$T/pristine.db" "$second" # the kept copy is good again
	sqlite3 "$DB" "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'forged' WHERE seq = 1"
	bj_set 86400
	run 65 backup --config "$T/baosongd.ini"
	has "审计记录异常 audit trail FAILED"
	has "备份检查失败 backup check FAILED"
	has "no older backup was deleted"
	[ -e "$second" ] || fail "the good older copy was pruned after a failed check"
	[ "$(ncopies)" = 1 ] || fail "a failed copy counts as a backup"
	failed=$(find "$BK" -maxdepth 1 -name '*.db.failed' | wc -l | tr -d ' ')
	[ "$failed" = 1 ] || fail "the failed copy was not set aside as NAME.failed"
	run 65 audit verify --db "$(find "$BK" -maxdepth 1 -name '*.db.failed')"
else
	echo "skip: no sqlite3 tool, the audit-trail failure not tried" >&2
fi

# --- usage ---
run 64 backup --db "$DB" --keep 3 "$T/x.db"
run 64 backup --dir "$BK" "$T/x.db"
printf '[backup]\nkeep = 0\n' >"$T/bad.ini"
run 78 backup --config "$T/bad.ini"
has "keep"
# serve refuses a bad [backup] value too, and accepts the good section.
run 78 serve --config "$T/bad.ini"
echo "test_backup: ok"
