#!/usr/bin/env bash
# Store errors exit 4: a newer schema, a file that is no store, a locked
# store past the busy timeout. Write errors on stdout are errors.
# Each case works on a store of its own, most of them a copy of one that
# holds the sample.
. "$(dirname "$0")/lib.sh"
BASE=$TMP/base.db
fixture "the sample imports" "$PINBLAME" -d "$BASE" import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"

head -c 8192 /dev/urandom > "$TMP/junk.db"
pb -d "$TMP/junk.db" info
is "$rc" 4 "a file that is no store exits 4"

PINBLAME_DB=$TMP/env.db run "$PINBLAME" import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
is "$rc" 0 "PINBLAME_DB names the store"
ok "$([ -s "$TMP/env.db" ]; echo $?)" "and the store was created there"

export PINBLAME_DB=$BASE
if [ -w /dev/full ]; then
	run sh -c "'$PINBLAME' info > /dev/full"
	is "$rc" 3 "a write error on stdout is an output error, exit 3 as for -o FILE"
	like "$err" 'write error on standard output' "and is reported"
fi

newer() { copy_store "$BASE" "$TMP/newer.db" && sqlite3 "$TMP/newer.db" "PRAGMA user_version = 99"; }
setup "a copy of the store, of schema version 99" newer
pb -d "$TMP/newer.db" info
is "$rc" 4 "a newer schema is refused with exit 4"
like "$err" 'schema version 99 is newer' "and says why"
pb -d "$TMP/newer.db" import "$REAL/amd64-ftrace-gigantic-nocma/dmesg.txt"
is "$rc" 4 "import refuses it too"

# Hold the write lock in another process while importing, with a short timeout.
export PINBLAME_DB=$TMP/locked.db
setup "a copy of the store to lock" copy_store "$BASE" "$PINBLAME_DB"
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(3)' "$PINBLAME_DB" "$TMP/locked" &
locker=$!
while [ ! -e "$TMP/locked" ]; do sleep 0.1; done
PINBLAME_BUSY_TIMEOUT_MS=200 run "$PINBLAME" import "$REAL/amd64-ftrace-gigantic-nocma/dmesg.txt"
wait $locker
is "$rc" 4 "a store locked past the busy timeout exits 4"
like "$err" 'locked' "and says it is locked"

# -d naming a directory: said so, not SQLite's "disk I/O error"
mkdir "$TMP/adir"
for c in info "import $REAL/amd64-ftrace-gigantic-nocma/dmesg.txt"; do
	# shellcheck disable=SC2086
	run "$PINBLAME" -d "$TMP/adir" $c
	is "$rc" 4 "${c%% *} on a directory exits 4"
	like "$err" "adir: is a directory, not a store" "${c%% *} says it is a directory"
done

# An SQLite database of something else is not written into: its tables,
# its journal mode and its contents stay as they were
sqlite3 "$TMP/other.db" "CREATE TABLE mine(x); INSERT INTO mine VALUES (42);"
before=$(sqlite3 "$TMP/other.db" .dump | sha256sum)
run "$PINBLAME" -d "$TMP/other.db" import "$REAL/amd64-ftrace-gigantic-nocma/dmesg.txt"
is "$rc" 4 "import into another program's database exits 4"
like "$err" "other.db: not a pinblame store: an SQLite database with 1 tables" "and says why"
is "$(sqlite3 "$TMP/other.db" .dump | sha256sum)" "$before" "its database is untouched"
is "$(sqlite3 "$TMP/other.db" 'PRAGMA journal_mode')" delete "and left in its journal mode"

# merge checks every input before it makes the output: a mistyped input,
# a file that is no database, a directory leave no output store
printf 'not a store\n' >"$TMP/text.txt"
for bad in "$TMP/missing.db" "$TMP/text.txt" "$TMP/adir"; do
	run "$PINBLAME" merge "$TMP/merged.db" "$PINBLAME_DB" "$bad"
	is "$rc/$(test -e "$TMP/merged.db" && echo made || echo none)" "4/none" \
		"merge with input ${bad##*/}: exit 4 and no output store"
done
like "$err" "adir: is a directory, not a store" "the directory named as such"
run "$PINBLAME" merge "$TMP/merged.db" "$TMP/text.txt"
like "$err" "text.txt: not a pinblame store \(not an SQLite database\)" \
	"a text file is not called a damaged store"

done_testing
