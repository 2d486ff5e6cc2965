#!/usr/bin/env bash
# A trace.dat of several buffers (trace-cmd record -B NAME, extract -a):
# the events of every buffer are the file's, merged by time as trace-cmd
# report prints them. The capture's README says how it was made; the
# expected values come from `trace-cmd report` when it is installed, and
# from the README's four markers otherwise.
. "$(dirname "$0")/lib.sh"
dat=$REAL/x86_64-6.18-tracedat-instance/trace.dat

export PINBLAME_DB=$TMP/inst.db
fixture "the trace.dat with an instance imports" "$PINBLAME" import "$dat"
like "$out" "trace.dat, 4 events, 0 bad lines" "4 events: both buffers' markers, no bad line"

want='top-one inst-one top-two inst-two'
if command -v trace-cmd >/dev/null 2>&1; then
	# trace-cmd report prints "[NAME:] comm-pid [cpu] time: print: ip: TEXT"
	want=$(trace-cmd report "$dat" 2>/dev/null | sed -n 's/.*tracing_mark_write: //p' |
		paste -sd' ')
fi
is "$(sql "SELECT group_concat(body, ' ') FROM (SELECT body FROM events ORDER BY ts_ns)")" "$want" \
	"the markers of the top buffer and of instance pbinst, in time order"
is "$(sql "SELECT count(*) FROM events WHERE line BETWEEN 1 AND 4 AND cpu = 1")" 4 \
	"each event numbered in file order, on its CPU"
done_testing
