#!/usr/bin/env bash
# query's answer is whole or marked as not: when the store fails under
# the statement, --json was closed as if every row had come ('"rows":[]}'
# parsed as an empty answer) and the text table printed its header; now
# the JSON is left open (no parser takes it) and the table unprinted, the
# error and exit 4 saying why. Its text table measures a cell as shown
# (ESC as the 4 columns of \x1b), so the next column stays in line. And
# import - - (standard input twice) is a usage error, not an "empty
# input" for the second.
. "$(dirname "$0")/lib.sh"

SAMPLE=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
sed -e 's/cam_alloc-2210/cam\x1balloc-2210/' "$SAMPLE" > "$TMP/evil.txt"
export PINBLAME_DB=$TMP/t.db
fixture "the changed sample imports" pb import -q "$TMP/evil.txt"

PB_TEST_FAIL_STEP=xyzzy pb query --json "SELECT 'xyzzy' AS x FROM events"
is "$rc" 4 "query --json whose reads fail: exit 4"
! printf '%s\n' "$out" | jq . >/dev/null 2>&1
ok $? "its output is no JSON a script could take for the answer (jq fails on it)"
PB_TEST_FAIL_STEP=xyzzy pb query "SELECT 'xyzzy' AS x FROM events"
is "$rc/$out" "4/" "query (text) whose reads fail: exit 4 and no table"
pb query --json "SELECT 1 AS x"
is "$rc/$(jq -c .rows <<<"$out")" '0/[{"x":1}]' "an intact read is whole JSON"

# the comm with ESC, then the event: the event column starts in one place
# (the task's events, counted with grep: its lines but its stacks' heads)
n=$(grep '^ *cam.alloc-2210 ' "$TMP/evil.txt" | grep -vc 'stack trace>$')
pb query "SELECT comm, event FROM events WHERE pid = 2210 ORDER BY id"
is "$(sed 1d <<<"$out" | wc -l)" "$n" "the task's $n events are listed"
at=$(awk 'NR == 1 { print index($0, "event") }' <<<"$out")
is "$(sed 1d <<<"$out" | cut -c"$at-" | grep -vc '^[a-z_]*:[a-z_]*$')" 0 \
	"every event starts under 'event', after the comm shown as cam\\x1balloc"
like "$out" 'cam\\x1balloc  ' "the comm escaped"

# standard input twice
pb -d "$TMP/stdin.db" import - - < "$SAMPLE"
is "$rc" 2 "import - -: exit 2"
like "$err" "standard input\\) is given 2 times" "saying stdin can be read once"
ok "$([ ! -e "$TMP/stdin.db" ]; echo $?)" "and no store is made"
pb -d "$TMP/stdin.db" import -q - < "$SAMPLE"
is "$rc" 0 "import - once imports"
done_testing
