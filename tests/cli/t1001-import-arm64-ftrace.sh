#!/usr/bin/env bash
# The arm64 ftrace capture imports with exactly the counts of its README
# (counted there with an independent tool, tools/summarize.py).
. "$(dirname "$0")/lib.sh"
cap=$REAL/arm64-ftrace-hugetlb-cma

fixture "import exits 0" "$PINBLAME" import "$cap/trace.txt.xz"
like "$out" 'trace.txt.xz: ftrace, 332192 events, 4 bad lines' "summary: format, events, bad lines"

count() { sql "SELECT count(*) FROM events WHERE event = '$1'"; }
is "$(count cma:cma_alloc_start)" 28 "cma_alloc_start 28"
is "$(count cma:cma_alloc_finish)" 28 "cma_alloc_finish 28"
is "$(count cma:cma_alloc_busy_retry)" 128 "cma_alloc_busy_retry 128"
is "$(count cma:cma_release)" 24 "cma_release 24"
is "$(count migrate:mm_migrate_pages)" 89935 "mm_migrate_pages 89,935"
is "$(count page_isolation:test_pages_isolated)" 632 "test_pages_isolated 632"
# xz -dc trace.txt.xz | grep -c ': try_grab_folio: (try_grab_folio'
is "$(count kprobes:try_grab_folio)" 40304 "try_grab_folio probe hits 40,304"
is "$(count ftrace:print)" 8 "8 trace markers (grep -c tracing_mark_write)"
# the same counts through the index by name, for every name at once
by_name="SELECT event, count(*) FROM events GROUP BY event ORDER BY event"
is "$(sql "SELECT event, count(*) FROM event_ids GROUP BY event ORDER BY event")" "$(sql "$by_name")" \
	"event_ids has every event under its name"
is "$(sql "SELECT count(*) FROM events WHERE id IN (SELECT id FROM event_ids WHERE event = 'cma:cma_alloc_finish')")" 28 \
	"events selected by name through event_ids: cma_alloc_finish 28"

is "$(sql "SELECT count(*) FROM cma_allocs WHERE ok = 0")" 4 "4 failed CMA allocations"
is "$(sql "SELECT group_concat(DISTINCT area) FROM cma_allocs WHERE ok = 0")" hugetlb0 "all on hugetlb0"
is "$(sql "SELECT count(*) FROM cma_allocs WHERE ok = 0 AND busy_retries = 32")" 4 "each with 32 busy retries"
is "$(sql "SELECT count(*) FROM cma_allocs WHERE area = 'reserved' AND ok = 1")" 16 "16 successful allocations on reserved"
is "$(sql "SELECT printf('0x%x', pfn) FROM cma_allocs WHERE ok = 0 LIMIT 1")" 0x13e000 "a failure's pfn is the last range tried"
is "$(sql "SELECT count(*) FROM busy_ranges WHERE kind = 'isolation'")" 604 "604 failed isolation tests"
is "$(sql "SELECT count(DISTINCT busy_pfn) FROM busy_ranges WHERE kind = 'isolation'")" 151 "151 distinct busy fin_pfns"
# README: 136 test_pages_isolated come from cma_alloc, 8 of them the
# successes of the 8 good hugetlb0 allocations; the stacks agree.
is "$(sql "SELECT count(*) FROM busy_ranges WHERE kind = 'isolation' AND cma_alloc_id IS NOT NULL")" 128 "128 failed ones inside cma_alloc (paired by task and time)"
is "$(sql "SELECT count(*) FROM busy_range b JOIN events e ON e.id = b.event_id JOIN stacks s ON s.id = e.stack_id WHERE b.kind = 'isolation' AND s.folded LIKE '%;cma_alloc;%'")" 128 "the same 128 have cma_alloc on their stack"
is "$(sql "SELECT count(*) FROM migrations WHERE reason = 'contig_range' AND failed > 0")" 1240 "contig_range migrations with failures 1,240"
is "$(sql "SELECT sum(failed) FROM migrations WHERE reason = 'contig_range'")" 1380 "1,380 contig_range pages failed"
is "$(sql "SELECT count(*) FROM migrations WHERE reason = 'compaction' AND failed > 0")" 3 "compaction with failures 3"
is "$(sql "SELECT failed FROM migrations WHERE reason = 'longterm_pin'")" 18 "longterm_pin nr_failed=18"
is "$(sql "SELECT count(*) FROM stacks s JOIN migrations m ON m.stack_id = s.id WHERE m.reason = 'longterm_pin' AND s.folded LIKE '%io_sqe_buffer_register;io_pin_pages;pin_user_pages;__gup_longterm_locked%'")" 1 "the longterm_pin stack names io_uring"

pb info --json
is "$rc" 0 "info --json exits 0"
like "$out" '"schema":"pinblame.info/1"' "info has its schema"
like "$out" '"cma:cma_alloc_finish":28' "info counts events by name"
like "$out" '"reason":"stack without event","count":4' "info reports the lines not understood"

pb info
like "$out" 'not understood: 4 x stack without event \(first at line 551' "text info shows the first bad line"
# a stack whose event is not there: the hint says how that comes about
printf '# tracer: nop\n              sh-1       [000] .....     1.000000: <stack trace>\n => cma_alloc\n' > "$TMP/orphan.txt"
pb -d "$TMP/orphan.db" import "$TMP/orphan.txt"
like "$err" "orphan.txt: 1 line not understood: stack without event" "a stack without event is counted"
like "$err" "hint: a stack with no event before it: a full ring buffer refused the" \
	"and the hint names a full ring buffer"
like "$err" "hint: Record with a larger buffer \\(pinblame record --buffer-kb, or" \
	"and how to record with a larger one"
# frames without a record in a page_owner dump: not a ring buffer's doing
printf 'Page allocated via order 0, mask 0x0(), pid 1, tgid 1 (sh), ts 1 ns\nPFN 0x10 type Movable Block 0 type Movable Flags 0x0()\n f+0x0/0x4\n\n g+0x0/0x4\n' > "$TMP/owner.txt"
pb -d "$TMP/owner.db" import "$TMP/owner.txt"
like "$err" "1 line not understood: stack without event" "page_owner: frames with no record are counted"
is "$(grep -c "ring buffer" <<<"$err")" 0 "without the ring buffer's hint"
done_testing
