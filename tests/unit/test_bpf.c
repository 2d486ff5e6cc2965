/* test_bpf.c - the user-space pieces of `record --bpf` that need no
 * kernel: kallsyms as a symbol table, the choice of the functions to hook,
 * and the text written, which `pinblame import` must read as a probe
 * capture (the page's stack blamed for the failing fin_pfn).
 */
#include "unit.h"

#include <stdio.h>

#include "../../lib/capture/bpf.h"
#include "pinblame/analyze.h"
#include "pinblame/input.h"
#include "pinblame/parse.h"
#include "pinblame/store.h"

/* Addresses of a made-up arm64 kernel: function, next function. The
 * callers of a vmsplice's GUP, shared with kallsyms_gup. */
#define KALLSYMS_VMSPLICE \
	"ffff800080010000 T el0_svc\n" \
	"ffff800080010100 T invoke_syscall\n" \
	"ffff800080020000 T __arm64_sys_vmsplice\n" \
	"ffff800080020100 t __do_sys_vmsplice\n" \
	"ffff800080030000 T iov_iter_get_pages2\n" \
	"ffff800080030100 t __iov_iter_get_pages_alloc\n"

static const char kallsyms_612[] =
	KALLSYMS_VMSPLICE
	"ffff800080040000 t gup_fast_fallback\n"
	"ffff800080040800 t try_grab_folio_fast\n"
	"ffff800080040a98 T try_grab_folio\n"
	"ffff800080040c00 t gup_put_folio\n"
	"ffff800080041000 T unpin_user_page\n"
	"ffff800080050000 T splice_folio_into_pipe\n"
	"ffff800080060000 T __cma_alloc\n"
	"ffff800080060800 T cma_alloc_folio\n"
	"ffff800080070000 T test_pages_isolated\n"
	"ffff800080070400 T alloc_contig_range_noprof\n"
	"ffff800080080000 T __traceiter_test_pages_isolated\n"
	"ffff800080080100 T __traceiter_cma_alloc_busy_retry\n"
	"ffff800080090000 T bpf_trace_run3\n"
	"ffff800080090100 T bpf_trace_run5\n"
	"ffff8000800a0000 D some_data\n"
	"ffff8000800b0000 t bpf_prog_6deef7357e7b4530_pages_isolated\t[bpf]\n"
	"ffff8000800b1000 t bpf_prog_00112233aabbccdd_cma_busy_retry\t[bpf]\n";

static void load_text(struct pb_ksyms *ks, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	assert_true(pb_ksyms_load(ks, f) >= 0);
	fclose(f);
}

static void test_kallsyms_finds_the_function_an_address_is_in(void **state)
{
	struct pb_ksyms ks;
	uint64_t off = 0, size = 0;

	(void)state;
	load_text(&ks, kallsyms_612);
	assert_int_equal(ks.n, 22);	/* the data symbol is left out */
	assert_string_equal(pb_ksyms_find(&ks, 0xffff800080040810ULL, &off, &size),
			    "try_grab_folio_fast");
	assert_int_equal(off, 0x10);
	assert_int_equal(size, 0x298);
	assert_string_equal(pb_ksyms_find(&ks, 0xffff800080020100ULL, &off, &size),
			    "__do_sys_vmsplice");
	assert_int_equal(off, 0);
	assert_null(pb_ksyms_find(&ks, 0xffff80008000ffffULL, &off, &size));
	assert_true(pb_ksyms_has(&ks, "unpin_user_page"));
	assert_false(pb_ksyms_has(&ks, "try_grab_page"));
	pb_ksyms_free(&ks);
}

static void test_kallsyms_without_addresses_has_no_symbols(void **state)
{
	struct pb_ksyms ks;

	(void)state;
	/* what a user without CAP_SYSLOG reads */
	load_text(&ks, "0000000000000000 T try_grab_folio\n0000000000000000 t gup_put_folio\n");
	assert_int_equal(ks.n, 0);
	pb_ksyms_free(&ks);
}

static uint64_t modules_key_of(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	uint64_t key;

	assert_non_null(f);
	key = pb_ksyms_modules_key(f);
	fclose(f);
	return key;
}

/* /proc/modules as kernel/module's m_show prints it: what tells record
 * --bpf to read kallsyms again before it writes a stack is a module
 * loaded or unloaded, not a use count that a device's open changes. */
static void test_modules_key_changes_with_a_load_not_with_a_use_count(void **state)
{
	const char *before =
		"virtio_blk 28672 2 - Live 0xffff80007a240000\n"
		"configfs 57344 1 - Live 0xffff80007a260000\n";
	const char *opened =
		"virtio_blk 28672 3 - Live 0xffff80007a240000\n"
		"configfs 57344 2 null_blk, Live 0xffff80007a260000\n";
	const char *loading =
		"null_blk 94208 0 - Loading 0xffff80007a2b0000\n"
		"virtio_blk 28672 2 - Live 0xffff80007a240000\n"
		"configfs 57344 1 - Live 0xffff80007a260000\n";
	const char *loaded =
		"null_blk 94208 0 - Live 0xffff80007a2b0000 (E)\n"
		"virtio_blk 28672 2 - Live 0xffff80007a240000\n"
		"configfs 57344 1 - Live 0xffff80007a260000\n";

	(void)state;
	assert_int_not_equal(modules_key_of(before), 0);
	assert_int_equal(modules_key_of(before), modules_key_of(opened));
	assert_int_not_equal(modules_key_of(before), modules_key_of(loading));
	assert_int_not_equal(modules_key_of(loading), modules_key_of(loaded));
	/* without CONFIG_MODULE_UNLOAD: " - -" for the count and the users */
	assert_int_not_equal(modules_key_of("configfs 57344 - - Live 0xffff80007a260000\n"), 0);
	assert_int_equal(modules_key_of(""), 0);
}

static void assert_hook(const struct pb_bpf_hook *h, const char *func, enum pb_bpf_prog prog)
{
	assert_string_equal(h->func, func);
	assert_int_equal(h->prog, prog);
}

static void test_hooks_of_a_6_12_kernel_are_both_grabs_splice_and_puts(void **state)
{
	struct pb_ksyms ks;
	struct pb_bpf_hook hooks[PB_BPF_MAX_HOOKS];
	size_t ngup, n;

	(void)state;
	load_text(&ks, kallsyms_612);
	n = pb_bpf_choose_hooks(&ks, hooks, &ngup);
	assert_int_equal(n, 5);
	assert_int_equal(ngup, 2);
	assert_hook(&hooks[0], "try_grab_folio_fast", PB_BPF_GET_ARG1);
	assert_hook(&hooks[1], "try_grab_folio", PB_BPF_GET_ARG1);
	/* the folio is splice_folio_into_pipe's second argument */
	assert_hook(&hooks[2], "splice_folio_into_pipe", PB_BPF_GET_ARG2);
	assert_hook(&hooks[3], "gup_put_folio", PB_BPF_PUT_ARG1);
	assert_hook(&hooks[4], "unpin_user_page", PB_BPF_PUT_ARG1);
	pb_ksyms_free(&ks);
}

static void test_hooks_of_a_6_1_kernel_take_the_older_names(void **state)
{
	static const char k61[] =
		"ffffffc008300000 T try_grab_folio\n"
		"ffffffc008300400 T try_grab_page\n"
		"ffffffc008300800 t copy_page_to_iter_pipe\n"
		"ffffffc008300c00 t put_compound_head\n";
	struct pb_ksyms ks;
	struct pb_bpf_hook hooks[PB_BPF_MAX_HOOKS];
	size_t ngup, n;

	(void)state;
	load_text(&ks, k61);
	n = pb_bpf_choose_hooks(&ks, hooks, &ngup);
	assert_int_equal(n, 4);
	assert_int_equal(ngup, 2);
	assert_hook(&hooks[0], "try_grab_folio", PB_BPF_GET_ARG1);
	assert_hook(&hooks[1], "try_grab_page", PB_BPF_GET_ARG1);
	assert_hook(&hooks[2], "copy_page_to_iter_pipe", PB_BPF_GET_ARG1);
	assert_hook(&hooks[3], "put_compound_head", PB_BPF_PUT_ARG1);
	pb_ksyms_free(&ks);
}

static void test_page_cache_read_stands_in_when_no_function_takes_the_spliced_page(void **state)
{
	/* Debian 6.1 arm64: copy_page_to_iter_pipe inlined, both markers */
	static const char k61[] =
		"ffffffc008300000 T try_grab_folio\n"
		"ffffffc008300400 T try_grab_page\n"
		"ffffffc008300800 t gup_put_folio\n"
		"ffffffc008300c00 T mark_page_accessed\n"
		"ffffffc008301000 T folio_mark_accessed\n";
	struct pb_ksyms ks;
	struct pb_bpf_hook hooks[PB_BPF_MAX_HOOKS];
	size_t ngup, n;

	(void)state;
	load_text(&ks, k61);
	n = pb_bpf_choose_hooks(&ks, hooks, &ngup);
	assert_int_equal(n, 4);
	assert_int_equal(ngup, 2);
	assert_hook(&hooks[2], "gup_put_folio", PB_BPF_PUT_ARG1);
	/* the first of the two, as a get only under a splice */
	assert_hook(&hooks[3], "folio_mark_accessed", PB_BPF_READ_ARG1);
	assert_int_equal(hooks[3].role, PB_BPF_ROLE_SPLICE_READ);
	pb_ksyms_free(&ks);
	/* 6.12 has the spliced page's own function: no page cache read */
	load_text(&ks, kallsyms_612);
	n = pb_bpf_choose_hooks(&ks, hooks, &ngup);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(hooks[i].prog, PB_BPF_READ_ARG1);
	pb_ksyms_free(&ks);
}

static void test_page_cache_read_not_hooked_where_the_splice_read_is_walked(void **state)
{
	/* Debian 6.1: with bpf_loop() the splice read's return walks the
	 * pipe's new buffers, as a GUP call's array, so neither the grabs
	 * nor the page cache reads are hooked; the puts are */
	static const char k61[] =
		"ffffffc008300000 T try_grab_folio\n"
		"ffffffc008300400 T gup_put_folio\n"
		"ffffffc008300800 T folio_mark_accessed\n"
		"ffffffc008300c00 T generic_file_splice_read\n";
	struct pb_ksyms ks;
	struct pb_bpf_hook hooks[PB_BPF_MAX_HOOKS];
	size_t ngup, n, left[3] = { 0 };
	const char *gate;

	(void)state;
	load_text(&ks, k61);
	n = pb_bpf_choose_hooks(&ks, hooks, &ngup);
	gate = pb_bpf_splice_gate(&ks, hooks, n);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		left[0] += (size_t)pb_bpf_hook_left_out(&hooks[i], 1, gate);
		left[1] += (size_t)pb_bpf_hook_left_out(&hooks[i], 0, gate);
		left[2] += (size_t)pb_bpf_hook_left_out(&hooks[i], 1, NULL);
	}
	assert_true(pb_bpf_hook_left_out(&hooks[0], 1, gate));	/* try_grab_folio */
	assert_false(pb_bpf_hook_left_out(&hooks[1], 1, gate));	/* gup_put_folio */
	assert_true(pb_bpf_hook_left_out(&hooks[2], 1, gate));	/* folio_mark_accessed */
	assert_int_equal(left[0], 2);
	/* a hook per grab (no bpf_loop()): every hook, the reads gated */
	assert_int_equal(left[1], 0);
	/* no splice read to walk: the reads are hooked, ungated */
	assert_int_equal(left[2], 1);
	pb_ksyms_free(&ks);
}

static void test_page_cache_read_is_gated_by_the_splice_read(void **state)
{
	/* Debian 6.1 arm64: the read stands in for the spliced page, and the
	 * file systems' splice read (generic_file_splice_read, up to 6.4)
	 * is where a read must be to be one */
	static const char k61[] =
		"ffffffc008300000 T try_grab_folio\n"
		"ffffffc008300400 T try_grab_page\n"
		"ffffffc008300800 T folio_mark_accessed\n"
		"ffffffc008300c00 T generic_file_splice_read\n";
	struct pb_ksyms ks;
	struct pb_bpf_hook hooks[PB_BPF_MAX_HOOKS];
	size_t ngup, n;

	(void)state;
	load_text(&ks, k61);
	n = pb_bpf_choose_hooks(&ks, hooks, &ngup);
	assert_string_equal(pb_bpf_splice_gate(&ks, hooks, n), "generic_file_splice_read");
	/* without a read hook there is nothing to gate */
	assert_null(pb_bpf_splice_gate(&ks, hooks, 2));
	pb_ksyms_free(&ks);
	/* no splice read function: the reads go ungated */
	load_text(&ks, "ffffffc008300000 T try_grab_folio\n"
		       "ffffffc008300800 T folio_mark_accessed\n");
	n = pb_bpf_choose_hooks(&ks, hooks, &ngup);
	assert_null(pb_bpf_splice_gate(&ks, hooks, n));
	pb_ksyms_free(&ks);
	/* 6.12 hooks the spliced page's own function: no read, no gate */
	load_text(&ks, kallsyms_612);
	n = pb_bpf_choose_hooks(&ks, hooks, &ngup);
	assert_null(pb_bpf_splice_gate(&ks, hooks, n));
	pb_ksyms_free(&ks);
}

static void test_a_compiler_copy_of_a_grab_is_not_hooked(void **state)
{
	struct pb_ksyms ks;
	struct pb_bpf_hook hooks[PB_BPF_MAX_HOOKS];
	size_t ngup;

	(void)state;
	/* a .constprop copy may take other arguments: no GUP hook at all */
	load_text(&ks, "ffffffc008300000 t try_grab_folio.constprop.0\n"
		       "ffffffc008300400 t gup_put_folio\n");
	assert_int_equal(pb_bpf_choose_hooks(&ks, hooks, &ngup), 1);
	assert_int_equal(ngup, 0);
	pb_ksyms_free(&ks);
}

/* arm64 6.12 under qemu: vmemmap, sizeof(struct page) */
#define VMEMMAP 0xfffffdffbf000000ULL
#define PAGE_SIZEOF 64ULL
#define FIN_PFN 0x10001fULL

static const uint64_t get_stack[] = {
	0xffff800080040804ULL,	/* try_grab_folio_fast+0x4 */
	0xffff800080040123ULL,	/* gup_fast_fallback */
	0xffff800080030180ULL,	/* __iov_iter_get_pages_alloc */
	0xffff800080030010ULL,	/* iov_iter_get_pages2 */
	0xffff800080020200ULL,	/* __do_sys_vmsplice */
	0xffff800080020010ULL,	/* __arm64_sys_vmsplice */
	0xffff800080010110ULL,	/* invoke_syscall */
	0xffff800080010010ULL,	/* el0_svc */
	0,
};

static const uint64_t isolation_stack[] = {
	0xffff8000800b0040ULL,	/* the BPF program */
	0xffff800080090010ULL,	/* bpf_trace_run3 */
	0xffff800080080010ULL,	/* __traceiter_test_pages_isolated */
	0xffff800080070100ULL,	/* test_pages_isolated */
	0xffff800080070500ULL,	/* alloc_contig_range_noprof */
	0xffff800080060100ULL,	/* __cma_alloc */
	0xffff800080060900ULL,	/* cma_alloc_folio */
	0,
};

static void write_page(struct pb_buf *b, const struct pb_ksyms *ks)
{
	struct pb_bpf_page rec = {
		.get_ns = 53100000123ULL, .get_ip = 0xffff800080040804ULL,
		.gets = 3, .pid = 151, .tgid = 150, .cpu = 1,
		.get_kstack = 7, .get_ustack = -1, .put_kstack = -1,
	};
	struct pb_bpf_frames fr = { get_stack, PB_ARRAY_SIZE(get_stack) };

	strcpy(rec.comm, "holdpages");
	pb_bpf_write_page(b, ks, VMEMMAP + FIN_PFN * PAGE_SIZEOF, &rec, &fr);
}

static void write_isolation_failure(struct pb_buf *b, const struct pb_ksyms *ks)
{
	struct pb_bpf_failure f = {
		.ns = 53220926000ULL, .kind = PB_BPF_ISOLATION_FAIL,
		.a = 0x100000, .b = 0x102000, .c = FIN_PFN, .pid = 151, .tgid = 151, .cpu = 1,
	};
	struct pb_bpf_frames fr = { isolation_stack, PB_ARRAY_SIZE(isolation_stack) };

	strcpy(f.comm, "sh");
	pb_bpf_write_failure(b, ks, &f, &fr);
}

static void write_busy_retry(struct pb_buf *b, const struct pb_ksyms *ks, uint64_t pfn,
			     uint64_t ns)
{
	struct pb_bpf_failure f = {
		.ns = ns, .kind = PB_BPF_CMA_BUSY_RETRY, .a = pfn,
		.b = VMEMMAP + pfn * PAGE_SIZEOF, .c = 8192, .d = 13,
		.pid = 151, .tgid = 151, .cpu = 1,
	};
	struct pb_bpf_frames none = { NULL, 0 };

	strcpy(f.comm, "sh");
	strcpy(f.name, "hugetlb0");
	pb_bpf_write_failure(b, ks, &f, &none);
}

static void test_page_record_is_written_as_a_kprobe_hit_with_its_stack(void **state)
{
	struct pb_ksyms ks;
	struct pb_buf b = { 0 };

	(void)state;
	load_text(&ks, kallsyms_612);
	write_page(&b, &ks);
	assert_string_equal(pb_buf_str(&b),
		"       holdpages-151     (    150) [001] .....    53.100000: try_grab_folio_fast: "
		"(try_grab_folio_fast+0x0/0x298) page=0xfffffdffc30007c0 gets=3\n"
		"       holdpages-151     (    150) [001] .....    53.100000: <stack trace>\n"
		" => try_grab_folio_fast\n => gup_fast_fallback\n => __iov_iter_get_pages_alloc\n"
		" => iov_iter_get_pages2\n => __do_sys_vmsplice\n => __arm64_sys_vmsplice\n"
		" => invoke_syscall\n => el0_svc\n");
	pb_buf_free(&b);
	pb_ksyms_free(&ks);
}

static void test_failure_is_written_as_its_tracepoint_past_the_tracer_frames(void **state)
{
	struct pb_ksyms ks;
	struct pb_buf b = { 0 };

	(void)state;
	load_text(&ks, kallsyms_612);
	write_isolation_failure(&b, &ks);
	write_busy_retry(&b, &ks, 0x100000, 53221370000ULL);
	assert_string_equal(pb_buf_str(&b),
		"              sh-151     (    151) [001] .....    53.220926: test_pages_isolated: "
		"start_pfn=0x100000 end_pfn=0x102000 fin_pfn=0x10001f ret=fail\n"
		"              sh-151     (    151) [001] .....    53.220926: <stack trace>\n"
		" => test_pages_isolated\n => alloc_contig_range_noprof\n => __cma_alloc\n"
		" => cma_alloc_folio\n"
		"              sh-151     (    151) [001] .....    53.221370: cma_alloc_busy_retry: "
		"name=hugetlb0 pfn=0x100000 page=fffffdffc3000000 count=8192 align=13\n");
	pb_buf_free(&b);
	pb_ksyms_free(&ks);
}

static const uint64_t user_stack[] = { 0x0000aaaab0c01234ULL, 0x0000ffff8e2d0a9cULL, 0 };

static void write_user_stack(struct pb_buf *b)
{
	struct pb_bpf_page rec = {
		.get_ns = 53100000123ULL, .pid = 151, .tgid = 150, .cpu = 1,
	};
	struct pb_bpf_frames fr = { user_stack, PB_ARRAY_SIZE(user_stack) };

	strcpy(rec.comm, "holdpages");
	pb_bpf_write_ustack(b, &rec, &fr);
}

static void test_user_stack_is_written_as_ftrace_userstacktrace_prints_it(void **state)
{
	struct pb_buf b = { 0 };
	struct pb_bpf_page rec = { 0 };
	struct pb_bpf_frames none = { NULL, 0 };

	(void)state;
	write_user_stack(&b);
	/* trace_output.c: " => " then seq_print_user_ip's " <%016lx>" */
	assert_string_equal(pb_buf_str(&b),
		"       holdpages-151     (    150) [001] .....    53.100000: <user stack trace>\n"
		" =>  <0000aaaab0c01234>\n =>  <0000ffff8e2d0a9c>\n");
	/* no user stack taken (a kernel thread, or the map was full): nothing */
	pb_buf_reset(&b);
	pb_bpf_write_ustack(&b, &rec, &none);
	assert_int_equal(b.len, 0);
	pb_buf_free(&b);
}

static void test_frames_above_the_tracepoint_outside_kallsyms_are_skipped(void **state)
{
	/* arm64 6.1: the BPF program (JIT code below the kernel image, loaded
	 * after kallsyms was read) twice, then the tracepoint's dispatch */
	static const uint64_t stack[] = {
		0xffff80000842536cULL, 0xffff80000842536cULL,
		0xffff800080090010ULL,	/* bpf_trace_run3 */
		0xffff800080080010ULL,	/* __traceiter_test_pages_isolated */
		0xffff800080070100ULL,	/* test_pages_isolated */
		0xffff800080070500ULL,	/* alloc_contig_range_noprof */
		0,
	};
	struct pb_bpf_failure f = {
		.ns = 53220926000ULL, .kind = PB_BPF_ISOLATION_FAIL,
		.a = 0x100000, .b = 0x102000, .c = FIN_PFN, .pid = 151, .tgid = 151, .cpu = 1,
	};
	struct pb_bpf_frames fr = { stack, PB_ARRAY_SIZE(stack) };
	struct pb_ksyms ks;
	struct pb_buf b = { 0 };

	(void)state;
	strcpy(f.comm, "sh");
	load_text(&ks, kallsyms_612);
	pb_bpf_write_failure(&b, &ks, &f, &fr);
	assert_string_equal(pb_buf_str(&b),
		"              sh-151     (    151) [001] .....    53.220926: test_pages_isolated: "
		"start_pfn=0x100000 end_pfn=0x102000 fin_pfn=0x10001f ret=fail\n"
		"              sh-151     (    151) [001] .....    53.220926: <stack trace>\n"
		" => test_pages_isolated\n => alloc_contig_range_noprof\n");
	pb_buf_free(&b);
	pb_ksyms_free(&ks);
}

static void test_page_written_again_only_after_a_newer_get(void **state)
{
	static struct pb_bpf_seen seen;
	const uint64_t page = VMEMMAP + FIN_PFN * PAGE_SIZEOF;

	(void)state;
	assert_int_equal(pb_bpf_seen(&seen, page, 100), 0);
	assert_int_equal(pb_bpf_seen(&seen, page, 100), 1);
	/* its neighbour has a slot of its own */
	assert_int_equal(pb_bpf_seen(&seen, page + PAGE_SIZEOF, 100), 0);
	assert_int_equal(pb_bpf_seen(&seen, page, 100), 1);
	/* a newer get of the same page is news */
	assert_int_equal(pb_bpf_seen(&seen, page, 200), 0);
	assert_int_equal(pb_bpf_seen(&seen, page, 200), 1);
}

static void write_migration_failure(struct pb_buf *b, const struct pb_ksyms *ks)
{
	struct pb_bpf_failure f = {
		.ns = 53218243505ULL, .kind = PB_BPF_MIGRATE_FAIL, .a = 0, .b = 3,
		.c = PB_BPF_MR_CONTIG_RANGE,
		.pid = 151, .tgid = 151, .cpu = 0,
	};
	struct pb_bpf_frames none = { NULL, 0 };

	strcpy(f.comm, "sh");
	pb_bpf_write_failure(b, ks, &f, &none);
}

static void test_failed_migration_is_written_with_its_counts(void **state)
{
	struct pb_ksyms ks;
	struct pb_buf b = { 0 };

	(void)state;
	load_text(&ks, kallsyms_612);
	write_migration_failure(&b, &ks);
	assert_string_equal(pb_buf_str(&b),
		"              sh-151     (    151) [000] .....    53.218243: mm_migrate_pages: "
		"nr_succeeded=0 nr_failed=3 reason=contig_range\n");
	pb_buf_free(&b);
	pb_ksyms_free(&ks);
}

static int ignore_bad_line(void *ctx, uint64_t line, enum pb_bad_reason why, const char *text,
			   size_t len)
{
	(void)ctx, (void)line, (void)why, (void)text, (void)len;
	fail_msg("bad line %llu: %.*s", (unsigned long long)line, (int)len, text);
	return 0;
}

static void import_text(struct pb_store *s, const char *text, size_t len)
{
	struct pb_input *in = pb_input_open_memory(text, len, "bpf.trace");
	char err[256], sha[65];
	unsigned char digest[32];
	struct pb_sha256 h;
	struct pb_parser *p;
	struct pb_record *rec;
	struct pb_source_totals t = { .sha256 = sha };
	struct pb_source_info info = { .path = "bpf.trace", .sha256 = sha };
	int64_t id;

	pb_sha256_init(&h);
	pb_sha256_update(&h, text, len);
	pb_sha256_final(&h, digest);
	pb_sha256_hex(digest, sha);
	p = pb_parser_new(in, PB_FMT_UNKNOWN, ignore_bad_line, NULL, err, sizeof(err));
	assert_non_null(p);
	assert_string_equal(pb_format_name(pb_parser_format(p)), "ftrace");
	info.format = pb_format_name(pb_parser_format(p));
	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
	while (pb_parser_next(p, &rec) == 1)
		assert_int_equal(pb_store_add_record(s, rec), 0);
	assert_int_equal(pb_store_source_commit(s, &t), 1);
	pb_parser_free(p);
	pb_input_close(in);
}

static void test_written_trace_blames_the_page_stack_for_the_fin_pfn(void **state)
{
	char dir[] = "/tmp/pb-bpf.XXXXXX", db[64];
	struct pb_ksyms ks;
	struct pb_buf b = { 0 };
	struct pb_store *s;
	sqlite3_stmt *st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/t.db", dir);
	load_text(&ks, kallsyms_612);
	pb_buf_adds(&b, "# tracer: nop\n#\n# pinblame-record: source=bpf\n#\n");
	write_page(&b, &ks);
	write_user_stack(&b);
	write_migration_failure(&b, &ks);
	write_isolation_failure(&b, &ks);
	/* two retries: the importer learns the vmemmap from their pfn and page */
	write_busy_retry(&b, &ks, 0x100000, 53221370000ULL);
	write_busy_retry(&b, &ks, 0x102000, 53231370000ULL);
	s = pb_store_open(db, PB_STORE_WRITE);
	assert_non_null(s);
	import_text(s, b.data, b.len);
	assert_int_equal(pb_analyze_refresh(s), 0);
	st = pb_store_prepare(s, "SELECT a.pfn, a.callsite FROM attribution a "
				 "WHERE a.rank = 1 ORDER BY a.pfn");
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), FIN_PFN);
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "__do_sys_vmsplice");
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	/* the failed migration is read as one */
	st = pb_store_prepare(s, "SELECT sum(failed) FROM migration WHERE reason = 'contig_range'");
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 3);
	sqlite3_finalize(st);
	/* the user stack after the page's kernel stack is that hit's */
	st = pb_store_prepare(s, "SELECT k.depth, k.user FROM event e JOIN stack k ON k.id = "
				 "e.ustack_id JOIN name n ON n.id = e.name_id "
				 "WHERE n.text = 'kprobes:try_grab_folio_fast'");
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 2);
	assert_int_equal(sqlite3_column_int64(st, 1), 1);
	sqlite3_finalize(st);
	pb_store_close(s);
	unit_remove_store(db);
	rmdir(dir);
	pb_buf_free(&b);
	pb_ksyms_free(&ks);
}

/* The rank-1 call site of FIN_PFN in a store of TEXT, or "" when none. */
static void blamed_of(const struct pb_buf *text, char *out, size_t cap)
{
	char dir[] = "/tmp/pb-bpf.XXXXXX", db[64];
	struct pb_store *s;
	sqlite3_stmt *st;

	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/t.db", dir);
	s = pb_store_open(db, PB_STORE_WRITE);
	assert_non_null(s);
	import_text(s, text->data, text->len);
	assert_int_equal(pb_analyze_refresh(s), 0);
	st = pb_store_prepare(s, "SELECT a.callsite FROM attribution a WHERE a.rank = 1 "
				 "AND a.pfn = ?");
	assert_non_null(st);
	sqlite3_bind_int64(st, 1, (int64_t)FIN_PFN);
	snprintf(out, cap, "%s", sqlite3_step(st) == SQLITE_ROW ?
		 (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	pb_store_close(s);
	unit_remove_store(db);
	rmdir(dir);
}

/* A kernel without CMA (gigantic pages through alloc_contig_pages(), memory
 * offlining) prints no cma_alloc_busy_retry: the two gets record made of
 * its own pages at the start are what maps the page records to pfns. */
static void test_start_gets_map_pages_to_pfns_where_no_cma_event_does(void **state)
{
	struct pb_ksyms ks;
	struct pb_buf with = { 0 }, without = { 0 };
	char got[128];

	(void)state;
	load_text(&ks, kallsyms_612);
	pb_buf_adds(&with, "# tracer: nop\n#\n# pinblame-record: source=bpf\n#\n");
	pb_bpf_write_calibration(&with, 4242, 0, 52000000000ULL, 0x4a001,
				 VMEMMAP + 0x4a001 * PAGE_SIZEOF);
	pb_bpf_write_calibration(&with, 4242, 1, 52000000900ULL, 0x1b3f7e,
				 VMEMMAP + 0x1b3f7e * PAGE_SIZEOF);
	assert_non_null(strstr(with.data, "pinblame_vmemmap: pfn=0x4a001 page=0x"));
	pb_buf_adds(&without, "# tracer: nop\n#\n# pinblame-record: source=bpf\n#\n");
	write_page(&with, &ks);
	write_page(&without, &ks);
	write_isolation_failure(&with, &ks);
	write_isolation_failure(&without, &ks);
	blamed_of(&with, got, sizeof(got));
	assert_string_equal(got, "__do_sys_vmsplice");
	/* and without them nothing tells the page's pfn */
	blamed_of(&without, got, sizeof(got));
	assert_string_equal(got, "");
	pb_buf_free(&with);
	pb_buf_free(&without);
	pb_ksyms_free(&ks);
}

static void test_hooks_of_a_5_10_kernel_are_the_compound_head_grab_and_a_page_read(void **state)
{
	/* the functions Debian bullseye's 5.10 arm64 has (make e2e with
	 * PB_E2E_KERNELS=bullseye): no folios, copy_page_to_iter_pipe inlined */
	static const char k510[] =
		"ffff800010290000 t try_grab_compound_head\n"
		"ffff800010290400 T try_grab_page\n"
		"ffff800010290800 t put_compound_head\n"
		"ffff800010290c00 T unpin_user_page\n"
		"ffff800010291000 T mark_page_accessed\n"
		"ffff800010291400 T generic_file_splice_read\n";
	struct pb_ksyms ks;
	struct pb_bpf_hook hooks[PB_BPF_MAX_HOOKS];
	size_t ngup, n;

	(void)state;
	load_text(&ks, k510);
	n = pb_bpf_choose_hooks(&ks, hooks, &ngup);
	assert_int_equal(n, 5);
	assert_int_equal(ngup, 2);
	assert_hook(&hooks[0], "try_grab_compound_head", PB_BPF_GET_ARG1);
	assert_hook(&hooks[1], "try_grab_page", PB_BPF_GET_ARG1);
	assert_hook(&hooks[2], "put_compound_head", PB_BPF_PUT_ARG1);
	assert_hook(&hooks[3], "unpin_user_page", PB_BPF_PUT_ARG1);
	/* the page read stands in for the spliced page, a get only under a
	 * splice; generic_file_splice_read gives no page and is not hooked */
	assert_hook(&hooks[4], "mark_page_accessed", PB_BPF_READ_ARG1);
	assert_int_equal(hooks[4].role, PB_BPF_ROLE_SPLICE_READ);
	pb_ksyms_free(&ks);
}

/* 5.10's CMA failure: the single cma_alloc event, NULL page, written as
 * that kernel's TP_printk prints it (the page's %p as 16 zeros), which the
 * importer reads as a failed cma_alloc as in a tracefs capture. */
static void test_single_cma_alloc_failure_is_written_as_5_10_prints_it(void **state)
{
	struct pb_bpf_failure f = {
		.ns = 104260599000ULL, .kind = PB_BPF_CMA_ALLOC_FAIL, .a = 0x17e000,
		.c = 8192, .d = 13, .pid = 96, .tgid = 96, .cpu = 0,
	};
	struct pb_bpf_frames none = { NULL, 0 };
	struct pb_ksyms ks;
	struct pb_buf b = { 0 };

	(void)state;
	load_text(&ks, kallsyms_612);
	strcpy(f.comm, "sh");
	pb_bpf_write_failure(&b, &ks, &f, &none);
	assert_string_equal(pb_buf_str(&b),
		"              sh-96      (     96) [000] .....   104.260599: cma_alloc: "
		"pfn=17e000 page=0000000000000000 count=8192 align=13\n");
	pb_buf_free(&b);
	pb_ksyms_free(&ks);
}


/* --- one hook per GUP call ---------------------------------------------- */

/* Made-up addresses of the GUP API and its callers (vmsplice on 6.1). */
static const char kallsyms_gup[] =
	KALLSYMS_VMSPLICE
	"ffff800080040000 t __get_user_pages\n"
	"ffff800080041000 T get_user_pages_fast\n"
	"ffff800080041200 T get_user_pages_unlocked\n"
	"ffff800080041400 T get_user_pages_remote\n"
	"ffff800080041600 T pin_user_pages_fast\n"
	"ffff800080041800 T get_dump_page\n"
	"ffff800080041a00 T memfd_pin_folios\n"
	"ffff800080041c00 T unpin_user_pages\n"
	"ffff800080041e00 T try_grab_folio\n"
	"ffff800080050000 T test_pages_isolated\n"
	"ffff800080060000 t bpf_prog_0123456789abcdef_fe_gup_call_0\t[bpf]\n"
	"ffff800080061000 t bpf_trampoline_6442490000\t[bpf]\n";

/* A stack from a GUP call's return: kprobes start it at the caller (the
 * kernel points a kretprobe handler's registers at the return address it
 * restored), which is get_stack past its two GUP internals (kallsyms_gup
 * has those callers where kallsyms_612 has them); fexit at its program,
 * its trampoline and the function, then the same. */
#define CALLER_FRAMES (get_stack + 2)
#define NCALLER_FRAMES (PB_ARRAY_SIZE(get_stack) - 2)
static const uint64_t fexit_frames[] = {
	0xffff800080060040ULL,	/* the fexit program */
	0xffff800080061080ULL,	/* its trampoline */
	0xffff800080041008ULL,	/* get_user_pages_fast+0x8 */
};

static void write_call_page(struct pb_buf *b, const struct pb_ksyms *ks, const uint64_t *stack,
			    size_t n)
{
	struct pb_bpf_page rec = {
		.get_ns = 53100000123ULL, .get_ip = 0xffff800080041000ULL,
		.gets = 1, .pid = 151, .tgid = 150, .cpu = 1,
		.get_kstack = 7, .get_ustack = -1, .put_kstack = -1,
	};
	struct pb_bpf_frames fr = { stack, n };

	strcpy(rec.comm, "holdpages");
	pb_bpf_write_page(b, ks, VMEMMAP + FIN_PFN * PAGE_SIZEOF, &rec, &fr);
}

/* The page of a GUP call read at the call's return is blamed on the same
 * call site as the page its grab took: the stack has the function's
 * callers (and, from fexit, the function), which the GUP internals under
 * it would only have been walked through. */
static void test_page_of_a_gup_call_is_blamed_on_its_caller(void **state)
{
	uint64_t fexit_stack[PB_ARRAY_SIZE(fexit_frames) + NCALLER_FRAMES];
	const uint64_t *stacks[] = { CALLER_FRAMES, fexit_stack };
	const size_t depth[] = { NCALLER_FRAMES, PB_ARRAY_SIZE(fexit_stack) };
	struct pb_ksyms ks;
	char got[128];

	(void)state;
	memcpy(fexit_stack, fexit_frames, sizeof(fexit_frames));
	memcpy(fexit_stack + PB_ARRAY_SIZE(fexit_frames), CALLER_FRAMES,
	       NCALLER_FRAMES * sizeof(*fexit_stack));
	load_text(&ks, kallsyms_gup);
	for (size_t i = 0; i < PB_ARRAY_SIZE(stacks); i++) {
		struct pb_buf b = { 0 };

		pb_buf_adds(&b, "# tracer: nop\n#\n# pinblame-record: source=bpf\n#\n");
		pb_bpf_write_calibration(&b, 4242, 0, 52000000000ULL, 0x4a001,
					 VMEMMAP + 0x4a001 * PAGE_SIZEOF);
		pb_bpf_write_calibration(&b, 4242, 1, 52000000900ULL, 0x1b3f7e,
					 VMEMMAP + 0x1b3f7e * PAGE_SIZEOF);
		write_call_page(&b, &ks, stacks[i], depth[i]);
		assert_non_null(strstr(b.data, ": get_user_pages_fast: (get_user_pages_fast+0x0/"
					       "0x200) page=0x"));
		/* the program and its trampoline are not written */
		assert_null(strstr(b.data, "bpf_"));
		write_isolation_failure(&b, &ks);
		blamed_of(&b, got, sizeof(got));
		assert_string_equal(got, "__do_sys_vmsplice");
		pb_buf_free(&b);
	}
	pb_ksyms_free(&ks);
}

/* io_uring's fixed buffers, unregistered: the pin was taken before the
 * run (no get of it seen), and its unpin after the failure is what names
 * the holder. */
static const char kallsyms_io_uring[] =
	"ffff8000800d0000 t io_buffer_unmap\n"
	"ffff8000800d0400 t io_rsrc_data_free\n"
	"ffff8000800d0800 T io_sqe_buffers_unregister\n"
	"ffff8000800d0c00 t __io_uring_register\n"
	"ffff8000800d1000 T __arm64_sys_io_uring_register\n";

static const uint64_t unpin_stack[] = {
	0xffff8000800b1040ULL,	/* the fentry program */
	0xffff800080041008ULL,	/* unpin_user_page+0x8 */
	0xffff8000800d0120ULL,	/* io_buffer_unmap */
	0xffff8000800d0480ULL,	/* io_rsrc_data_free */
	0xffff8000800d0840ULL,	/* io_sqe_buffers_unregister */
	0xffff8000800d0d00ULL,	/* __io_uring_register */
	0xffff8000800d1010ULL,	/* __arm64_sys_io_uring_register */
	0xffff800080010110ULL,	/* invoke_syscall */
	0xffff800080010010ULL,	/* el0_svc */
	0,
};

static void write_put(struct pb_buf *b, const struct pb_ksyms *ks, uint64_t ns)
{
	struct pb_bpf_page rec = {
		.fail_ns = 53220926000ULL, .put_ns = ns, .put_ip = 0xffff800080041000ULL,
		.get_kstack = -1, .get_ustack = -1, .put_kstack = 9, .put_count = 1026,
		.put_pid = 160, .put_tgid = 160, .put_cpu = 0,
	};
	struct pb_bpf_frames fr = { unpin_stack, PB_ARRAY_SIZE(unpin_stack) };

	strcpy(rec.put_comm, "uring-holder");
	pb_bpf_write_put(b, ks, FIN_PFN, &rec, &fr);
}

/* A put after the failure is written as page_pinner's page_pinner_put, and
 * read as put-side evidence: it names the holder where no get was seen,
 * and stays below a get that was. */
static void test_put_after_a_failure_names_a_holder_whose_get_was_not_seen(void **state)
{
	struct pb_ksyms ks;
	struct pb_buf syms = { 0 }, b = { 0 }, with_get = { 0 };
	char got[128];

	(void)state;
	pb_buf_adds(&syms, kallsyms_612);
	pb_buf_adds(&syms, kallsyms_io_uring);
	load_text(&ks, syms.data);
	write_put(&b, &ks, 60500000000ULL);
	assert_string_equal(pb_buf_str(&b),
		"    uring-holder-160     (    160) [000] .....    60.500000: page_pinner_put: "
		"pfn=0x10001f count=1026\n"
		"    uring-holder-160     (    160) [000] .....    60.500000: <stack trace>\n"
		" => unpin_user_page\n => io_buffer_unmap\n => io_rsrc_data_free\n"
		" => io_sqe_buffers_unregister\n => __io_uring_register\n"
		" => __arm64_sys_io_uring_register\n => invoke_syscall\n => el0_svc\n");
	pb_buf_reset(&b);
	pb_buf_adds(&b, "# tracer: nop\n#\n# pinblame-record: source=bpf\n#\n");
	pb_buf_add(&with_get, b.data, b.len);
	write_page(&with_get, &ks);
	write_isolation_failure(&b, &ks);
	write_isolation_failure(&with_get, &ks);
	write_busy_retry(&with_get, &ks, 0x100000, 53221370000ULL);
	write_busy_retry(&with_get, &ks, 0x102000, 53231370000ULL);
	write_put(&b, &ks, 60500000000ULL);
	write_put(&with_get, &ks, 60500000000ULL);
	blamed_of(&b, got, sizeof(got));
	assert_string_equal(got, "io_buffer_unmap");
	blamed_of(&with_get, got, sizeof(got));
	assert_string_equal(got, "__do_sys_vmsplice");
	/* a put before the failure answers nothing */
	pb_buf_reset(&b);
	pb_buf_adds(&b, "# tracer: nop\n#\n# pinblame-record: source=bpf\n#\n");
	write_put(&b, &ks, 50000000000ULL);
	write_isolation_failure(&b, &ks);
	blamed_of(&b, got, sizeof(got));
	assert_string_equal(got, "");
	pb_buf_free(&b);
	pb_buf_free(&with_get);
	pb_buf_free(&syms);
	pb_ksyms_free(&ks);
}

#ifdef PB_HAVE_BPF
#include <bpf/btf.h>

/* The BTF of a made-up kernel with the prototypes of the API's functions
 * as 6.1 and 6.12 have them, and of functions that are not GUP calls. */
static struct btf *gup_btf(void)
{
	struct btf *btf = btf__new_empty();
	int i32, i64, u32, u64, page, folio, vma, mm, file, pp, ppp, fpp, vpp, mmp, filep, ip;

	assert_non_null(btf);
	i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	i64 = btf__add_int(btf, "long int", 8, BTF_INT_SIGNED);
	u32 = btf__add_int(btf, "unsigned int", 4, 0);
	u64 = btf__add_int(btf, "long unsigned int", 8, 0);
	page = btf__add_struct(btf, "page", 64);
	folio = btf__add_struct(btf, "folio", 64);
	vma = btf__add_struct(btf, "vm_area_struct", 176);
	mm = btf__add_struct(btf, "mm_struct", 1024);
	file = btf__add_struct(btf, "file", 256);
	pp = btf__add_ptr(btf, page);
	ppp = btf__add_ptr(btf, pp);
	fpp = btf__add_ptr(btf, btf__add_ptr(btf, folio));
	vpp = btf__add_ptr(btf, btf__add_ptr(btf, vma));
	mmp = btf__add_ptr(btf, mm);
	filep = btf__add_ptr(btf, file);
	ip = btf__add_ptr(btf, i32);
	/* the array behind a typedef, as a header might name it */
	int pages_t = btf__add_typedef(btf, "page_array_t", ppp);

#define FUNC(name, ret, ...) do { \
		int args_[] = { __VA_ARGS__ }; \
		int proto_ = btf__add_func_proto(btf, ret); \
		for (size_t k_ = 0; k_ < PB_ARRAY_SIZE(args_); k_++) \
			assert_int_equal(btf__add_func_param(btf, "a", args_[k_]), 0); \
		assert_true(btf__add_func(btf, name, BTF_FUNC_STATIC, proto_) > 0); \
	} while (0)
	/* 6.1: int get_user_pages_fast(start, nr_pages, gup_flags, pages) */
	FUNC("get_user_pages_fast", i32, u64, i32, u32, ppp);
	/* long get_user_pages_unlocked(start, nr_pages, pages, gup_flags) */
	FUNC("get_user_pages_unlocked", i64, u64, u64, ppp, u32);
	/* long get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
	 * vmas, locked): the vmas come after, and are no pages */
	FUNC("get_user_pages_remote", i64, mmp, u64, u64, u32, ppp, vpp, ip);
	FUNC("pin_user_pages_fast", i32, u64, i32, u32, pages_t);
	/* 6.11+: long memfd_pin_folios(memfd, start, end, folios, max, offset) */
	FUNC("memfd_pin_folios", i64, filep, i64, i64, fpp, u32, ip);
	/* static: under the API, left out by kallsyms's 't' */
	FUNC("__get_user_pages", i64, mmp, u64, u64, u32, ppp, vpp, ip);
	/* of the API's names, but no array of pages */
	FUNC("get_dump_page", pp, u64);
	/* an array, but returning nothing: the unpin, not a GUP call */
	FUNC("unpin_user_pages", 0, ppp, u64);
	/* an array, but not of the API: iov_iter's own */
	FUNC("iov_iter_get_pages2", i64, ip, ppp, u64, u32, ip);
	/* of the API, but not in kallsyms (compiled out) */
	FUNC("pin_user_pages_remote", i64, mmp, u64, u64, u32, ppp, vpp, ip);
#undef FUNC
	return btf;
}

static void test_gup_calls_are_the_global_api_with_an_array_of_pages(void **state)
{
	struct pb_bpf_gup_call calls[PB_BPF_GUP_CALL_SLOTS];
	struct pb_ksyms ks;
	struct btf *btf = gup_btf();
	size_t n;

	(void)state;
	load_text(&ks, kallsyms_gup);
	n = pb_bpf_choose_gup_calls(btf, &ks, calls, PB_BPF_GUP_CALL_SLOTS);
	assert_int_equal(n, 5);
	assert_string_equal(calls[0].func, "get_user_pages_fast");
	assert_int_equal(calls[0].pages_arg, 3);
	assert_string_equal(calls[1].func, "get_user_pages_unlocked");
	assert_int_equal(calls[1].pages_arg, 2);
	assert_string_equal(calls[2].func, "get_user_pages_remote");
	assert_int_equal(calls[2].pages_arg, 4);
	assert_string_equal(calls[3].func, "pin_user_pages_fast");
	assert_int_equal(calls[3].pages_arg, 3);
	assert_string_equal(calls[4].func, "memfd_pin_folios");
	assert_int_equal(calls[4].pages_arg, 3);
	/* fewer slots than calls: the first ones */
	assert_int_equal(pb_bpf_choose_gup_calls(btf, &ks, calls, 2), 2);
	btf__free(btf);
	pb_ksyms_free(&ks);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kallsyms_finds_the_function_an_address_is_in),
		cmocka_unit_test(test_kallsyms_without_addresses_has_no_symbols),
		cmocka_unit_test(test_modules_key_changes_with_a_load_not_with_a_use_count),
		cmocka_unit_test(test_hooks_of_a_6_12_kernel_are_both_grabs_splice_and_puts),
		cmocka_unit_test(test_hooks_of_a_6_1_kernel_take_the_older_names),
		cmocka_unit_test(test_page_cache_read_stands_in_when_no_function_takes_the_spliced_page),
		cmocka_unit_test(test_page_cache_read_not_hooked_where_the_splice_read_is_walked),
		cmocka_unit_test(test_page_cache_read_is_gated_by_the_splice_read),
		cmocka_unit_test(test_a_compiler_copy_of_a_grab_is_not_hooked),
		cmocka_unit_test(test_page_record_is_written_as_a_kprobe_hit_with_its_stack),
		cmocka_unit_test(test_failure_is_written_as_its_tracepoint_past_the_tracer_frames),
		cmocka_unit_test(test_user_stack_is_written_as_ftrace_userstacktrace_prints_it),
		cmocka_unit_test(test_frames_above_the_tracepoint_outside_kallsyms_are_skipped),
		cmocka_unit_test(test_page_written_again_only_after_a_newer_get),
		cmocka_unit_test(test_failed_migration_is_written_with_its_counts),
		cmocka_unit_test(test_written_trace_blames_the_page_stack_for_the_fin_pfn),
		cmocka_unit_test(test_start_gets_map_pages_to_pfns_where_no_cma_event_does),
		cmocka_unit_test(test_hooks_of_a_5_10_kernel_are_the_compound_head_grab_and_a_page_read),
		cmocka_unit_test(test_single_cma_alloc_failure_is_written_as_5_10_prints_it),
		cmocka_unit_test(test_page_of_a_gup_call_is_blamed_on_its_caller),
		cmocka_unit_test(test_put_after_a_failure_names_a_holder_whose_get_was_not_seen),
#ifdef PB_HAVE_BPF
		cmocka_unit_test(test_gup_calls_are_the_global_api_with_an_array_of_pages),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
