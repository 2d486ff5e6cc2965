#!/bin/bash
# run.sh - `make e2e`: pinblame record on a real kernel, then import and
# blame on the host.
#
# Boots Debian's own arm64 kernel (it has CONFIG_CMA) under qemu TCG with a
# 1 GB hugetlb_cma area. In the guest, the arm64 pinblame runs
#   pinblame record --probe-gup -o /out/trace.txt -- sh /workload.sh
# where the workload holds pages with vmsplice/splice (holdpages.c) and
# grows the gigantic hugetlb pool out of hugetlb_cma. The host then imports
# the trace and checks that the vmsplice holder is blamed first and that
# the pages blamed on it are pages holdpages held.
#
# Everything it needs comes from Debian packages: host tools through
# apt-get, the arm64 kernel, busybox and the arm64 libraries pinblame links
# with through debootstrap (download only). Downloads and builds are cached
# in $PB_E2E_CACHE (default tests/e2e/cache/). A first run takes about 3
# minutes here, a later one about 2 (the boot and workload: 2 minutes).
#
# Env: PINBLAME (host binary, default ./pinblame), PB_E2E_CACHE,
#      PB_E2E_TIMEOUT (seconds for the boot, default 1800).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${PB_E2E_CACHE:-$HERE/cache}
PINBLAME=${PINBLAME:-$TOP/pinblame}
TIMEOUT=${PB_E2E_TIMEOUT:-1800}
SUITE=bookworm
ARCH=arm64
MA=aarch64-linux-gnu
HOST_PKGS="qemu-system-arm debootstrap cpio gzip binutils gcc-$MA binutils-$MA libc6-dev-arm64-cross"
# the guest kernel and busybox, and what pinblame links with (DESIGN §8)
GUEST_PKGS="linux-image-$ARCH,busybox-static,libtracefs-dev,libtraceevent-dev,libtracecmd-dev,libjansson-dev,libsqlite3-dev,zlib1g-dev,liblzma-dev,libzstd-dev"

DEBS=$CACHE/$ARCH/debs		# debootstrap --foreign: the .debs
ROOT=$CACHE/$ARCH/root		# the .debs unpacked: kernel, libraries, headers
BUILD=$CACHE/$ARCH/build	# arm64 objects and pinblame
INITRD=$CACHE/$ARCH/initrd
RUN=$CACHE/run			# the last boot: serial log, output disk, results
T0=$(date +%s)

step() { echo "e2e: [$(( $(date +%s) - T0 ))s] $*"; }
fail() { echo "e2e: FAIL: $*" >&2; exit 1; }

install_host_tools() {
	local missing="" p sudo=""
	for p in $HOST_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return
	step "apt-get install$missing"
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing > /dev/null
}

# The Debian mirror that apt on this machine uses for $SUITE.
apt_mirror() {
	apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Created-By: Packages' |
		awk -v s="$SUITE" '$1 == s { print $2; exit }'
}

download_guest() {
	[ "$(cat "$DEBS/.done" 2>/dev/null)" = "$GUEST_PKGS" ] && return
	step "debootstrap --foreign $SUITE $ARCH (download only): $GUEST_PKGS"
	rm -rf "$DEBS" "$ROOT"
	mkdir -p "$DEBS"
	debootstrap --arch=$ARCH --foreign --variant=minbase --include="$GUEST_PKGS" \
		$SUITE "$DEBS" "$(apt_mirror)" > "$CACHE/$ARCH/debootstrap.log" 2>&1 ||
		fail "debootstrap failed, see $CACHE/$ARCH/debootstrap.log"
	echo "$GUEST_PKGS" > "$DEBS/.done"
}

unpack_guest() {
	[ -e "$ROOT/.done" ] && return
	step "unpacking $(ls "$DEBS"/var/cache/apt/archives/*.deb | wc -l) .debs"
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	for d in "$DEBS"/var/cache/apt/archives/*.deb; do
		dpkg-deb -x "$d" "$ROOT"
	done
	touch "$ROOT/.done"
}

# The whole arm64 pinblame, built by the project's Makefile with the cross
# compiler against the arm64 libraries. (Not static: Debian ships no static
# libtracecmd; the initramfs gets its shared libraries instead.)
build_guest_programs() {
	step "building arm64 pinblame and holdpages"
	PKG_CONFIG_LIBDIR=$ROOT/usr/lib/$MA/pkgconfig:$ROOT/usr/share/pkgconfig \
	PKG_CONFIG_SYSROOT_DIR=$ROOT \
		make -s -C "$TOP" BUILD="$BUILD" CC="$MA-gcc --sysroot=$ROOT" "$BUILD/pinblame"
	$MA-gcc -O2 -Wall -Wextra -Werror -static -o "$BUILD/holdpages" "$HERE/holdpages.c"
}

# Paths (inside ROOT) of the shared libraries FILE... need, recursively.
lib_closure() {
	local -A seen=()
	local queue=("$@") f lib dir found
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for lib in $(readelf -d "$f" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
			[ -n "${seen[$lib]:-}" ] && continue
			seen[$lib]=1
			found=
			for dir in lib/$MA usr/lib/$MA lib usr/lib; do
				[ -e "$ROOT/$dir/$lib" ] && { found=$dir/$lib; break; }
			done
			[ -n "$found" ] || fail "$lib (needed by $f) is not in $ROOT"
			echo "$found"
			queue+=("$ROOT/$found")
		done
	done
}

build_initrd() {
	local kver=$1 m f lib
	step "initramfs: busybox, pinblame and its libraries, holdpages, virtio modules"
	rm -rf "$INITRD"
	mkdir -p "$INITRD"/{bin,sbin,usr/bin,proc,sys,dev,tmp,out,modules,etc,root}
	cp "$ROOT/bin/busybox" "$INITRD/bin/busybox"
	cp "$BUILD/pinblame" "$BUILD/holdpages" "$INITRD/usr/bin/"
	for lib in lib/ld-linux-aarch64.so.1 $(lib_closure "$BUILD/pinblame" | sort -u); do
		mkdir -p "$INITRD/$(dirname "$lib")"
		cp -L "$ROOT/$lib" "$INITRD/$lib"
	done
	# the output disk: virtio-pci and virtio-blk are modules in Debian's kernel
	: > "$INITRD/modules/order"
	for m in virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
		f=$(find "$ROOT/lib/modules/$kver" -name "$m.ko*" | head -1)
		[ -n "$f" ] || continue
		cp "$f" "$INITRD/modules/"
		basename "$f" >> "$INITRD/modules/order"
	done
	cp "$HERE/init" "$INITRD/init"
	cp "$HERE/workload.sh" "$INITRD/workload.sh"
	echo "root:x:0:0:root:/root:/bin/sh" > "$INITRD/etc/passwd"
	echo "root:x:0:" > "$INITRD/etc/group"
	(cd "$INITRD" && find . | cpio -o -H newc --quiet | gzip -1) > "$CACHE/$ARCH/initrd.cpio.gz"
}

# hugetlb_cma must be at least 1 GB (PUD order with 4K pages) and lie wholly
# above 4 GB (ZONE_NORMAL), hence 6 GB of guest memory. No KVM here: TCG.
boot_guest() {
	local kernel=$1 t
	step "booting $(basename "$kernel") under qemu TCG (about 2 minutes)"
	rm -rf "$RUN"
	mkdir -p "$RUN/out"
	truncate -s 2G "$RUN/out.img"
	t=$(date +%s)
	timeout "$TIMEOUT" qemu-system-aarch64 -M virt -accel tcg,thread=multi -cpu cortex-a57 \
		-smp 2 -m 6G -kernel "$kernel" -initrd "$CACHE/$ARCH/initrd.cpio.gz" \
		-append "console=ttyAMA0 hugetlb_cma=1G quiet loglevel=3 panic=-1" \
		-drive "file=$RUN/out.img,format=raw,if=none,id=out,cache=unsafe" \
		-device virtio-blk-pci,drive=out,serial=pbout \
		-nographic -no-reboot -serial mon:stdio < /dev/null > "$RUN/serial.log" 2>&1 ||
		fail "qemu: exit $? (timeout ${TIMEOUT}s?), see $RUN/serial.log"
	BOOT_SECONDS=$(( $(date +%s) - t ))
	grep -q PB-E2E-OUT-OK "$RUN/serial.log" ||
		fail "the guest wrote no output, see $RUN/serial.log"
	tar -xmf "$RUN/out.img" -C "$RUN/out"
}

# What the guest did: record's own exit, and tracefs as record left it
# (tracing_on back to the kernel's 1, no kprobe left).
check_guest() {
	grep -q 'PB-E2E-RECORD rc=0 ' "$RUN/serial.log" ||
		fail "pinblame record failed in the guest: $(grep PB-E2E-RECORD "$RUN/serial.log"), see $RUN/out/record.log"
	grep -q 'PB-E2E-TRACEFS mounted by record' "$RUN/serial.log" ||
		fail "record did not mount tracefs"
	[ "$(cat "$RUN/out/after.txt")" = 1 ] ||
		fail "tracefs not restored after record: $(cat "$RUN/out/after.txt")"
	[ -s "$RUN/out/trace.txt" ] && [ -d "$RUN/out/trace.txt.d/formats" ] ||
		fail "no trace or formats from record"
}

# Every held page's pfn, one per line, in decimal.
held_pfns() {
	local pfn
	tail -n +2 "$RUN/out/held-pages.tsv" | cut -f4 | while read -r pfn; do
		[ "$pfn" = 0x0 ] || echo $((pfn))	# 0x0: not present at hold time
	done | sort -u
}

check_blame() {
	local db=$RUN/e2e.db top pfns outside
	step "host: pinblame import and blame"
	rm -f "$db"*
	"$PINBLAME" -d "$db" import "$RUN/out/trace.txt" > "$RUN/import.txt" ||
		fail "import failed: $(cat "$RUN/import.txt")"
	"$PINBLAME" -d "$db" blame --json > "$RUN/blame.json" || fail "blame failed"
	# "callsite failures pages" of the first call site, then all failures
	read -r top top_failures top_pages failures < <(python3 -c '
import json, sys
b = json.load(sys.stdin)
c = b["callsites"][0] if b["callsites"] else {"callsite": "-", "failures": 0, "pages": 0}
print(c["callsite"], c["failures"], c["pages"], b["failures"])' < "$RUN/blame.json")
	[ "$failures" -gt 0 ] || fail "blame found no failure"
	[ "$top" = __do_sys_vmsplice ] || fail "first call site is '$top', not __do_sys_vmsplice"
	held_pfns > "$RUN/held-pfns.txt"
	"$PINBLAME" -d "$db" query --csv \
		"SELECT DISTINCT pfn FROM attributions WHERE callsite = '$top'" |
		tail -n +2 | sort -u > "$RUN/blamed-pfns.txt"
	pfns=$(wc -l < "$RUN/blamed-pfns.txt")
	[ "$pfns" -gt 0 ] || fail "no pfn attributed to $top"
	outside=$(comm -23 "$RUN/blamed-pfns.txt" "$RUN/held-pfns.txt" | wc -l)
	[ "$outside" = 0 ] || fail "$outside of $pfns pfns blamed on $top were not held by holdpages"
	RESULT="$failures failures; first call site $top: $top_failures failures, $top_pages pages"
	RESULT="$RESULT; its $pfns attributed pfns are all among the $(wc -l < "$RUN/held-pfns.txt") held"
}

summary() {
	echo "e2e: PASS in $(( $(date +%s) - T0 ))s (boot ${BOOT_SECONDS}s): kernel $(cut -d' ' -f3 "$RUN/out/uname.txt")"
	echo "e2e:   trace $(wc -c < "$RUN/out/trace.txt") bytes, $(sed -n 's/.*: ftrace, \([0-9]* events\).*/\1/p' "$RUN/import.txt") imported"
	echo "e2e:   $RESULT"
	echo "e2e:   results in $RUN/"
}

main() {
	local kver
	[ -x "$PINBLAME" ] || fail "no $PINBLAME: run make first"
	mkdir -p "$CACHE/$ARCH"
	install_host_tools
	download_guest
	unpack_guest
	kver=$(basename "$(ls -d "$ROOT"/lib/modules/*)")
	build_guest_programs
	build_initrd "$kver"
	boot_guest "$ROOT/boot/vmlinuz-$kver"
	check_guest
	check_blame
	summary
}

main "$@"
