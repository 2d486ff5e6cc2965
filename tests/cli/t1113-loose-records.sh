#!/usr/bin/env bash
# Records without a task (kernel-log busy lines, dumps, "alloc failed"
# lines) go through three passes of the failure finder, each reading them
# from the store in its own order (lib/analyze/failures_loose.c): a record
# that a failure's time window holds (up to 1 s after its end, the
# kernel log printing late) joins it and widens it for the records after
# it; an "alloc failed" line takes the busy lines and dumps of its log of
# the 5 s before it; the rest are grouped by kind, boot and time (a pause
# of more than 5 s ends a run), across the logs of one boot and never
# across boots. The lines are written from the kernels' format strings
# (doc/FORMATS.md, section 2; cma_alloc_start/finish from
# include/trace/events/cma.h); every expected value is worked out by hand
# from the rules above.
. "$(dirname "$0")/lib.sh"

# A cma_alloc() of camera[700] that failed with -EBUSY, traced from 300.0
# to 300.5 s: the window of its failure.
cat >"$TMP/trace.txt" <<'EOF'
# tracer: nop
#
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
          camera-700     [001] .....   300.000000: cma_alloc_start: name=reserved count=1024 align=8
          camera-700     [001] .....   300.500000: cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=1024 align=8 errorno=-16
EOF
# Its kernel log, no task named:
# - 300.2 is inside the window; 301.4 is 0.9 s after its end: both join,
#   and the window ends at 301.4; 302.3 is 1.8 s after the traced end but
#   0.9 s after the widened one: it joins too (3 ranges, 300.0 to 302.3).
# - 320.0 is 10 s before the "alloc failed" line at 330.0: not taken, a
#   run of its own (recovered); 326.0 and the dump of pfn 0xb0410 at 329.0
#   are within 5 s: that failure's (1 range, 1 page, 326.0 to 330.0); the
#   busy line at 330.5 comes after the line: a run of its own, 10.5 s
#   after 320.0 (recovered).
# - 400.0 and 400.6 here, 400.3 in b.txt (imported with it, times
#   overlapping: one boot): one run of 3 ranges across both logs; c.txt,
#   imported apart (a boot of its own), has a line at 400.2 that neither
#   joins that run nor cuts it.
cat >"$TMP/a.txt" <<'EOF'
[  300.200000] alloc_contig_range: [a0000, a0400) PFNs busy
[  301.400000] alloc_contig_range: [a0400, a0800) PFNs busy
[  302.300000] alloc_contig_range: [a0800, a0c00) PFNs busy
[  320.000000] alloc_contig_range: [b0000, b0400) PFNs busy
[  326.000000] alloc_contig_range: [b0400, b0800) PFNs busy
[  329.000000] page:ffffea0002028400 refcount:3 mapcount:1 mapping:ffff888012345679 index:0x7f20671f7 pfn:0xb0410
[  329.000010] flags: 0x100000000080014(uptodate|lru|swapbacked)
[  329.000020] page dumped because: migration failure
[  330.000000] cma: cma_alloc: reserved: alloc failed, req-size: 1024 pages, ret: -16
[  330.500000] alloc_contig_range: [b0800, b0c00) PFNs busy
[  400.000000] alloc_contig_range: [c0000, c0400) PFNs busy
[  400.600000] alloc_contig_range: [c0800, c0c00) PFNs busy
EOF
cat >"$TMP/b.txt" <<'EOF'
[  400.300000] alloc_contig_range: [c0400, c0800) PFNs busy
EOF
cat >"$TMP/c.txt" <<'EOF'
[  400.200000] alloc_contig_range: [d0000, d0400) PFNs busy
EOF

export PINBLAME_DB=$TMP/passes.db
import_passes() {
	"$PINBLAME" import -q "$TMP/trace.txt" "$TMP/a.txt" "$TMP/b.txt" &&
		"$PINBLAME" import -q "$TMP/c.txt"
}
setup "the trace with two logs, then a third log apart, import" import_passes
copy_store "$PINBLAME_DB" "$TMP/passes-unanalysed.db"
is "$(sql "SELECT count(DISTINCT boot) || ' ' || count(boot) FROM sources")" "1 3" \
	"the trace and the two logs imported with it are one boot, the third is none"
pb failures --json
rows=$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .pid, .outcome, .errorno, .busy_ranges,
	.start_pfn, .end_pfn, .start_ts_ns / 100000000, .end_ts_ns / 100000000, .busy_pfns,
	(.source | sub(".*/"; ""))]]')
row() { printf '%s' "$rows" | jq -c ".[$1]"; }
is "$(printf '%s' "$rows" | jq length)" 6 "six failures"
is "$(row 0)" "[\"cma_alloc\",700,\"final\",-16,3,$((0xa0000)),$((0xa0c00)),3000,3023,[],\"trace.txt\"]" \
	"the traced allocation's window took the busy line 1.8 s after its end, through the one 0.9 s after"
is "$(row 1)" "[\"busy_range\",null,\"unknown\",null,1,$((0xb0000)),$((0xb0400)),3200,3200,[],\"a.txt\"]" \
	"the busy line 10 s before 'alloc failed' is a run of its own, whose end the log does not tell"
is "$(row 2)" "[\"cma_alloc\",null,\"final\",-16,1,$((0xb0400)),$((0xb0800)),3260,3300,[$((0xb0410))],\"a.txt\"]" \
	"'alloc failed' took the busy line and the dump of the 5 s before it, with the error it printed"
is "$(row 3)" "[\"busy_range\",null,\"unknown\",null,1,$((0xb0800)),$((0xb0c00)),3305,3305,[],\"a.txt\"]" \
	"the busy line after 'alloc failed' is not its"
is "$(row 4)" "[\"busy_range\",null,\"unknown\",null,3,$((0xc0000)),$((0xc0c00)),4000,4006,[],\"a.txt\"]" \
	"the busy lines of the two logs of one boot are one run"
is "$(row 5)" "[\"busy_range\",null,\"unknown\",null,1,$((0xd0000)),$((0xd0400)),4002,4002,[],\"c.txt\"]" \
	"the line of the log of another boot is a run of its own"

# Two tasks' busy lines interleaved (CONFIG_PRINTK_CALLER's "[T%u]"), 20
# each, 0.1 s apart, each range a new one: in the finder's order (by task,
# then time) the records come in many short runs, which it sorts rather
# than merges; still one failure per task with its 20 ranges.
for i in $(seq 0 39); do
	printf '[  %d.%d00000] [  T%d] alloc_contig_range: [%x, %x) PFNs busy\n' \
		$((10 + i / 10)) $((i % 10)) $((901 + i % 2)) $((0xe0000 + i * 0x400)) \
		$((0xe0400 + i * 0x400))
done >"$TMP/tasks.txt"
export PINBLAME_DB=$TMP/tasks.db
setup "interleaved tasks import" "$PINBLAME" import -q "$TMP/tasks.txt"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.pid, .busy_ranges, .start_pfn, .end_pfn]]')" \
	"[[901,20,$((0xe0000)),$((0xe0000 + 38 * 0x400 + 0x400))],[902,20,$((0xe0400)),$((0xe0400 + 39 * 0x400))]]" \
	"one failure per task, each with its 20 ranges"

# Each pass reads and writes the records through SQL: a step that fails
# (PB_TEST_FAIL_STEP, as a disk I/O error would) stops the analysis with
# exit 4, and the store keeps no failure of a half-done analysis.
# fault STORE TEXT WHAT: the analysis of a copy of STORE with the steps of
# the statement whose SQL holds TEXT failing.
fault() {
	copy_store "$1" "$TMP/fault.db"
	PB_TEST_FAIL_STEP=$2 run "$PINBLAME" -d "$TMP/fault.db" failures
	is "$rc/$out/$(sqlite3 "$TMP/fault.db" "SELECT count(*) || ' ' || (SELECT value FROM meta
		WHERE key = 'analysis') FROM failure")" "4//0 stale" \
		"a failing $3 exits 4 and leaves the analysis to do"
}
fault "$TMP/passes-unanalysed.db" "INSERT INTO temp.pb_loose" "write of a record into the table"
fault "$TMP/passes-unanalysed.db" "ts_load IS NULL AND how" "read in load order (windows)"
fault "$TMP/passes-unanalysed.db" "NOT INDEXED WHERE how" "read of the 'alloc failed' lines"
fault "$TMP/passes-unanalysed.db" "ts_ns BETWEEN :from AND :to" "read of the records before one"
fault "$TMP/passes-unanalysed.db" "DELETE FROM temp.pb_loose" "removal of a record taken"
fault "$TMP/passes-unanalysed.db" "WHERE seq >= :from" "read of a run in order (merged)"
fault "$TMP/passes-unanalysed.db" "WHERE how = :how AND ts_ns >= 0" "read of the drivers' lines"
setup "interleaved tasks import again" "$PINBLAME" -d "$TMP/tasks-unanalysed.db" import -q "$TMP/tasks.txt"
fault "$TMP/tasks-unanalysed.db" "ORDER BY kind, grp" "read of the records sorted"
# a log without times, a driver's line in it: the lines after it are moved
printf '%s\n' 'alloc_contig_range: [d0000, d0400) PFNs busy' \
	'ion_cma_heap: failed to allocate 4194304 bytes' \
	'alloc_contig_range: [d1000, d1400) PFNs busy' >"$TMP/untimed.txt"
setup "a log without times imports" "$PINBLAME" -d "$TMP/untimed.db" import -q "$TMP/untimed.txt"
fault "$TMP/untimed.db" "UPDATE temp.pb_loose SET ts_ns" "move of a record after a driver's line"

done_testing
