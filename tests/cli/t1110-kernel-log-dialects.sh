#!/usr/bin/env bash
# Kernel logs as vendor and old kernels print them: a log with no failure
# records is imported (exit 0) with its kernel release; a run of busy lines
# of one allocation is one failure, final only where the log says the
# allocation failed. The logs are written here from the kernels' format
# strings (doc/FORMATS.md, section 2).
. "$(dirname "$0")/lib.sh"

# --- a kernel log without failure records ----------------------------------

# 6.4+ prints no migration-failure dumps for __GFP_NOWARN callers: a log of
# such a run holds its banner and unrelated lines only
cat >"$TMP/quiet.txt" <<'EOF'
[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x410fd083]
[    0.000000] Linux version 6.12.9-android16-5-g1a2b3c4d5e6f (build-user@build-host) (Android (12345, +pgo) clang version 19.0.1) #1 SMP PREEMPT Tue Jan  7 10:00:00 UTC 2025
[    0.000000] Machine model: Example board
[  120.500000] binder: 901:902 transaction failed 29189/-22, size 0-0 line 3210
EOF

export PINBLAME_DB=$TMP/quiet.db
setup "a trace and a kernel log without failure records import: exit 0" "$PINBLAME" import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" "$TMP/quiet.txt"
like "$out" "quiet.txt: kmsg, 0 events, 0 bad lines, [0-9.]+ s \(a kernel log with no failure records\)" \
	"the summary says the log had no failure records"
is "$(sql "SELECT kernel FROM sources WHERE path LIKE '%quiet.txt'")" "6.12.9-android16-5-g1a2b3c4d5e6f" \
	"the log's kernel release is taken from its 'Linux version' line"
is "$(sql "SELECT count(*) FROM sources")" 2 "both files are sources"

# text that is no kernel log at all still stops the import
printf 'hello\nworld\n' >"$TMP/prose.txt"
export PINBLAME_DB=$TMP/prose.db
pb import --format kmsg "$TMP/prose.txt"
is "$rc" 3 "text forced as a kernel log with no kernel log line in it: exit 3"
like "$err" "prose.txt: no events understood in 2 lines" "and it says so"

# --- busy lines grouped into allocations ----------------------------------

# Samsung's "[%d:%15s:%5d] " prefix names the task; alloc_contig_range()
# prints "%s: [%lx, %lx) PFNs busy" per range, cma_alloc() its pr_debug
# "%s(): memory range at %p is busy, retrying" and at last "%s: %s: alloc
# failed, req-size: %lu pages, ret: %d"
cat >"$TMP/runs.txt" <<'EOF'
[  500.000000] [1:       cma_test:  900] alloc_contig_range: [a0000, a0400) PFNs busy
[  500.000100] [1:       cma_test:  900] cma: cma_alloc(): memory range at 00000000aa11bb22 is busy, retrying
[  500.000200] [1:       cma_test:  900] alloc_contig_range: [a0400, a0800) PFNs busy
[  500.000300] [1:       cma_test:  900] cma: cma_alloc(): memory range at 00000000aa11bb23 is busy, retrying
[  500.000400] [1:       cma_test:  900] alloc_contig_range: [a0400, a0600) PFNs busy
[  520.000000] [2:     camera_hal:  901] alloc_contig_range: [b0000, b0400) PFNs busy
[  520.000100] [3:        surface:  902] alloc_contig_range: [c0000, c0400) PFNs busy
[  530.000000] [2:     camera_hal:  901] alloc_contig_range: [b1000, b1400) PFNs busy
[  530.000100] [2:     camera_hal:  901] cma: cma_alloc: reserved: alloc failed, req-size: 1024 pages, ret: -16
EOF

export PINBLAME_DB=$TMP/runs.db
setup "the log of busy runs imports" "$PINBLAME" import "$TMP/runs.txt"
like "$out" "runs.txt: kmsg, 9 events, 0 bad lines" "every line is a record"
is "$(sql "SELECT count(*) FROM busy_ranges")" 6 \
	"six busy ranges are stored, the two from pfn a0400 as two"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .pid, .outcome]]')" \
	'[["busy_range",900,"recovered"],["busy_range",901,"unknown"],["busy_range",902,"unknown"],["cma_alloc",901,"final"]]' \
	"four allocations: cma_test's five lines are one that cma_alloc() retried and that went on (no 'alloc failed'), two other tasks' lines alone (no retry, no failure line) end unknown, and the one the log says failed is final"
pb failures --outcome unknown --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | .pid]')" '[901,902]' \
	"--outcome unknown lists the two runs no line ends"
pb failures
like "$out" "4 failures: 1 final, 1 recovered, 2 of unknown outcome" "the text sums up the three outcomes"
pb check --max-final 1
is "$rc" 0 "check --max-final 1 passes: one final failure"
like "$err" "warning: 2 failures of unknown outcome .* are not counted by --max-final; --max-failures counts them" \
	"and says what the final count left out"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | .start_pfn] | map(. // 0) | map(tostring)')" \
	"[\"$((0xa0000))\",\"$((0xb0000))\",\"$((0xc0000))\",\"$((0xb1000))\"]" \
	"each starts at the first pfn its lines name"
is "$(sql "SELECT count(*) FROM failures")" 4 "not one failure per line (9 lines, 6 of them busy)"
is "$(printf '%s' "$out" | jq -c '[.failures[] | .busy_ranges]')" '[3,1,1,1]' \
	"cma_test's run has three busy ranges: the two from pfn a0400 end apart, so they are two"

# CONFIG_PRINTK_CALLER's "[%6s]" of "T%u" names the task that printed, "C%u"
# a CPU (no task): two tasks' busy lines at the same moment are two
# allocations, as with Samsung's prefix
cat >"$TMP/caller.txt" <<'EOF'
[   10.000000] [  T901] alloc_contig_range: [a0000, a0400) PFNs busy
[   10.000100] [  T901] alloc_contig_range: [a0400, a0800) PFNs busy
[   10.000200] [  T902] alloc_contig_range: [b0000, b0400) PFNs busy
EOF
export PINBLAME_DB=$TMP/caller.db
setup "caller.txt imports" "$PINBLAME" import "$TMP/caller.txt"
is "$(sql "SELECT count(*) FROM events WHERE pid = 901") $(sql "SELECT count(*) FROM events WHERE pid = 902")" "2 1" \
	"the caller id's task is each line's pid"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.pid, .busy_ranges]]')" '[[901,2],[902,1]]' \
	"T901's two lines are one allocation, T902's another"

# another task's line printed in between does not cut a task's run in two
cat >"$TMP/interleaved.txt" <<'EOF'
[   10.000000] [  T901] alloc_contig_range: [a0000, a0400) PFNs busy
[   10.000100] [  T902] alloc_contig_range: [b0000, b0400) PFNs busy
[   10.000200] [  T901] alloc_contig_range: [a0400, a0800) PFNs busy
EOF
export PINBLAME_DB=$TMP/interleaved.db
setup "interleaved.txt imports" "$PINBLAME" import "$TMP/interleaved.txt"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.pid, .busy_ranges, .start_pfn]]')" \
	"[[901,2,$((0xa0000))],[902,1,$((0xb0000))]]" \
	"T901's lines around T902's are still one allocation"

# the task a vendor prefix names (MediaTek's "%c(%x)[%d:%s]": cpu in hex,
# pid, comm) is the failure's task, name and pid, in every view
cat >"$TMP/comm.txt" <<'EOF'
[  305.123456] .(3)[1267:camera_hal]alloc_contig_range: [a0000, a0400) PFNs busy
[  305.123556] .(3)[1267:camera_hal]cma: cma_alloc: linux,cma: alloc failed, req-size: 1024 pages, ret: -16
EOF
export PINBLAME_DB=$TMP/comm.db
setup "comm.txt imports" "$PINBLAME" import "$TMP/comm.txt"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.pid, .comm]]')" '[[1267,"camera_hal"]]' \
	"the failure's task is camera_hal, pid 1267"
pb failures
like "$out" " camera_hal\[1267\] " "failures shows the task by name"
pb show 1
like "$out" "failure 1: cma_alloc on linux,cma, camera_hal\[1267\]," "and so does show"

# 5.4's "migrating pfn %lx failed ret:%d" and the dump_page() after it
# ("page:%px refcount:%d mapcount:%d mapping:%px index:%#lx", no pfn):
# the error the migration returned is the failure's; a positive ret
# (pages migrate_pages() left) is no error code
cat >"$TMP/migr.txt" <<'EOF'
[  100.000000] migrating pfn 80a10 failed ret:-16
[  100.000010] page:ffffea0002028400 refcount:3 mapcount:1 mapping:ffff888012345679 index:0x7f20671f7
[  100.000020] flags: 0x100000000080014(uptodate|lru|swapbacked)
[  100.000030] page dumped because: migration failure
[  200.000000] migrating pfn 90b20 failed ret:28
EOF
export PINBLAME_DB=$TMP/migr.db
setup "migr.txt imports" "$PINBLAME" import "$TMP/migr.txt"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.reason, .start_pfn, .errno]]')" \
	"[[\"memory_hotplug\",$((0x80a10)),-16],[\"memory_hotplug\",$((0x90b20)),null]]" \
	"the migration that returned -16 is an EBUSY failure, the one that returned 28 has no error code"
pb failures
like "$out" "memory_hotplug +- +final +EBUSY " "failures shows EBUSY"

# a driver that gave up says so in its own words: the busy run before it
# (its task, close in time) failed; such a line alone is no failure
cat >"$TMP/driver.txt" <<'EOF'
[  560.000000] [0:       composer:  950] alloc_contig_range: [d0000, d0400) PFNs busy
[  560.000100] [0:       composer:  950] cma: cma_alloc(): memory range at 00000000aa11bb30 is busy, retrying
[  560.000200] [0:       composer:  950] ion_cma_heap: failed to allocate 4194304 bytes
[  580.000000] [2:       composer:  950] alloc_contig_range: [d1000, d1400) PFNs busy
[  600.000000] [1:        wlan_fw:  960] wlan: Failed to allocate rx ring
EOF
export PINBLAME_DB=$TMP/driver.db
setup "driver.txt imports" "$PINBLAME" import "$TMP/driver.txt"
like "$out" "driver.txt: kmsg, 5 events, 0 bad lines" "the driver's lines are records too"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .pid, .outcome, .start_pfn]]')" \
	"[[\"busy_range\",950,\"final\",$((0xd0000))],[\"busy_range\",950,\"unknown\",$((0xd1000))]]" \
	"the run the driver gave up on is final, the later run's end is unknown, wlan's line alone is no failure"

# --- kernel logs without times ---------------------------------------------

# a console log (printk.time=0) keeps its lines in order: the records of
# one allocation are consecutive, so the busy line and the dump_page()
# before the "alloc failed" line are that failure's, with its error, as in
# the same log with times
cat >"$TMP/untimed.txt" <<'EOF'
page:ffffffe000f23000 refcount:3 mapcount:1 mapping:ffffff8012345678 index:0x7f2067 pfn:0x108c40
anon flags: 0x4000000000080014(uptodate|lru|swapbacked)
page dumped because: migration failure
alloc_contig_range: [108c00, 108e00) PFNs busy
cma: __cma_alloc: reserved: alloc failed, req-size: 512 pages, ret: -16
EOF
sed 's/^/[   12.345678] /' "$TMP/untimed.txt" >"$TMP/timed.txt"
for log in untimed timed; do
	export PINBLAME_DB=$TMP/$log.db
	setup "$log.txt imports" "$PINBLAME" import "$TMP/$log.txt"
	pb failures --json
	is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .area, .outcome, .errno, .busy_ranges, .start_pfn]]')" \
		"[[\"cma_alloc\",\"reserved\",\"final\",-16,1,$((0x108c00))]]" \
		"$log: one allocation that failed with -EBUSY, its busy range and dump joined"
done
export PINBLAME_DB=$TMP/untimed.db
is "$(sql "SELECT count(*) FROM failure_pfn WHERE pfn = $((0x108c40)) AND ts_ns IS NULL")" 1 \
	"without times the dumped page is the failure's, and has no time"

# Samsung's prefix without the printk time: the busy line and the "alloc
# failed" line of the same task are one failed allocation
cat >"$TMP/samsung-untimed.txt" <<'EOF'
[2:   Binder:714_1:  744] alloc_contig_range: [b2a00, b2c00) PFNs busy
[2:   Binder:714_1:  744] cma: cma_alloc: alloc failed, req-size: 512 pages, ret: -16
EOF
export PINBLAME_DB=$TMP/samsung-untimed.db
setup "samsung-untimed.txt imports" "$PINBLAME" import "$TMP/samsung-untimed.txt"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .pid, .comm, .outcome, .errno, .busy_ranges, .ts_ns]]')" \
	'[["cma_alloc",744,"Binder:714_1","final",-16,1,null]]' \
	"one failure of Binder:714_1 with -EBUSY and its busy range, and no time"
pb failures
like "$out" "Binder:714_1\[744\] +final +EBUSY " "failures shows the task and EBUSY"

# without times, line order decides: a driver that gave up ends the run
# just before it (not an earlier one), a later run of that task went on,
# and an "alloc failed" line takes its own task's run after the driver's
cat >"$TMP/untimed-runs.txt" <<'EOF'
[0:       composer:  950] alloc_contig_range: [d0000, d0400) PFNs busy
[0:       composer:  950] ion_cma_heap: failed to allocate 4194304 bytes
[2:       composer:  950] alloc_contig_range: [d1000, d1400) PFNs busy
[2:       composer:  950] alloc_contig_range: [d1400, d1800) PFNs busy
[1:     camera_hal:  901] alloc_contig_range: [b1000, b1400) PFNs busy
[1:     camera_hal:  901] cma: cma_alloc: reserved: alloc failed, req-size: 1024 pages, ret: -16
EOF
export PINBLAME_DB=$TMP/untimed-runs.db
setup "untimed-runs.txt imports" "$PINBLAME" import "$TMP/untimed-runs.txt"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .pid, .outcome, .busy_ranges, .start_pfn]]')" \
	"[[\"busy_range\",950,\"final\",1,$((0xd0000))],[\"busy_range\",950,\"unknown\",2,$((0xd1000))],[\"cma_alloc\",901,\"final\",1,$((0xb1000))]]" \
	"three allocations: the one the driver gave up, composer's next run, camera_hal's failed one"

done_testing
