#!/usr/bin/env bash
# check --baseline takes blame's ranking of call sites: the output of
# 'blame --json --by comm' (or stack, module, source, kernel) has rows of
# another key, each naming a call site only as its example, and was read
# as call sites: the others were called new, the gate broken by a call
# site the baseline held. It is refused as an input error (exit 3), with
# the command that makes a baseline.
. "$(dirname "$0")/lib.sh"

export PINBLAME_DB=$TMP/t.db
fixture "the sample imports" pb import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
# the sample's holders: two call sites (blame --json), one task
n=$("$PINBLAME" blame --json | jq '.callsites | length')
is "$n" 2 "the sample blames two call sites"
"$PINBLAME" blame --json > "$TMP/good.json"
pb check --baseline "$TMP/good.json"
is "$rc/$out" "0/" "the store against its own blame: it passes"

for by in comm stack module source kernel; do
	"$PINBLAME" blame --json --by "$by" > "$TMP/by-$by.json"
	is "$(jq -r .by "$TMP/by-$by.json")" "$by" "blame --by $by says so in its JSON"
	pb check --baseline "$TMP/by-$by.json"
	is "$rc" 3 "check --baseline of blame --by $by: exit 3, not a breach"
	like "$err" "by-$by.json: a blame --by $by; the baseline ranks call sites" "saying why"
done
is "$out" "" "and no breach is printed"
done_testing
