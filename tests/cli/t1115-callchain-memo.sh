#!/usr/bin/env bash
# perf script's callchains taken from the memo of callchains give what
# reading each one line by line gives (PINBLAME_RUN_MEMO=0): the same
# store, row for row of sqlite3's dump, and the same messages, on the real
# 6.18 capture, the samples, and a file of the same few callchains
# repeated, with a bad line in one, srclines, a callchain ended by the next
# head, and user addresses without a dso before and after the first kernel
# address (which makes them user frames).
. "$(dirname "$0")/lib.sh"

dump() {
	sqlite3 "$1" .dump | grep -v '^INSERT INTO source\|^INSERT INTO meta'
}

# same NAME FILE: imports FILE with the memo and without, compares
same() {
	local m
	for m in 0 1; do
		rm -f "$TMP/t$m.db"*
		PINBLAME_RUN_MEMO=$m "$PINBLAME" -d "$TMP/t$m.db" import "$2" >"$TMP/out$m" 2>"$TMP/err$m"
		echo "exit $?" >>"$TMP/out$m"
		sed -i 's/, [0-9.]* s\( (\|$\)/\1/' "$TMP/out$m"
		dump "$TMP/t$m.db" >"$TMP/dump$m"
	done
	ok "$([ -s "$TMP/dump0" ] && cmp -s "$TMP/dump0" "$TMP/dump1"; echo $?)" "$1: the same store"
	ok "$(cmp -s "$TMP/out0" "$TMP/out1" && cmp -s "$TMP/err0" "$TMP/err1"; echo $?)" \
		"$1: the same summary and warnings"
}

same "6.18 capture" "$REAL/x86_64-6.18-host-compaction/perf-script.txt.xz"
same "page_pinner RFC samples" "$SAMPLES/perf-script-5.15-page_pinner-rfc.txt"
same "task events" "$SAMPLES/perf-script-6.18-task-events.txt"

rep=$TMP/repeated.txt
head='sh  6303 [000] %d.000001:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n'
{
	for i in 1 2 3 4; do
		printf "$head"'\t           f8350 __GI___libc_write+0x10\n\n' "$i"
		printf "$head"'\tffffffff8166cfa9 migrate_pages+0x739 ([kernel.kallsyms])\n  [kernel.kallsyms][ffffffff8166cfa9]\n\t           f8350 __GI___libc_write (/usr/lib/x86_64-linux-gnu/libc.so.6)\n  write.c:26\n\n' "$((i + 10))"
		printf "$head"'\tffffffff8166cfa9 migrate_pages+0x739 ([kernel.kallsyms])\n\t \001 binary\n\n' "$((i + 20))"
		printf "$head"'\tffffffff8166cfa9 migrate_pages+0x739 ([kernel.kallsyms])\n' "$((i + 30))"
	done
} >"$rep"
same "repeated callchains" "$rep"
like "$(cat "$TMP/err1")" "4 lines not understood: binary data" "repeated callchains: the bad line counted each time"
# the address without a dso: a kernel frame in the first sample, before any
# kernel address; a user frame in the three after; the one with libc's dso
# a user frame always
is "$(sqlite3 "$TMP/t1.db" "SELECT s.user, y.module, count(*) FROM event e
	JOIN stack s ON s.id = coalesce(e.ustack_id, e.stack_id)
	JOIN frame f ON f.stack_id = s.id AND f.depth = 0 JOIN symbol y ON y.id = f.symbol_id
	WHERE y.name = '__GI___libc_write' GROUP BY 1, 2 ORDER BY 1, 2")" \
	"$(printf '0||1\n1||3\n1|/usr/lib/x86_64-linux-gnu/libc.so.6|4')" \
	"repeated callchains: an address without a dso is a user frame once a kernel one was seen"

done_testing
