#!/usr/bin/env bash
# A kernel log exported by journalctl -o json (and -o json-pretty), or
# printed by dmesg --json: each kernel entry reads as the dmesg line it
# was, at its printk time, so the log links with the trace of the same
# boot as the plain log does.
. "$(dirname "$0")/lib.sh"

dir=$REAL/arm64-ftrace-hugetlb-cma
python3 - "$dir/dmesg.txt" "$TMP" <<'PY'
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
flat = open(sys.argv[2] + "/journal.json", "w")
pretty = open(sys.argv[2] + "/journal-pretty.json", "w")
seq = open(sys.argv[2] + "/journal-seq.json", "w")
# dmesg --json as util-linux's ul_jsonwrt writes it: three blanks a level,
# "},{" between entries, the time unquoted as dmesg prints it ("%5ld.%06ld")
dm = open(sys.argv[2] + "/dmesg.json", "w")
dm.write('{\n   "dmesg": [\n')
first = True
for n, line in enumerate(lines):
    m = re.match(r"\[ *(\d+)\.(\d+)\] (.*)$", line)
    if not m:
        continue
    us = int(m.group(1)) * 1000000 + int(m.group(2))
    entry = {"__CURSOR": "s=1;i=%x" % n, "__REALTIME_TIMESTAMP": str(1795600000000000 + us),
             "__MONOTONIC_TIMESTAMP": str(us + 250), "_TRANSPORT": "kernel",
             "SYSLOG_IDENTIFIER": "kernel", "MESSAGE": m.group(3),
             "_SOURCE_MONOTONIC_TIMESTAMP": str(us), "_HOSTNAME": "guest"}
    seq.write("\x1e" + json.dumps(entry) + "\n")
    dm.write(("      {\n" if first else "},{\n") + '         "pri": 4,\n'
             + '         "time": %5d.%s,\n' % (int(m.group(1)), m.group(2))
             + ('         "caller": "T%d",\n' % (n + 1) if n % 3 == 0 else "")
             + '         "msg": ' + json.dumps(m.group(3)) + "\n      ")
    first = False
    for out, indent in ((flat, None), (pretty, 8)):
        # every 50th message as journalctl writes one that is not all text
        if n % 50 == 7 and indent is None:
            entry = dict(entry, MESSAGE=list(entry["MESSAGE"].encode()))
        out.write(json.dumps(entry, indent=indent) + "\n")
        if n % 40 == 0:  # a service's entry in between, with a page dump's words
            out.write(json.dumps({"__CURSOR": "u%d" % n, "_TRANSPORT": "stdout",
                                  "MESSAGE": "page: refcount:1 mapcount:0 pfn:0x99999"},
                                 indent=indent) + "\n")
dm.write("}\n   ]\n}\n")
PY

failures() {
	"$PINBLAME" failures --json | jq -c '[.failures[] | [.kind, .ts_ns, .pages, (.busy_pfns | length)]]'
}

# The plain log's answers, which the cases below compare with.
export PINBLAME_DB=$TMP/plain.db
fixture "the plain log imports" "$PINBLAME" import "$dir/dmesg.txt"
plain=$(failures)
evidence=$(sql "SELECT count(*) FROM page_evidence")

for f in journal.json journal-pretty.json journal-seq.json dmesg.json; do
	export PINBLAME_DB=$TMP/$f.db
	pb import "$TMP/$f"
	like "$out" "$f: kmsg, 334 events, 0 bad lines" "$f: the log's 334 records (332 and its 2 CMA areas), as from dmesg.txt"
	is "$(failures)" "$plain" "$f: the same failures at the same printk times"
	is "$(sql "SELECT count(*) FROM page_evidence")" "$evidence" \
		"$f: the same page evidence; other services' entries are left out"
done

export PINBLAME_DB=$TMP/linked.db
xz -dc "$dir/trace.txt.xz" >"$TMP/trace.txt"
pb import -q "$TMP/trace.txt" "$TMP/journal.json"
is "$(sql "SELECT count(boot) || ' ' || count(clock) FROM sources")" "2 0" \
	"linked with the trace of the same boot, as the plain log is"
done_testing
