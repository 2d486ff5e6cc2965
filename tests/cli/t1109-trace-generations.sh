#!/usr/bin/env bash
# Trace events of every kernel generation, each input written by hand from
# the TP_printk format string of that generation (doc/FORMATS.md section 1
# names the tree and commit read): hex printed without 0x, the single
# cma_alloc event of old kernels, migrate/page_ref/kmem variants, trace
# fragments, the error code, perf script, trace-cmd report and the old
# systrace page. Expected numbers are worked out with the shell's own
# arithmetic from the hex in the input.
. "$(dirname "$0")/lib.sh"

HEADER='# tracer: nop
#
#           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION
#              | |       |   ||||       |         |'

# failures --json of the store as [kind, area, busy_ranges, failed_migrations,
# start_pfn, pages, pid, outcome] per failure
failures_summary() {
	pb failures --json
	printf '%s' "$out" | jq -c '[.failures[] | [.kind, .area, .busy_ranges,
		.failed_migrations, .start_pfn, .pages, .pid, .outcome]]'
}

# --- 4.x to 5.12: cma_alloc "pfn=%lx page=%p count=%u align=%u" once, at the
# end of cma_alloc(); test_pages_isolated "start_pfn=0x%lx ..."; 4.x
# mm_migrate_pages "nr_succeeded=%lu nr_failed=%lu mode=%s reason=%s"
# with reason "cma".
cat >"$TMP/old.txt" <<EOF
$HEADER
              sh-412   [001] ....   102.500100: test_pages_isolated: start_pfn=0xb2800 end_pfn=0xb2c00 fin_pfn=0xb2a13 ret=fail
              sh-412   [001] ....   102.500200: mm_migrate_pages: nr_succeeded=10 nr_failed=2 mode=MIGRATE_SYNC reason=cma
              sh-412   [001] ....   102.500300: test_pages_isolated: start_pfn=0xb2c00 end_pfn=0xb3000 fin_pfn=0xb2c40 ret=fail
              sh-412   [001] ....   102.500400: cma_alloc: pfn=b2c00 page=(null) count=1024 align=8
              sh-412   [001] ....   104.000000: cma_alloc: pfn=b3000 page=00000000c0ffee11 count=1024 align=8
              sh-412   [001] ....   104.100000: cma_release: pfn=b3000 page=00000000c0ffee11 count=1024
EOF
export PINBLAME_DB=$TMP/old.db
setup "old.txt imports" "$PINBLAME" import "$TMP/old.txt"
like "$out" "ftrace, 6 events, 0 bad lines" "4.x: every line understood"
is "$(sql "SELECT group_concat(pfn || ':' || ok, ' ') FROM cma_allocs")" \
	"$((0xb2c00)):0 $((0xb3000)):1" "4.x: cma_alloc pfn=b2c00 is hex, a NULL page failed"
is "$(failures_summary)" \
	"[[\"cma_alloc\",null,2,1,$((0xb2800)),1024,412,\"final\"]]" \
	"4.x: one cma_alloc failure owns the 2 failed isolation tests and the failed migration"
is "$(sql "SELECT count(*) FROM failures WHERE kind = 'alloc_contig'")" 0 \
	"4.x: its isolation tests are not counted again as alloc_contig failures"
is "$(sql "SELECT value FROM event_fields f JOIN events e ON e.id = f.event_id
	WHERE e.event = 'cma:cma_release' AND f.name = 'pfn'")" "0xb3000" \
	"4.x: cma_release pfn=%lx stored as 0xb3000"

# A task's isolation tests belong to its next single cma_alloc only after
# its last successful isolation test (a fallback that got its range): the
# fallback's failed test stays an alloc_contig attempt, which recovers the
# first cma_alloc.
cat >"$TMP/cut.txt" <<EOF
$HEADER
              sh-412   [001] ....   200.000100: test_pages_isolated: start_pfn=0xb2800 end_pfn=0xb2c00 fin_pfn=0xb2a13 ret=fail
              sh-412   [001] ....   200.000400: cma_alloc: pfn=b2800 page=(null) count=1024 align=8
              sh-412   [001] ....   200.100000: test_pages_isolated: start_pfn=0x40000 end_pfn=0x40400 fin_pfn=0x40010 ret=fail
              sh-412   [001] ....   200.200000: test_pages_isolated: start_pfn=0x40400 end_pfn=0x40800 fin_pfn=0x40800 ret=success
              sh-412   [001] ....   200.300100: test_pages_isolated: start_pfn=0xb2c00 end_pfn=0xb3000 fin_pfn=0xb2c40 ret=fail
              sh-412   [001] ....   200.300400: cma_alloc: pfn=b2c00 page=(null) count=1024 align=8
EOF
export PINBLAME_DB=$TMP/cut.db
setup "cut.txt imports" "$PINBLAME" import "$TMP/cut.txt"
is "$(failures_summary)" "[[\"cma_alloc\",null,1,0,$((0xb2800)),1024,412,\"recovered\"],\
[\"alloc_contig\",null,1,0,$((0x40000)),1,412,\"recovered\"],\
[\"cma_alloc\",null,1,0,$((0xb2c00)),1024,412,\"final\"]]" \
	"4.x: the fallback's test between two cma_alloc events is its own attempt"

# --- vendor 4.19 (Qualcomm): cma_alloc_start "count=%u align=%u", then
# cma_alloc_busy_retry and cma_alloc "pfn=%lx page=%p count=%u align=%u".
cat >"$TMP/vendor.txt" <<EOF
$HEADER
   composer-2201   [003] ....   880.100000: cma_alloc_start: count=256 align=8
   composer-2201   [003] ....   880.100500: cma_alloc_busy_retry: pfn=102000 page=ffffffbf04080000 count=256 align=8
   composer-2201   [003] ....   880.101000: test_pages_isolated: start_pfn=0x102000 end_pfn=0x102100 fin_pfn=0x102042 ret=fail
   composer-2201   [003] ....   880.200000: cma_alloc: pfn=102100 page=(null) count=256 align=8
EOF
export PINBLAME_DB=$TMP/vendor.db
setup "vendor.txt imports" "$PINBLAME" import "$TMP/vendor.txt"
like "$out" "ftrace, 4 events, 0 bad lines" "vendor 4.19: every line understood"
is "$(sql "SELECT group_concat(kind || ':' || start_pfn, ' ') FROM busy_ranges")" \
	"cma_busy_retry:$((0x102000)) isolation:$((0x102000))" \
	"vendor 4.19: busy retry pfn=102000 is 0x102000, not decimal 102000"
is "$(failures_summary)" "[[\"cma_alloc\",null,1,0,$((0x102000)),256,2201,\"final\"]]" \
	"vendor 4.19: start and cma_alloc paired, the busy ranges are its"

# --- 4.14/4.19: vsprintf's pointer() prints a NULL %p as "(null)" padded
# to the pointer's width (16 characters on 64-bit), so the failed single
# cma_alloc reads "page=          (null)"; its pfn is -1 when no free range
# was found, else the last range tried (the vendor form).
cat >"$TMP/v419.txt" <<EOF
$HEADER
          camera-1804  [002] ....   310.000100: test_pages_isolated: start_pfn=0xc0000 end_pfn=0xc0200 fin_pfn=0xc0011 ret=fail
          camera-1804  [002] ....   310.000200: mm_migrate_pages: nr_succeeded=30 nr_failed=1 mode=MIGRATE_SYNC reason=cma
          camera-1804  [002] ....   310.000300: test_pages_isolated: start_pfn=0xc0200 end_pfn=0xc0400 fin_pfn=0xc0203 ret=fail
          camera-1804  [002] ....   310.000400: cma_alloc: pfn=ffffffffffffffff page=          (null) count=512 align=9
EOF
export PINBLAME_DB=$TMP/v419.db
setup "v419.txt imports" "$PINBLAME" import "$TMP/v419.txt"
like "$out" "ftrace, 4 events, 0 bad lines" "4.19: every line understood"
is "$(sql "SELECT value FROM event_fields f JOIN events e ON e.id = f.event_id
	WHERE e.event = 'cma:cma_alloc' AND f.name = 'page'")" "(null)" \
	"4.19: the padded NULL page is the field's value"
is "$(sql "SELECT group_concat(ok, ' ') FROM cma_allocs")" 0 "4.19: the padded NULL page failed"
is "$(failures_summary)" \
	"[[\"cma_alloc\",null,2,1,$((0xc0000)),512,1804,\"final\"]]" \
	"4.19: one final cma_alloc failure with its 2 failed isolation tests and the failed migration"
is "$(sql "SELECT count(*) FROM failures WHERE kind IN ('alloc_contig', 'busy_range')")" 0 \
	"4.19: its isolation tests are not failures of their own"
pb info
like "$out" "failed +1" "4.19: info counts the failed allocation"

# The vendor 4.19 form: the last range tried as pfn, the NULL page padded.
sed 's/page=(null)/page=          (null)/' "$TMP/vendor.txt" >"$TMP/vendor-pad.txt"
is "$(grep -c 'page=          (null) count=256' "$TMP/vendor-pad.txt")" 1 \
	"vendor 4.19 padded: the input has the padded NULL page"
export PINBLAME_DB=$TMP/vendor-pad.db
setup "vendor-pad.txt imports" "$PINBLAME" import "$TMP/vendor-pad.txt"
like "$out" "ftrace, 4 events, 0 bad lines" "vendor 4.19 padded: every line understood"
is "$(failures_summary)" "[[\"cma_alloc\",null,1,0,$((0x102000)),256,2201,\"final\"]]" \
	"vendor 4.19 padded: one final failure with its busy ranges"

# perf script and trace-cmd report print %p through libtraceevent, with the
# C library's %p ("(nil)") or, in older copies, "0x%llx" ("0x0"): never
# padded. The same 4.19 events in both.
sed -n 's/^ *camera-1804 *\[002\] \.\.\.\. *\([0-9.]*\): \([a-z_]*\): /camera  1804 [002]   \1: cma:\2: /p' \
	"$TMP/v419.txt" | sed 's/cma:test_pages_isolated/page_isolation:test_pages_isolated/;
	s/cma:mm_migrate_pages/migrate:mm_migrate_pages/; s/page=          (null)/page=(nil)/' \
	>"$TMP/v419.perf"
is "$(grep -c 'cma:cma_alloc: .*page=(nil) ' "$TMP/v419.perf")" 1 "4.19 perf script: the input has page=(nil)"
export PINBLAME_DB=$TMP/v419-perf.db
setup "v419.perf imports" "$PINBLAME" import --format perf-script "$TMP/v419.perf"
like "$out" "perf-script, 4 events, 0 bad lines" "4.19 perf script: every line understood"
is "$(failures_summary)" \
	"[[\"cma_alloc\",null,2,1,$((0xc0000)),512,1804,\"final\"]]" \
	"4.19 perf script: the same failure as the ftrace text"
{ echo "cpus=4"; sed -n 's/^\( *camera-1804 *\[002\]\) \.\.\.\.\( *[0-9.]*: [a-z_]*:\) /\1\2   /p' \
	"$TMP/v419.txt" | sed 's/page=          (null)/page=0x0/'; } >"$TMP/v419.report"
is "$(grep -c 'cma_alloc: .*page=0x0 ' "$TMP/v419.report")" 1 "4.19 trace-cmd report: the input has page=0x0"
export PINBLAME_DB=$TMP/v419-report.db
setup "v419.report imports" "$PINBLAME" import "$TMP/v419.report"
like "$out" "trace-cmd-report, 4 events, 0 bad lines" "4.19 trace-cmd report: every line understood"
is "$(failures_summary)" \
	"[[\"cma_alloc\",null,2,1,$((0xc0000)),512,1804,\"final\"]]" \
	"4.19 trace-cmd report: the same failure as the ftrace text"

# --- Android 5.10: "name=%s pfn=%lx page=%p count=%u align=%u" for finish
# and busy retry, cma_alloc_info "name=%s pfn=0x%lx ... err_test=%u".
cat >"$TMP/a510.txt" <<EOF
$HEADER
  camera-3301  [000] ....  1500.000000: cma_alloc_start: name=reserved count=64 align=6
  camera-3301  [000] ....  1500.000100: cma_alloc_busy_retry: name=reserved pfn=b2800 page=fffffffe02ca0000 count=64 align=6
  camera-3301  [000] ....  1500.100000: cma_alloc_finish: name=reserved pfn=ffffffffffffffff page=0000000000000000 count=64 align=6
  camera-3301  [000] ....  1500.100001: cma_alloc_info: name=reserved pfn=0xffffffffffffffff count=64 align=6 nr_migrated=10 nr_reclaimed=0 nr_mapped=3 err_iso=0 err_mig=1 err_test=1
  camera-3301  [000] ....  1501.000000: cma_alloc_start: name=reserved count=64 align=6
  camera-3301  [000] ....  1501.000300: cma_alloc_finish: name=reserved pfn=b2800 page=fffffffe02ca0000 count=64 align=6
EOF
export PINBLAME_DB=$TMP/a510.db
setup "a510.txt imports" "$PINBLAME" import "$TMP/a510.txt"
like "$out" "ftrace, 6 events, 0 bad lines" "Android 5.10: every line understood"
is "$(sql "SELECT group_concat(ok || ':' || COALESCE(pfn, '-'), ' ') FROM cma_allocs")" \
	"0:-1 1:$((0xb2800))" "Android 5.10: pfn=b2800 is hex; the failed one printed -1"
is "$(failures_summary)" "[[\"cma_alloc\",\"reserved\",1,0,$((0xb2800)),64,3301,\"final\"]]" \
	"Android 5.10: one failure with its busy retry"

# --- 5.13: "name=%s pfn=%lx page=%p count=%lu align=%u"; 5.14+ prints 0x.
cat >"$TMP/v513.txt" <<EOF
$HEADER
              sh-90    [001] ....    50.000000: cma_alloc_start: name=cma count=16 align=4
              sh-90    [001] ....    50.000500: cma_alloc_finish: name=cma pfn=102000 page=00000000aa55aa55 count=16 align=4
              sh-90    [001] ....    51.000000: cma_alloc_start: name=cma count=16 align=4
              sh-90    [001] ....    51.000500: cma_alloc_finish: name=cma pfn=0x102010 page=00000000aa55aa56 count=16 align=4
EOF
export PINBLAME_DB=$TMP/v513.db
setup "v513.txt imports" "$PINBLAME" import "$TMP/v513.txt"
is "$(sql "SELECT group_concat(pfn, ' ') FROM cma_allocs")" "$((0x102000)) $((0x102010))" \
	"5.13 and 5.14: the same pfns with and without 0x"

# --- 6.3+: errorno; the error code reaches failures, show and the report.
cat >"$TMP/v66.txt" <<EOF
$HEADER
         mydrv-77   [001] .....  4119.000000: page_ref_mod: pfn=0xa3104 flags=uptodate|lru count=1025 mapcount=1 mapping=0000000000000000 mt=4 val=1024
         mydrv-77   [001] .....  4119.000001: <stack trace>
 => try_grab_folio
 => __get_user_pages
 => pin_user_pages
 => mydrv_pin_buffer
     cam_alloc-2210 [002] .....  4120.000000: cma_alloc_start: name=reserved request_count=2048 available_count=4096 total_count=8192 align=11
     cam_alloc-2210 [002] .....  4120.000100: test_pages_isolated: start_pfn=0xa3000 end_pfn=0xa3800 fin_pfn=0xa3104 ret=fail
     cam_alloc-2210 [002] .....  4120.550310: cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=2048 align=11 errorno=-16
     cam_alloc-2211 [003] .....  4130.000000: cma_alloc_start: name=reserved request_count=8192 available_count=100 total_count=8192 align=13
     cam_alloc-2211 [003] .....  4130.000500: cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=8192 align=13 errorno=-12
EOF
export PINBLAME_DB=$TMP/v66.db
setup "v66.txt imports" "$PINBLAME" import "$TMP/v66.txt"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.errorno, .errno, .errno_name]]')" \
	'[[-16,-16,"EBUSY"],[-12,-12,"ENOMEM"]]' "6.3+: errno and its name in failures --json"
pb failures
like "$out" "final +EBUSY +1 +1 +1 " "failures: EBUSY after the outcome"
like "$out" "final +ENOMEM +0 " "failures: ENOMEM after the outcome"
pb show 2
like "$out" "final, ENOMEM \(-12\)" "show: the error code in the head"
pb report
like "$out" "#1 cma_alloc reserved at 4120.550310 s, final, EBUSY \(-16\)" \
	"report: the error code in the failure's title"
is "$(sql "SELECT start_pfn FROM failures WHERE id = 2")" "" \
	"6.3+: a failed finish's pfn=0x0 is no range"

# --- mm_migrate_pages: 5.9+ "... nr_thp_split=%lu mode=%s reason=%s", 6.x
# "... nr_thp_split=%lu nr_split=%lu mode=%s reason=%s".
cat >"$TMP/migrate.txt" <<EOF
$HEADER
       kcompactd0-30    [000] .....   10.000000: mm_migrate_pages: nr_succeeded=5 nr_failed=3 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC_LIGHT reason=compaction
       kcompactd0-30    [000] .....   20.000000: mm_migrate_pages: nr_succeeded=0 nr_failed=7 nr_thp_succeeded=0 nr_thp_failed=1 nr_thp_split=1 nr_split=2 mode=MIGRATE_SYNC reason=longterm_pin
              sh-40     [001] .....   30.000000: mm_migrate_pages: nr_succeeded=1 nr_failed=0 mode=MIGRATE_ASYNC reason=compaction
EOF
export PINBLAME_DB=$TMP/migrate.db
setup "migrate.txt imports" "$PINBLAME" import "$TMP/migrate.txt"
like "$out" "ftrace, 3 events, 0 bad lines" "mm_migrate_pages: every generation understood"
is "$(sql "SELECT group_concat(reason || ':' || failed, ' ') FROM migrations")" \
	"compaction:3 longterm_pin:7 compaction:0" "mm_migrate_pages: nr_failed of each generation"

# --- page_ref "pfn=0x%lx flags=%s count=%d mapcount=%d mapping=%p mt=%d
# val=%d [ret=%d]"; kmem mm_alloc_contig_migrate_range_info "start=0x%lx
# end=0x%lx migratetype=%d ..." (6.7) and "alloc_flags=%d" (6.16).
cat >"$TMP/misc.txt" <<EOF
$HEADER
              sh-50     [000] .....   60.000000: page_ref_mod: pfn=0xa3104 flags=uptodate|lru count=3 mapcount=1 mapping=00000000deadbeef mt=4 val=1
              sh-50     [000] .....   60.000100: page_ref_mod_and_test: pfn=0xa3104 flags=uptodate|lru count=2 mapcount=1 mapping=00000000deadbeef mt=4 val=-1 ret=0
              sh-50     [000] .....   60.000200: mm_alloc_contig_migrate_range_info: start=0xa3000 end=0xa3800 migratetype=4 nr_migrated=10 nr_reclaimed=2 nr_mapped=1
              sh-50     [000] .....   60.000300: mm_alloc_contig_migrate_range_info: start=0xa3800 end=0xa4000 alloc_flags=0 nr_migrated=0 nr_reclaimed=0 nr_mapped=0
EOF
export PINBLAME_DB=$TMP/misc.db
setup "misc.txt imports" "$PINBLAME" import "$TMP/misc.txt"
like "$out" "ftrace, 4 events, 0 bad lines" "page_ref and kmem variants understood"
is "$(sql "SELECT group_concat(kind || ':' || pfn, ' ') FROM page_evidence")" \
	"page_ref_get:$((0xa3104)) page_ref_put:$((0xa3104))" "page_ref: a get and a put of 0xa3104"
is "$(sql "SELECT count(*) FROM events WHERE event = 'kmem:mm_alloc_contig_migrate_range_info'")" \
	2 "kmem: both generations of mm_alloc_contig_migrate_range_info"

# --- a fragment: event lines pasted without their task and CPU columns
printf '\t279.814717: cma_alloc_start: name=reserved request_count=4 available_count=100 total_count=1024 align=2\n\t279.814800: test_pages_isolated: start_pfn=0x1000 end_pfn=0x1004 fin_pfn=0x1002 ret=fail\n\t279.814901: cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=4 align=2 errorno=-16\n' \
	>"$TMP/fragment.txt"
export PINBLAME_DB=$TMP/fragment.db
setup "fragment.txt imports" "$PINBLAME" import "$TMP/fragment.txt"
like "$out" "fragment.txt: ftrace, 3 events, 0 bad lines" "fragment: recognised as ftrace, every line understood"
is "$(sql "SELECT count(*) FROM events WHERE pid IS NULL AND comm IS NULL")" 3 \
	"fragment: events of an unknown task"
is "$(failures_summary)" "[[\"cma_alloc\",\"reserved\",1,0,$((0x1000)),4,null,\"final\"]]" \
	"fragment: the allocation with its failed isolation test"

# --- the same 4.x events as perf script and trace-cmd report print them
sed -n 's/^ *sh-412 *\[001\] \.\.\.\. *\([0-9.]*\): \([a-z_]*\): /sh   412 [001]   \1: cma:\2: /p' \
	"$TMP/old.txt" | sed 's/cma:test_pages_isolated/page_isolation:test_pages_isolated/;
	s/cma:mm_migrate_pages/migrate:mm_migrate_pages/' >"$TMP/old.perf"
export PINBLAME_DB=$TMP/perf.db
setup "old.perf imports" "$PINBLAME" import --format perf-script "$TMP/old.perf"
like "$out" "perf-script, 6 events, 0 bad lines" "perf script: every line understood"
is "$(sql "SELECT group_concat(pfn, ' ') FROM cma_allocs")" "$((0xb2c00)) $((0xb3000))" \
	"perf script: pfn=%lx read as hex"
{ echo "cpus=2"; sed -n 's/^\( *sh-412 *\[001\]\) \.\.\.\.\( *[0-9.]*: [a-z_]*:\) /\1\2   /p' "$TMP/old.txt"; } \
	>"$TMP/old.report"
export PINBLAME_DB=$TMP/report.db
setup "old.report imports" "$PINBLAME" import "$TMP/old.report"
like "$out" "trace-cmd-report, 6 events, 0 bad lines" "trace-cmd report: every line understood"
is "$(failures_summary)" "[[\"cma_alloc\",null,2,1,$((0xb2800)),1024,412,\"final\"]]" \
	"trace-cmd report: the same failure as the ftrace text"

# --- systrace before its trace-data blocks: 'var linuxPerfData = "\',
# each line ending in '\n\'
{
	printf '<!DOCTYPE HTML>\n<html>\n<head>\n</head>\n<body>\n  <script>\n  var linuxPerfData = "\\\n'
	sed 's/$/\\n\\/' "$TMP/old.txt"
	printf '";\n  </script>\n</body>\n</html>\n'
} >"$TMP/old.html"
export PINBLAME_DB=$TMP/html.db
setup "old.html imports" "$PINBLAME" import "$TMP/old.html"
like "$out" "ftrace, 6 events, 0 bad lines" "old systrace page: the trace inside linuxPerfData"
is "$(failures_summary)" "[[\"cma_alloc\",null,2,1,$((0xb2800)),1024,412,\"final\"]]" \
	"old systrace page: the same failure as the text itself"


# --- trace.dat: the hex fields come from each event's own print format. The
# 6.1 capture's cma formats ("name=%s pfn=0x%lx ...") rewritten as 5.13 and
# Android 5.10 printed them ("pfn=%lx", padded to the same length): the
# same pfns as the file itself, which the old reading took for decimal.
xz -dc "$REAL/arm64-tracecmd-hugetlb-cma/trace-v6.dat.xz" >"$TMP/v6.dat"
perl -pe 's/"name=%s pfn=0x%lx /"name=%s pfn=%lx   /g' "$TMP/v6.dat" >"$TMP/v6-lx.dat"
is "$(cmp -l "$TMP/v6.dat" "$TMP/v6-lx.dat" | wc -l)" 15 "trace.dat: three print formats rewritten"
alloc_pfns() {
	sql "SELECT group_concat(pfn, ' ') FROM (SELECT pfn FROM cma_allocs ORDER BY id)"
}
export PINBLAME_DB=$TMP/dat.db
fixture "v6.dat imports" "$PINBLAME" import "$TMP/v6.dat"
want=$(alloc_pfns)
like "$want" "^$((0x100000)) " "trace.dat: the file's own pfns"
export PINBLAME_DB=$TMP/dat-lx.db
setup "v6-lx.dat imports" "$PINBLAME" import "$TMP/v6-lx.dat"
like "$(sql "SELECT body FROM events WHERE event = 'cma:cma_alloc_finish' LIMIT 1")" \
	"pfn=100000 " "trace.dat: the rewritten format prints the pfn without 0x"
is "$(alloc_pfns)" "$want" "trace.dat: pfn=%lx of the print format read as hex"

done_testing
