#!/usr/bin/env bash
# libtraceevent up to 1.8.3 (and the kernel's tools/lib/traceevent) prints
# __print_array() its own way (event-parse.c print_str_arg(),
# TEP_PRINT_INT_ARRAY): each item "%u" (PRIu64 for 8-byte items), one
# blank between two, no braces (doc/FORMATS.md section 1, "vendor
# cma_alloc with the area's bitmap"). trace-cmd report and perf script of
# the vendor 5.10 cma_alloc ("... count=%u align=%u bitmap:%s") and
# cma_release ("... count=%u bitmap:%s") so print "align=9 bitmap:0 3 0":
# the array was words of align (and count), which held no number, and
# perf script's last item of 20 digits was taken for the sample's address
# (-F ip), which "%16" PRIx64 never prints that long. Every expected value
# is read from the input with sed.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/report.txt" <<'EOF2'
cpus=4
    camera@2.0-1804  [002]   310.000100: test_pages_isolated:  start_pfn=0xc0000 end_pfn=0xc0200 fin_pfn=0xc0011 ret=fail
    camera@2.0-1804  [002]   310.000400: cma_alloc:            name=linux,cma pfn=ffffffffffffffff page=0x0 count=512 align=9 bitmap:18446744073709551615 18446744073709551615 0 0
    camera@2.0-1804  [002]   311.000000: cma_alloc:            name=linux,cma pfn=c0200 page=0xffffffbf04080000 count=256 align=8 bitmap:18446744073709551615 18446744073709551615 4294967295 0
    camera@2.0-1804  [002]   312.000000: cma_release:          name=linux,cma pfn=c0200 page=0xffffffbf04080000 count=256 bitmap:18446744073709551615 18446744073709551615 0 0
EOF2

cat >"$TMP/perf.txt" <<'EOF2'
camera@2.0  1804 [002]   310.000100: page_isolation:test_pages_isolated: start_pfn=0xc0000 end_pfn=0xc0200 fin_pfn=0xc0011 ret=fail
camera@2.0  1804 [002]   310.000400:                  cma:cma_alloc: name=linux,cma pfn=ffffffffffffffff page=(nil) count=512 align=9 bitmap:18446744073709551615 18446744073709551615 0 0
camera@2.0  1804 [002]   311.000000:                  cma:cma_alloc: name=linux,cma pfn=c0200 page=0xffffffbf04080000 count=256 align=8 bitmap:18446744073709551615 18446744073709551615 4294967295 0
camera@2.0  1804 [002]   312.000000:                cma:cma_release: name=linux,cma pfn=c0200 page=0xffffffbf04080000 count=256 bitmap:0 0 18446744073709551615 18446744073709551615
EOF2

for src in report perf; do
	f=$TMP/$src.txt
	aligns=$(sed -n 's/.*cma_alloc: .* align=\([0-9]*\) bitmap:.*/\1/p' "$f" | paste -sd' ')
	counts=$(sed -n 's/.*cma_alloc: .* count=\([0-9]*\) align=.*/\1/p' "$f" | paste -sd' ')
	ok_pfn=$(sed -n 's/.*cma_alloc: .* pfn=\([0-9a-f]*\) page=0xffff.*/\1/p' "$f")
	release_count=$(sed -n 's/.*cma_release: .* count=\([0-9]*\) bitmap:.*/\1/p' "$f")
	release_bitmap=$(sed -n 's/.*cma_release: .* bitmap:\([0-9 ]*\)$/\1/p' "$f")
	nlines=$(grep -c . "$f")
	nevents=$(grep -c 'cma_\|test_pages' "$f")

	export PINBLAME_DB=$TMP/$src.db
	fixture "$src: imports" "$PINBLAME" import "$f"
	like "$out" ", $nevents events, 0 bad lines" "$src: every line read ($nlines lines)"
	is "$(sql "SELECT group_concat(align, ' ') FROM (SELECT align FROM cma_allocs ORDER BY id)")" \
		"$aligns" "$src: each allocation's align is the number before the bitmap"
	is "$(sql "SELECT group_concat(count, ' ') FROM (SELECT count FROM cma_allocs ORDER BY id)")" \
		"$counts" "$src: and its count"
	is "$(sql "SELECT group_concat(ok || ':' || pfn, ' ') FROM (SELECT ok, pfn FROM cma_allocs ORDER BY id)")" \
		"0:-1 1:$((0x$ok_pfn))" "$src: the NULL page failed; the other one's bare pfn is hex"
	release_field() {
		sql "SELECT f.value FROM event_fields f JOIN events e ON e.id = f.event_id
			WHERE e.event = 'cma:cma_release' AND f.name = '$1'"
	}
	is "$(release_field count)" "$release_count" "$src: cma_release's count is the number before the bitmap"
	is "$(release_field bitmap)" "$release_bitmap" "$src: and the bitmap a field of its own, its items as printed"
	is "$(sql "SELECT count(*) FROM events WHERE stack_id IS NOT NULL")" 0 \
		"$src: no sample has a frame (the input has none)"
	pb failures --json
	is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .outcome, .pages]]')" \
		"[[\"cma_alloc\",\"final\",${counts%% *}]]" "$src: one final cma_alloc failure of its count of pages"
done
done_testing
