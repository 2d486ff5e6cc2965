#!/usr/bin/env bash
# record -o writes atomically: the trace and its FILE.d/ folder appear
# only when the run worked; a failed run leaves the old ones and nothing
# half written; a device is written in place, without a folder.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake-tracefs.sh"

T=$TMP/tracefs
P=$TMP/proc
export PINBLAME_TRACEFS=$T PINBLAME_PROC=$P
make_fake_proc "$P"
outdir=$TMP/outdir
mkdir -p "$outdir"

# leftovers: anything in $outdir but the names given
others() {
	(cd "$outdir" && ls -A | grep -v -x -F "$(printf '%s\n' "$@")")
}

setup "a fake tracefs" make_fake_tracefs "$T"
echo old > "$outdir/a.trace"
mkdir -p "$outdir/a.trace.d"
echo old > "$outdir/a.trace.d/stale"
pb record -o "$outdir/a.trace" -- true
is "$rc" 0 "a run that works exits 0"
like "$(head -1 "$outdir/a.trace")" "^# tracer: nop" "and replaces the old trace"
is "$(ls "$outdir/a.trace.d")" "formats
uname.txt" "and the old folder, nothing of it left"
is "$(stat -c %a "$outdir/a.trace.d")" "$(printf '%o' $((0777 & ~$(umask))))" \
	"the folder gets the mode mkdir would give it"
is "$(others a.trace a.trace.d)" "" "no temporary file or folder is left"

# a run that fails once recording started: trace_pipe cannot be read
# broken_tracefs: a fresh fake tracefs whose trace_pipe is a folder.
broken_tracefs() {
	rm -rf "$T/trace_pipe"
	make_fake_tracefs "$T" && rm -f "$T/trace_pipe" && mkdir "$T/trace_pipe"
}
setup "a tracefs whose trace_pipe cannot be read" broken_tracefs
echo old > "$outdir/b.trace"
mkdir -p "$outdir/b.trace.d"
echo old > "$outdir/b.trace.d/x"
pb record -o "$outdir/b.trace" -- true
is "$rc" 3 "a run that fails exits 3"
like "$err" "cannot read .*trace_pipe" "and says why"
is "$(cat "$outdir/b.trace")" "old" "the old trace is as it was"
is "$(ls "$outdir/b.trace.d")" "x" "and the old folder"
is "$(others a.trace a.trace.d b.trace b.trace.d)" "" "no temporary file or folder is left"

# the same failure with no old trace: nothing at all is left
setup "again a tracefs whose trace_pipe cannot be read" broken_tracefs
pb record -o "$outdir/c.trace" -- true
is "$rc" 3 "a failed first run exits 3"
is "$(others a.trace a.trace.d b.trace b.trace.d)" "" "and leaves neither a trace nor a folder"

# a device is written in place, with no FILE.d/ beside it
rm -rf "$T/trace_pipe"
setup "a fake tracefs" make_fake_tracefs "$T"
dev=$TMP/dev
mkdir -p "$dev"
mkfifo "$dev/pipe"
# the reader gives up after a while, so a record that never opens the
# pipe fails this test instead of hanging it
timeout 60 cat "$dev/pipe" > "$TMP/from-pipe" &
pb record -o "$dev/pipe" -- true
[ "$rc" = 0 ] || echo > "$dev/pipe"
wait
is "$rc" 0 "a pipe as the output: exit 0"
like "$(head -1 "$TMP/from-pipe")" "^# tracer: nop" "the trace went through the pipe"
is "$(ls -A "$dev")" "pipe" "and no folder was made beside it"
done_testing
