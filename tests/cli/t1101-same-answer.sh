#!/usr/bin/env bash
# One arm64 trace-cmd capture three ways (report text, trace.dat v7 with
# zstd, trace.dat v6) gives the same events, typed rows and stacks.
. "$(dirname "$0")/lib.sh"
cap=$REAL/arm64-tracecmd-hugetlb-cma

# trace-cmd report rounds timestamps to microseconds; trace.dat has ns.
dump() { # DB: everything that must not depend on the format
	"$PINBLAME" -d "$1" query --csv "SELECT event, count(*) FROM events GROUP BY event ORDER BY event"
	"$PINBLAME" -d "$1" query --csv "SELECT area, pid, comm, (start_ts_ns + 500) / 1000, (end_ts_ns + 500) / 1000, pfn, count, align, ok, errorno, busy_retries FROM cma_allocs ORDER BY start_ts_ns"
	"$PINBLAME" -d "$1" query --csv "SELECT (ts_ns + 500) / 1000, start_pfn, end_pfn, busy_pfn, kind, cma_alloc_id IS NULL FROM busy_ranges ORDER BY ts_ns, kind"
	"$PINBLAME" -d "$1" query --csv "SELECT (ts_ns + 500) / 1000, reason, mode, succeeded, failed FROM migrations ORDER BY ts_ns"
	"$PINBLAME" -d "$1" query --csv "SELECT DISTINCT folded FROM stacks ORDER BY folded"
}

for f in trace-cmd-report.txt.xz trace.dat.xz trace-v6.dat.xz; do
	fixture "$f imports" "$PINBLAME" -d "$TMP/$f.db" import "$cap/$f"
	dump "$TMP/$f.db" > "$TMP/$f.dump"
done
like "$(sed -n 1p "$TMP/trace.dat.xz.dump")" '^event,count' "the dump has content"
cmp -s "$TMP/trace-cmd-report.txt.xz.dump" "$TMP/trace.dat.xz.dump"
ok $? "report text and trace.dat v7: identical events, allocations, busy ranges, migrations, stacks"
cmp -s "$TMP/trace.dat.xz.dump" "$TMP/trace-v6.dat.xz.dump"
ok $? "trace.dat v7 and v6: identical"

# The capture README's counts (checked there with an independent counter).
for f in trace-cmd-report.txt.xz trace.dat.xz trace-v6.dat.xz; do
	export PINBLAME_DB=$TMP/$f.db
	is "$(sql "SELECT count(*) FROM events WHERE event = 'cma:cma_alloc_start'")" 22 "$f: cma_alloc_start 22"
	is "$(sql "SELECT count(*) || '/' || sum(ok = 0) FROM cma_allocs WHERE end_ts_ns IS NOT NULL")" 22/2 "$f: 22 finished, 2 failed"
	is "$(sql "SELECT count(*) FROM busy_ranges WHERE kind = 'cma_busy_retry'")" 64 "$f: 64 busy retries"
	is "$(sql "SELECT count(*) || '/' || (SELECT count(*) FROM busy_ranges WHERE kind = 'isolation') FROM events WHERE event = 'page_isolation:test_pages_isolated'")" 328/306 "$f: 328 isolation tests, 306 failed"
	is "$(sql "SELECT count(*) FROM events e WHERE e.event = 'cma:cma_alloc_start' AND e.stack_id IS NULL")" 0 "$f: every cma_alloc_start has its stack"
done
done_testing
