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
done_testing
