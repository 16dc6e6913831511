#!/usr/bin/env bash
# test_boot.sh - the hardened units running for real: both packages
# (from test_deb.sh) installed into a copy of the clean Debian 12 root,
# the first-run steps done, then the root booted with systemd-nspawn
# (systemd as PID 1, private network).  boot_check.sh runs inside as a
# unit: baosongd.service starts (Type=notify, READY and STATUS), survives a
# 3 s watchdog (and is restarted when frozen), enrols a client, baosong-sync.service pushes a project,
# baosongd-backup.service makes a checked copy (and, on a corrupted copy,
# fails with exit 65 and an err-priority journal line), the journal has the
# right priorities, and the server stops cleanly.  Then, under the running
# systemd: removal stops the server, purge keeps the data, a fresh install
# starts and enables nothing.  Each under every line of
# hardening in its unit.
#
#   bash tests/package/test_boot.sh DEB_DIR
#
# Exit 77 (skip, with the reason) when the root cannot be made or the
# container cannot boot here (no systemd-nspawn, no cgroups); a failed
# check inside is a failure.
set -euo pipefail

DEBS=${1:?usage: test_boot.sh DEB_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/bs-boot-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
R=$T/root

fail() {
	echo "FAIL: $*" >&2
	[ -s "$R/root/boot-check.log" ] && cat "$R/root/boot-check.log" >&2
	exit 1
}
skip() {
	echo "SKIP: $*" >&2
	exit 77
}
in_root() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 HOME=/root \
		DEBIAN_FRONTEND=noninteractive chroot "$R" "$@" </dev/null
}

[ "$(id -u)" -eq 0 ] || skip "booting a container needs root"
command -v systemd-nspawn >/dev/null || skip "no systemd-nspawn (scripts/setup installs systemd-container)"
base=$("$HERE/debroot.sh") || skip "no clean Debian 12 root could be made (reason above)"
srv=$(ls "$DEBS"/baosongd_*.deb 2>/dev/null | head -n 1)
cli=$(ls "$DEBS"/baosong_*.deb 2>/dev/null | head -n 1)
[ -n "$srv" ] && [ -n "$cli" ] || fail "no packages in $DEBS (test_deb.sh makes them)"

cp -a "$base" "$R"
cp "$srv" "$cli" "$R/tmp/"
mkdir -p "$R/root/debs" # for boot_check.sh (the container's /tmp is a fresh tmpfs)
cp "$srv" "$cli" "$R/root/debs/"
in_root dpkg -i "/tmp/${srv##*/}" "/tmp/${cli##*/}" >"$T/dpkg.log" 2>&1 ||
	{ cat "$T/dpkg.log" >&2; fail "dpkg -i"; }
# The first-run steps of the postinst message.
in_root baosongd keygen --out /etc/baosong/server.key >/dev/null
in_root chown baosong:baosong /etc/baosong/server.key /etc/baosong/server.key.pub
in_root setpriv --reuid=baosong --regid=baosong --init-groups \
	baosongd init --db /var/lib/baosong/baosong.db >/dev/null 2>&1 || fail "init"
in_root setpriv --reuid=baosong --regid=baosong --init-groups \
	baosongd unit add --db /var/lib/baosong/baosong.db --code xinzhen --name 新镇 \
	--type township --region 620421 >/dev/null 2>&1 || fail "unit add"

install -m 0755 "$HERE/boot_check.sh" "$R/usr/local/sbin/bs-boot-check"
cat >"$R/etc/systemd/system/bs-boot-check.service" <<'UNIT'
[Unit]
Description=baosong: the packaged units under systemd
After=basic.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/bs-boot-check
UNIT

# Boot into the check: systemd.unit= makes it the only goal of the boot.
set +e
timeout 180 systemd-nspawn --quiet --register=no --keep-unit --private-network \
	-D "$R" -b -- systemd.unit=bs-boot-check.service >"$T/boot.log" 2>&1 </dev/null
set -e
if [ ! -s "$R/root/boot-check.log" ]; then
	tail -n 30 "$T/boot.log" >&2
	skip "the container did not boot here (log above): the units were not run"
fi
cat "$R/root/boot-check.log"
last=$(tail -n 1 "$R/root/boot-check.log")
[ "$last" = "RESULT ok" ] || fail "inside the container: $last"
echo "test_boot: ok"
