#!/usr/bin/env bash
# The arm64 trace-cmd capture, as report text and as trace.dat: the same
# failures; no probes were used, so no page is attributed (never guessed).
. "$(dirname "$0")/lib.sh"
cap=$REAL/arm64-tracecmd-hugetlb-cma

xz -dc "$cap/trace-cmd-report.txt.xz" >"$TMP/report.txt"
failed=$(grep -c 'cma_alloc_finish: .*name=hugetlb0 .*page=(nil)' "$TMP/report.txt")
retries=$(grep -c 'cma_alloc_busy_retry: .*name=hugetlb0' "$TMP/report.txt")
is "$failed/$retries" 2/64 "grep: 2 failed hugetlb0 allocations, 64 busy retries"

summary() {
	jq -c '[.failures[] | select(.kind == "cma_alloc") | [.area, .busy_ranges, .outcome]]'
}
for input in trace-cmd-report.txt.xz trace.dat.xz; do
	export PINBLAME_DB=$TMP/$input.db
	setup "$input: import exits 0" "$PINBLAME" import "$cap/$input" "$cap/dmesg.txt"
	pb failures --json
	is "$(printf '%s' "$out" | summary)" \
		'[["hugetlb0",32,"recovered"],["hugetlb0",32,"recovered"]]' \
		"$input: 2 failed hugetlb0 allocations with 32 busy ranges each"
	is "$(printf '%s' "$out" | jq -c '[.failures[] | select(.kind == "migrate") | .reason]')" \
		'["compaction","longterm_pin"]' "$input: compaction and longterm_pin fail too"
	pb blame --json
	is "$(printf '%s' "$out" | jq -c '[.attributed, .unattributed, .attributed_pages]')" '[0,6,0]' \
		"$input: nothing attributed without holder evidence"
done

# The busy pages are still shown with their dumps (the trace.dat store).
export PINBLAME_DB=$TMP/trace.dat.xz.db
fin=$(grep 'test_pages_isolated:' "$TMP/report.txt" | grep 'ret=fail' |
	sed 's/.*fin_pfn=\([^ ]*\).*/\1/' | sort -u | wc -l)
is "$fin" 153 "grep: 153 distinct failing fin_pfns"
is "$(sql "SELECT count(DISTINCT pfn) FROM failure_pfn WHERE pfn IN
	(SELECT busy_pfn FROM busy_ranges WHERE kind = 'isolation')")" "$fin" \
	"all of them are busy pages of a failure"
pb show --pages 2
like "$out" 'dump at [0-9.]+: refcount 3 mapcount 0 file holdpages.dat' "show lists a page's dump"
like "$out" 'no holder evidence' "and says when there is no holder evidence"
done_testing
