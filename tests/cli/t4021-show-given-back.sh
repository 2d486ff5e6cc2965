#!/usr/bin/env bash
# show tells why a page_ref get of a busy page was not blamed: its own
# task's put brought the count back before the failure (holders.c), so it
# held nothing then. Per page, the gets given back (the nearest three,
# the rest counted), each with its time, task, call site and the put that
# gave it back; a get of another task that is not given back is still
# blamed, and a get given back only after the failure held the page.
# Lines written from the kernel's format strings: page_ref's "pfn=0x%lx
# flags=%s count=%d mapcount=%d mapping=%p mt=%d val=%d" (page_ref_mod;
# page_ref_mod_and_test adds " ret=%d"; include/trace/events/page_ref.h),
# test_pages_isolated's "start_pfn=0x%lx end_pfn=0x%lx fin_pfn=0x%lx
# ret=%s", cma_alloc_start's "name=%s count=%lu align=%u" and
# cma_alloc_finish's "name=%s pfn=0x%lx page=%p count=%lu align=%u
# errorno=%d". Expected lines found with grep in the trace, apart from
# pinblame.
. "$(dirname "$0")/lib.sh"

header() { printf '# tracer: nop\n#\n'; }
# ev TASK-PID TIME EVENT BODY: one event line.
ev() { printf '%20s [001] .....  %11s: %s: %s\n' "$1" "$2" "$3" "$4"; }
# get TASK-PID TIME PFN COUNT / put TASK-PID TIME PFN COUNT: page_ref
# lines of val=1 and val=-1, COUNT the count after the change.
get() {
	ev "$1" "$2" page_ref_mod "pfn=$3 flags=uptodate|lru count=$4 mapcount=1 mapping=0000000071c3a2e1 mt=1 val=1"
}
put() {
	ev "$1" "$2" page_ref_mod_and_test "pfn=$3 flags=uptodate|lru count=$4 mapcount=1 mapping=0000000071c3a2e1 mt=1 val=-1 ret=0"
}
stack() {
	printf '%20s [001] .....  %11s: <stack trace>\n' "$1" "$2"
	shift 2
	printf ' => %s\n' "$@"
}
dio_stack() {
	stack "$1" "$2" __page_ref_mod try_grab_folio gup_fast_pte_range get_user_pages_fast \
		iov_iter_extract_pages bio_iov_iter_get_pages __blkdev_direct_IO_simple \
		blkdev_read_iter vfs_read ksys_read
}
splice_stack() {
	stack "$1" "$2" __page_ref_mod try_grab_folio gup_fast_pte_range get_user_pages_fast \
		iov_iter_get_pages2 iter_to_pipe __do_sys_vmsplice do_syscall_64
}
put_stack() {
	stack "$1" "$2" __page_ref_mod_and_test folio_put bio_release_pages
}

# pfn 0x120011: reader-950 gets (count 3) and puts back (2) before the
# failure at 20 s; splicer-960 gets (3) and keeps it.
# pfn 0x120022: reader-950 gets and puts back five times before the
# failure (listed: the last three); writer-970 gets at 12 s and puts back
# only at 30 s, after the failure: it held the page then.
{
	header
	get reader-950 10.000000 0x120011 3
	dio_stack reader-950 10.000010
	put reader-950 10.100000 0x120011 2
	put_stack reader-950 10.100010
	get splicer-960 11.000000 0x120011 3
	splice_stack splicer-960 11.000010
	for i in 1 2 3 4 5; do
		get reader-950 11.${i}00000 0x120022 3
		dio_stack reader-950 11.${i}00010
		put reader-950 11.${i}50000 0x120022 2
		put_stack reader-950 11.${i}50010
	done
	get writer-970 12.000000 0x120022 3
	dio_stack writer-970 12.000010
	ev alloc-700 20.000000 cma_alloc_start "name=reserved count=1024 align=10"
	ev alloc-700 20.000100 test_pages_isolated "start_pfn=0x120000 end_pfn=0x120400 fin_pfn=0x120011 ret=fail"
	ev alloc-700 20.000200 test_pages_isolated "start_pfn=0x120000 end_pfn=0x120400 fin_pfn=0x120022 ret=fail"
	ev alloc-700 20.001000 cma_alloc_finish "name=reserved pfn=0x0 page=0000000000000000 count=1024 align=10 errorno=-16"
	put writer-970 30.000000 0x120022 2
	put_stack writer-970 30.000010
} >"$TMP/trace.txt"
# line: the line number of the event at time $1 in the trace.
line() { grep -n " $1: " "$TMP/trace.txt" | cut -d: -f1; }

fixture "the page_ref trace imports" "$PINBLAME" import "$TMP/trace.txt"
pb show --json 1
is "$rc" 0 "show --json exits 0"
json=$out
page() { printf '%s' "$json" | jq -c ".pages[] | select(.pfn == $1) | $2"; }

is "$(page $((0x120011)) '.given_back.count')" 1 "pfn 0x120011: one get given back"
is "$(page $((0x120011)) '.given_back.listed[0] | [.kind, .val, .refcount, .pid, .comm, .callsite, .ts_ns, .line]')" \
	"[\"page_ref_get\",1,3,950,\"reader\",\"__blkdev_direct_IO_simple\",10000000000,$(line 10.000000)]" \
	"it is reader-950's get of val=1 from the direct I/O, with its trace line"
is "$(page $((0x120011)) '.given_back.listed[0].put | [.ts_ns, .line, .event]')" \
	"[10100000000,$(line 10.100000),\"page_ref:page_ref_mod_and_test\"]" \
	"and names the put that gave it back, with its line"
is "$(page $((0x120011)) '[.candidates[] | select(.blamed) | [.pid, .callsite, .line]]')" \
	"[[960,\"__do_sys_vmsplice\",$(line 11.000000)]]" \
	"splicer-960's get, not given back, is still blamed"

is "$(page $((0x120022)) '.given_back.count')" 5 "pfn 0x120022: five gets given back, counted"
is "$(page $((0x120022)) '[.given_back.listed[].line]')" \
	"[$(line 11.300000),$(line 11.400000),$(line 11.500000)]" \
	"the three nearest the failure listed, in time order"
is "$(page $((0x120022)) '[.given_back.listed[].put.line]')" \
	"[$(line 11.350000),$(line 11.450000),$(line 11.550000)]" \
	"each with the put of its own"
is "$(page $((0x120022)) '[.candidates[] | select(.blamed) | .pid]')" "[970]" \
	"a get given back only after the failure held the page: blamed, not listed"

pb show --pages 1
like "$out" "^    not blamed: page_ref_get val=1 count=3 at 10\\.000000 by reader\\[950\\] from __blkdev_direct_IO_simple  [^ ]*trace\\.txt:$(line 10.000000)\$" \
	"show --pages: the get given back, its task, call site and line"
like "$out" "^      given back at 10\\.100000 by a put in the same task \\([^ ]*trace\\.txt:$(line 10.100000)\\)\$" \
	"and why, in the words of a refcount: the put that gave it back, and where"
like "$out" "^    not blamed: 2 earlier gets given back by their own task\$" \
	"the gets not listed are counted"
is "$(printf '%s\n' "$out" | grep -c '^      given back at ')" 4 "four listed in all (1 + 3)"

pb show 1
like "$out" "^not blamed: 6 gets on 2 pages given back by their own task before the failure\$" \
	"the default view counts them, and says why they were not blamed"
pb show "trace.txt:$(line 20.001000)" --json
is "$(printf '%s' "$out" | jq -c '[.pages[].given_back.count]')" "[1,5]" \
	"show FILE:LINE lists the same"

# a trace with no given-back get: every page says so with zero
{
	header
	get splicer-960 11.000000 0x130011 3
	splice_stack splicer-960 11.000010
	ev alloc-700 20.000100 test_pages_isolated "start_pfn=0x130000 end_pfn=0x130400 fin_pfn=0x130011 ret=fail"
} >"$TMP/none.txt"
export PINBLAME_DB=$TMP/none.db
setup "a trace without gets given back imports" "$PINBLAME" import "$TMP/none.txt"
pb show --json 1
is "$(printf '%s' "$out" | jq -c '.pages[0].given_back')" '{"count":0,"listed":[]}' \
	"no get given back: count 0, none listed"
pb show 1
is "$(printf '%s\n' "$out" | grep -c 'not blamed')" 0 "and the text says nothing of it"
done_testing
