#!/usr/bin/env bash
# Another CPU's whole message printed between two frames of a dump's
# page_owner stack (__dump_page_owner(): stack_depot_print() prints the
# stack one " %pS" frame a line) or of a call trace: the stack reads on
# after it and the message is a record of its own at its own line
# (doc/FORMATS.md section 2.1). With printk caller ids the lines of other
# callers are set aside; without them, a whole message (one read here, or
# any line with its own time) followed by a frame of the same indentation.
# The logs are written from the format strings; expected figures come from
# the logs with grep and awk.
. "$(dirname "$0")/lib.sh"

# dump_page() and __dump_page_owner() of 6.6, a cma_alloc() failure, and
# on another CPU a "PFNs busy" line and a usb driver's two lines
cat >"$TMP/timed.log" <<'LOG'
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
[  812.100210] alloc_contig_range: [b5000, b5200) PFNs busy
[  812.100211]  handle_mm_fault+0x5c4/0xd30
[  812.100212]  __get_user_pages+0x1e0/0x3b4
[  812.100213]  pin_user_pages_fast+0x5c/0x7c
[  812.100214] usb 1-1: new high-speed USB device number 3 using xhci-hcd
[  812.100215] usb 1-1: New USB device found, idVendor=0bda, idProduct=8153, bcdDevice=30.00
[  812.100216]  cam_mem_pin_buf+0x9c/0x1e0 [cam_drv]
[  812.100217]  cam_ioctl+0x134/0x2a0 [cam_drv]
[  812.100218]  __arm64_sys_ioctl+0xa8/0xf0
[  812.100219] page last free pid 800 tgid 800 stack trace:
[  812.100220]  free_unref_page+0x3c/0x1f0
[  812.100221]  __folio_put+0x48/0x60
[  812.100300] cma: cma_alloc: linux,cma: alloc failed, req-size: 512 pages, ret: -16
LOG

# the same with CONFIG_PRINTK_CALLER: the task's lines "[ T2311]", the
# other task's "[ T2407]", the interrupt's "[    C3]"
awk 'NR == 1 { print; next }
	{ caller = "[ T2311]" }
	/PFNs busy/ && /b5000/ { caller = "[ T2407]" }
	/usb 1-1/ { caller = "[    C3]" }
	{ print substr($0, 1, 14) caller substr($0, 15) }' "$TMP/timed.log" >"$TMP/caller.log"

# the frames of the allocation stack, by hand: the " %pS" lines between its
# head and the free stack's head
alloc_frames() { awk '/page last allocated via/ { on = 1; next } /page last free/ { on = 0 }
	on && /\]  [a-z_]/' "$1" | wc -l; }
# the pinning call: the frame after pin_user_pages_fast, its module
site=$(awk '/pin_user_pages_fast/ { on = 1; next } on && /\]  / { sub(/.*\]  /, ""); sub(/\+.*/, ""); print; exit }' "$TMP/timed.log")
module=$(awk '/pin_user_pages_fast/ { on = 1; next } on && /\]  / { sub(/.*\[/, ""); sub(/\].*/, ""); print; exit }' "$TMP/timed.log")
records=$(grep -c -e 'PFNs busy' -e 'page:' -e 'alloc failed' "$TMP/timed.log")

for log in timed caller; do
	export PINBLAME_DB=$TMP/$log.db
	setup "$log: imports" "$PINBLAME" import "$TMP/$log.log"
	like "$out" "$log.log: kmsg, $records events, 0 bad lines" \
		"$log: every record once (the dump, the failure, both busy lines)"
	is "$(sql "SELECT count(*) FROM frame WHERE stack_id = (SELECT stack_id FROM events WHERE event = 'kmsg:dump_page')")" \
		"$(alloc_frames "$TMP/$log.log")" "$log: the page_owner stack whole across the other records"
	pb blame --json
	is "$(printf '%s' "$out" | jq -c '[.callsites[] | [.callsite, .module, .pages]]')" \
		"[[\"$site\",\"$module\",1]]" "$log: blamed on the pinning call below the other records"
	is "$(sql "SELECT group_concat(line || ' ' || ts_ns, ' ') FROM (SELECT line, ts_ns FROM events WHERE event = 'kmsg:pfns_busy' ORDER BY line)")" \
		"$(awk '/PFNs busy/ { t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); sub(/\./, "", t); printf "%s%d %d000", sep, NR, t; sep = " " }' "$TMP/$log.log")" \
		"$log: the other CPU's busy line is a record at its own line and time"
done
# with caller ids the other task's busy line is a failure of its own
pb show 1
like "$out" "range 0xb5000-0xb5200" "caller: the other task's busy range is a failure of its own"

# printk.time=0 (no time, no caller): a message read here between two
# frames is another record, a line of no known message is the stack's end;
# a call trace after the stack, with frames of its own, is no part of it
cat >"$TMP/untimed.log" <<'LOG'
Linux version 6.1.55 (builder@host) (aarch64-linux-gnu-gcc (GCC) 12.3.0, GNU ld 2.40) #1 SMP PREEMPT
alloc_contig_range: [c1000, c1200) PFNs busy
page:fffffc0003040040 refcount:2 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0xc1001
anon flags: 0x4000000000080014(uptodate|lru|swapbacked|zone=1)
raw: 4000000000080014 fffffc0003040048 fffffc0003040008 ffff000012345671
raw: 0000000000000000 0000000000000000 0000000200000000 0000000000000000
page dumped because: migration failure
page_owner tracks the page as allocated
page last allocated via order 0, migratetype Movable, gfp_mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 501, tgid 501 (ionsvc), ts 100000000, free_ts 0
 post_alloc_hook+0x1a0/0x1c8
 get_page_from_freelist+0x6a4/0x1c0c
cma: cma_alloc: reserved: alloc failed, req-size: 16 pages, ret: -12
 __alloc_pages+0xe8/0x2d0
 __get_user_pages+0x1e0/0x3b4
 pin_user_pages+0x5c/0x7c
 ionsvc_pin+0x9c/0x1e0 [ionsvc]
usb 1-1: reset high-speed USB device number 3 using xhci-hcd
 ionsvc_ioctl+0x134/0x2a0 [ionsvc]
Call trace:
 dump_backtrace+0x0/0x1e0
 show_stack+0x18/0x24
 dump_stack_lvl+0x68/0x84
 cma_alloc+0x5ac/0x6c0
cma: cma_alloc: linux,cma: alloc failed, req-size: 512 pages, ret: -16
LOG
export PINBLAME_DB=$TMP/untimed.db
setup "untimed: imports" "$PINBLAME" import "$TMP/untimed.log"
is "$(sql "SELECT count(*) FROM frame WHERE stack_id = (SELECT stack_id FROM events WHERE event = 'kmsg:dump_page')")" \
	"$(awk '/page last allocated/ { on = 1; next } /^usb/ { on = 0 } on && /^ [a-z_]/' "$TMP/untimed.log" | wc -l)" \
	"untimed: the stack reads on across a known message and ends at a line of none"
is "$(sql "SELECT group_concat(line, ' ') FROM (SELECT line FROM events WHERE event = 'kmsg:cma_alloc_failed' ORDER BY line)")" \
	"$(grep -n 'alloc failed' "$TMP/untimed.log" | cut -d: -f1 | paste -sd' ')" \
	"untimed: both failures are records at their own lines"
is "$(sql "SELECT count(*) FROM frame WHERE stack_id = (SELECT stack_id FROM events WHERE event = 'kmsg:call_trace')")" \
	"$(awk '/^Call trace:/ { on = 1; next } on && /^ [a-z_]/ { n++ } on && !/^ / { on = 0 } END { print n }' "$TMP/untimed.log")" \
	"untimed: the call trace after the stack is a record of its own, not glued to it"
done_testing
