#!/usr/bin/env bash
# test_ioerr.sh - I/O errors at every point of a push, with a real baosongd on
# 127.0.0.1 under the faultfs preload library (tests/fault/faultfs.c).
#
#   test_ioerr.sh BAOSONGD BAOSONG LIBFAULTFS FAULT_IMAGE
#
# A calibration run counts the server's writes, syncs and reads under its data
# directory for start-up and the push workload of lib.sh.  Then, for each
# point N of each sweep, the same push runs with the Nth call failing:
#   write:N:EIO  write:N:ENOSPC  sync:N:EIO  read:N:EIO   (that call only)
#   write:N:ENOSPC:8                                     (8 writes in a row)
#   write:N:ENOSPC:0                                     (the disk stays full)
# Each time:
#   - the server does not crash: it keeps serving, or (an error at start-up)
#     exits with a message and starts again;
#   - the client sees success or a retryable failure (exit 0 or 75) and sets
#     nothing aside: no I/O error becomes a permanent refusal;
#   - once the error is gone (the same server after one or 8 failed calls; a
#     full disk: the server restarted with space), the client's retry finishes: ops 1..n each once, records as queued;
#   - PRAGMA integrity_check is ok and `baosongd audit verify` passes;
#   - and the same holds for the durable image after a power cut right then
#     (the servers run with FAULTFS_SHADOW too): an error and its retry never
#     leave an acknowledged change in the page cache only.
# FAULT_POINTS=all runs every N of each sweep (default: 8 points per sweep
# spread over the calls, the first and the last among them, so ctest stays
# within about a minute).
set -u
BD=$1
BC=$2
FAULTFS=$3
FIMG=$4
FAILED=0
T=$(mktemp -d /tmp/bs-ioerr-XXXXXX)
. "$(dirname "$0")/lib.sh"

cleanup() {
  stop_server KILL
  if [ "$FAILED" = 0 ] && [ -z "${FAULT_KEEP:-}" ]; then rm -rf "$T"; else echo "kept $T for inspection"; fi
}
trap cleanup EXIT
command -v sqlite3 >/dev/null || { echo "sqlite3 tool missing (scripts/setup installs it)"; exit 77; }

make_base 2>>"$T/base.log"
echo "ok - base: two townships enrolled, $((NSEQ - 1)) ops queued on each with the same ${PHOTO_BYTES}-byte photo"

C=$T/cal
fresh "$C"
serve "$C" LD_PRELOAD="$PRELOAD${LD_PRELOAD:+ $LD_PRELOAD}" FAULTFS_ROOT="$C/srv" FAULTFS_STATS="$C/stats" \
  || fault_fail "server under faultfs did not start: $(tail -3 "$C/log")"
point_clients "$C"
push_rounds "$C" || fault_fail "push under faultfs failed"
stop_server TERM
read -r _ SYNCS _ WRITES _ READS < "$C/stats"
[ "${WRITES:-0}" -gt 3 ] && [ "${SYNCS:-0}" -gt 3 ] && [ "${READS:-0}" -gt 3 ] \
  || fault_fail "calls counted: '$(cat "$C/stats")': is faultfs watching the data directory?"
msg=$(check_final "$C") || fault_fail "calibration: $msg"
echo "ok - calibration: $WRITES writes, $SYNCS syncs, $READS reads under the data directory"

points() { # TOTAL
  if [ "${FAULT_POINTS:-}" = all ] || [ "$1" -le 8 ]; then
    seq 1 "$1"
  else
    (for i in $(seq 0 7); do echo $((1 + i * ($1 - 1) / 7)); done) | sort -nu
  fi
}

runs=0 refused=0 startfail=0 startcodes=
# A server under the fault layer that also keeps the durable state (a start
# takes the files on disk as durable: a clean restart).
serve_watched() { # DIR [ENV...]
  local d=$1; shift
  serve "$d" LD_PRELOAD="$PRELOAD${LD_PRELOAD:+ $LD_PRELOAD}" FAULTFS_ROOT="$d/srv" FAULTFS_SHADOW="$d/shadow" "$@"
}
sweep() { # KIND ERRNO COUNT TOTAL
  local kind=$1 err=$2 count=$3 N W rc what
  for N in $(points "$4"); do
    what="$kind:$N:$err:$count"
    W=$T/run
    fresh "$W"
    runs=$((runs + 1))
    if ! serve_watched "$W" FAULTFS_FAIL="$what"; then
      # An error at start-up: a clean exit with a message, then it starts again.
      { wait "$SPID"; } 2>/dev/null
      rc=$?
      SPID=
      [ $rc -ge 1 ] && [ $rc -lt 128 ] || fault_fail "$what: the server exited $rc at start-up"
      startfail=$((startfail + 1))
      case " $startcodes " in *" $rc "*) ;; *) startcodes="$startcodes $rc" ;; esac
      serve_watched "$W" || fault_fail "$what: the server did not start after the error"
    fi
    point_clients "$W"
    push_rounds "$W"
    rc=$?
    [ $rc = 0 ] || [ $rc = 75 ] || fault_fail "$what: the client exited $rc, not 0 or 75: $(tail -3 "$W/log")"
    [ $rc = 75 ] && refused=$((refused + 1))
    msg=$(check_status "$W") || fault_fail "$what: an I/O error set ops aside for good: $msg"
    kill -0 "$SPID" 2>/dev/null || fault_fail "$what: the server died: $(tail -3 "$W/log")"
    if [ "$count" = 0 ]; then
      # The disk stays full: stop, make room (no more injected errors), start.
      stop_server TERM
      [ $SRC -lt 128 ] || fault_fail "$what: the server crashed on stop ($SRC)"
      serve_watched "$W" || fault_fail "$what: the server did not start with space again"
      point_clients "$W"
    fi
    sync_all "$W"
    stop_server TERM
    [ $SRC = 0 ] || fault_fail "$what: the server exited $SRC on SIGTERM"
    msg=$(check_final "$W") || fault_fail "$what, after the retry: $msg"
    msg=$(check_db "$W") || fault_fail "$what: $msg"
    # Power cut now: the acknowledged changes must be durable, not only cached.
    mv "$W/srv" "$W/live"
    "$FIMG" "$W/shadow" "$W/srv" || fault_fail "$what: fault_image"
    msg=$(check_db "$W") || fault_fail "$what, power cut after the retry: $msg"
    msg=$(check_final "$W") || fault_fail "$what, power cut after the retry: $msg"
  done
  echo "ok - $kind $err$([ "$count" = 0 ] && echo ' (stays)')$([ "$count" -gt 1 ] && echo " ($count in a row)") at each of $(points "$4" | wc -l) points: no crash, retryable to the client, all ops once after the retry and after a power cut, database intact"
}

sweep write EIO 1 "$WRITES"
sweep write ENOSPC 1 "$WRITES"
sweep sync EIO 1 "$SYNCS"
sweep read EIO 1 "$READS"
sweep write ENOSPC 8 "$WRITES"
sweep write ENOSPC 0 "$WRITES"
echo "ok - $runs runs: $refused pushes answered with a retryable error, $startfail start-ups refused (exit${startcodes:- -})"
echo "I/O error sweep passed"
