#!/usr/bin/env bash
# test_powercut.sh - power cuts at every sync point of a push, with a real
# baosongd on 127.0.0.1 under the faultfs preload library (tests/fault/faultfs.c).
#
#   test_powercut.sh BAOSONGD BAOSONG LIBFAULTFS FAULT_IMAGE
#
# A calibration run counts the fsync/fdatasync calls the server makes under
# its data directory while it starts, takes two townships' pushes at once
# (tests/fault/lib.sh: projects, edits, a report with a photo uploaded in
# chunks, then a second push) and stops: K.  Then for
# each N of the sweep the same push runs again from the same start, and power
# is cut just before the server's Nth sync: everything not synced by then is
# lost (file bytes not fdatasync'ed, names whose directory was not fsync'ed).
# When power returns (the durable image, fault_image):
#   - PRAGMA integrity_check is ok and `baosongd audit verify` passes;
#   - every op a client had been told was applied is on the server, once;
#   - every stored attachment's bytes match its hash;
#   - the clients' retries finish the push: ops 1..n each once, records as queued.
# The clients of the cut run must see a retryable failure (exit 75) or success.
# FAULT_POINTS=all sweeps every N from 1 to K (default: at most 24 points spread
# over 1..K, always the first and last, so ctest stays within about a minute).
set -u
BD=$1
BC=$2
FAULTFS=$3
FIMG=$4
FAILED=0
T=$(mktemp -d /tmp/bs-powercut-XXXXXX)
. "$(dirname "$0")/lib.sh"

cleanup() {
  stop_server KILL
  if [ "$FAILED" = 0 ] && [ -z "${FAULT_KEEP:-}" ]; then rm -rf "$T"; else echo "kept $T for inspection"; fi
}
trap cleanup EXIT
command -v sqlite3 >/dev/null || { echo "sqlite3 tool missing (scripts/setup installs it)"; exit 77; }

make_base 2>>"$T/base.log"
echo "ok - base: two townships enrolled, $((NSEQ - 1)) ops queued on each with the same ${PHOTO_BYTES}-byte photo"

# ---- calibration: the whole push under the fault layer, no cut ----
C=$T/cal
fresh "$C"
serve "$C" LD_PRELOAD="$PRELOAD${LD_PRELOAD:+ $LD_PRELOAD}" FAULTFS_ROOT="$C/srv" FAULTFS_SHADOW="$C/shadow" \
  FAULTFS_STATS="$C/stats" FAULTFS_TRACE=1 || fault_fail "server under faultfs did not start: $(tail -3 "$C/log")"
point_clients "$C"
push_rounds "$C" || fault_fail "push under faultfs failed"
stop_server TERM
K=$(awk '{print $2}' "$C/stats")
[ -n "$K" ] && [ "$K" -gt 3 ] || fault_fail "only '$K' syncs counted: is faultfs watching the data directory?"
msg=$(check_final "$C") || fault_fail "calibration: $msg"
# The durable image of a clean stop holds everything too.
"$FIMG" "$C/shadow" "$C/img" || fault_fail "fault_image"
mv "$C/srv" "$C/live" && mv "$C/img" "$C/srv"
msg=$(check_db "$C") || fault_fail "calibration image: $msg"
msg=$(check_final "$C") || fault_fail "calibration image: $msg"
echo "ok - calibration: $K syncs under the data directory for start, push and stop"

# One point past K: the run's sync count varies a little (group commit).
if [ "${FAULT_POINTS:-}" = all ] || [ "$K" -le 40 ]; then
  points=$(seq 1 $((K + 1)))
else
  points=$( (for i in $(seq 0 39); do echo $((1 + i * K / 39)); done) | sort -nu)
fi

cut=0 lost=0
for N in $points; do
  W=$T/cut
  fresh "$W"
  rc=
  if serve "$W" LD_PRELOAD="$PRELOAD${LD_PRELOAD:+ $LD_PRELOAD}" FAULTFS_ROOT="$W/srv" FAULTFS_SHADOW="$W/shadow" \
      FAULTFS_CUT_AT="$N"; then
    point_clients "$W"
    push_rounds "$W"
    rc=$?
    [ $rc = 0 ] || [ $rc = 75 ] || fault_fail "cut at sync $N: the client exited $rc, not 0 or 75"
    # Still running (the run made fewer syncs than the calibration): cut now.
    kill -9 "$SPID" 2>/dev/null && cut=$((cut + 1))
  fi
  { wait "$SPID"; } 2>/dev/null
  SPID=
  # Power returns: only what was durable.
  mv "$W/srv" "$W/live"
  "$FIMG" "$W/shadow" "$W/srv" || fault_fail "cut at sync $N: fault_image"
  msg=$(check_db "$W") || fault_fail "cut at sync $N: $msg"
  msg=$(check_acked "$W") || fault_fail "cut at sync $N: $msg"
  msg=$(check_blobs "$W") || fault_fail "cut at sync $N: $msg"
  held=$(unacked "$W")
  [ -n "${FAULT_VERBOSE:-}" ] && echo "cut at sync $N: client exit ${rc:-none}, $held ops unacknowledged"
  lost=$((lost + held))
  # The client retries against the restarted server and finishes.
  serve "$W" || fault_fail "cut at sync $N: the server did not start on the durable image: $(tail -3 "$W/log")"
  point_clients "$W"
  sync_all "$W"
  stop_server TERM
  msg=$(check_final "$W") || fault_fail "cut at sync $N, after the retry: $msg"
  msg=$(check_db "$W") || fault_fail "cut at sync $N, after the retry: $msg"
done
n=$(echo "$points" | wc -w)
echo "ok - $n power cuts (sync points of $K; $cut after the run's last sync): every acknowledged op present once, integrity_check and audit verify pass, $lost unacknowledged ops resent"
echo "power-cut sweep passed"
