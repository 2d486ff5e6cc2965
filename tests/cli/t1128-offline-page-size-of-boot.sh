#!/usr/bin/env bash
# A lone "memory offlining [mem %#010llx-%#010llx] failed" line (4.19:
# pr_debug in __offline_pages(); 5.10: the same with " due to %s", in
# offline_pages(); doc/FORMATS.md 2.2, "Memory offlining, by generation")
# prints its block in bytes, end inclusive (start_pfn << PAGE_SHIFT,
# (end_pfn << PAGE_SHIFT) - 1): without a page that places it, its pfns
# need the kernel's page size. A log without its banner says none; the
# trace imported with it does (pinblame record's page_size header, the
# release's flavour "+64k"), or another log of the boot does (its banner's
# "-16k"): the block is in pfns of that size (lib/analyze/boots.c). A log
# imported apart is of no known boot: 4 KiB. Expected pfns by shell
# arithmetic on the lines, the size read from the header or release.
. "$(dirname "$0")/lib.sh"

# trace HEADER-LINES...: a 5.10-era trace around 200 s with these
# "# pinblame-record:" lines (kcompactd sleeping, as on any idle arm64).
trace() {
	printf '# tracer: nop\n#\n'
	printf '# pinblame-record: %s\n' "$@"
	cat <<'TRACE'
#
#           TASK-PID     CPU#  ||||   TIMESTAMP  FUNCTION
#              | |         |   ||||      |         |
      kcompactd0-28      [000] ....   150.000100: mm_compaction_kcompactd_sleep: nid=0
      kcompactd0-28      [000] ....   250.000100: mm_compaction_kcompactd_sleep: nid=0
TRACE
}

line510='[  200.000000] memory offlining [mem 0x140000000-0x17fffffff] failed due to signal backoff'
line419='[  200.000000] memory offlining [mem 0x140000000-0x17fffffff] failed'

# block FILE SIZE: the offlining line's block as pfns "LO HI" under pages
# of SIZE bytes (its end is its last byte).
block() {
	local s e shift=0
	read -r s e < <(sed -n 's/.*memory offlining \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p' "$1")
	while [ $((1 << shift)) -lt "$2" ]; do shift=$((shift + 1)); done
	echo "$((s >> shift)) $(((e + 1) >> shift))"
}

# failure_of DB: the count of failures, and the first one's kind, reason
# and range.
failure_of() {
	pb -d "$1" failures --json
	jq -r '.failures | length, (.[0] | .kind, .reason, "\(.start_pfn) \(.end_pfn)")' <<<"$out" |
		paste -sd'|'
}

# --- the trace's header says 16 KiB -----------------------------------------
trace kernel=5.10.0-32-arm64 arch=aarch64 page_size=16384 >"$TMP/t16k.txt"
echo "$line510" >"$TMP/lone.txt"
size=$(sed -n 's/^# pinblame-record: page_size=//p' "$TMP/t16k.txt")
pb -d "$TMP/a.db" import -q "$TMP/t16k.txt" "$TMP/lone.txt"
is "$rc" 0 "a 16 KiB trace and a lone offlining line import together"
is "$("$PINBLAME" -d "$TMP/a.db" query --csv \
	"SELECT count(DISTINCT boot) || ' ' || count(page_size) FROM source" | sed 1d)" "1 1" \
	"one boot; the log's own page size is unknown"
is "$(failure_of "$TMP/a.db")" "1|migrate|memory_hotplug|$(block "$TMP/lone.txt" "$size")" \
	"5.10: the block is in pfns of the trace's 16 KiB pages"
pb -d "$TMP/a.db" show --json 1
is "$(jq -r '.failure.offline.reason' <<<"$out")" "$(sed -n 's/.* failed due to //p' "$TMP/lone.txt")" \
	"show finds the line again by its block, with its reason"

# --- the same trace and log imported apart: no boot, 4 KiB ------------------
pb -d "$TMP/b.db" import -q "$TMP/t16k.txt"
pb -d "$TMP/b.db" import -q "$TMP/lone.txt"
is "$(failure_of "$TMP/b.db")" "1|migrate|memory_hotplug|$(block "$TMP/lone.txt" 4096)" \
	"imported apart the log is of no known boot: 4 KiB pfns"

# --- 4.19's line without a reason, a 64 KiB trace by its header -------------
trace kernel=4.19.325 arch=aarch64 page_size=65536 >"$TMP/t64k.txt"
echo "$line419" >"$TMP/lone419.txt"
size=$(sed -n 's/^# pinblame-record: page_size=//p' "$TMP/t64k.txt")
pb -d "$TMP/c.db" import -q "$TMP/t64k.txt" "$TMP/lone419.txt"
is "$(failure_of "$TMP/c.db")" "1|migrate|memory_hotplug|$(block "$TMP/lone419.txt" "$size")" \
	"4.19: the block is in pfns of the trace's 64 KiB pages"

# --- the trace's release says +64k (no page_size header) --------------------
trace kernel=5.14.0-503.11.1.el9_5.aarch64+64k arch=aarch64 >"$TMP/rel64k.txt"
kib=$(sed -n 's/^# pinblame-record: kernel=.*+\([0-9]*\)k$/\1/p' "$TMP/rel64k.txt")
pb -d "$TMP/d.db" import -q "$TMP/rel64k.txt" "$TMP/lone.txt"
is "$(failure_of "$TMP/d.db")" "1|migrate|memory_hotplug|$(block "$TMP/lone.txt" $((kib * 1024)))" \
	"the trace's +64k release gives the log its page size"

# --- another log of the boot, whose banner says -16k ------------------------
# (its ratelimit lines, records of their own, give it the times that link
# it with the lone line: lib/parse/kmsg.c, "callbacks suppressed")
{
	echo '[    0.000000] Linux version 6.12.117+deb13-arm64-16k (debian-kernel@lists.debian.org) (aarch64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0, GNU ld (GNU Binutils for Debian) 2.44) #1 SMP Debian 6.12.117-1 (2026-11-12)'
	echo '[  150.000000] do_migrate_range: 3 callbacks suppressed'
	echo '[  250.000000] do_migrate_range: 5 callbacks suppressed'
} >"$TMP/banner.txt"
kib=$(sed -n 's/.*Linux version [^ ]*-\([0-9]*\)k .*/\1/p' "$TMP/banner.txt")
pb -d "$TMP/e.db" import -q "$TMP/banner.txt" "$TMP/lone.txt"
is "$(failure_of "$TMP/e.db")" "1|migrate|memory_hotplug|$(block "$TMP/lone.txt" $((kib * 1024)))" \
	"a log of the boot whose banner says -16k gives the lone line its page size"

# --- info says the size the analysis took, and from where --------------------
size=$(sed -n 's/^# pinblame-record: page_size=//p' "$TMP/t16k.txt")
pb -d "$TMP/a.db" info --json
is "$(jq -r '.sources[1] | "\(.page_size) \(.page_size_from)"' <<<"$out")" "$size boot" \
	"info: the lone log takes the page size of its boot's trace"
pb -d "$TMP/a.db" info
like "$out" "page size $size \\(another source of its boot\\)" "info says so in text"
pb -d "$TMP/b.db" info --json
is "$(jq -r '.sources[1].page_size' <<<"$out")" "null" \
	"info: a log imported apart has no page size"

# --- 8 KiB pages (sparc64), a size no line's pages fit: show finds it too ---
trace kernel=5.10.0-32-sparc64 arch=sparc64 page_size=8192 >"$TMP/t8k.txt"
size=$(sed -n 's/^# pinblame-record: page_size=//p' "$TMP/t8k.txt")
pb -d "$TMP/f.db" import -q "$TMP/t8k.txt" "$TMP/lone.txt"
is "$(failure_of "$TMP/f.db")" "1|migrate|memory_hotplug|$(block "$TMP/lone.txt" "$size")" \
	"8 KiB: the block is in pfns of the trace's pages"
pb -d "$TMP/f.db" show --json 1
is "$(jq -r '.failure.offline.reason' <<<"$out")" "$(sed -n 's/.* failed due to //p' "$TMP/lone.txt")" \
	"show finds the 8 KiB block's line again, with its reason"

done_testing
