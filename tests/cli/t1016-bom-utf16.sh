#!/usr/bin/env bash
# Text as Windows tools write it reads as the same text: a UTF-8 byte
# order mark before the first line, and a log in UTF-16 (PowerShell's
# '>' of `adb shell dmesg`: a BOM, little-endian, CRLF; also without a
# BOM, big-endian, compressed) give the events, lines not understood,
# failures and line numbers of the UTF-8 file, which is what each case
# is checked against. A file name is shown on one line wherever it is
# printed.
. "$(dirname "$0")/lib.sh"
trace=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
log=$SAMPLES/dmesg-6.6-dump_page-folio.txt

# what a store of the UTF-8 files says: events and bad lines per source,
# and the failures with their lines
answer() {
	PINBLAME_DB=$1 sql "SELECT group_concat(format || ' ' || events || ' ' || bad_lines, '; ')
		FROM (SELECT * FROM sources ORDER BY id)"
	PINBLAME_DB=$1 "$PINBLAME" failures --json |
		python3 -c 'import json, sys
for f in json.load(sys.stdin)["failures"]:
    print(f["kind"], f["start_pfn"], f["busy_pfns"], f["line"])'
}
setup "the UTF-8 files import" "$PINBLAME" -d "$TMP/utf8.db" import "$log" "$trace"
want=$(answer "$TMP/utf8.db")
like "$want" 'kmsg 5 0; ftrace 29 0' "the UTF-8 store has both files ($(head -1 <<<"$want"))"

# 1. a UTF-8 BOM before each file
{ printf '\357\273\277'; cat "$log"; } >"$TMP/log-bom.txt"
{ printf '\357\273\277'; cat "$trace"; } >"$TMP/trace-bom.txt"
setup "the files with a BOM import" "$PINBLAME" -d "$TMP/bom.db" import "$TMP/log-bom.txt" "$TMP/trace-bom.txt"
is "$err" "" "no line is not understood, nothing said"
is "$(answer "$TMP/bom.db")" "$want" "events, failures and their line numbers are those of the UTF-8 files"

# 2. UTF-16: little-endian with a BOM and CRLF; big-endian without a BOM,
# xz-compressed, its trace on a pipe
sed 's/$/\r/' "$log" | iconv -f UTF-8 -t UTF-16 >"$TMP/log16.txt"
iconv -f UTF-8 -t UTF-16BE "$trace" | xz -c >"$TMP/trace16be.xz"
is "$(head -c 2 "$TMP/log16.txt" | od -An -tx1 | tr -d ' ')" fffe "iconv wrote a little-endian BOM"
setup "the UTF-16 files import" sh -c '"$1" -d "$2" import "$3" - <"$4"' sh \
	"$PINBLAME" "$TMP/u16.db" "$TMP/log16.txt" "$TMP/trace16be.xz"
is "$err" "" "nothing said"
like "$out" "^$TMP/log16.txt: kmsg, 5 events, 0 bad lines" "the log is a kernel log"
is "$(answer "$TMP/u16.db" | sed -n 2,\$p)" "$(sed -n 2,\$p <<<"$want" | sed "s|$trace|<stdin>|")" \
	"failures and line numbers are those of the UTF-8 files"
is "$(PINBLAME_DB=$TMP/u16.db sql "SELECT group_concat(format || ' ' || events || ' ' || bad_lines, '; ') FROM sources")" \
	"$(head -1 <<<"$want")" "as many events and lines not understood"
like "$(PINBLAME_DB=$TMP/u16.db "$PINBLAME" info)" 'format kmsg, kernel 6\.6\.30-android15-8-g1a2b3c4d5e6f,' \
	"the kernel release read from the UTF-16 log is plain text"

# 3. a file name with a newline (and an escape) is one line wherever it is shown
evil=$TMP/$'evil\x1b[2Jname\n.txt'
cp "$trace" "$evil"
shown="$TMP/evil\\x1b[2Jname\\x0a.txt"
pb -d "$TMP/evil.db" import "$evil"
is "$(wc -l <<<"$out")" 1 "the import's summary is one line"
like "$out" "^$(sed 's/[][\\.]/\\&/g' <<<"$shown"): ftrace, 29 events" "with the name escaped"
pb -d "$TMP/evil.db" import "$evil"
is "$(wc -l <<<"$out")" 1 "so is 'already imported'"
# a second file's failures: failures gets a SOURCE column
setup "the kernel log imports beside it" "$PINBLAME" -d "$TMP/evil.db" import -q "$log"
for c in info failures "blame --by source" "show 1" report "report --format md" "report --format html"; do
	# shellcheck disable=SC2086
	pb -d "$TMP/evil.db" $c
	is "$(grep -c '^\.txt' <<<"$out")" 0 "$c: no line starts with the name's tail"
	like "$out" 'evil\\+x1b\\?\[2Jname\\+x0a\.txt' "$c: the name is shown escaped"
done
done_testing
