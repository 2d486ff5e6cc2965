#!/usr/bin/env bash
# Failures and blame on the arm64 capture of Debian bullseye's 5.10 (make
# e2e with PB_E2E_KERNELS=bullseye, pinblame record --probe-gup), a kernel
# generation older than the others here: the single cma:cma_alloc event
# (page 0 on failure, no cma_alloc_start/finish/busy_retry), the GUP-fast
# grab try_grab_compound_head (no folios), and no function that takes the
# spliced page (the page cache read's mark_page_accessed stands in).
# Checked against the capture itself (xz -dc | grep) and its ground truth,
# held-pages.tsv.xz: the same holders get the names they get on 6.1, 6.12
# and x86_64.
. "$(dirname "$0")/lib.sh"
cap=$REAL/arm64-5.10-ftrace-hugetlb-cma

fixture "import of the arm64 5.10 trace exits 0" "$PINBLAME" import "$cap/trace.txt.xz"

# --- the capture, counted with grep ----------------------------------------
xz -dc "$cap/trace.txt.xz" >"$TMP/trace.txt"
is "$(grep -m1 '^# pinblame-record: kernel=' "$TMP/trace.txt")" "# pinblame-record: kernel=5.10.0-32-arm64" \
	"grep: recorded on Debian's 5.10 arm64"
is "$(grep -c ': cma_alloc: ' "$TMP/trace.txt")/$(grep -c ': cma_alloc: .* page=0000000000000000 ' "$TMP/trace.txt")" \
	2/2 "grep: 2 single cma_alloc events, both failed (page 0)"
is "$(grep -c ': cma_alloc_' "$TMP/trace.txt")" 0 "grep: no cma_alloc_start/finish/busy_retry on 5.10"
is "$(grep -c 'test_pages_isolated: .*ret=fail' "$TMP/trace.txt")/$(grep -c 'test_pages_isolated: ' "$TMP/trace.txt")" \
	64/66 "grep: 66 isolation tests, 64 failed"
is "$(grep -c ': try_grab_compound_head: ' "$TMP/trace.txt")" 3071 "grep: 3071 GUP-fast grabs kept"
is "$(grep -c '=> kprobe_breakpoint_handler' "$TMP/trace.txt")" 37100 \
	"grep: 37100 probe stacks through arm64's breakpoint kprobes"

# --- failures ---------------------------------------------------------------
pb failures --json
is "$rc" 0 "failures --json exits 0"
printf '%s\n' "$out" >"$TMP/failures.json"
is "$(jq -c '[.failures[] | [.kind, .outcome, .busy_ranges]]' "$TMP/failures.json")" \
	'[["cma_alloc","recovered",32],["cma_alloc","recovered",32]]' \
	"2 cma_alloc failures, each with 32 busy ranges, recovered (the pool grew elsewhere)"
is "$(jq -r '.failures[] | "\(.start_pfn) \(.end_pfn)"' "$TMP/failures.json" |
	while read -r a b; do printf '0x%x-0x%x ' "$a" "$b"; done)" \
	"0x140000-0x180000 0x140000-0x180000 " "both span the 1 GB hugetlb_cma area"
# The failed contig_range migrations of each allocation: before its
# cma_alloc event (104.260599, 110.402809), counted with awk; failures and
# show must say the same (repeats of a migration count one each).
awk '/ mm_migrate_pages: .*nr_failed=[1-9].*reason=contig_range/ {
	for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) ts = $i + 0
	for (i = 1; i <= NF; i++) if ($i ~ /^nr_failed=/) { split($i, kv, "="); n = kv[2] }
	k = ts <= 104.260599 ? 1 : 2; m[k]++; p[k] += n }
	END { printf "%d/%d %d/%d", m[1], p[1], m[2], p[2] }' "$TMP/trace.txt" >"$TMP/migr"
is "$(cat "$TMP/migr")" "100/120 100/120" "awk: 100 failed migrations (120 pages) before each cma_alloc event"
is "$(jq -r '[.failures[] | "\(.failed_migrations)"] | join(" ")' "$TMP/failures.json")" "100 100" \
	"each failure counts its 100 failed migrations"
for id in 1 2; do
	is "$("$PINBLAME" show "$id" | sed -n 's/^ *failed migrations: \([0-9]*\) (\([0-9]*\) pages).*/\1\/\2/p')" \
		"100/120" "show $id lists the 100 failed migrations (120 pages) the failure counts"
done
grep 'test_pages_isolated: .*ret=fail' "$TMP/trace.txt" |
	sed 's/.*fin_pfn=\([^ ]*\).*/\1/' | sort -u >"$TMP/fin"
jq -r '[.failures[].busy_pfns[]] | unique | .[]' "$TMP/failures.json" |
	xargs printf '0x%x\n' | sort -u >"$TMP/busy"
is "$(wc -l <"$TMP/fin")" 32 "grep: 32 distinct failing fin_pfns"
is "$(comm -3 "$TMP/busy" "$TMP/fin" | wc -l)" 0 "the busy pfns are the failing fin_pfns"

# --- blame --------------------------------------------------------------------
pb blame --json
is "$rc" 0 "blame --json exits 0"
printf '%s\n' "$out" >"$TMP/blame.json"
is "$(jq -r '[.callsites[] | "\(.callsite):\(.failures):\(.pages)"] | join(",")' "$TMP/blame.json")" \
	"do_splice:2:19,__do_sys_vmsplice:2:13" "the holders have the names they have on 6.1, 6.12 and x86_64"
is "$(jq -c '[.failures, .attributed, .unattributed, .pages, .attributed_pages]' "$TMP/blame.json")" \
	'[2,2,0,32,32]' "every failure and busy page explained"
is "$(jq -r '.callsites[0].stack | join(" ")' "$TMP/blame.json")" \
	"mark_page_accessed generic_file_splice_read do_splice_to do_splice __arm64_sys_splice el0_svc_common.constprop.0 do_el0_svc el0_svc el0_sync_handler el0_sync" \
	"the splice is seen through the page cache read it makes, named do_splice"
is "$(jq -r '.callsites[1].stack | join(" ")' "$TMP/blame.json")" \
	"try_grab_compound_head get_user_pages_fast iov_iter_get_pages __do_sys_vmsplice __arm64_sys_vmsplice el0_svc_common.constprop.0 do_el0_svc el0_svc el0_sync_handler el0_sync" \
	"the vmsplice stack starts at the 5.10 grab, past arm64's breakpoint frames"
is "$err" "" "no hint: nothing left unexplained"

# --- against the ground truth (comm over hex pfns) ---------------------------
sql_list() { "$PINBLAME" query --csv "$1" | tail -n +2 | sort; }
blamed="SELECT DISTINCT printf('0x%x', pfn) FROM attributions WHERE rank = 1 AND noise IS NULL"
sql_list "$blamed" >"$TMP/attributed"
xz -dc "$cap/held-pages.tsv.xz" | awk 'NR > 1 { print $4 }' | sort -u >"$TMP/held"
is "$(wc -l <"$TMP/attributed")/$(comm -12 "$TMP/attributed" "$TMP/held" | wc -l)" 32/32 \
	"precision: the 32 attributed pfns are all held pages"
is "$(comm -12 "$TMP/attributed" "$TMP/fin" | wc -l)" 32 "recall: all 32 fin_pfns attributed"
xz -dc "$cap/held-pages.tsv.xz" | awk '$1 == "anon-vmsplice" { print $4 }' | sort -u >"$TMP/anon"
xz -dc "$cap/held-pages.tsv.xz" | awk '$1 == "shmem-splice" { print $4 }' | sort -u >"$TMP/shmem"
sql_list "$blamed AND callsite = '__do_sys_vmsplice'" >"$TMP/vmsplice"
sql_list "$blamed AND callsite = 'do_splice'" >"$TMP/splice"
is "$(wc -l <"$TMP/vmsplice")/$(comm -12 "$TMP/vmsplice" "$TMP/anon" | wc -l)" 13/13 \
	"__do_sys_vmsplice holds 13 pages, all vmspliced anon pages"
is "$(wc -l <"$TMP/splice")/$(comm -12 "$TMP/splice" "$TMP/shmem" | wc -l)" 19/19 \
	"do_splice holds 19 pages, all spliced tmpfs pages"
# a page read off a splice (an unmap, an exec) is not a holder
is "$(sql_list "SELECT DISTINCT callsite || ':' || noise FROM attributions WHERE noise IS NOT NULL" | tr '\n' ' ')" \
	"mark_page_accessed:listed " "the page reads of unmaps on busy pages are listed as noise"

pb blame
like "$out" '2 failures: 2 with a blamed holder, 0 unattributed; 32 of 32 busy pages attributed' \
	"text blame sums up"
done_testing
