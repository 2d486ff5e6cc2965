#!/usr/bin/env bash
# Failures and blame on the arm64 ftrace capture, checked against the
# capture itself (xz -dc | grep) and its ground truth, held-pages.tsv.xz.
. "$(dirname "$0")/lib.sh"
cap=$REAL/arm64-ftrace-hugetlb-cma

fixture "import of trace and kernel log exits 0" "$PINBLAME" import "$cap/trace.txt.xz" "$cap/dmesg.txt"

# --- failures -------------------------------------------------------------
xz -dc "$cap/trace.txt.xz" >"$TMP/trace.txt"
failed=$(grep -c 'cma_alloc_finish: name=hugetlb0 .*page=0000000000000000' "$TMP/trace.txt")
retries=$(grep -c 'cma_alloc_busy_retry: name=hugetlb0' "$TMP/trace.txt")
is "$failed/$retries" 4/128 "the capture has 4 failed hugetlb0 allocations and 128 busy retries"

pb failures --json
is "$rc" 0 "failures --json exits 0"
printf '%s\n' "$out" >"$TMP/failures.json"
is "$(jq -r '.schema' "$TMP/failures.json")" pinblame.failures/1 "failures schema"
is "$(jq '[.failures[] | select(.kind == "cma_alloc" and .area == "hugetlb0")] | length' \
	"$TMP/failures.json")" "$failed" "failures lists the 4 failed hugetlb0 allocations"
is "$(jq -c '[.failures[] | select(.kind == "cma_alloc") | .busy_ranges]' "$TMP/failures.json")" \
	"[32,32,32,32]" "each with its 32 busy ranges ($retries retries / $failed)"
# README: nr_hugepages reached 4 in P3 through the alloc_contig_pages fallback.
is "$(jq -r '[.failures[] | select(.kind == "cma_alloc") | .outcome] | unique | join(",")' \
	"$TMP/failures.json")" recovered "the fallback recovered each of them"
is "$(jq -r '[.failures[] | select(.kind == "cma_alloc") | .nowarn] | unique | join(",")' \
	"$TMP/failures.json")" true "hugetlb asks cma_alloc not to warn"
is "$(jq '[.failures[] | select(.kind == "alloc_contig" and .outcome == "recovered")] | length' \
	"$TMP/failures.json")" 4 "4 fallback attempts outside CMA, each recovered"
# README: 3 compaction migrations fail (8 pages), and 1 longterm_pin (18).
is "$(jq -c '[.failures[] | select(.kind == "migrate") | [.reason, .pages]]' "$TMP/failures.json")" \
	'[["compaction",8],["longterm_pin",18]]' "migration failures by reason, with their pages"
# Every failing test_pages_isolated is a busy range of one failure (604 in
# the README); within a failure each tests a different range.
fails=$(grep -c 'test_pages_isolated: .*ret=fail' "$TMP/trace.txt")
is "$(jq '[.failures[].busy_ranges] | add' "$TMP/failures.json")" "$fails" \
	"the $fails failed isolation tests are the failures' busy ranges"

pb failures
like "$out" '^ +ID +TIME +KIND' "text failures has a header"
like "$out" '10 failures: 2 final, 8 recovered' "text failures sums up outcomes"
pb failures --reason longterm_pin
is "$(printf '%s\n' "$out" | grep -c 'longterm_pin')" 1 "--reason picks the longterm_pin failure"
pb failures --area hugetlb0 --exit-code
is "$rc" 1 "--exit-code exits 1 when failures are listed"

# --- blame ----------------------------------------------------------------
pb blame --json
is "$rc" 0 "blame --json exits 0"
printf '%s\n' "$out" >"$TMP/blame.json"
is "$(jq -r '.callsites[0].callsite' "$TMP/blame.json")" __do_sys_vmsplice \
	"the vmsplice path is ranked first"
is "$(jq -r '.callsites[0].stack | index("try_grab_folio") != null' "$TMP/blame.json")" true \
	"its example stack goes through try_grab_folio"
is "$(jq -r '.callsites[1].callsite' "$TMP/blame.json")" do_splice "the splice path second"
is "$(jq -c '[.failures, .attributed, .unattributed]' "$TMP/blame.json")" '[10,8,2]' \
	"8 of 10 failures explained; the 2 migration failures name no page"

# Attributed pages against the ground truth.
sql_list() { "$PINBLAME" query --csv "$1" | tail -n +2 | sort; }
blamed="SELECT DISTINCT printf('0x%x', pfn) FROM attributions WHERE rank = 1 AND noise IS NULL"
sql_list "$blamed" >"$TMP/attributed"
xz -dc "$cap/held-pages.tsv.xz" | awk 'NR > 1 { print $4 }' | sort -u >"$TMP/held"
grep 'test_pages_isolated' "$TMP/trace.txt" | grep 'ret=fail' |
	sed 's/.*fin_pfn=\([^ ]*\).*/\1/' | sort -u >"$TMP/fin"
n_attr=$(wc -l <"$TMP/attributed")
n_fin=$(wc -l <"$TMP/fin")
held_ok=$(comm -12 "$TMP/attributed" "$TMP/held" | wc -l)
fin_ok=$(comm -12 "$TMP/attributed" "$TMP/fin" | wc -l)
is "$n_fin" 151 "151 distinct failing fin_pfns (grep | sed | sort -u)"
is "$n_attr/$held_ok" 133/133 "precision: all 133 attributed pfns are held pages (1.00 >= 0.95)"
is "$fin_ok" 130 "recall: 130 of the 151 fin_pfns attributed (0.86 >= 0.80)"
ok "$([ $((fin_ok * 100)) -ge $((n_fin * 80)) ] && [ $((held_ok * 100)) -ge $((n_attr * 95)) ]; echo $?)" \
	"precision >= 0.95 and recall >= 0.80"
is "$(jq -c '[.attributed_pages, .pages]' "$TMP/blame.json")" "[$n_attr,154]" \
	"blame counts the same pages (154 busy: 151 fin_pfns and 3 more dumped)"

# Each call site holds the kind of page the holder made (held-pages.tsv kind).
xz -dc "$cap/held-pages.tsv.xz" | awk '$1 == "anon-vmsplice" { print $4 }' | sort -u >"$TMP/anon"
xz -dc "$cap/held-pages.tsv.xz" | awk '$1 == "shmem-splice" { print $4 }' | sort -u >"$TMP/shmem"
sql_list "$blamed AND callsite = '__do_sys_vmsplice'" >"$TMP/vmsplice"
sql_list "$blamed AND callsite = 'do_splice'" >"$TMP/splice"
is "$(wc -l <"$TMP/vmsplice")/$(comm -12 "$TMP/vmsplice" "$TMP/anon" | wc -l)" 90/90 \
	"__do_sys_vmsplice holds 90 pages, all vmspliced anon pages"
is "$(comm -12 "$TMP/fin" "$TMP/anon" | wc -l)" 90 "(the 90 anon fin_pfns of the README)"
is "$(wc -l <"$TMP/splice")/$(comm -12 "$TMP/splice" "$TMP/shmem" | wc -l)" 43/43 \
	"do_splice holds 43 pages, all spliced shmem pages"
# The shmem pages are found through dumps: 43 distinct dumped pfns.
dumped=$(grep -o 'pfn:0x[0-9a-f]*' "$cap/dmesg.txt" | sort -u | wc -l)
is "$dumped" 43 "the kernel log dumps 43 distinct pages"

pb blame
like "$out" '10 failures: 8 with a blamed holder, 2 unattributed; 133 of 154 busy pages' \
	"text blame sums up"
like "$out" '1  __do_sys_vmsplice +8 +90 +67\.7%  medium +probe 90' "text blame row 1"
like "$out" '\[__do_sys_vmsplice\]' "text blame marks the call site in its stack"
pb blame --top 1 --json
is "$(printf '%s' "$out" | jq '.callsites | length')" 1 "--top 1 keeps one row"
pb blame --by comm --json
is "$(printf '%s' "$out" | jq -r '[.callsites[].key] | join(",")')" holdpages \
	"--by comm: the holder task"
pb blame --failure 1 --json
is "$(printf '%s' "$out" | jq -c '[.failures, .attributed_pages, .callsites[0].pages]')" \
	'[1,11,11]' "--failure 1: 11 of its 32 busy pages held by vmsplice"
# The kernel log alone: the dump_stack() before each round of dumps says
# who allocated and through what (grep: 4 rounds of 43 distinct pfns, each
# after "CPU: 1 PID: 106 Comm: sh" and a trace through alloc_contig_pages).
export PINBLAME_DB=$TMP/dmesg.db
setup "the kernel log alone imports" "$PINBLAME" import "$REAL/arm64-ftrace-hugetlb-cma/dmesg.txt"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .pid, .comm, (.busy_pfns | length)]] | unique')" \
	'[["alloc_contig",106,"sh",43]]' "dmesg alone: hugetlb's alloc_contig_pages by sh[106], 43 pages each"
is "$(printf '%s' "$out" | jq '.failures | length')" 4 "four rounds"
done_testing
