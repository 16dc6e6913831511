#!/usr/bin/env bash
# debroot.sh - print the path of a cached clean Debian 12 root (a directory
# made once with mmdebstrap from Debian's mirror), making it when missing.
# Tests copy it (cp -a, under a second) and never change the cached one.
#
# The root holds Debian's minbase plus the run-time libraries the two
# packages depend on and the tools the install test uses (man-db,
# bash-completion) and systemd, whose units systemd-analyze verify needs
# (nothing is started there).  It is cached outside the source tree so that every
# build on this machine reuses it:
#   $BS_DEBROOT_CACHE, else /var/cache/baosong-test when writable, else
#   ${XDG_CACHE_HOME:-$HOME/.cache}/baosong-test.
# The file name carries a digest of the package list, so a changed list
# makes a new root.  Exit 0 and the path on stdout, or exit 1 with the
# reason on stderr (no mmdebstrap, no mirror, not root).
set -euo pipefail

MIRROR=${BS_DEBROOT_MIRROR:-http://deb.debian.org/debian}
INCLUDE="systemd,adduser,man-db,bash-completion,libuv1,libprotobuf-c1,libsqlite3-0,libsodium23,libinih1,libxlsxwriter4,libsystemd0,zlib1g,libminizip1,libexpat1,libmicrohttpd12"

if [ -n "${BS_DEBROOT_CACHE:-}" ]; then
	cache=$BS_DEBROOT_CACHE
elif mkdir -p /var/cache/baosong-test 2>/dev/null && [ -w /var/cache/baosong-test ]; then
	cache=/var/cache/baosong-test
else
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/baosong-test
fi
mkdir -p "$cache"
tag=$(printf '%s %s' "$MIRROR" "$INCLUDE" | sha256sum | cut -c1-12)
root="$cache/bookworm-minbase-$tag"
if [ -x "$root/usr/bin/dpkg" ]; then
	echo "$root"
	exit 0
fi
if ! command -v mmdebstrap >/dev/null 2>&1; then
	echo "debroot: mmdebstrap is not installed (scripts/setup installs it)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "debroot: making a Debian root needs root (chroot, dpkg as root)" >&2
	exit 1
fi
# One maker at a time; a second waits for the first and reuses its root.
exec 9>"$cache/.lock"
flock 9
if [ -x "$root/usr/bin/dpkg" ]; then
	echo "$root"
	exit 0
fi
tmp="$root.tmp.$$"
echo "debroot: making a Debian 12 root in $root (once; a few minutes)" >&2
if ! timeout 900 mmdebstrap --quiet --variant=minbase --include="$INCLUDE" \
	bookworm "$tmp" "$MIRROR" >&2; then
	rm -rf "$tmp"
	echo "debroot: mmdebstrap could not make the root from $MIRROR" >&2
	exit 1
fi
rm -rf "$root"
mv "$tmp" "$root"
echo "$root"
