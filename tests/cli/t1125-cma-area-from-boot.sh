#!/usr/bin/env bash
# A CMA failure of a kernel before 5.13 (one cma_alloc event, "pfn=%lx
# page=%p count=%u align=%u", no area) takes its area's name from the
# same boot's kernel log imported with it (doc/FORMATS.md 2.2, "CMA areas
# at boot"): a device-tree pool by its node name, the global "cma=" area
# as "reserved" on a kernel that names it so (4.16+), else "cma@0x" and
# its base. A failure outside every area, or a log of no known boot,
# keeps no area. Inputs written from the format strings; the expected
# area is found by shell arithmetic on the log's base and size and the
# trace's pfn and count.
. "$(dirname "$0")/lib.sh"

# trace PFN: a 4.19 ftrace text of one failed cma_alloc of 2048 pages,
# between two releases of another task's buffer, so that the trace's time
# holds the log's failure line (linked sources: lib/analyze/boots.c).
trace() {
	cat <<TRACE
# tracer: nop
#
#                              _-----=> irqs-off
#                             / _----=> need-resched
#                            | / _---=> hardirq/softirq
#                            || / _--=> preempt-depth
#                            ||| /     delay
#           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION
#              | |       |   ||||       |         |
     composer-1770  [000] ....   118.004100: cma_release: pfn=a0000 page=ffffffbf00280000 count=16
       cam_alloc-2210  [001] ....   120.550310: cma_alloc: pfn=$1 page=          (null) count=2048 align=8
     composer-1770  [000] ....   123.010200: cma_release: pfn=a0010 page=ffffffbf00280400 count=16
TRACE
}

# log RELEASE LINES...: a boot log of RELEASE with the area LINES, and
# cma_alloc()'s failure line at the trace's time.
log() {
	local release=$1
	shift
	echo "[    0.000000] Linux version $release (builder@android-build) (clang version 10.0.7) #1 SMP PREEMPT"
	printf '[    0.000000] %s\n' "$@"
	echo "[  120.550330] cma: cma_alloc: alloc failed, req-size: 2048 pages, ret: -16"
}

# holds LOGFILE TRACEFILE: 1 when the trace's pfns lie in the log's
# first area (4 KiB pages), else 0.
holds() {
	local base mib pfn count
	read -r base mib < <(sed -n -e 's/.*pool at \(0x[0-9a-f]*\), size \([0-9]*\) MiB.*/\1 \2/p' \
		-e 's/.*cma: Reserved \([0-9]*\) MiB at \(0x[0-9a-f]*\).*/\2 \1/p' "$1" | head -1)
	read -r pfn count < <(sed -n 's/.*cma_alloc: pfn=\([0-9a-f]*\) .* count=\([0-9]*\) .*/\1 \2/p' "$2")
	local lo=$((base >> 12)) hi=$(((base + (mib << 20)) >> 12))
	echo $((0x$pfn >= lo && 0x$pfn + count <= hi))
}

# area_of DB: the only failure's area (null when none) and the report's
# row of CMA allocations per area.
area_of() {
	pb -d "$1" failures --json
	local area
	area=$(jq -r '"\(.failures | length) \(.failures[0].area)"' <<<"$out")
	pb -d "$1" report
	echo "$area|$(sed -n '/^CMA allocations per area/,/^$/p' <<<"$out" | sed -n '3p' | tr -s ' ')"
}

pool='Reserved memory: created CMA memory pool at 0x00000000a0000000, size 64 MiB'
node='OF: reserved mem: initialized node linux,cma, compatible id shared-dma-pool'

# --- a device-tree pool and its node ---------------------------------------
trace a3800 >"$TMP/in.txt"
log 4.19.157-perf-g1a2b3c4 "$pool" "$node" >"$TMP/pool.txt"
is "$(holds "$TMP/pool.txt" "$TMP/in.txt")" 1 "the trace's pfns lie in the pool (the last page its last)"
pb -d "$TMP/a.db" import -q "$TMP/in.txt" "$TMP/pool.txt"
is "$rc" 0 "trace and log import together"
is "$(area_of "$TMP/a.db")" "1 linux,cma| linux,cma 1 1 0" \
	"the failure and the report's row take the pool's node name"

# --- the pool without its node line: named by its base ---------------------
log 4.19.157-perf-g1a2b3c4 "$pool" >"$TMP/bare.txt"
pb -d "$TMP/b.db" import -q "$TMP/in.txt" "$TMP/bare.txt"
is "$(area_of "$TMP/b.db")" "1 cma@0xa0000000| cma@0xa0000000 1 1 0" \
	"a pool whose node the log does not name is cma@ its base"

# --- the global area: "reserved" from 4.16, by its base before -------------
reserved='cma: Reserved 64 MiB at 0x00000000a0000000'
log 4.19.157 "$reserved" >"$TMP/global.txt"
is "$(holds "$TMP/global.txt" "$TMP/in.txt")" 1 "the trace's pfns lie in the global area"
pb -d "$TMP/c.db" import -q "$TMP/in.txt" "$TMP/global.txt"
is "$(area_of "$TMP/c.db")" "1 reserved| reserved 1 1 0" \
	"4.19: the only 'cma: Reserved' area is the global one, 'reserved'"
log 4.9.337 "$reserved" >"$TMP/old.txt"
pb -d "$TMP/d.db" import -q "$TMP/in.txt" "$TMP/old.txt"
is "$(area_of "$TMP/d.db")" "1 cma@0xa0000000| cma@0xa0000000 1 1 0" \
	"4.9 named no area: the global one is cma@ its base"
log 4.19.157 "$reserved" 'cma: Reserved 16 MiB at 0x00000000b0000000' >"$TMP/two.txt"
pb -d "$TMP/e.db" import -q "$TMP/in.txt" "$TMP/two.txt"
is "$(area_of "$TMP/e.db")" "1 cma@0xa0000000| cma@0xa0000000 1 1 0" \
	"two 'cma: Reserved' areas: which is the global one is not known, cma@ its base"

# --- no area holds the pfns ---------------------------------------------------
trace b3800 >"$TMP/out.txt"
is "$(holds "$TMP/pool.txt" "$TMP/out.txt")" 0 "pfn 0xb3800 lies outside the pool"
pb -d "$TMP/f.db" import -q "$TMP/out.txt" "$TMP/pool.txt"
is "$(area_of "$TMP/f.db")" "1 null| ? 1 1 0" "a failure outside every area keeps no area"
trace a3c00 >"$TMP/edge.txt"
is "$(holds "$TMP/pool.txt" "$TMP/edge.txt")" 0 "pfns 0xa3c00-0xa4400 run past the pool's end"
pb -d "$TMP/g.db" import -q "$TMP/edge.txt" "$TMP/pool.txt"
is "$(area_of "$TMP/g.db")" "1 null| ? 1 1 0" "a failure that runs past the area's end keeps no area"

# --- a log imported on its own is of no known boot ------------------------
pb -d "$TMP/h.db" import -q "$TMP/in.txt"
pb -d "$TMP/h.db" import -q "$TMP/pool.txt"
pb -d "$TMP/h.db" failures --json
is "$(jq -r '"\(.failures | length) \(.failures[0].area)"' <<<"$out")" "1 null" \
	"trace and log imported apart: not linked, so no area from the log"

done_testing
