#!/usr/bin/env bash
# demo.sh PINBLAME - imports the bundled real capture (arm64, Debian 6.1,
# hugetlb CMA with pages held by vmsplice/splice) into a fresh store and
# shows what pinblame finds.
set -eu
pb=$1
db=${PINBLAME_DEMO_DB:-demo.db}
cap=testdata/real/arm64-ftrace-hugetlb-cma
rm -f "$db" "$db-wal" "$db-shm"
say() { printf '\n$ %s\n' "$*"; }
say pinblame -d "$db" import $cap/trace.txt.xz $cap/dmesg.txt
"$pb" -d "$db" import $cap/trace.txt.xz $cap/dmesg.txt
say pinblame -d "$db" info
"$pb" -d "$db" info
for cmd in failures blame; do
	if "$pb" help "$cmd" >/dev/null 2>&1; then
		say pinblame -d "$db" $cmd
		"$pb" -d "$db" $cmd | head -40
	fi
done
printf '\nThe store is %s; try: ./pinblame -d %s query "SELECT * FROM cma_allocs WHERE ok = 0"\n' "$db" "$db"
