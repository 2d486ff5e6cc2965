#!/usr/bin/env bash
# On a clock that counts ticks, not ns (trace_clock counter, x86-tsc,
# uptime: sources.clock 'counter'), no rule may take a number of seconds:
# the order of the events decides instead (doc/DESIGN.md, outcomes).
# - a failed cma_alloc is recovered by its task's successful isolation test
#   before the task's next cma_alloc, however far (on the kernel's clock:
#   within 120 s too);
# - an allocation traced only at its end (4.x "cma_alloc: pfn=%lx page=%p
#   count=%u align=%u") claims its task's failed isolation tests back to
#   the last success or allocation, not only those 5 s before it;
# - a record without a task joins a failure's window only inside it (no
#   second of slack after it), and page_pinner failure records are one
#   failure while one task's follow each other, not while 5 s apart.
# Each trace is written twice from one list of times in seconds: as ftrace
# prints the kernel's clock ("%5lu.%06lu") and as it prints a counter (" %12llu",
# kernel/trace/trace_output.c), the second the microseconds times 1000.
# Lines from the TP_printk strings of cma_alloc_start/finish and
# test_pages_isolated (include/trace/events/cma.h, page_isolation.h) and
# page_pinner_failure (Android's page_pinner, "pfn=0x%lx flags=%s count=%d
# mapcount=%d mapping=%p mt=%d"). Expected values come from awk over the
# input, following the rule as documented.
. "$(dirname "$0")/lib.sh"

# ev COMM-PID SECONDS BODY: one event line on $CLOCK (ns or counter)
ev() {
	local t=$2

	if [ "$CLOCK" = counter ]; then
		t=$(awk -v t="$2" 'BEGIN { split(t, a, "."); printf "%d%06d000", a[1], a[2] }')
	fi
	printf '%20s [001] ....  %s: %s\n' "$1" "$t" "$3"
}
header() { printf '# tracer: nop\n#\n'; }
FAILED='pfn=0x0 page=0000000000000000 count=512 align=9 errorno=-16'

# sh-412: a failure whose fallback gets its range 200 s later; then one
# whose next cma_alloc comes first; then one recovered at once.
recovery() {
	header
	ev sh-412 100.000000 'cma_alloc_start: name=hugetlb0 count=512 align=9'
	ev sh-412 100.000100 "cma_alloc_finish: name=hugetlb0 $FAILED"
	ev sh-412 300.000000 'test_pages_isolated: start_pfn=0x40000 end_pfn=0x40200 fin_pfn=0x40200 ret=success'
	ev sh-412 400.000000 'cma_alloc_start: name=hugetlb0 count=512 align=9'
	ev sh-412 400.000100 "cma_alloc_finish: name=hugetlb0 $FAILED"
	ev sh-412 700.000000 'cma_alloc_start: name=hugetlb0 count=512 align=9'
	ev sh-412 700.000100 "cma_alloc_finish: name=hugetlb0 $FAILED"
	ev sh-412 700.000200 'test_pages_isolated: start_pfn=0x40200 end_pfn=0x40400 fin_pfn=0x40400 ret=success'
}
# The outcomes by the rule: a failed finish waits for its task's success
# until the task's next start, and on the kernel's clock for LIMIT s at most.
expected_outcomes() {
	awk -v limit="$1" '
	/cma_alloc_start:/ { pending[$1] = 0 }
	/cma_alloc_finish:/ && !/errorno=0/ {
		n++; outcome[n] = "final"; pending[$1] = n; at[$1] = $4 + 0
	}
	/test_pages_isolated:/ && /ret=success/ && pending[$1] {
		if (limit == "" || $4 - at[$1] <= limit)
			outcome[pending[$1]] = "recovered"
		pending[$1] = 0
	}
	END { printf "["; for (i = 1; i <= n; i++) printf "%s\"%s\"", (i > 1 ? "," : ""), outcome[i]; print "]" }'
}
outcomes() { "$PINBLAME" failures --json | jq -c '[.failures[] | .outcome]'; }

for CLOCK in ns counter; do
	recovery >"$TMP/recovery-$CLOCK.txt"
done
export PINBLAME_DB=$TMP/recovery-ns.db
setup "the recoveries on the kernel's clock import" "$PINBLAME" import "$TMP/recovery-ns.txt"
is "$(outcomes)" "$(expected_outcomes 120 <"$TMP/recovery-ns.txt")" \
	"kernel's clock: a fallback 200 s after the failure does not recover it"
export PINBLAME_DB=$TMP/recovery-counter.db
setup "the recoveries on a counter import" "$PINBLAME" import "$TMP/recovery-counter.txt"
is "$(sql "SELECT clock FROM source")" counter "its clock is a counter"
is "$(outcomes)" "$(expected_outcomes '' <"$TMP/recovery-counter.txt")" \
	"counter: the task's next success recovers a failure, however many ticks later, but not past its next cma_alloc"
is "$(outcomes)" '["recovered","final","recovered"]' "which is: recovered, final, recovered"

# sh-500 on a 4.x kernel: two failed isolation tests 10 s apart, then the
# allocation, traced only at its end.
whole() {
	header
	ev sh-500 50.000000 'test_pages_isolated: start_pfn=0xb2800 end_pfn=0xb2c00 fin_pfn=0xb2a13 ret=fail'
	ev sh-500 60.000000 'test_pages_isolated: start_pfn=0xb2c00 end_pfn=0xb3000 fin_pfn=0xb2c40 ret=fail'
	ev sh-500 60.000100 'cma_alloc: pfn=b2c00 page=(null) count=1024 align=8'
}
kinds() { "$PINBLAME" failures --json | jq -c '[.failures[] | [.kind, .busy_ranges]]'; }
for CLOCK in ns counter; do
	whole >"$TMP/whole-$CLOCK.txt"
done
export PINBLAME_DB=$TMP/whole-ns.db
setup "the 4.x allocation on the kernel's clock imports" "$PINBLAME" import "$TMP/whole-ns.txt"
is "$(kinds)" '[["alloc_contig",1],["cma_alloc",1]]' \
	"kernel's clock: the test 10 s before the allocation is not its own"
export PINBLAME_DB=$TMP/whole-counter.db
setup "the 4.x allocation on a counter imports" "$PINBLAME" import "$TMP/whole-counter.txt"
is "$(kinds)" "[[\"cma_alloc\",$(grep -c 'ret=fail' "$TMP/whole-counter.txt")]]" \
	"counter: the allocation claims every failed test of its task before it"

# cam-300's allocation fails; its page_pinner_failure comes after the
# finish; then two kworkers' records, 3 s, 1 s and 16 s apart.
pinner() {
	local rest='flags=uptodate|lru count=3 mapcount=1 mapping=00000000aec7812a mt=4'

	header
	ev cam-300 10.000000 'cma_alloc_start: name=reserved count=64 align=6'
	ev cam-300 10.000100 'cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=64 align=6 errorno=-16'
	ev cam-300 10.500000 "page_pinner_failure: pfn=0x9f0b00 $rest"
	ev kworker-41 20.000000 "page_pinner_failure: pfn=0x9f0b10 $rest"
	ev kworker-41 23.000000 "page_pinner_failure: pfn=0x9f0b11 $rest"
	ev kworker-42 24.000000 "page_pinner_failure: pfn=0x9f0b20 $rest"
	ev kworker-41 40.000000 "page_pinner_failure: pfn=0x9f0b12 $rest"
}
summary() {
	"$PINBLAME" failures --json | jq -c '[.failures[] | [.kind, .pid, (.busy_pfns | length)]]'
}
for CLOCK in ns counter; do
	pinner >"$TMP/pinner-$CLOCK.txt"
done
export PINBLAME_DB=$TMP/pinner-ns.db
setup "the page_pinner records on the kernel's clock import" "$PINBLAME" import "$TMP/pinner-ns.txt"
is "$(summary)" '[["cma_alloc",300,1],["page_pinner",41,3],["page_pinner",41,1]]' \
	"kernel's clock: the record 0.5 s after the failure joins it; records up to 5 s apart are one"
export PINBLAME_DB=$TMP/pinner-counter.db
setup "the page_pinner records on a counter import" "$PINBLAME" import "$TMP/pinner-counter.txt"
# the records by the rule: one failure per run of one task's records
runs=$(awk '/page_pinner_failure:/ {
		pid = $1; sub(/.*-/, "", pid)
		if (pid != last) { n++; task[n] = pid }
		pages[n]++; last = pid
	}
	END { for (i = 1; i <= n; i++) printf ",[\"page_pinner\",%d,%d]", task[i], pages[i] }' \
	"$TMP/pinner-counter.txt")
is "$(summary)" "[[\"cma_alloc\",300,0]$runs]" \
	"counter: no record joins the allocation after its end; a task's records in a row are one failure"
done_testing
