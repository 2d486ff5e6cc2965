#!/usr/bin/env bash
# One holder, one call-site name, on kernels and arches the real captures
# do not come from. Each busy page of one failed CMA allocation has the
# page_ref get (or, after the failure, put) of one holder, with the stack
# that holder's path has on one kernel version and arch, written from the
# kernel source (no capture): the GUP slow walk's grab of a huge mapping,
# which the walk hands to the mapping's own code (THP:
# follow_trans_huge_pmd() of mm/huge_memory.c up to 6.7, mm/gup.c's
# follow_huge_pmd() 6.8+; hugetlb: follow_hugetlb_page() up to 6.4,
# hugetlb_follow_page_mask() 6.5-6.9), the compiler's choice to inline a
# static part (process_vm_rw_single_vec() and process_vm_rw_core() of
# mm/process_vm_access.c, link_pipe() of fs/splice.c), the put of a direct
# I/O's pages at its completion (block/bio.c: bio_release_pages() 5.10,
# __bio_release_pages() 5.15+, under bio_check_pages_dirty() for a read),
# tee(2)'s pipe buffer reference (generic_pipe_buf_get() of fs/pipe.c), a
# core dump's get_dump_page() (mm/gup.c), udmabuf's pin of a memfd
# (drivers/dma-buf/udmabuf.c: memfd_pin_folios() of mm/gup.c from 6.11,
# under udmabuf_pin_folios() later), a page cache lookup's reference
# (mm/filemap.c: find_get_entry() up to 5.12, mapping_get_entry() 5.13-6.1;
# fault-around's next_uptodate_page() 5.12-6.0, next_uptodate_folio()
# 6.1+) and, in page_owner, readahead's allocation (mm/readahead.c:
# __do_page_cache_readahead() under ondemand_readahead() before 5.10,
# page_cache_ra_unbounded() since).
# The expected name of each page is the function that asked for the page
# on that path, read by hand in the stack written for it below.
. "$(dirname "$0")/lib.sh"

header() { printf '# tracer: nop\n#\n'; }
ev() { printf '%20s [001] .....  %11s: %s: %s\n' "$1" "$2" "$3" "$4"; }
# get|put TASK-PID TIME PFN FRAME...: a page_ref_mod get (count 2 -> 3) or
# page_ref_mod_and_test put (3 -> 2), with its stacktrace trigger's frames
# (the tracepoint's own first, as ftrace prints them).
ref() {
	local kind=$1 task=$2 t=$3 pfn=$4 event body
	shift 4
	if [ "$kind" = get ]; then
		event=page_ref_mod body="count=3 mapcount=1 mapping=0000000071c3a2e1 mt=1 val=1"
	else
		event=page_ref_mod_and_test body="count=2 mapcount=1 mapping=0000000071c3a2e1 mt=1 val=-1 ret=0"
	fi
	ev "$task" "$t" "$event" "pfn=$pfn flags=uptodate|lru $body"
	printf '%20s [001] .....  %11s: <stack trace>\n' "$task" "$t"
	printf ' => trace_event_raw_event_page_ref_mod_template\n => __traceiter_%s\n' "$event"
	printf ' => %s\n' "$@"
}
EL0_510="el0_svc_common.constprop.0 do_el0_svc el0_svc el0_sync_handler el0_sync"
X86_66="do_syscall_64 entry_SYSCALL_64_after_hwframe"
X86_612="x64_sys_call do_syscall_64 entry_SYSCALL_64_after_hwframe"

# PFN EXPECTED: the holder of each busy page, read in its stack below.
cat >"$TMP/expected" <<'EOF'
0x150001 process_vm_rw
0x150402 process_vm_rw
0x150803 process_vm_rw
0x150c04 io_sqe_buffer_register
0x151005 io_sqe_buffer_register
0x151406 io_sqe_buffer_register
0x151807 do_tee
0x151c08 do_tee
0x152009 iomap_dio_bio_end_io
0x15240a iomap_dio_bio_end_io
0x15280b iomap_dio_bio_end_io
0x152c0c dump_user_range
0x15300d udmabuf_create
0x15340e udmabuf_create
EOF
# PFN: pages whose only reference is a page cache lookup's, a common path
# (never blamed) on every generation of its names.
printf '%s\n' 0x154001 0x154402 0x154803 >"$TMP/common"
{
	header
	# process_vm_readv(2) of a THP: arm64 5.10, every part out of line
	ref get pvm-901 40.000000 0x150001 __page_ref_mod try_grab_page follow_trans_huge_pmd \
		follow_pmd_mask follow_pud_mask follow_p4d_mask follow_page_mask __get_user_pages \
		__get_user_pages_remote pin_user_pages_remote process_vm_rw_single_vec \
		process_vm_rw_core.constprop.0 process_vm_rw __arm64_sys_process_vm_readv $EL0_510
	# x86_64 6.6, process_vm_rw_single_vec() inlined
	ref get pvm-902 40.100000 0x150402 __page_ref_mod try_grab_page follow_trans_huge_pmd \
		follow_pmd_mask.isra.0 follow_page_mask __get_user_pages __gup_longterm_locked \
		pin_user_pages_remote process_vm_rw_core.constprop.0 process_vm_rw \
		__x64_sys_process_vm_readv $X86_66
	# riscv64 6.12: gup.c's follow_huge_pmd(), process_vm_rw_core() inlined
	ref get pvm-903 40.200000 0x150803 __page_ref_mod try_grab_folio follow_huge_pmd \
		follow_pmd_mask follow_pud_mask follow_page_mask __get_user_pages \
		__gup_longterm_locked pin_user_pages_remote process_vm_rw_single_vec process_vm_rw \
		__riscv_sys_process_vm_readv do_trap_ecall_u handle_exception
	# io_uring buffers on hugetlbfs: arm64 5.10 (follow_hugetlb_page)
	ref get ring-911 41.000000 0x150c04 __page_ref_mod try_grab_page follow_hugetlb_page \
		__get_user_pages __gup_longterm_locked pin_user_pages io_sqe_buffer_register \
		io_sqe_buffers_register __io_uring_register __arm64_sys_io_uring_register $EL0_510
	# s390x 6.6 (hugetlb_follow_page_mask under follow_page_mask)
	ref get ring-912 41.100000 0x151005 __page_ref_mod try_grab_page hugetlb_follow_page_mask \
		follow_page_mask __get_user_pages __gup_longterm_locked pin_user_pages io_pin_pages \
		io_sqe_buffer_register io_sqe_buffers_register __io_uring_register \
		__s390x_sys_io_uring_register __do_syscall system_call
	# ppc64le 6.1 (follow_hugetlb_page, try_grab_folio)
	ref get ring-913 41.200000 0x151406 __page_ref_mod try_grab_folio follow_hugetlb_page \
		__get_user_pages __gup_longterm_locked pin_user_pages io_pin_pages \
		io_sqe_buffer_register io_sqe_buffers_register __io_uring_register \
		__powerpc_sys_io_uring_register system_call_exception system_call_common
	# tee(2): arm64 5.10, and x86_64 6.6 with link_pipe() inlined into do_tee()
	ref get tee-921 42.000000 0x151807 __page_ref_mod generic_pipe_buf_get link_pipe do_tee \
		__arm64_sys_tee $EL0_510
	ref get tee-922 42.100000 0x151c08 __page_ref_mod generic_pipe_buf_get do_tee \
		__x64_sys_tee $X86_66
	# a core dump's page: x86_64 5.10
	ref get core-941 44.000000 0x152c0c __page_ref_mod try_grab_page follow_page_pte \
		follow_page_mask __get_user_pages __get_user_pages_locked get_dump_page \
		dump_user_range elf_core_dump do_coredump get_signal arch_do_signal_or_restart \
		exit_to_user_mode_prepare $X86_66
	# udmabuf: 6.11 x86_64 (udmabuf_create() calls memfd_pin_folios()),
	# 6.13 arm64 (through udmabuf_pin_folios())
	ref get qemu-961 44.500000 0x15300d __page_ref_mod try_grab_folio memfd_pin_folios \
		udmabuf_create udmabuf_ioctl __x64_sys_ioctl $X86_612
	ref get qemu-962 44.600000 0x15340e __page_ref_mod try_grab_folio memfd_pin_folios \
		udmabuf_pin_folios udmabuf_create udmabuf_ioctl __arm64_sys_ioctl \
		invoke_syscall el0_svc_common.constprop.0 do_el0_svc el0_svc el0t_64_sync_handler \
		el0t_64_sync
	# fault-around of a file mapping: 5.15 (next_uptodate_page), 6.6
	# (next_uptodate_folio); a write's lookup on 6.1 (mapping_get_entry)
	ref get app-951 45.000000 0x154001 __page_ref_mod_unless next_uptodate_page \
		filemap_map_pages do_read_fault __handle_mm_fault handle_mm_fault do_page_fault \
		do_translation_fault do_mem_abort el0_da el0_sync_handler el0_sync
	ref get app-952 45.100000 0x154402 __page_ref_mod_unless folio_try_get_rcu \
		next_uptodate_folio filemap_map_pages do_read_fault do_fault __handle_mm_fault \
		handle_mm_fault do_user_addr_fault exc_page_fault asm_exc_page_fault
	ref get dd-953 45.200000 0x154803 __page_ref_mod_unless mapping_get_entry \
		__filemap_get_folio ext4_da_write_begin generic_perform_write \
		ext4_buffered_write_iter ext4_file_write_iter vfs_write ksys_write \
		__x64_sys_write $X86_66
	ev alloc-700 50.000000 cma_alloc_start "name=reserved count=8192 align=13"
	i=0
	while read -r pfn _; do
		i=$((i + 1)) start=$((pfn & ~0x3ff))
		ev alloc-700 "$(printf '50.%06d' $((i * 100)))" test_pages_isolated \
			"$(printf 'start_pfn=0x%x end_pfn=0x%x fin_pfn=%s ret=fail' $start $((start + 0x400)) "$pfn")"
	done < <(cat "$TMP/expected" "$TMP/common")
	ev alloc-700 50.100000 cma_alloc_finish "name=reserved pfn=0x0 page=0000000000000000 count=8192 align=13 errorno=-16"
	# the direct I/O's puts at completion, in the interrupt (no task
	# of the reader's): arm64 5.10, x86_64 6.6, and a read's on 6.12
	ref put '<idle>-0' 60.000000 0x152009 __page_ref_mod_and_test put_page bio_release_pages \
		iomap_dio_bio_end_io bio_endio blk_update_request blk_mq_end_request \
		virtblk_request_done blk_done_softirq __do_softirq
	ref put '<idle>-0' 60.100000 0x15240a __page_ref_mod_and_test folio_put_refs gup_put_folio \
		unpin_user_page __bio_release_pages iomap_dio_bio_end_io bio_endio \
		blk_update_request scsi_end_request scsi_io_completion
	ref put '<idle>-0' 60.200000 0x15280b __page_ref_mod_and_test gup_put_folio \
		unpin_user_folio __bio_release_pages bio_check_pages_dirty iomap_dio_bio_end_io \
		bio_endio blk_mq_end_request_batch nvme_irq
} >"$TMP/trace.txt"
is "$(grep -c 'fin_pfn=.* ret=fail' "$TMP/trace.txt")" "$(cat "$TMP/expected" "$TMP/common" | wc -l)" \
	"grep: one busy page per stack"

setup "the stacks of unseen kernels import" "$PINBLAME" import "$TMP/trace.txt"
names="SELECT group_concat(printf('0x%x', pfn) || ':' || callsite, ' ') FROM
	(SELECT pfn, callsite FROM attributions WHERE rank = 1 AND noise IS NULL ORDER BY pfn)"
is "$(sql "$names")" "$(sort "$TMP/expected" | tr ' ' : | paste -sd' ')" \
	"every page is named after the code that asked, the same on every kernel and arch"
# Machinery never names a holder: no GUP walker, put helper, pipe helper
# or GUP API (the names the old rules gave).
is "$(sql "SELECT count(*) FROM attributions WHERE callsite GLOB 'follow_*' OR callsite GLOB
	'*hugetlb*' OR callsite GLOB '*bio_release_pages' OR callsite = 'generic_pipe_buf_get' OR
	callsite = 'get_dump_page' OR callsite GLOB '*pin_folios' OR callsite GLOB 'process_vm_rw_*'")" 0 \
	"no page is named after a GUP walker, a put or pipe helper, or a part of process_vm_rw"
is "$(sql "SELECT group_concat(printf('0x%x', pfn), ' ') FROM (SELECT DISTINCT pfn FROM
	attributions WHERE noise IS NOT NULL ORDER BY pfn)")" "$(sort "$TMP/common" | paste -sd' ')" \
	"a page cache lookup's reference is a common path under every generation's names"
pb blame --json
is "$(printf '%s' "$out" | jq -r '[.callsites[] | "\(.callsite):\(.pages)"] | sort | join(" ")')" \
	"$(awk '{ n[$2]++ } END { for (k in n) print k ":" n[k] }' "$TMP/expected" | sort | paste -sd' ')" \
	"blame: one row per holder, with all its pages across the kernels"

# --- page_owner: readahead is a common path on every generation --------------
# The same readahead of a file read, allocated on 5.4 (__page_cache_alloc
# under __do_page_cache_readahead and ondemand_readahead) and on 6.6
# (page_cache_ra_unbounded): a common path, never blamed, on both.
owner() {
	printf 'Page allocated via order 0, mask 0x14200ca(GFP_HIGHUSER_MOVABLE), pid %d, tgid %d (%s), ts %s ns\n' \
		"$1" "$1" "$2" "$3"
	printf 'PFN 0x%x type Movable Block %d type CMA Flags 0x80024(uptodate|lru)\n' \
		"$4" $(($4 >> 9))
	printf ' post_alloc_hook+0x1a0/0x1c8\n get_page_from_freelist+0x7b8/0x1370\n'
}
{
	owner 1601 reader 30000000000 $((0x160001))
	printf ' __alloc_pages_nodemask+0x17c/0x348\n alloc_pages_current+0x8c/0x100\n'
	printf ' __page_cache_alloc+0x90/0xc0\n __do_page_cache_readahead+0x120/0x2a0\n'
	printf ' ondemand_readahead+0x14c/0x2f0\n page_cache_sync_readahead+0xa4/0x100\n'
	printf ' generic_file_read_iter+0x5b0/0xa80\n ext4_file_read_iter+0x50/0x60\n'
	printf ' __vfs_read+0x128/0x1b8\n vfs_read+0x94/0x150\n ksys_read+0x6c/0xf8\n'
	printf ' __arm64_sys_read+0x20/0x30\n el0_svc_common.constprop.0+0x7c/0x188\n\n'
	owner 1602 reader 31000000000 $((0x160402))
	printf ' __alloc_pages+0x17c/0x348\n alloc_pages+0xa4/0x160\n folio_alloc+0x20/0x50\n'
	printf ' page_cache_ra_unbounded+0xa8/0x1e0\n filemap_get_pages+0x108/0x5f0\n'
	printf ' filemap_read+0xe4/0x3c0\n ext4_file_read_iter+0x50/0x60\n vfs_read+0x1a4/0x2a0\n'
	printf ' ksys_read+0x6c/0xf8\n __x64_sys_read+0x1a/0x20\n do_syscall_64+0x38/0x90\n\n'
} >"$TMP/page_owner.txt"
{
	header
	ev alloc-700 100.000000 cma_alloc_start "name=reserved count=2048 align=11"
	ev alloc-700 100.000100 test_pages_isolated "start_pfn=0x160000 end_pfn=0x160400 fin_pfn=0x160001 ret=fail"
	ev alloc-700 100.000200 test_pages_isolated "start_pfn=0x160400 end_pfn=0x160800 fin_pfn=0x160402 ret=fail"
	ev alloc-700 100.001000 cma_alloc_finish "name=reserved pfn=0x0 page=0000000000000000 count=2048 align=11 errorno=-16"
} >"$TMP/ra.txt"
export PINBLAME_DB=$TMP/ra.db
setup "readahead page_owner records of 5.4 and 6.6 import" "$PINBLAME" import "$TMP/ra.txt" "$TMP/page_owner.txt"
is "$(sql "SELECT count(*) FROM attributions WHERE noise IS NULL")" 0 \
	"readahead's allocation is blamed on neither kernel"
is "$(sql "SELECT count(DISTINCT pfn) FROM attributions WHERE noise IS NOT NULL")" 2 \
	"both pages keep their candidate, as a common path"
pb blame
like "$out" "^1 failure: 0 with a blamed holder, 1 unattributed" "blame blames nobody for readahead"

done_testing
