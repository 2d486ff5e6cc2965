#!/usr/bin/env bash
# The report's CMA allocations per area for a kernel before 5.13, whose
# one cma_alloc event names no area (include/trace/events/cma.h: "pfn=%lx
# page=%p count=%u align=%u", doc/FORMATS.md 2.1, as the 5.10 capture's
# formats/cma/cma_alloc/format prints it): an allocation that
# succeeded has no failure to carry the area its boot's log declares
# (doc/FORMATS.md 2.2, "CMA areas at boot"), and was counted under "?".
# It takes the area of the log imported with it that holds its pfns:
# here the real boot log of Debian bullseye's 5.10 arm64 (testdata/real/
# arm64-5.10-ftrace-hugetlb-cma/dmesg.txt: hugetlb_cma's 1 GiB area and
# the 64 MiB global one), and a trace written from the 5.10 format with
# allocations in each area and one outside both. Expected rows worked out
# with shell arithmetic on the log's lines and the trace's pfns.
. "$(dirname "$0")/lib.sh"
dmesg=$REAL/arm64-5.10-ftrace-hugetlb-cma/dmesg.txt

# The trace's times hold the log's (its busy lines, 100-110 s): the two
# are linked as one boot. Pages as that kernel's vmemmap puts them (pfn 0
# at 0xffffff05cee00000, 64 bytes a page: the capture's README).
cat >"$TMP/trace.txt" <<'TRACE'
# tracer: nop
#
# pinblame-record: kernel=5.10.0-32-arm64
# pinblame-record: arch=aarch64
#
#           TASK-PID     CPU#  ||||   TIMESTAMP  FUNCTION
#              | |         |   ||||      |         |
              sh-99      [001] ....    50.100000: cma_alloc: pfn=150000 page=ffffff05d4200000 count=8192 align=13
              sh-99      [001] ....    51.100000: cma_alloc: pfn=152000 page=ffffff05d4280000 count=8192 align=13
     kworker/0:1-31      [000] ....    52.000000: cma_alloc: pfn=fc100 page=ffffff05d2d04000 count=16 align=4
     kworker/0:1-31      [000] ....    53.000000: cma_alloc: pfn=e0000 page=ffffff05d2600000 count=16 align=4
              sh-99      [001] ....    60.000000: cma_release: pfn=150000 page=ffffff05d4200000 count=8192
      kcompactd0-28      [000] ....   112.000000: mm_compaction_kcompactd_sleep: nid=0
TRACE

# The areas of the log, "NAME BASE MIB": hugetlb_cma's is the "cma:
# Reserved" line between its "reserve" and "reserved ... on node N" lines
# (hugetlb_cma_reserve() around cma_declare_contiguous_nid()), the other
# "cma: Reserved" line is the global area, named "reserved" (5.10 >= 4.16).
areas() {
	sed -n '/hugetlb_cma: reserve /{n;s/.*cma: Reserved \([0-9]*\) MiB at \(0x[0-9a-f]*\).*/hugetlb \2 \1/p;n;s/.* on node \([0-9]*\)$/node \1/p}' "$dmesg" |
		paste -sd' ' | awk '{ print $1 $5, $2, $3 }'
	grep -o 'cma: Reserved [0-9]* MiB at 0x[0-9a-f]*' "$dmesg" | awk '{ print "reserved", $6, $3 }' |
		grep -v "$(sed -n '/hugetlb_cma: reserve /{n;s/.* at \(0x[0-9a-f]*\).*/\1/p}' "$dmesg")"
}
areas >"$TMP/areas"
is "$(cut -d' ' -f1 "$TMP/areas" | paste -sd' ')" "hugetlb0 reserved" "the log declares hugetlb0 and the global area"

# expected: per area (4 KiB pages: Debian's arm64 flavour), the allocations
# whose pfns it holds; "?" for the others. "AREA TRIED FAILED", by area.
expected() {
	sed -n 's/.*cma_alloc: pfn=\([0-9a-f]*\) .* count=\([0-9]*\) .*/\1 \2/p' "$TMP/trace.txt" |
		while read -r pfn count; do
			name='?'
			while read -r area base mib; do
				lo=$((base >> 12))
				hi=$(((base + (mib << 20)) >> 12))
				[ $((0x$pfn)) -ge $lo ] && [ $((0x$pfn + count)) -le $hi ] && name=$area
			done <"$TMP/areas"
			echo "$name"
		done | sort | uniq -c | awk '{ printf "%s %d 0\n", $2, $1 }' | paste -sd,
}

pb import -q "$TMP/trace.txt" "$dmesg"
is "$rc" 0 "the 5.10 trace and the real 5.10 boot log import together"
is "$(sql "SELECT count(DISTINCT boot) FROM source")" 1 "as one boot"
is "$(sql "SELECT count(*) FROM cma_alloc WHERE ok = 1 AND area IS NULL")" 4 \
	"4 allocations succeeded, none with an area in the trace"
pb report --format json
is "$(jq -r '[.cma_areas[] | "\(.area) \(.tried) \(.failed)"] | join(",")' <<<"$out")" "$(expected)" \
	"each allocation is counted in the area that holds its pfns; the one outside both under ?"
is "$(expected)" "? 1 0,hugetlb0 2 0,reserved 1 0" "(the expected rows, by hand: 2 in hugetlb0, 1 global, 1 outside)"
pb report
like "$out" "hugetlb0 +2 +0" "the text report's row of hugetlb0"

# --- the trace alone: no log names the areas --------------------------------
pb -d "$TMP/alone.db" import -q "$TMP/trace.txt"
pb -d "$TMP/alone.db" report --format json
is "$(jq -r '[.cma_areas[] | "\(.area) \(.tried) \(.failed)"] | join(",")' <<<"$out")" "? 4 0" \
	"without the log, every allocation is under ?"

done_testing
