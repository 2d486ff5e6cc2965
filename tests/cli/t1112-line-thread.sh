#!/usr/bin/env bash
# ftrace and trace-cmd report text read on a thread of its own (what
# import --dry-run does with a large file) gives what reading it on the
# parser's thread gives: the same stores, row for row, and the same
# messages. PINBLAME_LINE_THREAD=1 forces the reading thread on any input
# and under a real import, =0 keeps it off, =2 has the reading thread look
# at every line's columns (else it leaves them to the parser while it is
# the slower thread); the stores are compared with sqlite3, line for line
# of their dumps, and with the one read with PINBLAME_RUN_MEMO=0 (every run
# of frame lines read a line at a time, not taken from the memo of runs).
. "$(dirname "$0")/lib.sh"

# dump DB: every row but the import's own (times, paths of the run)
dump() {
	sqlite3 "$1" .dump | grep -v '^INSERT INTO source\|^INSERT INTO meta'
}

# same NAME FILE: imports FILE both ways, compares
same() {
	local m memo
	for m in r 0 1 2; do
		memo=1
		[ "$m" = r ] && memo=0
		rm -f "$TMP/t$m.db"*
		PINBLAME_RUN_MEMO=$memo PINBLAME_LINE_THREAD=${m/r/0} \
			"$PINBLAME" -d "$TMP/t$m.db" import "$2" >"$TMP/out$m" 2>"$TMP/err$m"
		echo "exit $?" >>"$TMP/out$m"
		sed -i 's/, [0-9.]* s$//' "$TMP/out$m"
		dump "$TMP/t$m.db" >"$TMP/dump$m"
		PINBLAME_RUN_MEMO=$memo PINBLAME_LINE_THREAD=${m/r/0} \
			"$PINBLAME" import --dry-run "$2" 2>&1 |
			sed 's/, [0-9.]* s (dry/ (dry/' >"$TMP/dry$m"
	done
	ok "$([ -s "$TMP/dumpr" ] && cmp -s "$TMP/dumpr" "$TMP/dump0"; echo $?)" \
		"$1: the same store as without the memo of runs"
	ok "$(cmp -s "$TMP/outr" "$TMP/out0" && cmp -s "$TMP/errr" "$TMP/err0"; echo $?)" \
		"$1: the same summary and warnings as without the memo of runs"
	for m in 1 2; do
		ok "$([ -s "$TMP/dump0" ] && cmp -s "$TMP/dump0" "$TMP/dump$m"; echo $?)" \
			"$1: the same store ($m)"
		ok "$(cmp -s "$TMP/out0" "$TMP/out$m" && cmp -s "$TMP/err0" "$TMP/err$m"; echo $?)" \
			"$1: the same summary and warnings ($m)"
		ok "$(cmp -s "$TMP/dry0" "$TMP/dry$m"; echo $?)" "$1: the same dry run ($m)"
	done
}

same "arm64 capture" "$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz"
same "trace-cmd report" "$REAL/arm64-tracecmd-hugetlb-cma/trace-cmd-report-N.txt.xz"
same "latency format" "$REAL/x86_64-6.18-trace-options/latency-format.txt"
same "user stacks" "$REAL/x86_64-6.18-host-compaction/trace.txt.xz"

# What only the line reader decides: CRLF ends, a NUL byte, a frame line
# too long for a stack, a line longer than PB_LINE_MAX (1 MiB), an empty
# frame, stacks without their event, the last line without its '\n'.
odd=$TMP/odd.txt
{
	printf '# tracer: nop\r\n#\r\n'
	for i in 1 2 3 4 5 6; do
		printf '           cat-10%s    (   10%s) [00%s] d....  1.00000%s: mm_migrate_pages: nr_succeeded=1 nr_failed=%s\r\n' \
			"$((i % 2))" "$((i % 2))" "$((i % 2))" "$i" "$i"
		printf '           cat-10%s    (   10%s) [00%s] d....  1.00000%s: <stack trace>\n' \
			"$((i % 2))" "$((i % 2))" "$((i % 2))" "$i"
		printf ' => frame_a\r\n =>  frame_b\n\t=> frame_c+0x10/0x20\n'
	done
	printf ' => lost_frame\n'
	printf 'a NUL \0 here\n'
	printf '           cat-100    (   100) [000] d....  2.000000: mm_migrate_pages: nr_failed=8\n'
	printf '           cat-100    (   100) [000] d....  2.000000: <stack trace>\n'
	printf ' => %09000d\n' 0
	printf ' =>\n'
	printf ' => %01100000d\n' 0
	printf '           cat-100    (   100) [000] d....  2.000001: mm_migrate_pages: nr_failed=9\n'
	printf '           cat-100    (   100) [000] d....  2.000002: <stack trace>\n => last\n'
	# lines of other layouts, which the reading thread's look cannot read
	# and the parser reads itself: a fragment pasted without its columns
	# (a stack header among them), the function_graph tracer's
	printf '  2.000003: <user stack trace>\n => user_frame\n'
	printf '  2.000004: mm_migrate_pages: nr_failed=10\n'
	printf '  2.000005 |   0)   cat-100    |               |  /* mm_migrate_pages: nr_failed=11 */\n'
	printf '   0)               |  cma_alloc() {\n'
	printf '           cat-100    (   100) [000] d....  2.000006: <stack trace>\n => last'
} >"$odd"
same "odd lines" "$odd"
like "$(cat "$TMP/err1")" "1 line not understood: binary data" "odd lines: the NUL line counted"
like "$(cat "$TMP/err1")" "2 lines not understood: line too long" \
	"odd lines: the long frame and the long line counted"
like "$(cat "$TMP/err1")" "1 line not understood: syntax" "odd lines: the empty frame counted"
is "$(sqlite3 "$TMP/t1.db" "SELECT count(*) FROM event WHERE stack_id IS NOT NULL")" 8 \
	"odd lines: six stacks of three frames, the one after the long lines and the last one attached"
is "$(sqlite3 "$TMP/t1.db" "SELECT count(*) FROM event WHERE ts_ns IN (2000004000, 2000005000)")" 2 \
	"odd lines: the fragment's event and the function_graph tracer's event read"

done_testing
