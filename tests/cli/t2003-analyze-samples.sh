#!/usr/bin/env bash
# The synthetic samples: the blame their README states (testdata/samples/).
. "$(dirname "$0")/lib.sh"

# --- scenario A: arm64 6.6, page_ref + dump_page + ACK page_pinner -------
export PINBLAME_DB=$TMP/a.db
setup "scenario A imports" "$PINBLAME" import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" \
	"$SAMPLES/dmesg-6.6-dump_page-folio.txt" "$SAMPLES/ack-page_pinner-buffer-6.6.txt"
pb failures --json
printf '%s\n' "$out" >"$TMP/a-failures.json"
is "$(jq -c '.failures[0] | [.kind, .area, .comm, .pid, .outcome, .nowarn]' "$TMP/a-failures.json")" \
	'["cma_alloc","reserved","cam_alloc",2210,"final",false]' \
	"the failed allocation: cam_alloc pid 2210 on reserved, final, warned in dmesg"
is "$(jq -c '.failures[0] | [.errorno, .pages, .busy_ranges]' "$TMP/a-failures.json")" \
	'[-16,2048,2]' "errorno=-16, 2048 pages, ranges 0xa3000 and 0xa3800 busy"
is "$(jq -c '.failures[0].busy_pfns' "$TMP/a-failures.json")" "[$((0xa3104)),$((0xa3a41)),$((0xa3a42))]" \
	"0xa3104, 0xa3a41 and 0xa3a42"

pb blame --json --failure 1
printf '%s\n' "$out" >"$TMP/a-blame.json"
is "$(jq -r '[.callsites[] | "\(.callsite)[\(.module)]:\(.pages)"] | join(" ")' "$TMP/a-blame.json")" \
	"os_lock_user_pages[nvidia]:2 __do_sys_vmsplice[null]:1" \
	"README: 0xa3a41/0xa3a42 on the nvidia pin, 0xa3104 on vmsplice"
is "$(jq -r '.callsites[0].confidence' "$TMP/a-blame.json")" high "page_ref with stacks: high"
pb show --json 1
printf '%s\n' "$out" >"$TMP/a-show.json"
blamed() {
	jq -r --argjson pfn "$1" '.pages[] | select(.pfn == $pfn) | .candidates[] |
		select(.blamed) | "\(.callsite) \(.kind) \(.source | split("/") | last):\(.line)"' \
		"$TMP/a-show.json"
}
is "$(blamed $((0xa3a41)))" "os_lock_user_pages pin ftrace-6.6-page_ref-cma_errorno.txt:13" \
	"0xa3a41: the val=1024 pin at line 13"
is "$(blamed $((0xa3104)))" "__do_sys_vmsplice page_ref_get ftrace-6.6-page_ref-cma_errorno.txt:53" \
	"0xa3104: page_ref_mod_unless at line 53"
# README: noise a correct tool must not blame.
is "$(jq -r '[.pages[].candidates[] | select(.noise == "listed") | .callsite] | unique | join(",")' \
	"$TMP/a-show.json")" "folio_putback_lru,isolate_migratepages_block" \
	"migration's own references are common paths"
is "$(jq '[.pages[].candidates[] | select(.callsite | test("filemap|lru_add_drain"))] | length' \
	"$TMP/a-show.json")" 0 "logd.reader and the kworker drain are not candidates of busy pages"

# The page_owner file of the same machine adds allocation stacks: weak
# evidence that ranks after the references. Imported into a copy of
# scenario A's store, which the cases above read.
setup "a copy of scenario A's store" copy_store "$TMP/a.db" "$TMP/a-owner.db"
export PINBLAME_DB=$TMP/a-owner.db
pb import "$SAMPLES/page_owner-6.6.txt"
pb show --json 1
is "$(printf '%s' "$out" | jq -r --argjson pfn $((0xa3104)) '.pages[] | select(.pfn == $pfn) |
	[.candidates[] | "\(.rank):\(.callsite):\(.kind):\(.confidence)"] | join(" ")')" \
	"1:__do_sys_vmsplice:page_ref_get:high 2:anon_pipe_buf_release:page_ref_put:high 3:do_anonymous_page:page_owner:low" \
	"0xa3104: the get, the put, then who allocated it"
pb blame --json --failure 1
is "$(printf '%s' "$out" | jq -r '[.callsites[] | "\(.callsite):\(.pages)"] | join(" ")')" \
	"os_lock_user_pages:2 __do_sys_vmsplice:1" "the blame stays the same"

# --- scenario B: x86_64 5.15 RFC page_pinner, perf script ----------------
export PINBLAME_DB=$TMP/b.db
setup "scenario B imports" "$PINBLAME" import "$SAMPLES/perf-script-5.15-page_pinner-rfc.txt"
pb blame --json
is "$(printf '%s' "$out" | jq -r '[.callsites[] | "\(.callsite) [\(.module)] \(.pages)"] | join(",")')" \
	"os_unlock_user_pages [nvidia] 1" \
	"seed 002: the nvidia module's os_unlock_user_pages, not __page_pinner_put"
is "$(printf '%s' "$out" | jq -c '[.failures, .attributed, .pages]')" '[1,1,1]' \
	"one failure, pfn 0x13e473"
pb show --json 1
is "$(printf '%s' "$out" | jq -r '[.pages[0].candidates[] | "\(.rank):\(.callsite):\(.noise)"] | join(" ")')" \
	"1:os_unlock_user_pages:null 2:putback_lru_page:listed 3:release_pages:listed 4:free_pages_and_swap_cache:listed" \
	"the three noise puts (migration, LRU drain, unmap) rank after it"
pb blame --json --no-default-noise
is "$(printf '%s' "$out" | jq -r '.callsites[0].callsite')" __page_pinner_put \
	"without the noise list the leaf frame is the call site"
printf '# the driver is known\ncommon os_unlock_user_pages\n' >"$TMP/noise"
pb blame --json --noise "$TMP/noise"
is "$(printf '%s' "$out" | jq -c '[.attributed, .unattributed, (.callsites | length)]')" '[0,1,0]' \
	"--noise FILE: a common path is never blamed, the page stays unattributed"
printf 'skip os_unlock_user_pages\n' >"$TMP/noise"
pb blame --json --noise "$TMP/noise"
is "$(printf '%s' "$out" | jq -r '.callsites[0].callsite')" _nv032165rm \
	"--noise FILE: a skipped frame hands the blame to its caller"
# --- scenario C: Android 5.10 kernel log, dump_page + page_pinner ----------
export PINBLAME_DB=$TMP/c.db
setup "scenario C imports" "$PINBLAME" import "$SAMPLES/dmesg-5.10-android-page_pinner.txt"
is "$(sql "SELECT group_concat(printf('%s:0x%x:%s', kind, pfn, confidence), ' ') FROM page_evidence WHERE kind = 'last_pin'")" \
	"last_pin:0x8e5a1:high last_pin:0x8e5a2:high" "two pages name their last pinner (decimal PFN read as such)"
pb blame --json
is "$(printf '%s' "$out" | jq -c '[.callsites[] | [.callsite, .module, .pages, .confidence, .evidence.page_pinner]]')" \
	'[["edgetpu_pin_user_pages","edgetpu",2,"high",2]]' \
	"the driver that pinned them, past the gup frames of its stack"
is "$(printf '%s' "$out" | jq -c '[.pages, .attributed_pages]')" '[3,2]' \
	"0x8e5a3, dumped without a page_pinner record, stays unattributed"
pb blame
like "$err" "hint: 1 busy page has no holder evidence" "blame hints at what would name its holder"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .area, .errorno, .pages, .ts_ns, .busy_ranges, .busy_pfns]]')" \
	"[[\"cma_alloc\",\"linux,cma\",-16,1024,301112561000,1,[$((0x8e5a1)),$((0x8e5a2)),$((0x8e5a3))]]]" \
	"one failure: the 'alloc failed' line takes the dumps and the PFNs-busy range before it"
is "$(printf '%s' "$out" | jq -c '[.failures[0].pid, .failures[0].comm]')" '[640,"HwBinder:512_2"]' \
	"its task is the one whose call trace through alloc_contig_range came first"
done_testing
