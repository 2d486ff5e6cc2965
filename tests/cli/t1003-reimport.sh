#!/usr/bin/env bash
# Re-importing identical content is a no-op, from a path or from stdin.
# Each case imports again into its own copy of a store that holds the file
# once, so one failing case does not change what the next one sees.
. "$(dirname "$0")/lib.sh"
f=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
BASE=$TMP/base.db

fixture "first import" "$PINBLAME" -d "$BASE" import "$f"
n=$(PINBLAME_DB=$BASE sql "SELECT count(*) FROM events")
ok "$([ "$n" -gt 0 ]; echo $?)" "events stored ($n)"

# fresh NAME: $PINBLAME_DB becomes a copy of the store that holds $f once.
fresh() {
	cp "$BASE" "$TMP/$1.db"
	export PINBLAME_DB=$TMP/$1.db
}

fresh path
pb import "$f"
is "$rc" 0 "second import exits 0"
like "$out" 'already imported; nothing added' "and says it added nothing"
is "$(sql "SELECT count(*) FROM events")" "$n" "event count unchanged"
is "$(sql "SELECT count(*) FROM sources")" 1 "one source"

fresh stdin
run sh -c "'$PINBLAME' import - < '$f'"
is "$rc" 0 "the same content on stdin exits 0"
like "$out" 'already imported' "is recognised by its content hash"
is "$(sql "SELECT count(*) FROM sources")" 1 "still one source"

fresh gzip
gzip -c "$f" > "$TMP/copy.gz"
run sh -c "cat '$TMP/copy.gz' | '$PINBLAME' import -"
is "$rc" 0 "gzip on stdin exits 0"
like "$out" '^<stdin>: already imported; nothing added' "stdin is named <stdin>; its content is known (t1014)"
is "$(sql "SELECT count(*) FROM events")" "$n" "nothing is added (other bytes, the same content)"
done_testing
