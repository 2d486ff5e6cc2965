#!/bin/bash
# t9004-static.sh - the binaries of 'make static-record', when they are
# there (the target downloads an arm64 sysroot: make check does not build
# them): each is statically linked (no program interpreter), runs with
# nothing beside it, prints VERSION, has record, and imports; the aarch64
# one under qemu-user. Reading a trace.dat fails with a message saying why.
. "$(dirname "$0")/lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
version=$(cat "$TOP/VERSION")
host=$(uname -m)

skip() {
	_report 0 "$1 # SKIP $2"
}

for arch in $(printf '%s\n' "$host" aarch64 | sort -u); do
	bin=$TOP/build-static/$arch/pinblame
	runner=
	[ "$arch" = "$host" ] || runner=$(command -v "qemu-$arch-static")
	if [ ! -x "$bin" ]; then
		skip "$arch: static binary" "no $bin: run make static-record"
		continue
	fi
	if [ "$arch" != "$host" ] && [ -z "$runner" ]; then
		skip "$arch: static binary" "no qemu-$arch-static (apt-get install qemu-user-static)"
		continue
	fi
	is "$(readelf -l "$bin" | grep -c INTERP)" 0 "$arch: no program interpreter (statically linked)"
	is "$(readelf -d "$bin" 2>&1 | grep -c NEEDED)" 0 "$arch: no shared library needed"
	# an empty environment and a directory with nothing in it, as on a board
	mkdir -p "$TMP/$arch"
	run env -i $runner "$bin" --version
	is "$out" "pinblame $version" "$arch: --version is VERSION"
	run env -i $runner "$bin" record --help
	like "$rc:$out" '^0:usage: pinblame \[-d DB\] record' "$arch: record --help"
	run env -i $runner "$bin" -d "$TMP/$arch/s.db" import "$REAL/arm64-ftrace-hugetlb-cma/dmesg.txt"
	like "$rc:$out" '^0:.*dmesg.txt: kmsg, [0-9]+ events' "$arch: imports a kernel log"
done

bin=$TOP/build-static/$host/pinblame
if [ -x "$bin" ]; then
	xz -dc "$REAL/arm64-tracecmd-hugetlb-cma/trace.dat.xz" > "$TMP/trace.dat"
	run "$bin" -d "$TMP/dat.db" import "$TMP/trace.dat"
	is "$rc" 3 "$host: a trace.dat is an input error"
	like "$err" "static pinblame .* cannot read trace.dat: Debian has no static libtracecmd" \
		"$host: the message says why and what to use"
else
	skip "$host: trace.dat refused" "no $bin: run make static-record"
fi

done_testing
