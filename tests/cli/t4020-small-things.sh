#!/usr/bin/env bash
# Small things a new user noticed: a terminal that takes no escapes
# (TERM=dumb or unset, as git decides) gets no bold; NO_COLOR too; one
# of a thing is singular ("1 failure", "1 page", "1 busy range"); report
# -o with the extension of a format it cannot write exits 2 instead of
# writing text under that name.
. "$(dirname "$0")/lib.sh"

export PINBLAME_DB=$TMP/t.db
fixture "the sample imports" pb import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
# the sample's one failure, and the call sites it blames (failures --json)
pb failures --json
is "$(jq '.failures | length' <<<"$out")" 1 "the sample has one failure"

if command -v script >/dev/null; then
	bold=$'\e[1m'
	TERM=xterm script -qec "$PINBLAME report" /dev/null > "$TMP/xterm.txt"
	[ "$(grep -cF "$bold" "$TMP/xterm.txt")" -gt 0 ]
	ok $? "TERM=xterm: the report's headings are bold"
	TERM=dumb script -qec "$PINBLAME report" /dev/null > "$TMP/dumb.txt"
	is "$(grep -c $'\e' "$TMP/dumb.txt")" 0 "TERM=dumb: no escape sequence at all"
	env -u TERM script -qec "$PINBLAME report" /dev/null > "$TMP/unset.txt"
	is "$(grep -c $'\e' "$TMP/unset.txt")" 0 "TERM unset: none either"
	NO_COLOR=1 TERM=xterm script -qec "$PINBLAME report" /dev/null > "$TMP/nocolor.txt"
	is "$(grep -c $'\e' "$TMP/nocolor.txt")" 0 "NO_COLOR: none"
	is "$(tr -d '\r' < "$TMP/dumb.txt")" "$(tr -d '\r' < "$TMP/xterm.txt" | sed 's/\x1b\[[0-9]*m//g')" \
		"and the same text as on a terminal that takes them"
fi

# One of a thing: a call site of one failure, a failure of one busy page.
pb report
is "$(grep -cE '(^|[^0-9])1 (failures|pages|busy ranges|events)' <<<"$out")" 0 \
	"report: no '1 failures' or '1 pages'"
like "$out" ': 1 failure, [0-9]+ pages?, ' "a call site of one failure says '1 failure'"
cat > "$TMP/one.txt" <<'EOF'
[ 5130.440001] migrating pfn 1b2c3 failed ret:1
[ 5130.450000] memory offlining [mem 0x1b000000-0x1b7fffff] failed due to migration failure
EOF
pb -d "$TMP/one.db" import -q "$TMP/one.txt"
pb -d "$TMP/one.db" show 1
is "$(grep 'busy page' <<<"$out")" "  0 busy ranges; 1 busy page, 0 of them blamed" \
	"show: '1 busy page', the one pfn the log names"
pb -d "$TMP/one.db" report
like "$out" "one.txt \\(kmsg, 2 events\\)" "report: the log's 2 events"

# report -o: the format from the extension, or an error.
pb report -o "$TMP/r.pdf"
is "$rc" 2 "report -o r.pdf: exit 2, no PDF is written"
like "$err" "r\\.pdf: no report format is written as '\\.pdf'" "and says which extensions it writes"
[ -e "$TMP/r.pdf" ]
is "$?" 1 "and leaves no file behind"
pb report -o "$TMP/r.pdf" --format md
is "$rc" 0 "with --format the name is the user's choice"
like "$(head -1 "$TMP/r.pdf")" '^## pinblame report$' "and the format is the one asked"
pb report -o "$TMP/r.txt"
is "$rc" 0 "report -o r.txt: text"
like "$(head -1 "$TMP/r.txt")" '^pinblame report$' "a text report"
pb report -o "$TMP/report"
is "$rc" 0 "report -o without an extension: text"
mkdir "$TMP/a.d"
pb report -o "$TMP/a.d/report"
is "$rc" 0 "a dot in the folder's name is no extension"
pb report -o "$TMP/r.JSON"
like "$(head -c 30 "$TMP/r.JSON")" '^\{"schema":"pinblame.report/1"' ".JSON in capitals is JSON"

# failures: a SOURCE column when the failures come from several files.
pb failures
is "$(head -1 <<<"$out" | grep -c SOURCE)" 0 "failures of one file: no SOURCE column"
pb -d "$TMP/mix.db" import -q "$TMP/one.txt" "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
pb -d "$TMP/mix.db" failures
like "$(head -1 <<<"$out")" ' PFNS +SOURCE$' "failures of two files: a SOURCE column, last"
is "$(awk 'NR > 1 && $1 ~ /^[0-9]+$/ && $2 ~ /^[0-9.]+$/ { print $1, $NF }' <<<"$out")" \
	"1 $SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
2 $TMP/one.txt" "each failure names the file it was read from, as imported"

done_testing
