#!/usr/bin/env bash
# trace-cmd report --debug (trace-read.c trace_show_data(); doc/FORMATS.md
# section 1.1): "CPU:%d [SUBBUFFER START] [%lld:0x%llx]" before the first
# event of each page of the buffer, " [%d:0x%llx:%d]" (time delta, offset
# in the page, size) after each event, after the last frame of a stack
# event, and " PADDING: ", " TIME EXTEND: ", " TIME STAMP: " lines for the
# page's other entries. The suffix was a word of the last value (align,
# errorno and ret held no number or name: every isolation test of the
# real capture's --debug report was a failure, 467 failures where the
# report without --debug has 6) and of the last frame's symbol; the
# other lines were lines not understood. The same report without the
# debug text (taken out with sed) is the reference.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/debug.txt" <<'TRACE'
version = 7
cpus=2
CPU:0 [SUBBUFFER START] [101000000000:0x1000]
           mydrv-77    [000]   101.000000: page_ref_mod:         pfn=0xb2a13 flags=uptodate|lru count=2 mapcount=1 mapping=0000000000000000 mt=4 val=1 [0:0x10:64]
           mydrv-77    [000]   101.000001: kernel_stack:         <stack trace >
=> __page_ref_mod (ffffffff8127c0a0)
=> try_grab_folio (ffffffff8127c1a0)
=> __get_user_pages (ffffffff8127d000)
=> pin_user_pages (ffffffff8127e000)
=> mydrv_pin_buffer (ffffffffc0a01044)
=> mydrv_ioctl (ffffffffc0a01100) [1000:0x50:120]
 TIME EXTEND: delta:1500100000 length:0
              sh-412   [001]   102.500101: cma_alloc_start:      name=reserved request_count=1024 available_count=2048 total_count=4096 align=8 [0:0xc8:56]
              sh-412   [001]   102.500102: test_pages_isolated:  start_pfn=0xb2800 end_pfn=0xb2c00 fin_pfn=0xb2a13 ret=fail [1000:0x100:40]
 PADDING: delta:0 length:3840
CPU:1 [SUBBUFFER START] [102500103000:0x2000]
              sh-412   [001]   102.500103: mm_migrate_pages:     nr_succeeded=10 nr_failed=2 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=contig_range [0:0x10:72]
              sh-412   [001]   102.500104: cma_alloc_busy_retry: name=reserved pfn=0xb2800 page=0xfffffc0002ca0000 count=1024 align=8 [1000:0x58:48]
 TIME STAMP: timestamp:102500105000 length:0
              sh-412   [001]   102.500105: cma_alloc_finish:     name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16 [0:0x98:56]
TRACE
sed -e '/^CPU:[0-9]* \[SUBBUFFER START\]/d' -e '/^ \(PADDING\|TIME EXTEND\|TIME STAMP\): /d' \
	-e 's/ \[[0-9]*:0x[0-9a-f]*:[0-9]*\]$//' "$TMP/debug.txt" >"$TMP/plain.txt"

# event lines but the stack's, which is the event's before it
events=$(grep '\] *[0-9.]*: ' "$TMP/debug.txt" | grep -vc ' kernel_stack: ')
align=$(sed -n 's/.*cma_alloc_finish: .* align=\([0-9]*\) .*/\1/p' "$TMP/debug.txt")
errno=$(sed -n 's/.*cma_alloc_finish: .* errorno=\([-0-9]*\) .*/\1/p' "$TMP/debug.txt")
start_pfn=$(sed -n 's/.*test_pages_isolated: *start_pfn=\(0x[0-9a-f]*\) .*/\1/p' "$TMP/debug.txt")
count=$(sed -n 's/.*cma_alloc_finish: .* count=\([0-9]*\) .*/\1/p' "$TMP/debug.txt")
# folded: the root first
frames=$(sed -n 's/^=> \([^ ]*\) .*/\1/p' "$TMP/debug.txt" | tac | paste -sd';')

export PINBLAME_DB=$TMP/plain.db
fixture "the report without the debug text imports" "$PINBLAME" import "$TMP/plain.txt"
plain_events=$(sql "SELECT group_concat(ts_ns || ',' || pid || ',' || event || ',' || body, '|')
	FROM (SELECT * FROM events ORDER BY id)")

export PINBLAME_DB=$TMP/debug.db
fixture "the --debug report imports" "$PINBLAME" import "$TMP/debug.txt"
like "$out" "trace-cmd-report, $events events, 0 bad lines" \
	"every event read; the page's lines are no lines refused"
is "$(sql "SELECT group_concat(ts_ns || ',' || pid || ',' || event || ',' || body, '|')
	FROM (SELECT * FROM events ORDER BY id)")" "$plain_events" \
	"the events, their times, tasks and bodies as without --debug"
is "$(sql "SELECT align FROM cma_allocs")" "$align" "the allocation's align is a number"
is "$(sql "SELECT value FROM event_fields f JOIN events e ON e.id = f.event_id
	WHERE e.event LIKE '%test_pages_isolated' AND f.name = 'ret'")" fail "the isolation test's ret"
is "$(sql "SELECT folded FROM stacks")" "$frames" "the pin's stack, its last frame a symbol"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .start_pfn, .pages, .pid, .outcome, .errno]]')" \
	"[[\"cma_alloc\",$((start_pfn)),$count,412,\"final\",$errno]]" "one failure, with its errno"
pb blame --json
is "$(printf '%s' "$out" | jq -c '[.callsites[] | [.callsite, .pages]]')" '[["mydrv_pin_buffer",1]]' \
	"blame: the caller of pin_user_pages in the stack written holds the busy page"
done_testing
