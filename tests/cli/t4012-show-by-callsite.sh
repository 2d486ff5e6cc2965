#!/usr/bin/env bash
# show is readable on big failures: one block per blamed call site (its
# pages as pfn ranges, an example stack, the first evidence line), then
# the pages no call site is blamed for as ranges; --pages lists every
# page. The header keeps the range asked for apart from the pages that
# failed in it.
. "$(dirname "$0")/lib.sh"
fixture "the arm64 trace imports" "$PINBLAME" import -q "$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz"
# the failure with the most busy pages
biggest() {
	"$PINBLAME" failures --json | python3 -c '
import json, sys
f = json.load(sys.stdin)["failures"]
print(max(f, key=lambda x: (len(x["busy_pfns"]), -x["id"]))["id"])'
}
fixture "the failure with the most busy pages" biggest
id=$out
"$PINBLAME" show --json "$id" > "$TMP/show.json"
pb show "$id"
is "$rc" 0 "show $id exits 0"
printf '%s\n' "$out" > "$TMP/show.txt"
pb show --pages "$id"
printf '%s\n' "$out" > "$TMP/pages.txt"
busy=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["pages"]))' "$TMP/show.json")
ok "$([ "$busy" -gt 1 ]; echo $?)" "failure $id has $busy busy pages"
ok "$([ "$(wc -l < "$TMP/show.txt")" -lt "$(wc -l < "$TMP/pages.txt")" ]; echo $?)" \
	"the default view is shorter than --pages ($(wc -l < "$TMP/show.txt") < $(wc -l < "$TMP/pages.txt") lines)"
like "$(cat "$TMP/pages.txt")" '^  pfn 0x[0-9a-f]+: ' "--pages lists page by page"
is "$(grep -c '^  pfn 0x' "$TMP/show.txt")" 0 "the default view does not"

# The expected blocks, worked out from show --json by another route.
python3 - "$TMP/show.json" > "$TMP/expected.txt" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
groups, order, none = {}, [], []
for p in res["pages"]:
    blamed = [c for c in p.get("candidates", []) if c.get("blamed")]
    if not blamed:
        none.append(p["pfn"]); continue
    c = blamed[0]
    key = c["callsite"] + (" [%s]" % c["module"] if c.get("module") else "")
    if key not in groups:
        groups[key] = []; order.append(key)
    groups[key].append(p["pfn"])
def ranges(pfns):
    pfns, out, i = sorted(pfns), [], 0
    while i < len(pfns):
        j = i
        while j + 1 < len(pfns) and pfns[j + 1] <= pfns[j] + 1:
            j += 1
        out.append("0x%x" % pfns[i] + ("-0x%x" % pfns[j] if pfns[j] != pfns[i] else ""))
        i = j + 1
    return ", ".join(out)
for k in order:
    n = len(groups[k])
    print("%s: %d page%s" % (k, n, "" if n == 1 else "s"))
    print("  pfns " + ranges(groups[k]))
if none:
    print("no call site blamed: %d page%s" % (len(none), "" if len(none) == 1 else "s"))
    print("  pfns " + ranges(none))
PY
grep -E '^[^ ].*: [0-9]+ pages?$|^  pfns ' "$TMP/show.txt" > "$TMP/got.txt"
is "$(cat "$TMP/got.txt")" "$(cat "$TMP/expected.txt")" "one block per blamed call site, pfns as ranges, then the rest"
is "$(grep -c '^  first evidence: .*trace.txt.xz:[0-9]' "$TMP/show.txt")" \
	"$(grep -c '^  pfns ' "$TMP/expected.txt" | awk -v none="$(grep -c '^no call site' "$TMP/expected.txt")" '{print $1 - none}')" \
	"each call site's block has its first evidence line with FILE:LINE"
like "$(cat "$TMP/show.txt")" '^  range 0x[0-9a-f]+-0x[0-9a-f]+ \([0-9]+ pages\)$' "the header gives the range and its size"
like "$(cat "$TMP/show.txt")" "^  [0-9]+ busy ranges; $busy busy pages, [0-9]+ of them blamed$" \
	"and, apart, the busy pages"
done_testing
