#!/usr/bin/env bash
# The FOLL_PIN pins a kernel log dump shows (doc/FORMATS.md, section 2.3):
# - show (without --pages) says them for a page a call site is blamed for
#   too, in that call site's block: a page_owner stack names who allocated
#   the page, the count says a pin_user_pages() pin holds it;
# - an order-1 compound page of 5.7 to 5.17 had no pincount (the count
#   lived in a compound page's third page: hpage_pincount_available(),
#   order > 1), so its pins added GUP_PIN_COUNTING_BIAS to its head's
#   refcount, the count dump_page() prints, and its head: line printed
#   none: its pins are read from the refcount, as an order-0 page's.
# The log is written from 5.10's __dump_page() ("page:%p refcount:%d
# mapcount:%d mapping:%p index:%#lx pfn:%#lx", "head:%p order:%u
# compound_mapcount:%d" for an order-1 page), __dump_page_owner()'s "page
# last allocated via order %u, migratetype %s, gfp_mask %#x(%pGg), pid %d,
# ts %llu, free_ts %llu", alloc_contig_range's "%s: [%lx, %lx) PFNs busy"
# and cma_alloc's "%s: %s: alloc failed, req-size: %lu pages, ret: %d".
# Expected pins are computed with awk from the dumps' counts.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/k510.txt" <<'EOF'
[    0.000000] Linux version 5.10.198-android12-9-00001-gabcdef012345 (builder@host) (Android clang version 12.0.5, LLD 12.0.5) #1 SMP PREEMPT Mon Oct 9 12:00:00 UTC 2023
[  301.100100] page:00000000b5a1c7e2 refcount:1026 mapcount:1 mapping:0000000000000000 index:0x7f3a2c1 pfn:0xfe8a1
[  301.100100] anon flags: 0x4000000000080014(uptodate|lru|swapbacked)
[  301.100100] page dumped because: migration failure
[  301.100101] page_owner tracks the page as allocated
[  301.100101] page last allocated via order 0, migratetype Movable, gfp_mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 3001, ts 290112233445, free_ts 0
[  301.100102]  post_alloc_hook+0x1b0/0x1e0
[  301.100102]  get_page_from_freelist+0x3a8/0x1140
[  301.100102]  __alloc_pages_nodemask+0x1b8/0x3f8
[  301.100102]  mydrv_alloc_buffer+0x44/0x120 [mydrv]
[  301.100102]  mydrv_ioctl+0x1d0/0x2f8 [mydrv]
[  301.100102]  __arm64_sys_ioctl+0xb4/0x100
[  301.100103] alloc_contig_range: [fe800, fe900) PFNs busy
[  301.100104] cma: cma_alloc: linux,cma: alloc failed, req-size: 256 pages, ret: -16
[  302.100100] page:00000000c6b2d8f3 refcount:1027 mapcount:1 mapping:0000000000000000 index:0x7f3a2c3 pfn:0xfe9a1
[  302.100100] head:00000000a1b2c3d4 order:1 compound_mapcount:0
[  302.100100] anon flags: 0x4000000000010014(uptodate|lru|head|swapbacked)
[  302.100100] page dumped because: migration failure
[  302.100103] alloc_contig_range: [fe900, fea00) PFNs busy
[  302.100104] cma: cma_alloc: linux,cma: alloc failed, req-size: 256 pages, ret: -16
EOF
# pins_of N: the pins of the Nth dump, (refcount - mapcount) / 1024
pins_of() {
	sed -n 's/.* refcount:\([0-9]*\) mapcount:\([0-9]*\) .*/\1 \2/p' "$TMP/k510.txt" |
		awk -v n="$1" 'NR == n { print int(($1 - $2) / 1024) }'
}
ref_of() { sed -n 's/.* refcount:\([0-9]*\) .*/\1/p' "$TMP/k510.txt" | sed -n "$1p"; }
line_of() { grep -n 'refcount:' "$TMP/k510.txt" | sed -n "$1p" | cut -d: -f1; }
pfn_of() { sed -n 's/.* pfn:\(0x[0-9a-f]*\)$/\1/p' "$TMP/k510.txt" | sed -n "$1p"; }

cd "$TMP" || exit 1
fixture "a 5.10 log of two failed CMA allocations imports" "$PINBLAME" import k510.txt

# the page_owner stack's first frame of the module is blamed for page 1
site=$(awk '/page last allocated/ { f = 1; next } f && /\[mydrv\]$/ { sub(/\+.*/, "", $3); print $3; exit }' k510.txt)
pb show 1
like "$out" "^$site \\[mydrv\\]: 1 page\$" "show 1: the page is blamed on the allocating driver function"
is "$(grep -F 'FOLL_PIN' <<<"$out")" \
	"  pfn $(pfn_of 1): refcount $(ref_of 1) = $(pins_of 1) pin (FOLL_PIN, 1024 each) + $(($(ref_of 1) - 1024)) in its dump  k510.txt:$(line_of 1)" \
	"show 1: the blamed page's block says the pin its dump shows"

# the order-1 page: "head: ... order:1" with no compound_pincount
is "$(grep -c 'order:1 compound_mapcount:[0-9]*$' k510.txt)" 1 "the second dump is of an order-1 page without pincount (grep)"
pb show --json 2
is "$(jq -c '[.pages[0].pins, .pages[0].dumps[0].pins]' <<<"$out")" "[$(pins_of 2),$(pins_of 2)]" \
	"show --json 2: the order-1 page's pins, from its head's refcount $(ref_of 2)"
pb show 2
is "$(grep -F 'FOLL_PIN' <<<"$out")" \
	"  pfn $(pfn_of 2): refcount $(ref_of 2) = $(pins_of 2) pin (FOLL_PIN, 1024 each) + $(($(ref_of 2) - 1024)): held by a pin_user_pages() caller  k510.txt:$(line_of 2)" \
	"show 2: the unblamed order-1 page's pin"
pb report --format json
is "$(jq -c '[.unattributed_failures.failures[].dumps[].pins]' <<<"$out")" "[$(pins_of 2)]" \
	"report --json: the order-1 dump's pins"
done_testing
