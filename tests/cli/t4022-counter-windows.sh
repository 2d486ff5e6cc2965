#!/usr/bin/env bash
# A trace on a clock that is not in ns (trace_clock counter counts events;
# x86-tsc and uptime count ticks of a rate the trace does not give; the
# context column is then " %12llu", kernel/trace/trace_output.c) has no
# seconds: a pause of 5 s, which cuts a task's contiguous allocation
# attempts on the kernel's clock, is no number of ticks. There the order
# of the task's events alone cuts them: a successful isolation test ends
# an attempt, a pause never does; show says its times are ticks.
# Lines written from test_pages_isolated's "start_pfn=0x%lx end_pfn=0x%lx
# fin_pfn=0x%lx ret=%s" (include/trace/events/page_isolation.h). The same
# events on the kernel's clock are the independent check: there the pause
# cuts.
. "$(dirname "$0")/lib.sh"

# iso TIME START END FIN RET: sh-412's isolation test at TIME.
iso() {
	printf '%20s [001] ....  %s: test_pages_isolated: start_pfn=%s end_pfn=%s fin_pfn=%s ret=%s\n' \
		sh-412 "$1" "$2" "$3" "$4" "$5"
}
# trace T1 T2 T3 T4: failed tests at T1 and T2 (a long pause between),
# a successful one at T3 (fin_pfn == end_pfn), a failed one at T4.
trace() {
	echo '# tracer: nop'
	echo '#'
	iso "$1" 0x100000 0x100400 0x100011 fail
	iso "$2" 0x100400 0x100800 0x100422 fail
	iso "$3" 0x100800 0x100c00 0x100c00 success
	iso "$4" 0x100c00 0x101000 0x100c33 fail
}
summary() { "$PINBLAME" failures --json | jq -c '[.failures[] | [.busy_ranges, .outcome]]'; }

# 10^10 ticks between the first two tests: 10 s as ns, nothing as ticks
trace 1000000000000 1010000000000 1010000000100 1010000000200 >"$TMP/counter.txt"
trace 1000.000000 1010.000000 1010.000100 1010.000200 >"$TMP/ns.txt"

export PINBLAME_DB=$TMP/ns.db
setup "the trace on the kernel's clock imports" "$PINBLAME" import "$TMP/ns.txt"
is "$(summary)" '[[1,"final"],[1,"recovered"],[1,"final"]]' \
	"kernel's clock: a pause of 10 s cuts the first attempt from the second"

export PINBLAME_DB=$TMP/counter.db
setup "the trace on a counter clock imports" "$PINBLAME" import "$TMP/counter.txt"
is "$(sql "SELECT clock FROM source")" "counter" "its clock is a counter"
is "$(summary)" '[[2,"recovered"],[1,"final"]]' \
	"counter clock: no pause cuts; the successful test ends the first attempt"
pb show 1
like "$out" "^  times: ticks of the trace's clock \\(counter, x86-tsc, uptime\\), not seconds:\$" \
	"show says the times are ticks"
like "$out" "never by a pause\$" "and that no pause cut the attempt"
like "$out" "\\(window 1000000000000 \\.\\. 1010000000100\\)" \
	"its window spans both failed tests and the success, in ticks as printed"
pb blame --json
is "$(printf '%s' "$out" | jq -c '.gaps.tick_clock_failures')" 2 \
	"blame --json counts the failures of the clock of ticks (gaps)"
pb blame
like "$(hints)" "^2 failures come from a trace whose clock counts ticks, not nanoseconds .*cut by the order of its events alone" \
	"and blame's hint says what that means, and how to record in ns"
export PINBLAME_DB=$TMP/ns.db
pb show 1
is "$(printf '%s\n' "$out" | grep -c 'times: ticks')" 0 "on the kernel's clock show says nothing of it"
pb blame --json
is "$(printf '%s' "$out" | jq -c '.gaps | has("tick_clock_failures")')" false \
	"nor does blame"
done_testing
