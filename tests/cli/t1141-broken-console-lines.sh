#!/usr/bin/env bash
# A serial console capture (CRLF line ends) on which other records were
# printed into the middle of a line: print_time() begins every record, so
# a printk time after a line's start begins a record of its own, and the
# next line, with no prefix and no time, is the rest of the broken one
# (doc/FORMATS.md section 2.1). The log under testdata/posted/ is written
# from the formats, never copied from a post; expected figures come from
# the file with sed, tr and awk.
. "$(dirname "$0")/lib.sh"

log=$PB_TESTDATA/posted/serial-console-broken-lines.log
# a broken line joined by hand: its text before the record printed into it,
# then the next line (line numbers of the file)
joined() { { sed -n "${1}p" "$log" | tr -d '\r' | sed 's/\[ *[0-9]*\.[0-9]\{6\}\] [^[]*$//'
	sed -n "$(($1 + 1))p" "$log" | tr -d '\r'; } | tr -d '\n'; }
busy_line=$(grep -n 'alloc_contig_range' "$log" | cut -d: -f1)
dump_line=$(grep -n 'refcount:' "$log" | cut -d: -f1)
start=$(printf '%d' "0x$(joined "$busy_line" | sed 's/.*: \[\([0-9a-f]*\), .*/\1/')")
end=$(printf '%d' "0x$(joined "$busy_line" | sed 's/.*, \([0-9a-f]*\)) PFNs busy$/\1/')")
pfn=$(printf '%d' "$(joined "$dump_line" | sed 's/.* pfn:\(0x[0-9a-f]*\)$/\1/')")
site=$(awk '/pin_user_pages_fast/ { getline; sub(/.*\]  /, ""); sub(/\+.*/, ""); print }' "$log")
module=$(awk '/pin_user_pages_fast/ { getline; print }' "$log" | tr -d '\r' | sed 's/.*\[\(.*\)\]$/\1/')

export PINBLAME_DB=$TMP/broken.db
setup "the console log imports" "$PINBLAME" import "$log"
like "$out" "serial-console-broken-lines.log: kmsg, 3 events, 0 bad lines" \
	"the busy line, the dump and the failure are records (the broken two were not)"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .busy_ranges, .start_pfn, .end_pfn, .busy_pfns]]')" \
	"[[\"cma_alloc\",1,$start,$end,[$pfn]]]" \
	"one failure with the busy range joined again and the dumped page in it"
is "$(sql "SELECT ts_ns FROM events WHERE event = 'kmsg:pfns_busy'")" \
	"$(sed -n "${busy_line}p" "$log" | sed 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1\2000/')" \
	"the busy line at its own printk time, not the time of the record printed into it"
pb blame --json
is "$(printf '%s' "$out" | jq -c '[.callsites[] | [.callsite, .module, .pages]]')" \
	"[[\"$site\",\"$module\",1]]" "blamed on the driver's pinning call of the dump's page_owner stack"
done_testing
