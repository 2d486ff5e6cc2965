#!/usr/bin/env bash
# One holder, one call-site name, for the long- and short-term pinners of
# t2014's kernels and more: io_uring registered buffers, RDMA memory
# registration, VFIO type1 and iommufd DMA mappings, KVM's guest page
# lookup, videobuf2 USERPTR, MSG_ZEROCOPY and splice(2) to a TCP socket,
# io_submit(2) and fuse direct I/O; each on two releases between 5.4 and
# 6.15 and two arches (splice(2) to TCP on four: MSG_SPLICE_PAGES from
# 6.5, named tcp_sendmsg; sendpage before, named do_tcp_sendpages). Each busy page of one failed CMA allocation has the
# page_ref get of one holder, with the stack its path has on that release,
# written from the kernel source (no capture) with the inlining of
# Debian's arm64 6.1 and 6.12 builds where they have the function (see
# tests/unit/test_callsite_subsystems.c for the files read). The expected
# name of each page is the function that asked for the page on that path,
# read by hand in the stack written for it below.
. "$(dirname "$0")/lib.sh"

header() { printf '# tracer: nop\n#\n'; }
ev() { printf '%20s [001] .....  %11s: %s: %s\n' "$1" "$2" "$3" "$4"; }
# get TASK-PID TIME PFN FRAME...: a page_ref_mod get (count 2 -> 3) with
# its stacktrace trigger's frames, the tracepoint's own first.
get() {
	local task=$1 t=$2 pfn=$3
	shift 3
	ev "$task" "$t" page_ref_mod \
		"pfn=$pfn flags=uptodate|lru count=3 mapcount=1 mapping=0000000071c3a2e1 mt=1 val=1"
	printf '%20s [001] .....  %11s: <stack trace>\n' "$task" "$t"
	printf ' => trace_event_raw_event_page_ref_mod_template\n => __traceiter_page_ref_mod\n'
	printf ' => %s\n' "$@"
}
X86_54="do_syscall_64 entry_SYSCALL_64_after_hwframe"
X86_612="x64_sys_call do_syscall_64 entry_SYSCALL_64_after_hwframe"
EL0_54="el0_svc_common.constprop.0 el0_svc_handler el0_svc"
EL0_61="invoke_syscall el0_svc_common.constprop.0 do_el0_svc el0_svc el0t_64_sync_handler el0t_64_sync"
# 5.4 mm/gup.c: get_user_pages(FOLL_LONGTERM) and the lockless walk
SLOW_54="__page_ref_mod follow_page_pte follow_pmd_mask follow_page_mask __get_user_pages __gup_longterm_locked get_user_pages"
FAST_54="__page_ref_mod_unless gup_pte_range gup_pmd_range gup_pud_range gup_pgd_range get_user_pages_fast"
# 6.1-6.10 lockless walk; 6.11+ as Debian's 6.12 builds it
FAST_61="__page_ref_mod try_grab_folio gup_pte_range gup_pmd_range gup_pud_range gup_p4d_range gup_pgd_range lockless_pages_from_mm internal_get_user_pages_fast"
FAST_615="__page_ref_mod try_grab_folio_fast gup_fast_fallback"
SLOW_61="__page_ref_mod try_grab_page follow_page_pte follow_page_mask __get_user_pages __get_user_pages_locked"

# PFN EXPECTED: the holder of each busy page, read in its stack below.
cat >"$TMP/expected" <<'EOF'
0x170001 io_sqe_buffer_register
0x170402 io_sqe_buffer_register
0x170803 ib_umem_get
0x170c04 ib_umem_get
0x171005 vfio_pin_map_dma
0x171406 vfio_pin_map_dma
0x171807 iommufd_ioas_map
0x171c08 iommufd_ioas_map
0x172009 tcp_sendmsg
0x17240a tcp_sendmsg
0x17280b tcp_sendmsg
0x172c0c tcp_sendmsg
0x17300d __do_sys_io_submit
0x17340e __do_sys_io_submit
0x17380f __do_sys_read
0x173c10 __do_sys_read
0x174011 hva_to_pfn
0x174412 hva_to_pfn
0x174813 vb2_create_framevec
0x174c14 vb2_create_framevec
0x175015 do_tcp_sendpages
0x175416 do_tcp_sendpages
EOF
{
	header
	# io_uring IORING_REGISTER_BUFFERS: x86_64 5.4 (get_user_pages() in
	# io_sqe_buffer_register(), __io_uring_register() inlined), arm64 6.15
	# (io_pin_pages() -> pin_user_pages_fast())
	get ring-801 40.000000 0x170001 $SLOW_54 io_sqe_buffer_register \
		__x64_sys_io_uring_register $X86_54
	get ring-802 40.100000 0x170402 $FAST_615 pin_user_pages_fast io_pin_pages \
		io_sqe_buffer_register io_sqe_buffers_register __arm64_sys_io_uring_register $EL0_61
	# RDMA reg_mr: x86_64 5.4 mlx5 through write(), arm64 6.15 rxe
	# through the ioctl ABI
	get ibv-811 41.000000 0x170803 $SLOW_54 ib_umem_get mr_umem_get mlx5_ib_reg_user_mr \
		ib_uverbs_reg_mr ib_uverbs_write __vfs_write vfs_write ksys_write __x64_sys_write $X86_54
	get ibv-812 41.100000 0x170c04 $FAST_615 pin_user_pages_fast ib_umem_get rxe_mr_init_user \
		rxe_reg_user_mr ib_uverbs_reg_mr ib_uverbs_handler_UVERBS_METHOD_INVOKE_WRITE \
		ib_uverbs_cmd_verbs ib_uverbs_ioctl __arm64_sys_ioctl $EL0_61
	# VFIO_IOMMU_MAP_DMA, every part out of line: x86_64 5.4 vaddr_get_pfn()
	# -> get_user_pages(), arm64 6.6 vaddr_get_pfns() -> pin_user_pages_remote()
	get qemu-821 42.000000 0x171005 $SLOW_54 vaddr_get_pfn vfio_pin_pages_remote \
		vfio_pin_map_dma vfio_dma_do_map vfio_iommu_type1_ioctl vfio_fops_unl_ioctl \
		do_vfs_ioctl ksys_ioctl __x64_sys_ioctl $X86_54
	get qemu-822 42.100000 0x171406 $SLOW_61 __gup_longterm_locked pin_user_pages_remote \
		vaddr_get_pfns vfio_pin_pages_remote vfio_pin_map_dma vfio_dma_do_map \
		vfio_iommu_type1_ioctl vfio_fops_unl_ioctl __arm64_sys_ioctl $EL0_61
	# iommufd IOMMU_IOAS_MAP: x86_64 6.2, arm64 6.12 (pfn_reader_user_pin()
	# -> pin_user_pages_fast())
	get qemu-831 43.000000 0x171807 $FAST_61 pin_user_pages_fast pfn_reader_user_pin \
		pfn_reader_fill_span pfn_reader_next pfn_reader_first iopt_area_fill_domains \
		iopt_fill_domains_pages iopt_map_pages iopt_map_user_pages iommufd_ioas_map \
		iommufd_fops_ioctl __x64_sys_ioctl $X86_54
	get qemu-832 43.100000 0x171c08 $FAST_615 pin_user_pages_fast pfn_reader_user_pin \
		pfn_reader_fill_span pfn_reader_next pfn_reader_first iopt_area_fill_domains \
		iopt_fill_domains_pages iopt_map_pages iopt_map_user_pages iommufd_ioas_map \
		iommufd_fops_ioctl __arm64_sys_ioctl $EL0_61
	# splice(2) of vmspliced pages to TCP, MSG_SPLICE_PAGES: x86_64 6.6,
	# arm64 6.12 (skb_append_pagefrags() takes the skb's reference)
	get app-841 44.000000 0x172009 __page_ref_mod skb_append_pagefrags skb_splice_from_iter \
		tcp_sendmsg_locked tcp_sendmsg inet_sendmsg sock_sendmsg splice_to_socket \
		do_splice_from do_splice __do_splice __x64_sys_splice $X86_54
	get app-842 44.100000 0x17240a __page_ref_mod skb_append_pagefrags skb_splice_from_iter \
		tcp_sendmsg_locked tcp_sendmsg inet_sendmsg __sock_sendmsg splice_to_socket \
		do_splice __do_splice __arm64_sys_splice $EL0_61
	# MSG_ZEROCOPY: arm64 5.4, x86_64 6.15 (zerocopy_fill_skb_from_iter())
	get app-843 44.200000 0x17280b $FAST_54 iov_iter_get_pages __zerocopy_sg_from_iter \
		skb_zerocopy_iter_stream tcp_sendmsg_locked tcp_sendmsg inet_sendmsg sock_sendmsg \
		__sys_sendto __arm64_sys_sendto $EL0_54
	get app-844 44.300000 0x172c0c $FAST_615 get_user_pages_fast __iov_iter_get_pages_alloc \
		iov_iter_get_pages2 zerocopy_fill_skb_from_iter __zerocopy_sg_from_iter \
		skb_zerocopy_iter_stream tcp_sendmsg_locked tcp_sendmsg inet_sendmsg __sock_sendmsg \
		__sys_sendto __x64_sys_sendto $X86_612
	# io_submit(2) O_DIRECT read: x86_64 5.4 ext4 on fs/direct-io.c,
	# arm64 6.15 ext4 on iomap
	get aio-851 45.000000 0x17300d $FAST_54 iov_iter_get_pages dio_refill_pages do_direct_IO \
		do_blockdev_direct_IO __blockdev_direct_IO ext4_direct_IO generic_file_read_iter \
		ext4_file_read_iter aio_read io_submit_one __x64_sys_io_submit $X86_54
	get aio-852 45.100000 0x17340e $FAST_615 pin_user_pages_fast iov_iter_extract_pages \
		__bio_iov_iter_get_pages bio_iov_iter_get_pages iomap_dio_bio_iter __iomap_dio_rw \
		iomap_dio_rw ext4_file_read_iter aio_read io_submit_one __arm64_sys_io_submit $EL0_61
	# fuse FOPEN_DIRECT_IO read(2): x86_64 5.4, arm64 6.15 (fuse's parts
	# inlined)
	get cat-861 46.000000 0x17380f $FAST_54 iov_iter_get_pages fuse_get_user_pages \
		fuse_direct_io __fuse_direct_read fuse_direct_read_iter fuse_file_read_iter \
		new_sync_read __vfs_read vfs_read ksys_read __x64_sys_read $X86_54
	get cat-862 46.100000 0x173c10 $FAST_615 pin_user_pages_fast iov_iter_extract_pages \
		fuse_direct_io fuse_file_read_iter vfs_read ksys_read __arm64_sys_read $EL0_61
	# KVM: arm64 6.1 (hva_to_pfn_slow() inlined), x86_64 6.15
	# (kvm_follow_pfn(), hva_to_pfn_fast())
	get vcpu-871 47.000000 0x174011 $SLOW_61 get_user_pages_unlocked hva_to_pfn \
		__gfn_to_pfn_memslot user_mem_abort kvm_handle_guest_abort handle_exit \
		kvm_arch_vcpu_ioctl_run kvm_vcpu_ioctl __arm64_sys_ioctl $EL0_61
	get vcpu-872 47.100000 0x174412 $FAST_615 get_user_pages_fast_only hva_to_pfn_fast \
		hva_to_pfn kvm_follow_pfn __kvm_faultin_pfn kvm_mmu_faultin_pfn kvm_tdp_page_fault \
		kvm_mmu_do_page_fault kvm_mmu_page_fault vmx_handle_exit vcpu_enter_guest vcpu_run \
		kvm_arch_vcpu_ioctl_run kvm_vcpu_ioctl __x64_sys_ioctl $X86_612
	# videobuf2 USERPTR: x86_64 5.4 (mm/frame_vector.c), arm64 6.12
	# (videobuf2's frame_vector.c, pin_user_pages_fast())
	get cam-881 48.000000 0x174813 __page_ref_mod follow_page_pte follow_pmd_mask \
		follow_page_mask __get_user_pages __get_user_pages_locked get_user_pages_locked \
		get_vaddr_frames vb2_create_framevec vb2_dc_get_userptr __prepare_userptr \
		__buf_prepare vb2_core_qbuf vb2_qbuf vb2_ioctl_qbuf v4l_qbuf __video_do_ioctl \
		video_usercopy video_ioctl2 v4l2_ioctl do_vfs_ioctl ksys_ioctl __x64_sys_ioctl $X86_54
	get cam-882 48.100000 0x174c14 $FAST_615 pin_user_pages_fast get_vaddr_frames \
		vb2_create_framevec vb2_vmalloc_get_userptr __prepare_userptr __buf_prepare \
		vb2_core_qbuf vb2_qbuf vb2_ioctl_qbuf v4l_qbuf __video_do_ioctl video_usercopy \
		video_ioctl2 v4l2_ioctl __arm64_sys_ioctl $EL0_61
	# the same splice to TCP up to 6.4, through sendpage: x86_64 5.15
	# (tcp_build_frag() global, for MPTCP), arm64 6.1 (inlined)
	get app-891 49.000000 0x175015 __page_ref_mod tcp_build_frag do_tcp_sendpages \
		tcp_sendpage_locked tcp_sendpage inet_sendpage kernel_sendpage sock_sendpage \
		pipe_to_sendpage __splice_from_pipe generic_splice_sendpage do_splice __do_splice \
		__x64_sys_splice $X86_54
	get app-892 49.100000 0x175416 __page_ref_mod do_tcp_sendpages tcp_sendpage_locked \
		tcp_sendpage inet_sendpage kernel_sendpage sock_sendpage pipe_to_sendpage \
		__splice_from_pipe generic_splice_sendpage do_splice __do_splice __arm64_sys_splice $EL0_61
	ev alloc-700 50.000000 cma_alloc_start "name=reserved count=8192 align=13"
	i=0
	while read -r pfn _; do
		i=$((i + 1)) start=$((pfn & ~0x3ff))
		ev alloc-700 "$(printf '50.%06d' $((i * 100)))" test_pages_isolated \
			"$(printf 'start_pfn=0x%x end_pfn=0x%x fin_pfn=%s ret=fail' $start $((start + 0x400)) "$pfn")"
	done <"$TMP/expected"
	ev alloc-700 50.100000 cma_alloc_finish "name=reserved pfn=0x0 page=0000000000000000 count=8192 align=13 errorno=-16"
} >"$TMP/trace.txt"
is "$(grep -c 'fin_pfn=.* ret=fail' "$TMP/trace.txt")" "$(wc -l <"$TMP/expected")" \
	"grep: one busy page per stack"
is "$(grep -c '<stack trace>' "$TMP/trace.txt")" "$(wc -l <"$TMP/expected")" \
	"grep: one holder's stack per busy page"

setup "the holders' stacks import" "$PINBLAME" import "$TMP/trace.txt"
names="SELECT group_concat(printf('0x%x', pfn) || ':' || callsite, ' ') FROM
	(SELECT pfn, callsite FROM attributions WHERE rank = 1 AND noise IS NULL ORDER BY pfn)"
is "$(sql "$names")" "$(sort "$TMP/expected" | tr ' ' : | paste -sd' ')" \
	"every page is named after the code that asked, the same on both releases and arches"
# The names the old rules gave: iommufd's pin library and net's fill of
# an skb with a spliced page, machinery both.
is "$(sql "SELECT count(*) FROM attributions WHERE callsite GLOB 'pfn_reader_*' OR
	callsite IN ('skb_append_pagefrags', 'skb_splice_from_iter', 'tcp_build_frag')")" 0 \
	"no page is named after iommufd's pfn reader or the skb's fill from a pipe"
pb blame --json
is "$(printf '%s' "$out" | jq -r '[.callsites[] | "\(.callsite):\(.pages)"] | sort | join(" ")')" \
	"$(awk '{ n[$2]++ } END { for (k in n) print k ":" n[k] }' "$TMP/expected" | sort | paste -sd' ')" \
	"blame: one row per holder, with its pages of both releases"

done_testing
