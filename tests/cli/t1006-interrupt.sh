#!/usr/bin/env bash
# SIGINT during an import rolls the file back: the store is as before.
# Each interrupted import goes into its own copy of a store that holds
# the sample, so what one leaves behind does not change the other's.
. "$(dirname "$0")/lib.sh"
BASE=$TMP/base.db

fixture "the sample imports" "$PINBLAME" -d "$BASE" import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
before=$(PINBLAME_DB=$BASE sql "SELECT count(*) || '/' || (SELECT count(*) FROM sources) FROM events")

export PINBLAME_DB=$TMP/file.db
setup "a copy of the store for the import from a file" copy_store "$BASE" "$PINBLAME_DB"
"$PINBLAME" import "$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz" >"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 0.4
kill -INT $pid
wait $pid
rc=$?
is "$rc" 130 "an interrupted import exits 130"
like "$(cat "$TMP/err")" "interrupted; nothing of this file was stored" "and says so"
is "$(sql "SELECT count(*) || '/' || (SELECT count(*) FROM sources) FROM events")" "$before" "the store is as before"

# Interrupted while waiting for more input on a pipe, too.
export PINBLAME_DB=$TMP/pipe.db
setup "a copy of the store for the import from a pipe" copy_store "$BASE" "$PINBLAME_DB"
mkfifo "$TMP/fifo"
( head -n 40 "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"; exec sleep 30 ) > "$TMP/fifo" &
writer=$!
"$PINBLAME" import - < "$TMP/fifo" >"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 0.5
kill -INT $pid
start=$(date +%s)
wait $pid
rc=$?
waited=$(( $(date +%s) - start ))
kill $writer 2>/dev/null
ok "$([ "$waited" -lt 10 ]; echo $?)" "it stops without waiting for the writer (${waited}s)"
is "$rc" 130 "an import blocked on a pipe is interrupted too"
is "$(sql "SELECT count(*) || '/' || (SELECT count(*) FROM sources) FROM events")" "$before" "nothing of it stored"
done_testing
