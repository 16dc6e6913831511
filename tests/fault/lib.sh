# lib.sh - sourced by the fault sweeps (test_powercut.sh, test_ioerr.sh).
#
# Needs BD (baosongd), BC (baosong), FAULTFS (libfaultfs.so) and T (scratch
# directory) set by the caller.  Gives:
#   make_base            a server with one township enrolled, stopped, and a
#                        client with a push workload queued: $T/base-srv, $T/base-cli
#   fresh DIR            copies of both into DIR/srv and DIR/cli
#   serve DIR [ENV...]   starts baosongd on DIR/srv (ENV e.g. LD_PRELOAD=...),
#                        sets SPID and PORT; 1 if it did not come up
#   cli DIR ARGS...      runs the client of DIR
#   check_acked DIR      every op the client no longer holds is on the server once
#   check_blobs DIR      every stored attachment's bytes match its hash
#   check_db DIR         PRAGMA integrity_check and baosongd audit verify pass
#   push_rounds DIR      the workload's two pushes (exit status of the last failing one)
#   check_final DIR      after a full sync: ops 1..n once, records as queued
# The workload: PROJECTS projects, an edit of the first, and a weekly report
# with a photo of PHOTO_BYTES (several upload chunks), pushed by one sync;
# then one more project and an edit of the second, pushed by another.
. "$(dirname "$0")/../integration/clock.sh"
export TZ=UTC
PROJECTS=${PROJECTS:-4}
PHOTO_BYTES=${PHOTO_BYTES:-120000}
SPID=
# An ASan build's runtime must come first in the preload list.
ASAN_RT=$(ldd "$BD" 2>/dev/null | awk '/libasan/ { print $3; exit }')
PRELOAD=${ASAN_RT:+$ASAN_RT:}$FAULTFS

# Failures go to stdout: the script's own stderr is $T/stderr (bash's notes on
# the servers that a power cut kills would read like errors).
fault_fail() { echo "FAIL: $*"; FAILED=1; exit 1; }
exec 2>>"$T/stderr"

serve() { # DIR [ENV...]
  local d=$1; shift
  rm -f "$d/port"
  env "$@" "$BD" serve --data "$d/srv" --key "$d/srv/server.key" --listen 127.0.0.1:0 \
    --port-file "$d/port" 2>>"$d/log" &
  SPID=$!
  for _ in $(seq 1 250); do
    [ -s "$d/port" ] && break
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.02
  done
  [ -s "$d/port" ] || return 1
  PORT=$(cat "$d/port")
}

stop_server() { # SIGNAL: sets SRC, the server's exit status
  [ -n "$SPID" ] || return 0
  kill "-$1" "$SPID" 2>/dev/null
  { wait "$SPID"; } 2>/dev/null
  SRC=$?
  SPID=
}

cli() { # DIR ARGS...
  local d=$1; shift
  BAOSONG_DIR=$d/cli "$BC" "$@"
}

point_client() { # DIR: at this directory's server
  sqlite3 "$1/cli/baosong.db" "UPDATE meta SET value = '127.0.0.1:$PORT' WHERE key = 'server'"
}

make_base() {
  local b=$T/base
  mkdir -p "$b/srv"
  "$BD" keygen --out "$b/srv/server.key" >/dev/null || fault_fail keygen
  "$BD" init --db "$b/srv/baosong.db" >/dev/null || fault_fail init
  "$BD" unit add --db "$b/srv/baosong.db" --code xinzhen --name 新镇 --type township \
    --region 620421 >/dev/null || fault_fail "unit add"
  tok=$("$BD" token create --db "$b/srv/baosong.db" --unit xinzhen --role reporter \
    | grep -oE '[0-9A-Z]{4}(-[0-9A-Z]{1,4}){6}' | head -1)
  serve "$b" || fault_fail "base server did not start"
  cli "$b" init --server "127.0.0.1:$PORT" --server-key "$("$BD" fingerprint --key "$b/srv/server.key")" \
    --token "$tok" >/dev/null || fault_fail "enrol"
  stop_server TERM
  for i in $(seq 1 "$PROJECTS"); do
    cli "$b" project add --name "断电测试 第${i}号项目" --year 2026 --stage 续建 \
      --total 1200.50 --annual 300 --township xinzhen --leader 李四 >/dev/null \
      || fault_fail "project add"
  done
  PUID=$(cli "$b" project list --csv | sed -n 2p | cut -d, -f1 | tr -d '"\r')
  cli "$b" project edit "$PUID" --leader 王五 >/dev/null || fault_fail "project edit"
  head -c "$PHOTO_BYTES" /dev/urandom > "$T/photo.jpg"
  cli "$b" report add --project "$PUID" --week "$(bj %G-W%V)" --period 10 --ytd 100 \
    --total 200 --progress 主体施工 --percent 40 --photo "$T/photo.jpg" >/dev/null \
    || fault_fail "report add"
  NSEQ=$(sqlite3 "$b/cli/baosong.db" "SELECT value FROM meta WHERE key = 'next_seq'")
  DEV=$(sqlite3 "$b/cli/baosong.db" "SELECT value FROM meta WHERE key = 'device_id'")
  PHOTO_HASH=$(b2sum -l 256 "$T/photo.jpg" | cut -c1-64)
  rm -f "$b/srv/port" "$b/log"
}

# Round two, queued on the client after round one's sync (whatever it did).
round_two() { # DIR
  local d=$1 uid2
  [ -e "$d/round2" ] && return 0
  cli "$d" project add --name "断电测试 第二轮项目" --year 2026 --stage 新开工 --total 80 \
    >/dev/null 2>&1 || return 1
  uid2=$(cli "$d" project list --csv | sed -n 3p | cut -d, -f1 | tr -d '"\r')
  cli "$d" project edit "$uid2" --leader 赵六 >/dev/null 2>&1 || return 1
  : > "$d/round2"
}

push_rounds() { # DIR
  local d=$1 rc=0 rc2=0
  cli "$d" sync --timeout 5 --quiet >/dev/null 2>>"$d/log" || rc=$?
  round_two "$d" || fault_fail "round two queued"
  cli "$d" sync --timeout 5 --quiet >/dev/null 2>>"$d/log" || rc2=$?
  [ $rc2 -ne 0 ] && return $rc2
  return $rc
}

fresh() { # DIR
  rm -rf "$1"
  mkdir -p "$1"
  cp -a "$T/base/srv" "$1/srv"
  cp -a "$T/base/cli" "$1/cli"
}

# Ops the client no longer holds were acknowledged: each must be on the server, once.
check_acked() { # DIR
  local d=$1 held acked got nseq
  nseq=$(sqlite3 "$d/cli/baosong.db" "SELECT value FROM meta WHERE key = 'next_seq'")
  held=$(sqlite3 "$d/cli/baosong.db" "SELECT group_concat(seq, ' ') FROM outbox")
  acked=$(for s in $(seq 1 $((nseq - 1))); do
    case " $held " in *" $s "*) ;; *) echo "$s" ;; esac; done)
  for s in $acked; do
    got=$(sqlite3 -readonly "$d/srv/baosong.db" \
      "SELECT count(*) FROM op WHERE device_id = $DEV AND seq = $s")
    [ "$got" = 1 ] || { echo "acknowledged op $s is on the server $got times"; return 1; }
  done
}

check_blobs() { # DIR
  local d=$1 h
  for h in $(sqlite3 -readonly "$d/srv/baosong.db" "SELECT lower(hex(hash)) FROM blob"); do
    [ -f "$d/srv/blobs/${h:0:2}/$h" ] || { echo "attachment $h has no file"; return 1; }
    [ "$(b2sum -l 256 "$d/srv/blobs/${h:0:2}/$h" | cut -c1-64)" = "$h" ] \
      || { echo "attachment $h: bytes do not match"; return 1; }
  done
}

check_db() { # DIR
  local d=$1 ic
  ic=$(sqlite3 "$d/srv/baosong.db" "PRAGMA integrity_check" 2>&1)
  [ "$ic" = ok ] || { echo "integrity_check: $ic"; return 1; }
  "$BD" audit verify --db "$d/srv/baosong.db" >"$d/audit.log" 2>&1 \
    || { echo "audit verify: $(tail -3 "$d/audit.log")"; return 1; }
}

check_final() { # DIR
  local d=$1 got n rev NSEQ=$((NSEQ + 2))
  cli "$d" status | grep -q "pending: 0" || { echo "ops still pending"; return 1; }
  cli "$d" status | grep -q "quarantined: 0" || { echo "ops set aside: $(cli "$d" status)"; return 1; }
  got=$(sqlite3 -readonly "$d/srv/baosong.db" \
    "SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || min(seq) || ' ' || max(seq) FROM op WHERE device_id = $DEV")
  [ "$got" = "$((NSEQ - 1)) $((NSEQ - 1)) 1 $((NSEQ - 1))" ] \
    || { echo "op receipts '$got', expected $((NSEQ - 1)) ops numbered 1..$((NSEQ - 1))"; return 1; }
  n=$(sqlite3 -readonly "$d/srv/baosong.db" "SELECT count(*) FROM record WHERE kind = 'project'")
  [ "$n" = $((PROJECTS + 1)) ] || { echo "$n projects, expected $((PROJECTS + 1))"; return 1; }
  rev=$(sqlite3 -readonly "$d/srv/baosong.db" "SELECT group_concat(rev, ' ') FROM (SELECT rev FROM record WHERE kind = 'project' AND rev > 1)")
  [ "$rev" = "2 2" ] || { echo "edited projects have revs '$rev', expected two at 2"; return 1; }
  n=$(sqlite3 -readonly "$d/srv/baosong.db" "SELECT count(*) FROM blob WHERE lower(hex(hash)) = '$PHOTO_HASH'")
  [ "$n" = 1 ] || { echo "the photo is not stored"; return 1; }
  check_blobs "$d"
}
