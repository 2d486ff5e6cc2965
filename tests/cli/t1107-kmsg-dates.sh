#!/usr/bin/env bash
# A kernel log printed with dates (dmesg -T) instead of printk times: the
# same failures as the plain log, at the dates' times, on a clock of their
# own that is never compared with a trace's.
. "$(dirname "$0")/lib.sh"

dir=$REAL/arm64-ftrace-hugetlb-cma
# the arm64 log as dmesg -T prints it, booted at 1795600000 (UTC)
python3 - "$dir/dmesg.txt" "$TMP/dmesg-T.txt" <<'PY'
import re, sys, time
out = open(sys.argv[2], "w")
for line in open(sys.argv[1]):
    m = re.match(r"\[ *(\d+)\.\d+\] ", line)
    if m:
        when = time.gmtime(1795600000 + int(m.group(1)))
        line = time.strftime("[%a %b %e %H:%M:%S %Y] ", when) + line[m.end():]
    out.write(line)
PY

failures() {
	"$PINBLAME" failures --json | jq -c '[.failures[] | [.kind, .pages, (.busy_pfns | length)]]'
}

# The plain log's answers, which the cases below compare with.
export PINBLAME_DB=$TMP/plain.db
fixture "the plain log imports" "$PINBLAME" import "$dir/dmesg.txt"
plain=$(failures)
is "$plain" '[["alloc_contig",43,43],["alloc_contig",43,43],["alloc_contig",43,43],["alloc_contig",43,43]]' \
	"the plain log: hugetlb's four rounds, 43 busy pages each"
first=$(sql "SELECT ts_ns / 1000000000 FROM failures ORDER BY ts_ns LIMIT 1")

export PINBLAME_DB=$TMP/dates.db
pb import "$TMP/dmesg-T.txt"
like "$out" "kmsg, [0-9]+ events, 0 bad lines" "the dated log imports"
is "$(failures)" "$plain" "the same failures and busy pages"
is "$(sql "SELECT ts_ns / 1000000000 FROM failures ORDER BY ts_ns LIMIT 1")" "$((1795600000 + first))" \
	"at the date the log prints"
pb info
like "$out" "arch aarch64, clock realtime" "info says the times are dates"
like "$out" "span 2026-11-25 09:4[0-9]:[0-9]{2}\.000000 \.\. 2026-11-25 09:4[0-9]:[0-9]{2}\.000000$" \
	"and shows the span as dates (the log starts at 09:46:40, the last dump is within minutes)"

export PINBLAME_DB=$TMP/both.db
xz -dc "$dir/trace.txt.xz" >"$TMP/trace.txt"
pb import -q "$TMP/trace.txt" "$TMP/dmesg-T.txt"
is "$(sql "SELECT count(boot) || ' ' || count(clock) FROM sources")" "0 1" \
	"a trace and a dated log are not linked as one boot"
export PINBLAME_DB=$TMP/linked.db
pb import -q "$TMP/trace.txt" "$dir/dmesg.txt"
is "$(sql "SELECT count(boot) || ' ' || count(clock) FROM sources")" "2 0" \
	"the same trace and the plain log are"
done_testing
