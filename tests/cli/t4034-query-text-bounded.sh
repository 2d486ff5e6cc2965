#!/usr/bin/env bash
# query's text table holds at most 1000 rows (with the header) to measure
# its columns, then prints each later row as it comes with those widths:
# a query of millions of rows no longer holds them all (2 M rows: 165 MB
# of peak memory before, 14 MB now, as for 2,000). The widths are those of the
# rows held; a later, wider value pushes the rest of its line right.
# Expected lines are written by printf from the rule, not read back.
. "$(dirname "$0")/lib.sh"

export PINBLAME_DB=$TMP/t.db
fixture "a sample imports" pb import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"

# i from 1 to 2500; w is i/1000+1 x's: one x up to 999, two from 1000
rows="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n LIMIT 2500)"
pb query "$rows SELECT i, printf('%.*c', i/1000+1, 'x') AS w FROM n"
printf '%s\n' "$out" > "$TMP/q.txt"
is "$rc/$(wc -l < "$TMP/q.txt")" "0/2501" "the header and 2500 rows"
# held: the header and rows 1-999, so column i is 3 wide ("999")
is "$(sed -n 1p "$TMP/q.txt")" "$(printf '%-3s  %s' i w)" "the header padded to the width of 999"
is "$(sed -n 2p "$TMP/q.txt")" "$(printf '%-3s  %s' 1 x)" "row 1 as wide as row 999"
is "$(sed -n 1000p "$TMP/q.txt")" "$(printf '%-3s  %s' 999 x)" "row 999, the last one held"
is "$(sed -n 1001p "$TMP/q.txt")" "$(printf '%s  %s' 1000 xx)" "row 1000 printed as it came: its wider i pushes w right"
is "$(sed -n 2501p "$TMP/q.txt")" "$(printf '%s  %s' 2500 xxx)" "the last row"

# an answer that is held whole is aligned by all its rows, as before
pb query "$rows SELECT i FROM n WHERE i IN (1, 2500)"
is "$out" "$(printf '%-4s\n%-4s\n%s' i 1 2500 | sed 's/ *$//')" "a short answer: every row measured"

# bounded memory: the peak resident set of 2 M rows against 2,000 (KB,
# from getrusage of the child; the same build, so ASan's own memory is
# in both; its quarantine of freed blocks, up to 256 MB, is turned off:
# it grows with the rows freed, not with the rows held)
peak() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0 \
	python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$PINBLAME" query \
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n LIMIT $1) SELECT i, 'some text' AS w FROM n"
}
small=$(peak 2000)
big=$(peak 2000000)
ok "$([ -n "$small" ] && [ -n "$big" ] && [ "$big" -lt $((small + 16384)) ] && echo 0 || echo 1)" \
	"2 M rows take no more memory than 2,000 but 16 MiB (${big} KB against ${small} KB)"
pb query "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n LIMIT 2000000) SELECT i FROM n"
is "$(wc -l <<<"$out")/$(tail -1 <<<"$out")" "2000001/2000000" "and print every row"

done_testing
