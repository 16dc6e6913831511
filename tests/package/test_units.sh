#!/bin/sh
# test_units.sh - the systemd units as built (BUILD/dist, dist/): each
# under its exposure target with `systemd-analyze security --offline`
# (baosongd.service <= 2.0, baosong-sync.service <= 2.5, the backup service
# <= 2.0), each hardening line the issue asks for present, and Type=notify
# with a watchdog on the server.  test_deb.sh runs `systemd-analyze verify`
# and the same exposure check on the units as installed by the package.
#
#   sh tests/package/test_units.sh SOURCE_DIR BUILD_DIR
set -eu

SRC=${1:?usage: test_units.sh SOURCE_DIR BUILD_DIR}
BLD=${2:?usage: test_units.sh SOURCE_DIR BUILD_DIR}
T=$(mktemp -d "${TMPDIR:-/tmp}/bs-units-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	[ -s "$T/out" ] && cat "$T/out" >&2
	exit 1
}
command -v systemd-analyze >/dev/null 2>&1 || fail "no systemd-analyze (apt-get install systemd)"

cp "$BLD/dist/baosongd.service" "$BLD/dist/baosongd-backup.service" \
	"$BLD/dist/baosong-sync.service" "$SRC/dist/baosongd-backup.timer" \
	"$SRC/dist/baosong-sync.timer" "$T/"

# exposure UNIT MAX
exposure() {
	systemd-analyze security --offline=true "$T/$1" >"$T/out" 2>&1 || true
	e=$(sed -n "s/^→ Overall exposure level for $1: \([0-9.]*\) .*/\1/p" "$T/out")
	[ -n "$e" ] || fail "no exposure level for $1"
	awk -v e="$e" -v m="$2" 'BEGIN { exit !(e <= m) }' || fail "$1: exposure $e > $2"
	echo "$1: exposure $e (at most $2)"
}
exposure baosongd.service 2.0
exposure baosong-sync.service 2.5
exposure baosongd-backup.service 2.0

for u in baosongd.service baosong-sync.service baosongd-backup.service; do
	for line in "ProtectSystem=strict" "PrivateDevices=yes" "ProtectKernelTunables=yes" \
		"ProtectKernelModules=yes" "ProtectKernelLogs=yes" "ProtectControlGroups=yes" \
		"SystemCallFilter=@system-service" "CapabilityBoundingSet=" \
		"MemoryDenyWriteExecute=yes" "UMask=0077" "NoNewPrivileges=yes" \
		"RestrictAddressFamilies=AF_"; do
		grep -q "^$line" "$T/$u" || fail "$u lacks $line"
	done
	grep -q '^User=' "$T/$u" || fail "$u runs as root"
done
grep -q '^Type=notify$' "$T/baosongd.service" || fail "baosongd.service is not Type=notify"
grep -q '^WatchdogSec=[1-9]' "$T/baosongd.service" || fail "baosongd.service has no watchdog"
grep -q '^PrivateNetwork=yes$' "$T/baosongd-backup.service" || fail "backup has network"
# Installed disabled, but enable-able: timers and the server have [Install].
for u in baosongd.service baosongd-backup.timer baosong-sync.timer; do
	grep -q '^WantedBy=' "$T/$u" || fail "$u cannot be enabled (no WantedBy)"
done
echo "test_units: ok"
