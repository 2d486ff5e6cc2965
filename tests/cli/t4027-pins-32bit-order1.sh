#!/usr/bin/env bash
# An order-1 folio on a 32-bit kernel from 6.15 on has no pincount:
# folio_has_pincount() is `folio_order(folio) > 1` on 32 bits ("mm: move
# _pincount in folio to page[2] on 32bit"; read in Debian's 6.17.8 and
# 7.1.8 sources), so its pins add GUP_PIN_COUNTING_BIAS (1024) to its
# refcount, and __dump_folio() prints "pincount:0" for it. The kernel's
# word size comes from the release's flavour (armmp) or, in a log without
# a banner, from the width of the dump's "mapping:%p" (vsprintf pads a
# pointer to 2 * sizeof(void *) digits). A 64-bit kernel's order-1 folio
# keeps its pincount: its "pincount:0" is no pin. And show says when a
# dump shows no pin: plain references hold the page.
# The log is written from 6.17's __dump_folio() ("page: refcount:%d
# mapcount:%d mapping:%p index:%#lx pfn:%#lx", "head: order:%u mapcount:%d
# entire_mapcount:%d nr_pages_mapped:%d pincount:%d"), alloc_contig_range's
# "%s: [%lx, %lx) PFNs busy" and cma_alloc's "%s: %s: alloc failed,
# req-size: %lu pages, ret: %d". Expected pins are computed with awk.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/k617.txt" <<'LOG'
[    0.000000] Linux version 6.17.8+deb14-armmp (debian-kernel@lists.debian.org) (arm-linux-gnueabihf-gcc-14 (Debian 14.2.0-19) 14.2.0, GNU ld (GNU Binutils for Debian) 2.44) #1 SMP Debian 6.17.8-1 (2025-11-20)
[  401.200100] page: refcount:2052 mapcount:1 mapping:c41a2b3c index:0x20 pfn:0x8a1f0
[  401.200100] head: order:1 mapcount:2 entire_mapcount:0 nr_pages_mapped:2 pincount:0
[  401.200100] aops:shmem_aops ino:3 dentry name(?):"dma-buf"
[  401.200100] flags: 0x4006c(referenced|uptodate|lru|head|swapbacked|zone=0)
[  401.200100] page dumped because: migration failure
[  401.200103] alloc_contig_range_noprof: [8a100, 8a200) PFNs busy
[  401.200104] cma: cma_alloc: reserved: alloc failed, req-size: 256 pages, ret: -16
LOG
sed 1d "$TMP/k617.txt" >"$TMP/bare.txt"
sed -e '1s/armmp/arm64/; 1s/arm-linux-gnueabihf/aarch64-linux-gnu/' \
	-e 's/mapping:c41a2b3c/mapping:ffff0000c41a2b3c/' "$TMP/k617.txt" >"$TMP/k64.txt"

bias_pins=$(awk '/ refcount:/ { split($4, r, ":"); split($5, m, ":"); print int((r[2] - m[2]) / 1024) }' "$TMP/k617.txt")
printed=$(sed -n 's/.* pincount:\([0-9]*\)$/\1/p' "$TMP/k617.txt")
is "$bias_pins/$printed" "2/0" "awk: the refcount holds 2 pins' bias, the head line prints pincount 0"

pins_in() {
	rm -f "$TMP/pinblame.db"
	(cd "$TMP" && "$PINBLAME" import "$1" >/dev/null && "$PINBLAME" show --json 1) |
		jq -c '[.pages[0].pins, .pages[0].dumps[0].pins]'
}
is "$(pins_in k617.txt)" "[$bias_pins,$bias_pins]" \
	"32-bit 6.17 (armmp): the order-1 folio's pins are read from its refcount"
is "$(pins_in bare.txt)" "[$bias_pins,$bias_pins]" \
	"no banner: 8-digit pointers say 32 bits, the release unknown: read from the refcount"
is "$(pins_in k64.txt)" "[$printed,$printed]" "64-bit: the printed pincount, 0"

cd "$TMP" || exit 1
pb show 1
like "$out" "^  1 page whose dump shows no FOLL_PIN pin: held by plain references" \
	"show: the unblamed page whose dump shows no pin is counted"
pb show --pages 1
like "$out" "^      no FOLL_PIN pin in its count: plain references hold it" \
	"show --pages: the dump's line says no pin"
rm -f pinblame.db
"$PINBLAME" import k617.txt >/dev/null
pb show 1
like "$out" "^  pfn 0x8a1f0: refcount 2052 = $bias_pins pins \\(FOLL_PIN, 1024 each\\) \\+ 4: held by a pin_user_pages\\(\\) caller" \
	"show on the 32-bit log: the pins in the refcount"
is "$(grep -c 'no FOLL_PIN pin' <<<"$out")" 0 "show on the 32-bit log: no 'no pin' line"
done_testing
