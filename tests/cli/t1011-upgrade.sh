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

# A store it cannot write is read as it is, by another user than its owner.
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null &&
	runuser -u nobody -- "$PINBLAME" --version >/dev/null 2>&1; then
	ro=$(mktemp -d /tmp/pinblame-ro.XXXXXX)
	xz -dc "$PB_TESTDATA/stores/v1-samples.db.xz" >"$ro/v1.db"
	chmod 444 "$ro/v1.db"
	chmod 755 "$ro"
	run runuser -u nobody -- "$PINBLAME" -d "$ro/v1.db" query --csv "SELECT count(*), count(clock) FROM sources"
	is "$rc $(printf '%s' "$out" | sed -n 2p)" "0 2,0" "a reader that cannot write it sees its sources, on the kernel's clock"
	chmod 1777 "$ro"
	run runuser -u nobody -- "$PINBLAME" merge "$ro/fleet.db" "$ro/v1.db"
	is "$rc" 0 "it merges into a store of the reader's"
	is "$(sqlite3 "$ro/v1.db" 'PRAGMA user_version')" 1 "and is left of version 1"
	rm -rf "$ro"
else
	for i in 1 2 3; do
		echo "ok $((_n + i)) # skip cannot run pinblame as another user here"
	done
	_n=$((_n + 3))
fi

cp "$TMP/v1.db" "$TMP/again.db"
pb -d "$TMP/again.db" info
is "$rc" 0 "an upgraded store opens again as it is"
done_testing
