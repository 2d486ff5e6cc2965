#!/usr/bin/env bash
# With printk caller ids, another task's whole dump_page() and page_owner
# block (19 lines) printed between two frames of a dump's page_owner
# stack: the lines of the other caller are held until the stack's record is
# over (up to 128 lines and 64 KiB, lib/parse/kmsg.c), so the stack reads
# on to its pinning call and the other dump is a record of its own with its
# own frames (doc/FORMATS.md section 2.1). Before, 8 lines were held and
# the rest of the other dump was read into the stack. The log is written
# from the 6.6 formats (dump_page(), __dump_page_owner(), print_caller()'s
# "[%6s]"); expected figures come from the log with grep and awk.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/base.log" <<'LOG'
[    0.000000] Linux version 6.6.30-android15-8 (build-user@build-host) (Android clang version 17.0.4, LLD 17.0.4) #1 SMP PREEMPT Mon Jan  1 00:00:00 UTC 2024
[  812.100100] alloc_contig_range: [b4200, b4400) PFNs busy
[  812.100200] page:fffffc0002d084c0 refcount:3 mapcount:1 mapping:0000000000000000 index:0x7f12 pfn:0xb4213
[  812.100201] anon flags: 0x8000000000080014(uptodate|lru|swapbacked|zone=2)
[  812.100202] raw: 8000000000080014 fffffc0002d08488 fffffc0002d08508 ffff000012345671
[  812.100203] raw: 0000000000007f12 0000000000000000 0000000300000000 0000000000000000
[  812.100204] page dumped because: migration failure
[  812.100205] page_owner tracks the page as allocated
[  812.100206] page last allocated via order 0, migratetype Movable, gfp_mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 2311, tgid 2311 (camera-hal), ts 811000000000, free_ts 0
[  812.100207]  post_alloc_hook+0x1a0/0x1c8
[  812.100208]  get_page_from_freelist+0x6a4/0x1c0c
[  812.100209]  __alloc_pages+0xe8/0x2d0
[  812.100300] page:fffffc0002d40000 refcount:2 mapcount:1 mapping:0000000000000000 index:0x2a0 pfn:0xb5000
[  812.100301] anon flags: 0x8000000000080014(uptodate|lru|swapbacked|zone=2)
[  812.100302] raw: 8000000000080014 fffffc0002d3ffc8 fffffc0002d40048 ffff000012345a01
[  812.100303] raw: 00000000000002a0 0000000000000000 0000000200000000 0000000000000000
[  812.100304] page dumped because: migration failure
[  812.100305] page_owner tracks the page as allocated
[  812.100306] page last allocated via order 0, migratetype Movable, gfp_mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 2407, tgid 2407 (mediaserver), ts 811500000000, free_ts 0
[  812.100307]  post_alloc_hook+0x1a0/0x1c8
[  812.100308]  get_page_from_freelist+0x6a4/0x1c0c
[  812.100309]  __alloc_pages+0xe8/0x2d0
[  812.100310]  __folio_alloc+0x20/0x58
[  812.100311]  vma_alloc_folio+0x1b4/0x3b0
[  812.100312]  do_anonymous_page+0x8c/0x4a0
[  812.100313]  handle_mm_fault+0x5c4/0xd30
[  812.100314]  do_page_fault+0x1e8/0x3c0
[  812.100315]  el0_da+0x48/0xa0
[  812.100316] page last free pid 900 tgid 900 stack trace:
[  812.100317]  free_unref_page+0x3c/0x1f0
[  812.100318]  __folio_put+0x48/0x60
[  812.100400]  handle_mm_fault+0x5c4/0xd30
[  812.100401]  __get_user_pages+0x1e0/0x3b4
[  812.100402]  pin_user_pages_fast+0x5c/0x7c
[  812.100403]  cam_mem_pin_buf+0x9c/0x1e0 [cam_drv]
[  812.100404]  cam_ioctl+0x134/0x2a0 [cam_drv]
[  812.100405]  __arm64_sys_ioctl+0xa8/0xf0
[  812.100406] page last free pid 800 tgid 800 stack trace:
[  812.100407]  free_unref_page+0x3c/0x1f0
[  812.100408]  __folio_put+0x48/0x60
[  812.100500] cma: cma_alloc: linux,cma: alloc failed, req-size: 512 pages, ret: -16
LOG

# CONFIG_PRINTK_CALLER: the other task's dump (its times 812.1003..) is
# "[ T2407]", every other line the camera task's "[ T2311]"
awk 'NR == 1 { print; next }
	{ caller = "[ T2311]" }
	substr($0, 4, 9) ~ /^812\.1003/ { caller = "[ T2407]" }
	{ print substr($0, 1, 14) caller substr($0, 15) }' "$TMP/base.log" >"$TMP/caller.log"
log=$TMP/caller.log

# a task's allocation stack, by hand: its " %pS" lines between its "page
# last allocated" and its "page last free"
alloc_frames() { awk -v t="$1" 'index($0, t) == 0 { next } /page last allocated via/ { on = 1; next }
	/page last free/ { on = 0 } on && /\]  [a-z_]/' "$log" | wc -l; }
# the pinning call of the camera task: the frame after pin_user_pages_fast
site=$(awk '/pin_user_pages_fast/ { on = 1; next } on { sub(/.*\]  /, ""); sub(/\+.*/, ""); print; exit }' "$log")
module=$(awk '/pin_user_pages_fast/ { on = 1; next } on { sub(/.*\[/, ""); sub(/\].*/, ""); print; exit }' "$log")
records=$(grep -c -e 'PFNs busy' -e '\] page:' -e 'alloc failed' "$log")
other_head=$(grep -n 'T2407\] page:' "$log" | cut -d: -f1)

export PINBLAME_DB=$TMP/caller.db
setup "imports" "$PINBLAME" import "$log"
like "$out" "caller.log: kmsg, $records events, 0 bad lines" "every record once (both dumps, the busy line, the failure)"
frames_of() { sql "SELECT count(*) FROM frame WHERE stack_id = (SELECT stack_id FROM events WHERE event = 'kmsg:dump_page' AND pid = $1)"; }
is "$(frames_of 2311)" "$(alloc_frames T2311)" "the camera task's stack whole across the other task's 19 lines"
is "$(frames_of 2407)" "$(alloc_frames T2407)" "the other task's dump has its own stack, none of the camera's frames"
is "$(sql "SELECT line FROM events WHERE event = 'kmsg:dump_page' AND pid = 2407")" "$other_head" \
	"the other task's dump is a record at its own line"
pb blame --json
is "$(printf '%s' "$out" | jq -c '[.callsites[] | [.callsite, .module, .pages]]')" \
	"[[\"$site\",\"$module\",1]]" "blamed on the camera task's pinning call below the other dump"
done_testing
