#!/usr/bin/env bash
# perf script's other columns around a tracepoint sample (builtin-script.c
# process_event(), perf_sample__fprintf_start(); doc/FORMATS.md section
# 1.1, "perf script, the other -F columns"): -F +addr and +weight ("%16"
# PRIx64 / PRIu64 right after the body: 0 for a tracepoint, 15 blanks and
# "0"), +iregs and +uregs (" ABI:%llu " then "%5s:0x%llx " each),
# +insnlen and +insn (" ilen: %d", " insn:" and the bytes), +phys_addr
# ("%16" PRIx64 last) were words of the body's last value (errorno held no
# number) and, after the ip columns, left the sample without its frame.
# With a callchain those after the ip come on a line of their own after
# the last frame (a root frame "ABI:2 ..." after a srcline). Read before
# this change already, and checked here: +flags (blanks before
# the body for a tracepoint), +period, +tod, +srcline under each frame,
# and the PERF_RECORD_ lines of --show-task-events, --show-mmap-events,
# --show-switch-events and --show-round-events between samples (skipped,
# counted as side-band records, no callchain cut by them). Every expected
# value is read from the input with grep, sed and awk.
. "$(dirname "$0")/lib.sh"

ip=' ffffffff81234569 __cma_alloc+0x200 ([kernel.kallsyms])'
{
	n=0
	for tail in '               0' "               0               0$ip" \
		' ABI:2    AX:0x0    BX:0xffff888100a3c000 ' \
		"$ip ABI:2    AX:0x0    IP:0xffffffff81234569  ABI:2    SP:0x7ffc12345678 " \
		"$ip ABI:1    x0:0x0   x29:0xffff800008f3bd40    lr:0xffff80000839cbf0 " \
		"$ip ilen: 0" "$ip ilen: 5 insn: e8 1b 2c 3d 4e" "$ip insn: 0f 1f 44 00 00" "$ip               0" \
		"               0$ip ABI:2    AX:0x0  ilen: 0               0"; do
		n=$((n + 1))
		printf '              sh   %d [001]  1024.%06d: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16%s\n' \
			$((400 + n)) "$n" "$tail"
	done
} >"$TMP/columns.txt"

cat >"$TMP/side.txt" <<'EOF2'
              sh   412 [001] 2026-11-25 14:54:01.678417  1024.500100:          1 PERF_RECORD_COMM exec: sh:412/412
              sh   412 [001] 2026-11-25 14:54:01.678418  1024.500101:          1 PERF_RECORD_MMAP2 412/412: [0x55d0c0000000(0x1000) @ 0 fd:01 1234 0]: r-xp /usr/bin/sh
              sh   412 [001] 2026-11-25 14:54:01.678419  1024.500102:          1 cma:cma_alloc_start:                         name=reserved count=1024 align=8
	ffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])
  mm/cma.c:453
	ffffffff81302000 cma_alloc+0x10 ([kernel.kallsyms])
  mm/cma.c:520

              sh   412 [001] 2026-11-25 14:54:01.678420  1024.500103:          1 PERF_RECORD_SWITCH_CPU_WIDE OUT preempt  next pid/tid:   413/413
PERF_RECORD_FINISHED_ROUND
              sh   412 [001] 2026-11-25 14:54:01.678421  1024.500104:          1 PERF_RECORD_FORK(414:414):(412:412)
              sh   412 [001] 2026-11-25 14:54:01.678422  1024.500105:          1 cma:cma_alloc_finish:                         name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16
	ffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])
  mm/cma.c:453
	ffffffff81302000 cma_alloc+0x10 ([kernel.kallsyms])
  mm/cma.c:520

              sh   412 [001] 2026-11-25 14:54:01.678423  1024.500106:          1 PERF_RECORD_EXIT(414:414):(412:412)
EOF2

# columns.txt: one sample a line; its errorno, its pid, and a frame when
# the line has the dso column
samples=$(grep -c ' cma:cma_alloc_finish: ' "$TMP/columns.txt")
framed=$(grep -c '(\[kernel.kallsyms\])' "$TMP/columns.txt")
pids=$(awk '{ print $2 }' "$TMP/columns.txt" | paste -sd' ')
times=$(awk '{ sub(/:$/, "", $4); split($4, t, "."); print t[1] t[2] "000" }' "$TMP/columns.txt" | paste -sd' ')
export PINBLAME_DB=$TMP/columns.db
fixture "columns: imports" "$PINBLAME" import "$TMP/columns.txt"
like "$out" "perf-script, $samples events, 0 bad lines" "columns: every sample read"
is "$(sql "SELECT group_concat(pid, ' ') FROM (SELECT pid FROM events ORDER BY line)")" "$pids" \
	"columns: each sample's task"
is "$(sql "SELECT group_concat(ts_ns, ' ') FROM (SELECT ts_ns FROM events ORDER BY line)")" "$times" \
	"columns: and time"
is "$(sql "SELECT count(*) FROM event_fields WHERE name = 'errorno' AND value = '-16'")" "$samples" \
	"columns: every errorno is -16, without the columns after it"
is "$(sql "SELECT count(*) FROM events e JOIN stacks s ON s.id = e.stack_id WHERE s.leaf = '__cma_alloc'")" \
	"$framed" "columns: each sample with the ip columns has its frame"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[].errno] | unique')" "[-16]" "columns: the failures have their errno"

# side.txt: the samples between side-band records
events=$(grep -c ' cma:cma_alloc_' "$TMP/side.txt")
side=$(grep -c 'PERF_RECORD_' "$TMP/side.txt")
leaves=$(awk '/ cma:cma_alloc_/ { getline; print $2 }' "$TMP/side.txt" | sed 's/+.*//' | paste -sd' ')
frames=$(grep -c '^	' "$TMP/side.txt")
stimes=$(awk '/ cma:cma_alloc_/ { sub(/:$/, "", $6); split($6, t, "."); print t[1] t[2] "000" }' "$TMP/side.txt" | paste -sd' ')
export PINBLAME_DB=$TMP/side.db
fixture "side-band: imports" "$PINBLAME" import "$TMP/side.txt"
like "$out" "perf-script, $events events, 0 bad lines" "side-band: the samples read, no line refused"
like "$out" "$side side-band records skipped" "side-band: each PERF_RECORD_ line counted as a side-band record"
is "$(sql "SELECT group_concat(ts_ns, ' ') FROM (SELECT ts_ns FROM events ORDER BY line)")" "$stimes" \
	"side-band: the samples' times (not the time of day, nor the period)"
is "$(sql "SELECT group_concat(s.leaf, ' ') FROM (SELECT stack_id, line FROM events ORDER BY line) e
	JOIN stacks s ON s.id = e.stack_id")" "$leaves" "side-band: each sample's callchain, leaf first"
is "$(sql "SELECT sum(s.depth) FROM events e JOIN stacks s ON s.id = e.stack_id")" "$frames" \
	"side-band: every frame line a frame, no srcline one"
is "$(sql "SELECT value FROM event_fields WHERE name = 'errorno'")" "-16" \
	"side-band: the body after the flags' blanks"
# with a callchain the columns after the ip are a line of their own after
# the last frame (and its srcline), no blank line after it: that line was
# the callchain's root frame "ABI:2 ..." after a srcline
cat >"$TMP/chain.txt" <<'EOF2'
            echo  1334 [001] 22952.614889: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16               0
	ffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])
  mm/cma.c:453
	ffffffff81302000 cma_alloc+0x10 ([kernel.kallsyms])
  mm/cma.c:520
 ABI:2    AX:0xffffffffffffffda    BX:0x3  ilen: 6               0
            echo  1334 [001] 22952.614890: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16
	ffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])
	ffffffff81302000 cma_alloc+0x10 ([kernel.kallsyms])
 ABI:2    AX:0xffffffffffffffda    BX:0x3 
EOF2
folded=$(awk '/ cma:cma_alloc_finish: / { if (f != "") print f; f = "" }
	/^\t/ { sub(/\+.*/, "", $2); f = (f == "" ? $2 : $2 ";" f) }
	END { print f }' "$TMP/chain.txt" | paste -sd' ')
export PINBLAME_DB=$TMP/chain.db
fixture "callchain: imports" "$PINBLAME" import "$TMP/chain.txt"
like "$out" "perf-script, 2 events, 0 bad lines" "callchain: both samples read"
is "$(sql "SELECT group_concat(s.folded, ' ') FROM (SELECT stack_id, line FROM events ORDER BY line) e
	JOIN stacks s ON s.id = e.stack_id")" "$folded" "callchain: each stack its frames, no register line among them"
is "$(sql "SELECT count(*) FROM event_fields WHERE name = 'errorno' AND value = '-16'")" 2 \
	"callchain: and each errorno -16"
# the same columns as perf 6.1 printed them (Debian 12's perf, a sample of
# syscalls:sys_enter_write recorded with -d --phys-data --intr-regs=ax,bx,ip
# -W, perf script -F comm,tid,cpu,time,event,trace,addr,weight,ip,sym,dso,
# iregs,phys_addr,insnlen), and with -g (-F without weight)
cat >"$TMP/real.txt" <<'EOF2'
            echo 32294 [001] 22932.654494: syscalls:sys_enter_write: fd: 0x00000001, buf: 0x55a45da20b60, count: 0x00000003               0               0     7fc225ac1350 __GI___libc_write (/usr/lib/x86_64-linux-gnu/libc.so.6) ABI:2    AX:0xffffffffffffffda    BX:0x3    IP:0x7fc225ac1350  ilen: 6               0
echo  1334 [001] 22952.614889: syscalls:sys_enter_write: fd: 0x00000001, buf: 0x5617d1242b60, count: 0x00000003               0
	           f8350 __GI___libc_write (/usr/lib/x86_64-linux-gnu/libc.so.6)
	               0 [unknown] ([unknown])
 ABI:2    AX:0xffffffffffffffda    BX:0x3  ilen: 6               0
EOF2
bodies=$(sed -n 's/.*sys_enter_write: \(.*0x0000000[0-9]\)  .*/\1/p' "$TMP/real.txt" | tr -d , | paste -sd'#')
export PINBLAME_DB=$TMP/real.db
fixture "perf 6.1: imports" "$PINBLAME" import "$TMP/real.txt"
like "$out" "perf-script, 2 events, 0 bad lines" "perf 6.1: both samples read"
is "$(sql "SELECT replace(group_concat(body, '#'), ',', '') FROM (SELECT body FROM events ORDER BY line)")" "$bodies" \
	"perf 6.1: each body the trace's text alone"
done_testing
