#!/bin/sh
# sysroot.sh DIR: the Debian 12 arm64 libraries and headers that pinblame
# links with, for 'make static-record': the -dev packages (with their .a
# files) and libc6-dev, downloaded with debootstrap --foreign (nothing is
# run or installed) and unpacked into DIR/root, as tests/e2e/run.sh does
# for its guest. A second run with the same package list does nothing.
set -eu
DIR=$1
SUITE=bookworm
ARCH=arm64
PKGS=libc6-dev,libtracefs-dev,libtraceevent-dev,libtracecmd-dev,libjansson-dev,libsqlite3-dev,zlib1g-dev,liblzma-dev,libzstd-dev

[ "$(cat "$DIR/.done" 2>/dev/null)" = "$PKGS" ] && exit 0
# the mirror apt on this machine uses for the suite, else Debian's
mirror=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Created-By: Packages' 2>/dev/null |
	awk -v s="$SUITE" '$1 == s { print $2; exit }')
mirror=${mirror:-http://deb.debian.org/debian/}
echo "sysroot: debootstrap --foreign $SUITE $ARCH (download only) into $DIR"
rm -rf "$DIR/debs" "$DIR/root"
mkdir -p "$DIR/debs" "$DIR/root"
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo debootstrap --arch=$ARCH --foreign --variant=minbase --include="$PKGS" \
	$SUITE "$DIR/debs" "$mirror" > "$DIR/debootstrap.log" 2>&1 ||
	{ echo "sysroot: debootstrap failed, see $DIR/debootstrap.log" >&2; exit 1; }
for d in "$DIR"/debs/var/cache/apt/archives/*.deb; do
	dpkg-deb -x "$d" "$DIR/root"
done
echo "$PKGS" > "$DIR/.done"
