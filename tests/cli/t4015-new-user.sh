#!/usr/bin/env bash
# A new user's first hour, from the README and the man pages: the gate
# `failures --area A --exit-code` passes on a run where A did not fail
# (it is not a usage error); an output file that cannot be made is named
# once, and a folder given as check's baseline is named as one; report -o
# FILE.HTML is HTML; a mistyped global option gets a "did you mean";
# `complete --help` answers; every option an example of the README or a
# man page uses, and every option a command's --help lists, is in its man
# page, every import format has its man entry; query --help names every
# view; report --format json's evidence has the shape its man page gives,
# and the export's pages per call site are blame's.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

# A run in which CMA area 'mycma' allocated and nothing failed, written
# from the cma events' format strings (name=%s pfn=0x%lx page=%p count=%lu
# align=%u, doc/FORMATS.md).
cat > "$TMP/ok.txt" <<'EOF'
# tracer: nop
#
              sh-106     [000] .....     6.843004: cma_alloc_start: name=mycma count=8 align=3
              sh-106     [000] .....     6.962346: cma_alloc_finish: name=mycma pfn=0x100000 page=fffffc0003000000 count=8 align=3
EOF
OK_DB=$TMP/ok.db
setup "a run without failures imports" "$PINBLAME" -d "$OK_DB" import -q "$TMP/ok.txt"
is "$("$PINBLAME" -d "$OK_DB" query --csv "SELECT count(*) FROM cma_allocs WHERE area = 'mycma' AND ok = 1" | sed -n 2p)" 1 \
	"the store has one good allocation of mycma"
pb -d "$OK_DB" failures --area mycma --exit-code
is "$rc" 0 "failures --area of an area that did not fail: --exit-code exits 0, the gate passes"
is "$out" "no failures" "and lists none"
is "$err" "" "without an error"
pb -d "$OK_DB" failures --reason longterm_pin --exit-code
is "$rc" 0 "failures --reason of a migrate reason that did not fail exits 0"
pb -d "$OK_DB" failures --reason cma_alloc --exit-code
is "$rc" 0 "and so does a kind of failure that did not fail"
pb -d "$OK_DB" failures --area mycm --exit-code
is "$rc" 2 "a mistyped --area is still a usage error"
is "$err" "pinblame: failures: --area mycm: no failure has it; the store has: mycma" \
	"and names the area the store has"
pb -d "$OK_DB" failures --reason longterm_pn --exit-code
is "$rc" 2 "a mistyped --reason is still a usage error"

# An output file in a folder that does not exist: one error, not two.
fixture "the sample imports" "$PINBLAME" import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
pb report -o "$TMP/no/such/dir/r.html"
is "$rc" 3 "report -o into a missing folder exits 3"
is "$err" "pinblame: report: $TMP/no/such/dir/r.html: No such file or directory" "and says so once"
pb export --jsonl -o "$TMP/no/such/dir/e.jsonl"
is "$rc" 3 "export -o into a missing folder exits 3"
is "$err" "pinblame: export: $TMP/no/such/dir/e.jsonl: No such file or directory" "and says so once"

# A folder given as a baseline is named as one (jansson called it an
# empty file).
mkdir -p "$TMP/baseline-dir"
pb check --baseline "$TMP/baseline-dir"
is "$rc" 3 "check --baseline DIR exits 3"
is "$err" "pinblame: check: --baseline $TMP/baseline-dir: Is a directory" "and says it is a folder"

# report -o takes the format from the extension in any case.
pb report -o "$TMP/REPORT.HTML"
is "$rc" 0 "report -o REPORT.HTML exits 0"
is "$(head -1 "$TMP/REPORT.HTML")" "<!DOCTYPE html>" "and writes the HTML page, as for report.html"
pb report -o "$TMP/report.Md"
is "$(head -1 "$TMP/report.Md")" "## pinblame report" "report.Md is Markdown"

# A mistyped global option: a short error with the option meant.
pb --verison
is "$rc" 2 "a mistyped global option exits 2"
is "$err" "pinblame: unknown option '--verison'; did you mean --version?
see 'pinblame --help'" "names the option meant, not the whole usage"
pb --frobnicate
is "$err" "pinblame: unknown option '--frobnicate'
see 'pinblame --help'" "no guess for a word that is not close"

# A prefix of several options (man pinblame: options may be shortened) is
# named as ambiguous, with the options it could be, not as unknown.
pb blame --no x
is "$rc" 2 "an ambiguous option prefix exits 2"
is "$err" "pinblame: blame: option --no is ambiguous: --noise, --no-default-noise
see 'pinblame blame --help'" "and lists the options it could be"
n=$(sql "SELECT count(*) FROM failures")
ok "$([ "${n:-0}" -gt 0 ]; echo $?)" "the sample has failures ($n)"
pb failures --exit
is "$rc" 1 "a prefix of one option is that option: --exit is --exit-code, which exits 1 on them"

pb complete --help
is "$rc" 0 "complete --help exits 0"
like "$out" '^usage: pinblame \[-d DB\] complete failures\|formats$' "and prints its usage on stdout"

commands=$("$PINBLAME" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}')

# Every long option a command's --help lists is in its man page.
for cmd in $commands complete; do
	missing=
	for o in $("$PINBLAME" "$cmd" --help | grep -oE -- '(^|[^a-z-])--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' | sort -u); do
		[ "$o" = --help ] && continue
		grep -qE -- "\\*$o\\*|$o[^a-z-]" "$top/man/pinblame-$cmd.1.scd" || missing="$missing $o"
	done
	is "$missing" "" "man pinblame-$cmd has every option of '$cmd --help'"
done

# Every option the examples use (code blocks of the README and the man
# pages) is one the command has.
bad=
while read -r cmd rest; do
	grep -qx -- "$cmd" <<<"$commands" || continue
	help=$("$PINBLAME" "$cmd" --help)
	for o in $(grep -oE -- '(^| )--[a-z][a-z-]*' <<<"$rest"); do
		grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" <<<"$help" || bad="$bad $cmd$o"
	done
done < <(awk '/^```/{c=!c; next} c' "$top/README.md" "$top"/man/*.scd |
	grep -oE '(^|[|;&(] *|\$ |sudo |\./)(\./)?pinblame( -d [^ ]+)? [a-z]+[^|;&#]*' |
	sed -E 's/^.*pinblame( -d [^ ]+)? //')
is "$bad" "" "the examples of the README and the man pages use only options the commands have"

# Every format import --format takes has its entry in man pinblame-import
# and is named by import --help.
formats=$("$PINBLAME" complete formats)
ihelp=$("$PINBLAME" import --help | tr -s ' \n' ' ')
missing=
for f in $formats; do
	grep -qx "\\*$f\\*" "$top/man/pinblame-import.1.scd" || missing="$missing man:$f"
	grep -qE "[ :]$f[,. ]" <<<"$ihelp" || missing="$missing help:$f"
done
ok "$([ "$(wc -w <<<"$formats")" -ge 7 ]; echo $?)" "complete formats lists the formats ($(echo $formats))"
is "$missing" "" "each has its entry in man pinblame-import and is named by import --help"

# query --help names every view of the store.
views=$("$PINBLAME" query --csv "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name" | sed 1d)
qhelp=$("$PINBLAME" query --help)
missing=
for v in $views; do
	grep -qE "^  ([a-z_]+\\(.*\\) +)?$v\\(" <<<"$qhelp" || missing="$missing $v"
done
ok "$([ -n "$views" ]; echo $?)" "the store has views ($(echo $views | wc -w))"
is "$missing" "" "query --help names every view"
for v in $views; do
	cols=$("$PINBLAME" query --csv "SELECT * FROM $v LIMIT 0" | head -1 | sed 's/,/, /g')
	grep -qF "$v($cols)" <<<"$(tr -s '\n ' ' ' <<<"$qhelp" | sed 's/( /(/g')" ||
		missing="$missing $v($cols)"
done
is "$missing" "" "with the columns the view has"

# report --format json: evidence per failure shown is
# {"pages":N,"holders":[...]} (man pinblame-report, JSON), N the failure's
# attributed pages as failures --json counts them, at most 4 holders,
# each a busy page of that failure, in pfn order.
REAL_DB=$TMP/real.db
setup "the arm64 capture imports" "$PINBLAME" -d "$REAL_DB" import -q "$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz"
"$PINBLAME" -d "$REAL_DB" failures --json > "$TMP/failures.json"
"$PINBLAME" -d "$REAL_DB" report --format json > "$TMP/report.json"
run python3 - "$TMP/failures.json" "$TMP/report.json" <<'PY'
import json, sys
failures = {f["id"]: f for f in json.load(open(sys.argv[1]))["failures"]}
evidence = json.load(open(sys.argv[2]))["evidence"]
bad = []
for key, ev in evidence.items():
    f = failures[int(key)]
    pfns = [h["pfn"] for h in ev["holders"]]
    if sorted(ev) != ["holders", "pages"]:
        bad.append(key + ": keys " + ",".join(sorted(ev)))
    elif ev["pages"] != f["attributed_pfns"]:
        bad.append("%s: pages %d, attributed %d" % (key, ev["pages"], f["attributed_pfns"]))
    elif len(pfns) != min(4, ev["pages"]) or pfns != sorted(pfns):
        bad.append("%s: holders %s" % (key, pfns))
    elif not set(pfns) <= set(f["busy_pfns"]):
        bad.append("%s: a holder outside the busy pages" % key)
print(len(evidence), " ".join(bad))
PY
is "$out" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["evidence"]), "")' "$TMP/report.json")" \
	"report evidence: pages, then at most 4 holders of busy pages, as the man page says"
ok "$([ "$(python3 -c 'import json,sys; print(max(e["pages"] for e in json.load(open(sys.argv[1]))["evidence"].values()))' "$TMP/report.json")" -gt 4 ]; echo $?)" \
	"a failure with more than 4 attributed pages is among them (the cap is exercised)"

# man pinblame-export's fleet ranking counts a call site's pages as blame
# does: distinct pfns of its rank-1 attributions, not one per failure.
"$PINBLAME" -d "$REAL_DB" export --jsonl -o "$TMP/real.jsonl"
from_export=$(jq -r 'select(.type == "attribution" and .rank == 1 and .noise == null)
	| "\(.callsite) \(.source):\(.pfn)"' "$TMP/real.jsonl" | sort -u | awk '{n[$1]++} END {for (c in n) print c, n[c]}' | sort)
from_blame=$("$PINBLAME" -d "$REAL_DB" blame --json | jq -r '.callsites[] | "\(.callsite) \(.pages)"' | sort)
ok "$([ -n "$from_blame" ]; echo $?)" "blame ranks call sites on the arm64 capture"
is "$from_export" "$from_blame" "the export's distinct pages per call site are blame's pages"
rows=$(jq -r 'select(.type == "attribution" and .rank == 1 and .noise == null) | .callsite' "$TMP/real.jsonl" | sort | uniq -c | awk '{print $2, $1}' | sort)
ok "$([ "$rows" != "$from_blame" ]; echo $?)" "and counting the lines instead (count(*)) would not be"

done_testing
