#!/usr/bin/env bash
# A pin of pin_user_pages() (FOLL_PIN) adds GUP_PIN_COUNTING_BIAS, 1024,
# to an order-0 page's refcount from 5.7 on (include/linux/mm.h); a large
# folio counts its pins apart and dump_page() prints them (pincount:%d on
# the head: line, 6.3+). show, show --pages, the report's unattributed
# failures and the hints say the pins a dump's counts hold: refcount 1026
# mapcount 1 is 1 pin + 2. Each mapping holds a reference, so only what is
# beyond mapcount can be pins. No bias before 5.7: a 5.4 dump says nothing.
# Logs written from __dump_page()'s "page:%p refcount:%d mapcount:%d
# mapping:%p index:%#lx pfn:%#lx" (5.9+; 5.4 without pfn:), 6.6's
# "head:%p order:%u entire_mapcount:%d nr_pages_mapped:%d pincount:%d",
# "%sflags: %#lx(%pGp)%s", "page dumped because: %s", alloc_contig_range's
# "%s: [%lx, %lx) PFNs busy", cma_alloc's "%s: %s: alloc failed, req-size:
# %lu pages, ret: %d", the 5.4 offlining's "migrating pfn %lx failed
# ret:%d" and "memory offlining [mem %#010llx-%#010llx] failed due to %s".
# Expected pins are computed here with awk from the dumps' counts.
. "$(dirname "$0")/lib.sh"

# cma_fail T PFN REFCOUNT MAPCOUNT: a 5.10 dump of busy page PFN, the
# range's PFNs busy line and the allocation's failure, at T.
cma_fail() {
	local start=$(($2 / 256 * 256))
	printf '[%12s] page:00000000b5a1c7e2 refcount:%d mapcount:%d mapping:0000000000000000 index:0x7f3a2c1 pfn:%#x\n' "$1" "$3" "$4" "$2"
	printf '[%12s] anon flags: 0x4000000000080014(uptodate|lru|swapbacked)\n' "$1"
	printf '[%12s] page dumped because: migration failure\n' "$1"
	printf '[%12s] alloc_contig_range: [%x, %x) PFNs busy\n' "$1" "$start" $((start + 256))
	printf '[%12s] cma: cma_alloc: linux,cma: alloc failed, req-size: 256 pages, ret: -16\n' "$1"
}
{
	echo '[    0.000000] Linux version 5.10.198-android12-9-00001-gabcdef012345 (builder@host) (Android clang version 12.0.5, LLD 12.0.5) #1 SMP PREEMPT Mon Oct 9 12:00:00 UTC 2023'
	cma_fail 301.100100 $((0xfe8a1)) 1026 1	# one pin, the mapping's reference, one more
	cma_fail 302.100100 $((0xfe9a1)) 3 1	# no pin
	cma_fail 303.100100 $((0xfeaa1)) 2051 1	# two pins
	cma_fail 304.100100 $((0xfeba1)) 1500 1400	# a page mapped 1400 times: no pin
} >"$TMP/k510.txt"
# pins_of N: the pins of the Nth dump of the log, (refcount - mapcount) / 1024
pins_of() {
	sed -n 's/.* refcount:\([0-9]*\) mapcount:\([0-9]*\) .*/\1 \2/p' "$TMP/k510.txt" |
		awk -v n="$1" 'NR == n { print int(($1 - $2) / 1024) }'
}
ref_of() { sed -n 's/.* refcount:\([0-9]*\) .*/\1/p' "$TMP/k510.txt" | sed -n "$1p"; }
dump_line() { grep -n 'refcount:' "$TMP/k510.txt" | sed -n "$1p" | cut -d: -f1; }

cd "$TMP" || exit 1
export PINBLAME_DB=$TMP/k510.db
fixture "a 5.10 log of four failed CMA allocations imports" pb import k510.txt

is "$(pins_of 1) $(pins_of 2) $(pins_of 3) $(pins_of 4)" "1 0 2 0" "the log has 1, 0, 2 and 0 pins (awk)"
for i in 1 2 3 4; do
	pb show --json "$i"
	is "$(jq -c '[.pages[0].pins, .pages[0].dumps[0].pins]' <<<"$out")" "[$(pins_of "$i"),$(pins_of "$i")]" \
		"show --json $i: the page's pins and its dump's, from refcount $(ref_of "$i")"
done

pb show --pages 1
is "$(grep -F 'FOLL_PIN' <<<"$out")" "      refcount $(ref_of 1) = 1 pin (FOLL_PIN, 1024 each) + $(($(ref_of 1) - 1024)): a pin_user_pages() caller holds the page (a driver's DMA, vfio, RDMA, io_uring registered buffers)" \
	"show --pages: the dump's count read as one pin plus the rest"
like "$out" "dump at 301.100100: refcount 1026 mapcount 1 index 0x7f3a2c1  k510.txt:$(dump_line 1)" \
	"show --pages: the dump's own line as before"
pb show --pages 2
is "$(grep -c 'pins\? (FOLL_PIN\|pincount' <<<"$out")/$(grep -c '^      no FOLL_PIN pin in its count' <<<"$out")" 0/1 \
	"show --pages: a refcount of 3 tells of no pin, and says so"
pb show 3
like "$out" "^  pfn 0xfeaa1: refcount 2051 = 2 pins \\(FOLL_PIN, 1024 each\\) \\+ 3: held by a pin_user_pages\\(\\) caller  k510.txt:$(dump_line 3)\$" \
	"show: the unblamed page's two pins, where the dump is"
pb show 4
is "$(grep -c 'pins\? (FOLL_PIN\|pincount' <<<"$out")/$(grep -c '^  1 page whose dump shows no FOLL_PIN pin' <<<"$out")" 0/1 \
	"show: 1500 references of a page mapped 1400 times are no pin, and it says so"

pb report
like "$out" "pfn 0xfe8a1: dump refcount 1026 = 1 pin \\(FOLL_PIN, 1024 each\\) \\+ 2, mapcount 1 mapping 0000000000000000 flags " \
	"report: the unattributed failure's dump says the pin"
like "$out" "pfn 0xfe9a1: dump refcount 3 mapcount 1 mapping" "report: no pin, as before"
pb report --format json
is "$(jq -c '[.unattributed_failures.failures[].dumps[].pins]' <<<"$out")" "[$(pins_of 1),$(pins_of 2),$(pins_of 3),$(pins_of 4)]" \
	"report --json: each dump's pins"
pb blame --json
is "$(jq -c '[.gaps.pinned_pages, .gaps.page_cache_pages]' <<<"$out")" "[2,0]" \
	"blame --json: gaps count the pinned pages"
pb blame
is "$(hints)" "2 unattributed busy pages show a FOLL_PIN pin in the counts of their kernel log dump (1024 in the refcount per pin, or the folio's pincount): the holder is a pin_user_pages() caller (a driver's DMA buffer, vfio, RDMA, io_uring registered buffers), not a short-term get_user_pages(); the GUP probes of pinblame record --probe-gup (try_grab_folio, try_grab_page) with their stacks, or page_pinner, name it. 2 busy pages have no holder evidence: page_ref events (CONFIG_DEBUG_PAGE_REF), page_pinner, or probes on get_user_pages (pinblame record --probe-gup) name holders. " \
	"hints: the pinned pages name pin_user_pages() callers, the others keep the general hint"

# 6.6: a THP tail whose folio has 2 pins (pincount), and an unmapped
# page cache page pinned once (1024 + the page cache's reference)
{
	echo '[    0.000000] Linux version 6.6.30-android15-8-g1a2b3c4d5e6f (builder@host) (Android clang version 17.0.2, LLD 17.0.2) #1 SMP PREEMPT Tue Jan 9 12:00:00 UTC 2024'
	echo '[  500.000100] page:fffffffe00ba3a40 refcount:4 mapcount:1 mapping:0000000000000000 index:0x7f20671f7 pfn:0xba3a4'
	echo '[  500.000101] head:fffffffe00ba3a00 order:9 entire_mapcount:1 nr_pages_mapped:0 pincount:2'
	echo '[  500.000102] anon flags: 0xbfffc000000840(head|swapbacked|node=0|zone=2|lastcpupid=0xffff)'
	echo '[  500.000103] page dumped because: migration failure'
	echo '[  500.000200] alloc_contig_range: [ba200, ba400) PFNs busy'
	echo '[  500.000300] cma: cma_alloc: linux,cma: alloc failed, req-size: 512 pages, ret: -16'
	echo '[  600.000100] page:fffffffe00bb0040 refcount:1025 mapcount:0 mapping:ffff000105e2c8d0 index:0x41 pfn:0xbb001'
	echo '[  600.000101] aops:0xffff800081a3e2c8 ino:8 dentry name(?):"dma.buf"'
	echo '[  600.000102] flags: 0x3fffc000000002c(uptodate|dirty|node=0|zone=0|lastcpupid=0xffff)'
	echo '[  600.000103] page dumped because: migration failure'
	echo '[  600.000200] alloc_contig_range: [bb000, bb200) PFNs busy'
	echo '[  600.000300] cma: cma_alloc: linux,cma: alloc failed, req-size: 512 pages, ret: -16'
} >"$TMP/k66.txt"
pincount=$(sed -n 's/.* pincount:\([0-9]*\)$/\1/p' "$TMP/k66.txt")
export PINBLAME_DB=$TMP/k66.db
setup "a 6.6 log with a pinned folio and a pinned page cache page imports" pb import k66.txt
pb show --json 1
is "$(jq -c '.pages[0].pins' <<<"$out")" "$pincount" "6.6: a folio's pins are its pincount, not its refcount / 1024"
pb show --pages 1
like "$out" "^      $pincount pins \\(the folio's pincount\\): a pin_user_pages\\(\\) caller" "6.6: show --pages says so"
pb show --json 2
is "$(jq -c '.pages[0].pins' <<<"$out")" 1 "6.6: an unmapped page cache page of refcount 1025 has one pin"
pb blame --json
is "$(jq -c '[.gaps.pinned_pages, .gaps.page_cache_pages]' <<<"$out")" "[2,0]" \
	"6.6: a pinned page cache page counts as pinned, not as one splice would hold"

# 5.4 has no bias: its refcount 1026 is 1026 references
{
	echo '[    0.000000] Linux version 5.4.0-150-generic (buildd@host) (gcc version 9.4.0 (Ubuntu 9.4.0-1ubuntu1~20.04.1)) #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023'
	echo '[  201.000100] migrating pfn 1c0a41 failed ret:1'
	echo '[  201.000104] page:ffffea0007029040 refcount:1026 mapcount:1 mapping:ffff888101234561 index:0x7f3a2c1'
	echo '[  201.000106] anon flags: 0x17ffffc0080014(uptodate|lru|swapbacked)'
	echo '[  201.000110] page dumped because: migration failure'
	echo '[  201.000200] memory offlining [mem 0x1c0000000-0x1c7ffffff] failed due to signal backoff'
} >"$TMP/k54.txt"
export PINBLAME_DB=$TMP/k54.db
setup "a 5.4 offlining log imports" pb import k54.txt
pb show --json 1
is "$(jq -c '[.pages[0].pfn, .pages[0].pins, .pages[0].dumps[0].refcount]' <<<"$out")" "[$((0x1c0a41)),null,1026]" \
	"5.4: no pins read from the count (no bias before 5.7)"
pb report
is "$(grep -c 'FOLL_PIN' <<<"$out")" 0 "5.4: the report says nothing of pins"

# no banner: a dump that prints its pfn: is of 5.9 or later, so 5.7+
grep -v 'Linux version' "$TMP/k510.txt" | head -6 >"$TMP/nobanner.txt"
export PINBLAME_DB=$TMP/nobanner.db
setup "a 5.10 log without its banner imports" pb import nobanner.txt
is "$(sql 'SELECT count(*) FROM source WHERE kernel IS NOT NULL')" 0 "no kernel release is known"
pb show --json 1
is "$(jq -c '.pages[0].pins' <<<"$out")" "$(pins_of 1)" "the dump's own pfn: dates it 5.9+: its pin is read"

done_testing
