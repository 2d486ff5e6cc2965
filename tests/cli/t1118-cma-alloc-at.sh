#!/usr/bin/env bash
# An allocation at a pfn the caller names, traced by cma_alloc_at_start and
# cma_alloc_at_finish (linux-mm include/trace/events/cma.h: "name=%s
# pfn=%lx, request_count=%lu available_count=%lu total_count=%lu" and
# "name=%s pfn=0x%lx page=%p count=%lu errorno=%d"), is a CMA allocation
# like one of cma_alloc_start/finish: a failed one is a cma_alloc failure
# with its busy range and its holder, a good one is not a failure. The
# expected values are worked out from the lines written here.
. "$(dirname "$0")/lib.sh"

# Task sh-412 asks area "hugepages" for 512 pages at pfn 0x140000 and fails
# with -EBUSY: page 0x140083 is pinned by mydrv (its stack), the isolation
# test fails on it. Then it asks at 0x140200 and gets the pages.
cat >"$TMP/at.txt" <<'TRACE'
# tracer: nop
           mydrv-77      [000] .....   100.000000: page_ref_mod: pfn=0x140083 flags=uptodate|lru count=2 mapcount=1 mapping=0000000000000000 mt=4 val=1
           mydrv-77      [000] .....   100.000001: <stack trace>
 => try_grab_folio
 => __get_user_pages
 => pin_user_pages
 => mydrv_pin_buffer
 => mydrv_ioctl
              sh-412     [001] .....   102.000000: cma_alloc_at_start: name=hugepages pfn=140000, request_count=512 available_count=4096 total_count=8192
              sh-412     [001] .....   102.000100: test_pages_isolated: start_pfn=0x140000 end_pfn=0x140200 fin_pfn=0x140083 ret=fail
              sh-412     [001] .....   102.000200: cma_alloc_at_finish: name=hugepages pfn=0x140000 page=0000000000000000 count=512 errorno=-16
              sh-412     [001] .....   103.000000: cma_alloc_at_start: name=hugepages pfn=140200, request_count=512 available_count=4096 total_count=8192
              sh-412     [001] .....   103.000200: cma_alloc_at_finish: name=hugepages pfn=0x140200 page=fffffc0005008000 count=512 errorno=0
TRACE
export PINBLAME_DB=$TMP/at.db
fixture "the trace imports" "$PINBLAME" import "$TMP/at.txt"
like "$out" ", 6 events, 0 bad lines" "every event read"

pb query --csv "SELECT area, pid, count, pfn, ok, errorno FROM cma_allocs ORDER BY start_ts_ns"
is "$out" "area,pid,count,pfn,ok,errorno
hugepages,412,512,$((0x140000)),0,-16
hugepages,412,512,$((0x140200)),1,0" "two allocations: the failed one at 0x140000, the good one at 0x140200"

pb failures --json
is "$rc" 0 "failures exits 0"
printf '%s\n' "$out" >"$TMP/failures.json"
is "$(jq -c '[.failures[] | select(.kind == "cma_alloc") | [.start_pfn, .pages, .pid, .outcome, .errno]]' "$TMP/failures.json")" \
	"[[$((0x140000)),512,412,\"final\",-16]]" "one cma_alloc failure, final, -EBUSY, at 0x140000 for 512 pages"

pb blame --json
is "$(printf '%s\n' "$out" | jq -c '[.callsites[] | [.callsite, .pages]]')" '[["mydrv_pin_buffer",1]]' \
	"the pin of 0x140083 by mydrv_pin_buffer is blamed"
done_testing
