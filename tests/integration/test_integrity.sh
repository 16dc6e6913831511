#!/usr/bin/env bash
# test_integrity.sh - no silent loss, no overwritten record (real processes).
#
#   test_integrity.sh BAOSONGD BAOSONG
#
# 1. A copied data directory (two computers sharing one device key): the
#    copy's new changes are numbered like ops the server applied from the
#    original.  The server keeps a digest of each applied op and refuses
#    them (BS_E_SEQ_REUSED) instead of answering with the old receipts; the
#    copy keeps them, says what to do, and after `sync --renumber` they land,
#    each once.  The same for a restored old backup.
# 2. Server-written records (unit add, assess publish) and device records:
#    a device that takes the uid the server used to derive for them does not
#    get its record overwritten, and a device cannot overwrite a server
#    record; audit verify checks that no record ever changes kind or owner,
#    and catches a forged change.
# 3. A clock stepped back: a minute back still syncs; a handshake refused as a
#    replay (the key's newest stamp is ahead of this clock) is retried by the
#    unattended run until it clears.
set -u
BD=$1
BC=$2

T=$(mktemp -d /tmp/bs-integrity-XXXXXX)
. "$(dirname "$0")/clock.sh"
SRV=$T/server
DB=$SRV/baosong.db
mkdir -p "$SRV"
PID=
FAILED=0
export TZ=UTC

cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  if [ "$FAILED" = 0 ]; then rm -rf "$T"; else echo "kept $T for inspection" >&2; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; FAILED=1; tail -20 "$SRV/log" >&2; exit 1; }
ok() { echo "ok - $*"; }
q() { sqlite3 -readonly "$DB" "$1"; }
client() { local name=$1; shift; BAOSONG_DIR=$T/$name timeout 120 "$BC" "$@"; }
uid_of() { grep -oE '[0-9a-f]{32}' | head -1; }
token() {
  "$BD" token create --db "$DB" --unit "$1" --role "$2" \
    | grep -oE '[0-9A-Z]{4}(-[0-9A-Z]{1,4}){6}' | head -1
}
project() { # CLIENT NAME: add a project, print its uid
  client "$1" project add --name "$2" --year "$(bj %Y)" --stage 续建 --total 100 --annual 50 \
    | uid_of
}
# Records on the server whose data holds NAME.
count_named() { q "SELECT count(*) FROM record WHERE instr(data, CAST('$1' AS BLOB)) > 0"; }
unit_id() { q "SELECT id FROM unit WHERE code = '$1'"; }
# Give the pending op (and local record) UID of CLIENT the uid NEW, as a
# hostile or buggy device could send it.
take_uid() { # CLIENT UID NEW
  sqlite3 "$T/$1/baosong.db" "UPDATE outbox SET uid = '$3' WHERE uid = '$2';
    UPDATE OR IGNORE record SET uid = '$3' WHERE uid = '$2';" || fail "rewrite uid on $1"
}
command -v sqlite3 >/dev/null || { echo "skip: needs the sqlite3 tool" >&2; exit 77; }
command -v b2sum >/dev/null || { echo "skip: needs b2sum" >&2; exit 77; }

# ---- setup -------------------------------------------------------------------------------
"$BD" keygen --out "$SRV/server.key" >/dev/null || fail keygen
"$BD" init --db "$DB" >/dev/null || fail init
for u in xinzhen:新镇 laozhen:老镇; do
  "$BD" unit add --db "$DB" --code "${u%%:*}" --name "${u#*:}" --type township \
    --region 620421 >/dev/null || fail "unit add $u"
done
"$BD" unit add --db "$DB" --code fgj --name 县发改局 --type bureau --region 620421 \
  >/dev/null || fail "unit add fgj"
"$BD" serve --listen 127.0.0.1:0 --port-file "$SRV/port" --key "$SRV/server.key" \
  --data "$SRV" 2>>"$SRV/log" &
PID=$!
for _ in $(seq 1 200); do [ -s "$SRV/port" ] && break; sleep 0.02; done
[ -s "$SRV/port" ] || fail "server did not start"
PORT=$(cat "$SRV/port")
FP=$("$BD" fingerprint --key "$SRV/server.key")
enrol() {
  client "$1" init --server 127.0.0.1:$PORT --server-key "$FP" --token "$(token "$2" "$3")" \
    >/dev/null || fail "enrol $1"
}
enrol xz xinzhen reporter
enrol lz laozhen reporter
enrol admin fgj admin
cp -a "$T/lz" "$T/lz-old"   # a backup of laozhen's PC before its first change

# ---- 1. a copied data directory ------------------------------------------------------------
project xz 原机项目甲 >/dev/null && project xz 原机项目乙 >/dev/null || fail "project add"
client xz sync --quiet || fail "first sync"
cp -a "$T/xz" "$T/xz-copy"   # the office's data copied to a second computer
project xz 原机项目丙 >/dev/null && project xz 原机项目丁 >/dev/null || fail "project add"
client xz sync --quiet || fail "sync of the original"
for n in 1 2 3; do project xz-copy 副本项目$n >/dev/null || fail "project add on the copy"; done
client xz-copy sync >"$T/out" 2>&1
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 75 ] || fail "the copy's sync ended $rc: its changes were taken for old ones"
grep -q BS_E_SEQ_REUSED "$T/out" || fail "the refusal does not name BS_E_SEQ_REUSED: $(cat "$T/out")"
grep -q -- "baosong sync --renumber" "$T/out" || fail "the refusal does not say what to do"
grep -q "全部保留" "$T/out" || fail "the refusal does not say the changes are kept"
for n in 1 2 3; do
  [ "$(count_named 副本项目$n)" = 0 ] || fail "副本项目$n reached the server before confirmation"
done
client xz-copy status >"$T/out" 2>&1
grep -q "pending: 3" "$T/out" || fail "the copy lost changes: $(cat "$T/out")"
grep -q -- "--renumber" "$T/out" || fail "status does not show the refused changes"
client xz-copy sync --quiet >/dev/null 2>&1 && fail "a second plain sync of the copy pushed"
client xz-copy status | grep -q "pending: 3" || fail "a second sync dropped changes"
ok "a copied data directory's changes are refused (BS_E_SEQ_REUSED), kept and marked"

client xz-copy sync --renumber >"$T/out" 2>&1 || fail "sync --renumber: $(cat "$T/out")"
for n in 1 2 3; do
  [ "$(count_named 副本项目$n)" = 1 ] || fail "副本项目$n is not on the server exactly once"
done
client xz-copy status | grep -q "pending: 0" || fail "the copy still has pending changes"
client xz-copy status | grep -q -- "--renumber" && fail "the mark stayed after renumbering"
# The original now collides with the renumbered ops in turn: refused, kept, renumbered.
project xz 原机项目戊 >/dev/null || fail "project add"
client xz sync --quiet >/dev/null 2>&1 && fail "the original pushed over the copy's numbers"
[ "$(count_named 原机项目戊)" = 0 ] || fail "原机项目戊 landed without confirmation"
client xz sync --renumber --quiet || fail "renumber on the original"
for n in 甲 乙 丙 丁 戊; do
  [ "$(count_named 原机项目$n)" = 1 ] || fail "原机项目$n is not on the server exactly once"
done
dev=$(q "SELECT id FROM device WHERE unit_id = $(unit_id xinzhen)")
[ "$(q "SELECT count(*) || ' ' || max(seq) || ' ' || count(digest) FROM op WHERE device_id = $dev")" = "8 8 8" ] \
  || fail "ops of the shared key: $(q "SELECT count(*), max(seq), count(digest) FROM op WHERE device_id = $dev")"
ok "after sync --renumber every change of both directories is on the server exactly once"

# A restored backup that had never synced: same refusal, same way out.
project lz 老镇新项目 >/dev/null || fail "project add"
client lz sync --quiet || fail "sync lz"
project lz-old 旧备份里的项目 >/dev/null || fail "project add on the backup"
client lz-old sync >"$T/out" 2>&1 && fail "a restored backup pushed"
grep -q BS_E_SEQ_REUSED "$T/out" || fail "restored backup: $(cat "$T/out")"
client lz-old status | grep -q "pending: 1" || fail "the backup's change was dropped"
client lz-old sync --renumber --quiet || fail "renumber on the backup"
[ "$(count_named 旧备份里的项目)" = 1 ] && [ "$(count_named 老镇新项目)" = 1 ] \
  || fail "after renumbering the backup"
project lz 老镇第二个项目 >/dev/null || fail "project add"
client lz sync --quiet >/dev/null 2>&1 && fail "laozhen's PC pushed over the backup's numbers"
client lz sync --renumber --quiet || fail "renumber on laozhen's PC"
[ "$(count_named 老镇第二个项目)" = 1 ] || fail "老镇第二个项目 did not land once"
ok "a restored backup's change is refused, kept, and lands after sync --renumber"

# ---- 2. server-written records and device uids -------------------------------------------
# The uids unit add and assess publish used to derive (anyone could compute them).
OLD_UNIT=$(printf 'baosong-unit%s' newzhen | b2sum -l 256 | cut -c1-32)
OLD_PUB=$(printf 'baosong-publication%s' 1 | b2sum -l 256 | cut -c1-32)
u=$(project lz 抢注单位标识的项目) && [ -n "$u" ] || fail "project add"
take_uid lz "$u" "$OLD_UNIT"
u=$(project lz 抢注通报标识的项目) && [ -n "$u" ] || fail "project add"
take_uid lz "$u" "$OLD_PUB"
client lz sync --quiet || fail "sync lz"
LZ=$(unit_id laozhen)
[ "$(q "SELECT kind || ' ' || unit_id FROM record WHERE uid IN ('$OLD_UNIT', '$OLD_PUB')")" \
  = "$(printf 'project %s\nproject %s' "$LZ" "$LZ")" ] || fail "the device's records did not land"
out=$("$BD" unit add --db "$DB" --code newzhen --name 新设镇 --type township --region 620421) \
  || fail "unit add newzhen: $out"
NEW_UNIT=$(echo "$out" | sed -n 's/.*as record \([0-9a-f]\{32\}\) (kind unit).*/\1/p')
[ -n "$NEW_UNIT" ] && [ "$NEW_UNIT" != "$OLD_UNIT" ] || fail "unit add used uid '$NEW_UNIT'"
cat >"$T/scheme.ini" <<EOF
[scheme]
year = $(bj %G)
name = 测试考核办法
reports = weekly
units = township

[indicator timely]
label = 按时报送
metric = timeliness
weight = 100
rule = linear
full = 100%

[grades]
优秀 = 90
较差 = 0
EOF
"$BD" scheme set --db "$DB" "$T/scheme.ini" >"$T/out" 2>&1 || fail "scheme set: $(cat "$T/out")"
out=$("$BD" assess publish --db "$DB" --scope week --period "$(bj %G-W%V)" --allow-empty 2>&1) \
  || fail "publish: $out"
NEW_PUB=$(echo "$out" | sed -n 's/.*as record \([0-9a-f]\{32\}\) (kind publication).*/\1/p')
[ -n "$NEW_PUB" ] && [ "$NEW_PUB" != "$OLD_PUB" ] || fail "publish used uid '$NEW_PUB'"
[ "$(q "SELECT kind || ' ' || unit_id || ' ' || rev FROM record WHERE uid IN ('$OLD_UNIT', '$OLD_PUB')")" \
  = "$(printf 'project %s 1\nproject %s 1' "$LZ" "$LZ")" ] \
  || fail "a server write changed a device's record: $(q "SELECT uid, kind, unit_id, rev FROM record WHERE uid IN ('$OLD_UNIT', '$OLD_PUB')")"
[ "$(q "SELECT kind FROM record WHERE uid = '$NEW_UNIT'")" = unit ] || fail "no unit record"
[ "$(q "SELECT kind FROM record WHERE uid = '$NEW_PUB'")" = publication ] || fail "no publication record"
ok "unit add and assess publish write new random uids and leave devices' records alone"

# The other way round: a township and the administrator send ops under the
# server records' uids; both are refused and the records stay as they were.
client lz sync --quiet || fail "sync lz"
client admin sync --quiet || fail "sync admin"
before=$(q "SELECT kind, unit_id, rev, hex(data) FROM record WHERE uid IN ('$NEW_UNIT', '$NEW_PUB') ORDER BY uid")
u=$(project lz 冒用单位记录) && take_uid lz "$u" "$NEW_UNIT" || fail "project add"
u=$(project lz 冒用通报记录) && take_uid lz "$u" "$NEW_PUB" || fail "project add"
client lz sync --quiet >/dev/null 2>&1
u=$(client admin project add --name 管理员冒用 --year "$(bj %Y)" --stage 续建 --total 1 --annual 1 \
  --unit-code laozhen 2>/dev/null | uid_of)
if [ -z "$u" ]; then
  u=$(project admin 管理员冒用) || fail "admin project add"
fi
take_uid admin "$u" "$NEW_UNIT"
client admin sync --quiet >/dev/null 2>&1
[ "$(q "SELECT kind, unit_id, rev, hex(data) FROM record WHERE uid IN ('$NEW_UNIT', '$NEW_PUB') ORDER BY uid")" = "$before" ] \
  || fail "a device overwrote a server record"
client lz status >"$T/out" 2>&1
[ "$(grep -c BS_E_FORBIDDEN "$T/out")" = 2 ] || fail "the township's ops were not refused: $(cat "$T/out")"
client admin status | grep -q BS_E_INVAL || fail "the administrator's op was not refused"
"$BD" audit verify --db "$DB" >"$T/out" 2>&1 || fail "audit verify: $(cat "$T/out")"
ok "devices cannot overwrite server records (the township: forbidden; the administrator: wrong kind)"

# ---- 3. a clock stepped back ---------------------------------------------------------------
# bj_set moves the script's now, which does not run on by itself: first
# bring it to the processes' shared clock, so the steps below are exact.
catch_up() { bj_set $(( $(date +%s) - ${BAOSONG_NOW_SINCE%.*} )); }
catch_up
project xz 校时前 >/dev/null && client xz sync --quiet || fail "sync before the step"
bj_set -60   # NTP steps this computer's clock back a minute
project xz 校时后 >/dev/null || fail "project add"
client xz sync --quiet || fail "a clock stepped back a minute did not sync"
[ "$(count_named 校时后)" = 1 ] || fail "the change after the step did not land"
bj_set 60
ok "a clock stepped back a minute still syncs"

# The device's own stamp counter lost (an older copy of its data): the first
# handshake is a replay of a newer stamp until the clock passes it.
catch_up
client xz sync --quiet || fail "sync"
bj_set -12
sqlite3 "$T/xz/baosong.db" "DELETE FROM meta WHERE key = 'last_hello_ns'" || fail "wipe stamp"
client xz sync --quiet >/dev/null 2>&1
rc=$?
[ $rc -ne 0 ] || fail "expected a replayed handshake (test setup)"
sqlite3 "$T/xz/baosong.db" "DELETE FROM meta WHERE key = 'last_hello_ns'" || fail "wipe stamp"
project xz 重放之后 >/dev/null || fail "project add"
client xz sync --unattended --budget 60 >"$T/out" 2>&1 || fail "unattended sync gave up: $(cat "$T/out")"
grep -q "retrying" "$T/out" || fail "no retry was logged: $(cat "$T/out")"
[ "$(count_named 重放之后)" = 1 ] || fail "the change did not land"
bj_set 12
ok "a handshake refused as a replay is retried by the unattended run until it clears"

# ---- 4. audit verify and a forged kind / owner change ---------------------------------------
"$BD" audit verify --db "$DB" >"$T/out" 2>&1 || fail "audit verify: $(cat "$T/out")"
sqlite3 "$DB" "UPDATE record SET kind = 'unit', unit_id = $(unit_id fgj) WHERE uid = '$OLD_UNIT'" \
  || fail "forge"
"$BD" audit verify --db "$DB" >"$T/out" 2>&1 && fail "audit verify passed a forged kind and owner"
grep -q "kind" "$T/out" && grep -q "owner" "$T/out" || fail "audit verify: $(cat "$T/out")"
ok "audit verify catches a record whose kind and owner were changed behind the trail"
exit 0
