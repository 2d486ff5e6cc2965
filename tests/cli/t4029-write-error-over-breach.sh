#!/usr/bin/env bash
# A write error on standard output is exit 3 (doc/DESIGN.md, "Commands
# and exit codes") also when the command would have exited 1: check's
# breach lines and failures --exit-code's list were lost, and a 1 said
# the gate had printed why it broke. A closed pipe is no error: the
# breach's 1 stays, and a pass is still 0.
. "$(dirname "$0")/lib.sh"

export PINBLAME_DB=$TMP/t.db
fixture "the sample imports" pb import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
# the sample fails once (failures --json): check without rules breaks
n=$("$PINBLAME" failures --json | jq '.failures | length')
is "$n" 1 "the sample has one failure"
pb check
is "$rc" 1 "check breaks on it"
like "$out" "^max-failures: 1 failure" "one line says why"

if [ -w /dev/full ]; then
	run sh -c "'$PINBLAME' check > /dev/full"
	is "$rc" 3 "check > /dev/full: exit 3, not the breach's 1"
	is "$err" "pinblame: check: write error on standard output: No space left on device" \
		"the write error said once"
	run sh -c "'$PINBLAME' check --json > /dev/full"
	is "$rc" 3 "check --json > /dev/full: exit 3"
	run sh -c "'$PINBLAME' failures --exit-code > /dev/full"
	is "$rc" 3 "failures --exit-code > /dev/full: exit 3, not 1"
	run sh -c "'$PINBLAME' check --max-failures $n > /dev/full"
	is "$rc/$err" "0/" "a pass prints nothing: no write error, exit 0"
fi
run bash -c "'$PINBLAME' check | head -c 0; echo \"\${PIPESTATUS[0]}\""
is "$out/$err" "1/" "check | head -c 0: a closed pipe keeps the breach's exit 1, quietly"
done_testing
