#!/usr/bin/env bash
# Kernel logs, perf script, page_pinner and page_owner dumps: detected by
# content and stored as page evidence. Counts checked with grep (below).
# Each file goes into a store of its own, so the counts of one do not
# depend on what the files before it stored.
. "$(dirname "$0")/lib.sh"

evidence() { sql "SELECT count(*) FROM page_evidence e JOIN sources s ON s.id = e.source_id WHERE s.path LIKE '%$1' AND e.kind = '$2'"; }

export PINBLAME_DB=$TMP/arm64-dmesg.db
pb import "$REAL/arm64-ftrace-hugetlb-cma/dmesg.txt"
like "$out" 'dmesg.txt: kmsg, ' "arm64 dmesg is recognised as a kernel log"
# grep -c 'page dumped because: migration failure' dmesg.txt
is "$(evidence arm64-ftrace-hugetlb-cma/dmesg.txt dump)" 172 "172 migration-failure dumps"
is "$(sql "SELECT kernel || ' ' || arch FROM sources WHERE path LIKE '%arm64-ftrace%dmesg.txt'")" "6.1.0-50-arm64 aarch64" "kernel and arch from the log"
# grep -c 'pfn:0x14e005' dmesg.txt: the same held page, dumped on 4 retries
is "$(sql "SELECT count(*) FROM page_evidence WHERE kind = 'dump' AND pfn = 1368069")" 4 "pfn 0x14e005 dumped 4 times"

export PINBLAME_DB=$TMP/amd64-dmesg.db
pb import "$REAL/amd64-ftrace-gigantic-nocma/dmesg.txt"
is "$(evidence amd64-ftrace-gigantic-nocma/dmesg.txt dump)" 10 "amd64: 10 dumps"
# grep -c 'migrating pfn' dmesg.txt
is "$(sql "SELECT count(*) FROM events WHERE event = 'kmsg:migrate_failed'")" 10 "amd64: 10 'migrating pfn ... failed' lines"

export PINBLAME_DB=$TMP/perf-script.db
pb import "$SAMPLES/perf-script-5.15-page_pinner-rfc.txt"
like "$out" 'perf-script, ' "perf script is recognised"
# grep -c 'page_pinner:' perf-script-5.15-page_pinner-rfc.txt
is "$(sql "SELECT count(*) FROM events WHERE event LIKE 'page_pinner:%'")" 5 "5 page_pinner samples"
is "$(sql "SELECT count(*) FROM frames WHERE symbol = 'os_unlock_user_pages' AND module = 'nvidia'")" 1 "os_unlock_user_pages keeps its [nvidia] module"
is "$(sql "SELECT count(*) FROM cma_allocs WHERE ok = 0")" 1 "the failed allocation (page=(nil))"

export PINBLAME_DB=$TMP/ack-page_pinner.db
pb import "$SAMPLES/ack-page_pinner-buffer-6.6.txt"
like "$out" 'page_pinner, ' "an ACK page_pinner dump is recognised"
# grep -cE '^(At least|Freed at|Failure detected)' ack-page_pinner-buffer-6.6.txt
is "$(sql "SELECT count(*) FROM page_evidence WHERE kind LIKE 'ack_%'")" 7 "7 records"

export PINBLAME_DB=$TMP/page_owner.db
pb import "$SAMPLES/page_owner-6.6.txt"
like "$out" 'page_owner, ' "a page_owner dump is recognised"
# grep -c '^Page allocated via' page_owner-6.6.txt
is "$(sql "SELECT count(*) FROM page_evidence WHERE kind = 'page_owner'")" 4 "4 records"

# page_owner_sort's output ("%d times, %d pages, " then the record):
# summed by stack, no pfns; refused with what to import instead
export PINBLAME_DB=$TMP/owner-sort.db
printf '4 times, 4 pages, allocated by OTHERS :\nPage allocated via order 0, mask 0x140cca(GFP_HIGHUSER_MOVABLE), pid 7, tgid 7 (sh), ts 90 ns\n post_alloc_hook+0x1c/0x30\n\n' > "$TMP/sorted.txt"
pb import "$TMP/sorted.txt"
is "$rc" 3 "page_owner_sort's output is refused, exit 3"
like "$err" "sorted.txt: page_owner_sort's output" "and named as such"
like "$err" "import the page_owner dump it was made from" "with what to import instead"
done_testing
