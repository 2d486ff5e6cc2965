#!/usr/bin/env bash
# record against a fake tracefs: what it writes, what it puts back, how it
# ends (COMMAND, --duration, a signal), COMMAND's failures, --import.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake-tracefs.sh"

T=$TMP/tracefs
P=$TMP/proc
export PINBLAME_TRACEFS=$T PINBLAME_PROC=$P
make_fake_tracefs "$T"
make_fake_proc "$P"
# every file of the fake trees as they were, to compare after each record
snapshot() {
	(cd "$T" && find . -type f | sort | while read -r f; do echo "== $f"; cat "$f"; done)
	(cd "$P" && find . -type f | sort | while read -r f; do echo "== proc $f"; cat "$f"; done)
}
# command files keep what was written to them: drop those lines again;
# each case starts from a fresh fake tracefs, not from what the record
# before it put back
reset_commands() {
	make_fake_tracefs "$T"
}
snapshot > "$TMP/before"

pb record --probe-gup -o "$TMP/t.trace" -- sh -c "cat '$T/tracing_on' '$T/events/cma/cma_release/enable' '$P/sys/debug/kprobes-optimization' > '$TMP/during'"
is "$rc" 0 "record -- COMMAND exits 0"
is "$(tr '\n' ' ' < "$TMP/during")" "1 1 0 " \
	"tracing and the events are on while COMMAND runs, kprobe optimization off"
like "$err" "pinblame record: 11 events from $T, until 'sh' exits" "says what it records"
like "$err" "pinblame record: probes: try_grab_folio \(GUP grab\), generic_file_splice_read \(file and offset spliced, a breakpoint: ftrace cannot patch it\); not on this kernel: try_grab_folio_fast, try_grab_compound_head, splice_folio_into_pipe, copy_page_to_iter_pipe, folio_mark_accessed, mark_page_accessed; kprobe optimization off for the run" \
	"says which probes it chose from kallsyms, and which this kernel lacks"
like "$err" "no probe gives the page of page-cache pages put into pipes" \
	"warns that no probe gives spliced pages"
like "$err" "page_ref:\* is not on this kernel \(needs CONFIG_DEBUG_PAGE_REF=y\)" \
	"warns about a missing default event, with its config"
like "$err" "no kprobe on try_grab_page:" "warns about a probe the kernel did not make"
is "$(sed -n 3,5p "$TMP/t.trace")" "# pinblame-record: version=$("$PINBLAME" --version | cut -d' ' -f2)
# pinblame-record: kernel=$(uname -r)
# pinblame-record: arch=$(uname -m)" "the header has the kernel and arch"
is "$(head -1 "$TMP/t.trace")" "# tracer: nop" "and starts like the trace file"
like "$(grep '^# pinblame-record: events=' "$TMP/t.trace")" \
	'=cma:cma_alloc_busy_retry,.*,kmem:mm_page_alloc_extfrag,pinblame:try_grab_folio,pinblame:generic_file_splice_read$' \
	"and lists the events recorded"
is "$(grep -v '^#' "$TMP/t.trace")" "$(cat "$T/trace_pipe")" "trace_pipe is copied after the header"
is "$(cat "$TMP/t.trace.d/formats/cma/cma_release/format")" "$(cat "$T/events/cma/cma_release/format")" \
	"the event formats are saved"
ok "$([ -s "$TMP/t.trace.d/formats/pinblame/try_grab_folio/format" ] && [ -s "$TMP/t.trace.d/formats/header_page" ]; echo $?)" \
	"with the probe's format and header_page"
is "$(cat "$TMP/t.trace.d/uname.txt")" "$(uname -snrvm)" "and uname"

# Every value is back. What differs: the commands appended (and undone),
# the old buffer content, and buffer_size_kb, which was not expanded yet
# ("7 (expanded: 1408)"): enabling any event expands it to 1408, and that
# is what is put back (a real kernel since 6.5 then shows 1410, the 1408
# KB rounded up to whole ring-buffer pages, as after any use of tracing);
# and the filter of each probe, cleared by writing 0, which a kernel then
# reads as "none" and this fake as 0.
snapshot > "$TMP/after"
diff "$TMP/before" "$TMP/after" | grep '^[<>]' > "$TMP/changed"
is "$(grep -v -e '^> stacktrace' -e '^> !stacktrace' -e '^> [p-]:pinblame/' -e '^< old buffer' \
	-e '^< # tracer' "$TMP/changed" | grep -v -x -e '< none' -e '> 0')" "< 7 (expanded: 1408)
> 1408" "every value is back"
is "$(grep -c -x -e '< none' "$TMP/changed") $(grep -c -x -e '> 0' "$TMP/changed")" \
	"$(grep -c '^pinblame:' <<<"$(tr , '\n' <<<"$(sed -n 's/^# pinblame-record: events=//p' "$TMP/t.trace")")") $(grep -c '^pinblame:' <<<"$(tr , '\n' <<<"$(sed -n 's/^# pinblame-record: events=//p' "$TMP/t.trace")")")" \
	"each probe's filter is cleared again (and only theirs)"
is "$(cat "$T/events/pinblame/try_grab_folio/trigger" | grep -c 'stacktrace if common_pid != ')" 1 \
	"the probe's stack trigger leaves record's own process out"
is "$(grep -c '^> stacktrace' "$TMP/changed") $(grep -c '^> !stacktrace' "$TMP/changed")" "9 9" \
	"each stacktrace trigger added is removed"
is "$(grep -c '^> p:pinblame/' "$TMP/changed") $(grep -c '^> -:pinblame/' "$TMP/changed")" "3 3" \
	"each kprobe added is removed"
is "$(cat "$P/sys/debug/kprobes-optimization")" 1 "kprobe optimization is back on"

# CPUs of different sizes: buffer_size_kb reads X, which cannot be written
# back; each CPU's size is (the fake's top level keeps the last write)
reset_commands
printf 'X\n' > "$T/buffer_size_kb"
printf '2820\n' > "$T/per_cpu/cpu0/buffer_size_kb"
mkdir -p "$T/per_cpu/cpu1" && printf '1410\n' > "$T/per_cpu/cpu1/buffer_size_kb"
pb record --buffer-kb 4096 -o "$TMP/t.trace" -- true
is "$rc" 0 "record with per-CPU buffer sizes exits 0"
is "$(cat "$T/buffer_size_kb") $(cat "$T/per_cpu/cpu0/buffer_size_kb") $(cat "$T/per_cpu/cpu1/buffer_size_kb")" \
	"4096 2820 1410" "each CPU's buffer size is written back, the top level is not set to X"
rm -r "$T/per_cpu/cpu1"

reset_commands
pb record -o "$TMP/t.trace" -- sh -c 'exit 7'
is "$rc" 7 "COMMAND's exit status is record's"
like "$err" "pinblame: record: 'sh' exited with status 7" "and reported"
is "$(grep -v '^#' "$TMP/t.trace")" "$(cat "$T/trace_pipe")" "the trace is still written"
is "$(cat "$T/tracing_on")" 1 "and tracing_on restored"

reset_commands
pb record -o "$TMP/t.trace" -- sh -c 'kill -KILL $$'
is "$rc" 137 "a COMMAND killed by signal 9 makes 137"
like "$err" "'sh' was killed by signal 9" "and is reported"

reset_commands
pb record -o "$TMP/t.trace" -- "$TMP/no-such-program"
is "$rc" 127 "a COMMAND that does not exist makes 127"
like "$err" "cannot run '$TMP/no-such-program': No such file or directory" "and is reported"
is "$(cat "$T/tracing_on") $(cat "$T/events/cma/cma_release/enable")" "1 0" "and tracefs is restored"

reset_commands
start=$(date +%s%N)
pb record --duration 0.3 -o "$TMP/t.trace" -- sleep 30
is "$rc" 0 "--duration ends a longer COMMAND; that is no failure"
ok "$([ $(( ($(date +%s%N) - start) / 1000000 )) -lt 5000 ]; echo $?)" "within the duration"

# no COMMAND: until a signal
reset_commands
"$PINBLAME" record -o "$TMP/sig.trace" 2> "$TMP/sig.err" &
pid=$!
# until it says it records (a signal before that ends it with 130 and no
# trace, as nothing was recorded: the events being on is not enough)
for _ in $(seq 100); do
	grep -q "until Ctrl-C" "$TMP/sig.err" 2> /dev/null && break
	sleep 0.1
done
kill -INT $pid
wait $pid
is "$?" 0 "SIGINT ends a recording without COMMAND, exit 0"
is "$(cat "$T/tracing_on") $(cat "$T/events/cma/cma_release/enable") $(cat "$T/options/overwrite")" \
	"1 0 1" "and restores tracefs"
like "$(cat "$TMP/sig.err")" "until Ctrl-C" "it said it would wait for Ctrl-C"
is "$(grep -v '^#' "$TMP/sig.trace")" "$(cat "$T/trace_pipe")" "and wrote the trace"

# a setting the kernel refuses: error, and what was done is undone
reset_commands
rm "$T/events/kmem/mm_page_alloc_extfrag/trigger"
mkdir "$T/events/kmem/mm_page_alloc_extfrag/trigger"
pb record --events 'cma:*,kmem:*' -o "$TMP/t.trace" -- true
is "$rc" 3 "a setting that cannot be written exits 3"
like "$err" "cannot read $T/events/kmem/mm_page_alloc_extfrag/trigger: Is a directory" "and says which"
is "$(cat "$T/tracing_on") $(cat "$T/events/cma/cma_release/enable") $(cat "$T/buffer_size_kb")" \
	"1 0 1408" "what was done before is undone"
is "$(tail -1 "$T/events/cma/cma_release/trigger")" "!stacktrace" "triggers too"
rmdir "$T/events/kmem/mm_page_alloc_extfrag/trigger"
reset_commands

pb record --import -o "$TMP/i.trace" -- true
is "$rc" 0 "record --import exits 0"
like "$out" "i.trace: ftrace, 1 events" "and imports the trace"
is "$(sql "SELECT format || ' ' || events FROM sources WHERE path LIKE '%i.trace'")" "ftrace 1" \
	"into the store"

# events a full buffer refused while COMMAND ran (overwrite is off, so
# trace_pipe does not mark them): written at the end in trace_pipe's
# words, counted by import
reset_commands
pb record -o "$TMP/d.trace" -- sh -c "printf 'entries: 3\\noverrun: 0\\ndropped events: 7\\n' > '$T/per_cpu/cpu0/stats'"
is "$rc" 0 "record with events dropped exits 0"
like "$err" "7 events were lost \\(ring buffer full\\)" "and warns of them"
is "$(tail -1 "$TMP/d.trace")" "CPU:0 [LOST 7 EVENTS]" "the trace ends with the drops of each CPU"
is "$(grep -v '^#' "$TMP/d.trace" | sed '$d')" "$(cat "$T/trace_pipe")" "after trace_pipe's text, whole"
pb -d "$TMP/d.db" import "$TMP/d.trace"
pb -d "$TMP/d.db" info
like "$out" ", 0 not understood, 7 lost, span " "import counts them as lost"

done_testing
