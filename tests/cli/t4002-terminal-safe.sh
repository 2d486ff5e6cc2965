#!/usr/bin/env bash
# Names come from the trace (a task sets its own comm): no control
# character of theirs reaches the terminal. Human-readable outputs show
# them as \xNN; JSON escapes them by its own rules.
. "$(dirname "$0")/lib.sh"

# The sample with an OSC title sequence in a comm, a screen clear in the
# call site's symbol and a bad line holding a colour sequence.
sed -e 's/cuda-EvtHandlr/cu\x1b]0;pwned\x07da/' \
    -e 's/os_lock_user_pages/os_lock\x1b[2Juser_pages/' \
    -e '$a this line is garbage \x1b[31mred\x9b' \
	"$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" > "$TMP/evil.txt"
ok "$(LC_ALL=C grep -qc $'\e' "$TMP/evil.txt"; echo $?)" "the input holds ESC bytes"

# raw FILE: whether FILE holds a control character other than newline and
# tab (ESC, BEL, C1 0x9b); 0 when it does.
raw() {
	LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f\x9b]' "$1"
}

import_evil() { "$PINBLAME" import "$TMP/evil.txt" > "$TMP/import.out" 2> "$TMP/import.err"; }
fixture "import exits 0" import_evil
like "$(cat "$TMP/import.err")" 'garbage \\x1b\[31mred\\x9b' "the bad line is echoed escaped"
raw "$TMP/import.err"
is "$?" 1 "import's messages hold no control character"

for cmd in failures blame "show 1" "show --pages 1" "stacks --folded" "stacks" "report" \
	"report --format md" "query SELECT\ comm,\ callsite\ FROM\ attributions,\ events" \
	"query --csv SELECT\ callsite\ FROM\ attributions" "info"; do
	eval "\"\$PINBLAME\" $cmd" > "$TMP/out.txt" 2> "$TMP/err.txt"
	is "$?" 0 "$cmd exits 0"
	raw "$TMP/out.txt"
	is "$?" 1 "$cmd prints no control character"
done
"$PINBLAME" show --pages 1 > "$TMP/show.txt"
like "$(cat "$TMP/show.txt")" 'cu\\x1b\]0;pwned\\x07da\[1873\]' "show prints the comm escaped"
"$PINBLAME" blame > "$TMP/blame.txt"
like "$(cat "$TMP/blame.txt")" 'os_lock\\x1b\[2Juser_pages \[nvidia\]' "blame prints the call site escaped"
"$PINBLAME" report -o "$TMP/report.txt"
raw "$TMP/report.txt"
is "$?" 1 "report -o FILE holds no control character either"

# JSON keeps the text, escaped as JSON does (\u001b).
"$PINBLAME" blame --json > "$TMP/blame.json"
like "$(cat "$TMP/blame.json")" '"callsite":"os_lock\\u001[bB]\[2Juser_pages"' "blame --json escapes ESC as \\u001b"
raw "$TMP/blame.json"
is "$?" 1 "and holds no raw control character"
# An error message that names one.
pb import "$TMP/"$'x\e[2Jy.txt'
like "$err" 'x\\x1b\[2Jy.txt: ' "an error message shows the name escaped"
done_testing
