#!/usr/bin/env bash
# trace-cmd report's one-line outputs print no event (doc/FORMATS.md
# section 1.1, "trace-cmd summaries"): --uname (trace-read.c
# read_data_info(), OUTPUT_UNAME_ONLY: "cpus=%d", tracecmd_print_uname()'s
# "%s\n" of trace-record.c add_uname()'s "%s %s %s %s", then, falling
# through, tracecmd_print_version()), --version (OUTPUT_VERSION_ONLY:
# "cpus=%d", then add_version()'s "%s %s"), -e ("file is %s endian and
# host is %s endian") and -p ("file page size is %d, and host page size is
# %d"). Each is refused, exit 3, by its name and with what to import
# instead; they were "no events understood" (--uname, --version) or
# "unrecognised format" (-e, -p).
. "$(dirname "$0")/lib.sh"

check() {	# FILE NAME
	export PINBLAME_DB=$TMP/$1.db
	pb import "$TMP/$1.txt"
	is "$rc" 3 "$2: refused, exit 3"
	like "$err" "$1.txt: $2's output" "$2: named as such"
	like "$err" "import the trace.dat" "$2: with what to import instead"
}
printf 'cpus=4\nLinux build 6.1.0-13-amd64 x86_64\n3.1.6 not-a-git-repo\n' >"$TMP/uname.txt"
printf 'cpus=1\n uname was not recorded in this file\n version was not recorded in this file\n' >"$TMP/nouname.txt"
printf 'cpus=4\n3.1.6 not-a-git-repo\n' >"$TMP/version.txt"
printf 'file is little endian and host is little endian\n' >"$TMP/endian.txt"
printf 'file page size is 4096, and host page size is 4096\n' >"$TMP/pagesize.txt"
check uname "trace-cmd report --uname"
check nouname "trace-cmd report --uname"
check version "trace-cmd report --version"
check endian "trace-cmd report -e"
check pagesize "trace-cmd report -p"

# the same options of a real trace-cmd on the arm64 capture's trace.dat
dat=$PB_TESTDATA/real/arm64-tracecmd-hugetlb-cma/trace.dat.xz
if command -v trace-cmd >/dev/null && [ -f "$dat" ]; then
	xz -dc "$dat" >"$TMP/trace.dat"
	trace-cmd report --uname -i "$TMP/trace.dat" >"$TMP/uname.txt" 2>/dev/null
	trace-cmd report --version -i "$TMP/trace.dat" >"$TMP/version.txt" 2>/dev/null
	trace-cmd report -e -i "$TMP/trace.dat" >"$TMP/endian.txt" 2>/dev/null
	trace-cmd report -p -i "$TMP/trace.dat" >"$TMP/pagesize.txt" 2>/dev/null
	check uname "trace-cmd report --uname"
	check version "trace-cmd report --version"
	check endian "trace-cmd report -e"
	check pagesize "trace-cmd report -p"
else
	for i in $(seq 12); do
		echo "ok $((_n + i)) # skip no trace-cmd or no capture"
	done
	_n=$((_n + 12))
fi
done_testing
