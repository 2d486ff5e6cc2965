#!/usr/bin/env bash
# Call sites by rule, not by symbol list: the same holders on Linux 6.12
# (arm64, kprobes through do_el1_brk64) as on 6.1, with no tracer frame in
# any stack that a command prints; and a stack cut short at an optimized
# kprobe's trampoline names nobody, and says so. Expected values are
# counted in the captures with grep, awk and comm.
. "$(dirname "$0")/lib.sh"
cap=$REAL/arm64-6.12-ftrace-hugetlb-cma
tracer='kprobe|do_el1_brk64|el1_brk64|el1h_64_sync|trace_event_|__traceiter_|optimized_callback'

# --- arm64 6.12: the same holders as 6.1 -----------------------------------
fixture "the 6.12 trace imports" "$PINBLAME" import "$cap/trace.txt.xz"
xz -dc "$cap/trace.txt.xz" >"$TMP/trace.txt"
is "$(grep -c 'cma_alloc_finish: name=hugetlb0 .*errorno=-16' "$TMP/trace.txt")" 4 \
	"grep: 4 hugetlb0 allocations failed with -EBUSY"
probed=$(grep -m1 -o ': (try_grab_folio[a-z_]*+0x0' "$TMP/trace.txt" | sed 's/: (//; s/+0x0//')
is "$probed" try_grab_folio_fast "grep: the GUP probe of 6.12 is try_grab_folio_fast"

pb blame --json
is "$rc" 0 "blame --json exits 0"
printf '%s\n' "$out" >"$TMP/blame.json"
is "$(jq -r '[.callsites[].callsite] | join(",")' "$TMP/blame.json")" \
	"__do_sys_vmsplice,do_splice" \
	"the holders are __do_sys_vmsplice and do_splice, as on 6.1 (not do_el1_brk64)"
is "$err" "" "every busy page attributed: no hint"

# Against the ground truth, with the method of t2001.
sql_list() { "$PINBLAME" query --csv "$1" | tail -n +2 | sort; }
blamed="SELECT DISTINCT printf('0x%x', pfn) FROM attributions WHERE rank = 1 AND noise IS NULL"
sql_list "$blamed" >"$TMP/attributed"
xz -dc "$cap/held-pages.tsv.xz" | awk 'NR > 1 { print $4 }' | sort -u >"$TMP/held"
grep 'test_pages_isolated' "$TMP/trace.txt" | grep 'ret=fail' |
	sed 's/.*fin_pfn=\([^ ]*\).*/\1/' | sort -u >"$TMP/fin"
is "$(wc -l <"$TMP/fin")" 153 "153 distinct failing fin_pfns (grep | sed | sort -u)"
is "$(wc -l <"$TMP/attributed")/$(comm -12 "$TMP/attributed" "$TMP/held" | wc -l)" 153/153 \
	"precision: the 153 attributed pfns are all held pages (1.00)"
is "$(comm -12 "$TMP/attributed" "$TMP/fin" | wc -l)" 153 \
	"recall: all 153 fin_pfns attributed (1.00)"
for kind in anon-vmsplice shmem-splice; do
	xz -dc "$cap/held-pages.tsv.xz" | awk -v k=$kind '$1 == k { print $4 }' | sort -u >"$TMP/$kind"
done
sql_list "$blamed AND callsite = '__do_sys_vmsplice'" >"$TMP/vmsplice"
sql_list "$blamed AND callsite = 'do_splice'" >"$TMP/splice"
is "$(wc -l <"$TMP/vmsplice")/$(comm -12 "$TMP/vmsplice" "$TMP/anon-vmsplice" | wc -l)" 91/91 \
	"__do_sys_vmsplice holds 91 pages, all vmspliced anon pages"
is "$(wc -l <"$TMP/splice")/$(comm -12 "$TMP/splice" "$TMP/shmem-splice" | wc -l)" 62/62 \
	"do_splice holds 62 pages, all spliced shmem pages (through splice_folio_into_pipe)"

# The same trimmed stacks everywhere: blame, show, stacks, the report.
is "$(jq -r '.callsites[0].stack[0]' "$TMP/blame.json")" "$probed" \
	"blame's example stack starts at the probed function"
is "$(jq -r '.callsites[].stack[]' "$TMP/blame.json" | grep -cE "$tracer")" 0 \
	"no tracer frame in blame's stacks"
pb show --json 1
is "$(printf '%s' "$out" | jq -r '.pages[].candidates[].stack // [] | .[]' | grep -cE "$tracer")" 0 \
	"no tracer frame in show's stacks"
emitter=$(awk '/cma_alloc_start: name=hugetlb0/ { s = 1; next }
	s && /^ => / && $2 !~ /^(trace_event_raw_event_|__traceiter_)/ { print $2; exit }' "$TMP/trace.txt")
is "$(printf '%s' "$out" | jq -r '.stack[0]')" "$emitter" \
	"show: the failure's stack starts at $emitter, past its tracepoint's frames"
pb stacks --folded
is "$(printf '%s\n' "$out" | grep -cE "$tracer")" 0 "no tracer frame in stacks --folded"
like "$out" ";__do_sys_vmsplice;.*;$probed 91$" "stacks --folded ends at the probed function"
pb report --format json
is "$(printf '%s' "$out" | jq -r '.holder_stacks[].folded' | grep -cE "$tracer")" 0 \
	"no tracer frame in the report's flame graph stacks"

pb export --jsonl
printf '%s\n' "$out" | jq -c 'select(.type == "stack")' >"$TMP/stacks.jsonl"
is "$(jq -r '.folded' "$TMP/stacks.jsonl" | grep -cE "$tracer")/$(jq -r '.trimmed' "$TMP/stacks.jsonl" | grep -cE "$tracer")" \
	"$(jq -r '.folded' "$TMP/stacks.jsonl" | grep -cE "$tracer")/0" \
	"export: each stack's folded text as stored, its trimmed text without tracer frames"
is "$(jq -r 'select(.trimmed | endswith(";try_grab_folio_fast")) | .folded' "$TMP/stacks.jsonl" |
	grep -c ';try_grab_folio_fast;el1h_64_sync;')" 1 \
	"export: the vmsplice probe stack trimmed at the probed function"

# A kernel that inlines __do_sys_vmsplice into its wrapper: the same call
# site, named after the syscall, marked in the wrapper's frame.
grep -v '^ => __do_sys_vmsplice$' "$TMP/trace.txt" >"$TMP/inlined.txt"
is "$(grep -c '^ => __do_sys_vmsplice$' "$TMP/inlined.txt")/$(grep -c '^ => __arm64_sys_vmsplice$' "$TMP/inlined.txt")" \
	"0/$(grep -c '^ => __arm64_sys_vmsplice$' "$TMP/trace.txt")" "grep: the wrapper frames stay, __do_sys_vmsplice's go"
export PINBLAME_DB=$TMP/inlined.db
setup "the trace without __do_sys_vmsplice frames imports" "$PINBLAME" import "$TMP/inlined.txt"
pb blame
like "$out" '1  __do_sys_vmsplice +8 +91 ' "__arm64_sys_vmsplice is the call site __do_sys_vmsplice"
like "$out" '<- \[__arm64_sys_vmsplice\] <-' "its stack marks the wrapper's frame"

# --- x86 optimized kprobes: a stack cut short names nobody -----------------
# The amd64 capture's splice probe, as it is when the probe is not at the
# function's entry: x86 optimizes it, and its stack stops at the
# optprobe trampoline (kprobe_trace_func <- ... <- optimized_callback <-
# the trampoline's address, no caller).
amd=$REAL/amd64-ftrace-gigantic-nocma
export PINBLAME_DB=$TMP/amd64.db
setup "the amd64 capture imports" "$PINBLAME" import "$amd/trace.txt.xz" "$amd/dmesg.txt"
pb blame --json
splice_pages=$(printf '%s' "$out" | jq '[.callsites[] | select(.callsite == "do_splice")][0].pages')
is "$splice_pages" 10 "as captured (ftrace-based kprobes): do_splice holds 10 pages"
xz -dc "$amd/trace.txt.xz" | awk '
/^ => / { if (skip) next; print; next }
{ skip = 0 }
/ generic_file_splice_read: \(generic_file_splice_read\+0x0\// {
	sub(/generic_file_splice_read\+0x0\//, "generic_file_splice_read+0x4c/")
	probe = 1; print; next
}
/<stack trace>/ && probe {
	print
	print " => kprobe_trace_func"; print " => kprobe_dispatcher"
	print " => opt_pre_handler"; print " => optimized_callback"
	print " => 0xffffffffc0a1b02a"
	skip = 1; probe = 0; next
}
{ probe = 0; print }' >"$TMP/optprobe.txt"
is "$(grep -c 'optimized_callback' "$TMP/optprobe.txt")" \
	"$(xz -dc "$amd/trace.txt.xz" | grep -A1 ' generic_file_splice_read: (' | grep -c '<stack trace>')" \
	"every splice probe stack of the capture rewritten"
export PINBLAME_DB=$TMP/optprobe.db
setup "the capture with optimized probe stacks imports" "$PINBLAME" import "$TMP/optprobe.txt" "$amd/dmesg.txt"
pb blame --json
is "$(printf '%s' "$out" | jq '[.callsites[] | select(.callsite | test("^0x|optimized_callback|opt_pre_handler|kprobe|splice"))] | length')" 0 \
	"no call site from a cut stack: not the trampoline, not the probed function"
is "$(printf '%s' "$out" | jq '.gaps.cut_stack_pages')" "$splice_pages" \
	"the 10 pages are counted as cut short"
pb blame
like "$(hints)" "10 busy pages have only stacks cut short at a kprobe's trampoline" \
	"blame says the stacks were cut"
like "$(hints)" "run the capture with sysctl debug.kprobes-optimization=0" "and how to avoid it"
pb stacks --folded
is "$(printf '%s\n' "$out" | grep -c 'optimized_callback')" 0 "stacks --folded shows no trampoline"

# --- hints that are true -----------------------------------------------------
# The 6.1 capture probes get_user_pages: no advice to add such probes.
export PINBLAME_DB=$TMP/arm61.db
setup "the 6.1 trace imports" "$PINBLAME" import "$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz"
pb blame
like "$err" "although the trace probes" "the unattributed pages are said to escape the GUP probes"
is "$(printf '%s\n' "$err" | grep -c 'record --probe-gup')" 0 \
	"no advice to add GUP probes to a trace that has them"

# A failure that ended in -ENOMEM (cma_alloc_finish's errorno=%d, 6.1+)
# had no busy page: no advice about pinners for it.
cat >"$TMP/enomem.txt" <<'EOF'
# tracer: nop
              sh-151     (    151) [000] .....    18.221745: cma_alloc_start: name=hugetlb0 count=8192 align=13
              sh-151     (    151) [000] .....    18.331745: cma_alloc_finish: name=hugetlb0 pfn=0x0 page=0000000000000000 count=8192 align=13 errorno=-12
EOF
export PINBLAME_DB=$TMP/enomem.db
setup "the -ENOMEM trace imports" "$PINBLAME" import "$TMP/enomem.txt"
pb blame --json
is "$(printf '%s' "$out" | jq -c '[.failures, .unattributed, .gaps.enomem_failures]')" '[1,1,1]' \
	"the -ENOMEM failure is counted as such"
pb blame
like "$err" "hint: 1 failure ended in -ENOMEM, not -EBUSY" "blame says it ran out of memory"
is "$(printf '%s\n' "$err" | grep -cE 'probe-gup|page_ref|no failure names a busy page')" 0 \
	"and gives no advice about pinners or busy pages for it"

# A busy page that the trace saw added to the page cache
# (mm_filemap_add_to_page_cache: "dev %d:%d ino %lx pfn=0x%lx ofs=%lu
# order=%u") and no probe names: the hint is the splice probe.
cat >"$TMP/cache.txt" <<'EOF'
# tracer: nop
       holdpages-383     (    383) [001] .....    10.000000: mm_filemap_add_to_page_cache: dev 0:22 ino 2 pfn=0x145606 ofs=0 order=0
              sh-151     (    151) [000] .....    18.221745: cma_alloc_start: name=hugetlb0 count=8192 align=13
              sh-151     (    151) [000] .....    18.300000: test_pages_isolated: start_pfn=0x145600 end_pfn=0x145800 fin_pfn=0x145606 ret=fail
              sh-151     (    151) [000] .....    18.331745: cma_alloc_finish: name=hugetlb0 pfn=0x145600 page=0000000000000000 count=8192 align=13 errorno=-16
EOF
export PINBLAME_DB=$TMP/cache.db
setup "the page cache trace imports" "$PINBLAME" import "$TMP/cache.txt"
pb blame --json
is "$(printf '%s' "$out" | jq -c '[.pages, .attributed_pages, .gaps.page_cache_pages]')" '[1,0,1]' \
	"the busy page 0x145606 is known as a page cache page"
pb blame
like "$err" "hint: 1 unattributed busy page is page cache or shmem" "blame says so"
like "$err" "splice_folio_into_pipe" "and suggests the splice probe"
is "$(printf '%s\n' "$err" | grep -c 'no holder evidence')" 0 "not the generic advice"

done_testing
