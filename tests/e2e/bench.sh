#!/bin/sh
# The overhead benchmark in the guest (run.sh with PB_E2E_BENCH=1): the
# GUP-heavy loop of gupbench with no tracing, under record --probe-gup (a
# stacktrace trigger on every hit), under record --bpf with the kind the
# kernel takes (fentry where it can), under record --bpf with kprobes and
# under record --bpf watching only the CMA areas and ZONE_MOVABLE, the
# first two also with a hook on each GUP grab instead of each GUP call
# (PINBLAME_BPF_GUP=page: bpf-page, bpf-kprobe-page), and with the put
# hooks on from the start (PINBLAME_BPF_PUTS=always: bpf-puts), as they
# are after the first failure of a run (gupbench makes none); and the
# same loop with a read of a page cache file a round (gupbench -f), with
# no tracing (cached) and under record --bpf (bpf-cached): on a kernel
# up to 6.4, record hooks the page cache's mark of a page read, which
# every read of the machine goes through; and the loop over 512 buffers
# (gupbench -b 512: a call's pages come back after more than 10 ms, so
# record --bpf walks every call), with no tracing (rotate) and under
# record --bpf (bpf-rotate);
# the modes take turns, REPS times, so that a slower moment of the host
# falls on all of them. One line per run:
#   PB-BENCH mode=MODE rep=N seconds=S cpu=C
# (the loop alone, as gupbench times it: S on the clock, C on the process's
# CPU). Argument: the block device for the O_DIRECT reads.
DEV=$1
ROUNDS=${PB_BENCH_ROUNDS:-4000}
REPS=${PB_BENCH_REPS:-3}
run() {
	mode=$1 rep=$2
	shift 2
	"$@" > /tmp/bench.out 2>&1
	rc=$?
	s=$(sed -n 's/^gupbench: .* seconds=\([0-9.]*\).*/\1/p' /tmp/bench.out)
	c=$(sed -n 's/^gupbench: .* cpu=\([0-9.]*\).*/\1/p' /tmp/bench.out)
	a=$(sed -nE 's/^pinblame record: BPF on .* \((fentry|kprobe)\);.*/\1/p' /tmp/bench.out)
	# hooked once a GUP call: the calls' returns are listed
	if [ -n "$a" ]; then
		if grep -q "^pinblame record: BPF on .*'s return" /tmp/bench.out; then
			a=$a/call
		else
			a=$a/page
		fi
	fi
	echo "PB-BENCH mode=$mode rep=$rep rc=$rc seconds=${s:-?} cpu=${c:-?}${a:+ attach=$a}"
	[ "$rc" = 0 ] && [ -n "$s" ] || cat /tmp/bench.out
	rm -f /tmp/bench.trace
	rm -rf /tmp/bench.trace.d
}
# once before timing: page cache, device and binaries warm
gupbench -n 200 -d "$DEV" > /dev/null || exit 1
rep=1
while [ $rep -le "$REPS" ]; do
	run none $rep gupbench -n "$ROUNDS" -d "$DEV"
	run probe-gup $rep pinblame record --probe-gup -o /tmp/bench.trace -- gupbench -n "$ROUNDS" -d "$DEV"
	run bpf $rep pinblame record --bpf -o /tmp/bench.trace -- gupbench -n "$ROUNDS" -d "$DEV"
	run bpf-page $rep env PINBLAME_BPF_GUP=page pinblame record --bpf -o /tmp/bench.trace -- gupbench -n "$ROUNDS" -d "$DEV"
	run bpf-kprobe $rep env PINBLAME_BPF_ATTACH=kprobe pinblame record --bpf -o /tmp/bench.trace -- gupbench -n "$ROUNDS" -d "$DEV"
	run bpf-kprobe-page $rep env PINBLAME_BPF_ATTACH=kprobe PINBLAME_BPF_GUP=page pinblame record --bpf -o /tmp/bench.trace -- gupbench -n "$ROUNDS" -d "$DEV"
	run bpf-puts $rep env PINBLAME_BPF_PUTS=always pinblame record --bpf -o /tmp/bench.trace -- gupbench -n "$ROUNDS" -d "$DEV"
	run bpf-cma $rep pinblame record --bpf --bpf-pfns cma -o /tmp/bench.trace -- gupbench -n "$ROUNDS" -d "$DEV"
	run cached $rep gupbench -n "$ROUNDS" -d "$DEV" -f /tmp/gupbench.cache
	run bpf-cached $rep pinblame record --bpf -o /tmp/bench.trace -- gupbench -n "$ROUNDS" -d "$DEV" -f /tmp/gupbench.cache
	run rotate $rep gupbench -n "$ROUNDS" -d "$DEV" -b 512
	run bpf-rotate $rep pinblame record --bpf -o /tmp/bench.trace -- gupbench -n "$ROUNDS" -d "$DEV" -b 512
	rep=$((rep + 1))
done
