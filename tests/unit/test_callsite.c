/* lib/analyze/callsite.c: the tracer's frames cut from real stack shapes,
 * and the call site named in what is left. Each stack is leaf first, as
 * the capture printed it; where it comes from is said above it. For
 * each: every frame leafward of the probed function (or the tracepoint's
 * caller) is cut, and the call site is the holder. */
#include "unit.h"

#include "../../lib/analyze/analyze_int.h"

#define MAX_FRAMES 48

struct cut_result {
	char funcs[MAX_FRAMES][128];
	const char *v[MAX_FRAMES];
	size_t n;
	struct stack_cut cut;
	const char *callsite;	/* NULL: none */
	int common;
	char name[128];
};

/* Runs FRAMES (NULL-terminated symbols) through frame_func(), the cut
 * with the probes of LOCATIONS (NULL-terminated "sym+off/size" or
 * "group:name" after a '|'), and the call-site walk of the default
 * roles in MODE. */
static void run(struct cut_result *r, const char *const *frames, const char *const *locations,
		enum stack_mode mode)
{
	struct probe_set probes = { 0 };
	struct pb_noise noise;
	size_t at;

	memset(r, 0, sizeof(*r));
	for (; frames[r->n]; r->n++) {
		assert_true(r->n < MAX_FRAMES);
		r->v[r->n] = frame_func(frames[r->n], r->funcs[r->n], sizeof(r->funcs[0]));
	}
	for (size_t i = 0; locations && locations[i]; i++) {
		const char *bar = strchr(locations[i], '|');
		char loc[128];

		snprintf(loc, sizeof(loc), "%.*s", bar ? (int)(bar - locations[i]) : 127,
			 locations[i]);
		probe_set_add(&probes, loc, bar ? bar + 1 : NULL);
	}
	r->cut = stack_cut(r->v, r->n, &probes);
	assert_int_equal(noise_init(&noise, NULL), 0);
	at = callsite_pick(&noise, r->v, r->n, r->cut.first, mode, &r->common);
	if (!r->cut.cut_short && at < r->n)
		r->callsite = callsite_name(r->v[at], r->name, sizeof(r->name));
	noise_free(&noise);
	probe_set_free(&probes);
}

/* The first frame kept is FIRST, and no frame leafward of it is. */
static void assert_cut_at(const struct cut_result *r, const char *first)
{
	assert_false(r->cut.cut_short);
	assert_true(r->cut.first < r->n);
	assert_string_equal(r->v[r->cut.first], first);
	for (size_t i = 0; i < r->cut.first; i++)
		assert_string_not_equal(r->v[i], first);
}

/* FRAMES, held through PROBES, cut at CUT: a page cache read made by a
 * splice, named do_splice and not a common path. */
static void assert_splice_hold(struct cut_result *r, const char *const *frames,
			       const char *const *probes, const char *cut)
{
	run(r, frames, probes, MODE_HOLD);
	assert_cut_at(r, cut);
	assert_string_equal(r->callsite, "do_splice");
	assert_false(r->common);
}

/* --- arm64 ------------------------------------------------------------- */

/* testdata/real/arm64-ftrace-hugetlb-cma (6.1): a kprobe runs from the
 * breakpoint exception through el1_dbg. */
static const char *const arm64_61_vmsplice[] = {
	"trace_event_buffer_commit", "kprobe_trace_func", "kprobe_dispatcher",
	"kprobe_breakpoint_handler", "call_break_hook", "brk_handler", "do_debug_exception",
	"el1_dbg", "el1h_64_sync_handler", "el1h_64_sync", "try_grab_folio",
	"get_user_pages_fast", "__iov_iter_get_pages_alloc", "iov_iter_get_pages2",
	"__do_sys_vmsplice", "__arm64_sys_vmsplice", "invoke_syscall",
	"el0_svc_common.constprop.0", "do_el0_svc", "el0_svc", "el0t_64_sync_handler",
	"el0t_64_sync", NULL,
};

static const char *const arm64_61_splice[] = {
	"trace_event_buffer_commit", "kprobe_trace_func", "kprobe_dispatcher",
	"kprobe_breakpoint_handler", "call_break_hook", "brk_handler", "do_debug_exception",
	"el1_dbg", "el1h_64_sync_handler", "el1h_64_sync", "generic_file_splice_read",
	"splice_file_to_pipe", "do_splice", "__arm64_sys_splice", "invoke_syscall",
	"el0_svc_common.constprop.0", "do_el0_svc", "el0_svc", "el0t_64_sync_handler",
	"el0t_64_sync", NULL,
};

static const char *const probes_61[] = {
	"try_grab_folio+0x0/0x1d0|kprobes:try_grab_folio",
	"generic_file_splice_read+0x0/0x1a0|kprobes:generic_file_splice_read", NULL,
};

static void test_arm64_61_el1_dbg_path_cut_at_probed_function(void **state)
{
	struct cut_result r;

	(void)state;
	run(&r, arm64_61_vmsplice, probes_61, MODE_HOLD);
	assert_cut_at(&r, "try_grab_folio");
	assert_int_equal(r.cut.first, 10);
	assert_string_equal(r.callsite, "__do_sys_vmsplice");
	run(&r, arm64_61_splice, probes_61, MODE_HOLD);
	assert_cut_at(&r, "generic_file_splice_read");
	assert_string_equal(r.callsite, "do_splice");
}

/* testdata/real/arm64-6.12-ftrace-hugetlb-cma (Debian trixie 6.12): the
 * breakpoint exception is do_el1_brk64 now, and splice reaches the pipe
 * through splice_folio_into_pipe or shmem_file_splice_read. */
static const char *const arm64_612_vmsplice[] = {
	"kprobe_trace_func", "kprobe_dispatcher", "kprobe_brk_handler", "do_el1_brk64",
	"el1_brk64", "el1h_64_sync_handler", "el1h_64_sync", "try_grab_folio_fast",
	"get_user_pages_fast", "__iov_iter_get_pages_alloc", "iov_iter_get_pages2",
	"__do_sys_vmsplice", "__arm64_sys_vmsplice", "invoke_syscall",
	"el0_svc_common.constprop.0", "do_el0_svc", "el0_svc", "el0t_64_sync_handler",
	"el0t_64_sync", NULL,
};

static const char *const arm64_612_splice_folio[] = {
	"kprobe_trace_func", "kprobe_dispatcher", "kprobe_brk_handler", "do_el1_brk64",
	"el1_brk64", "el1h_64_sync_handler", "el1h_64_sync", "splice_folio_into_pipe",
	"do_splice_read", "splice_file_to_pipe", "do_splice", "__arm64_sys_splice",
	"invoke_syscall", "el0_svc_common.constprop.0", "do_el0_svc", "el0_svc",
	"el0t_64_sync_handler", "el0t_64_sync", NULL,
};

static const char *const arm64_612_shmem_splice[] = {
	"kprobe_trace_func", "kprobe_dispatcher", "kprobe_brk_handler", "do_el1_brk64",
	"el1_brk64", "el1h_64_sync_handler", "el1h_64_sync", "shmem_file_splice_read",
	"splice_file_to_pipe", "do_splice", "__arm64_sys_splice", "invoke_syscall",
	"el0_svc_common.constprop.0", "do_el0_svc", "el0_svc", "el0t_64_sync_handler",
	"el0t_64_sync", NULL,
};

static const char *const probes_612[] = {
	"try_grab_folio_fast+0x0/0x298|rtprobe:try_grab_folio_fast",
	"shmem_file_splice_read+0x0/0x368|rtprobe:shmem_file_splice_read",
	"splice_folio_into_pipe+0x0/0x128|rtprobe:splice_folio_into_pipe", NULL,
};

static void test_arm64_612_do_el1_brk64_path_names_same_holders(void **state)
{
	struct cut_result r;

	(void)state;
	run(&r, arm64_612_vmsplice, probes_612, MODE_HOLD);
	assert_cut_at(&r, "try_grab_folio_fast");
	assert_int_equal(r.cut.first, 7);
	assert_string_equal(r.callsite, "__do_sys_vmsplice");
	run(&r, arm64_612_splice_folio, probes_612, MODE_HOLD);
	assert_cut_at(&r, "splice_folio_into_pipe");
	assert_string_equal(r.callsite, "do_splice");
	run(&r, arm64_612_shmem_splice, probes_612, MODE_HOLD);
	assert_cut_at(&r, "shmem_file_splice_read");
	assert_string_equal(r.callsite, "do_splice");
}

/* Up to 6.4 splice reads a file into the pipe through its iov_iter: the
 * page reference is taken in copy_page_to_iter_pipe(), under the page
 * cache read (5.10: generic_file_buffered_read; 5.12+: filemap_read),
 * which is the splice's here, not a common path. 5.10's do_splice_to is
 * a splice internal too. */
static void test_splice_through_page_cache_read_names_do_splice(void **state)
{
	static const char *const v510[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_breakpoint_handler",
		"call_break_hook", "brk_handler", "do_debug_exception", "el1_dbg",
		"el1_sync_handler", "el1_sync", "copy_page_to_iter_pipe", "copy_page_to_iter",
		"generic_file_buffered_read", "generic_file_read_iter",
		"generic_file_splice_read", "do_splice_to", "do_splice", "__arm64_sys_splice",
		"el0_svc_common.constprop.0", "do_el0_svc", "el0_svc", NULL,
	};
	static const char *const v61[] = {
		"copy_page_to_iter_pipe", "copy_page_to_iter", "filemap_read",
		"generic_file_splice_read", "splice_file_to_pipe", "do_splice",
		"__do_sys_splice", "do_syscall_64", NULL,
	};
	static const char *const probes[] = {
		"copy_page_to_iter_pipe+0x0/0x1b8|kprobes:copy_page_to_iter_pipe", NULL,
	};
	struct cut_result r;

	(void)state;
	assert_splice_hold(&r, v510, probes, "copy_page_to_iter_pipe");
	run(&r, v61, probes, MODE_HOLD);
	assert_string_equal(r.callsite, "do_splice");
	/* a page cache read that no splice made stays a common path */
	run(&r, (const char *const[]){ "copy_page_to_iter", "filemap_read", "vfs_read",
				       "ksys_read", NULL }, NULL, MODE_HOLD);
	assert_string_equal(r.callsite, "filemap_read");
	assert_true(r.common);
}

/* Debian's 6.1 arm64 inlines copy_page_to_iter_pipe, so record probes
 * folio_mark_accessed (mark_page_accessed before 5.16), which
 * shmem_file_read_iter() calls with the folio it copies into the pipe. A
 * hit under a splice is the splice's; the same probe under a read(2) or an
 * unmap at exit is a common path. */
static void test_page_read_under_splice_names_do_splice(void **state)
{
	static const char *const spliced[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_breakpoint_handler",
		"call_break_hook", "brk_handler", "do_debug_exception", "el1_dbg",
		"el1h_64_sync_handler", "el1h_64_sync", "folio_mark_accessed",
		"shmem_file_read_iter", "generic_file_splice_read", "splice_file_to_pipe",
		"do_splice", "__arm64_sys_splice", "invoke_syscall",
		"el0_svc_common.constprop.0", "do_el0_svc", "el0_svc",
		"el0t_64_sync_handler", "el0t_64_sync", NULL,
	};
	static const char *const read[] = {
		"kprobe_dispatcher", "el1h_64_sync", "mark_page_accessed", "shmem_file_read_iter",
		"vfs_read",
		"ksys_read", "__arm64_sys_read", "invoke_syscall", NULL,
	};
	static const char *const unmapped[] = {
		"kprobe_dispatcher", "el1h_64_sync", "mark_page_accessed", "zap_pte_range",
		"zap_pmd_range.isra.0",
		"unmap_page_range", "unmap_vmas", "exit_mmap", "__mmput", "mmput", "do_exit",
		NULL,
	};
	static const char *const probes[] = {
		"folio_mark_accessed+0x0/0x1a0|pinblame:folio_mark_accessed",
		"mark_page_accessed+0x0/0x60|pinblame:mark_page_accessed", NULL,
	};
	struct cut_result r;

	(void)state;
	assert_splice_hold(&r, spliced, probes, "folio_mark_accessed");
	run(&r, read, probes, MODE_HOLD);
	assert_cut_at(&r, "mark_page_accessed");
	assert_true(r.common);
	run(&r, unmapped, probes, MODE_HOLD);
	assert_true(r.common);
}

/* The same probe on kernels and arches not captured here, written from
 * their call chains: x86_64 5.10 ext4 (do_splice_to ->
 * generic_file_splice_read -> ext4_file_read_iter ->
 * generic_file_buffered_read -> mark_page_accessed, the kprobe run from
 * ftrace) and ppc64le 6.6 xfs (filemap_splice_read, the kprobe a trap).
 * The filesystem's own read_iter between the page cache and the splice
 * names nobody: the splice does. */
static void test_page_read_under_splice_other_kernels_name_do_splice(void **state)
{
	static const char *const x86_510_ext4[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_ftrace_handler",
		"0xffffffffc02070c8", "mark_page_accessed", "generic_file_buffered_read",
		"generic_file_read_iter", "ext4_file_read_iter", "generic_file_splice_read",
		"do_splice_to", "do_splice", "__x64_sys_splice", "do_syscall_64",
		"entry_SYSCALL_64_after_hwframe", NULL,
	};
	static const char *const ppc64le_66_xfs[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_handler",
		"program_check_exception", "program_check_common_virt",
		"folio_mark_accessed", "filemap_read", "xfs_file_buffered_read",
		"xfs_file_read_iter", "filemap_splice_read", "splice_file_to_pipe",
		"do_splice", "sys_splice", "system_call_exception",
		"system_call_vectored_common", NULL,
	};
	static const char *const probes[] = {
		"folio_mark_accessed+0x0/0x1a0|pinblame:folio_mark_accessed",
		"mark_page_accessed+0x0/0x60|pinblame:mark_page_accessed", NULL,
	};
	struct cut_result r;

	(void)state;
	assert_splice_hold(&r, x86_510_ext4, probes, "mark_page_accessed");
	assert_splice_hold(&r, ppc64le_66_xfs, probes, "folio_mark_accessed");
}

/* Filesystems whose read path has no *_file_read_iter name, written from
 * their call chains: x86_64 6.1 NFS (generic_file_splice_read ->
 * nfs_file_read -> generic_file_read_iter -> filemap_read ->
 * folio_mark_accessed) and arm64 6.12 SMB (copy_splice_read ->
 * cifs_strict_readv -> netfs_buffered_read_iter -> filemap_read). Every
 * frame between the page cache read and the splice is the splice's; the
 * same NFS read under read(2) stays a common path. */
static void test_any_file_read_under_splice_names_do_splice(void **state)
{
	static const char *const x86_61_nfs[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_ftrace_handler",
		"0xffffffffc0a1f0c8", "folio_mark_accessed", "filemap_read",
		"generic_file_read_iter", "nfs_file_read", "generic_file_splice_read",
		"splice_file_to_pipe", "do_splice", "__x64_sys_splice", "do_syscall_64",
		"entry_SYSCALL_64_after_hwframe", NULL,
	};
	static const char *const arm64_612_smb[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_brk_handler", "do_el1_brk64",
		"el1_brk64", "el1h_64_sync_handler", "el1h_64_sync", "folio_mark_accessed",
		"filemap_read", "netfs_buffered_read_iter", "cifs_strict_readv",
		"copy_splice_read", "splice_file_to_pipe", "do_splice", "__do_sys_splice",
		"__arm64_sys_splice", "invoke_syscall", "el0_svc_common.constprop.0",
		"do_el0_svc", "el0_svc", "el0t_64_sync_handler", "el0t_64_sync", NULL,
	};
	static const char *const x86_61_nfs_read[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_ftrace_handler",
		"0xffffffffc0a1f0c8", "folio_mark_accessed", "filemap_read",
		"generic_file_read_iter", "nfs_file_read", "vfs_read", "ksys_read",
		"do_syscall_64", "entry_SYSCALL_64_after_hwframe", NULL,
	};
	static const char *const probes[] = {
		"folio_mark_accessed+0x0/0x1a0|pinblame:folio_mark_accessed", NULL,
	};
	struct cut_result r;

	(void)state;
	assert_splice_hold(&r, x86_61_nfs, probes, "folio_mark_accessed");
	assert_splice_hold(&r, arm64_612_smb, probes, "folio_mark_accessed");
	run(&r, x86_61_nfs_read, probes, MODE_HOLD);
	assert_string_equal(r.callsite, "folio_mark_accessed");
	assert_true(r.common);
}

/* --- x86_64 ------------------------------------------------------------ */

/* fuzz/corpus/ftrace/amd64-kprobe-stack.txt: a kprobe at a function's
 * entry runs from ftrace, under the trampoline's bare address. */
static const char *const x86_ftrace_kprobe[] = {
	"kprobe_trace_func", "kprobe_dispatcher", "kprobe_ftrace_handler",
	"0xffffffffc02070c8", "try_grab_folio", "internal_get_user_pages_fast",
	"__iov_iter_get_pages_alloc", "iov_iter_get_pages2", "__do_sys_vmsplice",
	"do_syscall_64", "entry_SYSCALL_64_after_hwframe", NULL,
};

/* A kprobe that is a breakpoint (not at an ftrace site): the int3
 * exception, exc_int3 from asm_exc_int3, calls kprobe_int3_handler. */
static const char *const x86_int3_kprobe[] = {
	"kprobe_trace_func", "kprobe_dispatcher", "kprobe_int3_handler", "exc_int3",
	"asm_exc_int3", "try_grab_folio", "internal_get_user_pages_fast",
	"__iov_iter_get_pages_alloc", "iov_iter_get_pages2", "__do_sys_vmsplice",
	"do_syscall_64", "entry_SYSCALL_64_after_hwframe", NULL,
};

static void test_x86_ftrace_and_int3_kprobes_cut_at_probed_function(void **state)
{
	static const char *const probes[] = { "try_grab_folio+0x0/0x370|kprobes:try_grab_folio",
					      NULL };
	struct cut_result r;

	(void)state;
	run(&r, x86_ftrace_kprobe, probes, MODE_HOLD);
	assert_cut_at(&r, "try_grab_folio");
	assert_int_equal(r.cut.first, 4);
	assert_string_equal(r.callsite, "__do_sys_vmsplice");
	run(&r, x86_int3_kprobe, probes, MODE_HOLD);
	assert_cut_at(&r, "try_grab_folio");
	assert_int_equal(r.cut.first, 5);
	assert_string_equal(r.callsite, "__do_sys_vmsplice");
}

/* --- arches and versions no rule was written from ---------------------- */

/* riscv64 6.6: a kprobe is an ebreak, handle_exception -> do_trap_break ->
 * handle_break -> kprobe_breakpoint_handler; syscalls come in through
 * do_trap_ecall_u and the __riscv_sys_ wrappers; 5.15's GUP grab is
 * try_grab_compound_head. ppc64le 5.14: program_check_exception ->
 * kprobe_handler, system_call_exception and sys_ wrappers. s390x 5.15:
 * a kprobe is a program check (pgm_check_handler -> kprobe_exceptions_notify),
 * __s390x_sys_ wrappers. No frame of these entries is named in a role
 * table: the cut at the probed function and the syscall rule must do. */
static void test_other_arches_name_the_same_holders(void **state)
{
	static const char *const riscv_66[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_breakpoint_handler",
		"handle_break", "do_trap_break", "handle_exception", "try_grab_folio",
		"internal_get_user_pages_fast", "__iov_iter_get_pages_alloc",
		"iov_iter_get_pages2", "__do_sys_vmsplice", "__riscv_sys_vmsplice",
		"do_trap_ecall_u", "handle_exception", NULL,
	};
	static const char *const ppc64_514[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_handler",
		"program_check_exception", "program_check_common_virt",
		"try_grab_compound_head", "internal_get_user_pages_fast",
		"iov_iter_get_pages", "vmsplice_to_pipe", "sys_vmsplice",
		"system_call_exception", "system_call_vectored_common", NULL,
	};
	static const char *const s390_515_splice[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_handler",
		"kprobe_exceptions_notify", "notify_die", "do_report_trap",
		"pgm_check_handler", "generic_file_splice_read", "do_splice_to",
		"do_splice", "__do_sys_splice", "__s390x_sys_splice", "__do_syscall",
		"system_call", NULL,
	};
	static const char *const probes[] = {
		"try_grab_folio+0x0/0x1d0|kprobes:try_grab_folio",
		"try_grab_compound_head+0x0/0x2a0|kprobes:try_grab_compound_head",
		"generic_file_splice_read+0x0/0x1a0|kprobes:generic_file_splice_read", NULL,
	};
	struct cut_result r;

	(void)state;
	run(&r, riscv_66, probes, MODE_HOLD);
	assert_cut_at(&r, "try_grab_folio");
	assert_string_equal(r.callsite, "__do_sys_vmsplice");
	run(&r, ppc64_514, probes, MODE_HOLD);
	assert_cut_at(&r, "try_grab_compound_head");
	assert_string_equal(r.callsite, "__do_sys_vmsplice");
	run(&r, s390_515_splice, probes, MODE_HOLD);
	assert_cut_at(&r, "generic_file_splice_read");
	assert_string_equal(r.callsite, "do_splice");
}

/* An optimized kprobe (x86, past the function's entry) is called from a
 * trampoline the unwinder cannot leave: the stack ends there. */
static void test_x86_optprobe_stack_is_cut_short_and_names_nobody(void **state)
{
	static const char *const optprobe[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "opt_pre_handler",
		"optimized_callback", "0xffffffffc0a1b02a", NULL,
	};
	static const char *const probes[] = {
		"splice_folio_into_pipe+0x4c/0x130|kprobes:splice_folio_into_pipe", NULL,
	};
	struct cut_result r;

	(void)state;
	run(&r, optprobe, probes, MODE_HOLD);
	assert_true(r.cut.cut_short);
	assert_null(r.callsite);
	/* an unresolved address alone, as perf prints it */
	run(&r, (const char *const[]){ "kprobe_dispatcher", "[unknown]", NULL }, probes,
	    MODE_HOLD);
	assert_true(r.cut.cut_short);
	assert_null(r.callsite);
}

/* --- perf script ------------------------------------------------------- */

/* perf's callchain of a kprobe starts at the probe's registers: the
 * probed function is the leaf, and perf prints its location as an
 * address, so the probe is known by its name. The syscall shows as its
 * wrapper when __do_sys_vmsplice is inlined into it. */
static void test_perf_callchain_probe_named_by_its_syscall(void **state)
{
	static const char *const chain[] = {
		"try_grab_folio_fast", "gup_fast_fallback", "__iov_iter_get_pages_alloc",
		"iov_iter_get_pages2", "iter_to_pipe", "vmsplice_to_pipe",
		"__x64_sys_vmsplice", "x64_sys_call", "do_syscall_64",
		"entry_SYSCALL_64_after_hwframe", NULL,
	};
	static const char *const probes[] = { "ffffffff8137c5a0|probe:try_grab_folio_fast", NULL };
	struct cut_result r;

	(void)state;
	run(&r, chain, probes, MODE_HOLD);
	assert_cut_at(&r, "try_grab_folio_fast");
	assert_int_equal(r.cut.first, 0);
	assert_string_equal(r.callsite, "__do_sys_vmsplice");
}

/* A tracepoint's callchain in perf script (testdata/real/x86_64-6.18-
 * host-compaction) and in ftrace's stacktrace trigger: the event's own
 * frames go, the function that emitted it stays. */
static void test_tracepoint_frames_cut_to_the_emitter(void **state)
{
	static const char *const ftrace_cma[] = {
		"trace_event_raw_event_cma_alloc_start", "cma_alloc", "alloc_fresh_huge_page",
		"alloc_pool_huge_page", NULL,
	};
	static const char *const traceiter[] = {
		"trace_event_raw_event_mm_migrate_pages", "__traceiter_mm_migrate_pages",
		"migrate_pages", "__alloc_contig_migrate_range", "alloc_contig_range", NULL,
	};
	static const char *const perf_compaction[] = {
		"__compact_zone", "compact_node", "sysctl_compaction_handler", NULL,
	};
	static const char *const trigger[] = {
		"stack_trace_save", "__ftrace_trace_stack", "event_triggers_call",
		"trace_event_buffer_commit", "perf_trace_page_ref_mod_template",
		"__page_ref_mod", "try_grab_folio", "pin_user_pages", "io_pin_pages",
		"io_sqe_buffer_register", NULL,
	};
	struct cut_result r;

	(void)state;
	run(&r, ftrace_cma, NULL, MODE_HOLD);
	assert_cut_at(&r, "cma_alloc");
	run(&r, traceiter, NULL, MODE_HOLD);
	assert_cut_at(&r, "migrate_pages");
	run(&r, perf_compaction, NULL, MODE_HOLD);
	assert_int_equal(r.cut.first, 0);
	run(&r, trigger, NULL, MODE_HOLD);
	assert_cut_at(&r, "__page_ref_mod");
	/* io_pin_pages is io_uring's pin library: its caller holds */
	assert_string_equal(r.callsite, "io_sqe_buffer_register");
}

/* --- helpers walked by role ------------------------------------------- */

static void test_put_helpers_of_every_version_are_walked(void **state)
{
	/* page_pinner RFC v2 */
	static const char *const rfc_v2[] = {
		"__page_pin_owner_put", "unpin_user_pages", "vfio_iommu_type1_unpin",
		"vfio_unmap_unpin", NULL,
	};
	/* 5.7 to 5.16 */
	static const char *const v515[] = {
		"__page_ref_mod", "put_compound_head", "unpin_user_pages_dirty_lock",
		"ib_umem_release", NULL,
	};
	struct cut_result r;

	(void)state;
	run(&r, rfc_v2, NULL, MODE_HOLD);
	assert_string_equal(r.callsite, "vfio_iommu_type1_unpin");
	run(&r, v515, NULL, MODE_HOLD);
	assert_string_equal(r.callsite, "ib_umem_release");
}

/* page_owner of 6.10+: the allocators are "_noprof", and the page was
 * asked for through shmem by a driver. */
static void test_page_owner_names_who_asked_for_the_page(void **state)
{
	static const char *const drm[] = {
		"post_alloc_hook", "get_page_from_freelist", "__alloc_pages_noprof",
		"alloc_pages_mpol_noprof", "folio_alloc_mpol_noprof", "shmem_alloc_folio",
		"shmem_alloc_and_add_folio", "shmem_get_folio_gfp", "shmem_read_folio_gfp",
		"drm_gem_get_pages", "drm_gem_shmem_get_pages", NULL,
	};
	static const char *const anon[] = {
		"post_alloc_hook", "get_page_from_freelist", "__alloc_pages_noprof",
		"alloc_pages_mpol_noprof", "vma_alloc_folio_noprof", "do_anonymous_page",
		"__handle_mm_fault", NULL,
	};
	struct cut_result r;

	(void)state;
	run(&r, drm, NULL, MODE_ALLOC);
	assert_string_equal(r.callsite, "drm_gem_get_pages");
	assert_false(r.common);
	run(&r, anon, NULL, MODE_ALLOC);
	assert_string_equal(r.callsite, "do_anonymous_page");
	/* the same fault taken by get_user_pages for io_uring's pin */
	run(&r, (const char *const[]){ "post_alloc_hook", "get_page_from_freelist",
		"__alloc_pages", "alloc_pages_mpol", "vma_alloc_folio", "do_anonymous_page",
		"__handle_mm_fault", "handle_mm_fault", "faultin_page", "__get_user_pages",
		"__gup_longterm_locked", "pin_user_pages", "io_pin_pages",
		"io_sqe_buffer_register", NULL }, NULL, MODE_ALLOC);
	assert_string_equal(r.callsite, "io_sqe_buffer_register");
	/* held, not allocated: a shmem lookup is the page cache's */
	run(&r, drm, NULL, MODE_HOLD);
	assert_string_equal(r.callsite, "shmem_alloc_folio");
	assert_true(r.common);
}

/* --- names ------------------------------------------------------------- */

static void test_syscall_wrappers_are_named_after_the_syscall(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(callsite_name("__arm64_sys_vmsplice", buf, sizeof(buf)),
			    "__do_sys_vmsplice");
	assert_string_equal(callsite_name("__x64_sys_splice", buf, sizeof(buf)), "__do_sys_splice");
	assert_string_equal(callsite_name("__se_sys_vmsplice", buf, sizeof(buf)),
			    "__do_sys_vmsplice");
	assert_string_equal(callsite_name("__do_sys_vmsplice", buf, sizeof(buf)),
			    "__do_sys_vmsplice");
	assert_string_equal(callsite_name("__ia32_compat_sys_ioctl", buf, sizeof(buf)),
			    "__do_compat_sys_ioctl");
	/* before 4.17, SYSCALL_DEFINE made SyS_X call SYSC_X, and
	 * COMPAT_SYSCALL_DEFINE compat_SyS_X call C_SYSC_X */
	assert_string_equal(callsite_name("SyS_vmsplice", buf, sizeof(buf)), "__do_sys_vmsplice");
	assert_string_equal(callsite_name("SYSC_vmsplice", buf, sizeof(buf)), "__do_sys_vmsplice");
	assert_string_equal(callsite_name("compat_SyS_ioctl", buf, sizeof(buf)),
			    "__do_compat_sys_ioctl");
	assert_string_equal(callsite_name("C_SYSC_ioctl", buf, sizeof(buf)),
			    "__do_compat_sys_ioctl");
	assert_string_equal(callsite_name("sys_vmsplice", buf, sizeof(buf)), "__do_sys_vmsplice");
	assert_string_equal(callsite_name("compat_sys_ioctl", buf, sizeof(buf)),
			    "__do_compat_sys_ioctl");
	/* a prefix alone names nothing */
	assert_string_equal(callsite_name("SyS_", buf, sizeof(buf)), "SyS_");
	assert_string_equal(callsite_name("__x64_sys_", buf, sizeof(buf)), "__x64_sys_");
	/* not a wrapper: more than one word before "_sys_" */
	assert_string_equal(callsite_name("__blk_mq_sys_x", buf, sizeof(buf)), "__blk_mq_sys_x");
	assert_string_equal(callsite_name("do_splice", buf, sizeof(buf)), "do_splice");
}

static void test_probe_set_from_location_or_name(void **state)
{
	struct probe_set p = { 0 };

	(void)state;
	probe_set_add(&p, "try_grab_folio+0x0/0x1d0", "kprobes:try_grab_folio");
	probe_set_add(&p, "ffffffff8137c5a0", "probe:splice_folio_into_pipe_1");
	probe_set_add(&p, "vma_alloc_folio_noprof+0x0/0x90", "pinblame:alloc");
	assert_true(probe_set_has(&p, "try_grab_folio"));
	assert_true(probe_set_has(&p, "splice_folio_into_pipe"));
	assert_true(probe_set_has(&p, "vma_alloc_folio"));
	/* a probe named for itself says nothing of its location */
	assert_false(probe_set_has(&p, "alloc"));
	assert_int_equal(p.n, 4);
	probe_set_free(&p);
	assert_int_equal(p.n, 0);
}

/* The stacks Debian bullseye's 5.10 recorded under make e2e (arm64:
 * testdata/real/arm64-5.10-ftrace-hugetlb-cma; x86_64: its amd64 guest).
 * arm64's breakpoint enters through el1_sync and el1_sync_handler, and the
 * unwinder from a probe at a function's entry loses its direct caller
 * (shmem_file_read_iter under mark_page_accessed); x86's ftrace-based
 * kprobe runs through ftrace_ops_assist_func before the trampoline. The
 * holders keep their names. */
static void test_5_10_stacks_name_the_same_holders(void **state)
{
	static const char *const arm64_vmsplice[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_breakpoint_handler",
		"call_break_hook", "brk_handler", "do_debug_exception", "el1_dbg",
		"el1_sync_handler", "el1_sync", "try_grab_compound_head", "get_user_pages_fast",
		"iov_iter_get_pages", "__do_sys_vmsplice", "__arm64_sys_vmsplice",
		"el0_svc_common.constprop.0", "do_el0_svc", "el0_svc", "el0_sync_handler",
		"el0_sync", NULL,
	};
	static const char *const arm64_splice[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_breakpoint_handler",
		"call_break_hook", "brk_handler", "do_debug_exception", "el1_dbg",
		"el1_sync_handler", "el1_sync", "mark_page_accessed", "generic_file_splice_read",
		"do_splice_to", "do_splice", "__arm64_sys_splice", "el0_svc_common.constprop.0",
		"do_el0_svc", "el0_svc", "el0_sync_handler", "el0_sync", NULL,
	};
	static const char *const arm64_unmap[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_breakpoint_handler",
		"call_break_hook", "brk_handler", "do_debug_exception", "el1_dbg",
		"el1_sync_handler", "el1_sync", "mark_page_accessed", "unmap_single_vma",
		"unmap_vmas", "exit_mmap", "mmput", "do_exit", "do_group_exit",
		"__wake_up_parent", "el0_svc_common.constprop.0", "do_el0_svc", "el0_svc",
		"el0_sync_handler", "el0_sync", NULL,
	};
	static const char *const x86_vmsplice[] = {
		"kprobe_trace_func", "kprobe_dispatcher", "kprobe_ftrace_handler",
		"ftrace_ops_assist_func", "0xffffffffc01fd0c8", "try_grab_compound_head",
		"internal_get_user_pages_fast", "iov_iter_get_pages", "__do_sys_vmsplice",
		"do_syscall_64", "entry_SYSCALL_64_after_hwframe", NULL,
	};
	static const char *const probes[] = {
		"try_grab_compound_head+0x0/0x2b0|pinblame:try_grab_compound_head",
		"mark_page_accessed+0x0/0x2b4|pinblame:mark_page_accessed", NULL,
	};
	struct cut_result r;

	(void)state;
	run(&r, arm64_vmsplice, probes, MODE_HOLD);
	assert_cut_at(&r, "try_grab_compound_head");
	assert_string_equal(r.callsite, "__do_sys_vmsplice");
	assert_splice_hold(&r, arm64_splice, probes, "mark_page_accessed");
	run(&r, arm64_unmap, probes, MODE_HOLD);
	assert_cut_at(&r, "mark_page_accessed");
	assert_true(r.common);
	run(&r, x86_vmsplice, probes, MODE_HOLD);
	assert_cut_at(&r, "try_grab_compound_head");
	assert_string_equal(r.callsite, "__do_sys_vmsplice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arm64_61_el1_dbg_path_cut_at_probed_function),
		cmocka_unit_test(test_arm64_612_do_el1_brk64_path_names_same_holders),
		cmocka_unit_test(test_splice_through_page_cache_read_names_do_splice),
		cmocka_unit_test(test_page_read_under_splice_names_do_splice),
		cmocka_unit_test(test_page_read_under_splice_other_kernels_name_do_splice),
		cmocka_unit_test(test_any_file_read_under_splice_names_do_splice),
		cmocka_unit_test(test_x86_ftrace_and_int3_kprobes_cut_at_probed_function),
		cmocka_unit_test(test_x86_optprobe_stack_is_cut_short_and_names_nobody),
		cmocka_unit_test(test_other_arches_name_the_same_holders),
		cmocka_unit_test(test_perf_callchain_probe_named_by_its_syscall),
		cmocka_unit_test(test_tracepoint_frames_cut_to_the_emitter),
		cmocka_unit_test(test_put_helpers_of_every_version_are_walked),
		cmocka_unit_test(test_page_owner_names_who_asked_for_the_page),
		cmocka_unit_test(test_syscall_wrappers_are_named_after_the_syscall),
		cmocka_unit_test(test_probe_set_from_location_or_name),
		cmocka_unit_test(test_5_10_stacks_name_the_same_holders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
