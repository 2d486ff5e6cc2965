#!/usr/bin/env bash
# The text report is cut to the terminal's width only on a terminal: to a
# file or a pipe every line stays whole, so evidence keeps its FILE:LINE.
. "$(dirname "$0")/lib.sh"
unset COLUMNS NO_COLOR
long=os_lock_user_pages_$(printf 'x%.0s' $(seq 100))
sed "s/os_lock_user_pages/$long/" "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" > "$TMP/long.txt"
fixture "the sample with a long name imports" "$PINBLAME" import -q "$TMP/long.txt"

"$PINBLAME" report > "$TMP/r.txt"
is "$?" 0 "report to a file exits 0"
is "$(grep -c '\.\.\.$' "$TMP/r.txt")" 0 "no line is cut"
like "$(cat "$TMP/r.txt")" "pfn 0xa3a41: $long, pin at .*long.txt:13 \(high\)" \
	"the evidence line keeps the whole name and its FILE:LINE"
like "$(cat "$TMP/r.txt")" "^    2  $long +1 +1 +50.0%  high$" "the ranked table keeps the whole name"
whole=$(grep -c "$long, pin at .*long.txt:13" "$TMP/r.txt")
COLUMNS=60 "$PINBLAME" report | grep -c "$long, pin at .*long.txt:13" > "$TMP/n"
is "$(cat "$TMP/n")" "$whole" "a pipe with COLUMNS set keeps it too"
"$PINBLAME" report -o "$TMP/r2.txt"
is "$(grep -c "$long, pin at .*long.txt:13" "$TMP/r2.txt")" "$whole" "report -o FILE keeps it"
if command -v script >/dev/null; then
	COLUMNS=80 script -qec "$PINBLAME report" /dev/null | tr -d '\r' > "$TMP/tty.txt"
	is "$(awk 'length > 80' "$TMP/tty.txt" | sed 's/\x1b\[[0-9]*m//g' | awk 'length > 80' | wc -l)" 0 \
		"on a terminal lines are cut to its width"
	like "$(cat "$TMP/tty.txt")" '\.\.\.' "with ... where cut"
fi
done_testing
