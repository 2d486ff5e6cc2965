/* Shared pieces of the text parsers: bodies, frames, the event table and
 * format detection. Bodies are lines of FORMATS.md and the captures. */
#include "parse_run.h"

#include "../../lib/parse/fieldbase.h"
#include "../../lib/parse/text.h"

struct kv {
	const char *name, *value;
};

static void check_body(const char *body, const struct kv *want, size_t nwant)
{
	struct pb_arena arena = { 0 };
	struct pb_field *f;
	size_t n = pb_parse_body(body, strlen(body), &arena, &f);

	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(f[i].name, want[i].name);
		assert_string_equal(f[i].value, want[i].value);
	}
	pb_arena_free(&arena);
}

#define CHECK_BODY(body, ...) do { \
		static const struct kv want[] = { __VA_ARGS__ }; \
		check_body(body, want, PB_ARRAY_SIZE(want)); \
	} while (0)

static void test_body_plain(void **state)
{
	(void)state;
	CHECK_BODY("name=hugetlb0 pfn=0x13e000 page=0000000000000000 count=8192 align=13",
		   { "name", "hugetlb0" }, { "pfn", "0x13e000" },
		   { "page", "0000000000000000" }, { "count", "8192" }, { "align", "13" });
	CHECK_BODY("name=reserved pfn=0xa3800 page=0000000000000000 count=2048 align=8 errorno=-16",
		   { "name", "reserved" }, { "pfn", "0xa3800" },
		   { "page", "0000000000000000" }, { "count", "2048" }, { "align", "8" },
		   { "errorno", "-16" });
	CHECK_BODY("pfn=0x13e473 flags=0x8001e count=0 mapcount=0 mapping=(nil) mt=1",
		   { "pfn", "0x13e473" }, { "flags", "0x8001e" }, { "count", "0" },
		   { "mapcount", "0" }, { "mapping", "(nil)" }, { "mt", "1" });
}

static void test_body_values_with_blanks(void **state)
{
	(void)state;
	CHECK_BODY("range=(0x100200 ~ 0x100400) nr_scanned=512 nr_taken=0",
		   { "range", "(0x100200 ~ 0x100400)" }, { "nr_scanned", "512" },
		   { "nr_taken", "0" });
	/* the format's own comma is not part of the value */
	CHECK_BODY("zone_start=0x40000 migrate_pfn=0x40000 free_pfn=0xffe00 zone_end=0x100000, mode=sync",
		   { "zone_start", "0x40000" }, { "migrate_pfn", "0x40000" },
		   { "free_pfn", "0xffe00" }, { "zone_end", "0x100000" }, { "mode", "sync" });
	CHECK_BODY("addr=ffff9c3e1000, pte=3e0000014e005 order=0",
		   { "addr", "ffff9c3e1000" }, { "pte", "3e0000014e005" }, { "order", "0" });
	CHECK_BODY("pfn=0xa3a41 flags=referenced|uptodate|lru|swapbacked count=1027 mapcount=1",
		   { "pfn", "0xa3a41" }, { "flags", "referenced|uptodate|lru|swapbacked" },
		   { "count", "1027" }, { "mapcount", "1" });
	CHECK_BODY("comm=POSIX timer 0 pid=123", { "comm", "POSIX timer 0" }, { "pid", "123" });
	/* '=' inside a value that is not a key */
	CHECK_BODY("expr=a=b next=1", { "expr", "a=b" }, { "next", "1" });
}

/* The same array as libtraceevent up to 1.8.3 prints it (trace-cmd report,
 * perf script: event-parse.c print_str_arg(), TEP_PRINT_INT_ARRAY): "%u"
 * or PRIu64 items, one blank between two, no braces. A field of its own;
 * a ':' that no decimal list follows to the value's end, or after a
 * number, stays in the value. */
static void test_body_decimal_array_of_libtraceevent_is_its_own_field(void **state)
{
	(void)state;
	CHECK_BODY("name=linux,cma pfn=0xc0000 page=(nil) count=512 align=9 bitmap:18446744073709551615 0 0",
		   { "name", "linux,cma" }, { "pfn", "0xc0000" }, { "page", "(nil)" },
		   { "count", "512" }, { "align", "9" },
		   { "bitmap", "18446744073709551615 0 0" });
	CHECK_BODY("name=cma pfn=9f400 page=0xffffffbf04080000 count=8 bitmap:0",
		   { "name", "cma" }, { "pfn", "9f400" }, { "page", "0xffffffbf04080000" },
		   { "count", "8" }, { "bitmap", "0" });
	/* the array in the middle of the body, then the next key */
	CHECK_BODY("count=8 bitmap:1 2 3 next=4", { "count", "8" }, { "bitmap", "1 2 3" },
		   { "next", "4" });
	/* no decimal list to the end, or no key before the ':' */
	CHECK_BODY("buf=phase:1 done next=1", { "buf", "phase:1 done" }, { "next", "1" });
	CHECK_BODY("buf=at 12:30 next=1", { "buf", "at 12:30" }, { "next", "1" });
	CHECK_BODY("buf=phase: 1 next=1", { "buf", "phase: 1" }, { "next", "1" });
	CHECK_BODY("buf=x:1  2", { "buf", "x:1  2" });
}

/* A field the format prints "key:%s" of __print_array() ("{0x..,0x..}"),
 * as a vendor cma_alloc prints "... align=%u bitmap:%s": its own field, not
 * words of the value before it. */
static void test_body_array_after_a_value_is_its_own_field(void **state)
{
	(void)state;
	CHECK_BODY("name=linux,cma pfn=c0000 page=0000000000000000 count=512 align=9 bitmap:{0xffffffffffffffff,0xffffffff00000000}",
		   { "name", "linux,cma" }, { "pfn", "c0000" },
		   { "page", "0000000000000000" }, { "count", "512" }, { "align", "9" },
		   { "bitmap", "{0xffffffffffffffff,0xffffffff00000000}" });
	CHECK_BODY("name=cma pfn=9f400 page=ffffffbf04080000 count=8 bitmap:{0x0}",
		   { "name", "cma" }, { "pfn", "9f400" }, { "page", "ffffffbf04080000" },
		   { "count", "8" }, { "bitmap", "{0x0}" });
	/* a ':' and '{' that do not follow a blank and a key stay in the value */
	CHECK_BODY("buf=a:{b} x={0x1} next=1", { "buf", "a:{b}" }, { "x", "{0x1}" },
		   { "next", "1" });
}

static void test_body_empty_values(void **state)
{
	(void)state;
	/* hash-ptr=0 quirk of the amd64 6.1 kernel: %s printed nothing */
	CHECK_BODY("nr_succeeded=1 nr_failed=0 mode= reason=contig_range",
		   { "nr_succeeded", "1" }, { "nr_failed", "0" }, { "mode", "" },
		   { "reason", "contig_range" });
	CHECK_BODY("pfn=0x1 flags= count=3", { "pfn", "0x1" }, { "flags", "" }, { "count", "3" });
	CHECK_BODY("last=", { "last", "" });
}

/* Up to 4.19 vsprintf pads a NULL %p's "(null)" to the pointer's width
 * (16 characters on 64-bit, 8 on 32-bit); before the hash key is ready a
 * non-NULL one prints "(ptrval)" padded the same way. The padding is no
 * part of the value, and the padded "(null)" is no field of its own. */
static void test_body_padded_pointer_is_its_value(void **state)
{
	(void)state;
	CHECK_BODY("pfn=ffffffffffffffff page=          (null) count=512 align=9",
		   { "pfn", "ffffffffffffffff" }, { "page", "(null)" }, { "count", "512" },
		   { "align", "9" });
	CHECK_BODY("pfn=102100 page=  (null) count=256 align=8",
		   { "pfn", "102100" }, { "page", "(null)" }, { "count", "256" },
		   { "align", "8" });
	CHECK_BODY("name=cma pfn=102000 page=        (ptrval) count=16 align=4",
		   { "name", "cma" }, { "pfn", "102000" }, { "page", "(ptrval)" },
		   { "count", "16" }, { "align", "4" });
	/* the last field, and a tab */
	CHECK_BODY("pfn=b3000 page=\t        (null)", { "pfn", "b3000" }, { "page", "(null)" });
	/* an empty value stays empty: the blanks before the next key are not its */
	CHECK_BODY("mode=    reason=cma", { "mode", "" }, { "reason", "cma" });
}

static void test_body_probe_and_quirks(void **state)
{
	struct pb_arena arena = { 0 };
	struct pb_field *f;

	(void)state;
	CHECK_BODY("(try_grab_folio+0x0/0x1d0) page=0xfffffc00040ece40 refs=1 flags=0x4",
		   { "__probe", "try_grab_folio+0x0/0x1d0" }, { "page", "0xfffffc00040ece40" },
		   { "refs", "1" }, { "flags", "0x4" });
	CHECK_BODY("(ffff8000082fff80) page=0xfffffc00040e7c00 refs=1 flags=0x4",
		   { "__probe", "ffff8000082fff80" }, { "page", "0xfffffc00040e7c00" },
		   { "refs", "1" }, { "flags", "0x4" });
	CHECK_BODY("[FAILED TO PARSE] pfn=0x191400 alloc_order=1 fallback_order=10 alloc_migratetype=2 fallback_migratetype=1 change_ownership=1",
		   { "pfn", "0x191400" }, { "alloc_order", "1" }, { "fallback_order", "10" },
		   { "alloc_migratetype", "2" }, { "fallback_migratetype", "1" },
		   { "change_ownership", "1" });
	/* keys are [A-Za-z0-9_]+ at the start or after a blank */
	CHECK_BODY("some text a-b=1 x.y=2 c=3", { "c", "3" });
	assert_int_equal(pb_parse_body("RT-PHASE P1-baseline: gigantic hugepages", 40, &arena, &f), 0);
	assert_null(f);
	assert_int_equal(pb_parse_body("", 0, &arena, &f), 0);
	/* not NUL-terminated: only LEN bytes count */
	assert_int_equal(pb_parse_body("a=1 b=2", 3, &arena, &f), 1);
	assert_string_equal(f[0].value, "1");
	pb_arena_free(&arena);
}

/* The fields trace option prints integers raw, "0x1f (31)": one number is
 * kept (lines of a 6.18 capture, and a made-up negative errorno). */
static void test_body_fields_option(void **state)
{
	(void)state;
	CHECK_BODY("succeeded=0x0 (0) failed=0x7 (7) thp_succeeded=0x0 (0) mode=0x2 (2) reason=0x0 (0)",
		   { "succeeded", "0x0" }, { "failed", "0x7" }, { "thp_succeeded", "0x0" },
		   { "mode", "0x2" }, { "reason", "0x0" });
	CHECK_BODY("zone_start=0x1 (1) migrate_pfn=0x1 (1) free_pfn=0xe00 (3584) sync=(1) c='a'(97)",
		   { "zone_start", "0x1" }, { "migrate_pfn", "0x1" }, { "free_pfn", "0xe00" },
		   { "sync", "1" }, { "c", "97" });
	/* a negative int: its decimal; a negative 64-bit value: its hex */
	CHECK_BODY("errorno=0xfffffff0 (-16) page=0xffffea0004a3a400 (-24189255507968)",
		   { "errorno", "-16" }, { "page", "0xffffea0004a3a400" });
	/* other parentheses are left as they are */
	CHECK_BODY("a=0x1 (x) b=(1 ~ 2) c=0x10 (16) d=12 (13)",
		   { "a", "0x1 (x)" }, { "b", "(1 ~ 2)" }, { "c", "0x10" }, { "d", "12 (13)" });
}

static void test_event_system(void **state)
{
	/* the brief's table, system by system */
	static const struct kv known[] = {
		{ "cma_alloc", "cma" }, { "cma_alloc_start", "cma" },
		{ "cma_alloc_finish", "cma" }, { "cma_alloc_busy_retry", "cma" },
		{ "cma_release", "cma" }, { "cma_alloc_info", "cma" },
		{ "mm_migrate_pages", "migrate" }, { "mm_migrate_pages_start", "migrate" },
		{ "set_migration_pte", "migrate" }, { "remove_migration_pte", "migrate" },
		{ "test_pages_isolated", "page_isolation" },
		{ "page_pinner_failure", "page_pinner" }, { "page_pinner_put", "page_pinner" },
		{ "report_page_pinners", "page_pin_owner" },
		{ "page_pin_owner_put", "page_pin_owner" },
		{ "page_ref_set", "page_ref" }, { "page_ref_mod", "page_ref" },
		{ "page_ref_mod_and_test", "page_ref" }, { "page_ref_mod_and_return", "page_ref" },
		{ "page_ref_mod_unless", "page_ref" }, { "page_ref_freeze", "page_ref" },
		{ "page_ref_unfreeze", "page_ref" },
		{ "mm_alloc_contig_migrate_range_info", "kmem" },
		{ "mm_page_alloc_extfrag", "kmem" }, { "mm_page_alloc", "kmem" },
		{ "mm_page_free", "kmem" },
		/* every compaction event of the captures' formats/compaction */
		{ "mm_compaction_begin", "compaction" }, { "mm_compaction_end", "compaction" },
		{ "mm_compaction_defer_compaction", "compaction" },
		{ "mm_compaction_defer_reset", "compaction" },
		{ "mm_compaction_deferred", "compaction" },
		{ "mm_compaction_finished", "compaction" },
		{ "mm_compaction_isolate_freepages", "compaction" },
		{ "mm_compaction_isolate_migratepages", "compaction" },
		{ "mm_compaction_kcompactd_sleep", "compaction" },
		{ "mm_compaction_kcompactd_wake", "compaction" },
		{ "mm_compaction_migratepages", "compaction" },
		{ "mm_compaction_suitable", "compaction" },
		{ "mm_compaction_try_to_compact_pages", "compaction" },
		{ "mm_compaction_wakeup_kcompactd", "compaction" },
		{ "print", "ftrace" }, { "kernel_stack", "ftrace" }, { "user_stack", "ftrace" },
		{ "bprint", "ftrace" }, { "bputs", "ftrace" }, { "function", "ftrace" },
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(known); i++) {
		const char *system = pb_event_system(known[i].name);

		if (!system)
			fail_msg("%s not in the table", known[i].name);
		assert_string_equal(system, known[i].value);
	}
	assert_null(pb_event_system("try_grab_folio"));
	assert_null(pb_event_system("sched_switch"));
	assert_null(pb_event_system(""));
}

static struct pb_frame parse_frame(struct pb_arena *arena, const char *text)
{
	struct pb_frame f;

	if (pb_parse_frame(text, strlen(text), arena, &f) < 0)
		fail_msg("not a frame: %s", text);
	return f;
}

#define USER PB_FRAME_USER

static void test_frames(void **state)
{
	struct pb_arena a = { 0 };
	struct pb_frame f;

	(void)state;
	/* ftrace */
	f = parse_frame(&a, "el0_svc_common.constprop.0");
	assert_frame(&f, "el0_svc_common.constprop.0", 0, 0, 0, NULL, 0);
	f = parse_frame(&a, "el0_svc_common.constprop.0+0x48/0xf0");
	assert_frame(&f, "el0_svc_common.constprop.0", 0x48, 0xf0, 0, NULL, 0);
	f = parse_frame(&a, "cma_alloc+0x3a0/0x6c0 [nvidia]");
	assert_frame(&f, "cma_alloc", 0x3a0, 0x6c0, 0, "nvidia", 0);
	f = parse_frame(&a, "cma_alloc <ffff80000839cbf0>");
	assert_frame(&f, "cma_alloc", 0, 0, 0xffff80000839cbf0, NULL, 0);
	f = parse_frame(&a, "os_lock_user_pages+0x1c4/0x2f0 [nvidia] <ffffffffc0b71e1f>");
	assert_frame(&f, "os_lock_user_pages", 0x1c4, 0x2f0, 0xffffffffc0b71e1f, "nvidia", 0);
	f = parse_frame(&a, "0xffffffffc02070c8");
	assert_frame(&f, "0xffffffffc02070c8", 0, 0, 0xffffffffc02070c8, NULL, 0);
	/* user stacks: the caller flags them; sym-userobj flags itself */
	f = parse_frame(&a, "<00007f1a2b3c4d5e>");
	assert_frame(&f, "0x7f1a2b3c4d5e", 0, 0, 0x7f1a2b3c4d5e, NULL, 0);
	f = parse_frame(&a, "/usr/lib/libc.so.6[+0x2a1ca]");
	assert_frame(&f, "[unknown]", 0x2a1ca, 0, 0, "/usr/lib/libc.so.6", USER);
	f = parse_frame(&a, "/usr/lib/libc.so.6[+0x2a1ca] <00007f1a2b3c41ca>");
	assert_frame(&f, "[unknown]", 0x2a1ca, 0, 0x7f1a2b3c41ca, "/usr/lib/libc.so.6", USER);
	/* trace-cmd */
	f = parse_frame(&a, "cma_alloc (ffff80000839cbf0)");
	assert_frame(&f, "cma_alloc", 0, 0, 0xffff80000839cbf0, NULL, 0);
	/* perf */
	f = parse_frame(&a, "\tffff80000839cbf0 cma_alloc+0x3a0 ([kernel.kallsyms])");
	assert_frame(&f, "cma_alloc", 0x3a0, 0, 0xffff80000839cbf0, NULL, 0);
	f = parse_frame(&a, "ffffffff82511be4 __page_pinner_put+0x54 (/lib/modules/5.15.6+/build/vmlinux)");
	assert_frame(&f, "__page_pinner_put", 0x54, 0, 0xffffffff82511be4, NULL, 0);
	f = parse_frame(&a, "ffffffffc0b71e1f os_unlock_user_pages+0xbf ([nvidia])");
	assert_frame(&f, "os_unlock_user_pages", 0xbf, 0, 0xffffffffc0b71e1f, "nvidia", 0);
	f = parse_frame(&a, "           4a7cc [unknown] (/bin/busybox)");
	assert_frame(&f, "[unknown]", 0, 0, 0x4a7cc, "/bin/busybox", USER);
	f = parse_frame(&a, "    7f2d8c41e9bb __GI___ioctl+0xb (/usr/lib/x86_64-linux-gnu/libc.so.6)");
	assert_frame(&f, "__GI___ioctl", 0xb, 0, 0x7f2d8c41e9bb,
		     "/usr/lib/x86_64-linux-gnu/libc.so.6", USER);
	f = parse_frame(&a, "7ffc1d3f5000 __vdso_clock_gettime+0x4 ([vdso])");
	assert_frame(&f, "__vdso_clock_gettime", 0x4, 0, 0x7ffc1d3f5000, "[vdso]", USER);
	f = parse_frame(&a, "ffffffffc0b70000 [unknown] ([unknown])");
	assert_frame(&f, "[unknown]", 0, 0, 0xffffffffc0b70000, NULL, 0);
	f = parse_frame(&a, "ffffffffc0b71e1f os_unlock_user_pages+0xbf (/lib/modules/6.1/nvidia.ko.xz)");
	assert_frame(&f, "os_unlock_user_pages", 0xbf, 0, 0xffffffffc0b71e1f, "nvidia", 0);
	f = parse_frame(&a, "55d0c0a1b2c3 std::vector<int>::push_back(int const&)+0x13 (/usr/bin/app)");
	assert_frame(&f, "std::vector<int>::push_back(int const&)", 0x13, 0, 0x55d0c0a1b2c3,
		     "/usr/bin/app", USER);
	f = parse_frame(&a, "ffff80000839cbf0");
	assert_frame(&f, "0xffff80000839cbf0", 0, 0, 0xffff80000839cbf0, NULL, 0);
	/* not frames */
	assert_int_equal(pb_parse_frame("", 0, &a, &f), -1);
	assert_int_equal(pb_parse_frame("   \t ", 5, &a, &f), -1);
	pb_arena_free(&a);
}

static enum pb_format detect(const char *text)
{
	return pb_format_detect(text, strlen(text));
}

static void test_detect_text(void **state)
{
	(void)state;
	assert_int_equal(detect("# tracer: nop\n#\n"), PB_FMT_FTRACE);
	assert_int_equal(detect("              sh-106     (    106) [000] .....     6.843004: cma_alloc_start: name=hugetlb0 count=8192 align=13\n"
				"              sh-106     (    106) [000] .....     6.843622: <stack trace>\n"
				" => cma_alloc\n"), PB_FMT_FTRACE);
	/* trace_pipe without irq-info: one blank after the event name */
	assert_int_equal(detect("sh-106 [000] 6.843004: cma_alloc_start: name=hugetlb0\n"),
			 PB_FMT_FTRACE);
	assert_int_equal(detect("cpus=2\n              sh-292   [000]     7.117344: cma_alloc_start:      name=hugetlb0\n"),
			 PB_FMT_TRACECMD_REPORT);
	assert_int_equal(detect("version = 6\nCPU 0 is empty\n"), PB_FMT_TRACECMD_REPORT);
	/* a report cut from the middle: padded event names and "=> " frames */
	assert_int_equal(detect("              sh-292   [000]     7.118441: kernel_stack:         <stack trace >\n"
				"=> cma_alloc (ffff80000839cbf0)\n"
				"=> alloc_fresh_huge_page (ffff800008350468)\n"), PB_FMT_TRACECMD_REPORT);
	assert_int_equal(detect("sh   267 [000]     5.959264:                   cma:cma_alloc_start: name=hugetlb0 count=8192 align=13\n"
				"\tffff80000839cbf0 cma_alloc+0x3a0 ([kernel.kallsyms])\n\n"), PB_FMT_PERF_SCRIPT);
	assert_int_equal(detect("[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]\n"),
			 PB_FMT_KMSG);
	assert_int_equal(detect("<4>[   41.611842] page:fffffc0004380140 refcount:3 mapcount:0\n"), PB_FMT_KMSG);
	assert_int_equal(detect("Nov 25 11:04:00 host kernel: page dumped because: migration failure\n"),
			 PB_FMT_KMSG);
	assert_int_equal(detect("page:fffffc0004380140 refcount:3 mapcount:0 mapping:0 index:0x1540 pfn:0x14e005\n"),
			 PB_FMT_KMSG);
	assert_int_equal(detect("2025-11-25T10:00:00+0100 host kernel: page dumped because: migration failure\n"),
			 PB_FMT_KMSG);
	assert_int_equal(detect("kern  :warn  : [   41.611842] page dumped because: migration failure\n"),
			 PB_FMT_KMSG);
	assert_int_equal(detect("[Tue Nov 25 10:00:00 2025] page dumped because: migration failure\n"),
			 PB_FMT_KMSG);
	assert_int_equal(detect("4,339,41611842,-;page dumped because: migration failure\n"),
			 PB_FMT_KMSG);
	assert_int_equal(detect("Failure detected at [ 4120.310300]\nPFN 0xa3a41 Block 1309 count 1027\n"),
			 PB_FMT_PAGE_PINNER);
	assert_int_equal(detect("At least, pinned for 1443311 us\n"), PB_FMT_PAGE_PINNER);
	assert_int_equal(detect("Page allocated via order 0, mask 0x140dca(GFP_HIGHUSER_MOVABLE), pid 1873\n"),
			 PB_FMT_PAGE_OWNER);
	assert_int_equal(pb_format_detect("\x17\x08\x44tracing6\0", 12), PB_FMT_TRACE_DAT);
	assert_int_equal(detect("hello world\nnothing to see\n"), PB_FMT_UNKNOWN);
	assert_int_equal(detect(""), PB_FMT_UNKNOWN);
	assert_int_equal(pb_format_detect("ab\0cd\n", 6), PB_FMT_UNKNOWN);
}

/* page_owner_sort's output, from its fprintf()s: the group heads of 5.16
 * and before, of 5.17+ (default and --cull), are refused; other lines
 * starting with a number are not its. */
#define OWNER_RECORD "Page allocated via order 0, mask 0x140cca(GFP_HIGHUSER_MOVABLE), pid 7, tgid 7 (sh), ts 90 ns\n"
static void test_page_owner_sort_output(void **state)
{
	static const char *const sorted[] = {
		"12 times:\n" OWNER_RECORD,
		"12 times, 12 pages, allocated by OTHERS :\n" OWNER_RECORD,
		"\n\n3 times, 24 pages, PID 7, TGID 7, task_comm_name: sh:\n post_alloc_hook+0x1/0x2\n",
		"3 times:\r\n" OWNER_RECORD,
	};
	static const char *const not_sorted[] = {
		OWNER_RECORD "12 times:\n",
		"12 timestamps\n",
		"times: 12\n",
		"",
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(sorted); i++) {
		struct pb_input *in = pb_input_open_memory(sorted[i], strlen(sorted[i]), NULL);

		assert_int_equal(pb_page_owner_sort_output(sorted[i], strlen(sorted[i])), 1);
		err[0] = '\0';
		assert_null(pb_parser_new(in, PB_FMT_UNKNOWN, NULL, NULL, err, sizeof(err)));
		assert_non_null(strstr(err, "page_owner_sort's output"));
		assert_non_null(strstr(err, "/sys/kernel/debug/page_owner"));
		pb_input_close(in);
	}
	for (size_t i = 0; i < PB_ARRAY_SIZE(not_sorted); i++)
		assert_int_equal(pb_page_owner_sort_output(not_sorted[i], strlen(not_sorted[i])), 0);
}

static enum pb_format detect_file(const char *path)
{
	char full[4096], err[256];
	struct pb_input *in;
	const char *head;
	enum pb_format f;
	size_t n;

	snprintf(full, sizeof(full), "%s/%s", unit_testdata(), path);
	in = pb_input_open(full, err, sizeof(err));
	if (!in)
		fail_msg("%s: %s", full, err);
	n = pb_input_peek(in, &head, 64 * 1024);
	assert_int_not_equal(n, 0);
	assert_int_not_equal(n, (size_t)-1);
	f = pb_format_detect(head, n);
	pb_input_close(in);
	return f;
}

static void test_detect_files(void **state)
{
	(void)state;
	assert_int_equal(detect_file("real/arm64-ftrace-hugetlb-cma/trace.txt.xz"), PB_FMT_FTRACE);
	assert_int_equal(detect_file("real/amd64-ftrace-gigantic-nocma/trace.txt.xz"), PB_FMT_FTRACE);
	assert_int_equal(detect_file("real/arm64-tracecmd-hugetlb-cma/trace-cmd-report.txt.xz"),
			 PB_FMT_TRACECMD_REPORT);
	assert_int_equal(detect_file("real/arm64-tracecmd-hugetlb-cma/trace.dat.xz"), PB_FMT_TRACE_DAT);
	assert_int_equal(detect_file("real/arm64-tracecmd-hugetlb-cma/trace-v6.dat.xz"),
			 PB_FMT_TRACE_DAT);
	assert_int_equal(detect_file("real/arm64-ftrace-hugetlb-cma/dmesg.txt"), PB_FMT_KMSG);
	assert_int_equal(detect_file("samples/perf-script-5.15-page_pinner-rfc.txt"),
			 PB_FMT_PERF_SCRIPT);
	assert_int_equal(detect_file("samples/ftrace-6.6-page_ref-cma_errorno.txt"), PB_FMT_FTRACE);
	assert_int_equal(detect_file("samples/dmesg-6.6-dump_page-folio.txt"), PB_FMT_KMSG);
	assert_int_equal(detect_file("samples/ack-page_pinner-buffer-6.6.txt"), PB_FMT_PAGE_PINNER);
}

/* The hex fields of a print format as libtraceevent keeps it (trace.dat):
 * "%lx" after "key=" is hex without 0x; "0x%lx", "%#lx", "%lu", "%p" and
 * "%%" are not. Formats of include/trace/events/cma.h (4.19, 5.13) and
 * migrate.h (migration_pte). */
static void test_format_hex_keys(void **state)
{
	char keys[PB_HEX_KEYS_MAX][PB_HEX_KEY_LEN];

	(void)state;
	assert_int_equal(pb_format_hex_keys("pfn=%lx page=%p count=%u align=%u", keys), 1);
	assert_string_equal(keys[0], "pfn");
	assert_int_equal(pb_format_hex_keys("name=%s pfn=%lx page=%p count=%lu align=%u", keys), 1);
	assert_string_equal(keys[0], "pfn");
	assert_int_equal(pb_format_hex_keys("addr=%lx, pte=%lx order=%d", keys), 2);
	assert_string_equal(keys[1], "pte");
	assert_int_equal(pb_format_hex_keys("name=%s pfn=0x%lx page=%p count=%lu align=%u errorno=%d",
					    keys), 0);
	assert_int_equal(pb_format_hex_keys("flags=%#lx pct=100%% mask=%08x", keys), 1);
	assert_string_equal(keys[0], "mask");
	assert_int_equal(pb_format_hex_keys(NULL, keys), 0);
}

/* Values of those keys get "0x"; other fields, values that have one and
 * values that are not hex stay as printed. */
static void test_fields_hex_keys(void **state)
{
	struct pb_arena arena = { 0 };
	struct pb_field f[] = {
		{ "pfn", "b2800" }, { "count", "16" }, { "pte", "0x1f" }, { "addr", "(nil)" },
	};
	char keys[3][PB_HEX_KEY_LEN] = { "pfn", "pte", "addr" };

	(void)state;
	pb_fields_hex_keys(f, 4, keys, 3, &arena);
	assert_string_equal(f[0].value, "0xb2800");
	assert_string_equal(f[1].value, "16");
	assert_string_equal(f[2].value, "0x1f");
	assert_string_equal(f[3].value, "(nil)");
	pb_event_fields_hex("mm_migrate_pages", f + 1, 1, &arena);
	assert_string_equal(f[1].value, "16");
	f[0].name = "addr";
	f[0].value = "ffff8000";
	pb_event_fields_hex("set_migration_pte", f, 2, &arena);
	assert_string_equal(f[0].value, "0xffff8000");
	assert_string_equal(f[1].value, "16");
	pb_arena_free(&arena);
}

/* Event lines pasted without their task columns are ftrace text, though
 * they start with a tab as perf script's stack lines do. */
static void test_detect_fragment(void **state)
{
	(void)state;
	assert_int_equal(detect("\t279.814717: cma_alloc_start: name=reserved request_count=4\n"
				"\t279.814901: cma_alloc_finish: name=reserved pfn=0x0\n"), PB_FMT_FTRACE);
	assert_int_equal(detect("sh   267 [000]     5.959264:                   cma:cma_alloc_start: name=hugetlb0 count=8192 align=13\n"
				"\tffff80000839cbf0 cma_alloc+0x3a0 ([kernel.kallsyms])\n\n"), PB_FMT_PERF_SCRIPT);
}

/* Each byte value at each place of lines of 0 to 40 bytes (so in the
 * sixteen-byte blocks and in the tail after them): a line is binary when
 * it holds a control byte other than a tab, or DEL; bytes from 0x80 (UTF-8)
 * are text. */
static void test_text_is_binary_by_byte_and_place(void **state)
{
	char line[40];

	(void)state;
	for (size_t len = 1; len <= sizeof(line); len++)
		for (size_t at = 0; at < len; at++)
			for (int c = 0; c < 256; c++) {
				memset(line, 'a', sizeof(line));
				line[at] = (char)c;
				assert_int_equal(pb_text_is_binary(line, len),
						 (c < 0x20 && c != '\t') || c == 0x7f);
			}
	memset(line, '\t', sizeof(line));
	assert_int_equal(pb_text_is_binary(line, sizeof(line)), 0);
	assert_int_equal(pb_text_is_binary(line, 0), 0);
}

/* page_owner's debugfs show_stacks (stack_print(): " %pS" frames, then
 * "nr_base_pages: %d"; 7.x writes "handle: %d" before it and has
 * show_handles without frames, show_stacks_handles without the count),
 * each block ended by a blank line: pages counted by stack, no pfns, so
 * refused with the hint to import the page_owner dump. A page_owner dump
 * and a kernel log are not refused. */
static void test_page_owner_show_stacks_are_refused(void **state)
{
	static const char *const stacks[] = {
		" post_alloc_hook+0x1b0/0x1e0\n get_page_from_freelist+0x3a8/0x1140\n"
		"nr_base_pages: 512\n\n",
		" post_alloc_hook+0x1b0/0x1e0\n mydrv_alloc_buffer+0x44/0x120 [mydrv]\n"
		"handle: 12345\nnr_base_pages: 512\n\n",
		"handle: 12345\nnr_base_pages: 512\n\nhandle: 2233\nnr_base_pages: 64\n\n",
		" post_alloc_hook+0x1b0/0x1e0\r\nhandle: 12345\r\n\r\n",
	};
	static const char *const others[] = {
		OWNER_RECORD "PFN 0x8a310 type Movable Block 1105 type CMA Flags 0x2081c(uptodate)\n"
		" post_alloc_hook+0x1b0/0x1e0\n\n",
		"[  812.004254]  post_alloc_hook+0x1b0/0x1e0\nnr_base_pages: 512\n\n",
		" post_alloc_hook+0x1b0/0x1e0\n\n",
	};
	char err[320];

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(stacks); i++) {
		struct pb_input *in = pb_input_open_memory(stacks[i], strlen(stacks[i]), NULL);

		err[0] = '\0';
		assert_null(pb_parser_new(in, PB_FMT_UNKNOWN, NULL, NULL, err, sizeof(err)));
		assert_non_null(strstr(err, "show_stacks"));
		assert_non_null(strstr(err, "/sys/kernel/debug/page_owner"));
		pb_input_close(in);
	}
	for (size_t i = 0; i < PB_ARRAY_SIZE(others); i++) {
		struct pb_input *in = pb_input_open_memory(others[i], strlen(others[i]), NULL);
		struct pb_parser *p;

		err[0] = '\0';
		p = pb_parser_new(in, PB_FMT_UNKNOWN, NULL, NULL, err, sizeof(err));
		assert_null(strstr(err, "show_stacks"));
		if (p)
			pb_parser_free(p);
		pb_input_close(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_plain),
		cmocka_unit_test(test_text_is_binary_by_byte_and_place),
		cmocka_unit_test(test_body_values_with_blanks),
		cmocka_unit_test(test_body_array_after_a_value_is_its_own_field),
		cmocka_unit_test(test_body_decimal_array_of_libtraceevent_is_its_own_field),
		cmocka_unit_test(test_body_empty_values),
		cmocka_unit_test(test_body_padded_pointer_is_its_value),
		cmocka_unit_test(test_body_probe_and_quirks),
		cmocka_unit_test(test_body_fields_option),
		cmocka_unit_test(test_event_system),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_detect_text),
		cmocka_unit_test(test_detect_files),
		cmocka_unit_test(test_page_owner_sort_output),
		cmocka_unit_test(test_format_hex_keys),
		cmocka_unit_test(test_fields_hex_keys),
		cmocka_unit_test(test_detect_fragment),
		cmocka_unit_test(test_page_owner_show_stacks_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
