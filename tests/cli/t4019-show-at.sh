#!/usr/bin/env bash
# show FILE:LINE: a failure named by where its event was read, which an
# import of an earlier failure does not renumber (the ids do: they follow
# time order). The line is found with grep in the trace, apart from
# pinblame; the early failure is a kernel log line written from
# alloc_contig_range()'s "%s: [%lx, %lx) PFNs busy\n" (mm/page_alloc.c).
. "$(dirname "$0")/lib.sh"
arm=$REAL/arm64-ftrace-hugetlb-cma
fixture "the arm64 trace imports" "$PINBLAME" import "$arm/trace.txt.xz"

# the second hugetlb0 cma_alloc() failure: its finish event at 66.047485
line=$(xz -dc "$arm/trace.txt.xz" | grep -n ' 66\.047485: cma_alloc_finish:' | cut -d: -f1)
is "$line" 1281033 "grep finds the event of the failure at 66.047485"
pb show 3
like "$(printf '%s\n' "$out" | head -1)" '^failure 3: cma_alloc on hugetlb0, sh\[106\], at 66\.047485 ' \
	"before: failure 3 is the one at 66.047485"
like "$out" "event: [^ ]*/trace\\.txt\\.xz:$line" "and show prints its FILE:LINE"

printf '[    1.000000] alloc_contig_range: [44000, 44400) PFNs busy\n' > "$TMP/early.txt"
setup "a kernel log with an earlier failure imports" "$PINBLAME" import -q "$TMP/early.txt"
pb show 3
is "$(printf '%s\n' "$out" | head -1 | grep -c 'at 66\.047485 ')" 0 "after it, id 3 is another failure"
pb show "trace.txt.xz:$line"
is "$rc" 0 "show trace.txt.xz:LINE exits 0"
like "$(printf '%s\n' "$out" | head -1)" '^failure 4: cma_alloc on hugetlb0, sh\[106\], at 66\.047485 ' \
	"and shows the failure of that event, now id 4"
pb show "$arm/trace.txt.xz:$line" --json
like "$out" '"ts_ns":66047485000' "the path as imported names it too (--json)"
pb show "real/arm64-ftrace-hugetlb-cma/trace.txt.xz:$line"
is "$rc" 0 "as do its last components"
# the report's pointer to the rest of a failure's pages is such a FILE:LINE
ref=$("$PINBLAME" report | sed -n 's/.*more pages held: pinblame show //p' | head -1)
like "$ref" "trace\\.txt\\.xz:[0-9]+$" "the report points to show by FILE:LINE, not by id"
pb show "$ref"
is "$rc" 0 "and show takes it"
pb show "race.txt.xz:$line"
is "$rc" 2 "part of a file name is no file: exit 2"
is "$err" "pinblame: show: no failure's event is at race.txt.xz:$line (see 'pinblame failures --json', source and line)" \
	"and says where to find one"
pb show "trace.txt.xz:$((line - 1))"
is "$rc" 2 "a line without a failure's event: exit 2"
pb show "trace.txt.xz:"
is "$rc" 2 "no line number: usage error"
is "$(printf '%s\n' "$err" | head -1)" "pinblame: show: 'trace.txt.xz:' is not a failure id nor FILE:LINE" "and says what it wants"
done_testing
