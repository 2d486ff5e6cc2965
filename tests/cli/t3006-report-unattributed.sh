#!/usr/bin/env bash
# The report lists the failures no call site explains, in every format:
# the first 10 with a count of the rest, each with its range, busy pfns,
# the kernel log dump of a busy page (refcount, mapcount, mapping, flags)
# and the file:line it was read from, then the hints of what would name
# their holders; the CMA areas section counts the failures a kernel log
# names the area of. The log below is written from the kernel's strings:
# alloc_contig_range()'s "%s: [%lx, %lx) PFNs busy", cma_alloc()'s
# "%s: %s: alloc failed, req-size: %lu pages, ret: %d" (5.x+ with the
# area's name), dump_page()'s "page:%p refcount:%d mapcount:%d mapping:%p
# index:%#lx pfn:%#lx", "%sflags: %#lx(%pGp)" and "page dumped because:
# %s"; memory offlining's "migrating pfn %lx failed ret:%d" and "memory
# offlining [mem %#010llx-%#010llx] failed due to %s". Expected values are
# read back from the log with awk and grep, not from pinblame.
. "$(dirname "$0")/lib.sh"

# cma_log N: N failed allocations of the area "reserved", each on its own
# range with one dumped busy page; failure i's page has refcount i+2.
cma_log() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			t = 200 + i; start = 589824 + i * 1024; pfn = start + 33 + i
			printf "[%6d.000100] alloc_contig_range: [%x, %x) PFNs busy\n", t, start, start + 1024
			printf "[%6d.000200] page:fffffffe00%06x refcount:%d mapcount:1 mapping:0000000000000000 index:0x%x pfn:0x%x\n", t, pfn * 64 % 16777216, i + 2, i + 7, pfn
			printf "[%6d.000210] anon flags: 0x2fffff8008002c(referenced|uptodate|swapbacked|node=0|zone=2)\n", t
			printf "[%6d.000300] page dumped because: migration failure\n", t
			printf "[%6d.000400] cma: cma_alloc: reserved: alloc failed, req-size: 1024 pages, ret: -16\n", t
		}
	}'
}

cma_log 12 > "$TMP/cma.txt"
failures=$(grep -c 'alloc failed' "$TMP/cma.txt")
first_range=$(awk -F'[][ ,)]+' '/PFNs busy/ { print "0x" $4 "-0x" $5; exit }' "$TMP/cma.txt")
first_pfn=$(sed -n 's/.*refcount:.* pfn:\(0x[0-9a-f]*\)$/\1/p' "$TMP/cma.txt" | head -1)
first_refcount=$(sed -n 's/.* refcount:\([0-9]*\) .*/\1/p' "$TMP/cma.txt" | head -1)
first_dump_line=$(grep -n 'refcount:' "$TMP/cma.txt" | head -1 | cut -d: -f1)
first_fail_line=$(grep -n 'alloc failed' "$TMP/cma.txt" | head -1 | cut -d: -f1)
flags=$(sed -n 's/.*anon flags: \(.*\)$/\1/p' "$TMP/cma.txt" | head -1)
tenth_refcount=$(sed -n 's/.* refcount:\([0-9]*\) .*/\1/p' "$TMP/cma.txt" | sed -n 10p)

# imported by relative names, as the report then prints them
cd "$TMP" || exit 1
export PINBLAME_DB=$TMP/cma.db
fixture "a kernel log of $failures failed CMA allocations imports" pb import cma.txt

pb report
is "$rc" 0 "report exits 0"
like "$out" "no call site explains a failure" "no call site is blamed"
like "$out" "Failures no call site explains \\(first 10 of $failures; all: pinblame failures\\)" \
	"the failures are listed, the first 10 and a count of them all"
is "$(grep -c '^  #[0-9]* cma_alloc reserved at ' <<<"$out")" 10 "ten of them, no more"
is "$(grep -A2 '^  #1 ' <<<"$out")" "  #1 cma_alloc reserved at 200.000400 s, final, EBUSY (-16)
    pfn $first_range, busy $first_pfn; cma.txt:$first_fail_line
    pfn $first_pfn: dump refcount $first_refcount mapcount 1 mapping 0000000000000000 flags $flags at cma.txt:$first_dump_line" \
	"the first: its range, busy pfn and the dump's refcount, mapcount, mapping and flags, each at file:line"
like "$out" "pfn 0x[0-9a-f]*: dump refcount $tenth_refcount " "the tenth's dump too"
like "$out" "  hint: $failures busy pages have no holder evidence" "with the hint of what would name the holders"
is "$(grep -A3 '^CMA allocations per area' <<<"$out" | tr -s ' ')" "CMA allocations per area
 area tried failed busy retries
 reserved $failures $failures 0
 $failures of the failures come from a kernel log alone, which prints failed" \
	"the area the kernel log names has its row, saying the log shows failures only"

pb report --format md
like "$out" "### Failures no call site explains \\(first 10 of $failures; all: pinblame failures\\)" \
	"Markdown: the same heading"
is "$(grep -F -- '- \#1 ' <<<"$out")" "- \\#1 cma\\_alloc reserved at 200.000400 s, final, EBUSY (-16): pfn $first_range, busy $first_pfn; cma.txt:$first_fail_line" \
	"Markdown: the first failure"
like "$out" "  - pfn $first_pfn: dump refcount $first_refcount mapcount 1 " "Markdown: its dump"
like "$out" "\\| reserved \\| $failures \\| $failures \\| 0 \\|" "Markdown: the area's row"
like "$out" "Hints:" "Markdown: the hints"

pb report --format html
like "$out" "<h2 id=\"unattributed\">Failures no call site explains \\(first 10 of $failures; all: pinblame failures\\)</h2>" \
	"HTML: the same heading"
like "$out" "<li>pfn $first_pfn: dump refcount $first_refcount mapcount 1 " "HTML: the dump"
like "$out" "<td>reserved</td><td class=\"n\">$failures</td>" "HTML: the area's row"

pb report --format json
jq -e --argjson n "$failures" --argjson rc "$first_refcount" --argjson line "$first_dump_line" '
	.unattributed_failures.count == $n and (.unattributed_failures.failures | length) == 10
	and .unattributed_failures.failures[0].id == 1
	and .unattributed_failures.failures[0].dumps[0].refcount == $rc
	and .unattributed_failures.failures[0].dumps[0].mapcount == 1
	and .unattributed_failures.failures[0].dumps[0].line == $line
	and (.hints | length) >= 1
	and .cma_areas == [{"area": "reserved", "tried": $n, "failed": $n, "busy_retries": 0,
			    "log_failures": $n}]' <<<"$out" >/dev/null
ok $? "JSON: the count, the first 10, the dumps' values, the hints and the area"

# Memory offlining: a failure with two busy pages, one dumped.
cat > offline.txt <<'EOF'
[ 5120.000100] Offlined Pages 32768
[ 5130.440001] migrating pfn 1b2c3 failed ret:1
[ 5130.440010] page:ffffea00006cb0c0 refcount:5 mapcount:2 mapping:ffff888103a4c001 index:0x7f0012345 pfn:0x1b2c3
[ 5130.440014] anon flags: 0x17ffffc0080024(uptodate|active|swapbacked|node=0|zone=3)
[ 5130.440020] page dumped because: migration failure
[ 5130.440030] migrating pfn 1b2c4 failed ret:1
[ 5130.450000] memory offlining [mem 0x1b000000-0x1b7fffff] failed due to migration failure
EOF
export PINBLAME_DB=$TMP/offline.db
setup "a kernel log of a failed memory offlining" pb import offline.txt
pb report
is "$(grep -A3 '^Failures no call site explains' <<<"$out")" "Failures no call site explains (1)
  #1 migrate (memory_hotplug) at 5130.440001 s, final
    pfn 0x1b000-0x1b800, busy 0x1b2c3 0x1b2c4; offline.txt:2
    pfn 0x1b2c3: dump refcount 5 mapcount 2 mapping ffff888103a4c001 flags 0x17ffffc0080024(uptodate|active|swapbacked|node=0|zone=3) at offline.txt:3" \
	"the offlined block (0x1b000000-0x1b7fffff), both busy pages and the dump of the first"
like "$out" "  hint: 2 busy pages have no holder evidence" "and the hint"

# A 5.4 log names no area and no busy page: the report says what it knows.
cat > old.txt <<'EOF'
[  812.331020] alloc_contig_range: [8c400, 8c800) PFNs busy
[  812.331180] alloc_contig_range: [8c800, 8cc00) PFNs busy
[  812.331400] cma: cma_alloc: alloc failed, req-size: 1024 pages, ret: -16
EOF
export PINBLAME_DB=$TMP/old.db
setup "a 5.4 kernel log" pb import old.txt
pb report
is "$(grep -A1 '^  #1 ' <<<"$out")" "  #1 cma_alloc at 812.331400 s, final, EBUSY (-16)
    pfn 0x8c400-0x8cc00, 2 busy ranges, no busy page named; old.txt:3" \
	"a failure without a busy page: its range and busy ranges"
like "$out" "  hint: No failure names a busy page" "and why nothing could be blamed"
if grep -q '^CMA allocations per area' <<<"$out"; then ok 1 "no area row for a log that names none"; else ok 0 "no area row for a log that names none"; fi

done_testing
