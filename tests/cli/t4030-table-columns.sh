#!/usr/bin/env bash
# The tables' columns stay under their headers whatever the names from
# the trace: blame's name column grows to its widest name (a file of
# --by source, a module's function), and stacks' call site column too;
# failures' AREA/REASON to the widest
# area (Android names theirs "reserved-camera-heap..."), and a name with
# a control character is measured as it is shown (ESC as the 4 columns
# of \x1b, a UTF-8 character as one column), not by its bytes.
. "$(dirname "$0")/lib.sh"

SAMPLE=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
AREA=reserved-camera-heap-secure
# the sample with a long area name and an ESC in the failing task's comm,
# under a long file name
DIR=$TMP/captures-of-the-camera-team/board-0042/run-2026-12-07
mkdir -p "$DIR"
sed -e "s/name=reserved/name=$AREA/" -e 's/cam_alloc-2210/cam\x1balloc-2210/' "$SAMPLE" > "$DIR/trace.txt"
export PINBLAME_DB=$TMP/t.db
fixture "the changed sample imports" pb import -q "$DIR/trace.txt"
is "$(pb failures --json; jq -r '[.failures[] | .area, .comm] | join(" ")' <<<"$out")" \
	"$AREA cam"$'\e'"alloc" "its failure has the long area and the comm with ESC"

# col HEADER ROW WORD TEXT: whether TEXT starts in ROW at the column of
# WORD in HEADER ("ok", or what ROW has there); through the environment,
# as awk -v would read \x1b as ESC.
col() {
	H=$1 R=$2 W=$3 WANT=$4 awk 'BEGIN {
		h = ENVIRON["H"]; want = ENVIRON["WANT"]; i = index(h, ENVIRON["W"])
		got = substr(ENVIRON["R"], i, length(want))
		print (got == want ? "ok" : "column " i ": [" got "]") }'
}

pb failures
header=$(sed -n 1p <<<"$out")
row=$(sed -n 2p <<<"$out")
is "$(col "$header" "$row" "AREA/REASON" "$AREA")" ok "failures: the area under AREA/REASON"
is "$(col "$header" "$row" "TASK" 'cam\x1balloc[2210]')" ok \
	"failures: the task, ESC shown as \\x1b, under TASK"
is "$(col "$header" "$row" "OUTCOME" "final")" ok "failures: the outcome under OUTCOME"

# blame --by source: the file name as imported, then the numbers; the
# sample's one failure (grep: one cma_alloc_finish with errorno)
n=$(grep -c 'cma_alloc_finish: .*errorno=-' "$SAMPLE")
pb blame --by source
header=$(sed -n 3p <<<"$out")
row=$(sed -n 4p <<<"$out")
is "$(col "$header" "$row" "KEY" "$DIR/trace.txt")" ok "blame --by source: the file under KEY"
fw=$(awk -v h="$header" 'BEGIN { print index(h, "FAILURES") }')
is "$(printf '%s' "$row" | cut -c"$fw-$((fw + 7))")" "$(printf '%8s' "$n")" \
	"blame --by source: its $n failure right under FAILURES"
pb blame
header=$(sed -n 3p <<<"$out")
is "$(awk -v h="$header" 'BEGIN { print index(h, "FAILURES") }')" 41 \
	"blame: call sites as short as the sample's keep the 32 columns of before"

# stacks: the stacks start in one column, under their header, however
# long the call site (the sample's module function, renamed longer here)
sed -e 's/os_lock_user_pages/os_lock\x1bthe_user_pages_of_a_long_name/' "$SAMPLE" > "$TMP/long.txt"
pb -d "$TMP/long.db" import -q "$TMP/long.txt"
pb -d "$TMP/long.db" stacks
header=$(sed -n 1p <<<"$out")
is "$(sed 1d <<<"$out" | while IFS= read -r row; do
	col "$header" "$row" "STACK" "$(sed 's/.*  //' <<<"$row")"
done | grep -vc '^ok$')" 0 "stacks: every stack under STACK"
like "$out" 'os_lock\\x1bthe_user_pages_of_a_long_name \[nvidia\]  ' "the long call site shown whole, escaped"
done_testing
