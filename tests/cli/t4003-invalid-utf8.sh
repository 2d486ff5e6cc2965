#!/usr/bin/env bash
# A name that is not UTF-8 is kept in JSON, never dropped: each byte that
# is not part of a UTF-8 character becomes the character of the same
# number (0xff -> U+00FF), the same way in every JSON output.
. "$(dirname "$0")/lib.sh"

sed -e 's/os_lock_user_pages/os_lock\xffuser_pages/' -e 's/cuda-EvtHandlr/cuda\xfe/' \
	"$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" > "$TMP/latin.txt"
fixture "import exits 0" "$PINBLAME" import "$TMP/latin.txt"

want=$(printf 'os_lock\xc3\xbfuser_pages')
# sites FILE: the distinct call sites named in FILE (JSON of any shape).
sites() {
	grep -o '"callsite": *"[^"]*"' "$1" | sed 's/.*: *"//; s/"$//' | sort -u | tr '\n' ' '
}
"$PINBLAME" blame --json > "$TMP/blame.json"
"$PINBLAME" report --format json > "$TMP/report.json"
"$PINBLAME" export --jsonl > "$TMP/export.jsonl"
"$PINBLAME" query --json "SELECT DISTINCT callsite FROM attributions" > "$TMP/query.json"
"$PINBLAME" stacks --json > "$TMP/stacks.json"
for f in blame.json report.json export.jsonl query.json; do
	like "$(sites "$TMP/$f")" "(^| )$want " "$f keeps the call site, 0xff as U+00FF"
done
is "$(sites "$TMP/report.json")" "$(sites "$TMP/blame.json")" "report --format json names the call sites blame --json names"
is "$(grep -c "\"rank\"" "$TMP/blame.json")" 1 "blame --json is one object"
is "$(grep -o '"callsite":' "$TMP/blame.json" | wc -l)" 2 "both call sites are in blame --json"
like "$(cat "$TMP/stacks.json")" "os_lock$(printf '\xc3\xbf')user_pages" "stacks --json keeps the frame"
"$PINBLAME" failures --json > "$TMP/failures.json"
"$PINBLAME" show --json 1 > "$TMP/show.json"
like "$(cat "$TMP/show.json")" "\"comm\": *\"cuda$(printf '\xc3\xbe')\"" "show --json keeps the comm, 0xfe as U+00FE"
# A JSON key: info --json counts failed migrations by reason, from the trace.
sed 's/reason=contig_range/reason=contig\xffrange/' "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" > "$TMP/reason.txt"
setup "the trace with a reason that is not UTF-8 imports" "$PINBLAME" -d "$TMP/key.db" import -q "$TMP/reason.txt"
"$PINBLAME" -d "$TMP/key.db" info --json > "$TMP/info.json"
like "$(cat "$TMP/info.json")" "\"migrations_failed\": *\\{\"contig$(printf '\xc3\xbf')range\": *1\\}" \
	"info --json keeps a reason that is not UTF-8 as a key"

# Every JSON output is valid JSON (jansson would have refused the bytes).
for f in blame.json report.json query.json stacks.json failures.json show.json info.json; do
	python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$TMP/$f"
	is "$?" 0 "$f is valid UTF-8 JSON"
done
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' "$TMP/export.jsonl"
is "$?" 0 "export.jsonl is valid UTF-8 JSON Lines"

# A comm the kernel cut in the middle of a character (TASK_COMM_LEN: 15
# bytes) ends in a byte 0x80..0x9f: the character of that number is a C1
# control, and DEL a control too; JSON takes both as they are, a terminal
# does not: they are written \u009c and \u007f, valid JSON, safe to show.
sed -e 's/cam_alloc-/cam\xe6\x9c\x7f-/' "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" > "$TMP/c1.txt"
setup "a comm ending in a cut character imports" "$PINBLAME" -d "$TMP/c1.db" import -q "$TMP/c1.txt"
"$PINBLAME" -d "$TMP/c1.db" failures --json > "$TMP/c1.json"
like "$(cat "$TMP/c1.json")" '"comm":"cam'"$(printf '\xc3\xa6')"'\\u009c\\u007f"' \
	"failures --json writes the C1 control and DEL as \\u escapes"
is "$(python3 -c 'import json,sys; print(" ".join("%x" % ord(c) for c in json.load(open(sys.argv[1]))["failures"][0]["comm"]))' "$TMP/c1.json")" \
	"63 61 6d e6 9c 7f" "a JSON reader reads the comm back, character for character"
"$PINBLAME" -d "$TMP/c1.db" export --jsonl > "$TMP/c1.jsonl"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' "$TMP/c1.jsonl"
is "$?" 0 "export --jsonl with that comm is valid JSON Lines"
done_testing
