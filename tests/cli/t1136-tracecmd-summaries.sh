#!/usr/bin/env bash
# trace-cmd's summaries print no event (doc/FORMATS.md section 1.1,
# "trace-cmd summaries"): report --stat (trace-read.c, OUTPUT_STAT_ONLY:
# "cpus=%d", then "\nKernel buffer statistics:\n" and the ring buffer's
# counters), report --profile (trace-profile.c output_task() "\ntask:
# %s-%d\n", output_group() "\ngroup: %s\n", then output_event() "  Event:
# %s (%lld)" and the stacks) and trace-cmd stat (trace-stat.c
# stat_instance(): "Tracer: %s", "\nEvents:\n" then " All enabled", " All
# disabled" or " Individual events:", ..., "Tracing is enabled"), report
# --cpus, --first-event and --last-event ("List of CPUs in %s with
# data:"), report -E ("%s:" and "%s\n" of each event) and trace-cmd dump
# ("\n Tracing meta data in file %s:\n"). Each is refused, exit 3, by its
# name and with what to import instead; they were "no events understood"
# (--stat, --profile, dump) or "unrecognised format".
. "$(dirname "$0")/lib.sh"

printf 'cpus=2\n\nKernel buffer statistics:\n  Note: "entries" are the entries left in the kernel ring buffer and are not\n        recorded in the trace data. They should all be zero.\n\nCPU: 0\nentries: 0\noverrun: 0\ncommit overrun: 0\nbytes: 4096\noldest event ts:   101.000000\nnow ts:   102.000000\ndropped events: 0\nread events: 12\n\nCPU0 data recorded at offset=0x1000\n    8192 bytes in size\n' >"$TMP/stat.txt"
printf 'cpus=2\n\ntask: sh-412\n  Event: cma_alloc_start:0x2000 (1)\n          | \n          + cma_alloc (0xffffffff81301c10)\n              100%% (1)\n               alloc_contig_pages (0xffffffff81302000)\n\n\ngroup: kworker\n  Event: sched_switch:R (2) Total: 100 Avg: 50 Max: 60(ts:101.000001) Min:40(ts:101.000002)\n' >"$TMP/profile.txt"
printf '\nTracer: function_graph\n\nEvents:\n Individual events:\n    cma\n        cma_alloc_start\n\nBuffer size in kilobytes (per cpu):\n   4096\n\nTracing is enabled\n\n' >"$TMP/tcstat.txt"

check() {	# FILE NAME
	export PINBLAME_DB=$TMP/$1.db
	pb import "$TMP/$1.txt"
	is "$rc" 3 "$2: refused, exit 3"
	like "$err" "$1.txt: $2's output" "$2: named as such"
	like "$err" "import the trace.dat" "$2: with what to import instead"
}
printf 'List of CPUs in trace.dat with data:\n  0\tFirst event:    7.032023\n  1\tFirst event:   16.211973\n' >"$TMP/cpus.txt"
printf 'cma:cma_alloc_busy_retry\ncma:cma_alloc_finish\ncma:cma_alloc_start\nftrace:function\nftrace:kernel_stack\n' >"$TMP/events.txt"
printf '\n Tracing meta data in file trace.dat:\n\t[Initial format]\n\t\t7\t[Version]\n' >"$TMP/dump.txt"

check stat "trace-cmd report --stat"
check profile "trace-cmd report --profile"
check tcstat "trace-cmd stat"
check cpus "trace-cmd report --cpus"
check events "trace-cmd report -E"
check dump "trace-cmd dump"

# the same options of a real trace-cmd on the arm64 capture's trace.dat
dat=$PB_TESTDATA/real/arm64-tracecmd-hugetlb-cma/trace.dat.xz
if command -v trace-cmd >/dev/null && [ -f "$dat" ]; then
	xz -dc "$dat" >"$TMP/trace.dat"
	trace-cmd report --stat -i "$TMP/trace.dat" >"$TMP/stat.txt" 2>/dev/null
	trace-cmd report --profile -i "$TMP/trace.dat" >"$TMP/profile.txt" 2>/dev/null
	trace-cmd report --first-event -i "$TMP/trace.dat" >"$TMP/cpus.txt" 2>/dev/null
	trace-cmd report -E -i "$TMP/trace.dat" >"$TMP/events.txt" 2>/dev/null
	trace-cmd dump -i "$TMP/trace.dat" >"$TMP/dump.txt" 2>/dev/null
	check stat "trace-cmd report --stat"
	check profile "trace-cmd report --profile"
	check cpus "trace-cmd report --cpus"
	check events "trace-cmd report -E"
	check dump "trace-cmd dump"
else
	for i in $(seq 15); do
		echo "ok $((_n + i)) # skip no trace-cmd or no capture"
	done
	_n=$((_n + 15))
fi
done_testing
