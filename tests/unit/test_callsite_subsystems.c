/* lib/analyze/callsite.c and noise.c: the holders of pinned pages that
 * the real captures never showed, on kernels and arches they do not come
 * from. Each stack is leaf first, as a capture prints it, and is made of:
 * the tracer's frames (a kprobe on the GUP grab through the arch's
 * breakpoint or ftrace entry, the page_ref_mod tracepoint, or none for a
 * page_pinner record or a perf callchain), the GUP internals of that
 * kernel version, the holder's own call path and the arch's syscall
 * entry. The function names of each path were read in the kernel source
 * cited above it; a path is a list of names, no code. The name expected
 * is the holder's, the same on every version and arch.
 *
 * Trees read (a tree's file at the commit the search index holds):
 *  5.10: Rtoax/linux-5.10.13 (a 5.10.13 tree), e.g. virt/kvm/kvm_main.c
 *        at d64ee8800e92f5a94ff72d0b0a0f71443d60cd5e;
 *  6.1:  io_uring/rsrc.c of a 6.1-era tree (io_pin_pages() calling
 *        pin_user_pages() with a vmas array, removed in 6.5);
 *  6.12 and later: torvalds/linux, virt/kvm/kvm_main.c at
 *        f0161aad472599f8bb80ca8758fe30a60e627f56 (kvm_follow_pfn),
 *        drivers/vfio/vfio_iommu_type1.c at
 *        3f803abf2e49fe18aaeff9532afc353e68e689c7, fs/iomap/direct-io.c at
 *        d3b744791bf06bc9720bfa36bc1757f25802d68b, io_uring/rsrc.c at
 *        00afb1811fa638dacf125dd1c343b7a181624dfd; net/core/datagram.c
 *        from the 6.10 split of __zerocopy_sg_from_iter() into
 *        zerocopy_fill_skb_from_iter(); fs/fuse/file.c's
 *        fuse_get_user_pages() at 5.10 (iov_iter_get_pages), 6.1
 *        (iov_iter_get_pages2) and later (iov_iter_extract_pages).
 */
#include "unit.h"

#include "../../lib/analyze/analyze_int.h"

#define MAX_FRAMES 72

/* A NULL-terminated list of frames, and a NULL-terminated list of those. */
#define SEG(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define STACK(...) ((const char *const *const[]){ __VA_ARGS__, NULL })

/* --- the tracer's frames ------------------------------------------------ */

/* arm64 5.10 and 6.1: a kprobe is a BRK, through el1_dbg */
#define KP_ARM64_510                                                                      \
	SEG("kprobe_trace_func", "kprobe_dispatcher", "kprobe_breakpoint_handler",       \
	    "call_break_hook", "brk_handler", "do_debug_exception", "el1_dbg",            \
	    "el1_sync_handler", "el1_sync")
#define KP_ARM64_61                                                                       \
	SEG("kprobe_trace_func", "kprobe_dispatcher", "kprobe_breakpoint_handler",       \
	    "call_break_hook", "brk_handler", "do_debug_exception", "el1_dbg",            \
	    "el1h_64_sync_handler", "el1h_64_sync")
/* arm64 6.12: do_el1_brk64 */
#define KP_ARM64_612                                                                      \
	SEG("kprobe_trace_func", "kprobe_dispatcher", "kprobe_brk_handler", "do_el1_brk64", \
	    "el1_brk64", "el1h_64_sync_handler", "el1h_64_sync")
/* x86_64: a kprobe at an ftrace site, or an int3 */
#define KP_X86_FTRACE                                                                    \
	SEG("kprobe_trace_func", "kprobe_dispatcher", "kprobe_ftrace_handler",           \
	    "0xffffffffc02070c8")
#define KP_X86_INT3                                                                       \
	SEG("kprobe_trace_func", "kprobe_dispatcher", "kprobe_int3_handler", "exc_int3", \
	    "asm_exc_int3")
/* the page_ref_mod tracepoint of CONFIG_DEBUG_PAGE_REF under a
 * stacktrace trigger: __page_ref_mod() emits it for page_ref_add() and
 * folio_ref_add() */
#define PAGE_REF_MOD                                                                      \
	SEG("trace_event_raw_event_page_ref_mod_template", "__traceiter_page_ref_mod",    \
	    "__page_ref_mod")

/* --- GUP internals, leaf first ------------------------------------------ */

/* mm/gup.c 5.10: the lockless walk grabs with try_grab_compound_head(),
 * the slow one with try_grab_page() under follow_page_mask() */
#define GUP_FAST_510                                                                      \
	SEG("try_grab_compound_head", "gup_pte_range", "gup_pmd_range", "gup_pud_range",  \
	    "gup_p4d_range", "gup_pgd_range", "internal_get_user_pages_fast")
#define GUP_SLOW_510                                                                      \
	SEG("try_grab_page", "follow_page_pte", "follow_pmd_mask", "follow_pud_mask",    \
	    "follow_p4d_mask", "follow_page_mask", "__get_user_pages",                    \
	    "__get_user_pages_locked")
/* 6.1: try_grab_folio() in the lockless walk, lockless_pages_from_mm() */
#define GUP_FAST_61                                                                       \
	SEG("try_grab_folio", "gup_pte_range", "gup_pmd_range", "gup_pud_range",          \
	    "gup_p4d_range", "gup_pgd_range", "lockless_pages_from_mm",                   \
	    "internal_get_user_pages_fast")
#define GUP_SLOW_61                                                                       \
	SEG("try_grab_page", "follow_page_pte", "follow_pmd_mask", "follow_pud_mask",    \
	    "follow_p4d_mask", "follow_page_mask", "__get_user_pages",                    \
	    "__get_user_pages_locked")
/* 6.6: as 6.1 (the gup_fast_* names and the slow walk's try_grab_folio()
 * came in 6.11) */
#define GUP_FAST_66 GUP_FAST_61
#define GUP_SLOW_66 GUP_SLOW_61
/* 6.12: gup_fast_*, try_grab_folio_fast(); the slow walk's grab is
 * try_grab_folio() */
#define GUP_FAST_612                                                                      \
	SEG("try_grab_folio_fast", "gup_fast_pte_range", "gup_fast_pmd_range",            \
	    "gup_fast_pud_range", "gup_fast_p4d_range", "gup_fast_pgd_range", "gup_fast", \
	    "gup_fast_fallback")
#define GUP_SLOW_612                                                                      \
	SEG("try_grab_folio", "follow_page_pte", "follow_pmd_mask", "follow_pud_mask",   \
	    "follow_p4d_mask", "follow_page_mask", "__get_user_pages",                    \
	    "__get_user_pages_locked")

/* vfio_pin_pages() of an mdev driver (6.6+), down either VFIO backend:
 * iommufd's access (its io page table filling the access's xarray through
 * the pfn_reader) or type1's vaddr_get_pfns(). */
#define VFIO_PIN_IOMMUFD                                                                  \
	SEG("__gup_longterm_locked", "pin_user_pages_remote", "pfn_reader_user_pin",      \
	    "pfn_reader_fill_span", "pfn_reader_next", "pfn_reader_first",                \
	    "iopt_pages_fill_xarray", "iopt_area_add_access", "iommufd_access_pin_pages", \
	    "vfio_pin_pages")
#define VFIO_PIN_TYPE1                                                                    \
	SEG("__gup_longterm_locked", "pin_user_pages_remote", "vaddr_get_pfns",           \
	    "vfio_pin_page_external", "vfio_iommu_type1_pin_pages", "vfio_pin_pages")

/* --- syscall entry, past the syscall's wrapper -------------------------- */

#define EL0_510                                                                           \
	SEG("el0_svc_common.constprop.0", "do_el0_svc", "el0_svc", "el0_sync_handler",    \
	    "el0_sync")
#define EL0_61                                                                            \
	SEG("invoke_syscall", "el0_svc_common.constprop.0", "do_el0_svc", "el0_svc",      \
	    "el0t_64_sync_handler", "el0t_64_sync")
#define X86_ENTRY_510 SEG("do_syscall_64", "entry_SYSCALL_64_after_hwframe")
#define X86_ENTRY_612 SEG("x64_sys_call", "do_syscall_64", "entry_SYSCALL_64_after_hwframe")

/* Every probed function of these stacks, as ftrace prints a kprobe's
 * location, and one as perf names its probe. */
static const char *const probes[] = {
	"try_grab_compound_head+0x0/0x2a0|kprobes:try_grab_compound_head",
	"try_grab_page+0x0/0x1a8|kprobes:try_grab_page",
	"try_grab_folio+0x0/0x370|kprobes:try_grab_folio",
	"gup_fast_fallback+0x0/0x6f8|kprobes:gup_fast_fallback",
	"ffffffff8137c5a0|probe:try_grab_folio_fast",
	NULL,
};

struct picked {
	char funcs[MAX_FRAMES][128];
	const char *v[MAX_FRAMES];
	size_t n, first, at;
	int common;
	char name[128];
};

/* Runs the stack of SEGS through frame_func(), the cut with the probes
 * above and the walk of the roles of OPTS (NULL: the default ones) in
 * MODE. */
static void pick_with(struct picked *p, const char *const *const *segs, enum stack_mode mode,
		      const struct pb_analyze_opts *opts)
{
	struct probe_set set = { 0 };
	struct pb_noise noise;
	struct stack_cut cut;

	memset(p, 0, sizeof(*p));
	for (; *segs; segs++) {
		for (const char *const *f = *segs; *f; f++) {
			assert_true(p->n < MAX_FRAMES);
			p->v[p->n] = frame_func(*f, p->funcs[p->n], sizeof(p->funcs[0]));
			p->n++;
		}
	}
	for (size_t i = 0; probes[i]; i++) {
		const char *bar = strchr(probes[i], '|');
		char loc[128];

		snprintf(loc, sizeof(loc), "%.*s", (int)(bar - probes[i]), probes[i]);
		probe_set_add(&set, loc, bar + 1);
	}
	cut = stack_cut(p->v, p->n, &set);
	assert_false(cut.cut_short);
	p->first = cut.first;
	assert_int_equal(noise_init(&noise, opts), 0);
	p->at = callsite_pick(&noise, p->v, p->n, cut.first, mode, &p->common);
	assert_true(p->at < p->n);
	callsite_name(p->v[p->at], p->name, sizeof(p->name));
	noise_free(&noise);
	probe_set_free(&set);
}

static void pick(struct picked *p, const char *const *const *segs, enum stack_mode mode)
{
	pick_with(p, segs, mode, NULL);
}

/* The stack of SEGS is cut at FIRST (the probed function, or the function
 * that emitted the tracepoint) and its holder is HOLDER, not a common path. */
static void assert_holder(const char *const *const *segs, const char *first, const char *holder)
{
	struct picked p;

	pick(&p, segs, MODE_HOLD);
	assert_string_equal(p.v[p.first], first);
	assert_string_equal(p.name, holder);
	assert_false(p.common);
}

/* --- io_uring registered buffers ---------------------------------------- */

/* 5.10 fs/io_uring.c: IORING_REGISTER_BUFFERS, __io_uring_register() ->
 * io_sqe_buffer_register(), which calls pin_user_pages() itself. The
 * Android 5.10 page_pinner records the stack of a FOLL_LONGTERM grab from
 * try_grab_page() on. */
static void test_io_uring_buffers_arm64_510_page_pinner(void **state)
{
	(void)state;
	assert_holder(STACK(GUP_SLOW_510,
			    SEG("__gup_longterm_locked", "pin_user_pages", "io_sqe_buffer_register",
				"__io_uring_register", "__do_sys_io_uring_register",
				"__arm64_sys_io_uring_register"),
			    EL0_510),
		      "try_grab_page", "io_sqe_buffer_register");
}

/* 6.1 io_uring/rsrc.c: io_sqe_buffers_register() -> io_sqe_buffer_register()
 * -> io_pin_pages() -> pin_user_pages(). io_pin_pages() is io_uring's pin
 * library (6.12 also pins rings and buffer rings with it): its caller
 * holds. Named io_pin_pages before the rule. */
static void test_io_uring_buffers_x86_64_61_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_SLOW_61,
			    SEG("__gup_longterm_locked", "pin_user_pages", "io_pin_pages",
				"io_sqe_buffer_register", "io_sqe_buffers_register",
				"__io_uring_register", "__do_sys_io_uring_register",
				"__x64_sys_io_uring_register"),
			    X86_ENTRY_510),
		      "try_grab_page", "io_sqe_buffer_register");
}

/* 6.12 (torvalds io_uring/rsrc.c, memmap.c): io_pin_pages() ->
 * pin_user_pages_fast(); the page_ref_mod tracepoint of the grab, and a
 * kprobe on gup_fast_fallback(). Named io_pin_pages before the rule. */
static void test_io_uring_buffers_arm64_612_page_ref_and_kprobe(void **state)
{
	const char *const *const path =
		SEG("pin_user_pages_fast", "io_pin_pages", "io_sqe_buffer_register",
		    "io_sqe_buffers_register", "__io_uring_register", "__arm64_sys_io_uring_register");

	(void)state;
	assert_holder(STACK(PAGE_REF_MOD, GUP_FAST_612, path, EL0_61), "__page_ref_mod",
		      "io_sqe_buffer_register");
	assert_holder(STACK(KP_ARM64_612, SEG("gup_fast_fallback"), path, EL0_61),
		      "gup_fast_fallback", "io_sqe_buffer_register");
}

/* 6.6 io_uring/rsrc.c: io_pin_pages() -> pin_user_pages() (6.5 dropped its
 * vmas array; 6.7 moved it to pin_user_pages_fast()). */
static void test_io_uring_buffers_arm64_66_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_61, GUP_SLOW_66,
			    SEG("__gup_longterm_locked", "pin_user_pages", "io_pin_pages",
				"io_sqe_buffer_register", "io_sqe_buffers_register",
				"__io_uring_register", "__arm64_sys_io_uring_register"),
			    EL0_61),
		      "try_grab_page", "io_sqe_buffer_register");
}

/* ACK 6.1/6.6 page_pinner records the put: the buffers' unregistration
 * (io_buffer_unmap() -> unpin_user_page()) names who let go. */
static void test_io_uring_buffers_arm64_66_page_pinner_put(void **state)
{
	(void)state;
	assert_holder(STACK(SEG("gup_put_folio", "unpin_user_page", "io_buffer_unmap",
				"__io_sqe_buffers_unregister", "io_sqe_buffers_unregister",
				"__arm64_sys_io_uring_register"),
			    EL0_61),
		      "gup_put_folio", "io_buffer_unmap");
}

/* --- direct I/O ---------------------------------------------------------- */

/* 5.10 io_uring O_DIRECT read on ext4 from io_uring_enter: io_issue_sqe()
 * -> io_read() -> ext4_file_read_iter() -> ext4_dio_read_iter() ->
 * iomap_dio_rw() -> iomap_apply() -> iomap_dio_actor() ->
 * iomap_dio_bio_actor() -> bio_iov_iter_get_pages() ->
 * __bio_iov_iter_get_pages() -> iov_iter_get_pages() ->
 * get_user_pages_fast(). The request holds the pages until it completes;
 * io_uring's issue of it names it. Named __bio_iov_iter_get_pages
 * before the rule. */
static void test_io_uring_direct_read_x86_64_510_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_INT3, GUP_FAST_510,
			    SEG("get_user_pages_fast", "iov_iter_get_pages",
				"__bio_iov_iter_get_pages", "bio_iov_iter_get_pages",
				"iomap_dio_bio_actor", "iomap_dio_actor", "iomap_apply",
				"iomap_dio_rw", "ext4_dio_read_iter", "ext4_file_read_iter",
				"io_read", "io_issue_sqe", "__io_queue_sqe", "io_queue_sqe",
				"io_submit_sqe", "io_submit_sqes", "__do_sys_io_uring_enter",
				"__x64_sys_io_uring_enter"),
			    X86_ENTRY_510),
		      "try_grab_compound_head", "io_issue_sqe");
}

/* 6.12 io_uring O_DIRECT read on xfs punted to an io-wq worker:
 * io_wq_submit_work() -> io_issue_sqe() -> io_read() -> __io_read() ->
 * xfs_file_read_iter() -> xfs_file_dio_read() -> iomap_dio_rw() ->
 * __iomap_dio_rw() -> iomap_dio_iter() -> iomap_dio_bio_iter() ->
 * bio_iov_iter_get_pages() -> iov_iter_extract_pages() ->
 * iov_iter_extract_user_pages() -> pin_user_pages_fast(). No syscall in
 * the stack: the same name as from io_uring_enter. */
static void test_io_uring_direct_read_arm64_612_io_wq(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_612, GUP_FAST_612,
			    SEG("pin_user_pages_fast", "iov_iter_extract_user_pages",
				"iov_iter_extract_pages", "__bio_iov_iter_get_pages",
				"bio_iov_iter_get_pages", "iomap_dio_bio_iter", "iomap_dio_iter",
				"__iomap_dio_rw", "iomap_dio_rw", "xfs_file_dio_read",
				"xfs_file_read_iter", "__io_read", "io_read", "io_issue_sqe",
				"io_wq_submit_work", "io_worker_handle_work", "io_wq_worker",
				"ret_from_fork")),
		      "try_grab_folio_fast", "io_issue_sqe");
}

/* 5.10 pread64(2) O_DIRECT on ext4: ksys_pread64() -> vfs_read() ->
 * new_sync_read() -> ext4_file_read_iter() -> ... as above. Named
 * __bio_iov_iter_get_pages before the rule. */
static void test_direct_read_pread64_ext4_arm64_510_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_510, GUP_FAST_510,
			    SEG("get_user_pages_fast", "iov_iter_get_pages",
				"__bio_iov_iter_get_pages", "bio_iov_iter_get_pages",
				"iomap_dio_bio_actor", "iomap_dio_actor", "iomap_apply",
				"iomap_dio_rw", "ext4_dio_read_iter", "ext4_file_read_iter",
				"new_sync_read", "vfs_read", "ksys_pread64",
				"__arm64_sys_pread64"),
			    EL0_510),
		      "try_grab_compound_head", "__do_sys_pread64");
}

/* 6.1 read(2) O_DIRECT on xfs: iov_iter_get_pages2() ->
 * __iov_iter_get_pages_alloc() -> get_user_pages_fast(), under
 * iomap_dio_bio_iter() (5.16+) and xfs_file_dio_read() (5.12+; 5.10
 * names it xfs_file_dio_aio_read). */
static void test_direct_read_read_xfs_x86_64_61_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_61,
			    SEG("get_user_pages_fast", "__iov_iter_get_pages_alloc",
				"iov_iter_get_pages2", "__bio_iov_iter_get_pages",
				"bio_iov_iter_get_pages", "iomap_dio_bio_iter", "__iomap_dio_rw",
				"iomap_dio_rw", "xfs_file_dio_read", "xfs_file_read_iter",
				"new_sync_read", "vfs_read", "ksys_read", "__x64_sys_read"),
			    X86_ENTRY_510),
		      "try_grab_folio", "__do_sys_read");
}

/* 6.12 io_submit(2) (AIO) O_DIRECT on ext4, the page_ref_mod tracepoint:
 * io_submit_one() -> aio_read() -> ext4_file_read_iter() ->
 * ext4_dio_read_iter() -> iomap_dio_rw() -> ... ->
 * iov_iter_extract_pages(). __do_sys_io_submit inlined into __se_sys_. */
static void test_direct_read_io_submit_ext4_x86_64_612_page_ref(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_MOD, GUP_FAST_612,
			    SEG("pin_user_pages_fast", "iov_iter_extract_user_pages",
				"iov_iter_extract_pages", "__bio_iov_iter_get_pages",
				"bio_iov_iter_get_pages", "iomap_dio_bio_iter", "iomap_dio_iter",
				"__iomap_dio_rw", "iomap_dio_rw", "ext4_dio_read_iter",
				"ext4_file_read_iter", "aio_read", "io_submit_one",
				"__se_sys_io_submit", "__x64_sys_io_submit"),
			    X86_ENTRY_612),
		      "__page_ref_mod", "__do_sys_io_submit");
}

/* 6.6 io_submit(2) O_DIRECT write on xfs: aio_write() ->
 * xfs_file_write_iter() -> xfs_file_dio_write() ->
 * xfs_file_dio_write_aligned() -> iomap_dio_rw() -> ... ->
 * bio_iov_iter_get_pages() -> iov_iter_extract_pages() (6.5+) ->
 * pin_user_pages_fast(). */
static void test_direct_write_io_submit_xfs_arm64_66_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_61, GUP_FAST_66,
			    SEG("pin_user_pages_fast", "iov_iter_extract_user_pages",
				"iov_iter_extract_pages", "__bio_iov_iter_get_pages",
				"bio_iov_iter_get_pages", "iomap_dio_bio_iter", "iomap_dio_iter",
				"__iomap_dio_rw", "iomap_dio_rw", "xfs_file_dio_write_aligned",
				"xfs_file_dio_write", "xfs_file_write_iter", "aio_write",
				"io_submit_one", "__arm64_sys_io_submit"),
			    EL0_61),
		      "try_grab_folio", "__do_sys_io_submit");
}

/* 5.10 fs/direct-io.c, a file system on the legacy direct I/O (ext2):
 * generic_file_read_iter() -> ext2_direct_IO() -> blockdev_direct_IO()
 * -> __blockdev_direct_IO() -> do_blockdev_direct_IO() -> do_direct_IO()
 * -> dio_get_page() -> dio_refill_pages() -> iov_iter_get_pages(): no
 * bio helper, and generic_file_read_iter() (a page cache role) on the
 * way. Named dio_refill_pages before the rule. */
static void test_direct_read_legacy_dio_x86_64_510_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_510,
			    SEG("get_user_pages_fast", "iov_iter_get_pages", "dio_refill_pages",
				"dio_get_page", "do_direct_IO", "do_blockdev_direct_IO",
				"__blockdev_direct_IO", "ext2_direct_IO", "generic_file_read_iter",
				"new_sync_read", "vfs_read", "ksys_read", "__x64_sys_read"),
			    X86_ENTRY_510),
		      "try_grab_compound_head", "__do_sys_read");
}

/* fuse direct I/O (FOPEN_DIRECT_IO) from read(2): fuse_file_read_iter()
 * -> fuse_direct_read_iter() -> __fuse_direct_read() -> fuse_direct_io()
 * -> fuse_get_user_pages() -> iov_iter_get_pages() (5.10) /
 * iov_iter_extract_pages() (6.12). Named fuse_get_user_pages before the
 * rule. */
static void test_fuse_direct_io_arm64_510_and_x86_64_612(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_510, GUP_FAST_510,
			    SEG("get_user_pages_fast", "iov_iter_get_pages", "fuse_get_user_pages",
				"fuse_direct_io", "__fuse_direct_read", "fuse_direct_read_iter",
				"fuse_file_read_iter", "new_sync_read", "vfs_read", "ksys_read",
				"__arm64_sys_read"),
			    EL0_510),
		      "try_grab_compound_head", "__do_sys_read");
	assert_holder(STACK(KP_X86_INT3, GUP_FAST_612,
			    SEG("pin_user_pages_fast", "iov_iter_extract_user_pages",
				"iov_iter_extract_pages", "fuse_get_user_pages", "fuse_direct_io",
				"__fuse_direct_read", "fuse_direct_read_iter", "fuse_file_read_iter",
				"vfs_read", "ksys_pread64", "__x64_sys_pread64"),
			    X86_ENTRY_612),
		      "try_grab_folio_fast", "__do_sys_pread64");
}

/* --- RDMA ---------------------------------------------------------------- */

/* 5.10 drivers/infiniband: ib_uverbs_write() -> ib_uverbs_reg_mr() ->
 * mlx5_ib_reg_user_mr() -> mr_umem_get() -> ib_umem_get() ->
 * pin_user_pages_fast(). */
static void test_rdma_umem_x86_64_510_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_510,
			    SEG("pin_user_pages_fast", "ib_umem_get", "mr_umem_get",
				"mlx5_ib_reg_user_mr", "ib_uverbs_reg_mr", "ib_uverbs_write",
				"vfs_write", "ksys_write", "__x64_sys_write"),
			    X86_ENTRY_510),
		      "try_grab_compound_head", "ib_umem_get");
}

/* 6.12: the ioctl path, mlx5_ib_reg_user_mr() -> ib_umem_get(). */
static void test_rdma_umem_arm64_612_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_612, GUP_FAST_612,
			    SEG("pin_user_pages_fast", "ib_umem_get", "mlx5_ib_reg_user_mr",
				"ib_uverbs_reg_mr", "ib_uverbs_handler_UVERBS_METHOD_INVOKE_WRITE",
				"ib_uverbs_cmd_verbs", "ib_uverbs_ioctl", "__arm64_sys_ioctl"),
			    EL0_61),
		      "try_grab_folio_fast", "ib_umem_get");
}

/* --- VFIO type1 ---------------------------------------------------------- */

/* 5.10 VFIO_IOMMU_MAP_DMA: vfio_iommu_type1_ioctl() -> vfio_dma_do_map()
 * -> vfio_pin_map_dma() -> vfio_pin_pages_remote() -> vaddr_get_pfn() ->
 * pin_user_pages_remote(FOLL_LONGTERM). Named vaddr_get_pfn before the
 * rule. */
static void test_vfio_map_dma_x86_64_510_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_INT3, GUP_SLOW_510,
			    SEG("__gup_longterm_locked", "__get_user_pages_remote",
				"pin_user_pages_remote", "vaddr_get_pfn", "vfio_pin_pages_remote",
				"vfio_pin_map_dma", "vfio_dma_do_map", "vfio_iommu_type1_ioctl",
				"vfio_fops_unl_ioctl", "__x64_sys_ioctl"),
			    X86_ENTRY_510),
		      "try_grab_page", "vfio_pin_map_dma");
}

/* 5.12+ (torvalds vfio_iommu_type1.c): vaddr_get_pfns(), batched; 6.12
 * arm64, the slow grab try_grab_folio(). Named vaddr_get_pfns before the
 * rule. */
static void test_vfio_map_dma_arm64_612_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_612, GUP_SLOW_612,
			    SEG("__gup_longterm_locked", "pin_user_pages_remote",
				"vaddr_get_pfns", "vfio_pin_pages_remote", "vfio_pin_map_dma",
				"vfio_dma_do_map", "vfio_iommu_type1_ioctl", "vfio_fops_unl_ioctl",
				"__arm64_sys_ioctl"),
			    EL0_61),
		      "try_grab_folio", "vfio_pin_map_dma");
}

/* 6.12 mdev: a driver calls the VFIO API vfio_pin_pages() ->
 * vfio_device_container_pin_pages() -> vfio_iommu_type1_pin_pages() ->
 * vfio_pin_page_external() -> vaddr_get_pfns(); i915 GVT's
 * gvt_pin_guest_page() asked and holds until vfio_unpin_pages(). Named
 * vaddr_get_pfns before the rule. */
static void test_vfio_mdev_pin_x86_64_612_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_SLOW_612,
			    SEG("__gup_longterm_locked", "pin_user_pages_remote",
				"vaddr_get_pfns", "vfio_pin_page_external",
				"vfio_iommu_type1_pin_pages", "vfio_device_container_pin_pages",
				"vfio_pin_pages", "gvt_pin_guest_page", "intel_gvt_dma_map_guest_page",
				"ppgtt_populate_shadow_entry", "kthread", "ret_from_fork"),
			    SEG("ret_from_fork_asm")),
		      "try_grab_folio", "gvt_pin_guest_page");
}

/* --- KVM ----------------------------------------------------------------- */

/* 5.10 virt/kvm/kvm_main.c: __gfn_to_pfn_memslot() -> hva_to_pfn() ->
 * hva_to_pfn_fast() -> get_user_page_fast_only() (inline) ->
 * get_user_pages_fast_only(), or hva_to_pfn_slow() ->
 * get_user_pages_unlocked(): one function, hva_to_pfn, on both paths
 * (named hva_to_pfn_fast and hva_to_pfn_slow before the rule). x86:
 * kvm_mmu_page_fault() -> direct_page_fault() -> try_async_pf(). */
static void test_kvm_hva_to_pfn_x86_64_510_fast_and_slow(void **state)
{
	const char *const *const caller =
		SEG("hva_to_pfn", "__gfn_to_pfn_memslot", "try_async_pf", "direct_page_fault",
		    "kvm_tdp_page_fault", "kvm_mmu_page_fault", "vmx_handle_exit",
		    "vcpu_enter_guest", "kvm_arch_vcpu_ioctl_run", "kvm_vcpu_ioctl",
		    "__x64_sys_ioctl");

	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_510,
			    SEG("get_user_pages_fast_only", "hva_to_pfn_fast"), caller,
			    X86_ENTRY_510),
		      "try_grab_compound_head", "hva_to_pfn");
	assert_holder(STACK(KP_X86_FTRACE, GUP_SLOW_510,
			    SEG("get_user_pages_unlocked", "hva_to_pfn_slow"), caller,
			    X86_ENTRY_510),
		      "try_grab_page", "hva_to_pfn");
}

/* x86_64 6.6: kvm_faultin_pfn() -> __kvm_faultin_pfn() ->
 * __gfn_to_pfn_memslot() -> hva_to_pfn() -> hva_to_pfn_slow() ->
 * get_user_pages_unlocked(). */
static void test_kvm_hva_to_pfn_x86_64_66_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_INT3, GUP_SLOW_66,
			    SEG("get_user_pages_unlocked", "hva_to_pfn_slow", "hva_to_pfn",
				"__gfn_to_pfn_memslot", "__kvm_faultin_pfn", "kvm_faultin_pfn",
				"kvm_tdp_page_fault", "kvm_mmu_do_page_fault", "kvm_mmu_page_fault",
				"vmx_handle_exit", "vcpu_enter_guest", "vcpu_run",
				"kvm_arch_vcpu_ioctl_run", "kvm_vcpu_ioctl", "__x64_sys_ioctl"),
			    X86_ENTRY_510),
		      "try_grab_page", "hva_to_pfn");
}

/* arm64 6.12: user_mem_abort() -> __gfn_to_pfn_memslot() -> hva_to_pfn()
 * -> hva_to_pfn_slow(). */
static void test_kvm_hva_to_pfn_arm64_612_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_612, GUP_SLOW_612,
			    SEG("get_user_pages_unlocked", "hva_to_pfn_slow", "hva_to_pfn",
				"__gfn_to_pfn_memslot", "user_mem_abort", "kvm_handle_guest_abort",
				"handle_exit", "kvm_arch_vcpu_ioctl_run", "kvm_vcpu_ioctl",
				"__arm64_sys_ioctl"),
			    EL0_61),
		      "try_grab_folio", "hva_to_pfn");
}

/* torvalds kvm_main.c (6.13+): kvm_follow_pfn() -> hva_to_pfn() ->
 * hva_to_pfn_fast(), x86 __kvm_faultin_pfn(); a perf callchain of the
 * probe named by perf, leaf first from the probed function. */
static void test_kvm_hva_to_pfn_x86_64_613_perf(void **state)
{
	(void)state;
	assert_holder(STACK(GUP_FAST_612,
			    SEG("get_user_pages_fast_only", "hva_to_pfn_fast", "hva_to_pfn",
				"kvm_follow_pfn", "__kvm_faultin_pfn", "kvm_mmu_faultin_pfn",
				"kvm_tdp_page_fault", "kvm_mmu_do_page_fault", "kvm_mmu_page_fault",
				"vmx_handle_exit", "vcpu_enter_guest", "vcpu_run",
				"kvm_arch_vcpu_ioctl_run", "kvm_vcpu_ioctl", "__x64_sys_ioctl"),
			    X86_ENTRY_612),
		      "try_grab_folio_fast", "hva_to_pfn");
}

/* --- videobuf2 USERPTR ---------------------------------------------------- */

/* 5.10: vb2_dc_get_userptr() -> vb2_create_framevec() ->
 * get_vaddr_frames() (mm/frame_vector.c) -> pin_user_pages_locked(). */
static void test_vb2_userptr_arm64_510_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_510, GUP_SLOW_510,
			    SEG("pin_user_pages_locked", "get_vaddr_frames", "vb2_create_framevec",
				"vb2_dc_get_userptr", "__prepare_userptr", "__buf_prepare",
				"vb2_core_qbuf", "vb2_qbuf", "vb2_ioctl_qbuf", "v4l_qbuf",
				"__video_do_ioctl", "video_usercopy", "video_ioctl2", "v4l2_ioctl",
				"__arm64_sys_ioctl"),
			    EL0_510),
		      "try_grab_page", "vb2_create_framevec");
}

/* 6.12: get_vaddr_frames() moved into videobuf2 (frame_vector.c) and
 * calls pin_user_pages_fast(); vb2_vmalloc_get_userptr() here. Named
 * get_vaddr_frames before the rule. */
static void test_vb2_userptr_x86_64_612_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_612,
			    SEG("pin_user_pages_fast", "get_vaddr_frames", "vb2_create_framevec",
				"vb2_vmalloc_get_userptr", "__prepare_userptr", "__buf_prepare",
				"vb2_core_qbuf", "vb2_qbuf", "vb2_ioctl_qbuf", "v4l_qbuf",
				"__video_do_ioctl", "video_usercopy", "video_ioctl2", "v4l2_ioctl",
				"__x64_sys_ioctl"),
			    X86_ENTRY_612),
		      "try_grab_folio_fast", "vb2_create_framevec");
}

/* --- another process's memory ------------------------------------------- */

/* mm/process_vm_access.c, 5.10 and 6.12 alike: process_vm_rw() ->
 * process_vm_rw_core() -> process_vm_rw_single_vec() ->
 * pin_user_pages_remote(). The two static parts are process_vm_rw()'s,
 * inlined or not: named process_vm_rw. */
static void test_process_vm_readv_arm64_510_and_x86_64_612(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_510, GUP_SLOW_510,
			    SEG("__get_user_pages_remote", "pin_user_pages_remote",
				"process_vm_rw_single_vec", "process_vm_rw_core.constprop.0",
				"process_vm_rw", "__arm64_sys_process_vm_readv"),
			    EL0_510),
		      "try_grab_page", "process_vm_rw");
	assert_holder(STACK(KP_X86_INT3, GUP_SLOW_612,
			    SEG("pin_user_pages_remote", "process_vm_rw_single_vec",
				"process_vm_rw_core", "process_vm_rw", "__x64_sys_process_vm_readv"),
			    X86_ENTRY_612),
		      "try_grab_folio", "process_vm_rw");
}

/* mm/memory.c __access_remote_vm(): get_user_pages_remote() (5.10), 6.5+
 * through the inline get_user_page_vma_remote(). /proc/PID/mem's mem_rw()
 * and ptrace's ptrace_access_vm() asked for the page. Named
 * __access_remote_vm before the rule. */
static void test_remote_access_x86_64_510_and_arm64_612(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_SLOW_510,
			    SEG("__get_user_pages_remote", "get_user_pages_remote",
				"__access_remote_vm", "access_remote_vm", "mem_rw", "mem_read",
				"vfs_read", "ksys_read", "__x64_sys_read"),
			    X86_ENTRY_510),
		      "try_grab_page", "mem_rw");
	assert_holder(STACK(KP_ARM64_612, GUP_SLOW_612,
			    SEG("get_user_pages_remote", "__access_remote_vm", "access_remote_vm",
				"mem_rw", "mem_read", "vfs_read", "ksys_read", "__arm64_sys_read"),
			    EL0_61),
		      "try_grab_folio", "mem_rw");
	assert_holder(STACK(KP_ARM64_612, GUP_SLOW_612,
			    SEG("get_user_pages_remote", "__access_remote_vm", "ptrace_access_vm",
				"generic_ptrace_peekdata", "ptrace_request", "arch_ptrace",
				"__arm64_sys_ptrace"),
			    EL0_61),
		      "try_grab_folio", "ptrace_access_vm");
}

/* SG_IO passthrough, 6.6 block/scsi_ioctl.c: sg_io() ->
 * blk_rq_map_user_io() -> blk_rq_map_user_iov() -> bio_map_user_iov() ->
 * iov_iter_extract_pages(). The block layer's mapping of a user buffer
 * into a request is plumbing; sg_io() built the request and holds it (no
 * direct I/O of a file here). */
static void test_sg_io_passthrough_x86_64_66_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_66,
			    SEG("pin_user_pages_fast", "iov_iter_extract_user_pages",
				"iov_iter_extract_pages", "bio_map_user_iov", "blk_rq_map_user_iov",
				"blk_rq_map_user_io", "sg_io", "scsi_ioctl", "sd_ioctl",
				"blkdev_ioctl", "__x64_sys_ioctl"),
			    X86_ENTRY_510),
		      "try_grab_folio", "sg_io");
}

/* --- MSG_ZEROCOPY and tun zerocopy -------------------------------------- */

/* 5.10 TCP: tcp_sendmsg() -> tcp_sendmsg_locked() ->
 * skb_zerocopy_iter_stream() -> __zerocopy_sg_from_iter() ->
 * iov_iter_get_pages(). The skb holds the pages until they are acked:
 * the protocol's send names it, tcp_sendmsg (tcp_sendmsg_locked is its
 * part that runs with the socket locked). Named __zerocopy_sg_from_iter
 * before the rule. */
static void test_msg_zerocopy_tcp_x86_64_510_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_510,
			    SEG("get_user_pages_fast", "iov_iter_get_pages",
				"__zerocopy_sg_from_iter", "skb_zerocopy_iter_stream",
				"tcp_sendmsg_locked", "tcp_sendmsg", "inet_sendmsg", "sock_sendmsg",
				"____sys_sendmsg", "___sys_sendmsg", "__sys_sendmsg",
				"__x64_sys_sendmsg"),
			    X86_ENTRY_510),
		      "try_grab_compound_head", "tcp_sendmsg");
}

/* 6.10+: __zerocopy_sg_from_iter() -> zerocopy_fill_skb_from_iter() ->
 * iov_iter_get_pages2(). Named zerocopy_fill_skb_from_iter before the
 * rule. */
static void test_msg_zerocopy_tcp_arm64_612_page_ref(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_MOD, GUP_FAST_612,
			    SEG("get_user_pages_fast", "__iov_iter_get_pages_alloc",
				"iov_iter_get_pages2", "zerocopy_fill_skb_from_iter",
				"__zerocopy_sg_from_iter", "skb_zerocopy_iter_stream",
				"tcp_sendmsg_locked", "tcp_sendmsg", "inet_sendmsg",
				"__sock_sendmsg", "__sys_sendto", "__arm64_sys_sendto"),
			    EL0_61),
		      "__page_ref_mod", "tcp_sendmsg");
}

/* 6.1 UDP: __ip_append_data() -> skb_zerocopy_iter_dgram() ->
 * __zerocopy_sg_from_iter(); 5.10 vhost-net's zerocopy TX through tun:
 * handle_tx_zerocopy() -> tun_sendmsg() -> tun_get_user() ->
 * zerocopy_sg_from_iter() -> __zerocopy_sg_from_iter(). vhost's own
 * descriptor walk (translate_desc) takes no page reference. */
static void test_zerocopy_udp_and_tun_x86_64(void **state)
{
	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_61,
			    SEG("get_user_pages_fast", "__iov_iter_get_pages_alloc",
				"iov_iter_get_pages2", "__zerocopy_sg_from_iter",
				"skb_zerocopy_iter_dgram", "__ip_append_data", "ip_make_skb",
				"udp_sendmsg", "inet_sendmsg", "sock_sendmsg", "__sys_sendto",
				"__x64_sys_sendto"),
			    X86_ENTRY_510),
		      "try_grab_folio", "__ip_append_data");
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_510,
			    SEG("get_user_pages_fast", "iov_iter_get_pages",
				"__zerocopy_sg_from_iter", "zerocopy_sg_from_iter", "tun_get_user",
				"tun_sendmsg", "handle_tx_zerocopy", "handle_tx", "handle_tx_kick",
				"vhost_worker", "kthread", "ret_from_fork")),
		      "try_grab_compound_head", "tun_get_user");
}

/* --- the rules do not reach past their role ------------------------------ */

/* A driver's one wrapper that says whose pages it pins is its own code
 * and names the holder; a direct I/O whose stack was cut before its
 * issuer (perf's --max-stack) is named by its own first frame; a "part
 * of" is only the F_suffix form. */
static void test_rules_stay_within_their_role(void **state)
{
	struct picked p;

	(void)state;
	assert_holder(STACK(GUP_SLOW_61,
			    SEG("__gup_longterm_locked", "pin_user_pages", "edgetpu_pin_user_pages",
				"edgetpu_device_group_map", "edgetpu_ioctl", "__arm64_sys_ioctl"),
			    EL0_61),
		      "try_grab_page", "edgetpu_pin_user_pages");
	assert_holder(STACK(GUP_FAST_612,
			    SEG("pin_user_pages_fast", "iov_iter_extract_user_pages",
				"iov_iter_extract_pages", "__bio_iov_iter_get_pages",
				"bio_iov_iter_get_pages", "iomap_dio_bio_iter", "iomap_dio_iter",
				"__iomap_dio_rw", "iomap_dio_rw", "ext4_dio_read_iter",
				"ext4_file_read_iter")),
		      "try_grab_folio_fast", "iomap_dio_bio_iter");
	/* hva_to_pfn is not "a part of" __gfn_to_pfn_memslot, nor
	 * __do_fault of do_fault (a "__F" worker several callers share) */
	pick(&p, STACK(SEG("try_grab_page", "__get_user_pages", "get_user_pages_unlocked",
			   "hva_to_pfn", "__gfn_to_pfn_memslot", "kvm_vcpu_ioctl")),
	     MODE_HOLD);
	assert_string_equal(p.name, "hva_to_pfn");
	pick(&p, STACK(SEG("post_alloc_hook", "__alloc_pages", "shmem_alloc_folio",
			   "shmem_get_folio_gfp", "shmem_fault", "__do_fault", "do_fault",
			   "__handle_mm_fault")),
	     MODE_ALLOC);
	assert_string_equal(p.name, "__do_fault");
}

/* A common path that the user's --noise FILE names stays one on a direct
 * I/O's path: the walk to the issuer does not pass it. */
static void test_direct_io_walk_stops_at_a_listed_common_path(void **state)
{
	const char *const *const *xfs_read =
		STACK(KP_X86_FTRACE, GUP_FAST_61,
		      SEG("get_user_pages_fast", "__iov_iter_get_pages_alloc", "iov_iter_get_pages2",
			  "__bio_iov_iter_get_pages", "bio_iov_iter_get_pages", "iomap_dio_bio_iter",
			  "__iomap_dio_rw", "iomap_dio_rw", "xfs_file_dio_read", "xfs_file_read_iter",
			  "new_sync_read", "vfs_read", "ksys_read", "__x64_sys_read"),
		      X86_ENTRY_510);
	char path[] = "/tmp/pb-callsite-noise-XXXXXX";
	struct pb_analyze_opts opts = { 0 };
	struct picked p;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("common xfs_file_dio_*\n", f);
	assert_int_equal(fclose(f), 0);
	opts.noise_file = path;
	pick_with(&p, xfs_read, MODE_HOLD, &opts);
	unlink(path);
	assert_string_equal(p.name, "xfs_file_dio_read");
	assert_true(p.common);
	/* and without the file, the read's syscall */
	pick(&p, xfs_read, MODE_HOLD);
	assert_string_equal(p.name, "__do_sys_read");
	assert_false(p.common);
}

/* --- arches and versions none of the above comes from -------------------
 * Written from the lead's reading of those kernels' entry and GUP code
 * (not re-read in a tree for this test): the rules must name the same
 * holders on riscv64, ppc64le and s390x, and on 5.4, as above. */

/* riscv64 6.6: a kprobe is an ebreak, do_trap_break() -> handle_break();
 * the syscall entry do_trap_ecall_u() under handle_exception. */
static void test_io_uring_buffers_riscv64_66_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(SEG("kprobe_trace_func", "kprobe_dispatcher",
				"kprobe_breakpoint_handler", "handle_break", "do_trap_break",
				"handle_exception"),
			    GUP_SLOW_66,
			    SEG("__gup_longterm_locked", "pin_user_pages", "io_pin_pages",
				"io_sqe_buffer_register", "io_sqe_buffers_register",
				"__io_uring_register", "__riscv_sys_io_uring_register",
				"do_trap_ecall_u", "handle_exception")),
		      "try_grab_page", "io_sqe_buffer_register");
}

/* ppc64le 5.15: pread64(2) O_DIRECT on ext4 under the page_ref_mod
 * tracepoint; the syscall's wrapper is sys_pread64, the entry
 * system_call_exception() under system_call_vectored_common. */
static void test_direct_read_pread64_ppc64le_515_page_ref(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_MOD,
			    SEG("try_grab_compound_head", "gup_pte_range", "gup_pmd_range",
				"gup_pud_range", "gup_pgd_range", "lockless_pages_from_mm",
				"internal_get_user_pages_fast", "get_user_pages_fast",
				"iov_iter_get_pages", "__bio_iov_iter_get_pages",
				"bio_iov_iter_get_pages", "iomap_dio_bio_iter", "__iomap_dio_rw",
				"iomap_dio_rw", "ext4_dio_read_iter", "ext4_file_read_iter",
				"new_sync_read", "vfs_read", "ksys_pread64", "sys_pread64",
				"system_call_exception", "system_call_vectored_common")),
		      "__page_ref_mod", "__do_sys_pread64");
}

/* s390x 6.1: VFIO_IOMMU_MAP_DMA, a kprobe through the program check of
 * its breakpoint; the entry __do_syscall() under system_call. */
static void test_vfio_map_dma_s390x_61_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(SEG("kprobe_trace_func", "kprobe_dispatcher", "kprobe_handler",
				"kprobe_exceptions_notify", "notify_die", "illegal_op",
				"__do_pgm_check", "pgm_check_handler"),
			    GUP_SLOW_61,
			    SEG("__gup_longterm_locked", "pin_user_pages_remote", "vaddr_get_pfns",
				"vfio_pin_pages_remote", "vfio_pin_map_dma", "vfio_dma_do_map",
				"vfio_iommu_type1_ioctl", "__s390x_sys_ioctl", "__do_syscall",
				"system_call")),
		      "try_grab_page", "vfio_pin_map_dma");
}

/* x86_64 5.4: KVM faults a guest page in through get_user_pages_unlocked()
 * (hva_to_pfn_slow(), inlined or not); 5.4's follow_page_pte() takes the
 * reference with get_page(), so __page_ref_mod() is under it directly. */
static void test_kvm_hva_to_pfn_x86_64_54_page_ref(void **state)
{
	const char *const *const path =
		SEG("follow_page_pte", "follow_pmd_mask", "follow_pud_mask", "follow_p4d_mask",
		    "follow_page_mask", "__get_user_pages", "__get_user_pages_locked",
		    "get_user_pages_unlocked", "hva_to_pfn_slow", "hva_to_pfn",
		    "__gfn_to_pfn_memslot", "try_async_pf", "tdp_page_fault",
		    "kvm_mmu_page_fault", "vmx_handle_exit", "vcpu_enter_guest",
		    "kvm_arch_vcpu_ioctl_run", "kvm_vcpu_ioctl", "do_vfs_ioctl", "ksys_ioctl",
		    "__x64_sys_ioctl");

	(void)state;
	assert_holder(STACK(PAGE_REF_MOD, path, X86_ENTRY_510), "__page_ref_mod", "hva_to_pfn");
}

/* The role rules of 4298b6d on kernels and arches its tests did not
 * write (t2014: arm64, x86_64, riscv64, s390x, ppc64le; 5.10 to 6.13).
 * loongarch64 6.8 (generic syscall wrappers, do_syscall under
 * handle_syscall): vmsplice(2) of THP memory on the slow walk, whose grab
 * of a PMD mapping is follow_huge_pmd() in mm/gup.c from 6.8 (the
 * follow_trans_huge_pmd() of t2014 before it), under the page_ref_mod
 * tracepoint; tee(2), whose pipe buffer reference generic_pipe_buf_get()
 * takes with link_pipe() inlined into do_tee() and __do_sys_tee() into
 * the wrapper; and process_vm_readv(2) with process_vm_rw_single_vec()
 * inlined, its part process_vm_rw_core() under process_vm_rw(). Each
 * holder is named as on the arches t2014 wrote. */
static void test_role_rules_on_loongarch64_68(void **state)
{
	const char *const *const entry = SEG("do_syscall", "handle_syscall");

	(void)state;
	assert_holder(STACK(PAGE_REF_MOD,
			    SEG("try_grab_page", "follow_huge_pmd", "follow_pmd_mask",
				"follow_pud_mask", "follow_p4d_mask", "follow_page_mask",
				"__get_user_pages", "__gup_longterm_locked",
				"internal_get_user_pages_fast", "get_user_pages_fast",
				"__iov_iter_get_pages_alloc", "iov_iter_get_pages2", "iter_to_pipe",
				"vmsplice_to_pipe", "__do_sys_vmsplice", "sys_vmsplice"),
			    entry),
		      "__page_ref_mod", "__do_sys_vmsplice");
	assert_holder(STACK(PAGE_REF_MOD, SEG("generic_pipe_buf_get", "do_tee", "sys_tee"), entry),
		      "__page_ref_mod", "do_tee");
	assert_holder(STACK(PAGE_REF_MOD,
			    SEG("try_grab_folio", "gup_pte_range", "gup_pmd_range",
				"gup_pud_range", "gup_p4d_range", "gup_pgd_range",
				"lockless_pages_from_mm", "internal_get_user_pages_fast",
				"pin_user_pages_remote", "process_vm_rw_core.constprop.0",
				"process_vm_rw", "sys_process_vm_readv"),
			    entry),
		      "__page_ref_mod", "process_vm_rw");
}

/* --- more holders, more releases (h50) ------------------------------------
 * Each stack written from the source of its release: io_uring's
 * fs/io_uring.c (5.4) and io_uring/rsrc.c, memmap.c; drivers/infiniband/
 * core/umem.c; drivers/iommu/iommufd/pages.c and io_pagetable.c (6.2+);
 * net/core/skbuff.c skb_splice_from_iter() and fs/splice.c
 * splice_to_socket() (6.5+); net/ipv4/tcp.c; fs/aio.c and fs/direct-io.c;
 * fs/fuse/file.c; virt/kvm/kvm_main.c; drivers/vfio/vfio_iommu_type1.c.
 * The inlining, where a stack below says so, is that of the Debian
 * arm64 kernels 6.1.0-50 and 6.12.117 (their /proc/kallsyms, read under
 * qemu, and their modules' symbols): neither has an iter_to_pipe,
 * vmsplice_to_pipe, link_pipe, hva_to_pfn_slow, __io_uring_register,
 * process_vm_rw_single_vec, follow_pmd_mask or lockless range walker
 * (gup_pte_range, gup_fast_pte_range) frame, 6.12 no
 * fuse_get_user_pages, fuse_direct_read_iter or
 * iov_iter_extract_user_pages; both keep process_vm_rw, hva_to_pfn,
 * io_pin_pages, io_sqe_buffer_register, io_buffer_unmap, io_submit_one
 * and aio_read out of line. The other stacks keep every frame, as the
 * tests above do: the rules must name both shapes alike. */

/* 5.4 has no __traceiter_*: the tracepoint's event function is called
 * from the page_ref helper itself */
#define PAGE_REF_MOD_54 SEG("trace_event_raw_event_page_ref_mod_template", "__page_ref_mod")
#define PAGE_REF_UNLESS_54                                                                \
	SEG("trace_event_raw_event_page_ref_mod_and_return_template", "__page_ref_mod_unless")
/* 5.4 mm/gup.c: follow_page_pte() takes the reference with try_get_page();
 * get_user_pages(FOLL_LONGTERM) -> __gup_longterm_locked() ->
 * __get_user_pages_locked() (__always_inline) -> __get_user_pages(); the
 * lockless walk's try_get_compound_head() under get_user_pages_fast() */
#define GUP_SLOW_LONGTERM_54                                                              \
	SEG("follow_page_pte", "follow_pmd_mask", "follow_page_mask", "__get_user_pages", \
	    "__gup_longterm_locked", "get_user_pages")
#define GUP_FAST_54                                                                       \
	SEG("gup_pte_range", "gup_pmd_range", "gup_pud_range", "gup_pgd_range",           \
	    "get_user_pages_fast")
/* 5.4 arm64: el0_svc -> el0_svc_handler -> el0_svc_common */
#define EL0_54 SEG("el0_svc_common.constprop.0", "el0_svc_handler", "el0_svc")
/* 6.12+ as Debian's build has it: the range walkers inlined into
 * gup_fast_fallback() */
#define GUP_FAST_615 SEG("try_grab_folio_fast", "gup_fast_fallback")

/* io_uring registered buffers on 5.4 (x86_64: get_user_pages() called by
 * io_sqe_buffer_register() itself, __io_uring_register() inlined into the
 * syscall) and 6.15 (arm64: io_pin_pages() -> pin_user_pages_fast()). */
static void test_io_uring_buffers_x86_64_54_and_arm64_615(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_MOD_54, GUP_SLOW_LONGTERM_54,
			    SEG("io_sqe_buffer_register", "__x64_sys_io_uring_register"),
			    X86_ENTRY_510),
		      "__page_ref_mod", "io_sqe_buffer_register");
	assert_holder(STACK(KP_ARM64_612, GUP_FAST_615,
			    SEG("pin_user_pages_fast", "io_pin_pages", "io_sqe_buffer_register",
				"io_sqe_buffers_register", "__arm64_sys_io_uring_register"),
			    EL0_61),
		      "try_grab_folio_fast", "io_sqe_buffer_register");
}

/* RDMA memory registration: 5.4 x86_64 ib_umem_get() ->
 * get_user_pages(FOLL_LONGTERM) under mlx5's mr_umem_get() and the
 * write() ABI; 6.15 arm64 rxe's rxe_mr_init_user() -> ib_umem_get() ->
 * pin_user_pages_fast() under the ioctl ABI. ib_umem_get is exported:
 * out of line on every build. */
static void test_rdma_umem_x86_64_54_and_arm64_615(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_MOD_54, GUP_SLOW_LONGTERM_54,
			    SEG("ib_umem_get", "mr_umem_get", "mlx5_ib_reg_user_mr",
				"ib_uverbs_reg_mr", "ib_uverbs_write", "__vfs_write", "vfs_write",
				"ksys_write", "__x64_sys_write"),
			    X86_ENTRY_510),
		      "__page_ref_mod", "ib_umem_get");
	assert_holder(STACK(KP_ARM64_612, GUP_FAST_615,
			    SEG("pin_user_pages_fast", "ib_umem_get", "rxe_mr_init_user",
				"rxe_reg_user_mr", "ib_uverbs_reg_mr",
				"ib_uverbs_handler_UVERBS_METHOD_INVOKE_WRITE",
				"ib_uverbs_cmd_verbs", "ib_uverbs_ioctl", "__arm64_sys_ioctl"),
			    EL0_61),
		      "try_grab_folio_fast", "ib_umem_get");
}

/* VFIO type1 on 5.4 x86_64: vaddr_get_pfn() -> get_user_pages(FOLL_LONGTERM)
 * when the mm is the caller's, every static function out of line. */
static void test_vfio_map_dma_x86_64_54_page_ref(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_MOD_54, GUP_SLOW_LONGTERM_54,
			    SEG("vaddr_get_pfn", "vfio_pin_pages_remote", "vfio_pin_map_dma",
				"vfio_dma_do_map", "vfio_iommu_type1_ioctl", "vfio_fops_unl_ioctl",
				"do_vfs_ioctl", "ksys_ioctl", "__x64_sys_ioctl"),
			    X86_ENTRY_510),
		      "__page_ref_mod", "vfio_pin_map_dma");
}

/* iommufd IOMMU_IOAS_MAP (6.2+): iommufd_ioas_map() ->
 * iopt_map_user_pages() -> iopt_map_pages() -> iopt_fill_domains_pages()
 * -> iopt_area_fill_domains() -> pfn_reader_first() -> pfn_reader_next()
 * -> pfn_reader_fill_span() -> pfn_reader_user_pin() ->
 * pin_user_pages_fast() (the caller's mm). pfn_reader and the io page
 * table (iopt_*) are iommufd's pin library (a new domain's
 * iopt_area_fill_domain() and an access's iopt_pages_fill_xarray() read
 * through it too): the ioctl's handler holds. x86_64 6.2 and arm64 6.12;
 * named pfn_reader_user_pin before 24b1095, iopt_area_fill_domains
 * before the io page table was a part of the library too. */
static void test_iommufd_ioas_map_x86_64_62_and_arm64_612(void **state)
{
	const char *const *const map =
		SEG("pin_user_pages_fast", "pfn_reader_user_pin", "pfn_reader_fill_span",
		    "pfn_reader_next", "pfn_reader_first", "iopt_area_fill_domains",
		    "iopt_fill_domains_pages", "iopt_map_pages", "iopt_map_user_pages",
		    "iommufd_ioas_map", "iommufd_fops_ioctl");

	(void)state;
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_61, map, SEG("__x64_sys_ioctl"),
			    X86_ENTRY_510),
		      "try_grab_folio", "iommufd_ioas_map");
	assert_holder(STACK(PAGE_REF_MOD, GUP_FAST_615, map, SEG("__arm64_sys_ioctl"), EL0_61),
		      "__page_ref_mod", "iommufd_ioas_map");
}

/* splice(2) from a pipe (filled by vmsplice(2)) to a TCP socket, 6.5+:
 * splice_to_socket() sends the pipe's pages with MSG_SPLICE_PAGES;
 * tcp_sendmsg_locked() -> skb_splice_from_iter() ->
 * skb_append_pagefrags() takes the reference the skb holds until the
 * data is acked: TCP's send names it, as for MSG_ZEROCOPY. x86_64 6.6
 * (sock_sendmsg), arm64 6.12 (__sock_sendmsg). Named
 * skb_append_pagefrags before the rule. */
static void test_splice_to_tcp_x86_64_66_and_arm64_612(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_MOD,
			    SEG("skb_append_pagefrags", "skb_splice_from_iter",
				"tcp_sendmsg_locked", "tcp_sendmsg", "inet_sendmsg", "sock_sendmsg",
				"splice_to_socket", "do_splice_from", "do_splice", "__do_splice",
				"__x64_sys_splice"),
			    X86_ENTRY_510),
		      "__page_ref_mod", "tcp_sendmsg");
	assert_holder(STACK(PAGE_REF_MOD,
			    SEG("skb_append_pagefrags", "skb_splice_from_iter",
				"tcp_sendmsg_locked", "tcp_sendmsg", "inet_sendmsg",
				"__sock_sendmsg", "splice_to_socket", "do_splice", "__do_splice",
				"__arm64_sys_splice"),
			    EL0_61),
		      "__page_ref_mod", "tcp_sendmsg");
}

/* 24b1095's two rules on arches and paths its tests did not write.
 * s390x 6.6 vfio-ccw: a channel program's data pages are pinned by the
 * driver's page_array_pin() through vfio_pin_pages(), which under an
 * iommufd compat container is iommufd_access_pin_pages() and reads
 * through the access's pfn_reader (iopt_pages_fill_xarray()), and under
 * type1 is vfio_iommu_type1_pin_pages() -> vaddr_get_pfns(): one holder,
 * so one name whichever backend pinned (the iommufd one was named
 * iopt_pages_fill_xarray while only pfn_reader_* was iommufd's library).
 * riscv64 6.10 splice to TCP with skb_splice_from_iter() inlined into
 * tcp_sendmsg_locked(). */
#define S390_ENTRY_66 SEG("__do_syscall", "system_call")
static void test_new_rules_on_s390x_66_and_riscv64_610(void **state)
{
	const char *const *const ccw =
		SEG("page_array_pin", "ccwchain_fetch_ccw", "ccwchain_fetch_one",
		    "cp_prefetch", "fsm_io_request", "vfio_ccw_mdev_write_io_region",
		    "vfio_ccw_mdev_write", "vfio_device_fops_write", "vfs_write", "ksys_write",
		    "__s390x_sys_write");

	(void)state;
	assert_holder(STACK(PAGE_REF_MOD, GUP_SLOW_66,
			    VFIO_PIN_IOMMUFD,
			    ccw, S390_ENTRY_66),
		      "__page_ref_mod", "page_array_pin");
	assert_holder(STACK(PAGE_REF_MOD, GUP_SLOW_66,
			    VFIO_PIN_TYPE1,
			    ccw, S390_ENTRY_66),
		      "__page_ref_mod", "page_array_pin");
	assert_holder(STACK(PAGE_REF_MOD,
			    SEG("skb_append_pagefrags", "tcp_sendmsg_locked", "tcp_sendmsg",
				"inet_sendmsg", "__sock_sendmsg", "splice_to_socket", "do_splice",
				"__do_splice", "__riscv_sys_splice", "do_trap_ecall_u",
				"ret_from_exception")),
		      "__page_ref_mod", "tcp_sendmsg");
}

/* iommufd's io page table (iopt_*) checked where the rule was not written
 * from: x86_64 6.8's i915 GVT-g (kvmgt) pinning a guest page through
 * vfio_pin_pages() down either VFIO backend (iommufd's access: its
 * iopt_area_add_access() -> iopt_pages_fill_xarray() -> pfn_reader_*;
 * type1: vaddr_get_pfns()), from an MMIO write of the guest's GTT, and
 * arm64 6.12's IOMMU_IOAS_MAP filling an area's domains
 * (iopt_map_user_pages() -> iopt_map_pages() -> iopt_fill_domains_pages()
 * -> iopt_area_fill_domains()). */
static void test_iommufd_io_page_table_x86_64_68_and_arm64_612(void **state)
{
	const char *const *const gvt =
		SEG("gvt_pin_guest_page", "gvt_dma_map_page", "intel_gvt_dma_map_guest_page",
		    "ppgtt_populate_shadow_entry", "ppgtt_handle_guest_write_page_table",
		    "intel_vgpu_emulate_ggtt_mmio_write", "intel_vgpu_emulate_mmio_write",
		    "intel_vgpu_rw", "intel_vgpu_write", "vfio_device_fops_write", "vfs_write",
		    "ksys_write", "__x64_sys_write");

	(void)state;
	assert_holder(STACK(KP_X86_INT3, GUP_SLOW_66,
			    VFIO_PIN_IOMMUFD,
			    gvt, X86_ENTRY_612),
		      "try_grab_page", "gvt_pin_guest_page");
	assert_holder(STACK(KP_X86_INT3, GUP_SLOW_66,
			    VFIO_PIN_TYPE1,
			    gvt, X86_ENTRY_612),
		      "try_grab_page", "gvt_pin_guest_page");
	assert_holder(STACK(PAGE_REF_MOD, GUP_SLOW_612,
			    SEG("__gup_longterm_locked", "pin_user_pages_remote",
				"pfn_reader_user_pin", "pfn_reader_fill_span", "pfn_reader_next",
				"pfn_reader_first", "iopt_area_fill_domains",
				"iopt_fill_domains_pages", "iopt_map_pages", "iopt_map_user_pages",
				"iommufd_ioas_map", "iommufd_fops_ioctl", "__arm64_sys_ioctl"),
			    EL0_61),
		      "__page_ref_mod", "iommufd_ioas_map");
}

/* A tracer's return trampoline in the middle of a stack, where the
 * unwinder did not put back the return address it replaced: the frame it
 * stands for is lost, and the holder is named past it.
 *  - Debian's 5.10 arm64 under record --bpf, whose kretprobe on
 *    generic_file_splice_read() gates the page cache read of a splice:
 *    the stack record wrote (make e2e PB_E2E_KERNELS=bullseye
 *    PB_E2E_BPF=1), kretprobe_trampoline where do_splice_to() was;
 *  - x86_64 6.1 under the function graph tracer: return_to_handler
 *    where __bio_iov_iter_get_pages() was;
 *  - arm64 6.12 with pin_user_pages_fast() hooked by fexit: its BPF
 *    trampoline between it and its caller;
 *  - x86_64 5.10, a kretprobe of perf probe's: none of these was looked
 *    at when the rule was written. */
static void test_tracer_return_trampolines_are_walked_through(void **state)
{
	(void)state;
	assert_holder(STACK(SEG("mark_page_accessed", "generic_file_splice_read",
				"kretprobe_trampoline", "do_splice", "__arm64_sys_splice"),
			    EL0_510),
		      "mark_page_accessed", "do_splice");
	assert_holder(STACK(KP_X86_FTRACE, GUP_FAST_61,
			    SEG("get_user_pages_fast", "__iov_iter_get_pages_alloc",
				"iov_iter_get_pages2", "return_to_handler",
				"bio_iov_iter_get_pages", "iomap_dio_bio_iter", "__iomap_dio_rw",
				"iomap_dio_rw", "xfs_file_dio_read", "xfs_file_read_iter",
				"new_sync_read", "vfs_read", "ksys_read", "__x64_sys_read"),
			    X86_ENTRY_510),
		      "try_grab_folio", "__do_sys_read");
	assert_holder(STACK(KP_ARM64_612, GUP_FAST_612,
			    SEG("pin_user_pages_fast", "bpf_trampoline_6442491234",
				"iov_iter_extract_pages", "__bio_iov_iter_get_pages",
				"bio_iov_iter_get_pages", "iomap_dio_bio_iter", "__iomap_dio_rw",
				"iomap_dio_rw", "xfs_file_dio_read", "xfs_file_read_iter",
				"vfs_read", "ksys_read", "__arm64_sys_read"),
			    EL0_61),
		      "try_grab_folio_fast", "__do_sys_read");
	/* x86_64 5.10 (its ORC unwinder puts a kretprobe's return address
	 * back from 5.15) with a kretprobe on generic_file_splice_read (perf
	 * probe -a 'generic_file_splice_read%return'), the page_ref_mod
	 * tracepoint of a splice from tmpfs, whose page reference
	 * copy_page_to_iter_pipe() (inlined) takes: where do_splice_to was,
	 * the trampoline */
	assert_holder(STACK(PAGE_REF_MOD,
			    SEG("copy_page_to_iter", "shmem_file_read_iter",
				"generic_file_splice_read", "kretprobe_trampoline", "do_splice",
				"__x64_sys_splice"),
			    X86_ENTRY_510),
		      "__page_ref_mod", "do_splice");
}

/* MSG_ZEROCOPY over TCP on 5.4 arm64 (the lockless walk's
 * try_get_compound_head() -> page_ref_add_unless()) and 6.15 x86_64
 * (zerocopy_fill_skb_from_iter() -> iov_iter_get_pages2()). */
static void test_msg_zerocopy_tcp_arm64_54_and_x86_64_615(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_UNLESS_54, GUP_FAST_54,
			    SEG("iov_iter_get_pages", "__zerocopy_sg_from_iter",
				"skb_zerocopy_iter_stream", "tcp_sendmsg_locked", "tcp_sendmsg",
				"inet_sendmsg", "sock_sendmsg", "__sys_sendto", "__arm64_sys_sendto"),
			    EL0_54),
		      "__page_ref_mod_unless", "tcp_sendmsg");
	assert_holder(STACK(KP_X86_INT3, GUP_FAST_615,
			    SEG("get_user_pages_fast", "__iov_iter_get_pages_alloc",
				"iov_iter_get_pages2", "zerocopy_fill_skb_from_iter",
				"__zerocopy_sg_from_iter", "skb_zerocopy_iter_stream",
				"tcp_sendmsg_locked", "tcp_sendmsg", "inet_sendmsg",
				"__sock_sendmsg", "__sys_sendto", "__x64_sys_sendto"),
			    X86_ENTRY_612),
		      "try_grab_folio_fast", "tcp_sendmsg");
}

/* io_submit(2) O_DIRECT: 5.4 x86_64 ext4 still on fs/direct-io.c
 * (ext4_direct_IO() -> __blockdev_direct_IO() -> do_direct_IO() ->
 * dio_refill_pages() -> iov_iter_get_pages()), under
 * generic_file_read_iter() and aio_read(); 6.15 arm64 iomap
 * (iov_iter_extract_pages()). The same syscall name on both. */
static void test_aio_direct_read_x86_64_54_and_arm64_615(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_UNLESS_54, GUP_FAST_54,
			    SEG("iov_iter_get_pages", "dio_refill_pages", "do_direct_IO",
				"do_blockdev_direct_IO", "__blockdev_direct_IO", "ext4_direct_IO",
				"generic_file_read_iter", "ext4_file_read_iter", "aio_read",
				"io_submit_one", "__x64_sys_io_submit"),
			    X86_ENTRY_510),
		      "__page_ref_mod_unless", "__do_sys_io_submit");
	assert_holder(STACK(PAGE_REF_MOD, GUP_FAST_615,
			    SEG("pin_user_pages_fast", "iov_iter_extract_pages",
				"__bio_iov_iter_get_pages", "bio_iov_iter_get_pages",
				"iomap_dio_bio_iter", "__iomap_dio_rw", "iomap_dio_rw",
				"ext4_file_read_iter", "aio_read", "io_submit_one",
				"__arm64_sys_io_submit"),
			    EL0_61),
		      "__page_ref_mod", "__do_sys_io_submit");
}

/* fuse direct I/O: 5.4 x86_64 (every part out of line) and 6.15 arm64
 * with fuse_get_user_pages() inlined into fuse_direct_io() and the read
 * path's parts into fuse_file_read_iter(), as Debian's 6.12 has them. */
static void test_fuse_direct_io_x86_64_54_and_arm64_615(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_UNLESS_54, GUP_FAST_54,
			    SEG("iov_iter_get_pages", "fuse_get_user_pages", "fuse_direct_io",
				"__fuse_direct_read", "fuse_direct_read_iter", "fuse_file_read_iter",
				"new_sync_read", "__vfs_read", "vfs_read", "ksys_read",
				"__x64_sys_read"),
			    X86_ENTRY_510),
		      "__page_ref_mod_unless", "__do_sys_read");
	assert_holder(STACK(KP_ARM64_612, GUP_FAST_615,
			    SEG("pin_user_pages_fast", "iov_iter_extract_pages", "fuse_direct_io",
				"fuse_file_read_iter", "vfs_read", "ksys_read", "__arm64_sys_read"),
			    EL0_61),
		      "try_grab_folio_fast", "__do_sys_read");
}

/* KVM: arm64 6.1 (hva_to_pfn() out of line, hva_to_pfn_slow() inlined
 * into it, as Debian's 6.1 has them) and x86_64 6.15 (kvm_follow_pfn()
 * -> hva_to_pfn() -> hva_to_pfn_fast() -> get_user_pages_fast_only()). */
static void test_kvm_hva_to_pfn_arm64_61_and_x86_64_615(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_61, GUP_SLOW_61,
			    SEG("get_user_pages_unlocked", "hva_to_pfn", "__gfn_to_pfn_memslot",
				"user_mem_abort", "kvm_handle_guest_abort", "handle_exit",
				"kvm_arch_vcpu_ioctl_run", "kvm_vcpu_ioctl", "__arm64_sys_ioctl"),
			    EL0_61),
		      "try_grab_page", "hva_to_pfn");
	assert_holder(STACK(PAGE_REF_MOD, GUP_FAST_615,
			    SEG("get_user_pages_fast_only", "hva_to_pfn_fast", "hva_to_pfn",
				"kvm_follow_pfn", "__kvm_faultin_pfn", "kvm_mmu_faultin_pfn",
				"kvm_tdp_page_fault", "kvm_mmu_do_page_fault", "kvm_mmu_page_fault",
				"vmx_handle_exit", "vcpu_enter_guest", "vcpu_run",
				"kvm_arch_vcpu_ioctl_run", "kvm_vcpu_ioctl", "__x64_sys_ioctl"),
			    X86_ENTRY_612),
		      "__page_ref_mod", "hva_to_pfn");
}

/* videobuf2 USERPTR on 5.4 x86_64: get_vaddr_frames() (mm/frame_vector.c)
 * -> get_user_pages_locked() -> __get_user_pages_locked(). */
static void test_vb2_userptr_x86_64_54_page_ref(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_MOD_54,
			    SEG("follow_page_pte", "follow_pmd_mask", "follow_page_mask",
				"__get_user_pages", "__get_user_pages_locked",
				"get_user_pages_locked", "get_vaddr_frames", "vb2_create_framevec",
				"vb2_dc_get_userptr", "__prepare_userptr", "__buf_prepare",
				"vb2_core_qbuf", "vb2_qbuf", "vb2_ioctl_qbuf", "v4l_qbuf",
				"__video_do_ioctl", "video_usercopy", "video_ioctl2", "v4l2_ioctl",
				"do_vfs_ioctl", "ksys_ioctl", "__x64_sys_ioctl"),
			    X86_ENTRY_510),
		      "__page_ref_mod", "vb2_create_framevec");
}

/* VFIO_IOMMU_MAP_DMA as Debian's arm64 builds have it: 6.1.0-50,
 * 6.12.117 and 7.2.13 vfio_iommu_type1.ko have no vfio_pin_map_dma nor
 * vfio_dma_do_map symbol (each static with one caller, inlined into
 * vfio_iommu_type1_ioctl()), while vfio_pin_pages_remote() and
 * vaddr_get_pfns() (two callers each) stay out of line. The pin library
 * walked, the ioctl names the holder, the same on the three releases; a
 * build that kept vfio_pin_map_dma() out of line would name that (the
 * tests above): a function the compiler inlined leaves no frame, and no
 * rule over names can put it back. */
static void test_vfio_map_dma_debian_arm64_61_612(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_MOD,
			    SEG("try_grab_page", "follow_page_pte", "__get_user_pages",
				"__gup_longterm_locked", "pin_user_pages_remote", "vaddr_get_pfns",
				"vfio_pin_pages_remote", "vfio_iommu_type1_ioctl",
				"vfio_fops_unl_ioctl", "__arm64_sys_ioctl"),
			    EL0_61),
		      "__page_ref_mod", "vfio_iommu_type1_ioctl");
	assert_holder(STACK(KP_ARM64_612,
			    SEG("try_grab_folio", "follow_page_pte", "__get_user_pages",
				"__gup_longterm_locked", "pin_user_pages_remote", "vaddr_get_pfns",
				"vfio_pin_pages_remote", "vfio_iommu_type1_ioctl",
				"vfio_fops_unl_ioctl", "__arm64_sys_ioctl"),
			    EL0_61),
		      "try_grab_folio", "vfio_iommu_type1_ioctl");
}

/* The same splice to TCP up to 6.4, through sendpage: generic_splice_sendpage()
 * -> pipe_to_sendpage() -> inet_sendpage() -> tcp_sendpage() ->
 * do_tcp_sendpages(), whose tcp_build_frag() takes the reference; global
 * from 5.11 to 5.17 (MPTCP's too) as on x86_64 5.15, static with one
 * caller after, inlined as on arm64 6.1. do_tcp_sendpages holds on both;
 * named tcp_build_frag on 5.15 before the rule. */
static void test_splice_to_tcp_sendpage_x86_64_515_and_arm64_61(void **state)
{
	const char *const *const splice =
		SEG("tcp_sendpage", "inet_sendpage", "kernel_sendpage", "sock_sendpage",
		    "pipe_to_sendpage", "__splice_from_pipe", "generic_splice_sendpage", "do_splice");

	(void)state;
	assert_holder(STACK(PAGE_REF_MOD,
			    SEG("tcp_build_frag", "do_tcp_sendpages", "tcp_sendpage_locked"),
			    splice, SEG("__do_splice", "__x64_sys_splice"), X86_ENTRY_510),
		      "__page_ref_mod", "do_tcp_sendpages");
	assert_holder(STACK(PAGE_REF_MOD, SEG("do_tcp_sendpages", "tcp_sendpage_locked"), splice,
			    SEG("__do_splice", "__arm64_sys_splice"), EL0_61),
		      "__page_ref_mod", "do_tcp_sendpages");
}

/* io_uring's put of its registered buffers, IORING_UNREGISTER_BUFFERS,
 * under the page_ref_mod_and_test tracepoint: each release names the
 * code that lets the buffer go, which the kernel renamed. 5.4 x86_64:
 * io_sqe_buffer_unregister() puts every page itself (put_page(), inline);
 * 6.12 arm64: __io_sqe_buffers_unregister() -> io_buffer_unmap() ->
 * unpin_user_page(); 6.15 x86_64: io_rsrc_data_free() ->
 * io_free_rsrc_node() -> io_buffer_unmap() -> imu->release, the user
 * buffer's io_release_ubuf() -> unpin_user_folio(). The get is
 * io_sqe_buffer_register on every release (above). */
#define PAGE_REF_PUT                                                                      \
	SEG("trace_event_raw_event_page_ref_mod_and_test_template",                       \
	    "__traceiter_page_ref_mod_and_test", "__page_ref_mod_and_test")
static void test_io_uring_buffers_put_54_612_615(void **state)
{
	(void)state;
	assert_holder(STACK(PAGE_REF_PUT,
			    SEG("io_sqe_buffer_unregister", "__x64_sys_io_uring_register"),
			    X86_ENTRY_510),
		      "__page_ref_mod_and_test", "io_sqe_buffer_unregister");
	assert_holder(STACK(PAGE_REF_PUT,
			    SEG("gup_put_folio", "unpin_user_page", "io_buffer_unmap",
				"__io_sqe_buffers_unregister", "io_sqe_buffers_unregister",
				"__arm64_sys_io_uring_register"),
			    EL0_61),
		      "__page_ref_mod_and_test", "io_buffer_unmap");
	assert_holder(STACK(PAGE_REF_PUT,
			    SEG("gup_put_folio", "unpin_user_folio", "io_release_ubuf",
				"io_buffer_unmap", "io_free_rsrc_node", "io_rsrc_data_free",
				"io_sqe_buffers_unregister", "__x64_sys_io_uring_register"),
			    X86_ENTRY_612),
		      "__page_ref_mod_and_test", "io_release_ubuf");
}

/* iommufd on two more releases: arm64 6.6, a VFIO_IOMMU_MAP_DMA of
 * iommufd's VFIO compatibility (iommufd_vfio_ioctl() ->
 * iommufd_vfio_map_dma() -> iopt_map_user_pages()); x86_64 6.15, an
 * IOMMU_IOAS_MAP whose pages belong to another mm (pfn_reader_user_pin()
 * -> pin_user_pages_remote() under the mmap lock). */
static void test_iommufd_map_arm64_66_and_x86_64_615(void **state)
{
	const char *const *const fill =
		SEG("pfn_reader_user_pin", "pfn_reader_fill_span", "pfn_reader_next",
		    "pfn_reader_first", "iopt_area_fill_domains", "iopt_fill_domains_pages",
		    "iopt_map_pages", "iopt_map_user_pages");

	(void)state;
	assert_holder(STACK(KP_ARM64_61, GUP_FAST_66, SEG("pin_user_pages_fast"), fill,
			    SEG("iommufd_vfio_map_dma", "iommufd_vfio_ioctl", "iommufd_fops_ioctl",
				"__arm64_sys_ioctl"),
			    EL0_61),
		      "try_grab_folio", "iommufd_vfio_map_dma");
	assert_holder(STACK(PAGE_REF_MOD, GUP_SLOW_612,
			    SEG("__gup_longterm_locked", "pin_user_pages_remote"), fill,
			    SEG("iommufd_ioas_map", "iommufd_fops_ioctl", "__x64_sys_ioctl"),
			    X86_ENTRY_612),
		      "__page_ref_mod", "iommufd_ioas_map");
}

/* videobuf2 USERPTR on arm64 6.1: videobuf2's own frame_vector.c,
 * get_vaddr_frames() -> pin_user_pages_fast(FOLL_LONGTERM), under
 * vb2_dma_sg_get_userptr(). */
static void test_vb2_userptr_arm64_61_kprobe(void **state)
{
	(void)state;
	assert_holder(STACK(KP_ARM64_61, GUP_FAST_61,
			    SEG("pin_user_pages_fast", "get_vaddr_frames", "vb2_create_framevec",
				"vb2_dma_sg_get_userptr", "__prepare_userptr", "__buf_prepare",
				"vb2_core_qbuf", "vb2_qbuf", "vb2_ioctl_qbuf", "v4l_qbuf",
				"__video_do_ioctl", "video_usercopy", "video_ioctl2", "v4l2_ioctl",
				"__arm64_sys_ioctl"),
			    EL0_61),
		      "try_grab_folio", "vb2_create_framevec");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_rules_on_loongarch64_68),
		cmocka_unit_test(test_io_uring_buffers_arm64_510_page_pinner),
		cmocka_unit_test(test_io_uring_buffers_x86_64_61_kprobe),
		cmocka_unit_test(test_io_uring_buffers_arm64_612_page_ref_and_kprobe),
		cmocka_unit_test(test_io_uring_buffers_arm64_66_kprobe),
		cmocka_unit_test(test_io_uring_buffers_arm64_66_page_pinner_put),
		cmocka_unit_test(test_io_uring_direct_read_x86_64_510_kprobe),
		cmocka_unit_test(test_io_uring_direct_read_arm64_612_io_wq),
		cmocka_unit_test(test_direct_read_pread64_ext4_arm64_510_kprobe),
		cmocka_unit_test(test_direct_read_read_xfs_x86_64_61_kprobe),
		cmocka_unit_test(test_direct_read_io_submit_ext4_x86_64_612_page_ref),
		cmocka_unit_test(test_direct_write_io_submit_xfs_arm64_66_kprobe),
		cmocka_unit_test(test_direct_read_legacy_dio_x86_64_510_kprobe),
		cmocka_unit_test(test_fuse_direct_io_arm64_510_and_x86_64_612),
		cmocka_unit_test(test_rdma_umem_x86_64_510_kprobe),
		cmocka_unit_test(test_rdma_umem_arm64_612_kprobe),
		cmocka_unit_test(test_vfio_map_dma_x86_64_510_kprobe),
		cmocka_unit_test(test_vfio_map_dma_arm64_612_kprobe),
		cmocka_unit_test(test_vfio_mdev_pin_x86_64_612_kprobe),
		cmocka_unit_test(test_kvm_hva_to_pfn_x86_64_510_fast_and_slow),
		cmocka_unit_test(test_kvm_hva_to_pfn_x86_64_66_kprobe),
		cmocka_unit_test(test_kvm_hva_to_pfn_arm64_612_kprobe),
		cmocka_unit_test(test_kvm_hva_to_pfn_x86_64_613_perf),
		cmocka_unit_test(test_vb2_userptr_arm64_510_kprobe),
		cmocka_unit_test(test_vb2_userptr_x86_64_612_kprobe),
		cmocka_unit_test(test_process_vm_readv_arm64_510_and_x86_64_612),
		cmocka_unit_test(test_remote_access_x86_64_510_and_arm64_612),
		cmocka_unit_test(test_sg_io_passthrough_x86_64_66_kprobe),
		cmocka_unit_test(test_msg_zerocopy_tcp_x86_64_510_kprobe),
		cmocka_unit_test(test_msg_zerocopy_tcp_arm64_612_page_ref),
		cmocka_unit_test(test_zerocopy_udp_and_tun_x86_64),
		cmocka_unit_test(test_rules_stay_within_their_role),
		cmocka_unit_test(test_direct_io_walk_stops_at_a_listed_common_path),
		cmocka_unit_test(test_io_uring_buffers_riscv64_66_kprobe),
		cmocka_unit_test(test_direct_read_pread64_ppc64le_515_page_ref),
		cmocka_unit_test(test_vfio_map_dma_s390x_61_kprobe),
		cmocka_unit_test(test_kvm_hva_to_pfn_x86_64_54_page_ref),
		cmocka_unit_test(test_io_uring_buffers_x86_64_54_and_arm64_615),
		cmocka_unit_test(test_rdma_umem_x86_64_54_and_arm64_615),
		cmocka_unit_test(test_vfio_map_dma_x86_64_54_page_ref),
		cmocka_unit_test(test_iommufd_ioas_map_x86_64_62_and_arm64_612),
		cmocka_unit_test(test_splice_to_tcp_x86_64_66_and_arm64_612),
		cmocka_unit_test(test_msg_zerocopy_tcp_arm64_54_and_x86_64_615),
		cmocka_unit_test(test_aio_direct_read_x86_64_54_and_arm64_615),
		cmocka_unit_test(test_fuse_direct_io_x86_64_54_and_arm64_615),
		cmocka_unit_test(test_kvm_hva_to_pfn_arm64_61_and_x86_64_615),
		cmocka_unit_test(test_vb2_userptr_x86_64_54_page_ref),
		cmocka_unit_test(test_vfio_map_dma_debian_arm64_61_612),
		cmocka_unit_test(test_splice_to_tcp_sendpage_x86_64_515_and_arm64_61),
		cmocka_unit_test(test_io_uring_buffers_put_54_612_615),
		cmocka_unit_test(test_iommufd_map_arm64_66_and_x86_64_615),
		cmocka_unit_test(test_new_rules_on_s390x_66_and_riscv64_610),
		cmocka_unit_test(test_iommufd_io_page_table_x86_64_68_and_arm64_612),
		cmocka_unit_test(test_tracer_return_trampolines_are_walked_through),
		cmocka_unit_test(test_vb2_userptr_arm64_61_kprobe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
