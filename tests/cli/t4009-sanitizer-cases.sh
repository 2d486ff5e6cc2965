#!/usr/bin/env bash
# Inputs that UBSan caught (the sanitizer run, make check, runs every CLI
# test with an ASan+UBSan build, which aborts on the first finding): a
# store without any page= pointer (probes: memcpy from NULL), and
# timestamps near the end of the ns range in the HTML report's timeline
# (signed overflow).
. "$(dirname "$0")/lib.sh"

# A trace with busy pages and no page= pointer at all (the sample with its
# pointers taken out): nothing to learn the vmemmap from.
sed 's/ page=[0-9a-f]*//' "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" > "$TMP/nopage.txt"
is "$(grep -c 'page=' "$TMP/nopage.txt")" 0 "the trace has no page= pointer"
setup "import of a trace without page= pointers" "$PINBLAME" import "$TMP/nopage.txt"
pb blame
is "$rc" 0 "blame runs its analysis (no pointer to map)"
like "$out" '^1 failure' "and ranks its holders"
pb report --format html -o "$TMP/nopage.html"
is "$rc" 0 "and the HTML report"

# The sample, and a failed CMA allocation 292 years later (9223372030 s:
# the last whole seconds before INT64_MAX ns), so that the timeline spans
# almost all of the range and has a failure in its last bin.
export PINBLAME_DB=$TMP/late.db
{ cat "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
  echo '       cam_alloc-2210    [004] .....  9223372030.000000: cma_alloc_start: name=reserved count=2048 align=8'
  echo '       cam_alloc-2210    [004] .....  9223372030.100000: cma_alloc_finish: name=reserved pfn=0xa3800 page=0000000000000000 count=2048 align=8 errorno=-16'
} > "$TMP/late.txt"
setup "import of a trace whose last event is at 9223372030 s" "$PINBLAME" import "$TMP/late.txt"
pb query --csv "SELECT max(ts_ns) FROM events"
is "$(sed -n 2p <<<"$out")" 9223372030100000000 "the late event is kept to the ns"
pb failures
is "$(grep -c 'cma_alloc' <<<"$out")" 2 "both allocations failed"
pb report --format html -o "$TMP/late.html"
is "$rc" 0 "the HTML report's timeline spans it"
like "$(cat "$TMP/late.html")" '<svg' "with its charts"
pb report
is "$rc" 0 "and the text report"
done_testing
