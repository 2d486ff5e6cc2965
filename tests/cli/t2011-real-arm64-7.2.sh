#!/usr/bin/env bash
# Failures and blame on the arm64 capture of Debian sid's 7.2 (make e2e with
# PB_E2E_KERNELS=sid, pinblame record --probe-gup), a kernel newer than any
# other capture here: cma_alloc_start with the 7.2 counts (request_count=,
# available_count=, total_count=, where 6.12 printed count=), the CMA area
# reserved as a multi-range one (no address in the kernel log), no
# kmem:mm_alloc_contig_migrate_range_info, and both kinds of failure: the
# hugetlb_cma area's cma_alloc and, once it is short, alloc_contig_pages()
# over the rest of memory. Checked against the capture itself (xz -dc |
# grep) and its ground truth, held-pages.tsv.xz: the holders get the names
# they get on 5.10, 6.1 and 6.12.
. "$(dirname "$0")/lib.sh"
cap=$REAL/arm64-7.2-ftrace-hugetlb-cma

fixture "import of the arm64 7.2 trace exits 0" "$PINBLAME" import "$cap/trace.txt.xz"

# --- the capture, counted with grep ----------------------------------------
xz -dc "$cap/trace.txt.xz" >"$TMP/trace.txt"
is "$(grep -m1 '^# pinblame-record: kernel=' "$TMP/trace.txt")" "# pinblame-record: kernel=7.2.13+deb14-arm64" \
	"grep: recorded on Debian sid's 7.2 arm64"
is "$(grep -c ': cma_alloc_start: name=hugetlb0 request_count=8192 available_count=262144 total_count=262144 align=13$' "$TMP/trace.txt")" \
	2 "grep: 2 cma_alloc_start in the 7.2 form (the area's counts, no count=)"
is "$(grep -c ': cma_alloc_finish: name=hugetlb0 pfn=0x0 page=0000000000000000 count=8192 align=13 errorno=-16$' "$TMP/trace.txt")" \
	2 "grep: both cma_alloc_finish failed with -EBUSY"
is "$(grep -c ': cma_alloc_busy_retry: ' "$TMP/trace.txt")" 64 "grep: 64 busy retries"
is "$(grep -c 'test_pages_isolated: .*ret=fail' "$TMP/trace.txt")/$(grep -c 'test_pages_isolated: ' "$TMP/trace.txt")" \
	316/318 "grep: 318 isolation tests, 316 failed"
is "$(grep -c ': try_grab_folio_fast: ' "$TMP/trace.txt")/$(grep -c ': splice_folio_into_pipe: ' "$TMP/trace.txt")" \
	3177/5030 "grep: GUP-fast grabs and splice probe hits kept"
is "$(grep -c '=> kprobe_brk_handler' "$TMP/trace.txt")" 8210 \
	"grep: 8210 probe stacks through arm64's breakpoint kprobes"
is "$(grep -c ': mm_alloc_contig_migrate_range_info: ' "$TMP/trace.txt")" 0 \
	"grep: no mm_alloc_contig_migrate_range_info on 7.2"

# --- failures ---------------------------------------------------------------
pb failures --json
is "$rc" 0 "failures --json exits 0"
printf '%s\n' "$out" >"$TMP/failures.json"
is "$(jq -c '[.failures[] | [.kind, .outcome, .busy_ranges]]' "$TMP/failures.json")" \
	'[["cma_alloc","recovered",32],["alloc_contig","recovered",126],["cma_alloc","recovered",32],["alloc_contig","recovered",126]]' \
	"2 cma_alloc failures of 32 busy ranges, each followed by an alloc_contig one of 126, all recovered"
is "$(jq -r '.failures[] | "\(.start_pfn) \(.end_pfn)"' "$TMP/failures.json" |
	while read -r a b; do printf '0x%x-0x%x ' "$a" "$b"; done)" \
	"0x100000-0x140000 0x44000-0x1b8000 0x100000-0x140000 0x44000-0x1b8000 " \
	"the cma_alloc ones span the 1 GB hugetlb_cma area, the others the memory they tried"
is "$(jq -c '[.failures[] | select(.kind == "cma_alloc") | .errno]' "$TMP/failures.json")" '[-16,-16]' \
	"the cma_alloc failures carry errorno -16"
grep 'test_pages_isolated: .*ret=fail' "$TMP/trace.txt" |
	sed 's/.*fin_pfn=\([^ ]*\).*/\1/' | sort -u >"$TMP/fin"
jq -r '[.failures[].busy_pfns[]] | unique | .[]' "$TMP/failures.json" |
	xargs printf '0x%x\n' | sort -u >"$TMP/busy"
is "$(wc -l <"$TMP/fin")" 158 "grep: 158 distinct failing fin_pfns"
is "$(comm -3 "$TMP/busy" "$TMP/fin" | wc -l)" 0 "the busy pfns are the failing fin_pfns"

# --- blame --------------------------------------------------------------------
pb blame --json
is "$rc" 0 "blame --json exits 0"
printf '%s\n' "$out" >"$TMP/blame.json"
is "$(jq -r '[.callsites[] | "\(.callsite):\(.failures):\(.pages)"] | join(",")' "$TMP/blame.json")" \
	"__do_sys_vmsplice:4:95,do_splice:4:63" "the holders have the names they have on 5.10, 6.1 and 6.12"
is "$(jq -c '[.failures, .attributed, .unattributed, .pages, .attributed_pages]' "$TMP/blame.json")" \
	'[4,4,0,158,158]' "every failure and busy page explained"
is "$(jq -r '.callsites[0].stack | join(" ")' "$TMP/blame.json")" \
	"try_grab_folio_fast get_user_pages_fast __iov_iter_get_pages_alloc iov_iter_get_pages2 __do_sys_vmsplice __arm64_sys_vmsplice invoke_syscall.constprop.0 el0_svc_common.constprop.0 do_el0_svc el0_svc el0t_64_sync_handler el0t_64_sync" \
	"the vmsplice stack starts at the GUP-fast grab, past arm64's breakpoint frames"
is "$(jq -r '.callsites[1].stack | join(" ")' "$TMP/blame.json")" \
	"splice_folio_into_pipe do_splice_read splice_file_to_pipe do_splice __arm64_sys_splice invoke_syscall.constprop.0 el0_svc_common.constprop.0 do_el0_svc el0_svc el0t_64_sync_handler el0t_64_sync" \
	"the splice stack starts where the page goes into the pipe"
is "$err" "" "no hint: nothing left unexplained"

# --- against the ground truth (comm over hex pfns) ---------------------------
sql_list() { "$PINBLAME" query --csv "$1" | tail -n +2 | sort; }
blamed="SELECT DISTINCT printf('0x%x', pfn) FROM attributions WHERE rank = 1 AND noise IS NULL"
sql_list "$blamed" >"$TMP/attributed"
xz -dc "$cap/held-pages.tsv.xz" | awk 'NR > 1 { print $4 }' | sort -u >"$TMP/held"
is "$(wc -l <"$TMP/attributed")/$(comm -12 "$TMP/attributed" "$TMP/held" | wc -l)" 158/158 \
	"precision: the 158 attributed pfns are all held pages"
is "$(comm -12 "$TMP/attributed" "$TMP/fin" | wc -l)" 158 "recall: all 158 fin_pfns attributed"
xz -dc "$cap/held-pages.tsv.xz" | awk '$1 == "anon-vmsplice" { print $4 }' | sort -u >"$TMP/anon"
xz -dc "$cap/held-pages.tsv.xz" | awk '$1 == "shmem-splice" { print $4 }' | sort -u >"$TMP/shmem"
sql_list "$blamed AND callsite = '__do_sys_vmsplice'" >"$TMP/vmsplice"
sql_list "$blamed AND callsite = 'do_splice'" >"$TMP/splice"
is "$(wc -l <"$TMP/vmsplice")/$(comm -12 "$TMP/vmsplice" "$TMP/anon" | wc -l)" 95/95 \
	"__do_sys_vmsplice holds 95 pages, all vmspliced anon pages"
is "$(wc -l <"$TMP/splice")/$(comm -12 "$TMP/splice" "$TMP/shmem" | wc -l)" 63/63 \
	"do_splice holds 63 pages, all spliced tmpfs pages"
# splice_folio_into_pipe takes the page itself: no page read stands in, so
# nothing is set aside as noise (5.10's mark_page_accessed hits were)
is "$(sql_list "SELECT DISTINCT callsite || ':' || noise FROM attributions WHERE noise IS NOT NULL" | wc -l)" \
	0 "no noise: every hit on a busy page is a holder's"

pb blame
like "$out" '4 failures: 4 with a blamed holder, 0 unattributed; 158 of 158 busy pages attributed' \
	"text blame sums up"
done_testing
