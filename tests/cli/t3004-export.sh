#!/usr/bin/env bash
# export --jsonl: every line parses, the counts match the store, rows join
# on (source, id) and stack hash; the exports of two machines loaded into
# SQLite give the fleet-wide ranking; a merged store sums the failures.
. "$(dirname "$0")/lib.sh"
mkdir "$TMP/arm64" "$TMP/amd64"
for f in trace.txt.xz dmesg.txt; do
	ln -s "$REAL/arm64-ftrace-hugetlb-cma/$f" "$TMP/arm64/$f"
	ln -s "$REAL/amd64-ftrace-gigantic-nocma/$f" "$TMP/amd64/$f"
done
# import_here MACHINE: its capture into $TMP/MACHINE/host.db, by relative names.
import_here() {
	(cd "$TMP/$1" && "$PINBLAME" -d host.db import trace.txt.xz dmesg.txt)
}
fixture "the arm64 capture imports" import_here arm64
fixture "the amd64 capture imports" import_here amd64
export PINBLAME_DB=$TMP/arm64/host.db

# The arm64 export, read by the cases below.
fixture "export exits 0" "$PINBLAME" export --jsonl -o "$TMP/arm64.jsonl"
is "$out" "" "nothing on stdout with -o"
pb export --jsonl
is "$out" "$(cat "$TMP/arm64.jsonl")" "the same lines on stdout"

# Counts of the store, read after export refreshed the analysis.
store_counts=$(printf '%s,%s,%s,%s,%s' "$(sql "SELECT count(*) FROM sources")" \
	"$(sql "SELECT count(*) FROM stacks")" "$(sql "SELECT count(*) FROM failures")" \
	"$(sql "SELECT count(*) FROM page_evidence")" "$(sql "SELECT count(*) FROM attributions")")
python3 - "$TMP/arm64.jsonl" "$store_counts" <<'PY'
import collections, json, sys
lines = open(sys.argv[1]).read().splitlines()
rows = [json.loads(l) for l in lines]          # every line parses
head, rows = rows[0], rows[1:]
assert head == {"type": "export", "schema": "pinblame.export/2",
                "generator": head["generator"], "counts": head["counts"]}, head
kinds = ["source", "stack", "failure", "evidence", "attribution"]
seen = collections.Counter(r["type"] for r in rows)
assert dict(seen) == head["counts"], (seen, head["counts"])
assert [head["counts"][k] for k in kinds] == [int(n) for n in sys.argv[2].split(",")], \
    (head["counts"], sys.argv[2])
order = [kinds.index(r["type"]) for r in rows]
assert order == sorted(order), "rows grouped by type in the documented order"
sources = {r["source"] for r in rows if r["type"] == "source"}
stacks = {r["stack"] for r in rows if r["type"] == "stack"}
failures = {(r["source"], r["id"]) for r in rows if r["type"] == "failure"}
evidence = {(r["source"], r["id"]) for r in rows if r["type"] == "evidence"}
for r in rows:
    if r["type"] in ("failure", "evidence", "attribution"):
        assert r["source"] in sources, r
    if r.get("stack") is not None and r["type"] != "stack":
        assert r["stack"] in stacks, r
    if r["type"] == "attribution":
        assert (r["source"], r["failure_id"]) in failures, r
        assert r["evidence_id"] is None or (r["source"], r["evidence_id"]) in evidence, r
assert all(len(s) == 64 for s in sources) and all(len(s) == 16 for s in stacks)
print("# %d lines: %s" % (len(lines), dict(seen)))
PY
ok $? "every line parses; counts match the header and the store; keys join"
is "$(sql "SELECT count(*) FROM failures")" 10 "10 failures exported for arm64"

pb export
is "$rc" 2 "no format: usage error"
pb export --jsonl extra
is "$rc" 2 "extra argument: usage error"
pb export --jsonl -o "$TMP/no/such/dir/x.jsonl"
is "$rc" 3 "unwritable output: exit 3"
pb -d "$TMP/none.db" export --jsonl
is "$rc" 3 "missing store: no traces imported, exit 3"

# The fleet-wide ranking in a real engine: SQLite over both exports.
setup "the amd64 export" "$PINBLAME" -d "$TMP/amd64/host.db" export --jsonl -o "$TMP/amd64.jsonl"
ranking=$(cd "$TMP" && sqlite3 fleet.sqlite <<'SQL'
CREATE TABLE export(j TEXT);
.mode ascii
.separator "\t" "\n"
.import arm64.jsonl export
.import amd64.jsonl export
.mode list
.separator " "
SELECT j->>'callsite',
  count(DISTINCT (j->>'source') || ':' || (j->>'failure_id')),
  count(DISTINCT (j->>'source') || ':' || (j->>'pfn'))
FROM export WHERE j->>'type' = 'attribution' AND j->>'rank' = 1 AND j->>'noise' IS NULL
GROUP BY 1 ORDER BY 2 DESC, 1;
SQL
)
# Per machine (report --format json): vmsplice 8 failures / 90 pages on
# arm64; do_splice 4 / 43 on arm64 and 1 / 10 on amd64.
is "$ranking" "__do_sys_vmsplice 8 90
do_splice 5 53" "fleet ranking in SQLite: the sum over both machines"

fleet() {
	"$PINBLAME" merge "$TMP/fleet.db" "$TMP/arm64/host.db" "$TMP/amd64/host.db" &&
		"$PINBLAME" -d "$TMP/fleet.db" export --jsonl -o "$TMP/fleet.jsonl"
}
setup "the two stores merged, and the merged store exported" fleet
is "$(grep -c '"type":"failure"' "$TMP/fleet.jsonl")" 15 "merged store: 10 + 5 failures"
is "$(grep -c '"type":"source"' "$TMP/fleet.jsonl")" 4 "merged store: 4 sources"
done_testing
