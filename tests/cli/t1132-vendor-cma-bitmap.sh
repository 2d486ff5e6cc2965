#!/usr/bin/env bash
# A vendor 5.10 cma.h (doc/FORMATS.md section 1, "vendor cma_alloc with the
# area's bitmap") prints the area's bitmap after the fields of cma_alloc
# and cma_release: "name=%s pfn=%lx page=%p count=%u align=%u bitmap:%s"
# and "name=%s pfn=%lx page=%p count=%u bitmap:%s", the %s of
# __print_array(bitmap, len, 8), which the kernel prints as
# "{0x..,0x..}" (trace_print_array_seq()). The array is a field of its own:
# it was read as words of align (or count), which then held no number.
# Every expected value is read from the input with sed.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/trace.txt" <<'EOF'
# tracer: nop
#
#           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION
#              | |       |   ||||       |         |
    camera@2.0-1804  [002] ....   310.000100: test_pages_isolated: start_pfn=0xc0000 end_pfn=0xc0200 fin_pfn=0xc0011 ret=fail
    camera@2.0-1804  [002] ....   310.000400: cma_alloc: name=linux,cma pfn=ffffffffffffffff page=0000000000000000 count=512 align=9 bitmap:{0xffffffffffffffff,0xffffffffffffffff,0x0,0x0}
    camera@2.0-1804  [002] ....   311.000000: cma_alloc: name=linux,cma pfn=c0200 page=ffffffbf04080000 count=512 align=9 bitmap:{0xffffffffffffffff,0xffffffffffffffff,0xffffffffffffffff,0x0}
    camera@2.0-1804  [002] ....   312.000000: cma_release: name=linux,cma pfn=c0200 page=ffffffbf04080000 count=512 bitmap:{0xffffffffffffffff,0xffffffffffffffff,0x0,0x0}
EOF

aligns=$(sed -n 's/.*cma_alloc: .* align=\([0-9]*\) bitmap:.*/\1/p' "$TMP/trace.txt" | paste -sd' ')
counts=$(sed -n 's/.*cma_alloc: .* count=\([0-9]*\) align=.*/\1/p' "$TMP/trace.txt" | paste -sd' ')
ok_pfn=$(sed -n 's/.*cma_alloc: .* pfn=\([0-9a-f]*\) page=ffff.*/\1/p' "$TMP/trace.txt")
release_count=$(sed -n 's/.*cma_release: .* count=\([0-9]*\) bitmap:.*/\1/p' "$TMP/trace.txt")
release_bitmap=$(sed -n 's/.*cma_release: .* bitmap:\({.*}\)$/\1/p' "$TMP/trace.txt")

fixture "the vendor trace imports" "$PINBLAME" import "$TMP/trace.txt"
like "$out" "ftrace, 4 events, 0 bad lines" "every line read"
is "$(sql "SELECT group_concat(align, ' ') FROM (SELECT align FROM cma_allocs ORDER BY id)")" "$aligns" \
	"each allocation's align is the number before the bitmap"
is "$(sql "SELECT group_concat(count, ' ') FROM (SELECT count FROM cma_allocs ORDER BY id)")" "$counts" \
	"and its count"
is "$(sql "SELECT group_concat(ok || ':' || pfn, ' ') FROM (SELECT ok, pfn FROM cma_allocs ORDER BY id)")" \
	"0:-1 1:$((0x$ok_pfn))" "the NULL page failed; the other one's bare pfn is hex"
release_field() {
	sql "SELECT replace(f.value, ',', ' ') FROM event_fields f JOIN events e ON e.id = f.event_id
		WHERE e.event = 'cma:cma_release' AND f.name = '$1'"
}
is "$(release_field count)" "$release_count" "cma_release's count is the number before the bitmap"
is "$(release_field bitmap)" "${release_bitmap//,/ }" "and the bitmap a field of its own"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .outcome, .pages]]')" \
	"[[\"cma_alloc\",\"final\",${counts%% *}]]" "one final cma_alloc failure of its count of pages"
done_testing
