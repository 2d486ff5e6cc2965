#!/usr/bin/env bash
# query: read-only SQL over the views, in text, CSV and JSON.
# The statements that must be refused run on copies of their own.
. "$(dirname "$0")/lib.sh"
fixture "the sample imports" "$PINBLAME" import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"

pb query "SELECT area, count, errorno FROM cma_allocs WHERE ok = 0"
is "$rc" 0 "query exits 0"
is "$out" "$(printf 'area      count  errorno\nreserved  2048   -16')" "text mode aligns columns under a header"

pb query --csv "SELECT name, value FROM event_fields WHERE name = 'errorno'"
is "$out" "$(printf 'name,value\nerrorno,-16')" "CSV mode"

pb query --json "SELECT area, ok FROM cma_allocs WHERE ok = 0"
is "$out" '{"schema":"pinblame.query/1","columns":["area","ok"],"rows":[{"area":"reserved","ok":0}]}' "JSON mode"

pb query "SELECT body FROM events WHERE event = 'cma:cma_alloc_finish'"
like "$out" 'name=reserved pfn=0xa3800 page=0000000000000000 count=2048 align=8 errorno=-16' "events.body gives the raw body back"

i=0
for sql in "DELETE FROM events" "DROP VIEW events" "INSERT INTO name(text) VALUES ('x')" "PRAGMA user_version = 7"; do
	i=$((i + 1))
	copy_store "$PINBLAME_DB" "$TMP/refused-$i.db"
	pb -d "$TMP/refused-$i.db" query "$sql"
	is "$rc" 2 "refused: $sql"
done
changed=
for db in "$TMP"/refused-*.db; do
	changed="$changed $(PINBLAME_DB=$db sql "SELECT count(*) FROM cma_allocs")"
done
is "$changed" " 1 1 1 1" "nothing was changed"

pb query "SELECT nosuchcolumn FROM events"
is "$rc" 2 "an SQL error exits 2"
like "$err" '^pinblame: query: no such column: nosuchcolumn' "and shows SQLite's message"

pb query "SELECT 1; SELECT 2"
is "$rc" 2 "one statement at a time"

pb query
is "$rc" 2 "no SQL is a usage error"
done_testing
