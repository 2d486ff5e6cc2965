#!/usr/bin/env bash
# A kernel log exported by journalctl -o json (and -o json-pretty, -o
# export, -o verbose), or printed by dmesg --json: each kernel entry reads
# as the dmesg line it was, at its printk time, so the log links with the
# trace of the same boot as the plain log does. -o export and -o verbose
# are written as systemd's output_export() and output_verbose() print
# (src/shared/logs-show.c): "KEY=value" lines and a blank line, a value
# that is not text as "KEY\n" + little-endian u64 length + bytes + "\n";
# a head "<time> [<cursor>]" then "    KEY=value" lines.
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
import struct
export = open(sys.argv[2] + "/journal.export", "wb")
verbose = open(sys.argv[2] + "/journal-verbose.txt", "w")
verbose.write("-- Journal begins at Thu 2026-11-26 10:00:00 UTC. --\n")
for n, line in enumerate(lines):
    m = re.match(r"\[ *(\d+)\.(\d+)\] (.*)$", line)
    if not m:
        continue
    us = int(m.group(1)) * 1000000 + int(m.group(2))
    cursor = "s=0a1b;i=%x;b=2c3d;m=%x;t=%x;x=4e5f" % (n, us + 250, 1795600000000000 + us)
    msg = m.group(3).encode()
    export.write(("__CURSOR=%s\n__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n"
                  "__SEQNUM=%d\n_BOOT_ID=2c3d\n_SOURCE_MONOTONIC_TIMESTAMP=%d\n"
                  "_TRANSPORT=kernel\nPRIORITY=4\n" % (cursor, 1795600000000000 + us,
                                                        us + 250, n, us)).encode())
    if n % 50 == 7:  # not all text: "KEY\n", u64 length, the bytes, "\n"
        export.write(b"MESSAGE\n" + struct.pack("<Q", len(msg)) + msg + b"\n")
    else:
        export.write(b"MESSAGE=" + msg + b"\n")
    export.write(b"_HOSTNAME=guest\n\n")
    verbose.write("Thu 2026-11-26 10:%02d:%02d.%06d UTC [%s]\n" % (us // 60000000 % 60,
                  us // 1000000 % 60, us % 1000000, cursor))
    # journald's order: the message may come before its printk time
    verbose.write("    _BOOT_ID=2c3d\n    PRIORITY=4\n    MESSAGE=%s\n" % m.group(3))
    if n % 9:  # else the cursor's m= (the journal's time, hex) is taken
        verbose.write("    _SOURCE_MONOTONIC_TIMESTAMP=%d\n" % us)
    verbose.write("    _TRANSPORT=kernel\n")
    if n % 40 == 0:  # a service's entries in between, with a page dump's words
        export.write(b"__CURSOR=u\n_TRANSPORT=stdout\nMESSAGE=page: refcount:1 pfn:0x99999\n\n")
        verbose.write("Thu 2026-11-26 10:00:00.000000 UTC [s=0a1b;i=u%d;b=2c3d;m=1;t=1;x=1]\n"
                      "    _TRANSPORT=stdout\n    MESSAGE=page: refcount:1 mapcount:0 pfn:0x99999\n" % n)
PY

failures() {
	"$PINBLAME" failures --json | jq -c '[.failures[] | [.kind, .ts_ns, .pages, (.busy_pfns | length)]]'
}

# The plain log's answers, which the cases below compare with.
export PINBLAME_DB=$TMP/plain.db
fixture "the plain log imports" "$PINBLAME" import "$dir/dmesg.txt"
plain=$(failures)
evidence=$(sql "SELECT count(*) FROM page_evidence")

for f in journal.json journal-pretty.json journal-seq.json dmesg.json journal.export; do
	export PINBLAME_DB=$TMP/$f.db
	pb import "$TMP/$f"
	like "$out" "$f: kmsg, 334 events, 0 bad lines" "$f: the log's 334 records (332 and its 2 CMA areas), as from dmesg.txt"
	is "$(failures)" "$plain" "$f: the same failures at the same printk times"
	is "$(sql "SELECT count(*) FROM page_evidence")" "$evidence" \
		"$f: the same page evidence; other services' entries are left out"
done

# -o verbose: the entries without a printk time take the journal's (250 us
# later), so only the counts are compared
export PINBLAME_DB=$TMP/verbose.db
pb import "$TMP/journal-verbose.txt"
like "$out" "journal-verbose.txt: kmsg, 334 events, 0 bad lines" \
	"journal-verbose.txt: the log's 334 records, other services' left out"
is "$("$PINBLAME" failures --json | jq -c '[.failures[] | [.kind, .pages, (.busy_pfns | length)]]')" \
	"$(jq -c '[.[] | [.[0], .[2], .[3]]]' <<<"$plain")" "journal-verbose.txt: the same failures"
is "$(sql "SELECT count(*) FROM page_evidence")" "$evidence" "journal-verbose.txt: the same page evidence"
is "$(sql "SELECT count(*) FROM events")" "$(PINBLAME_DB=$TMP/plain.db sql "SELECT count(*) FROM events")" \
	"journal-verbose.txt: as many events as the plain log: the stdout entries' dump words are no event"

export PINBLAME_DB=$TMP/linked.db
xz -dc "$dir/trace.txt.xz" >"$TMP/trace.txt"
pb import -q "$TMP/trace.txt" "$TMP/journal.json"
is "$(sql "SELECT count(boot) || ' ' || count(clock) FROM sources")" "2 0" \
	"linked with the trace of the same boot, as the plain log is"
done_testing
