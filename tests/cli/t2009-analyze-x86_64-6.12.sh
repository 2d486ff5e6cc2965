#!/usr/bin/env bash
# Failures and blame on the x86_64 capture of make e2e (Debian trixie's
# 6.12 amd64, pinblame record --probe-gup, no CMA in that kernel: the 1 GB
# hugetlb pool grows through alloc_contig_pages()), checked against the
# capture itself (xz -dc | grep) and its ground truth, held-pages.tsv.xz.
# The same holders as on arm64 get the same names through x86's entry code
# (entry_SYSCALL_64_after_hwframe, do_syscall_64, __x64_sys_splice) and
# its ftrace-based kprobes (kprobe_ftrace_handler and an unnamed
# trampoline address above the probed function).
. "$(dirname "$0")/lib.sh"
cap=$REAL/x86_64-6.12-ftrace-gigantic-nocma

fixture "import of the x86_64 6.12 trace exits 0" "$PINBLAME" import "$cap/trace.txt.xz"

# --- the capture, counted with grep ----------------------------------------
xz -dc "$cap/trace.txt.xz" >"$TMP/trace.txt"
is "$(grep -m1 '^# pinblame-record: arch=' "$TMP/trace.txt")" "# pinblame-record: arch=x86_64" \
	"grep: recorded on x86_64"
is "$(grep -c 'test_pages_isolated: .*ret=fail' "$TMP/trace.txt")/$(grep -c 'test_pages_isolated: ' "$TMP/trace.txt")" \
	3/3 "grep: 3 isolation tests, all failed"
is "$(grep -c ': cma_alloc_' "$TMP/trace.txt")" 0 "grep: no cma event (Debian amd64 has no CONFIG_CMA)"
is "$(grep -c '=> kprobe_ftrace_handler' "$TMP/trace.txt")" 54730 \
	"grep: 54730 probe stacks through x86's ftrace-based kprobes"

# --- failures ---------------------------------------------------------------
pb failures --json
is "$rc" 0 "failures --json exits 0"
printf '%s\n' "$out" >"$TMP/failures.json"
is "$(jq -c '[.failures[] | [.kind, .reason, .outcome, .busy_ranges]]' "$TMP/failures.json")" \
	'[["alloc_contig","contig_range","final",1],["alloc_contig","contig_range","final",1],["alloc_contig","contig_range","final",1]]' \
	"3 final alloc_contig failures of contig_range, one busy range each"
grep 'test_pages_isolated: .*ret=fail' "$TMP/trace.txt" |
	sed 's/.*start_pfn=\(0x[0-9a-f]*\) end_pfn=\(0x[0-9a-f]*\) .*/\1-\2/' >"$TMP/ranges"
is "$(tr '\n' ' ' <"$TMP/ranges")" "0x180000-0x1c0000 0x200000-0x240000 0x240000-0x280000 " \
	"grep: the 3 failing ranges, each a 1 GB range of ZONE_NORMAL"
is "$(jq -r '.failures[] | "\(.start_pfn) \(.end_pfn)"' "$TMP/failures.json" |
	while read -r a b; do printf '0x%x-0x%x ' "$a" "$b"; done)" \
	"0x180000-0x1c0000 0x200000-0x240000 0x240000-0x280000 " "the failures are those ranges"
is "$(jq -r '[.failures[].busy_pfns[]] | map(tostring) | join(" ")' "$TMP/failures.json" |
	xargs printf '0x%x ')" "0x180001 0x20000a 0x24000a " "their busy pfns are the fin_pfns"

# --- blame --------------------------------------------------------------------
pb blame --json
is "$rc" 0 "blame --json exits 0"
printf '%s\n' "$out" >"$TMP/blame.json"
is "$(jq -r '[.callsites[] | "\(.callsite):\(.failures):\(.pages)"] | join(",")' "$TMP/blame.json")" \
	"__do_sys_vmsplice:2:2,do_splice:1:1" "the holders have the names they have on arm64"
is "$(jq -c '[.failures, .attributed, .unattributed, .pages, .attributed_pages]' "$TMP/blame.json")" \
	'[3,3,0,3,3]' "every failure and busy page explained"
is "$(jq -r '.callsites[0].stack | join(" ")' "$TMP/blame.json")" \
	"try_grab_folio_fast gup_fast_fallback __iov_iter_get_pages_alloc iov_iter_get_pages2 __do_sys_vmsplice do_syscall_64 entry_SYSCALL_64_after_hwframe" \
	"the vmsplice stack starts at the probed function (no kprobe or trampoline frame)"
is "$(jq -r '.callsites[1].stack | join(" ")' "$TMP/blame.json")" \
	"splice_folio_into_pipe shmem_file_splice_read splice_file_to_pipe do_splice __do_splice __x64_sys_splice do_syscall_64 entry_SYSCALL_64_after_hwframe" \
	"the splice stack goes through __x64_sys_splice, named do_splice"
is "$err" "" "no hint: nothing left unexplained"

# --- against the ground truth (comm over hex pfns) ---------------------------
sql_list() { "$PINBLAME" query --csv "$1" | tail -n +2 | sort; }
blamed="SELECT DISTINCT printf('0x%x', pfn) FROM attributions WHERE rank = 1 AND noise IS NULL"
sql_list "$blamed" >"$TMP/attributed"
xz -dc "$cap/held-pages.tsv.xz" | awk 'NR > 1 { print $4 }' | sort -u >"$TMP/held"
grep 'test_pages_isolated: .*ret=fail' "$TMP/trace.txt" |
	sed 's/.*fin_pfn=\([^ ]*\).*/\1/' | sort -u >"$TMP/fin"
is "$(tr '\n' ' ' <"$TMP/fin")" "0x180001 0x20000a 0x24000a " "grep: 3 distinct failing fin_pfns"
is "$(wc -l <"$TMP/attributed")/$(comm -12 "$TMP/attributed" "$TMP/held" | wc -l)" 3/3 \
	"precision: the 3 attributed pfns are all held pages"
is "$(comm -12 "$TMP/attributed" "$TMP/fin" | wc -l)" 3 "recall: all 3 fin_pfns attributed"
xz -dc "$cap/held-pages.tsv.xz" | awk '$1 == "anon-vmsplice" { print $4 }' | sort -u >"$TMP/anon"
xz -dc "$cap/held-pages.tsv.xz" | awk '$1 == "shmem-splice" { print $4 }' | sort -u >"$TMP/shmem"
sql_list "$blamed AND callsite = '__do_sys_vmsplice'" >"$TMP/vmsplice"
sql_list "$blamed AND callsite = 'do_splice'" >"$TMP/splice"
is "$(wc -l <"$TMP/vmsplice")/$(comm -12 "$TMP/vmsplice" "$TMP/anon" | wc -l)" 2/2 \
	"__do_sys_vmsplice holds 2 pages, both vmspliced anon pages"
is "$(wc -l <"$TMP/splice")/$(comm -12 "$TMP/splice" "$TMP/shmem" | wc -l)" 1/1 \
	"do_splice holds 1 page, a spliced tmpfs page"

pb blame
like "$out" '3 failures: 3 with a blamed holder, 0 unattributed; 3 of 3 busy pages attributed' \
	"text blame sums up"
done_testing
