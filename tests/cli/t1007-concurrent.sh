#!/usr/bin/env bash
# Two imports into one store at once both succeed; a reader works meanwhile.
. "$(dirname "$0")/lib.sh"

"$PINBLAME" import "$REAL/amd64-ftrace-gigantic-nocma/trace.txt.xz" >"$TMP/a.out" 2>&1 &
a=$!
"$PINBLAME" import "$REAL/arm64-ftrace-hugetlb-cma/dmesg.txt" "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" >"$TMP/b.out" 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?
is "$ra" 0 "first import succeeded"
is "$rb" 0 "second import succeeded"
is "$(sql "SELECT count(*) FROM sources")" 3 "all three sources stored"
is "$(sql "SELECT count(*) FROM events e JOIN sources s ON s.id = e.source_id WHERE e.event = 'migrate:mm_migrate_pages' AND s.path LIKE '%amd64%trace.txt.xz'")" 5495 "the amd64 events are complete"
pb query "SELECT count(*) FROM events"
is "$rc" 0 "a reader works on the same store"
done_testing
