#!/usr/bin/env bash
# Trace text as Android's tools wrap it: atrace's "TRACE:" line, atrace -z
# (zlib), systrace HTML and the JSON trace format (systemTraceEvents). Each
# must read as the bare text does: the 6.18 capture, 4,800 events.
. "$(dirname "$0")/lib.sh"

xz -dc "$REAL/x86_64-6.18-host-compaction/trace.txt.xz" >"$TMP/trace.txt"
python3 - "$TMP" <<'PY'
import json, sys, zlib
d = sys.argv[1]
text = open(d + "/trace.txt").read()
open(d + "/atrace.txt", "w").write("TRACE:\n" + text)
open(d + "/atrace-z.bin", "wb").write(b"TRACE:\n" + zlib.compress(text.encode()))
open(d + "/systrace.html", "w").write(
    "<!DOCTYPE html>\n<html><head><script>" + "var x = '<div>';\n" * 5000 +
    "</script></head><body>\n<!-- BEGIN TRACE -->\n"
    '  <script class="trace-data" type="application/text">\n' + text +
    "  </script>\n<!-- END TRACE -->\n</body></html>\n")
open(d + "/trace.json", "w").write(json.dumps(
    {"traceEvents": [{"name": "x", "ph": "i", "ts": 1, "pid": 1, "tid": 1}],
     "displayTimeUnit": "ns", "systemTraceEvents": text}))
open(d + "/empty.json", "w").write(json.dumps({"traceEvents": []}))
PY

for f in atrace.txt atrace-z.bin systrace.html trace.json; do
	export PINBLAME_DB=$TMP/$f.db
	pb import "$TMP/$f"
	like "$out" "$f: ftrace, 4800 events, 0 bad lines" "$f: the 4,800 events of the text, every line understood"
	is "$(sql "SELECT count(*) || ' ' || sum(failed) FROM migrations WHERE failed > 0")" "3 41" \
		"$f: the same three failed migrations, 41 pages"
done
is "$(PINBLAME_DB=$TMP/trace.json.db sql "SELECT sha256 FROM sources")" "$(sha256sum <"$TMP/trace.json" | cut -d' ' -f1)" \
	"the source is the wrapped file, by its own hash"

# a pipe that hands over the first bytes alone still gets them unwrapped
for f in systrace.html trace.json; do
	run sh -c "(head -c 10 '$TMP/$f'; sleep 0.3; tail -c +11 '$TMP/$f') | '$PINBLAME' import --dry-run -"
	like "$out" "<stdin>: ftrace, 4800 events, 0 bad lines" "$f through a pipe that stalls after 10 bytes"
done
# adb shell's words before atrace's TRACE: line, a line end after the stream
python3 - "$TMP" <<'PY'
import sys, zlib
d = sys.argv[1]
text = open(d + "/trace.txt", "rb").read()
open(d + "/adb.bin", "wb").write(b"capturing trace... done\nTRACE:\n" + zlib.compress(text) + b"\n")
open(d + "/junk.bin", "wb").write(b"TRACE:\n" + zlib.compress(text) + b"junk")
PY
pb import --dry-run "$TMP/adb.bin"
like "$out" "adb.bin: ftrace, 4800 events, 0 bad lines" "atrace -z through adb shell: its words before TRACE: and the line end after"
pb import --dry-run "$TMP/junk.bin"
is "$rc" 3 "anything else after the stream is an error"
like "$err" "junk.bin:[0-9]+: data after the zlib stream" "that says so"

export PINBLAME_DB=$TMP/empty.db
pb import "$TMP/empty.json"
is "$rc" 3 "a JSON trace without ftrace text: exit 3"
like "$err" "empty.json: a JSON trace without \"systemTraceEvents\" text" "and it says what is missing"
done_testing
