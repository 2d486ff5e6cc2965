#!/usr/bin/env bash
# The traced kernel's page size, per source (schema 6: sources.page_size
# and page_size_from): a kprobe on generic_file_splice_read() prints the
# file offset pos= (its definition in doc/FORMATS.md: file=$arg1 pos=+0($arg2)),
# a kernel log's dump_page() prints the busy page's index: (mm/debug.c
# "page:%p refcount:%d mapcount:%d mapping:%p index:%#lx pfn:%#lx"), and
# the two meet where pos / PAGE_SIZE == index. The trace here is of a
# 16 KiB kernel: its offset names the dump's index with 16384 only. The
# size comes from `pinblame record`'s header, else the release's flavour
# (-arm64-16k), else an arch with one size (x86_64); unknown, 4096 is
# tried first, then 16 and 64 KiB. A store of schema 5 is upgraded with
# every row kept and its sources' page size unknown.
. "$(dirname "$0")/lib.sh"

POS=131072
cat >"$TMP/dmesg.txt" <<'LOG'
[    0.000000] Linux version 6.1.0-50-arm64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP Debian 6.1.176-1 (2026-10-01)
[   41.611842] page:fffffc0004380140 refcount:3 mapcount:0 mapping:ffff00010c80bc38 index:0x8 pfn:0x14e005
[   41.611932] memcg:ffff00010010a000
[   41.612246] aops:0xffff800008d36200 ino:2 dentry name(?):"holdpages.dat"
[   41.612448] flags: 0xbfffc000008002e(referenced|uptodate|dirty|active|swapbacked|node=0|zone=2|lastcpupid=0xffff)
[   41.612865] raw: 0bfffc000008002e ffff80000a56b698 ffff80000a56b698 ffff00010c80bc38
[   41.612901] raw: 0000000000000008 0000000000000000 00000003ffffffff ffff00010010a000
[   41.612955] page dumped because: migration failure
[   41.613000] alloc_contig_range: [14e000, 14e400) PFNs busy
LOG

# trace HEADER-LINES...: the splice trace with these pinblame-record lines.
trace() {
	printf '# tracer: nop\n#\n'
	for h in "$@"; do
		printf '# pinblame-record: %s\n' "$h"
	done
	cat <<TRACE
#
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
       holdpages-324     [001] d....    37.403566: generic_file_splice_read: (generic_file_splice_read+0x0/0x180) file=0xffff000100971b00 pos=$POS len=16384
       holdpages-324     [001] d....    37.403589: <stack trace>
 => generic_file_splice_read
 => splice_file_to_pipe
 => do_splice
 => __arm64_sys_splice
 => invoke_syscall
 => el0_svc_common.constprop.0
 => do_el0_svc
 => el0_svc
 => el0t_64_sync_handler
 => el0t_64_sync
TRACE
}

index=$(( $(sed -n 's/.* index:\(0x[0-9a-f]*\) .*/\1/p' "$TMP/dmesg.txt") ))
pfn=$(( 0x$(sed -n 's/.* pfn:0x\([0-9a-f]*\)$/\1/p' "$TMP/dmesg.txt") ))
is "$((POS / 16384))/$((POS / 4096))/$((POS / 65536))" "$index/32/2" \
	"the offset is at the dump's index with 16 KiB pages only (shell arithmetic)"

# case NAME HEADER-LINES...: a store of the trace with those lines and the log.
case_store() {
	local name=$1
	shift
	export PINBLAME_DB=$TMP/$name.db
	trace "$@" >"$TMP/$name.txt"
	setup "$name: the trace and the log import" "$PINBLAME" import -q "$TMP/$name.txt" "$TMP/dmesg.txt"
	pb blame --json
}
joined() {
	sql "SELECT count(*) || ' ' || COALESCE(min(pfn), '-') FROM evidence WHERE kind = 'dump_probe'"
}

case_store header16k kernel=6.1.0-50-arm64 arch=aarch64 page_size=16384
is "$(sql "SELECT page_size || ' ' || page_size_from FROM sources WHERE format = 'ftrace'")" \
	"16384 header" "the record header's page_size is the source's"
is "$(joined)" "1 $pfn" "pos / 16384 joins the probe hit to the dumped busy page"
like "$out" '"callsite":"do_splice"' "blame names the splice's call site"
pb info
like "$out" "arch aarch64, page size 16384 \\(its header\\)" "info says the size and what said it"
pb info --json
like "$out" '"page_size":16384,"page_size_from":"header"' "info --json has both"

pb merge "$TMP/merged.db" "$PINBLAME_DB"
is "$("$PINBLAME" -d "$TMP/merged.db" query --csv "SELECT page_size || ' ' || page_size_from FROM sources WHERE format = 'ftrace'" | sed -n 2p)" \
	"16384 header" "merge copies the page size and what said it"

case_store header4k kernel=6.1.0-50-arm64 arch=aarch64 page_size=4096
is "$(joined)" "0 -" "a 4 KiB kernel's same offset is index 32: no join, and no other size tried"

case_store release16k kernel=6.1.0-arm64-16k arch=aarch64
is "$(sql "SELECT page_size || ' ' || page_size_from FROM sources WHERE format = 'ftrace'")" \
	"16384 release" "without the header, the release's -16k flavour says it"
is "$(joined)" "1 $pfn" "and the join finds the busy page with it"
is "$(sql "SELECT count(*) FROM sources WHERE format = 'kmsg' AND page_size IS NULL")" 1 \
	"the log of a plain arm64 release has no page size (arm64 is not always 4 KiB)"

case_store unknown kernel=6.1.0-50-arm64 arch=aarch64
is "$(sql "SELECT count(*) FROM sources WHERE page_size IS NULL")" 2 "no source knows the size"
is "$(joined)" "1 $pfn" "4096 puts the hit at no busy page's index, 16384 does"
is "$(sql "SELECT file_page_size || ' ' || file_page_size_from FROM probe_map WHERE source_id = 1")" \
	"16384 guess" "probe_map keeps the size the join took, as a guess"
pb info
like "$out" "page size unknown; pos / 16384 matched 1 busy page" "info says it was a guess"

case_store x86 kernel=6.1.0-50-amd64 arch=x86_64
is "$(sql "SELECT page_size || ' ' || page_size_from FROM sources WHERE format = 'ftrace'")" \
	"4096 arch" "x86_64 has 4 KiB pages only"
is "$(joined)" "0 -" "so the offset is index 32 there"

# A store of schema 5 (testdata/stores/v5-page-size.db.xz: this trace,
# with kernel=6.1.0-arm64-16k and no page_size, and the log, imported and
# blamed by the build before schema 6).
export PINBLAME_DB=$TMP/v5.db
fixture "the schema 5 store unpacks" sh -c 'xz -dc "$1" >"$2"' sh \
	"$PB_TESTDATA/stores/v5-page-size.db.xz" "$PINBLAME_DB"
is "$(sqlite3 "$PINBLAME_DB" 'PRAGMA user_version')" 5 "it is of version 5"
counts() {
	local t
	for t in source event event_index bad_line name keyset stack frame symbol busy_range \
		evidence failure failure_pfn attribution; do
		printf '%s=%s ' "$t" "$(sqlite3 "$PINBLAME_DB" "SELECT count(*) FROM $t")"
	done
}
before=$(counts)
pb info
is "$rc" 0 "info opens and upgrades it"
is "$(sqlite3 "$PINBLAME_DB" 'PRAGMA user_version')" 7 "it is of version 7 now"
is "$(counts)" "$before" "every table keeps its rows"
is "$(sql "SELECT count(*) FROM sources WHERE page_size IS NULL AND page_size_from IS NULL")" 2 \
	"its sources' page size is unknown (their headers are not read again)"
is "$(sql "SELECT count(*) FROM probe_map")" 0 "no fit is stored before the next refresh"
pb blame
is "$rc" 0 "blame reads it"

done_testing
