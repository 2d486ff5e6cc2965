#!/usr/bin/env bash
# report: golden text, Markdown and JSON reports of the real captures
# (imported under relative names, so no absolute path can leak in), and
# the report's options and errors. PB_UPDATE_GOLDEN=1 rewrites the golden
# files after a deliberate change; review the diff before committing.
. "$(dirname "$0")/lib.sh"
golden=$(cd "$(dirname "$0")/../golden" && pwd)
unset COLUMNS NO_COLOR

# golden NAME FILE: FILE matches tests/golden/NAME.
golden() {
	if [ -n "${PB_UPDATE_GOLDEN:-}" ]; then
		cp "$2" "$golden/$1"
	fi
	if cmp -s "$2" "$golden/$1"; then
		ok 0 "$1 as in tests/golden"
	else
		ok 1 "$1 as in tests/golden"
		diff -u "$golden/$1" "$2" | head -40 | sed 's/^/# /'
	fi
}

mkdir "$TMP/arm64" "$TMP/amd64"
for f in trace.txt.xz dmesg.txt; do
	ln -s "$REAL/arm64-ftrace-hugetlb-cma/$f" "$TMP/arm64/$f"
	ln -s "$REAL/amd64-ftrace-gigantic-nocma/$f" "$TMP/amd64/$f"
done
# import_here MACHINE: its capture into $TMP/MACHINE/MACHINE.db, by relative names.
import_here() {
	(cd "$TMP/$1" && "$PINBLAME" -d "$1.db" import trace.txt.xz dmesg.txt)
}
fixture "the arm64 capture imports" import_here arm64
fixture "the amd64 capture imports" import_here amd64
export PINBLAME_DB=$TMP/arm64/arm64.db

pb report
is "$rc" 0 "report exits 0"
printf '%s\n' "$out" > "$TMP/report.txt"
golden report-arm64.txt "$TMP/report.txt"
pb report --format md
printf '%s\n' "$out" > "$TMP/report.md"
golden report-arm64.md "$TMP/report.md"
pb report --format json
printf '%s\n' "$out" > "$TMP/report.json"
golden report-arm64.json "$TMP/report.json"
pb -d "$TMP/amd64/amd64.db" report
printf '%s\n' "$out" > "$TMP/amd64.txt"
golden report-amd64.txt "$TMP/amd64.txt"

# What the golden files hold, checked against the capture's README.
like "$(cat "$TMP/report.txt")" '  hugetlb0 +12 +4 +128' "hugetlb0: 12 tried, 4 failed, 128 busy retries"
like "$(cat "$TMP/report.txt")" '  contig_range +1240 +1380' "1,240 contig_range migrations failed 1,380 pages"
like "$(cat "$TMP/report.txt")" '  longterm_pin +1 +18' "the io_uring long-term pin failed 18 pages"
like "$(cat "$TMP/report.txt")" '  1  __do_sys_vmsplice ' "vmsplice ranks first"
like "$(cat "$TMP/report.txt")" '  2  do_splice ' "splice second"
is "$(grep -c '^sources\|^kernel    6.1.0-50-arm64 (aarch64)$' "$TMP/report.txt")" 2 "sources and kernel"
is "$(awk 'length > 80' "$TMP/report.txt" | wc -l)" 0 "no text line wider than 80 columns"
is "$(grep -c "$TMP" "$TMP/report.txt" "$TMP/report.md" "$TMP/report.json" | grep -vc ':0$')" 0 \
	"no absolute path in any report"
python3 - "$TMP/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "pinblame.report/1"
assert [a["area"] for a in r["cma_areas"]] == ["hugetlb0", "reserved"]
assert len(r["markers"]) == 8 and r["markers"][0]["text"].startswith("RT-PHASE P1")
ids = {f["id"] for f in r["failures"]}
for c in r["blame"]["callsites"]:
    assert len(c["failure_ids"]) == c["failures"], c["callsite"]
    assert set(c["failure_ids"]) <= ids
for k, e in r["evidence"].items():
    assert int(k) in ids and len(e["holders"]) <= min(4, e["pages"])
PY
ok $? "JSON: schema, areas, 8 markers, failure ids per call site match blame"

pb report --format json
first=$out
pb report --format json
is "$out" "$first" "the same store gives the same report"

pb report --top 1
is "$(grep -c '^\[[0-9]*\]' <<<"$out")" 1 "--top 1 details one call site"
pb report --since 60 --until 70 --format json
python3 -c "
import json, sys
r = json.loads(sys.stdin.read())
assert r['window'] == {'since_ns': 60000000000, 'until_ns': 70000000000}, r['window']
assert r['failures'] and all(60e9 <= f['ts_ns'] <= 70e9 for f in r['failures'])
assert r['span'] == {'first_ts_ns': 60000000000, 'last_ts_ns': 70000000000}
" <<<"$out"
ok $? "--since/--until keep the failures of the window"

pb report -o "$TMP/r.html"
is "$rc" 0 "-o FILE.html exits 0"
like "$(head -1 "$TMP/r.html")" '^<!DOCTYPE html>$' "-o picks HTML from the extension"
pb report -o "$TMP/r.md"
like "$(head -1 "$TMP/r.md")" '^## pinblame report$' "-o picks Markdown from the extension"

pb report --format pdf
is "$rc" 2 "unknown format: usage error"
pb report --top many
is "$rc" 2 "bad --top: usage error"
pb report --since yesterday
is "$rc" 2 "bad --since: usage error"
pb report extra
is "$rc" 2 "extra argument: usage error"
pb report -o "$TMP/no/such/dir/r.html"
is "$rc" 3 "unwritable output: exit 3"
pb -d "$TMP/none.db" report
is "$rc" 3 "missing store: no traces imported, exit 3"
pb report --noise "$TMP/no-such-noise"
is "$rc" 3 "an unreadable --noise file: exit 3, as for blame"
like "$err" "no-such-noise: No such file or directory" "and says why"
pb report --help
is "$rc" 0 "--help exits 0"
done_testing
