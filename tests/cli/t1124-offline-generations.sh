#!/usr/bin/env bash
# A memory offlining that failed, as each generation's log says it
# (doc/FORMATS.md 2.2, "Memory offlining, by generation"): 4.18/4.19 with
# CONFIG_DEBUG_VM ("failed to isolate pfn %lx", a dump without a pfn, the
# offlining line without a reason), the same kernel without those lines
# (the offlining line alone, also pasted without a prefix), the older
# "removing pfn %lx from LRU failed" with 3.x's pfn range, 5.x refused at
# isolation (an "unmovable page" dump, "failed due to failure to isolate
# range"), and 5.14's 64 KiB arm64 kernel with "migrating pfn" lines. Each
# is one failure of the block, with the pages the log names. Expected
# values are read from the inputs with sed and shell arithmetic.
. "$(dirname "$0")/lib.sh"

# block FILE SHIFT: the offlining line's [mem START-END] as pfns "LO HI"
# (END is the block's last byte) under a page of 1 << SHIFT bytes.
block() {
	local s e
	read -r s e < <(sed -n 's/.*memory offlining \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p' "$1")
	echo "$((s >> $2)) $((($e + 1) >> $2))"
}

# failure_of DB: kind, reason, range and busy pfns of the only failure.
failure_of() {
	pb -d "$1" failures --json
	jq -r '.failures | length, (.[0] | .kind, .reason, "\(.start_pfn) \(.end_pfn)",
		(.busy_pfns | map(tostring) | join(" ")))' <<<"$out" | paste -sd'|'
}

# --- 4.19 (RHEL 8's 4.18) with CONFIG_DEBUG_VM --------------------------
cat >"$TMP/debugvm.txt" <<'LOG'
[    0.000000] Linux version 4.18.0-477.27.1.el8_8.x86_64+debug (mockbuild@builder) (gcc version 8.5.0 20210514 (Red Hat 8.5.0-18) (GCC)) #1 SMP Thu Aug 31 10:29:22 EDT 2023
[ 1502.330101] failed to isolate pfn 1c7e05
[ 1502.330110] page:ffffea00071f8140 count:2 mapcount:0 mapping:ffff88810b2c3e70 index:0x5d
[ 1502.330112] flags: 0x17ffffc000086c(referenced|uptodate|lru|active|private)
[ 1502.330115] raw: 0017ffffc000086c ffffea00071f8108 ffffea00071f8188 ffff88810b2c3e70
[ 1502.330118] page dumped because: isolation failed
[ 1502.338000] memory offlining [mem 0x1c0000000-0x1c7ffffff] failed
LOG
pfn=$((0x$(sed -n 's/.*failed to isolate pfn \([0-9a-f]*\)$/\1/p' "$TMP/debugvm.txt")))
count=$(sed -n 's/.* count:\([0-9]*\) mapcount:\([0-9]*\) .*/\1 \2/p' "$TMP/debugvm.txt")
pb -d "$TMP/a.db" import -q "$TMP/debugvm.txt"
is "$rc" 0 "4.19 debug: the log imports"
is "$(failure_of "$TMP/a.db")" "1|migrate|memory_hotplug|$(block "$TMP/debugvm.txt" 12)|$pfn" \
	"4.19 debug: one failure of the block (4 KiB pfns), its page the failed-to-isolate pfn"
pb -d "$TMP/a.db" show --json 1
is "$(jq -r '.pages[0].dumps[0] | "\(.refcount) \(.mapcount)"' <<<"$out")" "$count" \
	"4.19 debug: the page shows the counts of the dump after the isolate line"
is "$(jq -r '.failure.offline.line' <<<"$out")" "$(grep -n 'memory offlining' "$TMP/debugvm.txt" | cut -d: -f1)" \
	"4.19 debug: show names the offlining line"
pb -d "$TMP/a.db" check --max-failures 0
is "$rc" 1 "4.19 debug: check --max-failures 0 fails on it"

# --- the same kernel without CONFIG_DEBUG_VM: the offlining line only ----
cat >"$TMP/nodebug.txt" <<'LOG'
[    0.000000] Linux version 4.18.0-477.27.1.el8_8.x86_64 (mockbuild@builder) (gcc version 8.5.0 20210514 (Red Hat 8.5.0-18) (GCC)) #1 SMP Thu Aug 31 10:29:22 EDT 2023
[  640.100000] Offlined Pages 32768
[  702.500000] memory offlining [mem 0x1d0000000-0x1d7ffffff] failed
LOG
pb -d "$TMP/b.db" import -q "$TMP/nodebug.txt"
is "$(failure_of "$TMP/b.db")" "1|migrate|memory_hotplug|$(block "$TMP/nodebug.txt" 12)|" \
	"4.19: the offlining line alone is a failure of its block, no busy page"
pb -d "$TMP/b.db" check --max-failures 0
is "$rc" 1 "4.19: check --max-failures 0 fails on it"

sed -n 's/^\[[^]]*\] //; /memory offlining/p' "$TMP/nodebug.txt" >"$TMP/pasted.txt"
pb -d "$TMP/c.db" import "$TMP/pasted.txt"
is "$rc" 0 "one pasted offlining line imports without --format"
like "$out$err" "kmsg, 1 event" "as a kernel log of one event"
is "$(failure_of "$TMP/c.db")" "1|migrate|memory_hotplug|$(block "$TMP/pasted.txt" 12)|" \
	"and is the failure of its block (4 KiB pfns: no banner says another size)"

# --- before the rename: "removing pfn from LRU failed", 3.x's pfn range --
cat >"$TMP/lru.txt" <<'LOG'
<1>[   95.120000] removing pfn 3a0f1 from LRU failed
<1>[   95.120004] page:ffffea0000e83c40 count:4 mapcount:1 mapping:ffff88003b1c0a01 index:0x7f11c
<1>[   95.120006] page flags: 0x100000000080068(uptodate|lru|active|swapbacked)
<1>[   95.120008] page dumped because: failed to remove from LRU
<6>[   95.300000] memory offlining 38000 to 40000 failed
LOG
read -r lo hi < <(sed -n 's/.*memory offlining \([0-9a-f]*\) to \([0-9a-f]*\) failed/\1 \2/p' "$TMP/lru.txt")
pb -d "$TMP/l.db" import -q "$TMP/lru.txt"
is "$(failure_of "$TMP/l.db")" \
	"1|migrate|memory_hotplug|$((0x$lo)) $((0x$hi))|$((0x$(sed -n 's/.*removing pfn \([0-9a-f]*\) .*/\1/p' "$TMP/lru.txt")))" \
	"old form: the LRU line's page, the block as the pfns the line printed"

# --- 5.x: isolation refused the block ------------------------------------
cat >"$TMP/unmovable.txt" <<'LOG'
[    0.000000] Linux version 5.14.0-503.11.1.el9_5.x86_64 (mockbuild@builder) (gcc (GCC) 11.5.0 20240719 (Red Hat 11.5.0-2), GNU ld version 2.35.2-54.el9) #1 SMP PREEMPT_DYNAMIC Mon Oct 14 11:22:32 EDT 2024
[ 3310.700201] page:000000006b1e0c2f refcount:3 mapcount:1 mapping:0000000000000000 index:0x7fd3a1c4 pfn:0x1e0c2f
[ 3310.700208] flags: 0x17ffffc0080024(uptodate|active|swapbacked|node=0|zone=3|lastcpupid=0x1fffff)
[ 3310.700211] raw: 0017ffffc0080024 ffffea000783c908 ffffea000783ca08 ffff8881047ae961
[ 3310.700214] raw: 000000007fd3a1c4 0000000000000000 0000000300000000 0000000000000000
[ 3310.700216] page dumped because: unmovable page
[ 3310.700240] memory offlining [mem 0x1e0000000-0x1e7ffffff] failed due to failure to isolate range
LOG
pfn=$(sed -n 's/.* pfn:\(0x[0-9a-f]*\)$/\1/p' "$TMP/unmovable.txt")
count=$(sed -n 's/.* refcount:\([0-9]*\) mapcount:\([0-9]*\) .*/\1 \2/p' "$TMP/unmovable.txt")
reason=$(sed -n 's/.* failed due to //p' "$TMP/unmovable.txt")
pb -d "$TMP/d.db" import -q "$TMP/unmovable.txt"
is "$(failure_of "$TMP/d.db")" "1|migrate|memory_hotplug|$(block "$TMP/unmovable.txt" 12)|$((pfn))" \
	"5.x: one failure of the block, its page the unmovable one (not a one-page migrate failure)"
pb -d "$TMP/d.db" show --json 1
is "$(jq -r '.failure.offline.reason' <<<"$out")" "$reason" "5.x: show gives the reason offlining printed"
is "$(jq -r '.pages[0].dumps[0] | "\(.refcount) \(.mapcount) \(.reason)"' <<<"$out")" "$count unmovable page" \
	"5.x: the page shows its dump's counts"
pb -d "$TMP/d.db" show 1
like "$out" "memory offlining failed due to $reason" "5.x: show's text says why"

# --- 5.x: the offlining tried again, and another block ---------------------
# Each attempt dumps the page that refused isolation and ends with its line:
# one failure per attempt, each with the page its own dump names; the other
# block's line, with no dump before it, is a failure without a page.
{
	sed -n '1,6p' "$TMP/unmovable.txt"
	sed -n '7p' "$TMP/unmovable.txt"
	sed -n '2,6p;7p' "$TMP/unmovable.txt" | sed 's/^\[ 3310\./[ 3312./'
	echo '[ 3313.100000] memory offlining [mem 0x1f0000000-0x1f7ffffff] failed due to signal backoff'
} >"$TMP/retry.txt"
pb -d "$TMP/r.db" import -q "$TMP/retry.txt"
pb -d "$TMP/r.db" failures --json
is "$(jq -c '[.failures[] | [.start_pfn, .end_pfn, .busy_pfns]]' <<<"$out")" \
	"[[$(block "$TMP/unmovable.txt" 12 | tr ' ' ,),[$((pfn))]],[$(block "$TMP/unmovable.txt" 12 | tr ' ' ,),[$((pfn))]],[$((0x1f0000000 >> 12)),$((0x1f8000000 >> 12)),[]]]" \
	"5.x retried: a failure per attempt with its own dump's page; the other block's line, none"

# --- 5.14 arm64 with 64 KiB pages: "migrating pfn" lines --------------------
cat >"$TMP/arm64-64k.txt" <<'LOG'
[    0.000000] Linux version 5.14.0-503.11.1.el9_5.aarch64+64k (mockbuild@builder) (gcc (GCC) 11.5.0 20240719 (Red Hat 11.5.0-2), GNU ld version 2.35.2-54.el9) #1 SMP PREEMPT_DYNAMIC Mon Oct 14 11:22:32 EDT 2024
[ 4410.120301] migrating pfn 4a3b7 failed ret:1
[ 4410.120309] page:00000000c1d2e3f4 refcount:4 mapcount:2 mapping:0000000000000000 index:0xffff9a3b pfn:0x4a3b7
[ 4410.120313] flags: 0x17ffff800080024(uptodate|active|swapbacked|node=0|zone=2|lastcpupid=0xffff)
[ 4410.120318] page dumped because: migration failure
[ 4410.120400] migrating pfn 4a3c9 failed ret:1
[ 4410.120407] page:00000000a0b1c2d3 refcount:2 mapcount:0 mapping:00000000f0e1d2c3 index:0x40 pfn:0x4a3c9
[ 4410.120411] flags: 0x17ffff80000202c(referenced|uptodate|lru|private|node=0|zone=2|lastcpupid=0xffff)
[ 4410.120415] page dumped because: migration failure
[ 4440.009001] memory offlining [mem 0x00000004a0000000-0x00000004bfffffff] failed due to signal backoff
LOG
pfns=$(sed -n 's/^.*migrating pfn \([0-9a-f]*\) failed.*/\1/p' "$TMP/arm64-64k.txt" |
	while read -r p; do echo $((0x$p)); done | paste -sd' ')
pb -d "$TMP/e.db" import -q "$TMP/arm64-64k.txt"
is "$(failure_of "$TMP/e.db")" "1|migrate|memory_hotplug|$(block "$TMP/arm64-64k.txt" 16)|$pfns" \
	"arm64 64K: one failure of the block in 64 KiB pfns, both pages the log names"
pb -d "$TMP/e.db" show --json 1
is "$(jq -r '.failure.offline.reason' <<<"$out")" "$(sed -n 's/.* failed due to //p' "$TMP/arm64-64k.txt")" \
	"arm64 64K: the reason offlining printed"

done_testing
