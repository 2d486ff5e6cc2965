#!/usr/bin/env bash
# Shapes of the kernel logs that users post that pinblame read wrong: a
# driver giving up between two runs of "PFNs busy" lines, and stacks that
# a symbolizer rewrote before the log was posted (syzbot reports, the
# kernel's scripts/decode_stacktrace.sh). The logs under testdata/posted/
# are written from the format strings (doc/FORMATS.md, section 2), never
# copied from a post; each case has its own store, and the expected
# figures are counted from the file with grep and awk.
. "$(dirname "$0")/lib.sh"

POSTED=$PB_TESTDATA/posted

# --- a driver's "failed to allocate" line ends the allocation before it ---

# 4.10 prints no "alloc failed": vc4 gives up on one buffer and asks for the
# next at once; the busy lines after its line are the next allocation's
log=$POSTED/vc4-4.10-driver-between-runs.log
export PINBLAME_DB=$TMP/vc4.db
setup "the vc4 log imports" "$PINBLAME" import "$log"
# the busy lines before the first driver line, and those between it and the next
first_run=$(awk '/failed to allocate/ { exit } /PFNs busy/ { n++ } END { print n + 0 }' "$log")
second_run=$(awk '/failed to allocate/ { d++; next } d == 1 && /PFNs busy/ { n++ } END { print n + 0 }' "$log")
pfn_of() { # the start pfn of busy line number $1 of the log, in decimal
	grep 'PFNs busy' "$log" | sed -n "${1}p" | sed 's/.*\[\([0-9a-f]*\),.*/\1/' |
		xargs -I{} printf '%d' 0x{}
}
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .outcome, .busy_ranges, .start_pfn]]')" \
	"[[\"busy_range\",\"final\",$first_run,$(pfn_of 1)],[\"busy_range\",\"final\",$second_run,$(pfn_of $((first_run + 1)))]]" \
	"two final failures, split at the driver's line (they were one, over both ranges)"

# --- syzbot's symbolized frames -------------------------------------------

log=$POSTED/syzbot-symbolized-dump.log
export PINBLAME_DB=$TMP/syzbot.db
setup "the symbolized dump imports" "$PINBLAME" import "$log"
like "$out" "syzbot-symbolized-dump.log: kmsg, 2 events, 0 bad lines" \
	"the dump and its 'migrating pfn' line are records, no line is bad"
# the page_owner stack: frame lines with an offset (the [inline] ones are
# syzkaller's additions, no frame the kernel printed)
frames=$(awk '/page last allocated/ { on = 1; next } /page_owner free/ { on = 0 }
	on && /\+0x/ { sub(/.*\]  /, ""); sub(/\+.*/, ""); printf "%s%s", sep, $0; sep = " <- " }' "$log")
pb show 1
like "$out" "stack: $frames\$" \
	"the stack is the kernel's frames, no file:line, no inlined function"
pb blame --json
# the call-site rules name the caller of the pinning helper: the frame
# after io_pin_pages, as the kernel printed it
is "$(printf '%s' "$out" | jq -r '.callsites[0].callsite')" \
	"$(awk '/io_pin_pages/ { getline; sub(/.*\]  /, ""); sub(/\+.*/, ""); print }' "$log")" \
	"blamed on the io_uring caller (the frames kept their file:line, the first was blamed)"

# --- decode_stacktrace.sh: no indentation, 'name (file:line)' -------------

log=$POSTED/decode-stacktrace-dump.log
export PINBLAME_DB=$TMP/decoded.db
setup "the decoded dump imports" "$PINBLAME" import "$log"
pb blame --json
# the frames: the lines between the page_owner header and its last line
nframes=$(awk '/page last allocated/ { on = 1; next } /page_owner free/ { on = 0 } on { n++ } END { print n }' "$log")
is "$(printf '%s' "$out" | jq -r '.callsites[0].stack | length')" "$nframes" \
	"every decoded line of the page_owner stack is a frame (none was read)"
# the last frame: its function, and the module the script printed bare
last=$(awk '/page_owner free/ { print prev } { prev = $0 }' "$log")
is "$(printf '%s' "$out" | jq -r '.callsites[0] | .callsite + " " + .module')" \
	"$(printf '%s' "$last" | awk '{ print $3, $NF }')" \
	"blamed on the driver that pinned, with its module"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .errorno, .pages, .busy_pfns]]')" \
	"[[\"cma_alloc\",-16,$(grep -o 'req-size: [0-9]*' "$log" | awk '{ print $2 }'),[$(printf '%d' "$(grep -o 'pfn:0x[0-9a-f]*' "$log" | cut -d: -f2)")]]]" \
	"one EBUSY failure of the requested size, its busy page the dumped one"

# --- the page allocator's warning after a CMA failure names the requester ---

# the DMA allocator asks the page allocator once cma_alloc() failed; for an
# order it has not, that warns once a boot, in the same task: the call
# trace right after the first "alloc failed" line is its requester's
log=$POSTED/arm64-5.10-cma-fallback-warning.log
export PINBLAME_DB=$TMP/fallback.db
setup "the fallback warning log imports" "$PINBLAME" import "$log"
task=$(sed -n 's/.*CPU: [0-9]* PID: \([0-9]*\) Comm: \([^ ]*\).*/"\2",\1/p' "$log")
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.errorno, .comm, .pid]]')" \
	"[[-12,$task],[-12,null,null]]" \
	"the first failure is the warning task's; the second (no warning: once a boot) names none"
pb show 1
# the requester's stack: the trace's frames, as the kernel printed them
first=$(awk '/Call trace:/ { getline; sub(/.*\]  /, ""); sub(/\+.*/, ""); print; exit }' "$log")
caller=$(grep -o 'vb2_dc_alloc+[^ ]* \[[a-z_0-9]*\]' "$log" | sed 's/+[^ ]*//; s/\[/\\[/; s/\]/\\]/')
like "$out" "stack: $first <- .* <- $caller <- " "its stack is the warning's, through the driver's buffer allocation"

# --- journalctl -o short: dates without a year, shown as printed ---------

log=$POSTED/journal-short-yearless.log
export PINBLAME_DB=$TMP/yearless.db
setup "the journal without years imports" "$PINBLAME" import "$log"
is "$(sql "SELECT clock FROM sources")" "yearless" "its clock says the year is not the log's"
pb failures
# each "alloc failed" line's date as the journal printed it
while read -r stamp; do
	like "$out" " $stamp\\.000000 +cma_alloc " "the failure of $stamp is shown at its date, with no year"
done < <(awk '/alloc failed/ { print $1, $2, $3 }' "$log")
if printf '%s\n' "$out" | grep -q '2000-'; then ok 1 "no year 2000 invented"; else ok 0 "no year 2000 invented"; fi
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.clock, .comm]]')" \
	"[[\"yearless\",\"$(sed -n 's/.* Comm: \([^ ]*\) .*/\1/p' "$log")\"],[\"yearless\",null]]" \
	"the warning's task names the first failure, through the journal's prefixes"

# --- logcat -v long: the head of each entry on a line of its own ----------

log=$POSTED/logcat-long-kernel.log
export PINBLAME_DB=$TMP/logcat-long.db
setup "the logcat -v long log imports (found a kernel log by its heads)" "$PINBLAME" import "$log"
like "$out" "logcat-long-kernel.log: kmsg, $(grep -c -e 'PFNs busy' -e 'alloc failed' "$log") events, 0 bad lines" \
	"each kernel message under its head is a record"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .area, .errorno, .busy_ranges]]')" \
	"[[\"cma_alloc\",\"$(sed -n 's/.*cma_alloc: \([^:]*\): alloc failed.*/\1/p' "$log")\",-16,$(grep -c 'PFNs busy' "$log")]]" \
	"one EBUSY failure of its area, the busy lines before it its ranges"
pb failures
like "$out" " $(awk '/W\/cma/ { print $2 }' "$log" | awk -F- '{ split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", m, " "); print m[$1 + 0], $2 }') $(awk '/W\/cma/ { print $3 }' "$log")000 +cma_alloc" \
	"at the date of its entry's head"

# --- pastes whose white space a web page collapsed --------------------------

# the same log and perf script, as a forum renders them: runs of blanks made
# one, leading blanks gone; they must read as the originals do
orig=$SAMPLES/dmesg-6.6-dump_page-folio.txt
sed 's/^[ \t]*//; s/[ \t][ \t]*/ /g' "$orig" >"$TMP/collapsed-dmesg.txt"
export PINBLAME_DB=$TMP/orig-dmesg.db
setup "the original log imports" "$PINBLAME" import "$orig"
pb blame --json
want=$(printf '%s' "$out" | jq -c '[.callsites[] | [.callsite, .pages, .stack]]')
export PINBLAME_DB=$TMP/collapsed-dmesg.db
setup "the collapsed log imports" "$PINBLAME" import "$TMP/collapsed-dmesg.txt"
like "$out" "collapsed-dmesg.txt: kmsg, .* 0 bad lines" "no line of it is bad (its call trace was cut at 'Call trace:')"
pb blame --json
is "$(printf '%s' "$out" | jq -c '[.callsites[] | [.callsite, .pages, .stack]]')" "$want" \
	"it blames the same call sites on the same pages and stacks"

orig=$SAMPLES/perf-script-5.15-page_pinner-rfc.txt
sed 's/^[ \t]*//' "$orig" >"$TMP/collapsed-perf.txt"
export PINBLAME_DB=$TMP/orig-perf.db
setup "the original perf script imports" "$PINBLAME" import "$orig"
want=$(sql "SELECT group_concat(s.folded, ' | ') FROM event e JOIN stack s ON s.id = e.stack_id")
export PINBLAME_DB=$TMP/collapsed-perf.db
setup "the perf script without TABs imports" "$PINBLAME" import "$TMP/collapsed-perf.txt"
like "$out" "collapsed-perf.txt: perf-script, .* 0 bad lines" "its frame lines are no bad lines"
is "$(sql "SELECT group_concat(s.folded, ' | ') FROM event e JOIN stack s ON s.id = e.stack_id")" "$want" \
	"its samples have the original's stacks"

done_testing
