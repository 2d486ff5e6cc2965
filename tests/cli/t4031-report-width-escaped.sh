#!/usr/bin/env bash
# report's text measures a line as the terminal shows it: a control
# character from the trace is shown as the 4 columns of \xNN, so a line
# holding one was cut 3 columns too late and wrapped on the terminal, and
# its call site padded 3 columns short, pushing its numbers from under
# their headers (on a terminal and in a file alike); a UTF-8 character is
# one column, and no line is cut inside one; prose (the sources line) is
# wrapped by the columns shown, not by bytes.
. "$(dirname "$0")/lib.sh"

# The sample with an ESC in a call site's symbol and in the area's name,
# and a UTF-8 character (2 bytes, 1 column) after it.
sed -e 's/os_lock_user_pages/os_lock\x1b[2Juser_pages/' \
    -e 's/name=reserved/name=re\x1bserv\xc3\xa9d/' \
	"$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" > "$TMP/evil.txt"
export PINBLAME_DB=$TMP/t.db
fixture "the changed sample imports" pb import -q "$TMP/evil.txt"
is "$(pb blame --json; jq -r '[.callsites[].callsite] | sort | .[1]' <<<"$out")" \
	"os_lock"$'\e'"[2Juser_pages" "blame names the call site with the ESC"

# report to a file: the ranking's numbers under their headers
pb report
header=$(grep -m1 '^ *# *call site' <<<"$out")
fcol=$(awk -v h="$header" 'BEGIN { print index(h, "failures") }')
rows=$(sed -n '/^ *# *call site/,/^$/p' <<<"$out" | sed '1d;/^$/d')
is "$(wc -l <<<"$rows")" 2 "the ranking has the two call sites"
while read -r row; do
	is "$(printf '%s\n' "$row" | awk -v c="$fcol" -v h="$header" '{
		# the row read by read -r lost its indent: put it back from the header
		pad = index(h, "#") - 1; line = sprintf("%" pad "s%s", "", $0)
		print substr(line, c, 8) }')" "       1" "report: '$(cut -c1-30 <<<"$row")' has its 1 failure under 'failures'"
done <<<"$rows"

# the area table: the area with an ESC and a 2-byte character, then the
# allocations tried (the sample's cma_alloc_start of that area, grep)
tried=$(grep -c 'cma_alloc_start: name=re.serv' "$TMP/evil.txt")
printf '%s\n' "$out" > "$TMP/report.txt"
is "$(python3 -c 'import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
h = next(l for l in lines if l.split()[:2] == ["area", "tried"])
r = next(l for l in lines if l.startswith("  re\\x1bserv"))
print(r[:h.index("tried") + len("tried")].split()[-1])' "$TMP/report.txt")" "$tried" \
	"report: the area's allocations tried ($tried) under 'tried' (characters counted, not bytes)"

# Prose is wrapped as shown too: a report to a file is laid out to 80
# columns, and its sources line was measured in bytes, so a file name of
# 10 "é" (2 bytes, 1 column each) wrapped 10 columns early. The name is
# made as long as puts the whole line at 78 columns shown (88 bytes): it
# fits on one line.
pb -d "$TMP/plain.db" import -q "$TMP/evil.txt"
plain=$("$PINBLAME" -d "$TMP/plain.db" report | grep -m1 '^sources ')
# "$TMP/evil.txt" becomes "$TMP/e" "é"*10 "x"*pad "vil.txt": 10 + pad more
pad=$((78 - ${#plain} - 10))
if [ "$pad" -ge 0 ]; then
	name="$TMP/e$(printf 'é%.0s' 1 2 3 4 5 6 7 8 9 10)$(printf "%${pad}s" | tr ' ' x)vil.txt"
	cp "$TMP/evil.txt" "$name"
	pb -d "$TMP/long-name.db" import -q "$name"
	"$PINBLAME" -d "$TMP/long-name.db" report > "$TMP/long-name.txt"
	is "$(grep -m1 '^sources ' "$TMP/long-name.txt")" "${plain/evil.txt/${name##*/}}" \
		"the sources line of 78 columns (88 bytes) is one line, not wrapped at 80 bytes"
fi

if command -v script >/dev/null; then
	for cols in 50 64; do
		TERM=dumb script -qec "stty cols $cols; '$PINBLAME' report" /dev/null | tr -d '\r' > "$TMP/tty.txt"
		[ "$(grep -c '\\x1b' "$TMP/tty.txt")" -gt 0 ]
		ok $? "a terminal of $cols columns gets the escaped names"
		# characters, not bytes (mawk counts bytes)
		is "$(python3 -c 'import sys
print("\n".join(l for l in open(sys.argv[2], encoding="utf-8").read().split("\n")
                if len(l) > int(sys.argv[1])))' "$cols" "$TMP/tty.txt")" "" \
			"no line wider than the terminal's $cols columns"
		is "$(grep -c '\\xc3' "$TMP/tty.txt")" 0 "no character cut in two (its first byte escaped)"
	done
fi
done_testing
