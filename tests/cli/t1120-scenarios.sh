#!/usr/bin/env bash
# Whole failure scenarios of kernels and vendors pinblame was not written
# from: each a bundle of files one machine printed (trace, kernel log,
# dump), written by hand from the kernel's format strings with a holder
# decided beforehand (testdata/scenarios/README.md says which, and the
# source read for each line). Each is imported into a store of its own and
# scored: the failures (count, kind, area, busy pages, time), the call site
# blamed, its confidence and evidence, and what show and report say. The
# expected numbers are counted from the inputs with grep and awk, not with
# pinblame.
. "$(dirname "$0")/lib.sh"

SC=$PB_TESTDATA/scenarios

# import_scenario NAME: its files into a store of its own.
import_scenario() {
	export PINBLAME_DB=$TMP/$1.db
	"$PINBLAME" import "$SC/$1"/*.txt
}

# The decimal values of the hex pfns on stdin, sorted, as a JSON array.
pfn_list() {
	local first=1 v
	printf '['
	while read -r v; do
		[ -n "$v" ] || continue
		[ $first = 1 ] || printf ','
		printf '%d' "$v"
		first=0
	done < <(sort -u)
	printf ']'
}
# nanoseconds of a "SSSS.UUUUUU" time
ns_of() { awk -v t="$1" 'BEGIN { split(t, a, "."); printf "%d%s000", a[1], a[2] }'; }

fail_json() { "$PINBLAME" failures --json; }
blame_json() { "$PINBLAME" blame --json; }

# --- 1. Android 14 (android14-6.1) arm64: page_pinner buffer + dmesg ------
S=android14-6.1-arm64-page-pinner
setup "$S imports" import_scenario $S
is "$(printf '%s\n' "$out" | grep -c ', 0 bad lines')" 2 "$S: both files read whole"
f=$(fail_json)
is "$(jq '.failures | length' <<<"$f")" 1 \
	"$S: one failure: the boot-time page_pinner records join the log's allocation"
is "$(jq -r '.failures[0] | "\(.kind) \(.area) \(.errorno) \(.outcome)"' <<<"$f")" \
	"cma_alloc $(sed -n 's/.*cma_alloc: \([^:]*\): alloc failed.*ret: \(-[0-9]*\).*/\1 \2/p' "$SC/$S/dmesg.txt") final" \
	"$S: the cma_alloc failure of the area and error the log names"
is "$(jq -c '.failures[0].busy_pfns' <<<"$f")" \
	"$(grep -A1 '^Failure detected at' "$SC/$S/page_pinner_buffer.txt" | awk '$1 == "PFN" { print $2 }' | pfn_list)" \
	"$S: its busy pages are the page_pinner failure records' pages"
range=$(sed -n 's/.*\[\([0-9a-f]*\), \([0-9a-f]*\)) PFNs busy/\1 \2/p' "$SC/$S/dmesg.txt")
is "$(jq -c '.failures[0] | [.start_pfn, .end_pfn]' <<<"$f")" \
	"[$((16#${range% *})),$((16#${range#* }))]" "$S: in the busy range of the log"
is "$(jq '.failures[0].ts_ns' <<<"$f")" \
	"$(ns_of "$(awk -F'[][]' '/alloc failed/ { gsub(/ /, "", $2); print $2 }' "$SC/$S/dmesg.txt")")" \
	"$S: at the time of the log's 'alloc failed' line, not the records' boot time"
b=$(blame_json)
is "$(jq -r '.callsites[0] | "\(.callsite) [\(.module)] \(.confidence) \(.pages)"' <<<"$b")" \
	"kbase_jd_user_buf_unpin_pages [mali_kbase] high 2" \
	"$S: the driver that dropped the pins held them (put side), high"
is "$(jq '.callsites[0].evidence.page_pinner' <<<"$b")" \
	"$(grep -A1 '^At least, pinned for' "$SC/$S/page_pinner_buffer.txt" | awk '$1 == "PFN" { print $2 }' | sort -u | wc -l)" \
	"$S: page_pinner evidence on each page a put record names"
pb show 1
like "$out" "page_pinner_buffer.txt:[0-9]+ page_pinner_dump:put" "$S: show names the put record's line"
pb report
like "$out" "kbase_jd_user_buf_unpin_pages" "$S: report names the holder"
# The same phone on android16-6.12: 6.10+ prints no "PFNs busy" and names
# __cma_alloc; the records' stacks through cma_alloc still give the pages.
mkdir -p "$TMP/a16"
grep -v 'PFNs busy' "$SC/$S/dmesg.txt" | sed 's/cma: cma_alloc: /cma: __cma_alloc: /' >"$TMP/a16/dmesg.txt"
cp "$SC/$S/page_pinner_buffer.txt" "$TMP/a16/"
export PINBLAME_DB=$TMP/a16.db
setup "$S without busy lines imports" "$PINBLAME" import "$TMP/a16/dmesg.txt" "$TMP/a16/page_pinner_buffer.txt"
f=$(fail_json)
is "$(jq -c '[.failures[] | [.kind, .area, .busy_pfns]]' <<<"$f")" \
	"[[\"cma_alloc\",\"camera\",$(grep -A1 '^Failure detected at' "$SC/$S/page_pinner_buffer.txt" | awk '$1 == "PFN" { print $2 }' | pfn_list)]]" \
	"$S on 6.12: one cma_alloc failure with the records' pages"

# --- 2. Android 12 (android12-5.10): longterm_pinner + alloc_contig_failed -
S=android12-5.10-arm64-page-pinner
setup "$S imports" import_scenario $S
is "$(printf '%s\n' "$out" | grep -c ', 0 bad lines')" 3 "$S: the three files read whole"
f=$(fail_json)
is "$(jq '.failures | length' <<<"$f")" 1 "$S: one failure"
is "$(jq -r '.failures[0] | "\(.kind) \(.area) \(.comm)[\(.pid)] \(.errorno)"' <<<"$f")" \
	"cma_alloc linux,cma $(sed -n 's/.*Comm: \([^ ]*\) .*/\1/p' "$SC/$S/dmesg.txt")[$(sed -n 's/.*CPU: [0-9]* PID: \([0-9]*\) .*/\1/p' "$SC/$S/dmesg.txt")] -16" \
	"$S: the area, the task of the call trace and the error of the log"
is "$(jq -c '.failures[0].busy_pfns' <<<"$f")" \
	"$(grep -o 'pfn:0x[0-9a-f]*' "$SC/$S/dmesg.txt" | cut -d: -f2 | pfn_list)" \
	"$S: the dumped pages are its busy pages"
b=$(blame_json)
is "$(jq -r '.callsites[0] | "\(.confidence) \(.pages) \(.evidence.dump) \(.evidence.page_pinner)"' <<<"$b")" \
	"high 2 $(grep -c 'page dumped because: migration failure' "$SC/$S/dmesg.txt") $(cat "$SC/$S"/longterm_pinner.txt "$SC/$S"/alloc_contig_failed.txt | awk '$1 == "PFN" { print $2 }' | sort -u | wc -l)" \
	"$S: high, from the dumps' last pinner and the page_pinner files"
like "$(jq -r '.callsites[0].module' <<<"$b")" '^videobuf2_' "$S: blamed inside videobuf2's userptr pinning"
# The holder is named by the object that keeps the pages, videobuf2's
# frame vector, as on 5.10 and 6.12 (tests/unit/test_callsite_subsystems.c):
# the memops above it (vb2_dc_, vb2_vmalloc_, vb2_dma_sg_get_userptr) show
# in the stack that blame prints.
is "$(jq -r '.callsites[0].callsite' <<<"$b")" vb2_create_framevec \
	"$S: named by videobuf2's frame vector, as on every kernel"
like "$(jq -r '.callsites[0].stack' <<<"$b")" 'vb2_dc_get_userptr' \
	"$S: the dma-contig userptr code that asked is in the stack shown"

# --- 3. vendor 5.4 arm64: single cma_alloc event, dmesg, page_owner -------
S=vendor-5.4-arm64-page-owner
setup "$S imports" import_scenario $S
is "$(printf '%s\n' "$out" | grep -c ', 0 bad lines')" 3 "$S: the three files read whole"
f=$(fail_json)
is "$(jq '.failures | length' <<<"$f")" 1 "$S: trace and log give one failure"
is "$(jq -r '.failures[0] | "\(.kind) \(.comm)[\(.pid)] \(.busy_ranges)"' <<<"$f")" \
	"cma_alloc $(awk '/ cma_alloc: / { match($1, /-[0-9]+$/); print substr($1, 1, RSTART - 1) "[" substr($1, RSTART + 1) "]" }' "$SC/$S/trace.txt") $(grep -c 'ret=fail' "$SC/$S/trace.txt")" \
	"$S: the failed single cma_alloc event, with each failed isolation test"
is "$(jq -c '.failures[0].busy_pfns' <<<"$f")" \
	"$(grep -o 'fin_pfn=0x[0-9a-f]*' "$SC/$S/trace.txt" | cut -d= -f2 | pfn_list)" \
	"$S: its busy pages are the isolation tests' first busy pfns"
is "$(jq '.failures[0].ts_ns' <<<"$f")" "$(ns_of "$(awk '/ cma_alloc: / { sub(":", "", $4); print $4 }' "$SC/$S/trace.txt")")" \
	"$S: at the time of the cma_alloc event"
b=$(blame_json)
is "$(jq -r '.callsites[0] | "\(.callsite) \(.confidence) \(.pages) \(.evidence.page_owner)"' <<<"$b")" \
	"f2fs_write_begin low 2 2" \
	"$S: page_owner names who allocated the busy pages (low: no holder evidence)"
is "$(jq '.attributed_pages' <<<"$b")" "$(jq '.failures[0].busy_pfns | length' <<<"$f")" \
	"$S: the page_owner record of a page that was not busy is not counted"

# --- 4. x86_64 6.8 perf script: gigantic pages, io_uring fixed buffers ----
S=x86_64-6.8-perf-gigantic-io_uring
setup "$S imports" import_scenario $S
f=$(fail_json)
is "$(jq -r '.failures | length' <<<"$f")" 1 "$S: one allocation of a gigantic page"
is "$(jq -r '.failures[0] | "\(.kind) \(.comm) \(.busy_ranges)"' <<<"$f")" \
	"alloc_contig bash $(grep -c 'ret=fail' "$SC/$S/perf-script.txt")" \
	"$S: a contiguous allocation outside CMA, each range it tried"
is "$(jq -c '.failures[0].busy_pfns' <<<"$f")" \
	"$(grep -o 'fin_pfn=0x[0-9a-f]*' "$SC/$S/perf-script.txt" | cut -d= -f2 | pfn_list)" \
	"$S: the first busy pfn of each range"
b=$(blame_json)
is "$(jq -r '.callsites[0] | "\(.callsite) \(.confidence) \(.pages) \(.evidence.page_ref)"' <<<"$b")" \
	"io_sqe_buffer_register high 2 2" \
	"$S: io_uring's buffer registration holds the pages (its pin of 1024)"
is "$(jq '.callsites | length' <<<"$b")" 1 "$S: the pin of a page outside the ranges blames nothing"

# --- 5. x86_64 6.12 ftrace: cma events, kprobe on try_grab_folio, vmsplice -
S=x86_64-6.12-ftrace-cma-vmsplice
setup "$S imports" import_scenario $S
f=$(fail_json)
is "$(jq -r '.failures[0] | "\(.kind) \(.area) \(.errorno) \(.busy_ranges)"' <<<"$f")" \
	"cma_alloc reserved -16 $(grep -c 'cma_alloc_busy_retry:' "$SC/$S/trace.txt")" \
	"$S: the failed allocation with its errno and each busy retry"
is "$(jq -c '.failures[0].busy_pfns' <<<"$f")" \
	"$(grep -o 'fin_pfn=0x[0-9a-f]*' "$SC/$S/trace.txt" | cut -d= -f2 | pfn_list)" \
	"$S: its busy pages"
b=$(blame_json)
is "$(jq -r '.callsites[0] | "\(.callsite) \(.confidence) \(.pages) \(.evidence.probe)"' <<<"$b")" \
	"__do_sys_vmsplice high 2 $(grep -c ' grab: (try_grab_folio' "$SC/$S/trace.txt")" \
	"$S: the probe's folio= pointers name vmsplice, past the kprobe's own frames"

# --- 6. arm64 6.6 memory offlining, RDMA registration ---------------------
S=arm64-6.6-memory-offline-rdma
setup "$S imports" import_scenario $S
f=$(fail_json)
is "$(jq -r '.failures | length' <<<"$f")" 1 "$S: the offlining's retries are one failure"
is "$(jq -r '.failures[0] | "\(.kind) \(.reason) \(.comm) \(.errorno)"' <<<"$f")" \
	"migrate memory_hotplug bash $(sed -n 's/.*migrating pfn [0-9a-f]* failed ret:\(-[0-9]*\).*/\1/p' "$SC/$S/dmesg.txt" | sort -u)" \
	"$S: a failed migration of memory hotplug, by the task that offlined, with the log's error"
is "$(jq -c '.failures[0].busy_pfns' <<<"$f")" \
	"$(sed -n 's/.*migrating pfn \([0-9a-f]*\) failed.*/0x\1/p' "$SC/$S/dmesg.txt" | pfn_list)" \
	"$S: the page the log says could not be migrated"
block=$(sed -n 's/.*memory offlining \[mem 0x\([0-9a-f]*\)-0x\([0-9a-f]*\)\] failed.*/\1 \2/p' "$SC/$S/dmesg.txt")
is "$(jq -c '.failures[0] | [.start_pfn, .end_pfn]' <<<"$f")" \
	"[$((16#${block% *} >> 12)),$(((16#${block#* } + 1) >> 12))]" \
	"$S: its range is the memory block offlining gave up on (4 KiB pages)"
b=$(blame_json)
is "$(jq -r '.callsites[0] | "\(.confidence) \(.evidence.page_ref)"' <<<"$b")" "high 1" \
	"$S: the page_ref pin of the page, high"
# Named by the umem that keeps the pages (ib_umem_get), as on 5.10, where
# mlx5 reaches it through its own mr_umem_get(), and 6.12, where it does not
# (tests/unit/test_callsite_subsystems.c): the driver is in the stack shown.
is "$(jq -r '.callsites[0] | "\(.callsite) [\(.module)]"' <<<"$b")" "ib_umem_get [ib_core]" \
	"$S: named by the RDMA umem, as on every kernel"
like "$(jq -r '.callsites[0].stack' <<<"$b")" 'mlx5_ib_reg_user_mr' \
	"$S: the RDMA driver that registered the memory is in the stack shown"

# --- 7. ppc64le 6.6: the kernel log alone ----------------------------------
S=ppc64le-6.6-kmsg-only-kvm-hpt
setup "$S imports" import_scenario $S
like "$out" ", 0 bad lines" "$S: powerpc's call trace is read (no truncated record)"
f=$(fail_json)
is "$(jq -r '.failures[0] | "\(.kind) \(.area) \(.comm)[\(.pid)] \(.errorno)"' <<<"$f")" \
	"cma_alloc kvm_cma $(sed -n 's/.*Comm: \([^ ]*\) .*/\1/p' "$SC/$S/dmesg.txt")[$(sed -n 's/.*CPU: [0-9]* PID: \([0-9]*\) .*/\1/p' "$SC/$S/dmesg.txt")] -16" \
	"$S: KVM's HPT allocation by the task of the call trace"
is "$(jq -c '.failures[0].busy_pfns' <<<"$f")" \
	"$(grep -o 'pfn:0x[0-9a-f]*' "$SC/$S/dmesg.txt" | cut -d: -f2 | pfn_list)" \
	"$S: the dumped page is busy"
is "$(blame_json | jq -r '"\(.unattributed) \(.callsites | length)"')" "1 0" \
	"$S: no holder is guessed from a log without holder evidence"
pb blame
like "$err" "hint: .*no holder evidence" "$S: and blame says what would name one"

# --- 8. one incident: trace-cmd report + dmesg -T + page_owner -------------
S=arm64-6.1-bundle-tracecmd-dmesgT-page-owner
setup "$S imports" import_scenario $S
is "$(printf '%s\n' "$out" | grep -c ', 0 bad lines')" 3 "$S: the three files read whole"
pb info
like "$out" "dmesg-T.txt.*
.*clock realtime" "$S: the dmesg -T log is on the wall clock"
f=$(fail_json)
is "$(jq '.failures | length' <<<"$f")" 2 \
	"$S: the log's failure stays apart from the trace's (wall clock against the trace clock)"
is "$(jq -c '[.failures[] | select(.comm == "vdec-worker") | .busy_pfns][0]' <<<"$f")" \
	"$(grep -o 'fin_pfn=0x[0-9a-f]*' "$SC/$S/trace-cmd-report.txt" | cut -d= -f2 | pfn_list)" \
	"$S: the trace's failure has the isolation tests' busy pages"
is "$(jq -c '[.failures[] | select(.comm == null) | .busy_pfns | length]' <<<"$f")" "[0]" \
	"$S: the log's failure takes none of the trace's pages"
pb report --format json
is "$(jq -c '[.span.first_ts_ns, .span.last_ts_ns]' <<<"$out")" \
	"[$(awk '/^Page allocated via/ { for (i = 1; i < NF; i++) if ($i == "ts") { sub(",", "", $(i + 1)); print $(i + 1) } }' "$SC/$S/page_owner.txt" | sort -n | head -1),$(ns_of "$(awk '$2 ~ /^\[[0-9]+\]$/ { sub(":", "", $3); t = $3 } END { print t }' "$SC/$S/trace-cmd-report.txt")")]" \
	"$S: the report's span is the trace clock's, the dates of dmesg -T left out"
b=$(blame_json)
is "$(jq -r '.callsites[0] | "\(.callsite) [\(.module)] \(.confidence) \(.pages)"' <<<"$b")" \
	"h264_hold_user_frames [vpu_ext] low $(grep -c 'fin_pfn' "$SC/$S/trace-cmd-report.txt")" \
	"$S: page_owner's stack through pin_user_pages names the driver that faulted the pages in"

done_testing
