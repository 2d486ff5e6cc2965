#!/usr/bin/env bash
# What a review of whole scenarios found in the output commands: show's
# range says its own size (and the pages asked for apart), a log with
# dates prints its failures' times as dates in every command, and the
# reason memory offlining gave is shown. Expected values are read from
# the scenario files with grep, sed and shell arithmetic.
. "$(dirname "$0")/lib.sh"
SC=$PB_TESTDATA/scenarios

# --- memory offlining: the block's size and the kernel's reason ---------
OFF=$SC/arm64-6.6-memory-offline-rdma
export PINBLAME_DB=$TMP/offline.db
fixture "the offlining scenario imports" "$PINBLAME" import -q "$OFF/trace.txt" "$OFF/dmesg.txt"
line=$(grep -n 'memory offlining \[mem ' "$OFF/dmesg.txt")
lo=$(printf '%s\n' "$line" | sed 's/.*\[mem \(0x[0-9a-f]*\)-.*/\1/')
hi=$(printf '%s\n' "$line" | sed 's/.*\[mem 0x[0-9a-f]*-\(0x[0-9a-f]*\)\].*/\1/')
reason=$(printf '%s\n' "$line" | sed 's/.* failed due to //')
lineno=${line%%:*}
block=$(( (hi + 1 - lo) / 4096 ))	# arm64 6.6 of the scenario: 4 KiB pages
pb show 1
printf '%s\n' "$out" > "$TMP/show-offline.txt"
like "$out" "^  range 0x[0-9a-f]+-0x[0-9a-f]+ \\($block pages; the memory block offlined\\)" \
	"the range is the block's $block pages, not the failed pages"
like "$out" "^  memory offlining failed due to $reason  .*dmesg.txt:$lineno\$" \
	"show says why offlining failed ('$reason'), with the log line"
pb show --json 1
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["failure"]["offline"]["reason"])')" \
	"$reason" "show --json has the reason"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; f=json.load(sys.stdin)["failure"]; print(f["range_pages"], f["pages"])')" \
	"$block $(grep -c 'migrating pfn .* failed' "$OFF/dmesg.txt")" \
	"--json keeps pages (the failed ones) and adds range_pages"

# --- the bundle: a cma_alloc() of 1024 pages, and a dmesg -T log --------
BUN=$SC/arm64-6.1-bundle-tracecmd-dmesgT-page-owner
export PINBLAME_DB=$TMP/bundle.db
fixture "the bundle imports" "$PINBLAME" import -q "$BUN/trace-cmd-report.txt" "$BUN/dmesg-T.txt" "$BUN/page_owner.txt"
req=$(sed -n 's/.*req-size: \([0-9]*\) pages.*/\1/p' "$BUN/dmesg-T.txt" | head -1)
count=$(sed -n 's/.*cma_alloc_start: .*count=\([0-9]*\).*/\1/p' "$BUN/trace-cmd-report.txt" | head -1)
# the ranges it tried: the isolation tests' [start_pfn, end_pfn), as one span
lo=$(grep -o 'test_pages_isolated: start_pfn=0x[0-9a-f]*' "$BUN/trace-cmd-report.txt" | sed 's/.*=//' | sort | head -1)
hi=$(grep -o ' end_pfn=0x[0-9a-f]*' "$BUN/trace-cmd-report.txt" | sed 's/.*=//' | sort | tail -1)
span=$(( hi - lo ))
pb failures --json
ids=$(printf '%s' "$out" | python3 -c 'import json,sys; print(" ".join(str(f["id"]) for f in json.load(sys.stdin)["failures"] if "clock" not in f))')
logid=$(printf '%s' "$out" | python3 -c 'import json,sys; print(" ".join(str(f["id"]) for f in json.load(sys.stdin)["failures"] if f.get("clock") == "realtime"))')
is "$(printf '%s\n' $ids $logid | wc -l)" 2 "one failure of the trace, one of the dated log"
pb show "$ids"
like "$out" "^  range 0x[0-9a-f]+-0x[0-9a-f]+ \\($span pages; $count pages requested\\)" \
	"the trace's failure: the range's $span pages and the $count asked for"
stamp=$(sed -n 's/^\[\([^]]*\)\] .*req-size.*/\1/p' "$BUN/dmesg-T.txt" | head -1)
date=$(TZ=UTC date -d "$stamp" '+%Y-%m-%d %H:%M:%S')
pb show "$logid"
like "$out" "^failure $logid: .* at $date\\.000000 \\(window $date\\.000000 \\.\\. $date\\.000000\\)" \
	"show prints the log's date ($date), its window with ' .. ' between dates"
like "$out" "^  range .*; $req pages requested\\)" "and the $req pages its req-size asked"
pb failures
like "$out" "^ +$logid +$date\\.000000 +cma_alloc" "failures prints the date"
ok "$(! printf '%s' "$out" | grep -q '17[0-9]\{8\}\.'; echo $?)" "and no epoch seconds"
pb report --format html
ok "$(! printf '%s' "$out" | grep -q '17[0-9]\{8\}\.'; echo $?)" \
	"the HTML report's timeline keeps the kernel's clock (no epoch seconds)"
dated=$(grep -c 'alloc failed' "$BUN/dmesg-T.txt")
like "$out" "<title>failures over time.*; $dated of a log with dates not charted" \
	"and says the $dated failure of the dated log is not charted"
pb report
ok "$(! printf '%s' "$out" | grep -q '17[0-9]\{8\}\.'; echo $?)" "nor does the text report"
pb info
like "$out" "span $date\\.000000 \\.\\. $date\\.000000\$" "info prints the same date"

# --- trace-cmd report -R: stacks as bytes, no symbols --------------------
# Lines of -R (libtraceevent's raw fields) around one failed allocation.
export PINBLAME_DB=$TMP/raw.db
cat > "$TMP/report-R.txt" <<'TXT'
cpus=2
              sh-292   [000]     7.032023: print:                 ip=tracing_mark_write buf=RT-PHASE P1-baseline
              sh-292   [000]     7.117344: cma_alloc_start:       name=hugetlb0 count=8192 align=13
              sh-292   [000]     7.118441: kernel_stack:          size=17 caller=ARRAY[f0, cb, 39, 08, 00, 80, ff, ff, 68, 04, 35, 08, 00, 80, ff, ff]
              sh-292   [000]     7.121862: mm_migrate_pages:      succeeded=8190 failed=2 thp_succeeded=0 thp_failed=0 thp_split=0 mode=2 reason=6
              sh-292   [000]     7.121870: kernel_stack:          size=21 caller=ARRAY[cc, e7, 31, 08, 00, 80, ff, ff]
              sh-292   [000]     7.122234: test_pages_isolated:   start_pfn=0x100000 end_pfn=0x102000 fin_pfn=0x100041
       holdpages-353   [001]     7.122300: user_stack:            tgid=353 caller=ARRAY[00, 10, 40, 00, 00, 00, 00, 00]
              sh-292   [000]     7.263869: cma_alloc_finish:      name=hugetlb0 pfn=0x100000 page=(nil) count=8192 align=13
TXT
stacks=$(grep -c 'caller=ARRAY\[' "$TMP/report-R.txt")
events=$(grep -vc 'caller=ARRAY\[\|^cpus=' "$TMP/report-R.txt")
pb import "$TMP/report-R.txt"
is "$rc" 0 "a report of -R imports"
like "$err" "$stacks lines not understood: stack printed raw \\(trace-cmd report -R\\): no symbols" \
	"its $stacks stacks are counted as not understood, saying what they are"
like "$err" "hint: import the trace.dat itself, or trace-cmd report without -R" "with the way out"
is "$(sql "SELECT count(*) FROM events WHERE event LIKE '%stack%'")" 0 "no stack is stored as an event"
is "$(sql "SELECT count(*) FROM events")" "$events" "the $events other events are"
is "$(sql "SELECT body FROM events WHERE event = 'ftrace:print'")" "RT-PHASE P1-baseline" \
	"-R's marker (ip=... buf=TEXT) is its text"
is "$(sql "SELECT reason || ' ' || mode FROM migrations")" "contig_range MIGRATE_SYNC" \
	"mm_migrate_pages' numbers (reason=6 mode=2) are read as their names"

done_testing
