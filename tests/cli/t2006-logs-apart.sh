#!/usr/bin/env bash
# Kernel log dumps are grouped into failures by time only within one boot:
# two logs imported apart (two machines, say) whose times happen to meet
# give a failure each, not one failure with the pages of both.
. "$(dirname "$0")/lib.sh"

log=$SAMPLES/dmesg-6.6-dump_page-folio.txt
# the same log of another machine: every pfn 0x10000 further on
python3 - "$log" "$TMP/other.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
shift = lambda m: m.group(1) + "%x" % (int(m.group(2), 16) + 0x10000)
open(sys.argv[2], "w").write(re.sub(r"(pfn[:=]0x|pfn )([0-9a-f]+)", shift, text))
PY

# What the first log gives alone, in a store of its own.
fixture "the first log imports alone" "$PINBLAME" -d "$TMP/alone.db" import -q "$log"
alone=$("$PINBLAME" -d "$TMP/alone.db" failures --json | jq -c '[.failures[] | [.kind, (.busy_pfns | length)]]')
both() { "$PINBLAME" import -q "$log" && "$PINBLAME" import -q "$TMP/other.txt"; }
fixture "both logs import, one after the other" both
pb failures --json
is "$(printf '%s' "$out" | jq -c --arg log "$log" '[.failures[] | select(.source == $log) | [.kind, (.busy_pfns | length)]]')" \
	"$alone" "the first log's failures are what it gives alone"
is "$(printf '%s' "$out" | jq '.failures | length')" "$(( $(printf '%s' "$alone" | jq length) * 2 ))" \
	"the other log's are its own: twice as many failures, none merged"
done_testing
