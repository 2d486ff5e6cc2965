#!/bin/sh
# The e2e workload, run by the guest under pinblame record: holdpages fills
# memory and holds one page per stride (vmsplice and splice into pipes
# nobody reads, and O_DIRECT reads of a slow disk in flight); then the
# gigantic hugetlb pool is grown out of hugetlb_cma while the pages are
# held, so cma_alloc() runs into them; then the holder is let go. The
# held pages are listed in /out/held-pages.tsv.
# the smallest gigantic size: the smallest huge page larger than the
# buddy allocator's largest block (the page size << MAX_PAGE_ORDER; buddyinfo
# has a column per order), which cma_alloc() and alloc_contig_range() must
# then provide: 32 MB on arm64 with 4K pages (blocks of 4 MB), 1 GB on
# x86_64 (4 MB) and on arm64 with 16K pages (32 MB blocks, so its 32 MB
# PMD pages come from the buddy allocator)
page_kb=$(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps 2>/dev/null)
page_kb=${page_kb:-4}	# smaps needs CONFIG_PROC_PAGE_MONITOR
orders=$(awk 'NR == 1 { print NF - 4 }' /proc/buddyinfo)
block_kb=$(( page_kb << (orders - 1) ))
HP=
for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
	kb=${d##*hugepages-}
	kb=${kb%kB}
	[ "$kb" -gt "$block_kb" ] || continue
	[ -n "$HP" ] && [ "$kb" -ge "$hp_kb" ] && continue
	HP=$d
	hp_kb=$kb
done
[ -n "$HP" ] || { echo "workload: no huge page size above the ${block_kb} kB buddy blocks"; exit 1; }
echo "workload: ${page_kb} kB pages, ${block_kb} kB buddy blocks: gigantic pages of ${hp_kb} kB"
STRIDE_KB=128
NHUGE=2
# memory left free: a range can only be emptied into free memory elsewhere.
# arm64 grows 32 MB pages from the CMA area; amd64 (no CMA in Debian's
# kernels) migrates out 1 GB ranges, which fails with -ENOMEM, before any
# page is tested, when memory is full (run.sh passes PB_E2E_HEADROOM_MB)
# (1 GB pages, as on arm64 with 16K pages, need some 3 of them free: 3072)
HEADROOM_MB=${PB_E2E_HEADROOM_MB:-$(( hp_kb >> 20 > 0 ? 3 * (hp_kb >> 10) : 600 ))}

avail=$(( $(sed -n 's/^MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo) / 1024 ))
fill=$(( avail - HEADROOM_MB ))
anon=$(( fill * 6 / 10 ))
echo "workload: MemAvailable ${avail} MB: ${anon} MB anon, $(( fill - anon )) MB tmpfs, one page per ${STRIDE_KB} KB held"
# A slow disk for holdpages -D: null_blk completing each read 3 s after it
# was issued (a timer a request, under its queue's 5 s timeout), with a
# queue as deep as the 2048 reads holdpages keeps in flight. That many
# vmspliced pages, spread over the area, become the buffers of such reads,
# each issued again as soon as it completes: held by the block layer, given
# back at completion.
dio=
for m in $(cat /modules/slow-disk 2>/dev/null); do
	case $m in
	null_blk.ko) insmod /modules/$m nr_devices=1 irqmode=2 completion_nsec=3000000000 \
		hw_queue_depth=2048 submit_queues=1 ;;
	*) insmod /modules/$m ;;
	esac
done
[ -b /dev/nullb0 ] && dio="-D /dev/nullb0"
echo "workload: ${dio:-no slow disk (null_blk): no O_DIRECT reads held}"
rm -f /tmp/hold.ready
holdpages -a $anon -f $(( fill - anon )) -s $STRIDE_KB -A -F $dio \
	-o /out/held-pages.tsv -r /tmp/hold.ready > /out/holdpages.log 2>&1 &
holder=$!
i=0
while [ ! -e /tmp/hold.ready ] && [ $i -lt 1200 ] && kill -0 $holder 2>/dev/null; do
	sleep 0.5
	i=$((i + 1))
done
[ -e /tmp/hold.ready ] || { echo "workload: holdpages did not get ready"; cat /out/holdpages.log; exit 1; }
echo $NHUGE > $HP/nr_hugepages
echo "workload: nr_hugepages $NHUGE -> $(cat $HP/nr_hugepages)"
echo 0 > $HP/nr_hugepages
kill $holder
wait $holder
cat /out/holdpages.log
