#!/usr/bin/env bash
# A kernel log's "PFNs busy" lines outside any traced allocation wait in a
# temporary table while the failures are found, inserted LOOSE_BATCH (32)
# to a statement (lib/analyze/failures_loose_table.c); a record with more
# than a range ("alloc failed", a driver's "Failed to allocate") is
# inserted alone, after the ranges before it. Runs of 70, 33 and 5 busy
# lines (more than two batches, one and a remainder, fewer than one), cut
# by those two records, must still make the three failures the grouping
# rule gives (doc/FORMATS.md section 2.2): each task's run, final where an
# "alloc failed" or a driver's line follows it. The log is written from
# 6.1's formats with printk caller ids ("[%6s]"); expected figures come
# from the log with awk.
. "$(dirname "$0")/lib.sh"

log=$TMP/runs.log
{
	echo "[    0.000000] Linux version 6.1.0-18-arm64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP Debian 6.1.76-1 (2024-02-01)"
	# busy T TIME_S N FIRST_PFN: N lines of task T, 10 us and 0x20 pages apart
	busy() {
		for ((i = 0; i < $3; i++)); do
			printf '[%5d.%06d] [%6s] alloc_contig_range: [%x, %x) PFNs busy\n' "$2" \
				$((100000 + i * 10)) "$1" $(($4 + i * 0x20)) $(($4 + i * 0x20 + 0x20))
		done
	}
	busy T100 10 70 0x10000
	echo "[   10.900000] [  T100] cma: cma_alloc: reserved: alloc failed, req-size: 512 pages, ret: -16"
	busy T200 20 33 0x30000
	echo "[   20.900000] [  T200] vc4-drm gpu: [drm:vc4_bo_create [vc4]] *ERROR* Failed to allocate from CMA:"
	busy T200 21 5 0x40000
} >"$log"

# the runs of busy lines, each as "task lines first_pfn last_end_pfn"
runs=$(awk '/PFNs busy/ { match($0, /T[0-9]+\]/); t = substr($0, RSTART, RLENGTH - 1)
	match($0, /\[[0-9a-f]+, [0-9a-f]+\)/); split(substr($0, RSTART + 1, RLENGTH - 2), r, ", ")
	if (!n || t != task || cut) { if (n) print task, n, first, end; task = t; n = 0; first = r[1]; cut = 0 }
	n++; end = r[2]; next }
	/alloc failed|Failed to allocate/ { cut = 1 }
	END { print task, n, first, end }' "$log")
expected=$(printf '%s\n' "$runs" | while read -r task n first end; do
	printf '%s|%s|%s|%s\n' "${task#T}" "$n" $((0x$first)) $((0x$end))
done | paste -sd " ")

export PINBLAME_DB=$TMP/runs.db
setup "imports" "$PINBLAME" import "$log"
like "$out" "runs.log: kmsg, $(grep -c -e 'PFNs busy' -e 'alloc failed' -e 'Failed to allocate' "$log") events, 0 bad lines" \
	"every line a record"
is "$(sql "SELECT group_concat(f, ' ') FROM (SELECT pid || '|' || busy_ranges || '|' || start_pfn || '|' || end_pfn AS f FROM failures ORDER BY id)")" \
	"$expected" "one failure per run, each with all of its busy lines and its range"
is "$(sql "SELECT group_concat(kind || ':' || outcome, ' ') FROM (SELECT kind, outcome FROM failures ORDER BY id)")" \
	"cma_alloc:final busy_range:final busy_range:unknown" \
	"the run before alloc failed is its cma_alloc failure; the driver's line ends its task's run"
is "$(sql "SELECT sum(busy_ranges) FROM failures")" "$(grep -c 'PFNs busy' "$log")" "no busy line lost"
done_testing
