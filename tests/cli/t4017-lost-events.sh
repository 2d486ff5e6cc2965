#!/usr/bin/env bash
# Events a trace lost (trace_pipe's "CPU:%d [LOST %lu EVENTS]", which
# record also writes for the events a full buffer refused; "[LOST
# EVENTS]" without a count; the trace file header's overwritten events):
# info and blame count them, and when busy pages are left unattributed
# blame's hint says their evidence may be among the lost events. Expected
# values are the numbers written into the trace, summed with awk and sed.
. "$(dirname "$0")/lib.sh"

trace() { # LOST... : one busy page, no holder evidence, then the marks
	printf '# tracer: nop\n#\n'
	printf '              sh-152     (    152) [000] .....    82.719000: test_pages_isolated: start_pfn=0x180000 end_pfn=0x1c0000 fin_pfn=0x180123 ret=fail\n'
	cpu=0
	for n in "$@"; do
		printf 'CPU:%d [LOST %d EVENTS]\n' "$cpu" "$n"
		cpu=$((cpu + 1))
	done
}

trace 40 2 > "$TMP/lost.txt"
lost=$(sed -n 's/^CPU:[0-9]* \[LOST \([0-9]*\) EVENTS\]$/\1/p' "$TMP/lost.txt" | awk '{ s += $1 } END { print s }')
export PINBLAME_DB=$TMP/lost.db
pb import "$TMP/lost.txt"
is "$rc" 0 "a trace with lost events imports"
like "$err" "warning: .*lost.txt: $lost events were lost before the trace was read \\(ring buffer full or overwritten\\): holders in them cannot be named" \
	"and import says how many were lost"
pb blame --json
is "$(printf '%s' "$out" | jq .gaps.lost_events)" "$lost" "blame --json counts the lost events among the gaps"
is "$(printf '%s' "$out" | jq .attributed_pages)" 0 "the busy page has no holder"
pb blame
like "$(hints)" "The capture lost $lost events \\(ring buffer full\\): the evidence of" \
	"the hint says events were lost"
like "$(hints)" "the evidence of the 1 busy page left unattributed may be among them" "and what they may have held"
# a CI gate that passes on a capture with holes says so on stderr
pb check --max-failures 5
is "$rc" 0 "check passes within its rules"
is "$out" "" "and prints nothing on stdout"
like "$err" "warning: the capture lost $lost events \\(ring buffer full\\): call sites that held pages only in them are not seen" \
	"but warns that the capture lost events"
pb check --max-failures 5 --json
is "$(printf '%s' "$out" | jq .lost_events)" "$lost" "check --json counts them"
pb check
is "$rc" 1 "a breach"
is "$(grep -c 'capture lost' <<<"$err")" 0 "needs no such warning"

# `cat trace` after the buffer wrapped: its header counts the events
# written and those still in the buffer (the difference was overwritten,
# with no line to say so), and a reader racing the writer marks "[LOST
# EVENTS]" without a count (at least one)
{
	printf '# tracer: nop\n#\n# entries-in-buffer/entries-written: 2/1502   #P:2\n#\n'
	trace | sed 1d
	printf 'CPU:1 [LOST EVENTS]\n'
} > "$TMP/wrapped.txt"
hdr=$(sed -n 's|^# entries-in-buffer/entries-written: \([0-9]*\)/\([0-9]*\) .*|\2 - \1|p' "$TMP/wrapped.txt")
marks=$(grep -c '^CPU:[0-9]* \[LOST EVENTS\]$' "$TMP/wrapped.txt")
export PINBLAME_DB=$TMP/wrapped.db
pb import "$TMP/wrapped.txt"
is "$(printf '%s' "$out" | grep -o '[0-9]* bad lines')" "0 bad lines" "'[LOST EVENTS]' is understood"
pb info
like "$out" " 0 not understood, $(( hdr + marks )) lost, " \
	"the header's overwritten events and the uncounted mark are lost events"
pb blame --json
is "$(printf '%s' "$out" | jq .gaps.lost_events)" "$(( hdr + marks ))" "and blame's gaps count them"

# counts past what a signed 64-bit sum holds: the sums stop at the
# largest (a failed sum() in SQL, an overflow in C, before)
max=9223372036854775807
{ trace | sed '$d'; printf 'CPU:0 [LOST 18446744073709551615 EVENTS]\nCPU:1 [LOST %s EVENTS]\n' "$max"; } > "$TMP/huge.txt"
printf '[   82.700000] alloc_contig_range: [180000, 180400) PFNs busy\n[   83.000000] alloc_contig_range: %s callbacks suppressed\n[   84.000000] alloc_contig_range: %s callbacks suppressed\n' "$max" "$max" > "$TMP/huge-dmesg.txt"
export PINBLAME_DB=$TMP/huge.db
pb import "$TMP/huge.txt" "$TMP/huge-dmesg.txt"
is "$rc" 0 "huge counts import"
pb blame --json
is "$rc" 0 "blame sums them"
is "$(printf '%s' "$out" | grep -o '"lost_events":[0-9]*')" "\"lost_events\":$max" "lost events stop at the largest"
is "$(printf '%s' "$out" | grep -o '"suppressed_messages":[0-9]*')" "\"suppressed_messages\":$max" \
	"and so do the messages the log left out"

# nothing lost: no such hint
trace > "$TMP/whole.txt"
export PINBLAME_DB=$TMP/whole.db
pb import "$TMP/whole.txt"
is "$err" "" "a trace that lost nothing imports without a warning"
pb blame --json
is "$(printf '%s' "$out" | jq .gaps.lost_events)" 0 "a trace that lost nothing counts 0"
pb blame
is "$(grep -c 'capture lost' <<<"$err")" 0 "and blame gives no hint of lost events"
like "$err" "hint: 1 busy page has no holder evidence" "only the hint of the evidence missing"
pb check --max-failures 5
is "$(grep -c 'capture lost' <<<"$err")" 0 "nor check a warning"
done_testing
