#!/usr/bin/env bash
# A failed isolation test repeated many times (a task retrying
# alloc_contig_range() on a page somebody holds) is kept as one run of
# repeats by the failure finder, so that its memory does not grow with the
# repeats. The failures must be those of one event at a time: cut by a
# successful test and by a pause of more than 5 s (ATTEMPT_GAP_NS), each
# page reported at its earliest test, tasks apart. Lines written from
# test_pages_isolated's TP_printk ("start_pfn=0x%lx end_pfn=0x%lx
# fin_pfn=0x%lx ret=%s", include/trace/events/page_isolation.h); expected
# values worked out by hand from those rules.
. "$(dirname "$0")/lib.sh"

START=0x100000
END=0x102000
# iso TIME PID FIN_PFN [RET]: one test_pages_isolated line.
iso() {
	printf '              sh-%d     (    %d) [000] .....  %11s: test_pages_isolated: start_pfn=%s end_pfn=%s fin_pfn=%s ret=%s\n' \
		"$2" "$2" "$1" "$START" "$END" "$3" "${4:-fail}"
}
header() { printf '# tracer: nop\n#\n'; }

# One task: three repeats, a success, repeats 4 s apart, a 6 s pause.
{
	header
	iso 1.000000 106 0x101234
	iso 2.000000 106 0x101234
	iso 3.000000 106 0x101234
	iso 3.500000 106 $END success
	iso 4.000000 106 0x101234
	iso 8.000000 106 0x101234
	iso 12.000000 106 0x101234
	iso 18.000000 106 0x101234
	iso 19.000000 106 0x101234
} >"$TMP/cuts.txt"
export PINBLAME_DB=$TMP/cuts.db
setup "repeated tests import" "$PINBLAME" import "$TMP/cuts.txt"
windows="SELECT group_concat(w, ' ') FROM (SELECT (start_ts_ns / 100000000) || '-' ||
	(end_ts_ns / 100000000) || ':' || outcome AS w FROM failures ORDER BY id)"
is "$(sql "$windows")" "10-35:recovered 40-120:final 180-190:final" \
	"a success ends the run's attempt, a 6 s pause starts another, 4 s does not"
is "$(sql "SELECT group_concat(ts_ns / 1000000, ' ') FROM (SELECT ts_ns FROM failure_pfn ORDER BY failure_id)")" \
	"1000 4000 18000" "each failure's page at the earliest test that reported it"

# Two tasks interleaved, one of them alternating between two pages.
{
	header
	for s in 1 2 3 4 5 6; do
		iso "$s.000000" 106 0x101234
		if [ $((s % 2)) = 1 ]; then
			iso "$s.500000" 107 0x101111
		else
			iso "$s.500000" 107 0x101222
		fi
	done
} >"$TMP/tasks.txt"
export PINBLAME_DB=$TMP/tasks.db
pb import "$TMP/tasks.txt"
is "$(sql "SELECT group_concat(pid || ':' || (start_ts_ns / 100000000) || '-' ||
	(end_ts_ns / 100000000) || ':' || pages, ' ') AS v
	FROM (SELECT * FROM failures ORDER BY id)")" "106:10-60:1 107:15-65:2" \
	"tasks interleaved keep their own failures; a page changing between repeats is counted"
is "$(sql "SELECT group_concat(pfn || '@' || (ts_ns / 100000000), ' ') FROM
	(SELECT pfn, ts_ns FROM failure_pfn WHERE failure_id = 2 ORDER BY pfn)")" \
	"$((0x101111))@15 $((0x101222))@25" "each page at its first report"

# Failed migrations repeated by compaction (mm_migrate_pages, TP_printk of
# include/trace/events/migrate.h since 5.x: "nr_succeeded=%lu nr_failed=%lu
# nr_thp_succeeded=%lu nr_thp_failed=%lu nr_thp_split=%lu mode=%s
# reason=%s"): runs of them too, their failed pages summed.
mig() {
	printf '         kswapd0-%d     (    %d) [001] .....  %11s: mm_migrate_pages: nr_succeeded=1 nr_failed=%d nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_ASYNC reason=%s\n' \
		"$2" "$2" "$1" "$3" "${4:-compaction}"
}
{
	header
	mig 1.000000 90 2
	mig 2.000000 90 3
	mig 2.500000 90 1 numa_misplaced
	mig 3.000000 90 4
	mig 10.000000 90 5
	mig 11.000000 90 6
} >"$TMP/mig.txt"
export PINBLAME_DB=$TMP/mig.db
pb import "$TMP/mig.txt"
pb failures --json
is "$(printf '%s' "$out" | jq -r '[.failures[] | "\(.reason):\(.start_ts_ns / 100000000 | floor)-\(.end_ts_ns / 100000000 | floor):\(.failed_migrations):\(.pages)"] | join(" ")')" \
	"compaction:10-30:3:9 numa_misplaced:25-25:1:1 compaction:100-110:2:11" \
	"each reason its own attempts, cut by a 7 s pause; migrations counted, failed pages summed"

# Many repeats, 10 us apart: one failure from the first line to the last.
n=20000
{
	header
	line=$(iso 1.000000 106 0x101234)
	awk -v n=$n -v line="$line" 'BEGIN {
		for (i = 0; i < n; i++) {
			ts = sprintf("%d.%06d", 1 + int(i / 100000), (i % 100000) * 10)
			l = line
			sub(/1\.000000:/, ts ":", l)
			print l
		}
	}'
} >"$TMP/many.txt"
first=$(awk -F': ' 'NR == 3 { split($1, a, " "); print a[length(a)] }' "$TMP/many.txt")
last=$(awk -F': ' 'END { split($1, a, " "); print a[length(a)] }' "$TMP/many.txt")
export PINBLAME_DB=$TMP/many.db
pb import "$TMP/many.txt"
like "$out" "$n events" "all $n repeats import"
is "$(sql "SELECT count(*) || ' ' || start_ts_ns || ' ' || end_ts_ns || ' ' || pages || ' ' || busy_ranges FROM failures")" \
	"1 ${first/./}000 ${last/./}000 1 1" "one failure from the first repeat ($first) to the last ($last)"
pb failures --json
like "$out" '"line":3}' "it points at the first repeat's line"

done_testing
