#!/usr/bin/env bash
# Android's page_pinner files (doc/FORMATS.md section 3): which records
# are pins (get-side evidence) and which are puts, by the file's head
# lines and name; a record nothing decides is kept and counted, and
# --strict stops at it. Inputs written by hand from the format strings.
. "$(dirname "$0")/lib.sh"

PFN=0xa3104
# "At least, pinned for %lld us" + the hex PFN line: longterm_pinner
# prints it with the pin's stack, alloc_contig_failed and buffer with the
# put's.
at_least() {
	cat <<EOF
At least, pinned for 9800000 us
PFN $PFN Block 1304 count 2 mapcount 1 mapping 0x0 Flags 0x3fffc0000080068(0x3fffc0000080068(uptodate|lru|node=0|zone=0))
 try_grab_folio+0x1c/0x2a0
 pin_user_pages_fast+0x58/0x90
 h3drv_map_user+0x64/0x120 [h3drv]
 h3drv_ioctl+0x1a0/0x2c0 [h3drv]
 __arm64_sys_ioctl+0xb4/0x100

EOF
}
mkdir -p "$TMP/a" "$TMP/b" "$TMP/c"
at_least >"$TMP/a/longterm_pinner.txt"
at_least >"$TMP/b/alloc_contig_failed.txt"
at_least >"$TMP/c/dump.txt"

export PINBLAME_DB=$TMP/a.db
setup "longterm_pinner imports" "$PINBLAME" import "$TMP/a/longterm_pinner.txt"
like "$out" "page_pinner, 1 events, 0 bad lines" "recognised without --format, nothing counted"
is "$(sql "SELECT event FROM events")" "page_pinner_dump:pin" "its record is a pin"
is "$(sql "SELECT kind || ' ' || pfn FROM page_evidence")" "ack_pin $((PFN))" \
	"get-side evidence on pfn $PFN"
is "$(sql "SELECT flags FROM page_evidence")" "0x3fffc0000080068(uptodate|lru|node=0|zone=0)" \
	"the flags %pGp doubled are kept once"

export PINBLAME_DB=$TMP/b.db
pb import "$TMP/b/alloc_contig_failed.txt"
is "$(sql "SELECT kind FROM page_evidence")" "ack_put" "the same record in alloc_contig_failed is a put"

export PINBLAME_DB=$TMP/c.db
pb import "$TMP/c/dump.txt"
is "$rc" 0 "a file whose name does not say imports"
like "$err" "dump.txt:1: page_pinner record: pin or put unknown" "its record is counted by reason"
like "$err" "hint: .*longterm_pinner" "with a hint to name the file"
is "$(sql "SELECT event FROM events")" "page_pinner_dump:pinned" "the record is kept"
is "$(sql "SELECT count(*) FROM page_evidence")" 0 "as no evidence of either side"
pb -d "$TMP/strict.db" import --strict "$TMP/c/dump.txt"
is "$rc" 3 "--strict stops there"
like "$err" "dump.txt:1:" "naming the line"

# A failure record later in the file proves a failure file.
export PINBLAME_DB=$TMP/d.db
{ at_least; printf '%s\n' 'Failure detected at [ 4120.310300]' \
	"PFN $PFN Block 1304 count 3 mapcount 1 mapping 0x0 Flags 0x3fffc0000080068(uptodate)" \
	' __alloc_contig_migrate_range+0x1b8/0x1e0'; } >"$TMP/c/acf-or-buffer.txt"
pb import "$TMP/c/acf-or-buffer.txt"
is "$(sql "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM page_evidence ORDER BY id)")" \
	"ack_put ack_failure" "an unnamed file with a Failure detected record: the pin record is a put"

# The first generation: "Page pinned ts %lld us count %d"; the pinner
# file's count > 0, its time the last pin's (boottime, microseconds).
export PINBLAME_DB=$TMP/e.db
printf '%s\n' 'Page pinned ts 4110550201 us count 1' \
	"PFN $((PFN)) Block 1304 type CMA Flags 0x3fffc0000080068(uptodate|lru)" \
	' h3drv_map_user+0x64/0x120 [h3drv]' '' >"$TMP/c/pinner"
pb import "$TMP/c/pinner"
like "$out" "page_pinner, 1 events, 0 bad lines" "the pinner file is recognised"
is "$(sql "SELECT kind || ' ' || pfn || ' ' || ts_ns FROM page_evidence")" \
	"ack_pin $((PFN)) $((4110550201 * 1000))" "a timed pin on the decimal pfn"

# Second generation heads need no name.
export PINBLAME_DB=$TMP/f.db
printf '%s\n' 'Page pinned for 350000 us' \
	"PFN $((PFN)) Block 1304 type CMA Flags 0x3fffc0000080068(uptodate|lru)" \
	' h3drv_map_user+0x64/0x120 [h3drv]' '' 'Page pinned ts [ 4121.000100]' \
	"PFN $((PFN)) Block 1304 type CMA Flags 0x3fffc0000080068(uptodate|lru)" \
	' h3drv_unmap_user+0x20/0x80 [h3drv]' >"$TMP/c/second"
pb import "$TMP/c/second"
is "$(sql "SELECT group_concat(kind || ':' || coalesce(ts_ns, '-'), ' ') FROM (SELECT kind, ts_ns FROM page_evidence ORDER BY id)")" \
	"ack_pin:- ack_put:$((4121000100 * 1000))" "Page pinned for: a pin; Page pinned ts [..]: a timed put"

# The pin is get-side evidence: with the sample trace's failure, whose
# busy page 0xa3104 it names, it is a candidate holder of that page.
export PINBLAME_DB=$TMP/g.db
setup "the sample trace and the longterm_pinner file import together" "$PINBLAME" import \
	"$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" "$TMP/a/longterm_pinner.txt"
pb show --json 1
is "$(printf '%s\n' "$out" | jq -r --argjson pfn $((PFN)) '.pages[] | select(.pfn == $pfn) |
	.candidates[] | select(.kind == "last_pin") | .callsite')" "h3drv_map_user" \
	"the pin's call site is a holder candidate of $PFN"

done_testing
