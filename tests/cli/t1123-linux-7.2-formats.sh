#!/usr/bin/env bash
# Linux 7.2's formats (Debian's linux_7.2.8 source; doc/FORMATS.md, the
# "7.x" rows): a kernel log and an ftrace text written from 7.2's strings,
# each with a failed CMA allocation, its busy pfn and the stack of the
# page's holder, are imported and blamed. What changed since 6.12 and is
# read here: arm64's unwinder notes after frames (" (C)", " (P)"),
# cma_debug_show_areas()'s "range %d:" lines and its "=> ..." line of its
# own, __cma_alloc_frozen() and the busy retry's "at pfn 0x%lx %p" in the
# log; cma_alloc_start's request/available/total counts, cma_alloc_finish's
# pfn 0 on failure, mm_migrate_pages' nr_split and the lazy-preemption
# need-resched letters in the trace. Every expected value is read from the
# input files with grep, sed or awk.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/dmesg.txt" <<'LOG'
[    0.000000] Linux version 7.2.8-arm64 (debian-kernel@lists.debian.org) (aarch64-linux-gnu-gcc-15 (Debian 15.2.0-9) 15.2.0, GNU ld (GNU Binutils for Debian) 2.45.50) #1 SMP PREEMPT_DYNAMIC Debian 7.2.8-1 (2026-11-02)
[  812.004100] cma: cma_range_alloc(): memory range at pfn 0x8a200 000000003c1bd5c7 is busy, retrying
[  812.004211] CPU: 2 UID: 0 PID: 3120 Comm: cma_test Not tainted 7.2.8-arm64 #1 PREEMPT(lazy) 
[  812.004214] Hardware name: linux,dummy-virt (DT)
[  812.004215] Call trace:
[  812.004216]  show_stack+0x20/0x38 (C)
[  812.004219]  dump_stack_lvl+0x78/0x90
[  812.004221]  dump_stack+0x18/0x28
[  812.004223]  __alloc_contig_migrate_range+0x1f4/0x2a8
[  812.004226]  alloc_contig_frozen_range_noprof+0x118/0x388
[  812.004228]  cma_range_alloc+0x1a4/0x300
[  812.004230]  __cma_alloc_frozen+0xd0/0x1e8
[  812.004232]  cma_alloc+0x2c/0x50
[  812.004233]  cma_test_write+0x60/0xa0 [cma_test]
[  812.004234]  el0_svc+0x3c/0x140 (P)
[  812.004236]  el0t_64_sync+0x198/0x1a0
[  812.004240] page: refcount:3 mapcount:1 mapping:0000000000000000 index:0xffff8 pfn:0x8a310
[  812.004242] memcg:ffff0000c1a3d000
[  812.004243] anon flags: 0xbfffe000002081c(referenced|uptodate|dirty|lru|swapbacked|node=0|zone=2|lastcpupid=0x1ffff) CMA
[  812.004245] raw: 0bfffe000002081c fffffdffc0228448 fffffdffc0228408 ffff0000c52a7e01
[  812.004247] raw: 0000000ffff8 0000000000000000 0000000300000000 ffff0000c1a3d000
[  812.004249] page dumped because: migration failure
[  812.004250] page_owner tracks the page as allocated
[  812.004252] page last allocated via order 0, migratetype Movable, gfp_mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 3001, tgid 3001 (holdpin), ts 790112233445, free_ts 0
[  812.004254]  post_alloc_hook+0x1b0/0x1e0
[  812.004255]  get_page_from_freelist+0x3a8/0x1140
[  812.004257]  __alloc_frozen_pages_noprof+0x1b8/0x3f8
[  812.004259]  alloc_pages_noprof+0x8c/0x1a0
[  812.004260]  mydrv_alloc_buffer+0x44/0x120 [mydrv]
[  812.004262]  mydrv_ioctl+0x1d0/0x2f8 [mydrv]
[  812.004264]  __arm64_sys_ioctl+0xb4/0x100
[  812.004265]  invoke_syscall+0x50/0x120
[  812.004267] cma: __cma_alloc_frozen: reserved: alloc failed, req-size: 512 pages, ret: -16
[  812.004270] cma: number of available pages: 
[  812.004271] cma: range 0: +1024@1024+512@3072
[  812.004272] cma: range 1: 2048@0
[  812.004273] cma: 
[  812.004274] => 3584 free of 8192 total pages
LOG

cat >"$TMP/trace.txt" <<'TRACE'
# tracer: nop
#
# entries-in-buffer/entries-written: 11/11   #P:4
#
#                                _-----=> irqs-off/BH-disabled
#                               / _----=> need-resched
#                              | / _---=> hardirq/softirq
#                              || / _--=> preempt-depth
#                              ||| / _-=> migrate-disable
#                              |||| /     delay
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
        holdpin-3001    [000] ..l1.   790.112233: page_ref_mod: pfn=0x8a310 flags=referenced|uptodate|lru|swapbacked count=3 mapcount=1 mapping=ffff0000c52a7e01 mt=1 val=1
        holdpin-3001    [000] ..l1.   790.112234: <stack trace>
 => try_grab_folio
 => follow_page_pte
 => __get_user_pages
 => __gup_longterm_locked
 => pin_user_pages
 => mydrv_pin_buffer [mydrv]
 => mydrv_ioctl [mydrv]
 => __arm64_sys_ioctl
 => invoke_syscall
       cma_test-3120    [002] .....   812.003900: cma_alloc_start: name=reserved request_count=512 available_count=3584 total_count=8192 align=9
       cma_test-3120    [002] .L...   812.004000: mm_migrate_pages_start: mode=MIGRATE_SYNC reason=contig_range
       cma_test-3120    [002] .L...   812.004010: mm_migrate_pages: nr_succeeded=15 nr_failed=1 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=contig_range
       cma_test-3120    [002] .....   812.004050: test_pages_isolated: start_pfn=0x8a200 end_pfn=0x8a400 fin_pfn=0x8a310 ret=fail
       cma_test-3120    [002] .....   812.004100: cma_alloc_busy_retry: name=reserved pfn=0x8a200 page=fffffdffc0228000 count=512 align=9
       cma_test-3120    [002] .....   812.004300: cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=512 align=9 errorno=-16
        holdpin-3001    [000] .....   900.000000: page_ref_mod_and_test: pfn=0x8a310 flags=referenced|uptodate|lru|swapbacked count=2 mapcount=1 mapping=ffff0000c52a7e01 mt=1 val=-1 ret=0
TRACE

# --- the kernel log ---------------------------------------------------
export PINBLAME_DB=$TMP/log.db
fixture "the 7.2 kernel log imports" "$PINBLAME" import "$TMP/dmesg.txt"
like "$out" "kmsg, 4 events, 0 bad lines" "a call trace, a dump, a busy retry and the failure; no line refused"

release=$(sed -n 's/.*Linux version \([^ ]*\) .*/\1/p' "$TMP/dmesg.txt")
is "$(sql "SELECT kernel FROM sources")" "$release" "the release of the banner"

# the frames between "Call trace:" and the dump, none of them named by
# an unwinder note
frames=$(awk '/Call trace:/{f=1; next} /\] page: /{f=0} f' "$TMP/dmesg.txt" | wc -l)
is "$(sql "SELECT count(*) FROM frames f JOIN events e ON e.stack_id = f.stack_id WHERE e.event = 'kmsg:call_trace'")" \
	"$frames" "each line of the call trace is a frame"
is "$(sql "SELECT count(*) FROM frames WHERE module IN ('C', 'T', 'P', 'U', 'F', 'K') OR symbol LIKE '%(%'")" \
	"0" "no unwinder note is a module or part of a symbol"
pb query --csv "SELECT f.symbol, f.offset FROM frames f JOIN events e ON e.stack_id = f.stack_id WHERE e.event = 'kmsg:call_trace' AND f.symbol IN ('show_stack', 'el0_svc') ORDER BY f.depth"
noted=$(grep -E '\((C|P)\)$' "$TMP/dmesg.txt" | sed 's/.*\]  \([a-z0-9_]*\)+\(0x[0-9a-f]*\)\/.*/\1,\2/' |
	while IFS=, read -r sym off; do echo "$sym,$((off))"; done)
is "$(printf '%s\n' "$out" | sed 1d)" "$noted" "show_stack (C) and el0_svc (P) keep their names and offsets"

free=$(sed -n 's/.*=> \([0-9]*\) free of \([0-9]*\) total pages.*/\1,\2/p' "$TMP/dmesg.txt")
pb query --csv "SELECT max(CASE f.name WHEN 'free_pages' THEN f.value END), max(CASE f.name WHEN 'total_pages' THEN f.value END) FROM event_fields f JOIN events e ON e.id = f.event_id WHERE e.event = 'kmsg:cma_alloc_failed'"
is "$(printf '%s\n' "$out" | sed 1d)" "$free" "free and total pages from the '=>' line after the ranges"
retry_pfn=$(sed -n 's/.*memory range at pfn \(0x[0-9a-f]*\) .*/\1/p' "$TMP/dmesg.txt")
is "$(sql "SELECT f.value FROM event_fields f JOIN events e ON e.id = f.event_id WHERE e.event = 'kmsg:cma_busy_retry' AND f.name = 'pfn'")" \
	"$retry_pfn" "the busy retry's pfn"

pb failures --json
printf '%s\n' "$out" >"$TMP/log-failures.json"
area=$(sed -n 's/.*__cma_alloc_frozen: \([^:]*\): alloc failed.*/\1/p' "$TMP/dmesg.txt")
errno=$(sed -n 's/.*alloc failed, .* ret: \(-[0-9]*\)$/\1/p' "$TMP/dmesg.txt")
busy=$(($(grep -o 'pfn:0x[0-9a-f]*' "$TMP/dmesg.txt" | cut -d: -f2)))
is "$(jq -c '[.failures[] | [.kind, .area, .errno, .outcome, .busy_pfns]]' "$TMP/log-failures.json")" \
	"[[\"cma_alloc\",\"$area\",$errno,\"final\",[$busy]]]" "one final cma_alloc failure of area $area, its busy pfn from the dump"
# its task: the call trace's, through alloc_contig_frozen_range_noprof()
# under cma_alloc() (7.x's names of alloc_contig_range() and its CMA caller)
task=$(sed -n 's/.* PID: \([0-9]*\) Comm: \([^ ]*\) .*/\2[\1]/p' "$TMP/dmesg.txt")
is "$(jq -r '.failures[0] | "\(.comm)[\(.pid)]"' "$TMP/log-failures.json")" "$task" \
	"the failure's task is the one of the call trace through 7.x's contiguous allocator"

# the holder: the page_owner stack's first frame of a module
site=$(awk '/page last allocated/{f=1; next} f && /\[mydrv\]$/{sub(/\+.*/, "", $3); print $3; exit}' "$TMP/dmesg.txt")
pb blame --json
is "$(printf '%s\n' "$out" | jq -c '[.callsites[] | [.callsite, .pages]]')" "[[\"$site\",1]]" \
	"the allocating driver function is blamed for the busy page"

# --- the ftrace text ----------------------------------------------------
export PINBLAME_DB=$TMP/trace.db
events=$(grep -cE '^ +[^ ]+-[0-9]+ +\[[0-9]+\] [^ ]+ +[0-9.]+: [a-z_]+: ' "$TMP/trace.txt")
fixture "the 7.2 trace imports" "$PINBLAME" import "$TMP/trace.txt"
like "$out" "ftrace, $events events, 0 bad lines" "every event read, those with lazy need-resched letters too"

request=$(sed -n 's/.*cma_alloc_start: .* request_count=\([0-9]*\) .*/\1/p' "$TMP/trace.txt")
finish=$(sed -n 's/.*cma_alloc_finish: .* pfn=\(0x[0-9a-f]*\) .* errorno=\(-[0-9]*\)$/\1,\2/p' "$TMP/trace.txt")
pb query --csv "SELECT count, printf('0x%x', pfn), errorno FROM cma_allocs"
is "$(printf '%s\n' "$out" | sed 1d)" "$request,$finish" "the allocation's count from request_count, pfn 0 and the error of the finish"

pb failures --json
printf '%s\n' "$out" >"$TMP/trace-failures.json"
read -r start end fin < <(sed -n 's/.*test_pages_isolated: start_pfn=\(0x[0-9a-f]*\) end_pfn=\(0x[0-9a-f]*\) fin_pfn=\(0x[0-9a-f]*\) ret=fail/\1 \2 \3/p' "$TMP/trace.txt")
failed=$(sed -n 's/.*mm_migrate_pages: nr_succeeded=[0-9]* nr_failed=\([0-9]*\) .*/\1/p' "$TMP/trace.txt")
is "$(jq -c '[.failures[] | [.kind, .start_pfn, .end_pfn, .busy_pfns, .failed_migrations, .errno]]' "$TMP/trace-failures.json")" \
	"[[\"cma_alloc\",$((start)),$((end)),[$((fin))],$failed,${finish#*,}]]" \
	"one cma_alloc failure over the isolated range, busy at fin_pfn, with its failed migration"

site=$(awk '/=> .*\[mydrv\]$/{print $2; exit}' "$TMP/trace.txt")
pb blame --json
is "$(printf '%s\n' "$out" | jq -c '[.callsites[] | [.callsite, .pages, .confidence]]')" "[[\"$site\",1,\"high\"]]" \
	"the driver function that pinned the page through pin_user_pages is blamed"

# --- page_owner's show_stacks of 7.x ------------------------------------
# stack_print(): " %pS" frames, "handle: %d", "nr_base_pages: %d", a blank
# line: pages counted by stack, without pfns, refused with the hint
printf ' post_alloc_hook+0x1b0/0x1e0\n mydrv_alloc_buffer+0x44/0x120 [mydrv]\nhandle: 12345\nnr_base_pages: 512\n\n' >"$TMP/show_stacks.txt"
export PINBLAME_DB=$TMP/stacks.db
pb import "$TMP/show_stacks.txt"
is "$rc" 3 "page_owner's show_stacks is refused, exit 3"
like "$err" "show_stacks.txt: page_owner's show_stacks .*/sys/kernel/debug/page_owner" "named as such, with the file to import instead"
done_testing
