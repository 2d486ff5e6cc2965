#!/usr/bin/env bash
# Attribution rules a new user's review asked for:
#  - a page_ref get that its own task gave back before the failure (a put
#    that brings the count back to what it was before the get, no get
#    between) held nothing when the page was found busy;
#  - a page_owner record allocated after the failure is not the busy page,
#    and a page fault's allocation stack names the allocator, not a holder;
#  - probe hits whose page= cannot become a pfn are counted, with why:
#    hashed pointers (the trace option hash-ptr) or too few events that
#    print both pfn= and page=.
# Lines written from the kernel's format strings: page_ref's "pfn=0x%lx
# flags=%s count=%d mapcount=%d mapping=%p mt=%d val=%d ret=%d"
# (include/trace/events/page_ref.h), test_pages_isolated's "start_pfn=0x%lx
# end_pfn=0x%lx fin_pfn=0x%lx ret=%s", cma_alloc_busy_retry's "name=%s
# pfn=0x%lx page=%p count=%lu align=%u", a kprobe's "(%pS)" and x64
# argument "0x%Lx", print_page_owner()'s "Page allocated via order %u, mask
# %#x(%pGg), pid %d, tgid %d (%s), ts %llu ns" and "PFN 0x%lx type %s Block
# %lu type %s Flags %pGp". Expected values worked out by hand from the
# inputs below.
. "$(dirname "$0")/lib.sh"

header() { printf '# tracer: nop\n#\n'; }
# ev TASK-PID TIME EVENT BODY: one event line.
ev() { printf '%20s [001] .....  %11s: %s: %s\n' "$1" "$2" "$3" "$4"; }
# ref TASK-PID TIME EVENT PFN COUNT VAL: a page_ref line.
ref() {
	ev "$1" "$2" "$3" "pfn=$4 flags=uptodate|lru count=$5 mapcount=1 mapping=0000000071c3a2e1 mt=1 val=$6 ret=1"
}
dio_stack() {
	printf '%20s [001] .....  %11s: <stack trace>\n' "$1" "$2"
	printf ' => __page_ref_mod_unless\n => folio_try_get_rcu\n => gup_fast_pte_range\n'
	printf ' => get_user_pages_fast\n => iov_iter_extract_pages\n => bio_iov_iter_get_pages\n'
	printf ' => __blkdev_direct_IO_simple\n => blkdev_read_iter\n => vfs_read\n => ksys_read\n'
}
put_stack() {
	printf '%20s [001] .....  %11s: <stack trace>\n' "$1" "$2"
	printf ' => __page_ref_mod_and_test\n => folio_put\n => bio_release_pages\n'
}
iso() {
	ev alloc-700 "$1" test_pages_isolated "start_pfn=$2 end_pfn=$3 fin_pfn=$4 ret=fail"
}

# Three pages, each got at count 2 -> 3 by reader-950 with a direct I/O's
# stack, then one put before the failure at 50.0 s:
#  0x120011: put by reader-950 back to 2: given back, no holder;
#  0x120412: put by another task (cat-951) back to 2: still held;
#  0x120813: put by reader-950 that leaves 3 (val=-1 count=3: a reference
#            the trace did not show was taken in between): still held.
{
	header
	ref reader-950 40.000000 page_ref_mod_unless 0x120011 3 1
	dio_stack reader-950 40.000010
	ref reader-950 40.100000 page_ref_mod_and_test 0x120011 2 -1
	put_stack reader-950 40.100010
	ref reader-950 41.000000 page_ref_mod_unless 0x120412 3 1
	dio_stack reader-950 41.000010
	ref cat-951 41.100000 page_ref_mod_and_test 0x120412 2 -1
	put_stack cat-951 41.100010
	ref reader-950 42.000000 page_ref_mod_unless 0x120813 3 1
	dio_stack reader-950 42.000010
	ref reader-950 42.100000 page_ref_mod_and_test 0x120813 3 -1
	put_stack reader-950 42.100010
	ev alloc-700 50.000000 cma_alloc_start "name=reserved count=1024 align=10"
	iso 50.000100 0x120000 0x120400 0x120011
	iso 50.000200 0x120400 0x120800 0x120412
	iso 50.000300 0x120800 0x120c00 0x120813
	ev alloc-700 50.001000 cma_alloc_finish "name=reserved pfn=0x0 page=0000000000000000 count=1024 align=10 errorno=-16"
} >"$TMP/given-back.txt"
export PINBLAME_DB=$TMP/given-back.db
setup "page_ref gets and puts import" "$PINBLAME" import "$TMP/given-back.txt"
held="SELECT group_concat(printf('0x%x', pfn), ' ') FROM (SELECT pfn FROM attributions
	WHERE rank = 1 AND noise IS NULL ORDER BY pfn)"
is "$(sql "$held")" "0x120412 0x120813" \
	"a get its own task gave back before the failure holds nothing; another task's put, or one that leaves the count up, does not give it back"
pb blame
like "$out" "^1 failure: 1 with a blamed holder, 0 unattributed; 2 of 3 busy pages attributed" \
	"blame counts the two held pages"
like "$out" "__blkdev_direct_IO_simple +1 +2 " "the direct I/O's issuer holds both"
like "$(hints)" "1 busy page has no holder evidence although the trace has page_ref events: every reference they show taken before the failure" \
	"the hint for the page given back: its holder's reference predates the trace"

# page_owner: a record of each of three busy pages of a failure at 101.0 s:
#  0x9f844 allocated at 200.001234567 s, after the failure: not that page;
#  0x9f845 allocated at 60 s by a driver (mydrv_alloc_buf): blamed, low;
#  0x9f846 allocated at 61 s by an anonymous page fault: the allocator's
#          role, listed in show as 'allocator', never blamed.
{
	header
	ev alloc-700 101.000000 cma_alloc_start "name=reserved count=1024 align=10"
	iso 101.000100 0x9f800 0x9fc00 0x9f844
	iso 101.000200 0x9f800 0x9fc00 0x9f845
	iso 101.000300 0x9f800 0x9fc00 0x9f846
	ev alloc-700 101.001000 cma_alloc_finish "name=reserved pfn=0x0 page=0000000000000000 count=1024 align=10 errorno=-16"
} >"$TMP/late.txt"
owner() {
	printf 'Page allocated via order 0, mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid %d, tgid %d (%s), ts %s ns\n' \
		"$1" "$1" "$2" "$3"
	printf 'PFN 0x%x type Movable Block %d type CMA Flags 0x80024(uptodate|active|swapbacked)\n' \
		"$4" $(($4 >> 9))
	printf ' post_alloc_hook+0x1a0/0x1c8\n get_page_from_freelist+0x7b8/0x1370\n __alloc_pages+0x17c/0x348\n'
}
{
	owner 1500 mediaserver 200001234567 $((0x9f844))
	printf ' __folio_alloc+0x20/0x50\n vma_alloc_folio+0xa4/0x2f0\n do_anonymous_page+0xa0/0x4a0\n'
	printf ' __handle_mm_fault+0x3a4/0x6c0\n handle_mm_fault+0xb4/0x2a0\n do_page_fault+0x1c0/0x4c0\n\n'
	owner 1501 camd 60000000000 $((0x9f845))
	printf ' mydrv_alloc_buf+0x40/0x100 [mydrv]\n mydrv_ioctl+0x88/0x200 [mydrv]\n __arm64_sys_ioctl+0xa8/0xf0\n\n'
	owner 1502 app 61000000000 $((0x9f846))
	printf ' __folio_alloc+0x20/0x50\n vma_alloc_folio+0xa4/0x2f0\n do_anonymous_page+0xa0/0x4a0\n'
	printf ' __handle_mm_fault+0x3a4/0x6c0\n handle_mm_fault+0xb4/0x2a0\n do_page_fault+0x1c0/0x4c0\n\n'
} >"$TMP/page_owner.txt"
export PINBLAME_DB=$TMP/late.db
setup "a trace and page_owner import" "$PINBLAME" import "$TMP/late.txt" "$TMP/page_owner.txt"
is "$(sql "SELECT group_concat(printf('0x%x', pfn) || ':' || callsite || ':' || COALESCE(noise, 'blamed'), ' ')
	FROM (SELECT * FROM attributions ORDER BY pfn, rank)")" \
	"0x9f845:mydrv_alloc_buf:blamed 0x9f846:do_anonymous_page:allocator" \
	"a page allocated after the failure has no candidate; a fault's allocation is the allocator's"
pb blame
like "$out" "^1 failure: 1 with a blamed holder, 0 unattributed; 1 of 3 busy pages attributed" \
	"only the driver's allocation is blamed"
pb show --pages 1
like "$out" "pfn 0x9f846: .*
 +#1 allocator +do_anonymous_page \(page_owner, low\) at 61.000000" "show names the fault's role"
like "$out" "pfn 0x9f844: .*
 +no holder evidence" "show: the late allocation is no evidence"
pb check --deny 'do_anonymous_page'
is "$rc" 0 "check: the fault's allocation is no call site to deny"

# Hashed pointers: a kprobe on try_grab_folio prints its x64 argument whole
# (0x%Lx), the cma events' page=%p hashed: 32 bits of hash, zero-padded to
# 16 digits. No mapping can be learned; three hits stay unmapped.
probe_hit() {
	ev camera-812 "$1" try_grab_folio "(try_grab_folio+0x0/0x1d0) page=$2 refs=1 flags=0x40000"
	printf '%20s [001] .....  %11s: <stack trace>\n' camera-812 "$1"
	printf ' => kprobe_dispatcher\n => try_grab_folio\n => internal_get_user_pages_fast\n'
	printf ' => pin_user_pages_fast\n => cam_pin_buf [mycam]\n => cam_ioctl [mycam]\n'
}
retry() {
	ev alloc-700 "$1" cma_alloc_busy_retry "name=reserved pfn=$2 page=$3 count=1024 align=10"
}
# vmemmap at 0xfffffc0000000000, 64 bytes a page: pfn 0x80456 is page
# 0xfffffc0000000000 + 0x80456 * 0x40 = 0xfffffc0002011580.
probes() {
	header
	probe_hit 10.000000 0xfffffc0002011580
	probe_hit 10.100000 0xfffffc0002011600
	probe_hit 10.200000 0xfffffc0002011640
	ev alloc-700 20.000000 cma_alloc_start "name=reserved count=1024 align=10"
	iso 20.000100 0x80400 0x80800 0x80456
	retry 20.000200 0x80400 "$1"
	iso 20.000300 0x80800 0x80c00 0x80812
	[ -z "${2:-}" ] || retry 20.000400 0x80800 "$2"
	ev alloc-700 20.001000 cma_alloc_finish "name=reserved pfn=0x0 page=0000000000000000 count=1024 align=10 errorno=-16"
}
probes 00000000c3a4f1e2 000000007b19d0a4 >"$TMP/hashed.txt"
probes fffffc0002010000 >"$TMP/one.txt"
probes fffffc0002010000 fffffc0002020000 >"$TMP/whole.txt"

export PINBLAME_DB=$TMP/hashed.db
setup "a trace with hashed pointers imports" "$PINBLAME" import "$TMP/hashed.txt"
pb info --json
is "$(printf '%s' "$out" | jq -c .probe_pages)" '{"unmapped_hits":3,"hashed":true}' \
	"info counts the three hits as unmapped, the pointers hashed"
pb info
like "$out" "probe hits whose page= could not be mapped to a pfn: 3
  the pointers are hashed \(echo 0 > options/hash-ptr, or pinblame record\)" "info says why"
pb blame
like "$(hints)" "3 probe hits whose page= could not be mapped to a pfn: the trace printed its pointers hashed \(echo 0 > /sys/kernel/tracing/options/hash-ptr" "blame's hint names the hashing"
like "$(printf '%s' "$err" | grep -c 'another way')" "^0$" \
	"and does not say the holder took the reference another way"
pb report --format json
is "$(printf '%s' "$out" | jq -r '.hints[]' | grep -c 'could not be mapped to a pfn: the trace printed its pointers hashed')" 1 \
	"the report's hints say it too"

export PINBLAME_DB=$TMP/one.db
setup "a trace with one pfn and page pair imports" "$PINBLAME" import "$TMP/one.txt"
pb info --json
is "$(printf '%s' "$out" | jq -c .probe_pages)" '{"unmapped_hits":3,"hashed":false}' \
	"one pair teaches no mapping: three hits unmapped, not hashed"
pb blame
like "$(hints)" "could not be mapped to a pfn: too few events printed both pfn= and page=" "blame's hint says too few pairs"

export PINBLAME_DB=$TMP/whole.db
setup "a trace with whole pointers imports" "$PINBLAME" import "$TMP/whole.txt"
pb info --json
is "$(printf '%s' "$out" | jq -c .probe_pages)" '{"unmapped_hits":0,"hashed":false}' \
	"two whole pairs teach the mapping: no hit left unmapped"
is "$(sql "SELECT printf('0x%x', pfn) || ':' || callsite FROM attributions WHERE rank = 1")" \
	"0x80456:cam_pin_buf" "the hit at 0xfffffc0002011580 names pfn 0x80456"

done_testing
