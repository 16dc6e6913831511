#!/bin/sh
# test_admin.sh - the administrator commands of the real baosongd binary:
# init, unit add/list, token create, device add/list/revoke, backup, and the
# audit trail they write (audit list/verify, tampering found).  The parts
# that tamper with the file need the sqlite3 tool; the independent check of
# the MAC chain needs python3; each is skipped (and said so) without it.
#
#   sh tests/integration/test_admin.sh path/to/baosongd
#
# Works in a fresh mktemp -d directory, removed at the end.  Exits non-zero
# on the first failed check, saying which.
set -eu

B=${1:?usage: test_admin.sh path/to/baosongd}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/bs-admin-XXXXXX")
. "$(dirname "$0")/clock.sh"
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
has "audit key"
[ -s "$DB" ] || fail "init made no database"
[ -s "$DB.audit-key" ] || fail "init made no audit key"
[ "$(stat -c %a "$DB.audit-key")" = 600 ] || fail "audit key is not mode 600"
[ "$(stat -c %s "$DB.audit-key")" = 32 ] || fail "audit key is not 32 bytes"
run 0 init --db "$DB"
has "ready"

# --- units ---
run 0 unit add --db "$DB" --code xinzhen --name "新镇人民政府" --type township --region 610123
has "新镇人民政府"
# The unit's public record has a random uid (no device can compute it in
# advance and claim it first), not the old BLAKE2b("baosong-unit" || code).
xuid=$(sed -n 's/.*as record \([0-9a-f]\{32\}\) (kind unit).*/\1/p' "$T/out")
[ -n "$xuid" ] || fail "unit add did not name its record's uid"
[ "$xuid" != 4ceb35e821485e37c8e475b22ba5c6cd ] || fail "unit record uid is still derived from the code"
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
soon=$(bj %Y-%m-%d $((30 * 86400)))
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

run 0 audit verify --db "$T/copy.db"                 # the key went with the copy
has "intact"
[ "$(stat -c %a "$T/copy.db.audit-key")" = 600 ] || fail "backup's key is not mode 600"

# --- audit trail: what the commands above wrote ---
run 0 audit list --db "$DB"
has "unit.add"
has "token.create"
has "device.add"
has "device.revoke"
has "record.put"
has "role reporter, expires"
has "fingerprint $fp"
lacks "BS_E"
run 0 audit list --db "$DB" --csv
has "seq,time,unit,device,role,action,kind,subject,rev,detail"
grep -q "^1,[0-9-]* [0-9:]*,-,-,-,unit.add,,xinzhen,0,\$" "$T/out" || fail "row 1 is not unit.add"
grep -q "^2,[0-9-]* [0-9:]*,-,-,-,record.put,unit,$xuid,1,\$" "$T/out" ||
	fail "row 2 is not the unit's record.put"
# 2 units x (unit.add + record.put), 3 tokens, 1 device added, 1 revoked.
[ "$(grep -c '^[0-9]' "$T/out")" = 9 ] || fail "expected 9 audit rows"
run 0 audit list --db "$DB" --csv --limit 1
[ "$(grep -c '^[0-9]' "$T/out")" = 1 ] || fail "--limit 1 gave other than one row"
has "device.revoke"
run 0 audit list --db "$DB" --subject fgj
has "unit.add"
has "token.create"
lacks "xinzhen"
run 64 audit list --db "$DB" --limit 0
run 64 audit frobnicate --db "$DB"
run 0 audit --help
has "audit verify"
run 0 audit verify --db "$DB"
has "intact"
has "9 rows checked"
has "head: seq 9"
run 66 audit verify --db "$T/nosuch.db"

# The chain, recomputed from the documented encoding without baosongd.
if command -v python3 >/dev/null 2>&1; then
	python3 - "$DB" <<'PY' >"$T/out" 2>&1 || fail "independent check of the chain failed"
import hashlib, sqlite3, struct, sys
db = sys.argv[1]
key = open(db + ".audit-key", "rb").read()
def INT(v): return struct.pack(">Q", v & 0xFFFFFFFFFFFFFFFF)
def STR(b): b = b.encode() if isinstance(b, str) else b; return INT(len(b)) + b
def OPT(b): return INT(0xFFFFFFFFFFFFFFFF) if b is None else STR(b)
con = sqlite3.connect("file:" + db + "?mode=ro", uri=True)
prev, n = bytes(32), 0
owners = 0
for (seq, at, unit, dev, role, action, kind, subject, rev, before, after, detail,
     owner, prev_mac, mac) in con.execute("SELECT seq, at, unit_id, device_id, role, action,"
     " kind, subject, rev, before, after, detail, owner, prev_mac, mac FROM audit ORDER BY seq"):
    n += 1
    assert seq == n and prev_mac == prev, seq
    tag = "baosong-audit-v1" if owner is None else "baosong-audit-v2"
    row = (STR(tag) + INT(seq) + INT(at) + INT(unit) + INT(dev) + INT(role)
           + STR(action) + STR(kind) + STR(subject) + INT(rev)
           + OPT(before) + OPT(after) + OPT(detail))
    if owner is not None:
        row += INT(owner)
        owners += 1
    assert hashlib.blake2b(prev + row, key=key, digest_size=32).digest() == mac, seq
    prev = mac
assert owners > 0, "no record.put row names its record's owner"
print("chain ok", n)
PY
	has "chain ok 9"
else
	echo "skip: no python3, chain not recomputed independently" >&2
fi

# The key file: missing, or open to others.
mv "$DB.audit-key" "$T/key.aside"
run 66 audit verify --db "$DB"
has "audit key"
run 66 unit add --db "$DB" --code newone --name "新" --type soe --region 610123
mv "$T/key.aside" "$DB.audit-key"
chmod 644 "$DB.audit-key"
run 78 audit verify --db "$DB"
has "chmod 600"
chmod 600 "$DB.audit-key"
run 0 audit verify --db "$DB"

# --- tampering, found ---
if command -v sqlite3 >/dev/null 2>&1; then
	# The program's own guard: the trail refuses UPDATE and DELETE ...
	if sqlite3 "$DB" "UPDATE audit SET detail = 'x' WHERE seq = 3" 2>/dev/null; then
		fail "the audit table accepted an UPDATE"
	fi
	# ... which someone with the file can drop; the MACs still tell.
	unlock="DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
	run 0 backup --db "$DB" "$T/t1.db"
	run 0 backup --db "$DB" "$T/t2.db"
	run 0 backup --db "$DB" "$T/t3.db"
	run 0 backup --db "$DB" "$T/t4.db"

	# An edited row: the token's role and expiry rewritten.
	sqlite3 "$T/t1.db" "$unlock UPDATE audit SET detail = 'role admin' WHERE seq = 5"
	run 65 audit verify --db "$T/t1.db"
	has "seq 5: row altered"
	has "FAILED: 1 problem"
	has "审计记录异常"

	# A deleted row in the middle.
	sqlite3 "$T/t2.db" "$unlock DELETE FROM audit WHERE seq = 4"
	run 65 audit verify --db "$T/t2.db"
	has "seq 5: row 4 is missing (deleted)"
	has "seq 5: chain broken"

	# A record changed behind the trail's back: the unit's published name.
	sqlite3 "$T/t3.db" "UPDATE record SET data = CAST('forged' AS BLOB) WHERE uid = '$xuid'"
	run 65 audit verify --db "$T/t3.db"
	has "record $xuid: its data differs from its newest audit row (seq 2)"

	# Two rows swapped.
	sqlite3 "$T/t4.db" "$unlock CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (6, 7);
		UPDATE audit SET (at, unit_id, device_id, role, action, kind, subject, rev, before,
		  after, detail, prev_mac, mac) = (SELECT at, unit_id, device_id, role, action, kind,
		  subject, rev, before, after, detail, prev_mac, mac FROM t
		  WHERE t.seq = CASE audit.seq WHEN 6 THEN 7 ELSE 6 END) WHERE seq IN (6, 7);"
	run 65 audit verify --db "$T/t4.db"
	has "seq 6: row altered"
	has "seq 7: row altered"
	has "seq 8: chain broken"

	# The original is untouched.
	run 0 audit verify --db "$DB"
else
	echo "skip: no sqlite3 tool, tampering not tried" >&2
fi

echo "ok - $n baosongd admin commands behaved"
