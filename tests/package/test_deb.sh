#!/usr/bin/env bash
# test_deb.sh - the Debian packages as an administrator meets them.
#
#   bash tests/package/test_deb.sh SOURCE_DIR [DEB_OUT]
#
# DEB_OUT, when given, gets a copy of the two packages (test_boot.sh boots
# them).
# 1. git clone SOURCE_DIR (what is committed) and run its scripts/package:
#    both .deb built with dpkg-buildpackage, lintian clean.
# 2. Install both into a copy of a clean Debian 12 root (tests/package/
#    debroot.sh: made once with mmdebstrap, cached outside the tree), with
#    dpkg in a chroot; nothing there is started (no systemd as PID 1).
# 3. Check: files where the FHS says, users and data directories, units
#    installed but not enabled, the first-run message, `man -l` renders
#    each page, completion loads and completes, both programs run from
#    /usr/bin, the first-run steps work as the service user (keygen, init,
#    the nightly backup), `systemd-analyze verify` clean and `security
#    --offline` at or under 2.0 (baosongd) and 2.5 (baosong-sync) on the
#    installed units, an upgrade and a removal and a purge keep the
#    database, its audit key, the backups and the server key.
#
# Needs root (chroot).  Exit 77 (skip, with the reason) only when the clean
# root cannot be made (no root, no mmdebstrap, no mirror); any other
# problem is a failure.
set -euo pipefail

SRC=${1:?usage: test_deb.sh SOURCE_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/bs-deb-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
R=$T/root

fail() {
	echo "FAIL: $*" >&2
	if [ -s "$T/out" ]; then
		echo "--- last output:" >&2
		tail -n 40 "$T/out" >&2
	fi
	exit 1
}
skip() {
	echo "SKIP: $*" >&2
	exit 77
}
# in_root CMD...: run CMD in the installed root, output in $T/out.
in_root() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 HOME=/root TERM=dumb \
		DEBIAN_FRONTEND=noninteractive chroot "$R" "$@" >"$T/out" 2>&1 </dev/null
}
has() { grep -qF -- "$1" "$T/out" || fail "output lacks '$1'"; }
sum() { sha256sum "$R$1" | cut -d' ' -f1; }

[ "$(id -u)" -eq 0 ] || skip "installing into a Debian root needs root (chroot)"
base=$("$HERE/debroot.sh") || skip "no clean Debian 12 root could be made (reason above)"
command -v systemd-analyze >/dev/null || fail "no systemd-analyze (install systemd)"

# --- 1. both packages from a clean clone ---
git clone -q "$SRC" "$T/clone" || fail "git clone $SRC"
"$T/clone/scripts/package" "$T/debs" >"$T/out" 2>&1 || fail "scripts/package failed"
version=$(dpkg-parsechangelog -l "$T/clone/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
srv=$T/debs/baosongd_${version}_$arch.deb
cli=$T/debs/baosong_${version}_$arch.deb
[ -f "$srv" ] && [ -f "$cli" ] || fail "scripts/package made no $srv and $cli"
if [ -n "${2:-}" ]; then
	mkdir -p "$2"
	rm -f "$2"/baosong*.deb
	cp "$srv" "$cli" "$2/"
fi
grep -qE '^(E|W): ' "$T/debs/lintian.txt" && fail "lintian: $(cat "$T/debs/lintian.txt")"

# --- 2. installed into a clean Debian 12 root ---
cp -a "$base" "$R"
cp "$srv" "$cli" "$R/tmp/"
in_root dpkg -i "/tmp/${srv##*/}" "/tmp/${cli##*/}" ||
	fail "dpkg -i in a clean root (a new run-time dependency? add it to INCLUDE in debroot.sh)"
has "baosongd 已安装，服务尚未启用"
has "NOT enabled or started"
has "sudo systemctl enable --now baosongd.service baosongd-backup.timer"
has "sudo systemctl enable --now baosong-sync.timer"

# --- 3. where the FHS says ---
for f in /usr/bin/baosongd /usr/bin/baosong \
	/lib/systemd/system/baosongd.service /lib/systemd/system/baosongd-backup.service \
	/lib/systemd/system/baosongd-backup.timer /lib/systemd/system/baosong-sync.service \
	/lib/systemd/system/baosong-sync.timer /etc/baosong/baosongd.ini \
	/usr/share/man/man8/baosongd.8.gz /usr/share/man/man5/baosongd.ini.5.gz \
	/usr/share/man/man1/baosong.1.gz /usr/share/bash-completion/completions/baosongd \
	/usr/share/bash-completion/completions/baosong /usr/share/doc/baosongd/copyright \
	/usr/share/doc/baosongd/OPERATIONS.md.gz /usr/share/doc/baosong/copyright \
	/usr/share/applications/baosong-ui.desktop; do
	[ -f "$R$f" ] || fail "$f is not installed"
done
in_root dpkg -L baosongd baosong
grep -E '^/(usr/local|opt|home|srv|var)/' "$T/out" && fail "files outside the FHS places above"
in_root dpkg-query -W -f='${Conffiles}\n' baosongd
has "/etc/baosong/baosongd.ini"
in_root getent passwd baosong
grep -q '^baosong:x:[0-9]*:[0-9]*:[^:]*:/var/lib/baosong:/usr/sbin/nologin$' "$T/out" ||
	fail "no system user baosong with home /var/lib/baosong and no login"
uid=$(cut -d: -f3 "$T/out")
[ "$uid" -lt 1000 ] || fail "baosong is not a system user (uid $uid)"
in_root getent passwd baosong-client
grep -q ':/var/lib/baosong-client:/usr/sbin/nologin$' "$T/out" || fail "no user baosong-client"
cuid=$(cut -d: -f3 "$T/out")
# (numeric owners: the host does not know these users)
[ "$(stat -c '%a %u' "$R/var/lib/baosong")" = "750 $uid" ] || fail "/var/lib/baosong mode/owner"
[ "$(stat -c '%a %u' "$R/var/lib/baosong-client")" = "700 $cuid" ] ||
	fail "/var/lib/baosong-client mode/owner"
for u in baosongd.service baosongd-backup.timer baosong-sync.timer; do
	state=$(systemctl --root="$R" is-enabled "$u" 2>/dev/null || true)
	[ "$state" = disabled ] || fail "$u is '$state' after install, want disabled"
done

# --- the programs from their installed path ---
project_version=$(sed -n 's/^project(baosong VERSION \([0-9.]*\).*/\1/p' "$T/clone/CMakeLists.txt")
in_root /usr/bin/baosongd --version || fail "baosongd --version"
has "baosongd $project_version"
in_root /usr/bin/baosong --version || fail "baosong --version"
has "baosong $project_version"
[ "$project_version" = "$version" ] || fail "package $version, program $project_version"

# --- man pages render ---
for p in man8/baosongd.8.gz man5/baosongd.ini.5.gz man1/baosong.1.gz; do
	# groff's and man's warnings go to stderr: none allowed.
	in_root sh -c 'MANWIDTH=80 man --warnings -l "$0" 2>/tmp/man.err; s=$?
		cat /tmp/man.err; [ $s = 0 ] && [ ! -s /tmp/man.err ]' "/usr/share/man/$p" ||
		fail "man -l $p failed or warned"
	has "NAME"
	has "SEE ALSO"
	[ "$(wc -l <"$T/out")" -gt 30 ] || fail "man -l $p rendered too little"
done

# --- completion loads and completes ---
# complete_in_root PROG WORDS...: the candidates for the last word.
complete_in_root() {
	local prog=$1
	shift
	in_root bash -c '. /usr/share/bash-completion/bash_completion
		_completion_loader "$0" # 124: loaded, complete again
		COMP_WORDS=("$0" "$@"); COMP_CWORD=$#
		COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
		fn=$(complete -p "$0" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		[ -n "$fn" ] || exit 1
		"$fn" "$0" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' "$prog" "$@"
}
complete_in_root baosongd ba || fail "baosongd completion does not load"
has "backup"
complete_in_root baosongd device "" || fail "baosongd device completion"
has "revoke"
complete_in_root baosongd backup --ke || fail "baosongd backup option completion"
has "--keep"
complete_in_root baosong pr || fail "baosong completion does not load"
has "project"
complete_in_root baosong review "" || fail "baosong review completion"
has "approve"
complete_in_root baosong sync --un || fail "baosong sync option completion"
has "--unattended"

# --- the first-run steps of the message, as the service user ---
as_baosong() { in_root setpriv --reuid=baosong --regid=baosong --init-groups "$@"; }
in_root baosongd keygen --out /etc/baosong/server.key || fail "keygen"
in_root chown baosong:baosong /etc/baosong/server.key /etc/baosong/server.key.pub
as_baosong baosongd init --db /var/lib/baosong/baosong.db || fail "init as baosong"
as_baosong baosongd unit add --db /var/lib/baosong/baosong.db --code xinzhen --name 新镇 \
	--type township --region 620421 || fail "unit add as baosong"
as_baosong baosongd backup --config /etc/baosong/baosongd.ini || fail "the nightly backup"
has "integrity ok, audit trail intact"
ls "$R"/var/lib/baosong/backups/baosong-*.db >/dev/null 2>&1 || fail "no backup in /var/lib/baosong/backups"

# --- the installed units ---
units="baosongd.service baosongd-backup.service baosongd-backup.timer baosong-sync.service
	baosong-sync.timer"
(cd "$R/lib/systemd/system" &&
	MANPATH=$R/usr/share/man systemd-analyze verify --root="$R" $units) >"$T/out" 2>&1 ||
	fail "systemd-analyze verify"
[ -s "$T/out" ] && fail "systemd-analyze verify said something"
# exposure UNIT MAX: systemd-analyze security --offline, at or under MAX.
exposure() {
	systemd-analyze security --offline=true --root="$R" "$1" >"$T/out" 2>&1 || true
	local e
	e=$(sed -n "s/^→ Overall exposure level for $1: \([0-9.]*\) .*/\1/p" "$T/out")
	[ -n "$e" ] || fail "no exposure level for $1"
	awk -v e="$e" -v m="$2" 'BEGIN { exit !(e <= m) }' || fail "$1 exposure $e > $2"
	echo "$1: exposure $e (at most $2)"
}
exposure baosongd.service 2.0
exposure baosong-sync.service 2.5
exposure baosongd-backup.service 2.0

# --- an upgrade (the same version again) keeps everything ---
keep="/var/lib/baosong/baosong.db /var/lib/baosong/baosong.db.audit-key /etc/baosong/server.key"
before=$(for f in $keep; do sum "$f"; done)
in_root dpkg -i "/tmp/${srv##*/}" "/tmp/${cli##*/}" || fail "dpkg -i again (upgrade path)"
grep -qF "服务尚未启用" "$T/out" && fail "the first-run message on an upgrade"
[ "$(for f in $keep; do sum "$f"; done)" = "$before" ] || fail "an upgrade changed the data or key"

# --- removal, then purge: the data stays ---
in_root dpkg -r baosongd baosong || fail "dpkg -r"
[ ! -e "$R/usr/bin/baosongd" ] || fail "baosongd still installed after removal"
[ "$(for f in $keep; do sum "$f"; done)" = "$before" ] || fail "removal changed the data or key"
in_root dpkg -P baosongd baosong || fail "dpkg -P"
has "kept /var/lib/baosong"
[ "$(for f in $keep; do sum "$f"; done)" = "$before" ] || fail "purge changed the data or key"
ls "$R"/var/lib/baosong/backups/baosong-*.db >/dev/null 2>&1 || fail "purge deleted the backups"
[ -d "$R/var/lib/baosong-client" ] || fail "purge deleted /var/lib/baosong-client"
[ ! -e "$R/etc/baosong/baosongd.ini" ] || fail "purge left the configuration file"
echo "test_deb: ok (baosongd and baosong $version)"
