#!/usr/bin/env bash
# perf script -F comm,tid,cpu,time,event,trace,ip,sym,dso of a trace
# recorded without -g: perf prints each sample's own address after the
# trace body on its line, fputc(' ') then "%16" PRIx64, " sym+0x.." and
# " (dso)" (builtin-script.c process_event(), evsel_fprintf.c
# sample__fprintf_sym(); doc/FORMATS.md section 1.1). Those columns are the
# sample's one frame, not words of the body's last value: the finish's
# errorno was "-16 ffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])",
# no number, and the failure had no errno. Expected values are read from
# the input with sed and awk.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/trace.txt" <<'TRACE'
           mydrv    77 [000]   101.000000: page_ref:page_ref_mod: pfn=0xb2a13 flags=uptodate|lru count=2 mapcount=1 mapping=0000000000000000 mt=4 val=1 ffffffff8127c0a0 __page_ref_mod+0x0 ([kernel.kallsyms])
              sh   412 [001]   102.500101: cma:cma_alloc_start: name=reserved request_count=1024 available_count=2048 total_count=4096 align=8 ffffffff81301a10 __cma_alloc+0x1b0 ([kernel.kallsyms])
              sh   412 [001]   102.500102: page_isolation:test_pages_isolated: start_pfn=0xb2800 end_pfn=0xb2c00 fin_pfn=0xb2a13 ret=fail ffffffff812f0c44 test_pages_isolated+0x164 ([kernel.kallsyms])
              sh   412 [001]   102.500103: migrate:mm_migrate_pages: nr_succeeded=10 nr_failed=2 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=contig_range ffffffff812e9d20 migrate_pages+0x8c0 ([kernel.kallsyms])
              sh   412 [001]   102.500104: cma:cma_alloc_busy_retry: name=reserved pfn=0xb2800 page=0xfffffc0002ca0000 count=1024 align=8 ffffffff81301b88 __cma_alloc+0x328 ([kernel.kallsyms])
              sh   412 [001]   102.500105: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16 ffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])
TRACE
# the -F ip,sym,dso of the same samples without the sym and dso columns
sed 's/ \([0-9a-f]\{16\}\) [^ ]* ([^)]*)$/ \1/' "$TMP/trace.txt" >"$TMP/ip-only.txt"

lines=$(wc -l <"$TMP/trace.txt")
errno=$(sed -n 's/.*cma_alloc_finish: .* errorno=\([-0-9]*\) .*/\1/p' "$TMP/trace.txt")
start_pfn=$(sed -n 's/.*test_pages_isolated: start_pfn=\(0x[0-9a-f]*\) .*/\1/p' "$TMP/trace.txt")
count=$(sed -n 's/.*cma_alloc_finish: .* count=\([0-9]*\) .*/\1/p' "$TMP/trace.txt")
pid=$(awk '/cma_alloc_finish/ { print $2 }' "$TMP/trace.txt")
# each sample's frame: the symbol without its offset, in line order
leaves=$(awk '{ sub(/\+0x[0-9a-f]+$/, "", $(NF - 1)); print $(NF - 1) }' "$TMP/trace.txt" | paste -sd' ')
ips=$(awk '{ print $(NF - 2) }' "$TMP/trace.txt" | paste -sd' ')
# each body: the text between the event and the address
bodies=$(awk '{ sub(/^.*: [a-z_]+:[a-z_]+: /, ""); sub(/ [0-9a-f]+ [^ ]+ \([^)]*\)$/, ""); print }' \
	"$TMP/trace.txt" | paste -sd'|')
times=$(awk '{ t = $4; sub(/:$/, "", t); split(t, p, "."); printf "%s%s000 ", p[1], p[2] }' \
	"$TMP/trace.txt")

fixture "the -F ...,ip,sym,dso text imports" "$PINBLAME" import "$TMP/trace.txt"
like "$out" "perf-script, $lines events, 0 bad lines" "every sample read, no line refused"
is "$(sql "SELECT group_concat(body, '|') FROM (SELECT body FROM events ORDER BY line)")" \
	"$bodies" "each body ends before the address columns"
is "$(sql "SELECT group_concat(s.leaf, ' ') FROM (SELECT stack_id, line FROM events ORDER BY line) e
	JOIN stacks s ON s.id = e.stack_id")" "$leaves" "each sample's address is its one frame"
is "$(sql "SELECT group_concat(depth, ' ') FROM (SELECT s.depth FROM events e
	JOIN stacks s ON s.id = e.stack_id ORDER BY e.line)")" "$(printf '1 %.0s' $(seq "$lines") | sed 's/ $//')" \
	"one frame per sample"
is "$(sql "SELECT group_concat(ts_ns, ' ') || ' ' FROM (SELECT ts_ns FROM events ORDER BY line)")" \
	"$times" "the times of the samples"
is "$(sql "SELECT value FROM event_fields f JOIN events e ON e.id = f.event_id
	WHERE e.event = 'page_isolation:test_pages_isolated' AND f.name = 'ret'")" fail \
	"the isolation test's ret is fail, not fail and the address"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .start_pfn, .pages, .pid, .outcome, .errno]]')" \
	"[[\"cma_alloc\",$((start_pfn)),$count,$pid,\"final\",$errno]]" \
	"the failure with its errno (it had none)"
pb show 1
like "$out" "stack: __cma_alloc" "show: the failure's stack is the finish's frame"
pb blame --json
is "$(printf '%s' "$out" | jq -c '[.callsites[] | .callsite]')" '[]' \
	"blame: a frame in __page_ref_mod names no pinner"

export PINBLAME_DB=$TMP/ip-only.db
fixture "the -F ...,ip text imports" "$PINBLAME" import "$TMP/ip-only.txt"
like "$out" "perf-script, $lines events, 0 bad lines" "-F ip alone: every sample read"
is "$(sql "SELECT group_concat(s.leaf, ' ') FROM (SELECT stack_id, line FROM events ORDER BY line) e
	JOIN stacks s ON s.id = e.stack_id")" "$(printf '0x%s ' $ips | sed 's/ $//')" \
	"-F ip alone: each address a frame of its own"
is "$(sql "SELECT group_concat(body, '|') FROM (SELECT body FROM events ORDER BY line)")" \
	"$bodies" "-F ip alone: the bodies without the address"
done_testing
