# clock.sh - sourced by the integration scripts: the one "now" of a test.
#
# Every baosong and baosongd process takes now from BAOSONG_NOW
# ("YYYY-MM-DD HH:MM[:SS]", Asia/Shanghai; common/clock.h) when it is set,
# plus the real time elapsed since BAOSONG_NOW_SINCE, so all the processes
# of a test share one clock that runs on from the chosen instant.
# scripts/test runs the suite at several fixed points (Friday 11:59 and
# 12:01, Saturday 23:59, 31 December in week 53, a leap day); unset, an
# ordinary Wednesday morning is used, so no test depends on the day it runs.
# Expectations are derived from BAOSONG_NOW here, never from the wall clock.
: "${BAOSONG_NOW:=2026-11-18 10:00}"
# The test's own timeline starts now at BAOSONG_NOW, whenever ctest got to
# it (a suite-wide BAOSONG_NOW_SINCE would let a test started a minute into
# the run at "Friday 11:59" cross the deadline it computed its expectations
# for).
BAOSONG_NOW_SINCE=$(date +%s.%N)
export BAOSONG_NOW BAOSONG_NOW_SINCE
NOW_S=$(date -u -d "$BAOSONG_NOW +0800" +%s) || {
  echo "clock.sh: BAOSONG_NOW='$BAOSONG_NOW' is not YYYY-MM-DD HH:MM" >&2; exit 2; }

# bj FORMAT [SECONDS]: Beijing time at now + SECONDS, formatted by date(1).
bj() { date -u -d "@$((NOW_S + 28800 + ${2:-0}))" "+$1"; }

# bj_set SECONDS: move this script's now (and its processes' from here on)
# by SECONDS, e.g. to the Wednesday of the current week.
bj_set() {
  NOW_S=$((NOW_S + $1))
  BAOSONG_NOW=$(date -u -d "@$((NOW_S + 28800))" '+%Y-%m-%d %H:%M:%S')
  BAOSONG_NOW_SINCE=$(date +%s.%N)
  export BAOSONG_NOW BAOSONG_NOW_SINCE
}
