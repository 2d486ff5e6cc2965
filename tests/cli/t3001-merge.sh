#!/usr/bin/env bash
# merge: two stores of different machines give one store with the sum of
# their rows, relations intact; a source already present is skipped. Each
# group of cases merges into a fleet store of its own, so one failing case
# does not change what the next group sees.
. "$(dirname "$0")/lib.sh"
arm=$REAL/arm64-ftrace-hugetlb-cma
amd=$REAL/amd64-ftrace-gigantic-nocma
A=$TMP/arm.db B=$TMP/amd.db

fixture "the arm64 machine's store" "$PINBLAME" -d "$A" import "$arm/trace.txt.xz" "$arm/dmesg.txt"
fixture "the amd64 machine's store" "$PINBLAME" -d "$B" import "$amd/trace.txt.xz" "$amd/dmesg.txt"

# q DB SQL: the single value of SQL over DB.
q() { "$PINBLAME" -d "$1" query --csv "$2" | sed -n 2p; }
sum() { echo $(( $(q "$A" "$1") + $(q "$B" "$1") )); }
# fleet NAME: a new store $TMP/NAME.db with both machines merged into it.
fleet() {
	"$PINBLAME" merge "$TMP/$1.db" "$A" "$B" >/dev/null
	echo "$TMP/$1.db"
}

M=$TMP/fleet.db
pb merge "$M" "$A" "$B"
is "$rc" 0 "merge exits 0"
is "$out" "$A: 2 sources merged (332526 events), 0 already present
$B: 2 sources merged (62465 events), 0 already present" "merge says what it copied"

for t in sources events event_fields cma_allocs busy_ranges migrations frames; do
	is "$(q "$M" "SELECT count(*) FROM $t")" "$(sum "SELECT count(*) FROM $t")" "$t: sum of both stores"
done
# Evidence read from the inputs adds up; probe evidence is the analysis's.
imported="SELECT count(*) FROM page_evidence WHERE kind NOT IN ('probe', 'dump_probe')"
is "$(q "$M" "$imported")" "$(sum "$imported")" "page_evidence from the inputs: sum of both stores"
is "$(q "$M" "SELECT count(*) FROM events")" 394991 "events: 332,526 + 62,465"
is "$(q "$M" "SELECT count(*) FROM cma_allocs WHERE ok = 0")" 4 "the 4 failed CMA allocations of arm64"
is "$(q "$M" "SELECT sum(failed) FROM migrations WHERE reason = 'memory_hotplug'")" 30010 "amd64 offlining: 30,010 failed pages"
is "$(q "$M" "SELECT count(*) FROM stacks")" "$(sum "SELECT count(*) FROM stacks")" "no stack shared by arm64 and amd64"

# Every event keeps its name, comm and stack, per source.
per_source="SELECT s.sha256, e.event, e.comm, count(*), group_concat(DISTINCT st.folded)
  FROM events e JOIN sources s ON s.id = e.source_id
  LEFT JOIN stacks st ON st.id = e.stack_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
both=$( ("$PINBLAME" -d "$A" query --csv "$per_source"; "$PINBLAME" -d "$B" query --csv "$per_source") | sort | uniq)
is "$("$PINBLAME" -d "$M" query --csv "$per_source" | sort)" "$both" "events keep their names, comms and stacks"
alloc_busy="SELECT s.sha256, a.area, a.ok, count(b.id) FROM cma_allocs a
  JOIN sources s ON s.id = a.source_id LEFT JOIN busy_ranges b ON b.cma_alloc_id = a.id
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
is "$("$PINBLAME" -d "$M" query --csv "$alloc_busy")" "$("$PINBLAME" -d "$A" query --csv "$alloc_busy")" \
	"busy ranges still point at their CMA allocation"
is "$(q "$M" "SELECT value FROM meta WHERE key = 'analysis'")" fresh "the first read (query) analyses the merged store"
is "$(q "$M" "SELECT count(*) FROM failures")" "$(sum "SELECT count(*) FROM failures")" "its failures are those of both stores"
# The fleet ranking is each machine's added up: arm64 blames vmsplice for
# 8 failures / 90 pages and splice for 4 / 43, amd64 splice for 1 / 10.
# Evidence never crosses from one machine's boot to the other's pfns.
blame_row() { "$PINBLAME" -d "$1" blame --json | python3 -c 'import json, sys
for c in json.load(sys.stdin)["callsites"]: print(c["callsite"], c["failures"], c["pages"])'; }
is "$(blame_row "$M")" "$(printf '__do_sys_vmsplice 8 90\ndo_splice 5 53')" "fleet blame: the sum of both machines"
is "$(blame_row "$B")" "do_splice 1 10" "amd64 alone: splice, 1 failure, 10 pages"

M=$(fleet again)
pb merge "$M" "$A"
is "$rc" 0 "merging a store again exits 0"
is "$out" "$A: 0 sources merged (0 events), 2 already present" "and copies nothing"
is "$(q "$M" "SELECT count(*) FROM events")" 394991 "events unchanged"

# Another machine that imported one of the same files: deduplicated.
C=$TMP/other.db
"$PINBLAME" -d "$C" import "$arm/dmesg.txt" "$SAMPLES/dmesg-6.6-dump_page-folio.txt" >/dev/null 2>&1
M=$(fleet dedup)
pb merge "$M" "$C"
like "$out" "1 sources merged \\([0-9]+ events\\), 1 already present" "a source already merged is skipped"
is "$(q "$M" "SELECT count(*) FROM sources")" 5 "5 distinct sources"

M=$(fleet errors)
pb merge "$M"
is "$rc" 2 "no input store: usage error"
pb merge "$M" "$M"
is "$rc" 2 "output among the inputs: usage error"
pb merge "$M" "$TMP/missing.db"
is "$rc" 4 "missing input: store error"
like "$err" "missing.db" "names the missing store"
echo "not a store" > "$TMP/junk.db"
pb merge "$M" "$TMP/junk.db"
is "$rc" 4 "not a store: store error"
is "$(q "$M" "SELECT count(*) FROM events")" 394991 "failed merges leave the store as it was"
pb merge --help
is "$rc" 0 "--help exits 0"
done_testing
