#!/usr/bin/env bash
# Android traces recorded with Perfetto and turned into systrace text by
# its traceconv (doc/FORMATS.md section 1.1, "Perfetto's traceconv"):
# the kernel's header copied once from a capture ("entries-in-buffer/
# entries-written: 30624/30624   #P:4" whatever the trace holds), then
# "%16s-%-5d (%5d) [%03d] .... %d.%06d: event:" and each field as
# " key=value" with every number in decimal: pfns, pointers and the -1 pfn
# of a failed allocation (18446744073709551615) too, in the order of the
# event's proto (cma_alloc_start, cma_alloc_info) or of its format file
# (every other event, without the kernel's format: test_pages_isolated
# has no ret=, mm_migrate_pages prints its struct's field names). The
# device is an Android 5.10 kernel, whose cma_alloc_busy_retry prints
# "pfn=%lx" (hex without 0x) in its own trace text. Every expected value
# is read from the input with sed or awk.
. "$(dirname "$0")/lib.sh"

PERFETTO_HEADER='# tracer: nop
#
# entries-in-buffer/entries-written: 30624/30624   #P:4
#
#                                      _-----=> irqs-off
#                                     / _----=> need-resched
#                                    | / _---=> hardirq/softirq
#                                    || / _--=> preempt-depth
#                                    ||| /     delay
#           TASK-PID    TGID   CPU#  ||||    TIMESTAMP  FUNCTION
#              | |        |      |   ||||       |         |'

cat >"$TMP/events.txt" <<'EOF'
        holdpin_-2977  ( 2977) [001] .... 1499.000000: page_ref_mod: pfn=1048600 flags=1048620 count=3 mapcount=1 mapping=18446743524961878017 mt=1 val=1
          camera-3301  ( 3301) [000] .... 1500.000000: cma_alloc_start: align=6 count=64 name=reserved
          camera-3301  ( 3301) [000] .... 1500.000050: mm_migrate_pages: succeeded=30 failed=1 thp_succeeded=0 thp_failed=0 thp_split=0 mode=2 reason=6
          camera-3301  ( 3301) [000] .... 1500.000080: test_pages_isolated: start_pfn=1048576 end_pfn=1048640 fin_pfn=1048600
          camera-3301  ( 3301) [000] .... 1500.000100: cma_alloc_busy_retry: name=reserved pfn=1048576 page=18446743524961878016 count=64 align=6
          camera-3301  ( 3301) [000] .... 1500.100001: cma_alloc_info: align=6 count=64 err_iso=0 err_mig=1 err_test=1 name=reserved nr_mapped=3 nr_migrated=30 nr_reclaimed=0 pfn=18446744073709551615
          <idle>-0     (-----) [002] .... 1500.200000: cpu_idle: state=1 cpu_id=2
          camera-3301  ( 3301) [000] .... 1501.000000: cma_alloc_start: align=6 count=64 name=reserved
          camera-3301  ( 3301) [000] .... 1501.000300: cma_alloc_info: align=6 count=64 err_iso=0 err_mig=0 err_test=0 name=reserved nr_mapped=0 nr_migrated=0 nr_reclaimed=0 pfn=1048640
EOF
{ printf '%s\n' "$PERFETTO_HEADER"; cat "$TMP/events.txt"; } >"$TMP/perfetto.txt"

events=$(grep -c ': [a-z_]*: ' "$TMP/events.txt")
busy_pfn=$(sed -n 's/.*cma_alloc_busy_retry: .* pfn=\([0-9]*\) .*/\1/p' "$TMP/events.txt")
read -r iso_start iso_end iso_fin < <(sed -n 's/.*test_pages_isolated: start_pfn=\([0-9]*\) end_pfn=\([0-9]*\) fin_pfn=\([0-9]*\)$/\1 \2 \3/p' "$TMP/events.txt")
failed=$(sed -n 's/.*mm_migrate_pages: succeeded=[0-9]* failed=\([0-9]*\) .*/\1/p' "$TMP/events.txt")
# ok and pfn of each allocation: a pfn of 2^64-1 is the kernel's -1 (none)
allocs=$(awk '/cma_alloc_info:/ { for (i = 1; i <= NF; i++) if ($i ~ /^pfn=/) {
	p = substr($i, 5); print (p == "18446744073709551615" ? "0:-1" : "1:" p) } }' \
	"$TMP/events.txt" | paste -sd' ')
task=$(awk '/cma_alloc_info:/ { split($1, a, "-"); print a[1] "[" a[2] "]"; exit }' "$TMP/events.txt")

export PINBLAME_DB=$TMP/perfetto.db
fixture "Perfetto's systrace text imports" "$PINBLAME" import "$TMP/perfetto.txt"
like "$out" "ftrace, $events events, 0 bad lines" "every event line read"
is "$(sql "SELECT group_concat(ok || ':' || pfn, ' ') FROM (SELECT ok, pfn FROM cma_allocs ORDER BY id)")" \
	"$allocs" "cma_alloc_info's decimal pfn: 2^64-1 is a failure (-1), the other one the pfn"
is "$(sql "SELECT group_concat(r, ' ') FROM (SELECT kind || ':' || start_pfn || '-' || end_pfn AS r
	FROM busy_ranges ORDER BY id)")" \
	"isolation:$iso_start-$iso_end cma_busy_retry:$busy_pfn-$((busy_pfn + 64))" \
	"the busy retry's pfn is decimal, not the hex of the kernel's own text"
is "$(sql "SELECT f.value FROM event_fields f JOIN events e ON e.id = f.event_id
	WHERE e.event = 'cma:cma_alloc_busy_retry' AND f.name = 'pfn'")" "$busy_pfn" \
	"the busy retry's pfn is stored as Perfetto printed it"
is "$(sql "SELECT pfn FROM evidence WHERE kind LIKE 'page_ref%'")" "$iso_fin" \
	"page_ref_mod's decimal pfn is the busy page"

pb failures --json
printf '%s\n' "$out" >"$TMP/failures.json"
is "$(jq -c '[.failures[] | [.kind, .area, .outcome, .start_pfn, .busy_pfns, .failed_migrations]]' "$TMP/failures.json")" \
	"[[\"cma_alloc\",\"reserved\",\"final\",$busy_pfn,[$iso_fin],$failed]]" \
	"one final cma_alloc failure over the busy range, busy at fin_pfn, with its failed migration"
is "$(jq -r '.failures[0] | "\(.comm)[\(.pid)]"' "$TMP/failures.json")" "$task" "the failure's task"
pb show 1
like "$out" "pfns $(printf '0x%x' "$iso_fin")" "show names the busy pfn"
pb report
is "$rc" 0 "report of the Perfetto trace"

# traceconv json: the same text as the string "systemTraceEvents" of a JSON
# object, each line ending in \n.
{
	printf '{"traceEvents": [],\n  "systemTraceEvents": "'
	sed 's/\\/\\\\/g; s/"/\\"/g' "$TMP/perfetto.txt" | awk '{ printf "%s\\n", $0 }'
	printf '"}\n'
} >"$TMP/perfetto.json"
export PINBLAME_DB=$TMP/json.db
setup "traceconv's json imports" "$PINBLAME" import "$TMP/perfetto.json"
is "$(sql "SELECT group_concat(ok || ':' || pfn, ' ') FROM (SELECT ok, pfn FROM cma_allocs ORDER BY id)")" \
	"$allocs" "json: the same allocations"
is "$(sql "SELECT start_pfn FROM busy_ranges WHERE kind = 'cma_busy_retry'")" "$busy_pfn" \
	"json: the same busy retry pfn"

# A 32-bit kernel's -1 pfn is 0xffffffff (an unsigned long of 32 bits):
# 4294967295 in Perfetto's text, 0xffffffff in the kernel's own ("name=%s
# pfn=0x%lx count=%u align=%u nr_migrated=%lu ..."); with only
# cma_alloc_start and cma_alloc_info enabled, that pfn is all that tells a
# failure.
{
	printf '%s\n' "$PERFETTO_HEADER"
	grep -E 'cma_alloc_(start|info)' "$TMP/events.txt" | sed 's/pfn=18446744073709551615/pfn=4294967295/'
} >"$TMP/perfetto32.txt"
cat >"$TMP/kernel32.txt" <<'EOF'
# tracer: nop
          camera-3301  [000] .... 1500.000000: cma_alloc_start: name=reserved count=64 align=6
          camera-3301  [000] .... 1500.100001: cma_alloc_info: name=reserved pfn=0xffffffff count=64 align=6 nr_migrated=30 nr_reclaimed=0 nr_mapped=3 err_iso=0 err_mig=1 err_test=1
          camera-3301  [000] .... 1501.000000: cma_alloc_start: name=reserved count=64 align=6
          camera-3301  [000] .... 1501.000300: cma_alloc_info: name=reserved pfn=0x100040 count=64 align=6 nr_migrated=0 nr_reclaimed=0 nr_mapped=0 err_iso=0 err_mig=0 err_test=0
EOF
oks32() {
	awk '/cma_alloc_info:/ { for (i = 1; i <= NF; i++) if ($i ~ /^pfn=/) {
		p = substr($i, 5); print (p == "4294967295" || p == "0xffffffff" ? "0" : "1") } }' "$1" | paste -sd' '
}
allocs32=$(oks32 "$TMP/perfetto32.txt")
is "$(oks32 "$TMP/kernel32.txt")" "$allocs32" "the kernel's 32-bit text has the allocations of Perfetto's"
is "$(grep -c 'cma_alloc_info: .* pfn=0xffffffff ' "$TMP/kernel32.txt")" 1 "the 32-bit kernel text has its -1 pfn"
for f in perfetto32 kernel32; do
	export PINBLAME_DB=$TMP/$f.db
	setup "$f imports" "$PINBLAME" import "$TMP/$f.txt"
	is "$(sql "SELECT group_concat(ok, ' ') FROM (SELECT ok FROM cma_allocs ORDER BY id)")" "$allocs32" \
		"$f: the 32-bit -1 pfn is a failure, the other allocation not"
done

# The kernel's own text of the same device (no Perfetto header): its
# cma_alloc_busy_retry prints "pfn=%lx", hex without 0x, as before.
{ echo '# tracer: nop'; grep 'cma_alloc_busy_retry' "$TMP/events.txt"; } >"$TMP/kernel.txt"
export PINBLAME_DB=$TMP/kernel.db
setup "the kernel's text imports" "$PINBLAME" import "$TMP/kernel.txt"
is "$(sql "SELECT start_pfn FROM busy_ranges")" "$((0x$busy_pfn))" \
	"the kernel's own text: the busy retry's bare pfn is hex"
done_testing
