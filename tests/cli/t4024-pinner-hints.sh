#!/usr/bin/env bash
# After a page_pinner buffer import, a failed page with no put of its own
# gets a hint for a page_pinner user: Android's mm/page_pinner.c keeps
# only put, free and failure records (PP_PUT, PP_FREE, PP_FAIL_DETECTED)
# in a ring of buffer_size records, so such a page was still held when
# buffer was read, or its put was overwritten: read it again, or raise
# buffer_size. The choice comes from the records the store has for the
# failure's boot, not from a file's name: a kernel log alone keeps the
# general hint. Records written from print_page_pinner()'s "At least,
# pinned for %llu us", "%s [%5lu.%06lu]" (Failure detected at), "PFN 0x%lx
# Block %lu count %d mapcount %d mapping %pS Flags %#lx(%pGp)" and the
# stack's " %pS" frames (doc/FORMATS.md, section 3.1, row D).
. "$(dirname "$0")/lib.sh"

# record HEAD PFN COUNT FRAME...: one record of the buffer
record() {
	local head=$1 pfn=$2 count=$3
	shift 3
	printf '%s\nPFN %s Block 1138 count %s mapcount 1 mapping 0xffffff8812c4e4c1 Flags 0x4000000000080014(uptodate|lru|swapbacked)\n' \
		"$head" "$pfn" "$count"
	printf ' %s\n' "$@"
	echo
}
put() {
	record "At least, pinned for $2 us" "$1" 2 __page_pinner_put_page+0x6c/0x130 \
		put_page+0x88/0xa0 "mydrv_release_buf+0x54/0x98 [mydrv]" "mydrv_ioctl+0x48/0xc0 [mydrv]" \
		__arm64_sys_ioctl+0xa8/0xf0
}
failed() {
	record "Failure detected at [$2]" "$1" 3 __page_pinner_failure_detect+0x110/0x168 \
		__alloc_contig_migrate_range+0x1c4/0x220 alloc_contig_range+0x1dc/0x388 \
		cma_alloc+0x1a8/0x5c8 dma_heap_ioctl+0x174/0x2c8
}
# newest first: two puts, then the failures of four pages
{
	put 0x8e5a2 2310442
	put 0x8e5a1 1842210
	failed 0x8e5a4 "  301.112310"
	failed 0x8e5a3 "  301.112301"
	failed 0x8e5a2 "  301.112290"
	failed 0x8e5a1 "  301.112270"
} >"$TMP/buffer"
failed_pfns=$(grep -A1 '^Failure detected' "$TMP/buffer" | sed -n 's/^PFN \(0x[0-9a-f]*\) .*/\1/p' | sort -u)
put_pfns=$(grep -A1 '^At least' "$TMP/buffer" | sed -n 's/^PFN \(0x[0-9a-f]*\) .*/\1/p' | sort -u)
unput=$(comm -23 <(echo "$failed_pfns") <(echo "$put_pfns") | wc -l)

export PINBLAME_DB=$TMP/pp.db
fixture "a page_pinner buffer imports" pb import "$TMP/buffer"
is "$unput" 2 "the buffer has failures of 2 pages without a put (comm)"
pb blame --json
is "$(jq -c '[.attributed_pages, .pages - .attributed_pages, .gaps.pinner_unput_pages]' <<<"$out")" \
	"[$(comm -12 <(echo "$failed_pfns") <(echo "$put_pfns") | wc -l),$unput,$unput]" \
	"blame --json: the pages put are blamed, the others counted in gaps"
pb blame
is "$(hints)" "$unput busy pages have no holder evidence although page_pinner's records of the same boot were imported (puts, frees and failures): no put of theirs is among them, so the page was still held when the file was read, or its put was overwritten in page_pinner's ring of records; read buffer again after the holder lets go of the page, or raise buffer_size. page_ref events (CONFIG_DEBUG_PAGE_REF) or probes on get_user_pages (pinblame record --probe-gup) name holders too. " \
	"blame: the hint tells a page_pinner user what to do, and keeps the other advice"
pb report --format json
is "$(jq -r '.hints | length' <<<"$out")" 1 "report --json: one hint"
like "$(jq -r '.hints[0]' <<<"$out")" "^$unput busy pages have no holder evidence although page_pinner's records" \
	"report --json: the same hint, not the one that asks for page_pinner"

# a kernel log alone: no page_pinner records, the general hint
{
	echo '[  301.100100] page:00000000b5a1c7e2 refcount:3 mapcount:1 mapping:0000000000000000 index:0x7f3a2c1 pfn:0xfe8a1'
	echo '[  301.100110] anon flags: 0x4000000000080014(uptodate|lru|swapbacked)'
	echo '[  301.100120] page dumped because: migration failure'
	echo '[  301.100200] alloc_contig_range: [fe800, fe900) PFNs busy'
	echo '[  301.100300] cma: cma_alloc: linux,cma: alloc failed, req-size: 256 pages, ret: -16'
} >"$TMP/dmesg.txt"
export PINBLAME_DB=$TMP/log.db
setup "a kernel log imports" pb import "$TMP/dmesg.txt"
pb blame --json
is "$(jq -c '.gaps | has("pinner_unput_pages")' <<<"$out")" false "a log alone: no page_pinner gap"
pb blame
is "$(hints)" "1 busy page has no holder evidence: page_ref events (CONFIG_DEBUG_PAGE_REF), page_pinner, or probes on get_user_pages (pinblame record --probe-gup) name holders. " \
	"a log alone: the general hint, which asks for page_pinner"

# a buffer with pin records only (longterm_pinner: "Page pinned for %lld
# us" heads, the get side) has no put records: the general hint
{
	printf 'Page pinned for 5000000 us\nPFN 0x8e5a9 Block 1138 count 2 mapcount 1 mapping 0xffffff8812c4e4c1 Flags 0x4000000000080014(uptodate)\n pin_user_pages+0x5c/0x80\n mydrv_pin+0x54/0x98 [mydrv]\n\n'
} >"$TMP/longterm_pinner"
export PINBLAME_DB=$TMP/log.db
setup "a longterm_pinner file joins the log's store" pb import "$TMP/longterm_pinner"
pb blame --json
is "$(jq -c '.gaps | has("pinner_unput_pages")' <<<"$out")" false "pin records only: no page_pinner put gap"

done_testing
