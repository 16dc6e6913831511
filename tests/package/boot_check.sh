#!/bin/sh
# boot_check.sh - runs INSIDE a booted Debian 12 container (systemd as PID 1,
# test_boot.sh starts it with systemd-nspawn) as the unit bs-boot-check.service,
# with both packages installed and the first-run steps done.  Starts the
# hardened units for real and writes what it saw to /root/boot-check.log;
# the last line is "RESULT ok" or "RESULT FAIL: why".  Then powers off.
set -u
exec >/root/boot-check.log 2>&1
DB=/var/lib/baosong/baosong.db

result() {
	echo "RESULT $*"
	systemctl --no-block poweroff 2>/dev/null || kill -s SIGRTMIN+4 1
	exit 0
}
fail() { result "FAIL: $*"; }
as() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }

# A short watchdog, so that a few seconds prove the pings arrive.
mkdir -p /etc/systemd/system/baosongd.service.d
printf '[Service]\nWatchdogSec=3\nWatchdogSignal=SIGKILL\n' \
	>/etc/systemd/system/baosongd.service.d/test.conf
systemctl daemon-reload

# --- the server: Type=notify, under every hardening line ---
systemctl start baosongd.service || fail "baosongd.service did not start (READY=1?)"
systemctl show -p ActiveState -p SubState -p StatusText -p NRestarts baosongd.service
[ "$(systemctl show -p StatusText --value baosongd.service)" = "listening on 0.0.0.0:7400" ] ||
	fail "no STATUS from sd_notify"
sleep 8 # more than two watchdog intervals
[ "$(systemctl is-active baosongd.service)" = active ] || fail "baosongd died under the watchdog"
[ "$(systemctl show -p NRestarts --value baosongd.service)" = 0 ] ||
	fail "baosongd was restarted (watchdog pings missing?)"
# ... and it is the pings that keep it: a frozen server is killed and restarted.
pid=$(systemctl show -p MainPID --value baosongd.service)
kill -STOP "$pid"
sleep 7 # 3 s without a ping, then RestartSec=2
systemctl show -p MainPID -p NRestarts -p ActiveState baosongd.service
[ "$(systemctl show -p NRestarts --value baosongd.service)" = 1 ] ||
	fail "a frozen baosongd was not restarted by the watchdog"
[ "$(systemctl show -p MainPID --value baosongd.service)" != "$pid" ] || fail "same process"
[ "$(systemctl is-active baosongd.service)" = active ] || fail "not active after the restart"
journalctl -u baosongd --no-pager | grep -i 'watchdog timeout' || fail "no watchdog timeout logged"
fp=$(baosongd fingerprint --key /etc/baosong/server.key.pub) || fail "fingerprint"

# --- a township PC enrols and pushes through baosong-sync.service ---
tok=$(as baosong baosongd token create --db "$DB" --unit xinzhen --role reporter |
	sed -n 's/^    \([0-9A-Z][0-9A-Z-]\{9,\}\)$/\1/p' | head -n 1)
[ -n "$tok" ] || fail "no token"
as baosong-client env BAOSONG_DIR=/var/lib/baosong-client \
	baosong init --server 127.0.0.1:7400 --server-key "$fp" --token "$tok" ||
	fail "baosong init against the hardened server"
as baosong-client env BAOSONG_DIR=/var/lib/baosong-client \
	baosong project add --name 县城供水管网改造工程 --year 2026 --stage 续建 --total 12345.60 ||
	fail "project add"
# A weekly report with a site photo: the upload writes under /var/lib/baosong/blobs.
mkdir -p /var/lib/baosong-client/photos
{ printf '\377\330\377\340'; head -c 300000 /dev/urandom; } >/var/lib/baosong-client/photos/site.jpg # a JPEG
chown -R baosong-client:baosong-client /var/lib/baosong-client/photos
puid=$(as baosong-client env BAOSONG_DIR=/var/lib/baosong-client baosong project list --csv |
	sed -n 2p | cut -d, -f1 | tr -d '"\r')
week=$(date -u -d '+8 hours' +%G-W%V)
as baosong-client env BAOSONG_DIR=/var/lib/baosong-client baosong report add \
	--project "$puid" --week "$week" --period 10 --ytd 100 --total 200 --progress 主体施工 \
	--percent 40 --photo /var/lib/baosong-client/photos/site.jpg || fail "report add"
systemctl start baosong-sync.service
systemctl show -p Result -p ExecMainStatus baosong-sync.service
[ "$(systemctl show -p Result --value baosong-sync.service)" = success ] ||
	fail "baosong-sync.service failed under its hardening"
[ "$(systemctl show -p ExecMainStatus --value baosong-sync.service)" = 0 ] ||
	fail "baosong-sync.service did not sync (exit $(systemctl show -p ExecMainStatus --value baosong-sync.service))"
as baosong baosongd audit list --db "$DB" --limit 50 | grep -q 'record.put' ||
	fail "the pushed project is not on the server"
hash=$(b2sum -l 256 /var/lib/baosong-client/photos/site.jpg | cut -c1-64)
find /var/lib/baosong/blobs -type f -name "*$hash*" | grep -q . ||
	fail "the photo was not stored under /var/lib/baosong/blobs"

# --- the nightly backup service ---
systemctl start baosongd-backup.service
[ "$(systemctl show -p Result --value baosongd-backup.service)" = success ] ||
	fail "baosongd-backup.service failed under its hardening"
ls /var/lib/baosong/backups/baosong-*.db || fail "no backup copy"
# A copy that fails its check: the unit fails, the journal has it at err.
good=$(ls /var/lib/baosong/backups/baosong-*.db | head -n 1)
cp -p "$good" /var/lib/baosong/backups/bad.db
cp -p "$good.audit-key" /var/lib/baosong/backups/bad.db.audit-key
awk 'BEGIN { for (i = 0; i < 8192; i++) printf "X" }' |
	dd of=/var/lib/baosong/backups/bad.db bs=4096 seek=1 conv=notrunc status=none
mkdir -p /etc/systemd/system/baosongd-backup.service.d
printf '[Service]\nExecStart=\nExecStart=/usr/bin/baosongd backup --check %s\n' \
	/var/lib/baosong/backups/bad.db >/etc/systemd/system/baosongd-backup.service.d/bad.conf
systemctl daemon-reload
systemctl start baosongd-backup.service && fail "a failed check left the unit successful"
systemctl show -p Result -p ExecMainStatus baosongd-backup.service
[ "$(systemctl show -p ExecMainStatus --value baosongd-backup.service)" = 65 ] ||
	fail "a failed check did not exit 65"
journalctl -u baosongd-backup -p err --no-pager | grep '备份检查失败 backup check FAILED' ||
	fail "the failed check is not an error in the journal"
rm -f /etc/systemd/system/baosongd-backup.service.d/bad.conf
systemctl daemon-reload

# --- journal priorities: info lines are not warnings ---
journalctl -u baosongd -o json --no-pager | grep -o '"PRIORITY":"[0-9]"' | sort | uniq -c
journalctl -u baosongd -o json --no-pager | grep -q '"PRIORITY":"6"' ||
	fail "no info-priority line in the journal"
journalctl -u baosongd --no-pager | grep -q 'listening on' || fail "no log lines in the journal"
if journalctl -u baosongd -p warning --no-pager | grep -q 'listening on'; then
	fail "an info line shows under -p warning"
fi
journalctl -u baosongd --no-pager | grep -q '<6>' && fail "the <N> prefix reached the text"

# --- stop: STOPPING=1, clean exit ---
systemctl stop baosongd.service
systemctl show -p Result -p ExecMainStatus baosongd.service
[ "$(systemctl show -p Result --value baosongd.service)" = success ] || fail "unclean stop"
journalctl -u baosongd --no-pager | tail -n 5

# --- the maintainer scripts under a running systemd ---
# Removal stops the running server; purge keeps the data; a fresh install
# starts nothing (the units are disabled) and prints the first-run steps.
systemctl start baosongd.service || fail "restart before removal"
before=$(sha256sum "$DB" "$DB.audit-key" /etc/baosong/server.key)
dpkg -r baosongd || fail "dpkg -r under systemd"
systemctl is-active --quiet baosongd.service && fail "removal left baosongd running"
dpkg -P baosongd || fail "dpkg -P under systemd"
dpkg -i /root/debs/baosongd_*.deb >/root/reinstall.log 2>&1 || fail "dpkg -i under systemd"
cat /root/reinstall.log
grep -q 'NOT enabled or started' /root/reinstall.log || fail "no first-run message"
sleep 1
systemctl is-active --quiet baosongd.service && fail "a fresh install started baosongd"
[ "$(systemctl is-enabled baosongd.service)" = disabled ] || fail "a fresh install enabled baosongd"
[ "$(sha256sum "$DB" "$DB.audit-key" /etc/baosong/server.key)" = "$before" ] ||
	fail "remove, purge and install changed the database, its audit key or the server key"
result ok
