#!/usr/bin/env bash
# A plain file past 64 MiB is hashed on a thread of its own while it is
# parsed: the same events and hash as any import, a second import is a
# no-op, and two imports of it at once store it once. A store made for it
# gets 64 KiB pages; one made for a small file 16 KiB.
. "$(dirname "$0")/lib.sh"

xz -dc "$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz" >"$TMP/trace.txt"
size=$(stat -c %s "$TMP/trace.txt")
ok "$([ "$size" -ge $((64 << 20)) ]; echo $?)" "the capture is past 64 MiB ($size bytes)"

fixture "import exits 0" "$PINBLAME" import "$TMP/trace.txt"
is "$(sql "SELECT sha256 FROM sources")" "$(sha256sum <"$TMP/trace.txt" | cut -d' ' -f1)" \
	"the source's hash is sha256sum's"
is "$(sql "SELECT count(*) FROM events WHERE event = 'migrate:mm_migrate_pages'")" 89935 \
	"mm_migrate_pages 89,935"
is "$(sql "SELECT count(*) FROM events WHERE event = 'kprobes:try_grab_folio'")" 40304 \
	"try_grab_folio probe hits 40,304"
is "$(sql "SELECT count(*) FROM busy_ranges WHERE kind = 'isolation'")" 604 \
	"604 failed isolation tests"
is "$(sql "SELECT sum(count) FROM bad_line")" 4 "4 bad lines recorded (stacks without event)"
events=$(sql "SELECT count(*) FROM events")
is "$(sql "PRAGMA page_size")" 65536 "the new store got 64 KiB pages"

pb import "$TMP/trace.txt"
is "$rc" 0 "importing it again exits 0"
like "$out" "already imported; nothing added" "and says it added nothing"
is "$(sql "SELECT count(*) FROM events")" "$events" "the event count is unchanged"

export PINBLAME_DB=$TMP/two.db
"$PINBLAME" import "$TMP/trace.txt" >"$TMP/a.out" 2>&1 &
a=$!
"$PINBLAME" import "$TMP/trace.txt" >"$TMP/b.out" 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?
is "$ra:$rb" 0:0 "two imports of it at once both exit 0"
is "$(sql "SELECT count(*) FROM sources")" 1 "one source is stored"
is "$(sql "SELECT count(*) FROM events")" "$events" "with every event once"
is "$(cat "$TMP/a.out" "$TMP/b.out" | grep -c 'already imported')" 1 \
	"one of the two says it was already imported"

PINBLAME_DB=$TMP/small.db pb import "$REAL/arm64-ftrace-hugetlb-cma/dmesg.txt"
is "$rc" 0 "a small file into a new store exits 0"
is "$(PINBLAME_DB=$TMP/small.db sql "PRAGMA page_size")" 16384 "that store got 16 KiB pages"
PINBLAME_DB=$TMP/small.db pb import "$TMP/trace.txt"
is "$(PINBLAME_DB=$TMP/small.db sql "PRAGMA page_size")" 16384 \
	"and keeps them when a large file is imported into it"
done_testing
