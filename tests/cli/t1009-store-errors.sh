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
	ok "$([ "$rc" -ne 0 ]; echo $?)" "a write error on stdout is an error (exit $rc)"
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

done_testing
