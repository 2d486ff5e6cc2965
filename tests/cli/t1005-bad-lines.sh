#!/usr/bin/env bash
# A malformed line inside a good trace is counted, reported and skipped;
# --strict stops at it with file:line and stores nothing. The import with
# --strict and the one without each go to a store of their own.
. "$(dirname "$0")/lib.sh"
good=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
lines=$(wc -l < "$good")
{ head -n 32 "$good"; echo 'this line is garbage @@@'; tail -n +33 "$good"; } > "$TMP/bad.txt"
fixture "the good file alone imports" "$PINBLAME" -d "$TMP/ref.db" import -q "$good"
expected=$("$PINBLAME" -d "$TMP/ref.db" query --csv "SELECT count(*) FROM events" | sed -n 2p)

export PINBLAME_DB=$TMP/strict.db
pb import --strict "$TMP/bad.txt"
is "$rc" 3 "--strict exits 3"
like "$err" "^pinblame: import: .*bad.txt:33: " "--strict names file and line 33"
ok "$([ ! -e "$PINBLAME_DB" ]; echo $?)" "--strict stored nothing (and left no store)"

export PINBLAME_DB=$TMP/lenient.db
pb import "$TMP/bad.txt"
is "$rc" 0 "without --strict the import succeeds"
like "$out" "bad.txt: ftrace, $expected events, 1 bad lines" "every good event kept, one bad line counted"
like "$err" "bad.txt:33: syntax: this line is garbage" "the bad line is shown with its number"
pb info
like "$out" 'not understood: 1 x syntax \(first at line 33: this line is garbage' "info reports it"
is "$(sql "SELECT lines FROM source")" "$((lines + 1))" "all lines were read"
done_testing
