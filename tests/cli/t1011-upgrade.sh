#!/usr/bin/env bash
# A store written by pinblame before schema version 2 (testdata/stores:
# the page_ref sample and the dump_page log, imported and blamed by commit
# 6ce1612) is upgraded in place by the first command that opens it, even
# one that only reads, and answers as a store made now does.
. "$(dirname "$0")/lib.sh"

xz -dc "$PB_TESTDATA/stores/v1-samples.db.xz" >"$TMP/v1.db"
is "$(sqlite3 "$TMP/v1.db" 'PRAGMA user_version')" 1 "the committed store is of version 1"

pb -d "$TMP/v1.db" info
is "$rc" 0 "info, a reader, opens it"
is "$(sqlite3 "$TMP/v1.db" 'PRAGMA user_version')" 2 "and it is of version 2 now"
is "$("$PINBLAME" -d "$TMP/v1.db" query --csv "SELECT count(*), count(clock) FROM sources" | sed -n 2p)" \
	"2,0" "its two sources got the new clock column, NULL: the kernel's clock"

pb -d "$TMP/v1.db" blame --json
old=$out
pb import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" "$SAMPLES/dmesg-6.6-dump_page-folio.txt"
pb blame --json
is "$old" "$out" "blame on the upgraded store is what a store made now says"

cp "$TMP/v1.db" "$TMP/again.db"
pb -d "$TMP/again.db" info
is "$rc" 0 "an upgraded store opens again as it is"
done_testing
