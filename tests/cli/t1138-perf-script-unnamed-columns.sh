#!/usr/bin/env bash
# perf script's columns after a tracepoint's body that have no name of
# their own (builtin-script.c process_event(); doc/FORMATS.md section 1.1,
# "perf script, the columns without a name"): -F +data_src ("%16" PRIx64
# then perf_script__meminfo_scnprintf()'s "|OP ...|LVL ...|SNP ...|TLB
# ...|LCK ...|BLK ...", the level first and no OP, BLK before 5.12),
# +cgroup (" %s" of its path or "unknown"), +data_page_size and
# +code_page_size (" %s" of get_page_size_name(): "N/A", "4K", "2M"), ipc
# (" \t IPC: %u.%02u (%lu/%lu) "). They were words of the body's last
# value (errorno held "-16 N/A 4K", no number: the failure had no errno),
# the ip columns after data_src or a cgroup were no frame, and with a
# callchain the page sizes' line after the last frame was its root frame.
# Every expected value is read from the input with grep, sed and awk.
. "$(dirname "$0")/lib.sh"

ip=' ffffffff81234569 __cma_alloc+0x200 ([kernel.kallsyms])'
dsrc6='         5080021 |OP N/A|LVL N/A|SNP N/A|TLB N/A|LCK N/A|BLK  N/A'
dsrc5='         5080021 N/A|SNP N/A|TLB N/A|LCK N/A'
zero='               0'
{
	n=0
	for tail in ' N/A 4K' ' N/A' "$ip N/A 2M" "$ip$zero N/A 4K" "$dsrc6" "$dsrc6   " "$dsrc6$ip" \
		"$zero$dsrc5$zero$ip" ' /user.slice/user-1000.slice/session-2.scope' \
		"$zero /$ip" "$dsrc6   unknown$ip 4K" ' /system.slice N/A 4K' \
		"$ip 	 IPC: 1.25 (5/4) "; do
		n=$((n + 1))
		printf '              sh   %d [001]  1024.%06d: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16%s\n' \
			$((400 + n)) "$n" "$tail"
	done
} >"$TMP/columns.txt"

samples=$(grep -c ' cma:cma_alloc_finish: ' "$TMP/columns.txt")
framed=$(grep -c '(\[kernel.kallsyms\])' "$TMP/columns.txt")
errnos=$(sed -n 's/.* errorno=\(-[0-9]*\).*/\1/p' "$TMP/columns.txt" | sort -u | paste -sd,)
pids=$(awk '{ print $2 }' "$TMP/columns.txt" | paste -sd' ')
export PINBLAME_DB=$TMP/columns.db
fixture "columns: imports" "$PINBLAME" import "$TMP/columns.txt"
like "$out" "perf-script, $samples events, 0 bad lines" "columns: every sample read"
is "$(sql "SELECT group_concat(pid, ' ') FROM (SELECT pid FROM events ORDER BY line)")" "$pids" \
	"columns: each sample's task"
is "$(sql "SELECT count(*) FROM event_fields WHERE name = 'errorno' AND value = '$errnos'")" "$samples" \
	"columns: every errorno is $errnos, without the columns after it"
is "$(sql "SELECT count(*) FROM events e JOIN stacks s ON s.id = e.stack_id WHERE s.leaf = '__cma_alloc'")" \
	"$framed" "columns: each sample with the ip columns has its frame"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[].errno] | unique')" "[$errnos]" "columns: the failures have their errno"

# with a callchain the page sizes are a line of their own after the last
# frame (and its srcline), with phys_addr before them or not
cat >"$TMP/chain.txt" <<'EOF2'
            echo  1334 [001] 22952.614889: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16
	ffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])
  mm/cma.c:453
	ffffffff81302000 cma_alloc+0x10 ([kernel.kallsyms])
  mm/cma.c:520
 N/A 4K
            echo  1334 [001] 22952.614890: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16
	ffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])
	ffffffff81302000 cma_alloc+0x10 ([kernel.kallsyms])
               0 N/A 2M
EOF2
folded=$(awk '/ cma:cma_alloc_finish: / { if (f != "") print f; f = "" }
	/^\t/ { sub(/\+.*/, "", $2); f = (f == "" ? $2 : $2 ";" f) }
	END { print f }' "$TMP/chain.txt" | paste -sd' ')
export PINBLAME_DB=$TMP/chain.db
fixture "callchain: imports" "$PINBLAME" import "$TMP/chain.txt"
like "$out" "perf-script, 2 events, 0 bad lines" "callchain: both samples read"
is "$(sql "SELECT group_concat(s.folded, ' ') FROM (SELECT stack_id, line FROM events ORDER BY line) e
	JOIN stacks s ON s.id = e.stack_id")" "$folded" "callchain: each stack its frames, no page size among them"

# a value of several words keeps a page size's word: no column ends before it
printf '              sh   412 [001]  1024.500106: probe:pin: comm="sh" note=a b 4K\n' >"$TMP/words.txt"
note=$(sed -n 's/.* note=//p' "$TMP/words.txt")
export PINBLAME_DB=$TMP/words.db
fixture "words: imports" "$PINBLAME" import "$TMP/words.txt"
is "$(sql "SELECT value FROM event_fields WHERE name = 'note'")" "$note" "words: the value's last word stays"

done_testing
