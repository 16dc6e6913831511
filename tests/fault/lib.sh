# lib.sh - sourced by the fault sweeps (test_powercut.sh, test_ioerr.sh).
#
# Needs BD (baosongd), BC (baosong), FAULTFS (libfaultfs.so) and T (scratch
# directory) set by the caller.  Gives:
#   make_base            a server with two townships enrolled, stopped, and their
#                        clients with a push workload queued, in $T/base
#   fresh DIR            a copy of that into DIR (DIR/srv, DIR/xinzhen, DIR/laozhen)
#   serve DIR [ENV...]   starts baosongd on DIR/srv (ENV e.g. LD_PRELOAD=...),
#                        sets SPID and PORT; 1 if it did not come up
#   stop_server SIGNAL   stops it, sets SRC to its exit status
#   cli DIR C ARGS...    runs client C (xinzhen or laozhen) of DIR
#   point_clients DIR    points both clients at the running server
#   push_rounds DIR      the workload's two pushes, both clients at once (0, or
#                        the first failing client's exit status)
#   sync_all DIR         up to 12 syncs per client until each succeeds
#   check_acked DIR      every op a client no longer holds is on the server once
#   check_blobs DIR      every stored attachment's bytes match its hash
#   check_db DIR         PRAGMA integrity_check and baosongd audit verify pass
#   check_final DIR      after a full sync: per client ops 1..n once, records as queued
#   check_status DIR     nothing set aside (quarantined) on either client
# The workload, on each township: PROJECTS projects, an edit of the first, and
# a weekly report with the same photo of PHOTO_BYTES (several upload chunks;
# stored once, named by both units), pushed by one sync; then one more project
# and an edit of the second, pushed by another.  Both townships push at once,
# so the server's writer commits their requests together.
. "$(dirname "$0")/../integration/clock.sh"
export TZ=UTC
PROJECTS=${PROJECTS:-4}
PHOTO_BYTES=${PHOTO_BYTES:-120000}
CLIENTS="xinzhen laozhen"
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

cli() { # DIR CLIENT ARGS...
  local d=$1 c=$2; shift 2
  BAOSONG_DIR=$d/$c "$BC" "$@"
}

cq() { # DIR CLIENT SQL: a query on the client's database
  sqlite3 "$1/$2/baosong.db" "$3"
}

sq() { # DIR SQL: a query on the server's database
  sqlite3 -readonly "$1/srv/baosong.db" "$2"
}

point_clients() { # DIR
  local c
  for c in $CLIENTS; do
    cq "$1" "$c" "UPDATE meta SET value = '127.0.0.1:$PORT' WHERE key = 'server'"
  done
}

make_base() {
  local b=$T/base c tok fp uid
  mkdir -p "$b/srv"
  "$BD" keygen --out "$b/srv/server.key" >/dev/null || fault_fail keygen
  "$BD" init --db "$b/srv/baosong.db" >/dev/null || fault_fail init
  for c in xinzhen:新镇 laozhen:老镇; do
    "$BD" unit add --db "$b/srv/baosong.db" --code "${c%%:*}" --name "${c#*:}" --type township \
      --region 620421 >/dev/null || fault_fail "unit add $c"
  done
  fp=$("$BD" fingerprint --key "$b/srv/server.key")
  serve "$b" || fault_fail "base server did not start"
  # A JPEG's magic number, then random bytes (a photo must be an image).
  { printf '\377\330\377\340'; head -c $((PHOTO_BYTES - 4)) /dev/urandom; } > "$T/photo.jpg"
  for c in $CLIENTS; do
    tok=$("$BD" token create --db "$b/srv/baosong.db" --unit "$c" --role reporter \
      | grep -oE '[0-9A-Z]{4}(-[0-9A-Z]{1,4}){6}' | head -1)
    cli "$b" "$c" init --server "127.0.0.1:$PORT" --server-key "$fp" --token "$tok" \
      >/dev/null || fault_fail "enrol $c"
  done
  stop_server TERM
  for c in $CLIENTS; do
    for i in $(seq 1 "$PROJECTS"); do
      cli "$b" "$c" project add --name "断电测试 $c 第${i}号项目" --year 2026 --stage 续建 \
        --total 1200.50 --annual 300 --township "$c" --leader 李四 >/dev/null \
        || fault_fail "project add"
    done
    uid=$(cli "$b" "$c" project list --csv | sed -n 2p | cut -d, -f1 | tr -d '"\r')
    cli "$b" "$c" project edit "$uid" --leader 王五 >/dev/null || fault_fail "project edit"
    cli "$b" "$c" report add --project "$uid" --week "$(bj %G-W%V)" --period 10 --ytd 100 \
      --total 200 --progress 主体施工 --percent 40 --photo "$T/photo.jpg" >/dev/null \
      || fault_fail "report add"
  done
  NSEQ=$(cq "$b" xinzhen "SELECT value FROM meta WHERE key = 'next_seq'")
  PHOTO_HASH=$(b2sum -l 256 "$T/photo.jpg" | cut -c1-64)
  rm -f "$b/srv/port" "$b/log"
}

fresh() { # DIR
  rm -rf "$1"
  cp -a "$T/base" "$1"
}

# Round two, queued on a client after round one's sync (whatever it did).
round_two() { # DIR CLIENT
  local d=$1 c=$2 uid2
  [ -e "$d/$c.round2" ] && return 0
  cli "$d" "$c" project add --name "断电测试 $c 第二轮项目" --year 2026 --stage 新开工 \
    --total 80 >/dev/null 2>&1 || return 1
  uid2=$(cli "$d" "$c" project list --csv | sed -n 3p | cut -d, -f1 | tr -d '"\r')
  cli "$d" "$c" project edit "$uid2" --leader 赵六 >/dev/null 2>&1 || return 1
  : > "$d/$c.round2"
}

push_one() { # DIR CLIENT: both rounds; writes the exit status to DIR/CLIENT.rc
  local d=$1 c=$2 rc=0 rc2=0
  cli "$d" "$c" sync --timeout 5 --quiet >/dev/null 2>>"$d/log" || rc=$?
  round_two "$d" "$c" || rc=1
  cli "$d" "$c" sync --timeout 5 --quiet >/dev/null 2>>"$d/log" || rc2=$?
  [ $rc2 -ne 0 ] && rc=$rc2
  echo "$rc" > "$d/$c.rc"
}

push_rounds() { # DIR
  local d=$1 c rc=0 pids=()
  for c in $CLIENTS; do push_one "$d" "$c" & pids+=($!); done
  wait "${pids[@]}"
  for c in $CLIENTS; do
    [ "$(cat "$d/$c.rc")" = 0 ] || { rc=$(cat "$d/$c.rc"); break; }
  done
  return "$rc"
}

sync_all() { # DIR: 0 when every client's sync succeeded
  local d=$1 c
  for c in $CLIENTS; do
    round_two "$d" "$c" || return 1
    # Each failed run uses up a call or two of an error burst: up to 12 runs.
    for _ in $(seq 1 12); do
      cli "$d" "$c" sync --timeout 5 --quiet >/dev/null 2>>"$d/log" && continue 2
    done
    return 1
  done
}

# Ops a client no longer holds were acknowledged: each must be on the server, once.
check_acked() { # DIR
  local d=$1 c held acked got nseq dev s
  for c in $CLIENTS; do
    nseq=$(cq "$d" "$c" "SELECT value FROM meta WHERE key = 'next_seq'")
    dev=$(cq "$d" "$c" "SELECT value FROM meta WHERE key = 'device_id'")
    held=$(cq "$d" "$c" "SELECT group_concat(seq, ' ') FROM outbox")
    acked=$(for s in $(seq 1 $((nseq - 1))); do
      case " $held " in *" $s "*) ;; *) echo "$s" ;; esac; done)
    for s in $acked; do
      got=$(sq "$d" "SELECT count(*) FROM op WHERE device_id = $dev AND seq = $s")
      [ "$got" = 1 ] || { echo "$c: acknowledged op $s is on the server $got times"; return 1; }
    done
  done
}

unacked() { # DIR: ops still held by the clients
  local c n=0
  for c in $CLIENTS; do n=$((n + $(cq "$1" "$c" "SELECT count(*) FROM outbox"))); done
  echo "$n"
}

check_blobs() { # DIR
  local d=$1 h
  for h in $(sq "$d" "SELECT lower(hex(hash)) FROM blob"); do
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

check_status() { # DIR
  local c
  for c in $CLIENTS; do
    cli "$1" "$c" status | grep -q "quarantined: 0" \
      || { echo "$c: ops set aside: $(cli "$1" "$c" status | grep quarantined)"; return 1; }
  done
}

check_final() { # DIR
  local d=$1 c got n rev dev unit nseq=$((NSEQ + 2))
  check_status "$d" || return 1
  for c in $CLIENTS; do
    cli "$d" "$c" status | grep -q "pending: 0" || { echo "$c: ops still pending"; return 1; }
    dev=$(cq "$d" "$c" "SELECT value FROM meta WHERE key = 'device_id'")
    got=$(sq "$d" "SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || min(seq) || ' ' || max(seq) FROM op WHERE device_id = $dev")
    [ "$got" = "$((nseq - 1)) $((nseq - 1)) 1 $((nseq - 1))" ] \
      || { echo "$c: op receipts '$got', expected $((nseq - 1)) ops numbered 1..$((nseq - 1))"; return 1; }
    unit=$(sq "$d" "SELECT id FROM unit WHERE code = '$c'")
    n=$(sq "$d" "SELECT count(*) FROM record WHERE kind = 'project' AND unit_id = $unit")
    [ "$n" = $((PROJECTS + 1)) ] || { echo "$c: $n projects, expected $((PROJECTS + 1))"; return 1; }
    rev=$(sq "$d" "SELECT group_concat(rev, ' ') FROM (SELECT rev FROM record WHERE kind = 'project' AND unit_id = $unit AND rev > 1)")
    [ "$rev" = "2 2" ] || { echo "$c: edited projects have revs '$rev', expected two at 2"; return 1; }
  done
  n=$(sq "$d" "SELECT count(*) FROM blob WHERE lower(hex(hash)) = '$PHOTO_HASH'")
  [ "$n" = 1 ] || { echo "the photo is not stored"; return 1; }
  n=$(sq "$d" "SELECT count(*) FROM blob_ref WHERE lower(hex(hash)) = '$PHOTO_HASH'")
  [ "$n" = 2 ] || { echo "the photo is named by $n units, expected 2"; return 1; }
  check_blobs "$d"
}
