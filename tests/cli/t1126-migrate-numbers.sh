#!/usr/bin/env bash
# A migrate reason or mode that a trace shows as a number is named by the
# enum of the kernel that printed it, or not named at all (doc/FORMATS.md
# section 1.3). mm_migrate_pages prints both with __print_symbolic(),
# which prints "0x%lx" for a value the kernel's table has no name for:
# such a number stays as printed. Raw output (the
# fields option: "0x9 (9)", trace-cmd report -R: "9") shows every value as
# a number: it gets the name of the source's release, or, release unknown,
# the name every release gave it. Inputs written from the TP_printk format
# and struct fields of each release; the expected names come from the
# enums listed below (read in the trees FORMATS.md names), applied with awk
# to the numbers in the input.
. "$(dirname "$0")/lib.sh"

# enum migrate_reason, in order, as each release had it
REASONS_4_19="compaction memory_failure memory_hotplug syscall_or_cpuset mempolicy_mbind numa_misplaced contig_range"
REASONS_6_1="$REASONS_4_19 longterm_pin demotion"
REASONS_6_12="$REASONS_6_1 damon"
# enum migrate_mode, 4.14 to 6.9; 6.10 and later end at MIGRATE_SYNC
MODES_4_19="MIGRATE_ASYNC MIGRATE_SYNC_LIGHT MIGRATE_SYNC MIGRATE_SYNC_NO_COPY"

HEADER='# tracer: nop
#
#           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION
#              | |       |   ||||       |         |'

# expected KEY NAMES FILE: KEY's value of each mm_migrate_pages line of
# FILE, space-separated: a printed name as it is, a raw number ("0x9
# (9)" or "9") as the NAMES' word it indexes (the number itself, decimal,
# beyond them), a number the kernel printed ("0x9") as printed.
expected() {
	awk -v key="$1" -v names="$2" '
	BEGIN { n = split(names, name, " ") }
	/mm_migrate_pages:/ {
		for (i = 1; i <= NF; i++) {
			if (index($i, key "=") != 1)
				continue
			v = substr($i, length(key) + 2)
			# the fields option: "0x9 (9)", read as its decimal
			if (v ~ /^0x[0-9a-f]+$/ && $(i + 1) ~ /^\([0-9]+\)$/)
				v = substr($(i + 1), 2, length($(i + 1)) - 2)
			# a decimal is raw; "0x9" alone stays as printed
			if (v ~ /^[0-9]+$/)
				v = v + 1 <= n ? name[v + 1] : v
			out = out (out == "" ? "" : " ") v
		}
	}
	END { print out }' "$3"
}

stored() {
	sql "SELECT group_concat($1, ' ') FROM (SELECT m.$1 FROM migrations m
		JOIN sources s ON s.id = m.source_id WHERE s.path LIKE '%/$2' ORDER BY m.ts_ns)"
}

# --- 4.19: "nr_succeeded=%lu nr_failed=%lu mode=%s reason=%s"; MIGRATE_REASON
# ends at contig_range, so the kernel itself prints reason=0x9 for a 9.
cat >"$TMP/k419.txt" <<EOF
# pinblame-record: kernel=4.19.71
$HEADER
              sh-412   [001] ....   102.500200: mm_migrate_pages: nr_succeeded=10 nr_failed=2 mode=MIGRATE_SYNC reason=0x9
              sh-412   [001] ....   102.500300: mm_migrate_pages: nr_succeeded=3 nr_failed=1 mode=MIGRATE_SYNC reason=contig_range
              sh-412   [001] ....   102.500400: mm_migrate_pages: nr_succeeded=3 nr_failed=1 mode=0x3 reason=compaction
EOF
# the same kernel's events raw (trace-cmd report -R prints the struct's
# fields, numbers in decimal)
cat >"$TMP/k419-raw.txt" <<EOF
# pinblame-record: kernel=4.19.71
$HEADER
              sh-412   [001] ....   103.500200: mm_migrate_pages: succeeded=10 failed=2 mode=2 reason=9
              sh-412   [001] ....   103.500300: mm_migrate_pages: succeeded=3 failed=1 mode=3 reason=6
EOF
setup "4.19 traces import" "$PINBLAME" import "$TMP/k419.txt" "$TMP/k419-raw.txt"
is "$(stored reason k419.txt)" "$(expected reason "$REASONS_4_19" "$TMP/k419.txt")" \
	"4.19: reason=0x9, printed by the kernel for want of a name, stays 0x9"
is "$(stored reason k419.txt | cut -d' ' -f1)" "$(grep -o 'reason=0x[0-9a-f]*' "$TMP/k419.txt" | cut -d= -f2)" \
	"4.19: the stored 0x9 is the printed text"
is "$(stored mode k419.txt)" "MIGRATE_SYNC MIGRATE_SYNC $(echo $MODES_4_19 | cut -d' ' -f4)" \
	"4.19: mode=0x3 is MIGRATE_SYNC_NO_COPY, which 4.19's enum had and its table never named"
is "$(stored reason k419-raw.txt)" "$(expected reason "$REASONS_4_19" "$TMP/k419-raw.txt")" \
	"4.19 raw: reason 9 is beyond 4.19's enum and stays a number; 6 is contig_range"
is "$(stored mode k419-raw.txt)" "$(expected mode "$MODES_4_19" "$TMP/k419-raw.txt")" \
	"4.19 raw: modes 2 and 3 by 4.19's enum"

# --- the fields option (6.x): every field raw, "0x%x (%d)"; on 6.1
# (thp_split, no large_folio_split) 9 is no reason, on 6.12 it is damon,
# and without a release it is damon too (every release that had 9).
fields_trace() {
	cat <<EOF
$1
$HEADER
          gen.sh-4086    [001] ..... 13509.479360: mm_migrate_pages: succeeded=0x0 (0) failed=0x7 (7) thp_succeeded=0x0 (0) thp_failed=0x0 (0) thp_split=0x0 (0) mode=0x2 (2) reason=0x9 (9)
          gen.sh-4086    [001] ..... 13509.479477: mm_migrate_pages: succeeded=0x0 (0) failed=0x1a (26) thp_succeeded=0x0 (0) thp_failed=0x0 (0) thp_split=0x0 (0) mode=0x1 (1) reason=0x8 (8)
          gen.sh-4086    [001] ..... 13509.479500: mm_migrate_pages: succeeded=0x2 (2) failed=0x1 (1) thp_succeeded=0x0 (0) thp_failed=0x0 (0) thp_split=0x0 (0) mode=0x2 (2) reason=0x6 (6)
EOF
}
fields_trace "# pinblame-record: kernel=6.1.0-18-arm64" >"$TMP/f61.txt"
fields_trace "# pinblame-record: kernel=6.12.107+deb13-arm64" >"$TMP/f612.txt"
fields_trace "#" >"$TMP/fnone.txt"
setup "fields option traces import" "$PINBLAME" import "$TMP/f61.txt" "$TMP/f612.txt" "$TMP/fnone.txt"
is "$(stored reason f61.txt)" "$(expected reason "$REASONS_6_1" "$TMP/f61.txt")" \
	"fields option, 6.1: 9 stays a number, 8 is demotion, 6 contig_range"
is "$(stored reason f612.txt)" "$(expected reason "$REASONS_6_12" "$TMP/f612.txt")" \
	"fields option, 6.12: 9 is damon"
is "$(stored reason fnone.txt)" "$(expected reason "$REASONS_6_12" "$TMP/fnone.txt")" \
	"fields option, release unknown: 9 is damon, the name of every release that had it"
is "$(stored mode f61.txt)" "$(expected mode "$MODES_4_19" "$TMP/f61.txt")" \
	"fields option, 6.1: modes by name"
is "$(sql "SELECT count(*) FROM migrations m JOIN sources s ON s.id = m.source_id
	WHERE s.path LIKE '%/f%.txt' AND m.reason = '9'")" 1 \
	"the 6.12 and unknown sources named their 9 without naming 6.1's"

# --- 6.1: "... nr_thp_split=%lu mode=%s reason=%s"; its table names
# everything up to demotion, so a printed 0x9 stays 0x9.
cat >"$TMP/k61.txt" <<EOF
# pinblame-record: kernel=6.1.0-18-arm64
$HEADER
       kcompactd0-30    [000] .....   10.000000: mm_migrate_pages: nr_succeeded=5 nr_failed=3 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC_LIGHT reason=compaction
              sh-40     [001] .....   20.000000: mm_migrate_pages: nr_succeeded=0 nr_failed=7 nr_thp_succeeded=0 nr_thp_failed=1 nr_thp_split=1 mode=MIGRATE_SYNC reason=demotion
              sh-40     [001] .....   30.000000: mm_migrate_pages: nr_succeeded=1 nr_failed=1 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=0x9
EOF
setup "6.1 trace imports" "$PINBLAME" import "$TMP/k61.txt"
is "$(stored reason k61.txt)" "$(expected reason "$REASONS_6_1" "$TMP/k61.txt")" \
	"6.1: names as printed, the printed 0x9 kept"
is "$(stored mode k61.txt)" "MIGRATE_SYNC_LIGHT MIGRATE_SYNC MIGRATE_SYNC" "6.1: modes as printed"

done_testing
