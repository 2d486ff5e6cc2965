#!/usr/bin/env bash
# One failed cma_alloc of a 6.x kernel (and, in five layouts, a pin of its
# failing page by mydrv with its stack), written in the line layouts of
# the kernel's trace output (trace_output.c, trace_functions_graph.c),
# of trace-cmd report (trace-read.c) and of perf script at the versions
# and options doc/FORMATS.md section 1.1 names. Each layout is imported into
# a store of its own; the events are counted in the input with grep, the
# pfns and times worked out with the shell's arithmetic, the holder is the
# caller of pin_user_pages in the stack written.
. "$(dirname "$0")/lib.sh"

# "event: body" of the allocation: start, a failed isolation test, a
# failed migration, the busy range, the failed finish (6.3+ TP_printk)
BODIES='cma_alloc_start: name=reserved request_count=1024 available_count=2048 total_count=4096 align=8
test_pages_isolated: start_pfn=0xb2800 end_pfn=0xb2c00 fin_pfn=0xb2a13 ret=fail
mm_migrate_pages: nr_succeeded=10 nr_failed=2 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=contig_range
cma_alloc_busy_retry: name=reserved pfn=0xb2800 page=fffffc0002ca0000 count=1024 align=8
cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=1024 align=8 errorno=-16'

# write MODE FMT: one line per body, printf FMT with the body's number
# (1-5), its event name as MODE prints it ("name:" for ftrace, "name: "
# padded to 20 by trace-cmd's print_event_name(), "system:name:" for
# perf script) and its body
write() {
	local i=0 name body sys label
	while IFS= read -r line; do
		i=$((i + 1))
		name=${line%%:*}
		body=${line#*: }
		case $name in
		cma*) sys=cma ;;
		test*) sys=page_isolation ;;
		*) sys=migrate ;;
		esac
		case $1 in
		tc) label=$(printf '%s: %*s' "$name" $((20 - ${#name})) '') ;;
		perf) label="$sys:$name:" ;;
		*) label="$name:" ;;
		esac
		# shellcheck disable=SC2059
		printf "$2\n" "$i" "$label" "$body"
	done <<<"$BODIES"
}

# failures --json as [kind, start_pfn, pages, pid, outcome, errno]
failures_summary() {
	"$PINBLAME" failures --json | jq -c '[.failures[] | [.kind, .start_pfn, .pages,
		.pid, .outcome, .errno]]'
}

# A holder: a pin of the failing pfn (fin_pfn 0xb2a13) by mydrv before
# the allocation, its stack written in each layout below
REF='page_ref_mod: pfn=0xb2a13 flags=uptodate|lru count=2 mapcount=1 mapping=0000000000000000 mt=4 val=1'
FRAMES='try_grab_folio __get_user_pages pin_user_pages mydrv_pin_buffer mydrv_ioctl'
# frames FMT: each frame of the holder's stack through printf FMT
frames() {
	local f
	for f in $FRAMES; do
		# shellcheck disable=SC2059
		printf "$1\n" "$f"
	done
}

# blame --json as [callsite, pages] per call site
blamed() {
	"$PINBLAME" blame --json | jq -c '[.callsites[] | [.callsite, .pages]]'
}
BLAMED='[["mydrv_pin_buffer",1]]'

FAILED="[[\"cma_alloc\",$((0xb2800)),1024,412,\"final\",-16]]"
FAILED_NOPID="[[\"cma_alloc\",$((0xb2800)),1024,null,\"final\",-16]]"

# import NAME [OPTIONS]: $TMP/NAME.txt into a store of its own; checks that
# every event line the grep pattern of $EVENTS counts is an event
import_case() {
	local name=$1
	shift
	export PINBLAME_DB=$TMP/$name.db
	setup "$name imports" "$PINBLAME" import "$@" "$TMP/$name.txt"
	like "$out" ", $(grep -Ec "$EVENTS" "$TMP/$name.txt") events, 0 bad lines" \
		"$name: every event line read, none bad"
}
EVENTS='(page_ref_mod|cma_alloc_start|test_pages_isolated|mm_migrate_pages|cma_alloc_busy_retry|cma_alloc_finish|^CPU:[0-9]+ \[)'

# --- ftrace, 4.x: 4-character irq flags "d..1" (no migrate-disable column)
{
	echo '# tracer: nop'
	echo "           mydrv-77    [000] d..1   101.000000: $REF"
	echo '           mydrv-77    [000] d..1   101.000001: <stack trace>'
	frames ' => %s'
	write ft '              sh-412   [001] d..1   102.50010%s: %s %s'
} >"$TMP/flags4.txt"
import_case flags4
is "$(failures_summary)" "$FAILED" "4.x flags: the failure"
is "$(blamed)" "$BLAMED" "4.x flags: the holder's call site blamed"

# --- 6.x: record-tgid "(%7d) " and the 5-character flags of a softirq with
# need-resched "dNs1."
{ echo '# tracer: nop'; write ft '              sh-412     (    400) [001] dNs1.   102.50010%s: %s %s'; } >"$TMP/tgid.txt"
import_case tgid
is "$(sql "SELECT count(*) FROM events WHERE tgid = 400")" 5 "tgid: every event has tgid 400"
is "$(failures_summary)" "$FAILED" "tgid: the failure"

# --- irq-info off: no flags column
{ echo '# tracer: nop'; write ft '              sh-412   [001]   102.50010%s: %s %s'; } >"$TMP/noirq.txt"
import_case noirq
is "$(failures_summary)" "$FAILED" "irq-info off: the failure"

# --- trace_clock=counter / x86-tsc: " %12llu: " (a count, no fraction)
{ echo '# tracer: nop'; write ft '              sh-412   [001] ....  1349488609324%s: %s %s'; } >"$TMP/counter.txt"
import_case counter
is "$(sql "SELECT min(ts_ns) || ' ' || max(ts_ns) FROM events")" "13494886093241 13494886093245" \
	"counter clock: the counts kept as printed"
is "$(failures_summary)" "$FAILED" "counter clock: the failure"
like "$("$PINBLAME" info)" "span 13494886093241 \\.\\. 13494886093245 ticks" \
	"counter clock: info shows the span in ticks, as counted, not as seconds"

# --- latency-format with verbose: "%16s %7d %3d %d %08x %08lx " then
# "[%08llx] %ld.%03ldms (+%ld.%03ldms): " (microseconds in hex)
{
	echo '# tracer: nop'
	echo "           mydrv      77   0 1 00000001 00000000 [0005c3f0] 377.840ms (+0.001ms): $REF"
	echo '           mydrv      77   0 1 00000001 00000000 [0005c3f1] 377.841ms (+0.001ms): <stack trace>'
	frames ' => %s'
	write ft '              sh     412   1 1 00000001 0000000%s [0005d3f0] 381.936ms (+0.001ms): %s %s'
} >"$TMP/verbose.txt"
import_case verbose
is "$(blamed)" "$BLAMED" "verbose latency: the holder's call site blamed"
is "$(sql "SELECT DISTINCT ts_ns FROM events WHERE pid = 412")" "$((0x5d3f0 * 1000))" \
	"verbose latency: the time is the hex microseconds"
is "$(failures_summary)" "$FAILED" "verbose latency: the failure"

# --- function_graph tracer with funcgraph-abstime and funcgraph-proc: each
# event a comment after the columns; a stack (stacktrace trigger) in a
# comment closed after its last frame; the tracer's own lines between
{
	echo '# tracer: function_graph'
	echo "  101.000000 |   0)   mydrv-77    |               |  /* $REF */"
	echo '  101.000001 |   0)   mydrv-77    |               |  /* <stack trace>'
	frames ' => %s' | sed '$s/$/ *\//'
	echo '  102.500100 |   1)    sh-412     |               |  cma_alloc() {'
	write ft '  102.50010%s |   1)    sh-412     |               |    /* %s %s */' |
		sed '4a\  102.500104 |   1)    sh-412     |               |    /* <stack trace>\
 => __cma_alloc+0x2c/0x480\
 => cma_alloc+0x18/0x30 */'
	echo '  102.500200 |   1)    sh-412     | ! 150.123 us  |  }'
	echo ' ------------------------------------------'
	echo '  1)    sh-412     =>   bash-413   '
	echo ' ------------------------------------------'
	echo '  102.500300 |   1)   bash-413    |   0.312 us    |  foo();'
} >"$TMP/graph.txt"
import_case graph
is "$(sql "SELECT group_concat(s.name, ' ') FROM events e JOIN frame f ON f.stack_id = e.stack_id
	JOIN symbol s ON s.id = f.symbol_id WHERE e.event = 'cma:cma_alloc_busy_retry'")" \
	"__cma_alloc cma_alloc" "function_graph: the stack's last frame without the comment's end"
is "$(sql "SELECT group_concat(e.event, ' ') FROM events e WHERE e.stack_id IS NOT NULL")" \
	"page_ref:page_ref_mod cma:cma_alloc_busy_retry" \
	"function_graph: each stack belongs to the event before it"
is "$(blamed)" "$BLAMED" "function_graph: the holder's call site blamed"
is "$(failures_summary)" "$FAILED" "function_graph: the failure"

# trace_pipe prints no "# tracer:" header: the layout alone says ftrace
grep -v '^#' "$TMP/graph.txt" >"$TMP/graph-pipe.txt"
import_case graph-pipe
is "$(failures_summary)" "$FAILED" "function_graph from trace_pipe: the failure"
grep -v '^#' "$TMP/verbose.txt" >"$TMP/verbose-pipe.txt"
import_case verbose-pipe
is "$(failures_summary)" "$FAILED" "verbose latency from trace_pipe: the failure"

# without funcgraph-abstime the events have no time: counted, not stored
{ echo '# tracer: function_graph'; write ft ' 1)               |  /* %s %s */'; } >"$TMP/graph-notime.txt"
export PINBLAME_DB=$TMP/graph-notime.db
pb import "$TMP/graph-notime.txt"
is "$rc" 3 "function_graph without abstime: nothing to import, exit 3"
like "$err" "$(grep -c '/\* ' "$TMP/graph-notime.txt") lines not understood: function_graph event without a time" \
	"function_graph without abstime: each event counted as such"
like "$err" "echo funcgraph-abstime > trace_options" "and the option that gives them their time is named"

# --- ftrace's lost-events line between events
{
	echo '# tracer: nop'
	write ft '              sh-412   [001] d..1.   102.50010%s: %s %s' | sed '2a\CPU:1 [LOST 12 EVENTS]'
} >"$TMP/lost.txt"
import_case lost
is "$(sql "SELECT cpu || ' ' || body FROM events WHERE event = 'ftrace:lost_events'")" \
	"1 CPU:1 [LOST 12 EVENTS]" "lost events: kept as a lost_events record of its cpu"
is "$(failures_summary)" "$FAILED" "lost events: the failure"

# --- trace-cmd report (trace-read.c trace_show_data()): "%16s-%-5d [%03d]",
# " %6.1000d:", " %s: " with the name padded to 20
{ echo 'cpus=2'; write tc '              sh-412   [001]  1024.50010%s: %s%s'; } >"$TMP/tc.txt"
import_case tc --format trace-cmd-report
is "$(failures_summary)" "$FAILED" "trace-cmd report: the failure"

# -l: "%8.8s-%-5d %3d" with the latency flags glued to the cpu
{
	echo 'cpus=2'
	echo "   mydrv-77       0d..1.  1023.000000: $REF"
	echo '   mydrv-77       0d..1.  1023.000001: kernel_stack:         <stack trace >'
	frames '=> %s (ffffffff81234567)'
	write ft '      sh-412       1d..1.  1024.50010%s: %s %s'
} >"$TMP/tc-l.txt"
import_case tc-l
is "$(blamed)" "$BLAMED" "trace-cmd report -l: the holder's call site blamed"
is "$(failures_summary)" "$FAILED" "trace-cmd report -l: the failure"

# -l -R: the flags as "-0x%x"
{ echo 'cpus=2'; write ft '      sh-412       1-0x1  1024.50010%s: %s %s'; } >"$TMP/tc-lR.txt"
import_case tc-lR --format trace-cmd-report
is "$(failures_summary)" "$FAILED" "trace-cmd report -l -R: the failure"

# a clock that does not count nanoseconds: "%12d:" glued to "[%03d]"
{ echo 'cpus=2'; write ft '              sh-412   [001]1234567890123%s: %s %s'; } >"$TMP/tc-tsc.txt"
import_case tc-tsc
is "$(sql "SELECT min(ts_ns) FROM events")" 12345678901231 "trace-cmd report, tsc: the count after ']'"
is "$(failures_summary)" "$FAILED" "trace-cmd report, tsc: the failure"

# two input files: "%*s: " file name before "cpus=" and each line
{ echo 'host.dat: cpus=2'; write ft 'host.dat:               sh-412   [001]  1024.50010%s: %s %s'; } >"$TMP/tc-files.txt"
import_case tc-files
is "$(sql "SELECT DISTINCT comm FROM events")" "sh" "trace-cmd report of two files: the file name is not the comm"
is "$(failures_summary)" "$FAILED" "trace-cmd report of two files: the failure"

# trace-cmd's dropped-events line
{ echo 'cpus=2'; write ft '              sh-412   [001]  1024.50010%s: %s %s' | sed '2a\CPU:1 [12 EVENTS DROPPED]'; } >"$TMP/tc-dropped.txt"
import_case tc-dropped
is "$(sql "SELECT count(*) FROM events WHERE event = 'ftrace:lost_events'")" 1 \
	"trace-cmd report, dropped events: kept as a lost_events record"
is "$(failures_summary)" "$FAILED" "trace-cmd report, dropped events: the failure"

# --- perf script: default columns, --ns, -F time,event,trace, -F with
# pid/tid and period, callchains with [kernel.kallsyms], a module and
# [unknown]
write perf '              sh   412 [001]  1024.50010%s: %s %s' >"$TMP/perf.txt"
import_case perf
is "$(failures_summary)" "$FAILED" "perf script: the failure"
write perf '              sh   412 [001]  1024.50010000%s: %s %s' >"$TMP/perf-ns.txt"
import_case perf-ns
is "$(sql "SELECT min(ts_ns) FROM events")" 1024500100001 "perf script --ns: nanoseconds"
write perf '  1024.50010%s: %s %s' >"$TMP/perf-F.txt"
import_case perf-F --format perf-script
is "$(failures_summary)" "$FAILED_NOPID" "perf script -F time,event,trace: the failure, no task"
write perf '   412/412   [001]  1024.50010%s:          1 %s %s' >"$TMP/perf-period.txt"
import_case perf-period --format perf-script
is "$(failures_summary)" "$FAILED" "perf script -F pid,tid,cpu,time,period: the failure"
{
	echo "           mydrv    77 [000]  1023.000000: page_ref:$REF"
	frames '\tffffffff81234567 %s+0x0 ([kernel.kallsyms])'
	echo
	write perf '              sh   412 [001]  1024.50010%s: %s %s'
} >"$TMP/perf-hold.txt"
import_case perf-hold
is "$(blamed)" "$BLAMED" "perf script -g: the holder's call site blamed"
write perf '              sh   412 [001]  1024.50010%s: %s %s' | while IFS= read -r l; do
	printf '%s\n\tffffffff812a1b2c __cma_alloc+0x2c ([kernel.kallsyms])\n' "$l"
	printf '\tffffffffc0a01234 mydrv_alloc+0x34 ([mydrv])\n\t    7f1234567890 [unknown] ([unknown])\n\n'
done >"$TMP/perf-g.txt"
import_case perf-g
is "$(sql "SELECT count(DISTINCT stack_id) || ' ' || count(stack_id) FROM events")" "1 5" \
	"perf script -g: one callchain, on each of the 5 samples"
is "$(failures_summary)" "$FAILED" "perf script -g: the failure"

done_testing
