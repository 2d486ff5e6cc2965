#!/usr/bin/env bash
# A store error met while reading rows is an error of the command: exit 4
# with SQLite's message, never a shorter answer with exit 0 and never "no
# failure N". Each case breaks its own copy of one analysed store: a table
# is replaced by a view whose rows fail to compute (SQLite prepares the
# query, then its step fails), or, where no SQL can break a read without
# breaking the writes too, PB_TEST_FAIL_STEP=TEXT makes every step of the
# statements whose SQL contains TEXT fail (lib/store/stmt.c).
. "$(dirname "$0")/lib.sh"

BASE=$TMP/base.db
fixture "the sample imports" "$PINBLAME" -d "$BASE" import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
fixture "the analysis is up to date, so readers do not refresh it" "$PINBLAME" -d "$BASE" failures

# broken NAME TABLE COLUMNS: a copy of the base store in $TMP/NAME.db whose
# TABLE is a view of COLUMNS with one row that fails with "malformed JSON".
broken() {
	local ones
	ones=$(printf '%s' "$3" | tr -cd , | sed 's/,/, 1/g')
	cp "$BASE" "$TMP/$1.db"
	sqlite3 "$TMP/$1.db" "DROP TABLE $2; CREATE VIEW $2($3) AS SELECT json('x')$ones"
	echo "$TMP/$1.db"
}

db=$(broken info-bad-lines bad_line "source_id, reason, count, first_line, example")
pb -d "$db" info
is "$rc" 4 "info: a failing read of the bad line reasons exits 4"
like "$err" 'info-bad-lines.db: malformed JSON' "with the store and SQLite's message"
is "$out" "" "and prints no partial answer"

pb -d "$db" info --json
is "$rc/$out" "4/" "info --json: the same, no JSON"

pb -d "$BASE" info --json
is "$rc/$(printf '%s' "$out" | jq '.sources | length')" "0/1" \
	"the intact store gives its one source (the copies are what is broken)"

db=$(broken show-busy busy_range "id, source_id, ts_ns, pid, start_pfn, end_pfn, busy_pfn, kind, cma_alloc_id, event_id")
pb -d "$db" show 1
is "$rc" 4 "show: a failing read of the busy ranges exits 4, not 2"
like "$err" 'show-busy.db: malformed JSON' "with SQLite's message"
is "$(printf '%s\n' "$err" | grep -c 'no failure')" 0 "and does not claim the failure is missing"

pb -d "$BASE" show 99
is "$rc" 2 "show of a failure that does not exist still exits 2"
like "$err" 'no failure 99' "and says so"

cp "$BASE" "$TMP/fault-sources.db"
PB_TEST_FAIL_STEP='FROM source ORDER BY id' run "$PINBLAME" -d "$TMP/fault-sources.db" info
is "$rc" 4 "info: a step that fails in the loop over the sources exits 4"
like "$err" 'injected: PB_TEST_FAIL_STEP' "with the (injected) error"

# The interning cache is loaded before the first record; a cache missing
# rows would intern them again.
cp "$BASE" "$TMP/fault-intern.db"
PB_TEST_FAIL_STEP='FROM symbol' run "$PINBLAME" -d "$TMP/fault-intern.db" import \
	"$SAMPLES/dmesg-6.6-dump_page-folio.txt"
is "$rc" 4 "import: a failing load of the interned symbols exits 4"
like "$err" 'fault-intern.db: .*injected' "and says why"
is "$(sqlite3 "$TMP/fault-intern.db" 'SELECT count(*) FROM source')" 1 \
	"and the store keeps only the source it had"

# Whether the analysis is stale: an error is not "up to date".
cp "$BASE" "$TMP/fault-meta.db"
PB_TEST_FAIL_STEP="FROM meta WHERE key = 'analysis'" run "$PINBLAME" -d "$TMP/fault-meta.db" failures
is "$rc/$out" "4/" "failures: a failing read of the analysis state exits 4"
# The busy pfns of each failure are read in a loop of their own.
cp "$BASE" "$TMP/fault-pfns.db"
PB_TEST_FAIL_STEP='SELECT pfn FROM failure_pfn' run "$PINBLAME" -d "$TMP/fault-pfns.db" failures --json
is "$rc/$out" "4/" "failures: a failing read of the busy pfns exits 4, not a list without them"
cp "$BASE" "$TMP/fault-candidates.db"
PB_TEST_FAIL_STEP='FROM attribution a' run "$PINBLAME" -d "$TMP/fault-candidates.db" blame
is "$rc/$out" "4/" "blame: a failing read of the candidates exits 4"
done_testing
