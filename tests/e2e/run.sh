#!/bin/bash
# run.sh - `make e2e`: pinblame record on real kernels, then import and
# blame on the host.
#
# For each kernel, Debian bookworm's 6.1 and trixie's 6.12 (arm64: both
# have CONFIG_CMA), boots it under qemu TCG with a 1 GB hugetlb_cma area.
# In the guest, the arm64 pinblame runs
#   pinblame record --probe-gup -o /out/trace.txt -- sh /workload.sh
# where the workload holds pages with vmsplice/splice (holdpages.c) and
# grows the gigantic hugetlb pool out of hugetlb_cma. The host then imports
# the trace and the kernel log and checks, against what holdpages says it
# held (held-pages.tsv), the precision and recall of the pages pinblame
# blames (both >= 0.95) and that the first call sites are the two holders,
# __do_sys_vmsplice then do_splice, and that each blamed pfn is named by
# the kind of page held there (vmspliced anon: __do_sys_vmsplice, spliced
# tmpfs: do_splice; a third holder, 2048 of the vmspliced pages, spread
# over the area, made instead the buffers of O_DIRECT reads kept in flight
# on null_blk: __do_sys_io_submit). Under --bpf on 6.5 and later the reads
# give their pages back with unpin_user_page() after the failure: every
# failing pfn of theirs must have its put written (check_puts). The
# figures are printed per kernel.
#
# PB_E2E_KERNELS=bullseye boots Debian bullseye's 5.10, the generation
# before folios (GUP-fast grab try_grab_compound_head) and before the
# cma_alloc_start/finish/busy_retry events (one cma:cma_alloc at the end,
# page 0 on failure), its own arm64 kernel and busybox with the static
# pinblame built against bookworm's libraries (bullseye's libtracefs is too
# old, see lib_suite()). There cma_alloc() fails each 32 MB range of the
# area at its first busy page, 32 fin_pfns in all, and the pool then grows
# below 4 GB: 2 cma_alloc failures, recovered (final under --bpf, which
# writes no successful isolation); precision and recall 1.000 (32 of 32)
# with --probe-gup and with --bpf (kprobes: arm64 5.10 has no fentry, and
# its BTF leaves out the static try_grab_compound_head). About 2 minutes
# each with the caches filled, 4 at first (downloads of both releases). The kept run is
# testdata/real/arm64-5.10-ftrace-hugetlb-cma. With PB_E2E_ARCH=amd64 (no
# CMA) 5.10 tests no range at all while the pages are held (see the comment
# above check_blame), and the run fails saying so.
#
# PB_E2E_KERNELS=sid boots Debian sid's 7.2 (linux-image-arm64 7.2.13-1,
# whose image is /usr/lib/modules/KVER/vmlinuz: see kernel_image), with
# the static pinblame built against sid's own libraries (glibc 2.43) by
# Debian 12's cross gcc. Nothing was changed for it: record --probe-gup
# chooses try_grab_folio_fast, try_grab_folio and splice_folio_into_pipe
# from kallsyms as on 6.12, --bpf attaches them with fentry, and both give
# precision and recall 1.000 (158 of 158 failing held pfns; 4 failures
# under --probe-gup: 2 cma_alloc -EBUSY of 32 ranges and 2 alloc_contig of
# 126, __do_sys_vmsplice 95 pages, do_splice 63), 2 and 3 minutes with the
# caches filled. The guest keeps in out/guest-formats/ the format files of
# every event subsystem pinblame reads and kallsyms' candidates for the
# probes' roles: against 6.12 only cma_alloc_start changed (request_count,
# available_count, total_count: doc/FORMATS.md). The kept run is
# testdata/real/arm64-7.2-ftrace-hugetlb-cma.
#
# PB_E2E_KERNELS=sid-16k boots sid's kernel with 16 KiB pages
# (linux-image-arm64-16k) on qemu's max CPU (a Cortex-A57 has no 16K
# granule; see arm64_cpu), the libraries of sid in lib-root/. There the
# buddy allocator's blocks are 32 MB, so the workload's gigantic pages are
# 1 GB (workload.sh takes the smallest huge page above the largest block)
# and the 1 GB hugetlb_cma area holds one: cma_alloc() tests its single
# range, alloc_contig_pages() then 1 GB ranges of the rest, one fin_pfn
# each, as on amd64 (3 GB left free, and the order of the call sites is
# luck: check_order). There both cma_alloc() calls failed at the same held
# anon pfn and alloc_contig_pages() found a range with none: precision and
# recall 1.000 (1 of 1, __do_sys_vmsplice) with --probe-gup and with --bpf
# (fentry), 3 and 5 minutes (the first with the downloads).
# PB_E2E_ARCH=amd64 PB_E2E_KERNELS=sid: unlike bookworm's and trixie's,
# sid's amd64 7.2 has CONFIG_CMA=y, so hugetlb_cma=1G reserves an area (pfns
# 0x100000-0x13ffff) that holds one 1 GB page: cma_alloc() fails there at
# one held pfn with -EBUSY, and alloc_contig_pages() then isolates no range
# (nr_hugepages 2 -> 0): precision and recall 1.000 (1 of 1,
# __do_sys_vmsplice), the same probes as arm64, 5 minutes under TCG.
#
# PB_E2E_ARCH=amd64 does the same with Debian's amd64 kernels under
# qemu-system-x86_64 (KVM when kvm_intel or kvm_amd is there and qemu can
# use it, else TCG: a /dev/kvm of kvm_pvm, as on this build machine, does
# not run Debian's kernels), the static x86_64 pinblame of make
# static-x86_64 against the guest's libraries, and its own cache names
# (SUITE-amd64/, run-SUITE-amd64/). Debian's amd64 kernels have no CMA:
# the 1 GB pool (x86's gigantic size) grows through alloc_contig_pages(),
# which fails on 1 to 3 ranges of ZONE_NORMAL (one fin_pfn each) in a
# 10 GB guest with 3 GB left free, so the order of the two call sites is
# not checked there, only that each pfn has its holder's name. Both
# kernels under TCG took 5 minutes each on this host. Under -icount (the
# benchmark) the amd64 guest has one vCPU and 2 GB.
#
# Everything it needs comes from Debian packages: host tools through
# apt-get, the arm64 kernels, busybox and the arm64 libraries pinblame links
# with through debootstrap (download only). Downloads and builds are cached
# in $PB_E2E_CACHE (default tests/e2e/cache/). Both kernels took 18 minutes
# on this shared 2-core host with the caches filled (boot and workload 6-9
# minutes each under load; 4 without), plus 2 minutes of downloads each at
# first.
#
# On 6.1 no function that kprobe events accept receives the page that
# splice puts into the pipe (copy_page_to_iter is notrace there, its
# helpers inline): record probes the page cache read's folio_mark_accessed
# instead, and blame counts its hits under a splice. Without it recall was
# 0.88 (pages that failed isolation without being dumped); with it 1.000.
#
# Env: PINBLAME (host binary, default ./pinblame), PB_E2E_CACHE,
#      PB_E2E_ARCH (arm64, the default, or amd64), PB_E2E_KVM=0 (TCG even
#      where KVM works),
#      PB_E2E_KERNELS (suites, default "bookworm trixie"; bullseye, sid and
#      sid-16k too),
#      PB_E2E_TIMEOUT (seconds for each boot, default 1800),
#      PB_E2E_BPF=1 (record --bpf instead of --probe-gup, with a pinblame
#      built with BPF=1; its own guest files and results, SUITE-arm64-bpf/
#      and run-SUITE-bpf/, since the guest then has libbpf too; precision
#      and recall must then be >= 0.99, and the figures say whether fentry
#      or kprobes ran), PB_E2E_BPF_ATTACH=fentry|kprobe (forces one, as
#      PINBLAME_BPF_ATTACH does; default: fentry where the kernel takes it),
#      PB_E2E_BPF_DEBUG=1 (PINBLAME_BPF_DEBUG=1 in the guest: libbpf's
#      messages, the verifier's log of a program refused, in record.log),
#      PB_E2E_BENCH=1 (make bench-bpf: the overhead benchmark instead of the
#      workload, with the BPF guest: bench.sh runs gupbench's GUP loop with
#      no tracing, under record --probe-gup, record --bpf and record --bpf
#      with kprobes, 3 times each in turn; printed: the median seconds and
#      the slowdown against no tracing; results in run-SUITE-bench/),
#      PB_E2E_ICOUNT=0 (the benchmark's guest on the host's clock; by
#      default it counts instructions: qemu -icount, see accel; under KVM
#      the host's clock), PB_E2E_BENCH_ROUNDS (gupbench's rounds, default
#      4000 in bench.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${PB_E2E_CACHE:-$HERE/cache}
PINBLAME=${PINBLAME:-$TOP/pinblame}
TIMEOUT=${PB_E2E_TIMEOUT:-1800}
KERNELS=${PB_E2E_KERNELS:-bookworm trixie}
ARCH=${PB_E2E_ARCH:-arm64}
# Per guest architecture: the GNU triplet of its libraries, its qemu, its
# serial console, the tools the host needs, and the cache names (arm64's
# stay as they were before amd64 came: SUITE-arm64/, run-SUITE/).
case $ARCH in
arm64)
	MA=aarch64-linux-gnu
	QEMU=qemu-system-aarch64
	CONSOLE=ttyAMA0
	GUEST_CC=$MA-gcc
	LOADER=lib/ld-linux-aarch64.so.1
	RUN_SFX=
	HOST_PKGS="qemu-system-arm debootstrap cpio gzip binutils gcc-$MA binutils-$MA libc6-dev-arm64-cross"
	;;
amd64)
	MA=x86_64-linux-gnu
	QEMU=qemu-system-x86_64
	CONSOLE=ttyS0
	GUEST_CC=gcc
	LOADER=
	RUN_SFX=-amd64
	HOST_PKGS="qemu-system-x86 debootstrap cpio gzip binutils gcc libc6-dev"
	;;
*)
	echo "e2e: PB_E2E_ARCH=$ARCH: arm64 or amd64" >&2
	exit 2
	;;
esac
# the guest kernel and busybox, and what pinblame links with (the Makefile's
# DEB_PKGS)
KERNEL_PKGS="linux-image-$ARCH,busybox-static"
LIB_PKGS="libtracefs-dev,libtraceevent-dev,libtracecmd-dev,libjansson-dev,libsqlite3-dev,zlib1g-dev,liblzma-dev,libzstd-dev"
BPF=${PB_E2E_BPF:-}
BPF_ATTACH=${PB_E2E_BPF_ATTACH:-}
BENCH=${PB_E2E_BENCH:-}
[ "$BENCH" = 1 ] && BPF=1
ICOUNT=${PB_E2E_ICOUNT:-1}
BENCH_ROUNDS=${PB_E2E_BENCH_ROUNDS:-}
KVM=0
[ "$BPF" = 1 ] && LIB_PKGS="$LIB_PKGS,libbpf-dev,libelf-dev"
GUEST_PKGS="$KERNEL_PKGS,$LIB_PKGS"
SFX=${BPF:+-bpf}

# The minimum precision and recall of the blamed pages: record --bpf keeps
# every page's latest get in its map, so it must miss (almost) none.
MIN_FIGURE=0.95
[ "$BPF" = 1 ] && MIN_FIGURE=0.99
T0=$(date +%s)

# The Debian release whose libraries the guest's static pinblame is built
# with: the guest's own, but bookworm's for bullseye, whose libtracefs
# (1.0.2) lacks functions record calls (tracefs_tracing_dir_is_mounted(),
# tracefs_error_last()) and which has no libtracecmd at all. The binary is
# static, so bullseye's older libc in the guest does not matter: it needs
# nothing there but the kernel's system calls.
lib_suite() {
	case $1 in
	bullseye) echo bookworm ;;
	*) release_of "$1" ;;
	esac
}

# A suite is a Debian release, or RELEASE-16k: that release's arm64 kernel
# with 16 KiB pages (linux-image-arm64-16k), the libraries of the release.
release_of() {
	echo "${1%-16k}"
}

# The kernel and busybox packages of suite $1.
kernel_pkgs() {
	case $1 in
	*-16k) echo "linux-image-$ARCH-16k,busybox-static" ;;
	*) echo "$KERNEL_PKGS" ;;
	esac
}

# Where one suite's files go (set_suite SUITE).
set_suite() {
	SUITE=$1
	LIB_SUITE=$(lib_suite "$SUITE")
	DIR=$CACHE/$SUITE-$ARCH$SFX
	DEBS=$DIR/debs		# debootstrap --foreign: the .debs
	ROOT=$DIR/root		# the .debs unpacked: kernel, libraries, headers
	# the libraries and headers pinblame is built against: ROOT, or when
	# they come from another release, that release's .debs unpacked apart
	LIB_DEBS=$DIR/lib-debs
	SYSROOT=$ROOT
	[ "$LIB_SUITE" = "$SUITE" ] || SYSROOT=$DIR/lib-root
	BUILD=$DIR/build	# arm64 objects and pinblame
	INITRD=$DIR/initrd
	RUN=$CACHE/run-$SUITE$RUN_SFX$SFX	# the last boot: serial log, output disk, results
	if [ "$BENCH" = 1 ]; then RUN=$CACHE/run-$SUITE$RUN_SFX-bench; fi
}

step() { echo "e2e: [$(( $(date +%s) - T0 ))s] ${SUITE:+$SUITE: }$*"; }
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

# The Debian mirror that apt on this machine uses for release $1, else
# Debian's own (a bookworm host has no trixie or bullseye sources).
apt_mirror() {
	local m
	m=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Created-By: Packages' |
		awk -v s="$1" '$1 == s { print $2; exit }')
	echo "${m:-http://deb.debian.org/debian}"
}

# debootstrap --foreign (download only) of PACKAGES of RELEASE into DEBS,
# unpacked into ROOT: fetch RELEASE PACKAGES DEBS ROOT LOG.
fetch() {
	local release=$1 pkgs=$2 debs=$3 root=$4 log=$5
	[ "$(cat "$debs/.done" 2>/dev/null)" = "$pkgs" ] && return
	step "debootstrap --foreign $release $ARCH (download only): $pkgs"
	rm -rf "$debs" "$root"
	mkdir -p "$debs"
	debootstrap --arch=$ARCH --foreign --variant=minbase --include="$pkgs" \
		$release "$debs" "$(apt_mirror "$release")" > "$log" 2>&1 ||
		fail "debootstrap failed, see $log"
	echo "$pkgs" > "$debs/.done"
}

unpack() {
	local debs=$1 root=$2
	[ -e "$root/.done" ] && return
	step "unpacking $(ls "$debs"/var/cache/apt/archives/*.deb | wc -l) .debs into $root"
	rm -rf "$root"
	mkdir -p "$root"
	for d in "$debs"/var/cache/apt/archives/*.deb; do
		dpkg-deb -x "$d" "$root"
	done
	touch "$root/.done"
}

# The guest's kernel, busybox and libraries: one download when the
# libraries are of the guest's release (the cache as it always was), else
# the kernel and busybox of the guest's release and the libraries of
# LIB_SUITE apart.
download_guest() {
	if [ "$LIB_SUITE" = "$SUITE" ]; then
		fetch "$(release_of "$SUITE")" "$GUEST_PKGS" "$DEBS" "$ROOT" "$DIR/debootstrap.log"
		unpack "$DEBS" "$ROOT"
		return
	fi
	fetch "$(release_of "$SUITE")" "$(kernel_pkgs "$SUITE")" "$DEBS" "$ROOT" "$DIR/debootstrap.log"
	unpack "$DEBS" "$ROOT"
	fetch "$LIB_SUITE" "$LIB_PKGS,libc6-dev" "$LIB_DEBS" "$SYSROOT" "$DIR/debootstrap-lib.log"
	unpack "$LIB_DEBS" "$SYSROOT"
}

# The guest's pinblame as a board gets it: the static binary of 'make
# static-record' (static-aarch64 on arm64, static-x86_64 on amd64: the same
# build), built against the guest's own libraries (libtracefs, libbpf of
# its release), so it needs nothing in the initramfs. (It reads no
# trace.dat, Debian having no static libtracecmd; record does not need it.)
build_guest_programs() {
	local target=static-${MA%%-*}
	step "building the static $ARCH pinblame (make $target, $LIB_SUITE's libraries) and holdpages"
	make -s -C "$TOP" STATIC_DIR="$BUILD/static" SYSROOT="$SYSROOT" ${BPF:+BPF=1} $target
	cp "$BUILD/static/${MA%%-*}/pinblame" "$BUILD/pinblame"
	# a static executable has no program interpreter
	[ "$(readelf -l "$BUILD/pinblame" | grep -c INTERP)" = 0 ] ||
		fail "$BUILD/pinblame is not statically linked"
	$GUEST_CC -O2 -Wall -Wextra -Werror -static -o "$BUILD/holdpages" "$HERE/holdpages.c"
	$GUEST_CC -O2 -Wall -Wextra -Werror -static -o "$BUILD/gupbench" "$HERE/gupbench.c"
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

# initrd_module KVER MODULE LIST: the kernel's MODULE, uncompressed (busybox
# insmod cannot load a compressed one), into the initramfs's /modules and
# its name onto /modules/LIST; nothing when the kernel has it built in.
initrd_module() {
	local f
	f=$(find "$ROOT/lib/modules/$1/" -name "$2.ko*" | head -1)
	[ -n "$f" ] || return 0
	case $f in
	*.ko.xz) xz -dc "$f" > "$INITRD/modules/$2.ko" ;;
	*.ko.zst) zstd -qdc "$f" > "$INITRD/modules/$2.ko" ;;
	*) cp "$f" "$INITRD/modules/$2.ko" ;;
	esac
	echo "$2.ko" >> "$INITRD/modules/$3"
}

build_initrd() {
	local kver=$1 m lib
	step "initramfs: busybox, pinblame and its libraries, holdpages, virtio modules"
	rm -rf "$INITRD"
	mkdir -p "$INITRD"/{bin,sbin,usr/bin,proc,sys,dev,tmp,out,modules,etc,root}
	cp "$ROOT/bin/busybox" "$INITRD/bin/busybox"
	cp "$BUILD/pinblame" "$BUILD/holdpages" "$INITRD/usr/bin/"
	for lib in $LOADER $(lib_closure "$BUILD/pinblame" | sort -u); do
		mkdir -p "$INITRD/$(dirname "$lib")"
		cp -L "$ROOT/$lib" "$INITRD/$lib"
	done
	# the output disk: virtio-pci and virtio-blk are modules in bookworm's
	# kernel; trixie builds virtio-pci in and ships virtio_blk.ko.xz, which
	# busybox insmod cannot load compressed
	: > "$INITRD/modules/order"
	for m in virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
		initrd_module "$kver" $m order
	done
	# the slow disk whose O_DIRECT reads hold some of holdpages' pages
	# (-D): workload.sh loads these itself, with null_blk's delay
	: > "$INITRD/modules/slow-disk"
	for m in configfs null_blk; do
		initrd_module "$kver" $m slow-disk
	done
	cp "$HERE/init" "$INITRD/init"
	# record --bpf with its defaults: every page watched (the workload's
	# gigantic pages fall back, once hugetlb_cma is short, to
	# alloc_contig_pages() in ZONE_DMA and ZONE_NORMAL: with --bpf-pfns cma
	# 126 of 158 failing pfns on 6.1 had no holder kept)
	[ "$BPF" != 1 ] || sed -i "s/^pinblame record --probe-gup/PINBLAME_BPF_ATTACH=$BPF_ATTACH ${PB_E2E_BPF_DEBUG:+PINBLAME_BPF_DEBUG=1 }pinblame record --bpf/" "$INITRD/init"
	cp "$HERE/workload.sh" "$INITRD/workload.sh"
	if [ "$BENCH" = 1 ]; then
		cp "$BUILD/gupbench" "$INITRD/usr/bin/"
		cp "$HERE/bench.sh" "$INITRD/bench.sh"
	fi
	echo "root:x:0:0:root:/root:/bin/sh" > "$INITRD/etc/passwd"
	echo "root:x:0:" > "$INITRD/etc/group"
	(cd "$INITRD" && find . | cpio -o -H newc --quiet | gzip -1) > "$DIR/initrd.cpio.gz"
}

# How qemu runs the guest's code. The benchmark's guest counts time in
# instructions: under TCG with the host's clock the same loop with no
# tracing took 1.55 to 2.38 s within one boot (the host's load, shared
# vCPU threads), more than the overhead measured. With -icount shift=0 a
# guest nanosecond is one guest instruction, so the loop's CPU time
# (gupbench's cpu=, the scheduler's count) is its instructions, whatever
# the host. (sleep=off: an idle vCPU jumps to its next timer, so the time
# on the clock, which takes in the waits for the disk, varies by those
# jumps.) It leaves out what instructions do not show: cache misses, the
# cost of an exception on hardware. Single-threaded: -icount excludes
# MTTCG.
# An amd64 guest on an x86_64 host runs under KVM when qemu can use it
# (the guest's code on the CPU: real time, so the benchmark there times on
# the clock and -icount, a TCG feature, does not apply).
accel() {
	if [ "$KVM" = 1 ]; then
		echo "-accel kvm -cpu host"
	elif [ "$BENCH" = 1 ] && [ "$ICOUNT" = 1 ]; then
		echo "-accel tcg -icount shift=0,sleep=off,align=off"
	else
		echo "-accel tcg,thread=multi"
	fi
}

# Whether qemu runs this guest under KVM: an amd64 guest on an x86_64 host
# with hardware virtualization (kvm_intel or kvm_amd) whose /dev/kvm qemu
# can open (its monitor says so), else TCG. PB_E2E_KVM=0 forces TCG. A
# /dev/kvm of kvm_pvm alone (the nested hypervisor of some cloud VMs) is
# not enough: qemu says "kvm support: enabled", but an unmodified Debian
# kernel stops in its decompressor there (trixie's: "KVM internal error
# ... emulation failure" on a BMI2 shrx; bookworm's: no output after
# "Probing EDD"): PVM runs only kernels built as PVM guests.
kvm_works() {
	[ "$ARCH" = amd64 ] && [ "$(uname -m)" = x86_64 ] && [ "${PB_E2E_KVM:-1}" = 1 ] || return 1
	if [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
		step "no kvm_intel or kvm_amd$([ -d /sys/module/kvm_pvm ] && echo ", only kvm_pvm"): qemu TCG"
		return 1
	fi
	[ -w /dev/kvm ] || { step "/dev/kvm not writable: qemu TCG"; return 1; }
	printf 'info kvm\nquit\n' | timeout 60 $QEMU -accel kvm -M none -display none \
		-monitor stdio 2>&1 | grep -aq 'kvm support: enabled'
}

# arm64: hugetlb_cma must be at least 1 GB (PUD order with 4K pages) and lie
# wholly above 4 GB (ZONE_NORMAL), hence 6 GB of guest memory; the workload
# grows the 32 MB pool (CONT_PMD, gigantic there), and cma_alloc() fails
# on 32 ranges of the area. amd64: Debian's amd64 kernels have no CMA
# (CONFIG_CMA is not set in bookworm's or trixie's; hugetlb_cma= is an
# "Unknown kernel command line parameter" there), and the only gigantic
# size is 1 GB (PUD; the CPU needs pdpe1gb, in -cpu host and -cpu max):
# the pool grows through alloc_contig_pages(), which tries each 1 GB
# range of ZONE_NORMAL with no reserved page, and fails on a held page in
# each. q35 maps all memory beyond the first 2 GB above 4 GB: 10 GB give
# 8 GB of ZONE_NORMAL, 8 ranges (those with the memmap, reserved, are
# skipped), where 6 GB gave 2.
# The arm64 CPU: a Cortex-A57 has no 16 KiB translation granule (4 and 64
# KiB only), on which a 16k kernel stops before its first line; qemu's max
# has all three (pauth-impdef: its pointer authentication without the
# QARMA cipher, which is slow under TCG).
arm64_cpu() {
	case $SUITE in
	*-16k) echo "max,pauth-impdef=on" ;;
	*) echo cortex-a57 ;;
	esac
}

machine() {
	case $ARCH in
	arm64) echo "-M virt -cpu $(arm64_cpu) -m 6G" ;;
	amd64) echo "-M q35 -m $([ "$BENCH" = 1 ] && echo 2G || echo 10G) $([ "$KVM" = 1 ] || echo "-cpu max")" ;;
	esac
}

# Two vCPUs, but one for an amd64 guest under -icount: there Debian's
# kernels hang at "x86: Booting SMP configuration" (the second CPU is not
# brought up when time is counted in instructions).
smp() {
	case $ARCH/$(accel) in
	amd64/*icount*) echo 1 ;;
	*) echo 2 ;;
	esac
}

# Variables for the guest's init, passed on the kernel command line (the
# kernel hands a NAME=VALUE it does not know to init's environment).
guest_env() {
	[ -z "$BENCH_ROUNDS" ] || echo -n " PB_BENCH_ROUNDS=$BENCH_ROUNDS"
	[ "$ARCH" != amd64 ] || echo -n " PB_E2E_HEADROOM_MB=3000"
}

boot_guest() {
	local kernel=$1 t how=TCG
	[ "$KVM" = 1 ] && how=KVM
	step "booting $(basename "$kernel") under qemu $how (about 2 minutes)"
	rm -rf "$RUN"
	mkdir -p "$RUN/out"
	truncate -s 2G "$RUN/out.img"
	t=$(date +%s)
	timeout "$TIMEOUT" $QEMU $(machine) $(accel) \
		-smp $(smp) -kernel "$kernel" -initrd "$DIR/initrd.cpio.gz" \
		-append "console=$CONSOLE hugetlb_cma=1G quiet loglevel=3 panic=-1$(guest_env)" \
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
	# record --bpf leaves tracefs alone and writes no formats
	if [ "$BPF" = 1 ]; then
		[ -s "$RUN/out/trace.txt" ] || fail "no trace from record --bpf"
		# a program the verifier refuses is a bug of ours, not a kernel
		# that lacks a feature (record then falls back, and the holders
		# may still be found: this catches it)
		! grep -q '^pinblame record: this kernel refused the .* programs' "$RUN/out/record.log" ||
			fail "the kernel's verifier refused a program: $(grep 'refused the' "$RUN/out/record.log" | head -1) (PB_E2E_BPF_DEBUG=1 puts its log in $RUN/out/record.log)"
		return
	fi
	grep -q 'PB-E2E-TRACEFS mounted by record' "$RUN/serial.log" ||
		fail "record did not mount tracefs"
	[ "$(cat "$RUN/out/after.txt")" = 1 ] ||
		fail "tracefs not restored after record: $(cat "$RUN/out/after.txt")"
	[ -s "$RUN/out/trace.txt" ] && [ -d "$RUN/out/trace.txt.d/formats" ] ||
		fail "no trace or formats from record"
}

# The hex pfns on stdin, once each, in decimal.
decimal_pfns() {
	local pfn
	while read -r pfn; do echo $((pfn)); done | sort -u
}

# Every held page's pfn, one per line, in decimal.
held_pfns() {
	# 0x0: not present at hold time
	tail -n +2 "$RUN/out/held-pages.tsv" | awk -F'\t' '$4 != "0x0" { print $4 }' | decimal_pfns
}

# The pfns that failed isolation, read from the trace without pinblame:
# test_pages_isolated prints "start_pfn=0x%lx end_pfn=0x%lx fin_pfn=0x%lx
# ret=%s", and fin_pfn is the first page that is not free (busy). ret is
# "fail" when fin_pfn < end_pfn, the kernel's own test, which is used here:
# Debian's 6.1 amd64 prints an empty ret= (the string is not in the trace
# text), its arm64 build prints fail.
failing_pfns() {
	local end fin
	sed -n 's/.* test_pages_isolated: .*end_pfn=\(0x[0-9a-f]*\) fin_pfn=\(0x[0-9a-f]*\) ret=.*/\1 \2/p' \
		"$RUN/out/trace.txt" | sort -u | while read -r end fin; do
		if [ $((fin)) -lt $((end)) ]; then echo $((fin)); fi
	done | sort -u
}

# A / B with three decimals, "nan" when B is 0.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "nan"; else printf "%.3f\n", a / b }'
}

at_least() {
	awk -v x="$1" -v min="$2" 'BEGIN { exit !(x != "nan" && x + 0 >= min + 0) }'
}

# Precision: of the pages pinblame blames on a holder, how many holdpages
# held. Recall: of the held pages that failed isolation (the truth), how
# many pinblame blames. Both over distinct pfns.
measure() {
	local blamed held truth hit
	held_pfns > "$RUN/held-pfns.txt"
	failing_pfns > "$RUN/failing-pfns.txt"
	comm -12 "$RUN/failing-pfns.txt" "$RUN/held-pfns.txt" > "$RUN/truth-pfns.txt"
	"$PINBLAME" -d "$RUN/e2e.db" query --csv "SELECT DISTINCT pfn FROM attributions" |
		tail -n +2 | sort -u > "$RUN/blamed-pfns.txt"
	blamed=$(wc -l < "$RUN/blamed-pfns.txt")
	held=$(comm -12 "$RUN/blamed-pfns.txt" "$RUN/held-pfns.txt" | wc -l)
	truth=$(wc -l < "$RUN/truth-pfns.txt")
	hit=$(comm -12 "$RUN/blamed-pfns.txt" "$RUN/truth-pfns.txt" | wc -l)
	PRECISION=$(ratio "$held" "$blamed")
	RECALL=$(ratio "$hit" "$truth")
	FIGURES="precision $PRECISION ($held of $blamed blamed pfns held), recall $RECALL ($hit of $truth failing held pfns blamed; $(wc -l < "$RUN/failing-pfns.txt") failing pfns)"
}

# The call site of each blamed pfn against the kind of page holdpages held
# there: a vmspliced anon page must be named __do_sys_vmsplice, a spliced
# tmpfs page do_splice, on every arch and kernel (the call-site rules name
# the holder by its role in the stack, not by the arch's entry code).
# KINDS: "N blamed held pfns, M named other than their holder"; the M in
# RUN/wrong-kind.txt.
check_kinds() {
	"$PINBLAME" -d "$RUN/e2e.db" query --csv \
		"SELECT DISTINCT pfn, callsite FROM attributions WHERE rank = 1 AND noise IS NULL" |
		tail -n +2 > "$RUN/blamed-kinds.csv"
	KINDS=$(python3 -c '
import csv, sys
holder = {"anon-vmsplice": "__do_sys_vmsplice", "shmem-splice": "do_splice",
	"anon-aio-dio": "__do_sys_io_submit"}
held = {}
with open(sys.argv[1]) as f:
	for row in csv.reader(f, delimiter="\t"):
		if row[0] in holder and int(row[3], 16):
			held[int(row[3], 16)] = holder[row[0]]
n = 0
with open(sys.argv[2]) as f, open(sys.argv[3], "w") as wrong:
	for pfn, callsite in csv.reader(f):
		if int(pfn) in held:
			n += 1
			if callsite != held[int(pfn)]:
				print(pfn, callsite, "held by", held[int(pfn)], file=wrong)
print(n)' "$RUN/out/held-pages.tsv" "$RUN/blamed-kinds.csv" "$RUN/wrong-kind.txt")
	KINDS="$KINDS blamed held pfns, $(wc -l < "$RUN/wrong-kind.txt") named other than their holder"
}

# The puts record --bpf keeps (page_pinner_put, from the run's first
# failure on). The O_DIRECT reads give their pages back when they complete,
# seconds after the failure, in the timer's interrupt: through
# unpin_user_page() (hooked) from the kernels whose bios pin their pages
# with iov_iter_extract_pages() (6.5 on here: bookworm's 6.1 takes them with
# FOLL_GET and gives them back with put_page(), inline and not hooked).
# Where it is hooked, every failing pfn of such a read must have its put
# written and imported as put-side evidence. PUTS: the figures.
check_puts() {
	local rel major minor
	PUTS= PUTS_MISSING= PUTS_UNREAD=
	[ "$BPF" = 1 ] || return 0
	tail -n +2 "$RUN/out/held-pages.tsv" | awk -F'\t' '$1 == "anon-aio-dio" { print $4 }' |
		decimal_pfns | comm -12 - "$RUN/truth-pfns.txt" > "$RUN/dio-failing-pfns.txt"
	sed -n 's/.* page_pinner_put: pfn=\(0x[0-9a-f]*\) .*/\1/p' "$RUN/out/trace.txt" |
		decimal_pfns > "$RUN/put-pfns.txt"
	"$PINBLAME" -d "$RUN/e2e.db" query --csv \
		"SELECT DISTINCT pfn FROM page_evidence WHERE kind = 'pinner_put'" |
		tail -n +2 | sort -u > "$RUN/put-evidence-pfns.txt"
	PUTS="puts after a failure: $(wc -l < "$RUN/put-pfns.txt") pfns written, $(wc -l < "$RUN/put-evidence-pfns.txt") imported as pinner_put; failing pfns of O_DIRECT reads $(wc -l < "$RUN/dio-failing-pfns.txt"), their puts written $(comm -12 "$RUN/dio-failing-pfns.txt" "$RUN/put-pfns.txt" | wc -l)"
	rel=$(kernel_release)
	major=${rel%%.*}
	minor=${rel#*.}
	minor=${minor%%[!0-9]*}
	[ "$major" -gt 6 ] || { [ "$major" = 6 ] && [ "$minor" -ge 5 ]; } || return 0
	PUTS_MISSING=$(comm -23 "$RUN/dio-failing-pfns.txt" "$RUN/put-pfns.txt" | head -3 | tr '\n' ' ')
	PUTS_UNREAD=$(comm -23 "$RUN/put-pfns.txt" "$RUN/put-evidence-pfns.txt" | head -3 | tr '\n' ' ')
}

# The first two call sites. arm64: both holders; __do_sys_vmsplice first
# where some 160 pfns failed (6.1, 6.12: 60% of the held pages are
# vmspliced anon ones, and so are about 60% of the failing pfns), in any
# order where fewer than 100 did: bullseye's 5.10 fails each 32 MB range
# of the area at its first busy page, 32 pfns, of which 13 anon and 19
# tmpfs in the kept run (testdata/real/arm64-5.10-ftrace-hugetlb-cma):
# which kind of held page the kernel put at the start of each range (the
# lower 13 ranges begin with anon pages, the upper 19 with tmpfs). amd64,
# and arm64 with 16K pages (gigantic pages of 1 GB, the whole hugetlb_cma
# area): 1 to 3 ranges reach the isolation test, one fin_pfn each, so
# where fewer than 10 pfns failed the order is luck there too; the names
# must be holders' (check_kinds says whose), in any order, and one of them
# may be missing.
check_order() {
	local name truth
	truth=$(wc -l < "$RUN/truth-pfns.txt")
	if [ "$ARCH" = arm64 ] && [ "$truth" -ge 100 ]; then
		[ "$1" = __do_sys_vmsplice ] || fail "first call site is '$1', not __do_sys_vmsplice"
		[ "$2" = do_splice ] || fail "second call site is '$2', not do_splice"
		return
	fi
	if [ "$ARCH" = arm64 ] && [ "$truth" -ge 10 ]; then
		[ "$1 $2" = "__do_sys_vmsplice do_splice" ] || [ "$1 $2" = "do_splice __do_sys_vmsplice" ] ||
			fail "first call sites are '$1' and '$2', not __do_sys_vmsplice and do_splice"
		return
	fi
	for name in "$1" "$2"; do
		case $name in
		__do_sys_vmsplice | do_splice | __do_sys_io_submit | -) ;;
		*) fail "call site '$name' is not a holder's (__do_sys_vmsplice, do_splice, __do_sys_io_submit)" ;;
		esac
	done
	[ "$1" != - ] || fail "no call site blamed"
}

# no_range_tried: why a kernel may test no range at all. Debian bullseye's
# 5.10 amd64 (no CMA, so the 1 GB pool grows through alloc_contig_pages())
# leaves out every range with a page in use: pfn_range_valid_contig() there
# returns false on page_count(page) > 0 (an in-use page; the check was
# dropped in 2021, after 5.10, by eb14d4eefdc4 "mm,page_alloc: drop
# unnecessary checks from pfn_range_valid_contig", since the range's pages
# can be migrated), and this workload holds a page in every 128 KB, so
# alloc_contig_pages() isolates, migrates and traces nothing and fails
# silently (nr_hugepages 2 -> 0). arm64's 5.10 takes its pages from the
# hugetlb_cma area through cma_alloc(), which has no such check.
check_blame() {
	local db=$RUN/e2e.db logs=()
	step "host: pinblame import and blame"
	rm -f "$db"*
	# the kernel log has the page dumps of failed migrations (6.1), which
	# join the splice probe's file offsets to pfns
	grep -q 'page dumped because' "$RUN/out/dmesg.txt" && logs=("$RUN/out/dmesg.txt")
	"$PINBLAME" -d "$db" import "$RUN/out/trace.txt" "${logs[@]}" > "$RUN/import.txt" ||
		fail "import failed: $(cat "$RUN/import.txt")"
	"$PINBLAME" -d "$db" blame --json > "$RUN/blame.json" || fail "blame failed"
	# "callsite failures pages" of the first two call sites, and all failures
	python3 -c '
import json, sys
b = json.load(sys.stdin)
c = b["callsites"] + [{"callsite": "-", "failures": 0, "pages": 0}] * 2
print(b["failures"])
for x in c[:2]:
	print(x["callsite"], x["failures"], x["pages"])' < "$RUN/blame.json" > "$RUN/top.txt"
	read -r failures < "$RUN/top.txt"
	read -r top top_failures top_pages < <(sed -n 2p "$RUN/top.txt")
	read -r second second_failures second_pages < <(sed -n 3p "$RUN/top.txt")
	measure
	check_kinds
	check_puts
	RESULT="$failures failures; $top: $top_failures failures, $top_pages pages; $second: $second_failures failures, $second_pages pages"
	[ "$BPF" = 1 ] && RESULT="$RESULT; BPF attached with $(sed -n 's/^# pinblame-record: bpf_attach=//p' "$RUN/out/trace.txt")"
	echo "$SUITE $(kernel_release): $FIGURES; $RESULT; $KINDS${PUTS:+; $PUTS}" > "$RUN/figures.txt"
	step "$FIGURES"
	step "$RESULT"
	step "$KINDS"
	[ -z "$PUTS" ] || step "$PUTS"
	[ "$failures" -gt 0 ] || grep -q ' test_pages_isolated: ' "$RUN/out/trace.txt" ||
		fail "the kernel tested no range for isolation ($(grep -a 'workload: nr_hugepages' "$RUN/serial.log" | cut -d' ' -f2- | tr -d '\r')): no allocation reached a held page, so no trace shows a failure (why a kernel may do that: the comment above check_blame)"
	[ "$failures" -gt 0 ] || fail "blame found no failure"
	[ ! -s "$RUN/wrong-kind.txt" ] ||
		fail "pfns blamed on another call site than their holder's: $(head -3 "$RUN/wrong-kind.txt" | tr '\n' ';')"
	check_order "$top" "$second"
	at_least "$PRECISION" $MIN_FIGURE || fail "precision $PRECISION < $MIN_FIGURE"
	at_least "$RECALL" $MIN_FIGURE || fail "recall $RECALL < $MIN_FIGURE"
	[ -z "$PUTS_MISSING" ] || fail "failing pfns of O_DIRECT reads without their put: $PUTS_MISSING"
	[ -z "$PUTS_UNREAD" ] || fail "puts written but not imported as pinner_put evidence: $PUTS_UNREAD"
}

# The median of the numbers on stdin.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (!NR) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The least of the numbers on stdin.
least() {
	sort -g | head -1
}

# The benchmark's lines "PB-BENCH mode=M rep=N rc=RC seconds=S cpu=C
# [attach=A]": every run must have worked. For each mode, of the loop's
# CPU time (cpu=) and of its time on the clock (seconds=): the median and
# its slowdown against no tracing, and the same of the fastest runs (the
# least disturbed by the host, which gives the vCPUs no time now and
# then). Under -icount the CPU time is the steady one (instructions, the
# waits for the disk left out); the clock then jumps over every idle
# moment to the next timer. Not a timed test: the figures are printed,
# not judged.
# bench_figures FILE KEY BASE MODE...: each MODE against the mode BASE.
bench_figures() {
	local f=$1 key=$2 base_mode=$3 mode med base least_base times attach line=""
	shift 3
	base=$(sed -n "s/^PB-BENCH mode=$base_mode .* $key=\([0-9.]*\).*/\1/p" "$f" | median)
	least_base=$(sed -n "s/^PB-BENCH mode=$base_mode .* $key=\([0-9.]*\).*/\1/p" "$f" | least)
	for mode in "$@"; do
		times=$(sed -n "s/^PB-BENCH mode=$mode .* $key=\([0-9.]*\).*/\1/p" "$f")
		med=$(echo "$times" | median)
		attach=$(sed -n "s/^PB-BENCH mode=$mode .* attach=\([a-z/]*\).*/\1/p" "$f" | sort -u | tr '\n' ' ')
		line="$line${line:+; }$mode${attach:+ (${attach% })} ${med}s x$(ratio "$med" "$base") (fastest x$(ratio "$(echo "$times" | least)" "$least_base"))"
	done
	echo "$line"
}

bench_report() {
	local f=$RUN/out/bench.txt clock="host clock"
	grep -q 'PB-E2E-BENCH rc=0' "$RUN/serial.log" || fail "the benchmark failed, see $RUN/serial.log"
	! grep '^PB-BENCH' "$f" | grep -v ' rc=0 ' || fail "a benchmark run failed, see $f"
	if [ "$KVM" = 1 ]; then
		clock="KVM, host clock"
	elif [ "$ICOUNT" = 1 ]; then
		clock="qemu -icount: a guest second is 10^9 instructions"
	fi
	local gup="none probe-gup bpf bpf-page bpf-kprobe bpf-kprobe-page bpf-puts bpf-cma"
	local cached="cached bpf-cached" rotate="rotate bpf-rotate"
	{
		echo "$SUITE $(kernel_release): $(grep -c '^PB-BENCH mode=none' "$f") runs each ($clock), median and slowdown vs none: loop CPU time: $(bench_figures "$f" cpu none $gup); loop time: $(bench_figures "$f" seconds none $gup)"
		echo "$SUITE $(kernel_release), the loop with a page cache read a round, slowdown vs cached: loop CPU time: $(bench_figures "$f" cpu cached $cached); loop time: $(bench_figures "$f" seconds cached $cached)"
		echo "$SUITE $(kernel_release), the loop over 512 buffers (no GUP call repeated within 10 ms), slowdown vs rotate: loop CPU time: $(bench_figures "$f" cpu rotate $rotate); loop time: $(bench_figures "$f" seconds rotate $rotate)"
	} > "$RUN/figures.txt"
	step "$(cat "$RUN/figures.txt")"
}

# The guest kernel's image: /boot/vmlinuz-KVER up to trixie; sid's 7.2
# packages (linux-binary-KVER, which linux-image-KVER depends on) ship it
# as /usr/lib/modules/KVER/vmlinuz and leave /boot empty.
kernel_image() {
	local f
	for f in "$ROOT/boot/vmlinuz-$1" "$ROOT/usr/lib/modules/$1/vmlinuz"; do
		[ -e "$f" ] && { echo "$f"; return; }
	done
	fail "no kernel image of $1 in $ROOT (boot/ or usr/lib/modules/)"
}

kernel_release() {
	cut -d' ' -f3 "$RUN/out/uname.txt" 2>/dev/null || echo "?"
}

summary() {
	echo "e2e: $SUITE: PASS in $(( $(date +%s) - T0 ))s (boot ${BOOT_SECONDS}s): kernel $(kernel_release)"
	echo "e2e:   trace $(wc -c < "$RUN/out/trace.txt") bytes, $(sed -n 's/.*: ftrace, \([0-9]* events\).*/\1/p' "$RUN/import.txt") imported"
	echo "e2e:   $(grep -E '^pinblame record: (probes|BPF)' "$RUN/out/record.log" | cut -c18-)"
	echo "e2e:   $FIGURES"
	echo "e2e:   $RESULT"
	echo "e2e:   $KINDS"
	[ -z "$PUTS" ] || echo "e2e:   $PUTS"
	echo "e2e:   results in $RUN/"
}

# One kernel, from download to blame; exits non-zero at the first failure
# (run in a subshell, so that the next kernel still runs).
run_kernel() {
	local kver image
	set_suite "$1"
	mkdir -p "$DIR"
	rm -f "$RUN/figures.txt"
	download_guest
	kver=$(basename "$(ls -d "$ROOT"/lib/modules/*)")
	build_guest_programs
	build_initrd "$kver"
	image=$(kernel_image "$kver")
	boot_guest "$image"
	if [ "$BENCH" = 1 ]; then
		bench_report
		return
	fi
	check_guest
	check_blame
	summary
}

main() {
	local suite failed=""
	[ -x "$PINBLAME" ] || fail "no $PINBLAME: run make first"
	mkdir -p "$CACHE"
	install_host_tools
	if kvm_works; then KVM=1; fi
	for suite in $KERNELS; do
		# in the background: a subshell tested with || would run
		# without errexit
		(run_kernel "$suite") &
		wait $! || failed="$failed $suite"
	done
	if [ "$BENCH" = 1 ]; then
		echo "e2e: benchmark per kernel:"
	else
		echo "e2e: figures per kernel (min $MIN_FIGURE):"
	fi
	for suite in $KERNELS; do
		set_suite "$suite"
		echo "e2e:   $(cat "$RUN/figures.txt" 2>/dev/null || echo "$suite: no figures")"
	done
	[ -z "$failed" ] || fail "failed on:$failed"
	echo "e2e: PASS on $KERNELS in $(( $(date +%s) - T0 ))s"
}

main "$@"
