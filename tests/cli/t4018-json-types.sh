#!/usr/bin/env bash
# One type per key across the JSON outputs: a failure object has the same
# keys with the same types in failures --json, show --json, report
# --format json and export --jsonl's failure rows; nowarn is true, false
# or null (not known), never 0/1; busy_pfns is a list wherever it
# appears, and the export counts it as busy_pfn_count; errno is the
# kernel's code in every object (null when none). Any other key that
# changes type between outputs fails the last case, unless listed as a
# key of two different objects in doc/DESIGN.md ("JSON"). The expected
# counts are read back from the inputs (grep) and from failures --json.
. "$(dirname "$0")/lib.sh"

# A trace of a failed cma_alloc() with errorno (6.3+) and a kernel log of a
# failed memory offlining (no caller flags: nowarn unknown).
cat > "$TMP/offline.txt" <<'EOF'
[ 5130.440001] migrating pfn 1b2c3 failed ret:1
[ 5130.440010] page:ffffea00006cb0c0 refcount:5 mapcount:2 mapping:ffff888103a4c001 index:0x7f0012345 pfn:0x1b2c3
[ 5130.440020] page dumped because: migration failure
[ 5130.450000] memory offlining [mem 0x1b000000-0x1b7fffff] failed due to migration failure
EOF
export PINBLAME_DB=$TMP/t.db
fixture "a trace and a kernel log import" pb import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" \
	"$TMP/offline.txt"

pb failures --json
printf '%s\n' "$out" > "$TMP/failures.json"
n=$(jq '.failures | length' "$TMP/failures.json")
is "$n" 2 "two failures: the allocation and the offlining"
for id in $(jq '.failures[].id' "$TMP/failures.json"); do
	"$PINBLAME" show --json "$id" > "$TMP/show-$id.json"
done
pb report --format json
printf '%s\n' "$out" > "$TMP/report.json"
pb export --jsonl
printf '%s\n' "$out" > "$TMP/export.jsonl"
is "$(head -1 "$TMP/export.jsonl" | jq -r .schema)" pinblame.export/2 \
	"the export's schema is version 2: a key of its failure rows changed type"
show1=$(ls "$TMP"/show-*.json | head -1)
is "$(jq -c '[.schema, (.pages[0] | has("blamed")), (.migrations | has("listed"))]' "$show1")" \
	'["pinblame.show/2",true,true]' \
	"show's schema is version 2: a page's blamed and the migrations listed (no key of another type)"

python3 - "$TMP" <<'PY'
import glob, json, sys
d = sys.argv[1]
def kind(v):
    return {bool: "bool", int: "int", float: "real", str: "str", list: "list",
            dict: "obj", type(None): "null"}[type(v)]
objs = {"failures": json.load(open(d + "/failures.json"))["failures"],
        "report": json.load(open(d + "/report.json"))["failures"],
        "show": [json.load(open(f))["failure"] for f in glob.glob(d + "/show-*.json")],
        "export": [r for r in map(json.loads, open(d + "/export.jsonl")) if r["type"] == "failure"]}
types = {}
for out, rows in objs.items():
    for row in rows:
        for k, v in row.items():
            types.setdefault(k, {}).setdefault(kind(v), set()).add(out)
bad = {k: {t: sorted(o) for t, o in ts.items()} for k, ts in types.items()
       if len(set(ts) - {"null"}) > 1}
assert not bad, bad
sys.exit(0)
PY
ok $? "every key of a failure object has one type in failures, show, report and export"

is "$(jq -c '[.failures[] | .nowarn | type] | unique' "$TMP/failures.json")" '["boolean","null"]' \
	"failures: nowarn is a boolean, null for the offlining (no caller flags)"
is "$(jq -sc '[.[] | select(.type == "failure") | .nowarn | type] | unique' "$TMP/export.jsonl")" \
	'["boolean","null"]' "export: nowarn the same, not 0/1"
is "$(jq -sc '[.[] | select(.type == "failure") | [.id, .busy_pfn_count]]' "$TMP/export.jsonl")" \
	"$(jq -c '[.failures[] | [.id, (.busy_pfns | length)]]' "$TMP/failures.json")" \
	"export: busy_pfn_count counts the busy_pfns that failures lists"
is "$(jq -sc '[.[] | select(.type == "failure") | has("busy_pfns")] | unique' "$TMP/export.jsonl")" \
	'[false]' "export: no busy_pfns of another type"
code=$(sed -n 's/.*cma_alloc_finish: .*errorno=\(-[0-9]*\)$/\1/p' "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" | head -1)
is "$(jq -c '[.failures[] | [.errno, .errno_name]]' "$TMP/failures.json")" "[[$code,\"EBUSY\"],[null,null]]" \
	"errno and its name in every failure, null when the kernel gave none"
is "$(jq -c '[.failures[] | select(.errorno != null) | .errorno == .errno] | unique' "$TMP/failures.json")" \
	'[true]' "errorno (kept in version 1) is the same code"
is "$(jq -sc '[.[] | select(.type == "failure") | .errno]' "$TMP/export.jsonl")" "[$code,null]" \
	"export: errno as in failures"

# Every output: a key of two types must be one DESIGN.md names as a key of
# two different objects (a count in one, a list of rows in the other).
pb blame --json
printf '%s\n' "$out" > "$TMP/blame.json"
pb info --json
printf '%s\n' "$out" > "$TMP/info.json"
pb stacks --json
printf '%s\n' "$out" > "$TMP/stacks.json"
pb check --json --max-failures 0
printf '%s\n' "$out" > "$TMP/check.json"
python3 - "$TMP" <<'PY'
import glob, json, sys
d = sys.argv[1]
# key: the types it may have, each in objects of its own (doc/DESIGN.md)
known = {"failures": {"int", "list"}, "pages": {"int", "list"}, "busy_ranges": {"int", "list", "obj"},
         "events": {"int", "obj"}, "migrations": {"int", "obj"}, "callsites": {"int", "list"},
         "stack": {"list", "str"}}
def kind(v):
    return {bool: "bool", int: "int", float: "real", str: "str", list: "list",
            dict: "obj", type(None): "null"}[type(v)]
types = {}
def walk(v, maps=False):
    if isinstance(v, dict):
        for k, x in v.items():
            if not maps:
                types.setdefault(k, set()).add(kind(x))
            # info's counts per event name and the export's per row type are maps
            walk(x, k in ("events", "counts", "evidence", "busy_ranges", "cma_allocs",
                          "migrations_failed", "page_evidence") and isinstance(x, dict))
    elif isinstance(v, list):
        for x in v:
            walk(x)
docs = [json.load(open(f)) for f in glob.glob(d + "/*.json")]
docs += [json.loads(l) for l in open(d + "/export.jsonl")]
for doc in docs:
    walk(doc)
bad = {k: sorted(t) for k, t in types.items()
       if len(t - {"null"}) > 1 and not (t - {"null"}) <= known.get(k, set())}
assert not bad, bad
sys.exit(0)
PY
ok $? "no other key changes type between the JSON outputs"

done_testing
