#!/usr/bin/env bash
# The amd64 capture has no CMA: the failed 1 GB page (alloc_contig_pages),
# compaction, memory offlining and a long-term pin are failures by reason.
. "$(dirname "$0")/lib.sh"
cap=$REAL/amd64-ftrace-gigantic-nocma

fixture "import exits 0" "$PINBLAME" import "$cap/trace.txt.xz" "$cap/dmesg.txt"
xz -dc "$cap/trace.txt.xz" >"$TMP/trace.txt"
is "$(grep -c ' cma_alloc' "$TMP/trace.txt")" 0 "the capture has no cma event"

# Failed migrations per reason, counted in the trace with grep and sed.
grep 'mm_migrate_pages:' "$TMP/trace.txt" | grep -v ' nr_failed=0 ' |
	sed 's/.*reason=\([a-z_]*\).*/\1/' | sort | uniq -c |
	awk '{ printf "%s=%s ", $2, $1 }' >"$TMP/by_reason"
is "$(cat "$TMP/by_reason")" "compaction=15 contig_range=3 longterm_pin=1 memory_hotplug=36 " \
	"grep: failed migrations by reason"

pb failures --json
is "$rc" 0 "failures --json exits 0"
printf '%s\n' "$out" >"$TMP/f.json"
per_reason() {
	jq -r '[.failures[] | {r: .reason, n: .failed_migrations}] | group_by(.r) |
		map("\(.[0].r)=\(map(.n) | add)") | join(" ")' "$TMP/f.json"
}
is "$(per_reason) " "$(cat "$TMP/by_reason")" "every failed migration is in a failure of its reason"
is "$(jq -c '[.failures[] | select(.kind == "alloc_contig") | [.reason, .outcome, .failed_migrations]]' \
	"$TMP/f.json")" '[["contig_range","final",3]]' \
	"the 1 GB page: one alloc_contig failure, final, its 3 failed migrations"
is "$(jq '[.failures[] | select(.kind == "cma_alloc")] | length' "$TMP/f.json")" 0 \
	"no cma_alloc failure"
is "$(jq -c '[.failures[] | select(.reason == "memory_hotplug") | .comm] | unique' "$TMP/f.json")" \
	'["sh"]' "offlining fails as the writer of the memory block state"

pb failures --reason contig_range
like "$out" 'alloc_contig +contig_range +sh\[107\] +final' "failures --reason contig_range shows it"
is "$(printf '%s\n' "$out" | grep -c ' final ')" 1 "and only it"

# The offlining retries dump the pages it could not migrate (dmesg).
moved=$(grep -c 'migrating pfn .* failed' "$cap/dmesg.txt")
is "$moved" 10 "the kernel log names 10 pages that failed to migrate"
is "$(jq '[.failures[] | select(.reason == "memory_hotplug") | .busy_pfns | length] | add' \
	"$TMP/f.json")" "$moved" "they are the busy pages of the offlining failure"

pb blame --json
printf '%s\n' "$out" >"$TMP/b.json"
is "$(jq -r '[.callsites[] | "\(.callsite):\(.pages)"] | join(",")' "$TMP/b.json")" do_splice:10 \
	"the spliced tmpfs pages are held through do_splice"
xz -dc "$cap/held-pages.tsv.xz" | awk '$1 == "shmem-splice" { print $4 }' | sort -u >"$TMP/shmem"
"$PINBLAME" query --csv "SELECT DISTINCT printf('0x%x', pfn) FROM attributions
	WHERE rank = 1 AND noise IS NULL" | tail -n +2 | sort >"$TMP/attributed"
is "$(comm -12 "$TMP/attributed" "$TMP/shmem" | wc -l)" 10 \
	"all 10 are spliced shmem pages in held-pages.tsv"
done_testing
