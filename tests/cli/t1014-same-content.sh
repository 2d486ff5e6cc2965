#!/usr/bin/env bash
# A source is its content: the same trace plain, xz, gzip or zstd, from a
# path or a pipe, is stored once, whichever comes first; the same file
# again is refused before it is parsed (by the hash of its bytes). The
# hashes are checked against sha256sum of the file and of its
# decompressed bytes. The same capture in two formats (trace.dat and its
# trace-cmd report) is kept twice, with a warning naming the other.
. "$(dirname "$0")/lib.sh"
f=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
content=$(sha256sum <"$f" | cut -d' ' -f1)
xz -c "$f" >"$TMP/t.xz"
gzip -c "$f" >"$TMP/t.gz"
zstd -q -c "$f" >"$TMP/t.zst"
raw_xz=$(sha256sum <"$TMP/t.xz" | cut -d' ' -f1)

# 1. plain first, then the same content compressed three ways
export PINBLAME_DB=$TMP/plain.db
setup "the plain trace imports" "$PINBLAME" import "$f"
failures=$(sql "SELECT count(*) FROM failures")
events=$(sql "SELECT count(*) FROM events")
ok "$([ "$failures" -gt 0 ]; echo $?)" "it has failures ($failures)"
for c in xz gz zst; do
	pb import "$TMP/t.$c"
	is "$rc" 0 "then t.$c exits 0"
	is "$out" "$TMP/t.$c: already imported; nothing added: the same content as $f" \
		"and adds nothing, naming the source of the same content"
done
is "$(sql "SELECT count(*) || ' ' || sha256 FROM sources")" "1 $content" \
	"one source, its sha256 that of the file's bytes (sha256sum)"
is "$(sql "SELECT count(*) FROM failures") $(sql "SELECT count(*) FROM events")" \
	"$failures $events" "failures and events are as after the first import"

# 2. xz first: its content hash is that of the decompressed bytes, its raw
# hash that of the file; the plain file is then known before parsing
export PINBLAME_DB=$TMP/xz.db
setup "the xz trace imports" "$PINBLAME" import "$TMP/t.xz"
is "$(sql "SELECT sha256 || ' ' || raw_sha256 FROM source")" "$content $raw_xz" \
	"sha256 is xz -dc | sha256sum, raw_sha256 the file's sha256sum"
pb import "$f"
is "$rc/$out" "0/$f: already imported; nothing added: the same content as $TMP/t.xz" \
	"the plain file is refused before parsing (no format in its line)"
pb import "$TMP/t.xz"
is "$out" "$TMP/t.xz: already imported; nothing added" "the same xz file again too"
run sh -c "'$PINBLAME' import - <'$TMP/t.gz'"
is "$rc/$out" "0/<stdin>: already imported; nothing added: the same content as $TMP/t.xz" \
	"gzip on a pipe is known after it is read"
run sh -c "'$PINBLAME' import - <'$f'"
is "$rc/$out/$err" "0/<stdin>: already imported; nothing added: the same content as $TMP/t.xz/" \
	"and the plain file on a pipe"
is "$(sql "SELECT count(*) FROM sources")" 1 "still one source"
is "$(sql "SELECT count(*) FROM failures")" "$failures" "and as many failures as the plain import"

# 3. merge: stores that hold the same content in other files are one
setup "merge of the two stores" "$PINBLAME" merge "$TMP/m.db" "$TMP/plain.db" "$TMP/xz.db"
is "$(PINBLAME_DB=$TMP/m.db sql "SELECT count(*) FROM sources")" 1 \
	"merge keeps one source of the same content"

# a compressed copy of a file with lines not understood: nothing said of
# them when it turns out to be in the store
{ cat "$f"; echo 'not a trace line'; } >"$TMP/bad.txt"
xz -c "$TMP/bad.txt" >"$TMP/bad.xz"
setup "a file with a line not understood imports" "$PINBLAME" import "$TMP/bad.txt"
pb import "$TMP/bad.xz"
is "$rc/$out/$err" "0/$TMP/bad.xz: already imported; nothing added: the same content as $TMP/bad.txt/" \
	"its xz copy adds nothing and warns of nothing"

# 4. a trace.dat and its report: both kept, with a warning naming the other
td=$REAL/arm64-tracecmd-hugetlb-cma
export PINBLAME_DB=$TMP/two.db
setup "the trace.dat imports" "$PINBLAME" import "$td/trace.dat.xz"
is "$err" "" "alone, no warning"
pb import "$td/trace-cmd-report.txt.xz"
is "$rc" 0 "its trace-cmd report imports (exit 0)"
like "$err" "warning: $td/trace-cmd-report.txt.xz: the same capture as $td/trace.dat.xz, in another format\?" \
	"with a warning naming the trace.dat"
is "$(sql "SELECT count(*) FROM sources")" 2 "both are kept: nothing dropped silently"
pb import "$SAMPLES/dmesg-6.6-dump_page-folio.txt"
is "$rc/$err" "0/" "a file of another capture gets no such warning"
# as many events at the same times, but the first on another CPU: no warning
export PINBLAME_DB=$TMP/cpu.db
setup "the sample imports" "$PINBLAME" import "$f"
sed '13,14s/\[003\]/[002]/' "$f" >"$TMP/other-cpu.txt"
pb import "$TMP/other-cpu.txt"
is "$rc/$err/$(sql "SELECT count(*) FROM sources")" "0//2" \
	"a trace whose first event is on another CPU is another capture: stored, no warning"
done_testing
