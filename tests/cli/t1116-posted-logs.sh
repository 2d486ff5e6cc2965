#!/usr/bin/env bash
# Kernel logs in the wrappings that users post them in (bug trackers,
# forums, mailing lists): syslog daemons of small systems, journalctl
# without host names, logcat's older formats, dmesg -H with ratelimited
# lines, 32-bit arm call traces. Every log is written here from the format
# strings (doc/FORMATS.md, section 2), never copied from a post; each case
# has its own store, and the expected figures are counted from the file
# with grep and awk.
. "$(dirname "$0")/lib.sh"

# events SQL-counted by name, over the store of the case
count_event() {
	sql "SELECT count(*) FROM events WHERE event = '$1'"
}

# --- busybox syslogd: "date host facility.priority message" ---------------

# klogd hands syslogd "kernel: " and the line with its printk time; a
# daemon's line of the same shape in between is no kernel record
cat >"$TMP/busybox.log" <<'EOF'
Nov 25 10:00:41 imx6 kern.info kernel: [ 5009.361913] alloc_contig_range: [700fb, 700fc) PFNs busy
Nov 25 10:00:41 imx6 kern.info kernel: [ 5009.362001] alloc_contig_range: [70100, 70104) PFNs busy
Nov 25 10:00:41 imx6 daemon.info dnsmasq[812]: failed to allocate 4096 bytes
Nov 25 10:00:41 imx6 kern.info kernel: [ 5009.362100] alloc_contig_range: [70200, 70201) PFNs busy
Nov 25 10:00:41 imx6 kern.err kernel: [ 5009.362300] cma: cma_alloc: alloc failed, req-size: 1024 pages, ret: -16
EOF
export PINBLAME_DB=$TMP/busybox.db
setup "a busybox syslogd log imports" "$PINBLAME" import "$TMP/busybox.log"
kernel_lines=$(grep -c ' kernel: ' "$TMP/busybox.log")
like "$out" "busybox.log: kmsg, $kernel_lines events, 0 bad lines" \
	"each kernel line is a record, the daemon's line none"
is "$(sql "SELECT count(*) FROM busy_ranges")" "$(grep -c 'PFNs busy' "$TMP/busybox.log")" \
	"every PFNs busy line is a busy range"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .outcome, .errorno, .busy_ranges]]')" \
	"[[\"cma_alloc\",\"final\",-16,$(grep -c 'PFNs busy' "$TMP/busybox.log")]]" \
	"the busy run and its 'alloc failed' line are one final cma_alloc failure, EBUSY"
# the printk time of the last line, as awk reads it
is "$(sql "SELECT max(ts_ns) FROM events")" \
	"$(awk -F'[][]' 'END { split($2, t, "."); printf "%d%06d000\n", t[1], t[2] }' "$TMP/busybox.log")" \
	"the times are the printk times inside the lines"

# --- OpenWrt logread: "ctime facility.priority kernel: message" -----------

cat >"$TMP/logread.log" <<'EOF'
Tue Nov 25 10:00:44 2025 kern.warn kernel: alloc_contig_range: [3f000, 3f010) PFNs busy
Tue Nov 25 10:00:45 2025 daemon.notice netifd: alloc_contig_range: [3f000, 3f010) PFNs busy
Tue Nov 25 10:00:46 2025 kern.err kernel: cma: cma_alloc: alloc failed, req-size: 16 pages, ret: -12
EOF
export PINBLAME_DB=$TMP/logread.db
setup "an OpenWrt logread log imports" "$PINBLAME" import "$TMP/logread.log"
like "$out" "logread.log: kmsg, $(grep -c ' kernel: ' "$TMP/logread.log") events, 0 bad lines" \
	"the kernel's lines are records, netifd's is not"
is "$(sql "SELECT min(ts_ns) / 1000000000 FROM events")" "$(date -u -d '2025-11-25 10:00:44' +%s)" \
	"the ctime date is the time of the line"
is "$(sql "SELECT clock FROM sources")" "realtime" "on the wall clock"

# --- journalctl -k -o short-monotonic --no-hostname -----------------------

cat >"$TMP/journal.log" <<'EOF'
[  201.100000] kernel: alloc_contig_range: [b2800, b2c00) PFNs busy
[  201.100100] kernel: cma: cma_alloc: alloc failed, req-size: 1024 pages, ret: -16
[  201.100200] systemd[1]: alloc_contig_range: [b2800, b2c00) PFNs busy
EOF
export PINBLAME_DB=$TMP/journal.db
setup "a journal without host names imports" "$PINBLAME" import "$TMP/journal.log"
like "$out" "journal.log: kmsg, $(grep -c '] kernel: ' "$TMP/journal.log") events, 0 bad lines" \
	"the kernel's lines are records (they were all dropped as other programs')"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .outcome, .start_pfn]]')" \
	"[[\"cma_alloc\",\"final\",$((0xb2800))]]" "one final cma_alloc failure at the busy range"

# --- dmesg -H with ratelimited lines ---------------------------------------

# pr_info_ratelimited() of alloc_contig_range(): ___ratelimit() prints how
# many lines it left out
cat >"$TMP/reltime.log" <<'EOF'
[Nov25 10:00] vpu: start
[  +1.130923] alloc_contig_range: [a5a80, a5ade) PFNs busy
[  +3.610071] alloc_contig_range: 7 callbacks suppressed
[  +0.000009] alloc_contig_range: [a5a80, a5ade) PFNs busy
[  +0.002000] warn_alloc: 59 callbacks suppressed
[  +1.643838] alloc_contig_range: 12 callbacks suppressed
[  +0.000008] alloc_contig_range: [a5880, a58bf) PFNs busy
EOF
export PINBLAME_DB=$TMP/reltime.db
setup "a dmesg -H log with suppressed lines imports" "$PINBLAME" import "$TMP/reltime.log"
is "$(count_event kmsg:suppressed)" "$(grep -c '^\[[^]]*\] alloc_contig_range: [0-9]* callbacks suppressed' "$TMP/reltime.log")" \
	"each 'callbacks suppressed' of alloc_contig_range is a record, warn_alloc's none"
is "$(sql "SELECT sum(value) FROM event_fields WHERE name = 'count'")" \
	"$(awk '/alloc_contig_range: [0-9]+ callbacks suppressed/ { n += $(NF - 2) } END { print n }' "$TMP/reltime.log")" \
	"the records hold the counts of lines left out"
is "$(count_event kmsg:pfns_busy)" "$(grep -c 'PFNs busy' "$TMP/reltime.log")" \
	"the busy lines around them are all read"
pb info
like "$out" "kmsg:suppressed +2" "info lists them"
suppressed=$(awk '/alloc_contig_range: [0-9]+ callbacks suppressed/ { n += $(NF - 2) } END { print n }' "$TMP/reltime.log")
pb blame --json
is "$(printf '%s' "$out" | jq .gaps.suppressed_messages)" "$suppressed" \
	"blame counts the messages left out as a gap"
pb blame
like "$(hints)" "The kernel log left out $suppressed messages of the functions read here" \
	"and says so: the failures and busy pages shown are fewer than there were"

# --- 32-bit arm: a call trace without a "Call trace:" line ------------------

# 4.19 arm (Raspberry Pi 32-bit): dump_backtrace_entry()'s verbose form
cat >"$TMP/arm.log" <<'EOF'
[25820.033600] CPU: 0 PID: 2323 Comm: kodi.bin Not tainted 4.19.97-v7+ #1294
[25820.033610] Hardware name: BCM2835
[25820.033620] [<80111e84>] (unwind_backtrace) from [<8010d0bc>] (show_stack+0x20/0x24)
[25820.033630] [<8010d0bc>] (show_stack) from [<80847e6c>] (dump_stack+0xcc/0x110)
[25820.033640] [<80847e6c>] (dump_stack) from [<80258d44>] (alloc_contig_range+0x3d0/0x3f8)
[25820.033650] [<80258d44>] (alloc_contig_range) from [<802c4a4c>] (cma_alloc+0x150/0x5a4)
[25820.033660] [<802c4a4c>] (cma_alloc) from [<7f1a2b3c>] (vc4_bo_create+0x84/0x1f0 [vc4])
[25820.033695] alloc_contig_range: [2f100, 2f20a) PFNs busy
[25820.033726] alloc_contig_range: [2f200, 2f30a) PFNs busy
[25820.034240] vc4-drm soc:gpu: failed to allocate buffer with size 1089536
EOF
export PINBLAME_DB=$TMP/arm.db
setup "a 32-bit arm log imports" "$PINBLAME" import "$TMP/arm.log"
like "$out" "arm.log: kmsg, 4 events, 0 bad lines" \
	"the call trace, two busy lines and the driver's line are records"
is "$(sql "SELECT depth FROM stacks s JOIN events e ON e.stack_id = s.id WHERE e.event = 'kmsg:call_trace'")" \
	"$(($(grep -c ') from \[<' "$TMP/arm.log") + 1))" \
	"the trace has the first function and each line's caller"
is "$(sql "SELECT s.folded FROM stacks s JOIN events e ON e.stack_id = s.id WHERE e.event = 'kmsg:call_trace'")" \
	"vc4_bo_create [vc4];cma_alloc;alloc_contig_range;dump_stack;show_stack;unwind_backtrace" \
	"its frames, root first, the module kept"
is "$(sql "SELECT pid || ' ' || comm FROM events WHERE event = 'kmsg:call_trace'")" "2323 kodi.bin" \
	"the task of the CPU: line before it"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .outcome, .busy_ranges]]')" \
	"[[\"busy_range\",\"final\",$(grep -c 'PFNs busy' "$TMP/arm.log")]]" \
	"the busy run the driver gave up on is one final failure"

# --- logcat -v time --------------------------------------------------------

cat >"$TMP/logcat.log" <<'EOF'
01-01 09:03:01.491 I/        (    0): alloc_contig_range: [b2800, b2c00) PFNs busy
01-01 09:03:01.492 W/cma     (    0): cma_alloc: reserved: alloc failed, req-size: 1024 pages, ret: -16
01-01 09:03:01.493 I/ActivityManager(  812): Start proc 4321:com.example/u0a77
EOF
export PINBLAME_DB=$TMP/logcat.db
setup "a logcat -v time log imports" "$PINBLAME" import "$TMP/logcat.log"
like "$out" "logcat.log: kmsg, 2 events, 0 bad lines" "the two kernel lines are records"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .area, .outcome]]')" \
	'[["cma_alloc","reserved","final"]]' "the failure names its area from the line logd split"

# --- a syslog file kept over a reboot ---------------------------------------

# rsyslog writes the printk time after its date; after the reboot it counts
# from 0 again. The second boot's failures come after the first boot's.
cat >"$TMP/kernlog.log" <<'EOF'
Jan 11 14:29:18 novena kernel: [ 5009.361913] alloc_contig_range: [700fb, 700fc) PFNs busy
Jan 11 14:37:29 novena kernel: [ 5500.027057] alloc_contig_range: [700fc, 700ff) PFNs busy
Jan 11 14:51:00 novena kernel: [    0.000000] Booting Linux on physical CPU 0x0
Jan 11 14:51:56 novena kernel: [   56.408503] alloc_contig_range: [700fb, 700fc) PFNs busy
Jan 11 14:52:07 novena kernel: [   67.205937] alloc_contig_range: [700fd, 700fe) PFNs busy
EOF
export PINBLAME_DB=$TMP/kernlog.db
setup "a syslog file over a reboot imports" "$PINBLAME" import "$TMP/kernlog.log"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | .line]')" \
	"[$(grep -n 'PFNs busy' "$TMP/kernlog.log" | cut -d: -f1 | paste -sd,)]" \
	"the failures are in the order of the file, not of the printk times"
is "$(sql "SELECT clock FROM sources")" "relative" \
	"the file's clock is no single boot's (never compared with a trace's times)"

# --- a serial console captured with tio's timestamps -----------------------

# tio writes "\r\n[%s] " with "%H:%M:%S.%03ld" before each line it logs
printf '%s\r\n' \
	'[10:00:44.101] [ 5009.361913] alloc_contig_range: [700fb, 700fc) PFNs busy' \
	'[10:00:44.102] [ 5009.362001] alloc_contig_range: [70100, 70104) PFNs busy' \
	'[10:00:44.103] [ 5009.362300] cma: cma_alloc: alloc failed, req-size: 1024 pages, ret: -16' \
	>"$TMP/tio.log"
export PINBLAME_DB=$TMP/tio.db
setup "a tio console log imports" "$PINBLAME" import "$TMP/tio.log"
like "$out" "tio.log: kmsg, $(grep -c '^\[[0-9:.]*\] \[' "$TMP/tio.log") events, 0 bad lines" "every line is a record"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .outcome, .busy_ranges, .ts_ns]]')" \
	"[[\"cma_alloc\",\"final\",$(grep -c 'PFNs busy' "$TMP/tio.log"),5009362300000]]" \
	"one final cma_alloc failure at the printk time of its line"

# --- a journal as syslog, some kernel lines relayed as "kernel[%d]: " -------

# journald's own kernel lines ("kernel: ", a frame with its indent kept)
# and a forwarder's copy carrying the printk time
cat >"$TMP/orin.log" <<'EOF'
Jul 10 16:36:36 orin kernel:  el0t_64_sync+0x1a4/0x1a8
Jul 10 16:36:36 orin kernel: nvgpu: 17000000.gpu nvgpu_cbc_init_support:91 [ERR] Failed to allocate comptags
Jul 10 16:36:36 orin kernel[851]: [   13.879784] cma: cma_alloc: linux,cma: alloc failed, req-size: 62864 pages, ret: -12
Jul 10 16:36:36 orin sh[963]: cma: cma_alloc: linux,cma: alloc failed, req-size: 1 pages, ret: -12
EOF
export PINBLAME_DB=$TMP/orin.db
setup "a journal with relayed kernel lines imports" "$PINBLAME" import "$TMP/orin.log"
is "$(count_event kmsg:cma_alloc_failed)" "$(grep -c 'kernel\[[0-9]*\]: .*alloc failed' "$TMP/orin.log")" \
	"the relayed kernel line is a record, the shell's of the same words none"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | select(.kind == "cma_alloc") | [.area, .errorno]]')" \
	'[["linux,cma",-12]]' "its failure names the area and the error"

done_testing
