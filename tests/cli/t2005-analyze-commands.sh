#!/usr/bin/env bash
# failures, blame, show and stacks: options, errors and exit codes, the
# refresh after an import, the views, flame graph stacks. The cases read
# one store made up front (the sample trace, then its kernel log, as two
# imports); the cases about the refresh work on copies of their own.
. "$(dirname "$0")/lib.sh"

pb -d "$TMP/none.db" failures
is "$rc" 3 "a missing store holds no traces: exit 3"
like "$err" 'none.db: .*import a trace first' "and says how to make one"

# A store with events but no failure: the first 120 lines of the capture.
xz -dc "$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz" | head -120 >"$TMP/quiet.txt"
setup "the first 120 lines import" "$PINBLAME" -d "$TMP/quiet.db" import "$TMP/quiet.txt"
pb -d "$TMP/quiet.db" failures --exit-code
is "$rc/$out" "0/no failures" "no failures: exit 0 even with --exit-code"
pb -d "$TMP/quiet.db" blame
like "$out" '^0 failures: 0 with a blamed holder' "blame on no failures"

# The store of every case below; trace.db keeps the trace alone, analysed.
fixture "the sample trace imports" "$PINBLAME" -d "$TMP/trace.db" import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
pb -d "$TMP/trace.db" failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | .busy_pfns | length]')" '[2]' \
	"the trace alone: 2 busy pages (the two fin_pfn)"
export PINBLAME_DB=$TMP/a.db
log_into_copy() {
	copy_store "$TMP/trace.db" "$PINBLAME_DB" &&
		"$PINBLAME" import "$SAMPLES/dmesg-6.6-dump_page-folio.txt"
}
fixture "its kernel log imports into a copy" log_into_copy
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | .busy_pfns | length]')" '[3,1]' \
	"after importing the kernel log the analysis is refreshed: its dumps add pages"
is "$(sql "SELECT count(*) FROM failures")" 2 "the failures view is filled"
is "$(sql "SELECT count(*) FROM attributions WHERE rank = 1 AND noise IS NULL")" 3 \
	"the attributions view: 3 blamed pages"
is "$(sql "SELECT count(*) FROM page_evidence WHERE kind = 'dump'")" 3 "page_evidence has the dumps"

pb failures --since 4121
like "$out" '^ +2 +4137\.118802 +migrate' "--since keeps the later failure"
is "$(printf '%s\n' "$out" | grep -cE '^ +[0-9]+ +[0-9]+\.[0-9]+ ')" 1 "and only it"
pb blame --until 4121 --json
is "$(printf '%s' "$out" | jq -c '[.failures, .attributed_pages]')" '[1,3]' "--until keeps the first"
pb failures --since 4x
is "$rc" 2 "--since wants seconds"

# Usage errors.
for args in "show" "show abc" "show 1 2" "blame --by nothing" "blame --top -1" \
	"blame --failure -1" "failures extra" "stacks extra"; do
	pb $args
	is "$rc" 2 "'$args' exits 2"
done
pb show 99
is "$rc" 2 "show of an unknown failure exits 2"
like "$err" 'no failure 99' "and says so"
pb blame --failure 99
is "$rc" 2 "blame --failure of an unknown failure exits 2"
pb blame --noise "$TMP/missing"
is "$rc" 3 "an unreadable noise file exits 3"
printf 'skip ok_*\nfrobnicate x\n' >"$TMP/bad-noise"
pb blame --noise "$TMP/bad-noise"
is "$rc" 3 "a bad noise file exits 3"
like "$err" 'bad-noise:2: expected' "with the line that is wrong"

# show --pages walks down to the lines of the events, page by page.
pb show --pages 1
like "$out" '^failure 1: cma_alloc on reserved, cam_alloc\[2210\]' "show: the failure"
like "$out" 'pfn 0xa3a41: ' "show: a busy page"
like "$out" '#1 blamed +os_lock_user_pages \[nvidia\] \(pin, high\) .*ftrace-6.6-page_ref-cma_errorno.txt:13 ' \
	"show: the blamed pin, with its file and line"
like "$out" 'dump at 4120.309970: refcount 1027 mapcount 1 file cuda.shm.1873' "show: the dump"

# stacks, folded: 'frame;frame;... COUNT', root first.
pb stacks --folded
is "$rc" 0 "stacks --folded exits 0"
is "$(printf '%s\n' "$out" | grep -cvE '^[^ ].*;.* [0-9]+$')" 0 "every line is 'frames COUNT'"
is "$(printf '%s\n' "$out" | awk '{ n += $NF } END { print n }')" 3 "the weights add up to the 3 blamed pages"
like "$out" '^el0t_64_sync;.*;os_lock_user_pages \[nvidia\];.*;__page_ref_mod 2$' "the nvidia pin holds 2"
pb stacks --failures --folded
like "$out" ';cma_heap_allocate;cma_alloc 1$' \
	"stacks --failures: the failing allocation, its tracepoint's frames cut"
pb stacks --json
is "$(printf '%s' "$out" | jq -c '[.which, (.stacks | map(.count))]')" '["holders",[2,1]]' \
	"stacks --json, largest first"
done_testing
