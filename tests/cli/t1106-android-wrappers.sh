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
is "$(sql "SELECT sha256 FROM sources")" "$(sha256sum <"$TMP/trace.json" | cut -d' ' -f1)" \
	"the source is the wrapped file, by its own hash"

export PINBLAME_DB=$TMP/empty.db
pb import "$TMP/empty.json"
is "$rc" 3 "a JSON trace without ftrace text: exit 3"
like "$err" "empty.json: a JSON trace without \"systemTraceEvents\" text" "and it says what is missing"
done_testing
