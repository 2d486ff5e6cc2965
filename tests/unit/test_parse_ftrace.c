/* ftrace text (tracefs trace / trace_pipe): every line layout of FORMATS
 * §7.1-7.2, stack attachment, bad lines, and the real captures' counts. */
#include "parse_run.h"

#define HEADER_TGID \
	"# tracer: nop\n" \
	"#\n" \
	"# entries-in-buffer/entries-written: 513104/513104   #P:2\n" \
	"#\n" \
	"#                                          _-----=> irqs-off/BH-disabled\n" \
	"#                                         / _----=> need-resched\n" \
	"#                                        | / _---=> hardirq/softirq\n" \
	"#                                        || / _--=> preempt-depth\n" \
	"#                                        ||| / _-=> migrate-disable\n" \
	"#                                        |||| /     delay\n" \
	"#           TASK-PID       TGID    CPU#  |||||  TIMESTAMP  FUNCTION\n" \
	"#              | |           |       |   |||||     |         |\n"

/* 6.1 capture: header, record-tgid, 5-char flags, <stack trace> */
static void test_header_tgid_stack(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE, HEADER_TGID
		 "              sh-106     (    106) [000] .....     6.843004: cma_alloc_start: name=hugetlb0 count=8192 align=13\n"
		 "              sh-106     (    106) [000] .....     6.843622: <stack trace>\n"
		 " => trace_event_raw_event_cma_alloc_start\n"
		 " => cma_alloc\n"
		 " => alloc_fresh_huge_page\n"
		 "              sh-106     (    106) [001] .N...     6.962346: cma_alloc_finish: name=hugetlb0 pfn=0x100000 page=fffffc0003000000 count=8192 align=13\n");
	rec = run_next(&r);
	check_context(rec, 13, 6843004000, 0, 106, 106, "sh", "cma", "cma_alloc_start");
	assert_string_equal(rec->body, "name=hugetlb0 count=8192 align=13");
	assert_int_equal(rec->nfields, 3);
	assert_field(rec, "name", "hugetlb0");
	assert_field(rec, "count", "8192");
	assert_field(rec, "align", "13");
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[0], "trace_event_raw_event_cma_alloc_start", 0, 0, 0, NULL, 0);
	assert_frame(&rec->frames[1], "cma_alloc", 0, 0, 0, NULL, 0);
	assert_frame(&rec->frames[2], "alloc_fresh_huge_page", 0, 0, 0, NULL, 0);
	assert_int_equal(rec->nuframes, 0);
	rec = run_next(&r);
	check_context(rec, 18, 6962346000, 1, 106, 106, "sh", "cma", "cma_alloc_finish");
	assert_field(rec, "page", "fffffc0003000000");
	assert_int_equal(rec->nframes, 0);
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "tracer"), "nop");
	assert_string_equal(pb_parser_meta(r.p, "entries"), "513104");
	assert_string_equal(pb_parser_meta(r.p, "entries_written"), "513104");
	assert_string_equal(pb_parser_meta(r.p, "cpus"), "2");
	assert_null(pb_parser_meta(r.p, "clock"));
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Perfetto's traceconv writes one constant kernel header (its entries line
 * included) and every field in decimal: no pfn of it is bare hex, and its
 * entries line states nothing of the trace. */
static void test_perfetto_header_means_decimal_fields(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n#\n"
		 "# entries-in-buffer/entries-written: 30624/30624   #P:4\n"
		 "#           TASK-PID    TGID   CPU#  ||||    TIMESTAMP  FUNCTION\n"
		 "          camera-3301  ( 3301) [000] .... 1500.000100: cma_alloc_busy_retry: name=reserved pfn=1048576 page=18446743524961878016 count=64 align=6\n"
		 "          <idle>-0     (-----) [002] .... 1500.200000: cma_release: name=reserved pfn=1048640 page=0 count=64\n");
	rec = run_next(&r);
	check_context(rec, 5, 1500000100000, 0, 3301, 3301, "camera", "cma", "cma_alloc_busy_retry");
	assert_field(rec, "pfn", "1048576");
	rec = run_next(&r);
	assert_int_equal(rec->pid, 0);
	assert_field(rec, "pfn", "1048640");
	run_end(&r);
	assert_null(pb_parser_meta(r.p, "entries"));
	assert_null(pb_parser_meta(r.p, "cpus"));
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The same events in the kernel's own text: "pfn=%lx" is hex. */
static void test_kernel_header_keeps_bare_hex_pfns(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n#\n"
		 "# entries-in-buffer/entries-written: 30625/30625   #P:4\n"
		 "          camera-3301  [000] .... 1500.000100: cma_alloc_busy_retry: name=reserved pfn=1048576 page=ffffffbf04080000 count=64 align=6\n");
	rec = run_next(&r);
	assert_field(rec, "pfn", "0x1048576");
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "cpus"), "4");
	run_close(&r);
}

/* 6.6 sample: no tgid column, sym-offset frames with a module */
/* The header lines `pinblame record` writes name the kernel and arch. */
static void test_record_header(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n"
		 "#\n"
		 "# pinblame-record: version=0.1.0\n"
		 "# pinblame-record: kernel=6.1.0-50-arm64\n"
		 "# pinblame-record: arch=aarch64\n"
		 "# pinblame-record: events=cma:cma_alloc_start,pinblame:try_grab_folio\n"
		 "              sh-106     (    106) [000] .....     6.843004: cma_alloc_start: name=hugetlb0 count=8192 align=13\n");
	rec = run_next(&r);
	check_context(rec, 7, 6843004000, 0, 106, 106, "sh", "cma", "cma_alloc_start");
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "kernel"), "6.1.0-50-arm64");
	assert_string_equal(pb_parser_meta(r.p, "arch"), "aarch64");
	assert_null(pb_parser_meta(r.p, "events"));
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* page_size= (sysconf(_SC_PAGESIZE), schema 6) is the traced kernel's:
 * the analysis divides a file offset by it. Older records lack it. */
static void test_record_header_page_size(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n"
		 "#\n"
		 "# pinblame-record: kernel=6.1.0-28-arm64-16k\n"
		 "# pinblame-record: page_size=16384\n"
		 "              sh-106     (    106) [000] .....     6.843004: cma_alloc_start: name=hugetlb0 count=8192 align=13\n");
	assert_non_null(run_next(&r));
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "page_size"), "16384");
	run_close(&r);
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n"
		 "# pinblame-record: kernel=6.1.0-50-arm64\n"
		 "              sh-106     (    106) [000] .....     6.843004: cma_alloc_start: name=hugetlb0 count=8192 align=13\n");
	assert_non_null(run_next(&r));
	run_end(&r);
	assert_null(pb_parser_meta(r.p, "page_size"));
	run_close(&r);
}

static void test_no_tgid_sym_offset(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "  cuda-EvtHandlr-1873    [003] .....  4110.550201: page_ref_mod: pfn=0xa3a41 flags=referenced|uptodate|dirty|lru|active|swapbacked count=1026 mapcount=1 mapping=ffff000105e2c8d0 mt=4 val=1024\n"
		 "  cuda-EvtHandlr-1873    [003] .....  4110.550204: <stack trace>\n"
		 " => __page_ref_mod+0x98/0xb0\n"
		 " => pin_user_pages+0x6c/0xa0\n"
		 " => os_lock_user_pages+0x1c4/0x2f0 [nvidia]\n"
		 " => el0_svc_common.constprop.0+0x48/0xf0\n");
	rec = run_next(&r);
	check_context(rec, 1, 4110550201000, 3, 1873, -1, "cuda-EvtHandlr", "page_ref",
		      "page_ref_mod");
	assert_field(rec, "flags", "referenced|uptodate|dirty|lru|active|swapbacked");
	assert_field(rec, "val", "1024");
	assert_int_equal(rec->nfields, 7);
	assert_int_equal(rec->nframes, 4);
	assert_frame(&rec->frames[0], "__page_ref_mod", 0x98, 0xb0, 0, NULL, 0);
	assert_frame(&rec->frames[2], "os_lock_user_pages", 0x1c4, 0x2f0, 0, "nvidia", 0);
	assert_frame(&rec->frames[3], "el0_svc_common.constprop.0", 0x48, 0xf0, 0, NULL, 0);
	run_end(&r);
	run_close(&r);
}

/* <=5.13: 4-char flags, "<...>" comm (RFC commit message) */
static void test_old_layout(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n"
		 "           <...>-498     [006] .... 33306.301621: page_pinner_failure: pfn=0x9f0bb0 flags=uptodate|lru|swapbacked count=1 mapcount=0 mapping=00000000aec7812a mt=5\n"
		 "           <...>-498     [006] .... 33306.301625: <stack trace>\n"
		 " => __page_pinner_failure\n"
		 " => test_pages_isolated\n"
		 "           <...>-24965   [001] .... 33306.392836: page_pinner_put: pfn=0x9f0bb0 flags=uptodate|lru|swapbacked count=0 mapcount=0 mapping=00000000aec7812a mt=5\n");
	rec = run_next(&r);
	check_context(rec, 2, 33306301621000, 6, 498, -1, "<...>", "page_pinner",
		      "page_pinner_failure");
	assert_field(rec, "pfn", "0x9f0bb0");
	assert_field(rec, "mt", "5");
	assert_int_equal(rec->nframes, 2);
	assert_string_equal(rec->frames[1].symbol, "test_pages_isolated");
	rec = run_next(&r);
	check_context(rec, 6, 33306392836000, 1, 24965, -1, "<...>", "page_pinner",
		      "page_pinner_put");
	run_end(&r);
	run_close(&r);
}

/* irq-info=0 (no flags column), unknown tgid, comm with blanks and dashes,
 * counter clock */
static void test_columns_variants(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "              sh-106     [000]     6.843004: cma_alloc_start: name=hugetlb0 count=8192 align=13\n"
		 "  POSIX timer 0-123     (-------) [002] d.h1.    77.000001: cma_release: name=reserved pfn=0xf0010 page=fffffc0003c00400 count=2\n"
		 "   kworker/u16:3-412     [002] ....  1893.441297: cma_alloc: pfn=b0000 page=00000000b5a1c7e2 count=4096 align=8\n"
		 "  binder:1021_4-1503  [003] ..... 812200301123456: cma_alloc_start: name=reserved request_count=2048 available_count=9012 total_count=65536 align=8\n");
	rec = run_next(&r);
	check_context(rec, 1, 6843004000, 0, 106, -1, "sh", "cma", "cma_alloc_start");
	rec = run_next(&r);
	check_context(rec, 2, 77000001000, 2, 123, -1, "POSIX timer 0", "cma", "cma_release");
	assert_field(rec, "pfn", "0xf0010");
	rec = run_next(&r);
	check_context(rec, 3, 1893441297000, 2, 412, -1, "kworker/u16:3", "cma", "cma_alloc");
	rec = run_next(&r);
	/* raw clock count, kept as is */
	check_context(rec, 4, 812200301123456, 3, 1503, -1, "binder:1021_4", "cma",
		      "cma_alloc_start");
	assert_field(rec, "request_count", "2048");
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "counter");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The kernel's latency-format option (lines from a 6.18 capture): comm cut
 * to 8 characters, cpu glued to the flags, microseconds with a delay mark
 * or a blank before the ':', or a raw count when the clock is not in ns. */
static void test_latency_format(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n"
		 "#\n"
		 "# nop latency trace v1.1.5 on 6.18.44-fc-v657\n"
		 "#  cmd     pid     |||||| time  |   caller     \n"
		 "#     \\   /        ||||||  \\    |    /       \n"
		 "  gen.sh-4068      1...1. 13503243538us+: tracing_mark_write: pb marker lat\n"
		 "  gen.sh-4068      0..... 13503243603us : mm_compaction_end: zone_start=0x1 migrate_pfn=0xe00 free_pfn=0xe00 zone_end=0x1000, mode=sync status=complete\n"
		 "  gen.sh-4068      0..... 13503245891us!: mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "kworker/-1234567 11d.h2. 4294967296: mm_migrate_pages: nr_succeeded=0 nr_failed=7 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=compaction\n");
	rec = run_next(&r);
	check_context(rec, 6, 13503243538000, 1, 4068, -1, "gen.sh", "ftrace", "print");
	assert_field(rec, "buf", "pb marker lat");
	rec = run_next(&r);
	check_context(rec, 7, 13503243603000, 0, 4068, -1, "gen.sh", "compaction",
		      "mm_compaction_end");
	assert_field(rec, "status", "complete");
	rec = run_next(&r);
	check_context(rec, 8, 13503245891000, 0, 4068, -1, "gen.sh", "migrate",
		      "mm_migrate_pages_start");
	rec = run_next(&r);
	check_context(rec, 9, 4294967296, 11, 1234567, -1, "kworker/", "migrate",
		      "mm_migrate_pages");
	assert_field(rec, "nr_failed", "7");
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "counter");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A trace marker under the sym-offset and sym-addr options names where it
 * was written from; the message is what follows. */
static void test_marker_with_ip(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "          gen.sh-4098    [001] ...1. 13513.659754: tracing_mark_write+0x8a/0x170 <ffffffff81498b1a>: pb marker stack\n"
		 "          gen.sh-4098    [001] ...1. 13513.659755: tracing_mark_write+0x8a/0x170: a: b\n"
		 "          gen.sh-4098    [001] ...1. 13513.659756: tracing_mark_write <ffffffff81498b1a>: c\n"
		 "          gen.sh-4098    [001] ...1. 13513.659757: tracing_mark_write+0x8a/0x170 <ffffffff81498b1a> no colon\n");
	rec = run_next(&r);
	check_context(rec, 1, 13513659754000, 1, 4098, -1, "gen.sh", "ftrace", "print");
	assert_field(rec, "buf", "pb marker stack");
	rec = run_next(&r);
	assert_field(rec, "buf", "a: b");
	rec = run_next(&r);
	assert_field(rec, "buf", "c");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 1);
	assert_int_equal(run_bad_total(&r), 1);
	run_close(&r);
}

/* The raw, hex and nocontext-info options print lines without the
 * columns an event needs: counted under reasons of their own, which
 * import turns into a hint. */
static void test_output_option_lines(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n"
		 "4043 1 13494886006579 # ffffffff81498b1a pb marker raw\n"
		 "4043 1 13494886093248 type: 670\n"
		 "00000fd1 00000001 00000c468301f165 type: 670\n"
		 "\n"
		 "mm_migrate_pages: nr_succeeded=0 nr_failed=26 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=compaction\n"
		 "tracing_mark_write: pb marker noctx\n"
		 "4043 1 type: 670\n"
		 "  mm_migrate_pages: nr_succeeded=0\n"
		 "          gen.sh-4086    [000] ...1. 13509.474915: UNKNOWN TYPE 5\n"
		 "          gen.sh-4086    [000] ...1. 13509.474916: UNKNOWN TYPE\n");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_RAW_OUTPUT], 3);
	assert_int_equal(r.bad[PB_BAD_NO_CONTEXT], 2);
	assert_int_equal(r.bad[PB_BAD_UNKNOWN_TYPE], 1);
	assert_non_null(strstr(pb_bad_reason_hint(PB_BAD_UNKNOWN_TYPE), "nofields"));
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 3);
	assert_non_null(pb_bad_reason_hint(PB_BAD_RAW_OUTPUT));
	assert_non_null(strstr(pb_bad_reason_hint(PB_BAD_NO_CONTEXT), "context-info"));
	assert_null(pb_bad_reason_hint(PB_BAD_SYNTAX));
	run_close(&r);
}

/* The trace file's reader since 5.7 marks pages the writer overwrote while
 * it read them, without a count (print_trace_line(): lost_events -1). */
static void test_lost_events_without_count(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "CPU:1 [LOST EVENTS]\n"
		 "CPU:0 [LOST 7 EVENTS]\n"
		 "CPU:1 [LOST  EVENTS]\n");
	rec = run_next(&r);
	check_context(rec, 1, -1, 1, -1, -1, "", "ftrace", "lost_events");
	assert_int_equal(rec->nfields, 1);
	assert_field(rec, "cpu", "1");
	rec = run_next(&r);
	assert_field(rec, "lost", "7");
	/* two blanks: not the kernel's text */
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 1);
	assert_int_equal(r.last_bad_line, 3);
	run_close(&r);
}

/* kprobes, markers, lost events, CPU banners, function tracer, unknown
 * events, the empty-%s quirk */
static void test_special_lines(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "       holdpages-324     (    324) [001] d....    36.608185: try_grab_folio: (try_grab_folio+0x0/0x1d0) page=0xfffffc00040ece40 refs=1 flags=0x4\n"
		 "              sh-106     (    106) [000] .....     6.772970: tracing_mark_write: RT-PHASE P1-baseline: gigantic hugepages with no page held\n"
		 "CPU:2 [LOST 12 EVENTS]\n"
		 "##### CPU 2 buffer started ####\n"
		 "              sh-107     (    107) [001] .....     8.276891: mm_migrate_pages: nr_succeeded=1 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode= reason=\n"
		 "              sh-107     (    107) [001] .....     8.276899: sched_switch: prev_comm=sh prev_pid=107 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n"
		 "              sh-107     [001] .....     8.276901: do_sys_openat2 <-__x64_sys_openat\n"
		 "              sh-107     [001] .....     8.276905: sys_openat(dfd: ffffff9c, filename: 7ffd1234, flags: 80000, mode: 0)\n"
		 "              sh-107     [001] .....     8.276950: sys_openat -> 0x3\n");
	rec = run_next(&r);
	check_context(rec, 1, 36608185000, 1, 324, 324, "holdpages", "kprobes", "try_grab_folio");
	assert_int_equal(rec->nfields, 4);
	assert_field(rec, "__probe", "try_grab_folio+0x0/0x1d0");
	assert_field(rec, "page", "0xfffffc00040ece40");
	assert_field(rec, "refs", "1");
	assert_field(rec, "flags", "0x4");
	rec = run_next(&r);
	check_context(rec, 2, 6772970000, 0, 106, 106, "sh", "ftrace", "print");
	assert_int_equal(rec->nfields, 1);
	assert_field(rec, "buf", "RT-PHASE P1-baseline: gigantic hugepages with no page held");
	rec = run_next(&r);
	check_context(rec, 3, -1, 2, -1, -1, "", "ftrace", "lost_events");
	assert_int_equal(rec->nfields, 2);
	assert_field(rec, "cpu", "2");
	assert_field(rec, "lost", "12");
	rec = run_next(&r);
	check_context(rec, 5, 8276891000, 1, 107, 107, "sh", "migrate", "mm_migrate_pages");
	assert_field(rec, "mode", "");
	assert_field(rec, "reason", "");
	assert_field(rec, "nr_thp_split", "0");
	rec = run_next(&r);
	check_context(rec, 6, 8276899000, 1, 107, 107, "sh", "ftrace", "sched_switch");
	assert_field(rec, "prev_state", "S ==>");
	assert_field(rec, "next_comm", "swapper/1");
	rec = run_next(&r);
	check_context(rec, 7, 8276901000, 1, 107, -1, "sh", "ftrace", "function");
	assert_string_equal(rec->body, "do_sys_openat2 <-__x64_sys_openat");
	assert_int_equal(rec->nfields, 0);
	/* syscalls events: no "event:" token, kept whole */
	rec = run_next(&r);
	check_context(rec, 8, 8276905000, 1, 107, -1, "sh", "syscalls", "sys_openat");
	assert_string_equal(rec->body, "(dfd: ffffff9c, filename: 7ffd1234, flags: 80000, mode: 0)");
	rec = run_next(&r);
	check_context(rec, 9, 8276950000, 1, 107, -1, "sh", "syscalls", "sys_openat");
	assert_string_equal(rec->body, "-> 0x3");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Kernel then user stack; sym-addr and sym-userobj frames */
static void test_user_stack(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "       holdpages-324     [001] .....    36.000001: page_ref_mod: pfn=0xa3a41 val=1024\n"
		 "       holdpages-324     [001] .....    36.000002: <stack trace>\n"
		 " => __page_ref_mod <ffff80000839cbf0>\n"
		 " => 0xffffffffc02070c8\n"
		 "       holdpages-324     [001] .....    36.000003: <user stack trace>\n"
		 " => <00007f1a2b3c4d5e>\n"
		 " => /usr/lib/libc.so.6[+0x2a1ca]\n");
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[0], "__page_ref_mod", 0, 0, 0xffff80000839cbf0, NULL, 0);
	assert_frame(&rec->frames[1], "0xffffffffc02070c8", 0, 0, 0xffffffffc02070c8, NULL, 0);
	assert_int_equal(rec->nuframes, 2);
	assert_frame(&rec->uframes[0], "0x7f1a2b3c4d5e", 0, 0, 0x7f1a2b3c4d5e, NULL,
		     PB_FRAME_USER);
	assert_frame(&rec->uframes[1], "[unknown]", 0x2a1ca, 0, 0, "/usr/lib/libc.so.6",
		     PB_FRAME_USER);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The merged output may put another CPU's event between an event and its
 * stack: the stack still goes to the event of its pid and CPU, and the
 * records keep the file order. */
/* userstacktrace=1 with sym-userobj=1 on this project's build machine
 * (kernel 6.18): the object name is empty, two blanks before the address */
static void test_user_stack_block_gives_user_frames_of_its_event(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "              sh-28763   (  28763) [000] .....  2728.851091: sched_process_exec: filename=/usr/bin/sh pid=28763 old_pid=28763\n"
		 "              sh-28763   (  28763) [000] .....  2728.852099: <stack trace>\n"
		 " => trace_event_raw_event_sched_process_exec\n"
		 " => __traceiter_sched_process_exec\n"
		 " => bprm_execve\n"
		 "              sh-28763   (  28763) [000] .....  2728.852099: <user stack trace>\n"
		 " =>  <00007f7464b5db70>\n"
		 "            bash-28762   (  28762) [000] ...1.  2728.855023: tracing_mark_write: marker\n");
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 2728851091000);
	assert_string_equal(rec->system, "ftrace");
	assert_string_equal(rec->event, "sched_process_exec");
	assert_field(rec, "filename", "/usr/bin/sh");
	assert_int_equal(rec->nframes, 3);
	assert_string_equal(rec->frames[2].symbol, "bprm_execve");
	assert_int_equal(rec->nuframes, 1);
	assert_frame(&rec->uframes[0], "0x7f7464b5db70", 0, 0, 0x7f7464b5db70, NULL,
		     PB_FRAME_USER);
	rec = run_next(&r);
	assert_string_equal(rec->event, "print");
	assert_field(rec, "buf", "marker");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

static void test_interleaved_cpus(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "              sh-106     [000] .....     1.000001: cma_alloc_start: name=a count=1 align=0\n"
		 "             cat-200     [001] .....     1.000002: cma_release: name=b pfn=0x1 page=0 count=1\n"
		 "              sh-106     [000] .....     1.000003: <stack trace>\n"
		 " => cma_alloc\n"
		 "             cat-200     [001] .....     1.000004: <stack trace>\n"
		 " => cma_release\n"
		 " => free_it\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_start");
	assert_int_equal(rec->nframes, 1);
	assert_string_equal(rec->frames[0].symbol, "cma_alloc");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_release");
	assert_int_equal(rec->nframes, 2);
	assert_string_equal(rec->frames[1].symbol, "free_it");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A stack seen before is handed over as the frames parsed the first time,
 * under the same frames_key; another stack of the same length, the same
 * frames as a user stack (of the same record), and a stack too long to
 * keep get keys (or none) of their own, and every record still gets its
 * own frames. */
static void test_repeated_stacks(void **state)
{
	static char text[32768];
	struct parse_run r;
	struct pb_record *rec;
	uint64_t first, other;
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "%s",
		 "sh-1 [000] ..... 1.000001: cma_alloc_start: name=a count=1 align=0\n"
		 "sh-1 [000] ..... 1.000002: <stack trace>\n"
		 " => foo+0x1/0x2\n"
		 " => common+0x10/0x20\n"
		 "sh-1 [000] ..... 1.000003: cma_alloc_start: name=b count=1 align=0\n"
		 "sh-1 [000] ..... 1.000004: <stack trace>\n"
		 " => bar+0x1/0x2\n"
		 " => common+0x10/0x20\n"
		 "sh-1 [000] ..... 1.000005: cma_alloc_start: name=c count=1 align=0\n"
		 "sh-1 [000] ..... 1.000006: <stack trace>\n"
		 " => foo+0x1/0x2\n"
		 " => common+0x10/0x20\n"
		 "sh-1 [000] ..... 1.000007: cma_alloc_start: name=d count=1 align=0\n"
		 "sh-1 [000] ..... 1.000008: <stack trace>\n"
		 " => foo+0x1/0x2\n"
		 " => common+0x10/0x20\n"
		 "sh-1 [000] ..... 1.000008: <user stack trace>\n"
		 " => foo+0x1/0x2\n"
		 " => common+0x10/0x20\n");
	for (int rep = 0; rep < 2; rep++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n,
			 "sh-1 [000] ..... 2.00000%d: cma_alloc_start: name=long count=1 align=0\n"
			 "sh-1 [000] ..... 2.00000%d: <stack trace>\n", rep, rep);
		for (int i = 0; i < 200; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      " => deep_function_number_%03d+0x10/0x20\n", i);
	}
	run_open(&r, PB_FMT_FTRACE, text);
	rec = run_next(&r);
	first = rec->frames_key;
	assert_int_not_equal(first, 0);
	assert_frame(&rec->frames[0], "foo", 1, 2, 0, NULL, 0);
	rec = run_next(&r);
	other = rec->frames_key;
	assert_int_not_equal(other, 0);
	assert_int_not_equal(other, first);
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[0], "bar", 1, 2, 0, NULL, 0);
	rec = run_next(&r);
	assert_int_equal(rec->frames_key, first);
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[0], "foo", 1, 2, 0, NULL, 0);
	assert_frame(&rec->frames[1], "common", 0x10, 0x20, 0, NULL, 0);
	/* the same text as kernel and as user stack of one record */
	rec = run_next(&r);
	assert_int_equal(rec->frames_key, first);
	assert_int_not_equal(rec->uframes_key, 0);
	assert_int_not_equal(rec->uframes_key, first);
	assert_int_not_equal(rec->uframes_key, other);
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[0], "foo", 1, 2, 0, NULL, 0);
	assert_int_equal(rec->nuframes, 2);
	assert_frame(&rec->uframes[0], "foo", 1, 2, 0, NULL, PB_FRAME_USER);
	assert_frame(&rec->uframes[1], "common", 0x10, 0x20, 0, NULL, PB_FRAME_USER);
	for (int rep = 0; rep < 2; rep++) {
		rec = run_next(&r);
		assert_int_equal(rec->frames_key, 0);
		assert_int_equal(rec->nframes, 200);
		assert_frame(&rec->frames[199], "deep_function_number_199", 0x10, 0x20, 0, NULL, 0);
	}
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Forty stacks of one depth taken in turn, three times over: each is
 * parsed once (its key stays), however their signatures fall in the
 * memo's sets. */
static void test_hot_stacks_stay(void **state)
{
	static char text[65536];
	uint64_t keys[40];
	struct parse_run r;
	struct pb_record *rec;
	size_t n = 0;

	(void)state;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 40; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
				"sh-1 [000] ..... %d.%06d: cma_alloc_start: name=a count=1 align=0\n"
				"sh-1 [000] ..... %d.%06d: <stack trace>\n"
				" => path_%02d_leaf+0x1/0x2\n"
				" => path_%02d_mid+0x1/0x2\n"
				" => common_root+0x10/0x20\n",
				round + 1, 2 * i, round + 1, 2 * i + 1, i, i);
	run_open(&r, PB_FMT_FTRACE, text);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 40; i++) {
			char leaf[32];

			rec = run_next(&r);
			snprintf(leaf, sizeof(leaf), "path_%02d_leaf", i);
			assert_int_equal(rec->nframes, 3);
			assert_string_equal(rec->frames[0].symbol, leaf);
			if (round == 0)
				keys[i] = rec->frames_key;
			else
				assert_int_equal(rec->frames_key, keys[i]);
		}
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The kernel stack of the next record of R is frames a, b, ... (N of
 * them), a+0x1/0x2, b+0x3/0x4, ... */
static void next_has_abc(struct parse_run *r, size_t n)
{
	static const char *const names[] = { "a", "b", "c", "d" };
	struct pb_record *rec = run_next(r);

	assert_int_equal(rec->nframes, n);
	for (size_t i = 0; i < n; i++)
		assert_frame(&rec->frames[i], names[i], 2 * i + 1, 2 * i + 2, 0, NULL, 0);
}

/* The same run of frame lines, three times over, read on the parser's
 * thread (THREAD 0) or on the reading thread: each time it gives the
 * frames its lines give, however it was read before; with an empty frame
 * the empty one is counted each time; with CRLF ends, one frame more, as
 * a user stack or with no stack header, each its own. */
static void run_repeated_frame_runs(const char *thread)
{
	static const char abc[] = " => a+0x1/0x2\n => b+0x3/0x4\n\t=> c+0x5/0x6\n";
	struct pb_buf text = { 0 };
	struct parse_run r;
	struct pb_record *rec;

	for (int rep = 0; rep < 3; rep++) {
		pb_buf_addf(&text, "sh-1 [000] ..... %d.000001: cma_alloc_start: name=a count=1 align=0\n"
			    "sh-1 [000] ..... %d.000002: <stack trace>\n%s", rep + 1, rep + 1, abc);
		pb_buf_addf(&text, "sh-1 [000] ..... %d.000003: cma_alloc_start: name=b count=1 align=0\n"
			    "sh-1 [000] ..... %d.000004: <stack trace>\n"
			    " => a+0x1/0x2\n =>\n => b+0x3/0x4\n", rep + 1, rep + 1);
		pb_buf_addf(&text, "sh-1 [000] ..... %d.000005: cma_alloc_start: name=c count=1 align=0\n"
			    "sh-1 [000] ..... %d.000006: <stack trace>\n"
			    " => a+0x1/0x2\r\n => b+0x3/0x4\r\n\t=> c+0x5/0x6\r\n", rep + 1, rep + 1);
		pb_buf_addf(&text, "sh-1 [000] ..... %d.000007: cma_alloc_start: name=d count=1 align=0\n"
			    "sh-1 [000] ..... %d.000008: <stack trace>\n%s => d+0x7/0x8\n",
			    rep + 1, rep + 1, abc);
		pb_buf_addf(&text, "sh-1 [000] ..... %d.000009: cma_alloc_start: name=e count=1 align=0\n%s",
			    rep + 1, abc);
		pb_buf_addf(&text, "sh-1 [000] ..... %d.000010: cma_alloc_start: name=f count=1 align=0\n"
			    "sh-1 [000] ..... %d.000011: <user stack trace>\n%s", rep + 1, rep + 1, abc);
	}
	assert_int_equal(setenv("PINBLAME_LINE_THREAD", thread, 1), 0);
	run_open(&r, PB_FMT_FTRACE, text.data);
	for (int rep = 0; rep < 3; rep++) {
		next_has_abc(&r, 3);
		next_has_abc(&r, 2);	/* the empty frame counted */
		next_has_abc(&r, 3);	/* CRLF */
		next_has_abc(&r, 4);
		rec = run_next(&r);	/* no stack header: an orphan run */
		assert_int_equal(rec->nframes + rec->nuframes, 0);
		rec = run_next(&r);
		assert_int_equal(rec->nframes, 0);
		assert_int_equal(rec->nuframes, 3);
		for (size_t i = 0; i < 3; i++)
			assert_frame(&rec->uframes[i], (const char[][2]){ "a", "b", "c" }[i],
				     2 * i + 1, 2 * i + 2, 0, NULL, PB_FRAME_USER);
	}
	run_end(&r);
	assert_int_equal(unsetenv("PINBLAME_LINE_THREAD"), 0);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 3);
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 3);
	assert_int_equal(run_bad_total(&r), 6);
	/* 30 lines a round; the last orphan run is the third round's 23rd */
	assert_int_equal(r.last_bad_line, 2 * 30 + 23);
	run_close(&r);
	pb_buf_free(&text);
}

static void test_repeated_frame_runs_read_here(void **state)
{
	(void)state;
	run_repeated_frame_runs("0");
}

static void test_repeated_frame_runs_read_ahead(void **state)
{
	(void)state;
	run_repeated_frame_runs("1");
	run_repeated_frame_runs("2");	/* every line looked at ahead */
}

/* A run the memo has, arriving when the queue holds its events' text up
 * to 3000 bytes short of its limit (4 MiB): taken whole it would carry the
 * queue past the limit, so it is read a line at a time as without the
 * memo, and the waiting event leaves in its middle (its last frames are
 * then an orphan block). THREAD and MEMO: the two environment switches.
 * Returns the frames of the waiting event, and counts the orphans. */
static size_t read_run_at_held_limit(const char *thread, const char *memo, unsigned *orphans)
{
	/* held text of an event: comm, event name and body, each with a NUL */
	const size_t waiting = sizeof("lonely") + sizeof("cma_alloc_start") +
			       sizeof("name=x count=1 align=0");
	const size_t held_max = 4u << 20, big = 450000;
	size_t last = held_max - 3000 - waiting - 9 * (big + 10) - 10, n;
	struct pb_buf text = { 0 }, run = { 0 };
	struct parse_run r;
	struct pb_record *rec;

	for (int i = 0; i < 150; i++)	/* 150 lines of 39 bytes */
		pb_buf_addf(&run, " => deep_function_number_%03d+0x10/0x20\n", i);
	pb_buf_addf(&text, "  sh-1 [000] ..... 1.000000: cma_alloc_start: name=r count=1 align=0\n"
		    "  sh-1 [000] ..... 1.000001: <stack trace>\n%s", run.data);
	pb_buf_adds(&text, "  lonely-7 [001] ..... 2.000000: cma_alloc_start: name=x count=1 align=0\n");
	for (int i = 0; i < 10; i++) {
		pb_buf_addf(&text, "  busy-8 [000] ..... %d.500000: big: k=", i + 2);
		for (size_t b = 2; b < (i < 9 ? big : last); b++)
			pb_buf_addc(&text, 'x');
		pb_buf_addc(&text, '\n');
	}
	pb_buf_addf(&text, "  lonely-7 [001] ..... 12.000000: <stack trace>\n%s", run.data);
	assert_int_equal(setenv("PINBLAME_LINE_THREAD", thread, 1), 0);
	assert_int_equal(setenv("PINBLAME_RUN_MEMO", memo, 1), 0);
	run_open(&r, PB_FMT_FTRACE, text.data);
	assert_int_equal(run_next(&r)->nframes, 150);	/* the run, first seen */
	rec = run_next(&r);
	assert_string_equal(rec->comm, "lonely");
	n = rec->nframes;
	for (int i = 0; i < 10; i++)
		assert_string_equal(run_next(&r)->event, "big");
	run_end(&r);
	assert_int_equal(unsetenv("PINBLAME_LINE_THREAD"), 0);
	assert_int_equal(unsetenv("PINBLAME_RUN_MEMO"), 0);
	*orphans = r.bad[PB_BAD_ORPHAN_STACK];
	run_close(&r);
	pb_buf_free(&text);
	pb_buf_free(&run);
	return n;
}

static void test_run_past_the_held_limit_is_read_a_line_at_a_time(void **state)
{
	unsigned orphans, with_memo_orphans;
	size_t frames = read_run_at_held_limit("0", "0", &orphans);

	(void)state;
	/* 3000 bytes of room: 76 frames of 39 bytes fit, the 77th is taken and
	 * carries the queue past its limit, and the event leaves */
	assert_int_equal(frames, 77);
	assert_int_equal(orphans, 1);
	assert_int_equal(read_run_at_held_limit("0", "1", &with_memo_orphans), frames);
	assert_int_equal(with_memo_orphans, 1);
	assert_int_equal(read_run_at_held_limit("2", "1", &with_memo_orphans), frames);
	assert_int_equal(with_memo_orphans, 1);
}

/* Stacks with no event of their pid and CPU, or after the next event of
 * the CPU, are reported once per block and attached to nothing. */
static void test_orphan_stacks(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 " => leftover_from_before\n"
		 " => second_frame\n"
		 "              sh-106     [000] .....     1.000001: cma_alloc_start: name=a count=1 align=0\n"
		 "             cat-295     [000] d....     1.000002: <stack trace>\n"
		 " => kprobe_trace_func\n"
		 "              sh-106     [000] .....     1.000003: cma_alloc_finish: name=a pfn=0x1 page=0 count=1 align=0\n"
		 "              sh-106     [000] .....     1.000004: cma_release: name=a pfn=0x1 page=0 count=1\n"
		 "              sh-106     [000] .....     1.000005: <stack trace>\n"
		 " => cma_release\n"
		 "              sh-106     [000] .....     1.000006: <stack trace>\n"
		 " => again\n");
	for (int i = 0; i < 3; i++) {
		rec = run_next(&r);
		assert_int_equal(rec->nframes, i == 2);
	}
	run_end(&r);
	/* lines 1, 4 and 10 (a second stack for the same event) */
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 3);
	assert_int_equal(run_bad_total(&r), 3);
	assert_int_equal(r.last_bad_line, 10);
	run_close(&r);
}

/* More events waiting than the queue holds: the oldest leaves, the order
 * stays, and a stack arriving for it afterwards is an orphan. */
static void test_long_wait(void **state)
{
	struct pb_buf text = { 0 };
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	pb_buf_adds(&text, "  lonely-7 [001] ..... 0.500000: cma_alloc_start: name=x count=1 align=0\n");
	for (int i = 0; i < 100; i++)
		pb_buf_addf(&text, "  busy-8 [000] ..... %d.000000: cma_release: name=y pfn=0x%x page=0 count=1\n",
			    i + 1, i);
	pb_buf_adds(&text, "  lonely-7 [001] ..... 200.000000: <stack trace>\n => too_late\n");
	run_open(&r, PB_FMT_FTRACE, text.data);
	rec = run_next(&r);
	assert_string_equal(rec->comm, "lonely");
	assert_int_equal(rec->nframes, 0);
	for (int i = 0; i < 100; i++) {
		rec = run_next(&r);
		assert_int_equal(rec->line, (uint64_t)i + 2);
	}
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 1);
	run_close(&r);
	pb_buf_free(&text);
}

/* Events held back may hold at most a few megabytes of text: past that
 * the oldest leaves early, like when the queue is full. */
static void test_held_bytes(void **state)
{
	struct pb_buf text = { 0 }, body = { 0 };
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	for (int i = 0; i < 500000 / 10; i++)
		pb_buf_adds(&body, "k=0123456 ");
	pb_buf_adds(&text, "  lonely-7 [001] ..... 0.500000: cma_alloc_start: name=x count=1 align=0\n");
	for (int i = 0; i < 10; i++)
		pb_buf_addf(&text, "  busy-8 [000] ..... %d.000000: big: %s\n", i + 1, body.data);
	pb_buf_adds(&text, "  lonely-7 [001] ..... 20.000000: <stack trace>\n => too_late\n");
	run_open(&r, PB_FMT_FTRACE, text.data);
	rec = run_next(&r);
	assert_string_equal(rec->comm, "lonely");
	assert_int_equal(rec->nframes, 0);
	for (int i = 0; i < 10; i++) {
		rec = run_next(&r);
		assert_string_equal(rec->event, "big");
		assert_int_equal(rec->nfields, 50000);
	}
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 1);
	run_close(&r);
	pb_buf_free(&text);
	pb_buf_free(&body);
}

static void test_bad_lines(void **state)
{
	static const char input[] =
		"this is not a trace line\n"
		"              sh-106     [000] .....     6.84x3004: cma_alloc_start: name=a\n"
		"              sh-106     [000] .....     6.843004 cma_alloc_start: name=a\n"
		"              sh-106     [000] .....     6.843004: <stack thing>\n"
		"\x01\x02\x03 binary\x7f junk\n"
		"bin\0ary-1 [000] ..... 1.0: x: y\n"
		"              sh-106     [000] .....     7.000000: cma_alloc_start: name=ok\n"
		"              sh-106     [000] .....     7.000001: <stack trace>\n"
		" => \n"
		" => \0frame\n"
		" => good_frame\n";
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	memset(&r, 0, sizeof(r));
	run_open_input(&r, PB_FMT_FTRACE,
		       pb_input_open_memory(input, sizeof(input) - 1, "test"));
	rec = run_next(&r);
	assert_int_equal(rec->line, 7);
	assert_field(rec, "name", "ok");
	assert_int_equal(rec->nframes, 1);
	assert_string_equal(rec->frames[0].symbol, "good_frame");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 4);	/* lines 1, 3, 4, 9 */
	assert_int_equal(r.bad[PB_BAD_TIMESTAMP], 1);	/* line 2 */
	assert_int_equal(r.bad[PB_BAD_BINARY], 3);	/* lines 5, 6, 10 */
	assert_int_equal(run_bad_total(&r), 8);
	run_close(&r);
}

/* --strict: the callback stops the parser at the first bad line */
static void test_stop_on_bad_line(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "              sh-106     [000] .....     7.000000: cma_alloc_start: name=ok\n"
		 "garbage\n"
		 "              sh-106     [000] .....     8.000000: cma_alloc_start: name=later\n");
	r.stop_on_bad = 1;
	assert_int_equal(pb_parser_next(r.p, &rec), -1);
	assert_int_equal(pb_parser_error_line(r.p), 2);
	assert_string_equal(pb_parser_strerror(r.p), "syntax");
	run_close(&r);
}

static void test_too_long(void **state)
{
	struct pb_buf text = { 0 };
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	pb_buf_adds(&text, "  sh-1 [000] ..... 1.000000: print: ");
	for (size_t i = 0; i < PB_LINE_MAX / 64 + 1; i++)
		pb_buf_adds(&text, "0123456789012345678901234567890123456789012345678901234567890123");
	pb_buf_adds(&text, "\n  sh-1 [000] ..... 2.000000: cma_alloc_start: name=after\n");
	pb_buf_adds(&text, "  sh-1 [000] ..... 2.000001: <stack trace>\n => ");
	for (int i = 0; i < 8200 / 8; i++)
		pb_buf_adds(&text, "longname");
	pb_buf_adds(&text, "\n");
	for (int i = 0; i < 1030; i++)
		pb_buf_adds(&text, " => deep\n");
	run_open(&r, PB_FMT_FTRACE, text.data);
	rec = run_next(&r);
	assert_int_equal(rec->line, 2);
	assert_int_equal(rec->nframes, 1024);
	run_end(&r);
	/* the long line, the frame longer than 8192, each frame beyond 1024 */
	assert_int_equal(r.bad[PB_BAD_TOO_LONG], 1 + 1 + 6);
	assert_int_equal(run_bad_total(&r), 8);
	run_close(&r);
	pb_buf_free(&text);
}

/* A cut xz file: the records before the cut, then an input error with
 * its line instead of a silent end. */
static void test_truncated_input(void **state)
{
	static char data[100000];
	char path[4096];
	struct parse_run r;
	struct pb_record *rec;
	unsigned long records = 0;
	FILE *f;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/real/arm64-ftrace-hugetlb-cma/trace.txt.xz",
		 unit_testdata());
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(data, 1, sizeof(data), f), sizeof(data));
	fclose(f);
	memset(&r, 0, sizeof(r));
	run_open_input(&r, PB_FMT_FTRACE, pb_input_open_memory(data, sizeof(data), "cut.xz"));
	while ((rc = pb_parser_next(r.p, &rec)) == 1)
		records++;
	assert_int_equal(rc, -1);
	assert_true(records > 1000);
	assert_true(pb_parser_error_line(r.p) > records);
	assert_non_null(strstr(pb_parser_strerror(r.p), "xz"));
	/* the cut is not a bad line; the 4 orphan stacks come before it */
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 0);
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 4);
	run_close(&r);
}

static void test_empty_input(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_FTRACE, "# tracer: nop\n#\n");
	run_end(&r);
	run_end(&r);
	run_close(&r);
}

/* testdata/real/arm64-ftrace-hugetlb-cma: counts of its README */
static void test_arm64_capture_events_frames_and_orphan_stacks_as_grep_counts(void **state)
{
	struct event_count counts[] = {
		{ "cma:cma_alloc_start", 0 }, { "cma:cma_alloc_finish", 0 },
		{ "cma:cma_alloc_busy_retry", 0 }, { "cma:cma_release", 0 },
		{ "migrate:mm_migrate_pages", 0 }, { "page_isolation:test_pages_isolated", 0 },
		{ "kprobes:try_grab_folio", 0 }, { "kprobes:generic_file_splice_read", 0 },
		{ "ftrace:print", 0 }, { NULL, 0 },
	};
	unsigned long records = 0, frames = 0, migrate_failed = 0, isolate_fail = 0;
	unsigned long cma_failed = 0;
	struct parse_run r;
	struct pb_record *rec;
	uint64_t v;
	int rc;

	(void)state;
	run_open_file(&r, PB_FMT_UNKNOWN, "real/arm64-ftrace-hugetlb-cma/trace.txt.xz");
	assert_int_equal(pb_parser_format(r.p), PB_FMT_FTRACE);
	while ((rc = pb_parser_next(r.p, &rec)) == 1) {
		char name[128];

		records++;
		frames += rec->nframes;
		snprintf(name, sizeof(name), "%s:%s", rec->system, rec->event);
		for (struct event_count *c = counts; c->name; c++)
			if (!strcmp(c->name, name))
				c->n++;
		if (!strcmp(rec->event, "mm_migrate_pages") &&
		    pb_record_u64(rec, "nr_failed", &v) == 0 && v > 0)
			migrate_failed++;
		if (!strcmp(rec->event, "test_pages_isolated") &&
		    !strcmp(pb_record_field(rec, "ret"), "fail"))
			isolate_fail++;
		if (!strcmp(rec->event, "cma_alloc_finish") &&
		    !strcmp(pb_record_field(rec, "page"), "0000000000000000")) {
			cma_failed++;
			if (cma_failed == 1) {
				/* grep -n -m1 'cma_alloc_finish: .*page=0000000000000000' */
				assert_int_equal(rec->line, 174659);
				assert_int_equal(rec->ts_ns, 41589960000);
				assert_string_equal(rec->frames[1].symbol, "cma_alloc");
			}
		}
		if (rec->line == 4491642) {
			/* the io_uring long-term pin: grep -n 'reason=longterm_pin$' */
			assert_string_equal(rec->event, "mm_migrate_pages");
			assert_field(rec, "nr_failed", "18");
			assert_string_equal(rec->frames[4].symbol, "pin_user_pages");
			assert_string_equal(rec->frames[5].symbol, "io_pin_pages");
		}
	}
	assert_int_equal(rc, 0);
	/* T='xz -dc trace.txt.xz'; $T | grep -c ': cma_alloc_start: ' and so on */
	assert_int_equal(count_of(counts, "cma:cma_alloc_start"), 28);
	assert_int_equal(count_of(counts, "cma:cma_alloc_finish"), 28);
	assert_int_equal(count_of(counts, "cma:cma_alloc_busy_retry"), 128);
	assert_int_equal(count_of(counts, "cma:cma_release"), 24);
	assert_int_equal(count_of(counts, "migrate:mm_migrate_pages"), 89935);
	assert_int_equal(count_of(counts, "page_isolation:test_pages_isolated"), 632);
	assert_int_equal(count_of(counts, "kprobes:try_grab_folio"), 40304);
	assert_int_equal(count_of(counts, "kprobes:generic_file_splice_read"), 15952);
	/* $T | grep -c ': tracing_mark_write: ' */
	assert_int_equal(count_of(counts, "ftrace:print"), 8);
	/* $T | grep ': mm_migrate_pages: ' | grep -vc 'nr_failed=0 ' */
	assert_int_equal(migrate_failed, 1244);
	/* $T | grep -c 'test_pages_isolated: .*ret=fail' */
	assert_int_equal(isolate_fail, 604);
	/* $T | grep -c 'cma_alloc_finish: .*page=0000000000000000' */
	assert_int_equal(cma_failed, 4);
	/* $T | grep -vc -e '^#' -e '^ => ' -e ': <stack trace>$' */
	assert_int_equal(records, 332192);
	/* every frame but those of the 4 stacks of filtered-out kprobe hits
	 * (comm cat, no event of their own):
	 * $T | awk '/: <stack trace>$/ {o = ($1 ~ /^cat-/)} /^ => / && !o {n++} END {print n}' */
	assert_int_equal(frames, 3979084);
	/* $T | grep -n 'cat-[0-9]* .*<stack trace>' -> lines 551 572 677 698 */
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 4);
	assert_int_equal(r.last_bad_line, 698);
	assert_int_equal(run_bad_total(&r), 4);
	assert_string_equal(pb_parser_meta(r.p, "cpus"), "2");
	assert_string_equal(pb_parser_meta(r.p, "entries"), "513104");
	run_close(&r);
}

/* testdata/real/amd64-ftrace-gigantic-nocma: counts of its README */
static void test_amd64_capture_failed_migrations_by_reason_as_grep_counts(void **state)
{
	static const char *const reasons[] = { "contig_range", "compaction", "memory_hotplug",
					       "longterm_pin" };
	unsigned long failed_events[4] = { 0 }, failed_pages[4] = { 0 };
	struct event_count counts[] = {
		{ "migrate:mm_migrate_pages", 0 }, { "migrate:mm_migrate_pages_start", 0 },
		{ "page_isolation:test_pages_isolated", 0 },
		{ "compaction:mm_compaction_isolate_migratepages", 0 },
		{ "compaction:mm_compaction_isolate_freepages", 0 },
		{ "compaction:mm_compaction_finished", 0 },
		{ "compaction:mm_compaction_migratepages", 0 },
		{ "compaction:mm_compaction_begin", 0 },
		{ "kprobes:try_grab_folio", 0 }, { "kprobes:generic_file_splice_read", 0 },
		{ NULL, 0 },
	};
	unsigned long records = 0, probe_stacks = 0;
	struct parse_run r;
	struct pb_record *rec;
	uint64_t v;
	int rc;

	(void)state;
	run_open_file(&r, PB_FMT_FTRACE, "real/amd64-ftrace-gigantic-nocma/trace.txt.xz");
	while ((rc = pb_parser_next(r.p, &rec)) == 1) {
		char name[128];

		records++;
		snprintf(name, sizeof(name), "%s:%s", rec->system, rec->event);
		for (struct event_count *c = counts; c->name; c++)
			if (!strcmp(c->name, name))
				c->n++;
		if (!strcmp(rec->event, "try_grab_folio") && rec->nframes) {
			probe_stacks++;
			/* x86 ftrace-based kprobes: the stack starts in the handler */
			assert_string_equal(rec->frames[2].symbol, "kprobe_ftrace_handler");
			assert_int_equal(rec->frames[3].addr, 0xffffffffc02070c8);
		}
		if (strcmp(rec->event, "mm_migrate_pages") ||
		    pb_record_u64(rec, "nr_failed", &v) < 0 || v == 0)
			continue;
		for (int i = 0; i < 4; i++) {
			if (!strcmp(pb_record_field(rec, "reason"), reasons[i])) {
				failed_events[i]++;
				failed_pages[i] += v;
			}
		}
	}
	assert_int_equal(rc, 0);
	/* T='xz -dc trace.txt.xz'; $T | grep -c ': mm_migrate_pages: ' and so on */
	assert_int_equal(count_of(counts, "migrate:mm_migrate_pages"), 5495);
	assert_int_equal(count_of(counts, "migrate:mm_migrate_pages_start"), 5495);
	assert_int_equal(count_of(counts, "page_isolation:test_pages_isolated"), 2);
	assert_int_equal(count_of(counts, "compaction:mm_compaction_isolate_migratepages"), 7362);
	assert_int_equal(count_of(counts, "compaction:mm_compaction_isolate_freepages"), 2654);
	assert_int_equal(count_of(counts, "compaction:mm_compaction_finished"), 737);
	assert_int_equal(count_of(counts, "compaction:mm_compaction_migratepages"), 630);
	assert_int_equal(count_of(counts, "compaction:mm_compaction_begin"), 3);
	assert_int_equal(count_of(counts, "kprobes:try_grab_folio"), 30576);
	assert_int_equal(count_of(counts, "kprobes:generic_file_splice_read"), 9472);
	/* $T | grep ': mm_migrate_pages: ' | grep "reason=$R\$" | grep -vc 'nr_failed=0 '
	 * and the sum of nr_failed over those lines (sed + awk) */
	assert_int_equal(failed_events[0], 3);
	assert_int_equal(failed_pages[0], 3);
	assert_int_equal(failed_events[1], 15);
	assert_int_equal(failed_pages[1], 98);
	assert_int_equal(failed_events[2], 36);
	assert_int_equal(failed_pages[2], 30010);
	assert_int_equal(failed_events[3], 1);
	assert_int_equal(failed_pages[3], 64);
	/* README: only the first 100 hits of each probe carry a stack */
	assert_int_equal(probe_stacks, 100);
	/* $T | grep -vc -e '^#' -e '^ => ' -e ': <stack trace>$' */
	assert_int_equal(records, 62444);
	/* four stacks of filtered-out splice probe hits by cat (lines 829 840 851 862) */
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 4);
	assert_int_equal(run_bad_total(&r), 4);
	run_close(&r);
}

/* samples/ftrace-6.6-page_ref-cma_errorno.txt (synthetic, scenario A) */
static void test_page_ref_events_keep_errorno_and_module_frames(void **state)
{
	struct event_count counts[] = {
		{ "page_ref:page_ref_mod", 0 }, { "page_ref:page_ref_mod_unless", 0 },
		{ "page_ref:page_ref_mod_and_test", 0 }, { "page_ref:page_ref_freeze", 0 },
		{ "cma:cma_alloc_finish", 0 }, { NULL, 0 },
	};
	unsigned long nvidia = 0;
	struct parse_run r;
	struct pb_record *rec;
	int rc;

	(void)state;
	run_open_file(&r, PB_FMT_FTRACE, "samples/ftrace-6.6-page_ref-cma_errorno.txt");
	while ((rc = pb_parser_next(r.p, &rec)) == 1) {
		char name[128];

		snprintf(name, sizeof(name), "%s:%s", rec->system, rec->event);
		for (struct event_count *c = counts; c->name; c++)
			if (!strcmp(c->name, name))
				c->n++;
		for (size_t i = 0; i < rec->nframes; i++)
			if (rec->frames[i].module && !strcmp(rec->frames[i].module, "nvidia"))
				nvidia++;
		if (!strcmp(rec->event, "cma_alloc_finish")) {
			assert_field(rec, "errorno", "-16");
			assert_int_equal(rec->ts_ns, 4120550310000);
		}
	}
	assert_int_equal(rc, 0);
	/* grep -c ': page_ref_mod: ' and so on */
	assert_int_equal(count_of(counts, "page_ref:page_ref_mod"), 4);
	assert_int_equal(count_of(counts, "page_ref:page_ref_mod_unless"), 4);
	assert_int_equal(count_of(counts, "page_ref:page_ref_mod_and_test"), 5);
	assert_int_equal(count_of(counts, "page_ref:page_ref_freeze"), 4);
	assert_int_equal(count_of(counts, "cma:cma_alloc_finish"), 1);
	/* grep -c '^ => .*\[nvidia\]$' */
	assert_int_equal(nvidia, 18);
	assert_int_equal(run_bad_total(&r), 0);
	assert_string_equal(pb_parser_meta(r.p, "cpus"), "8");
	run_close(&r);
}

/* include/trace/events/cma.h prints "pfn=%lx" (no 0x) in cma_alloc and
 * cma_release up to 5.12, in cma_alloc_finish / cma_alloc_busy_retry of
 * 5.13, Android 5.10 and vendor 4.19 trees: the value is hex, and the
 * parser gives it its 0x. Lines written from those format strings. */
static void test_cma_pfn_without_0x_is_hex(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n"
		 "              sh-412   [001] ....   102.500400: cma_alloc: pfn=b2c00 page=(null) count=1024 align=8\n"
		 "              sh-412   [001] ....   102.600000: cma_alloc_busy_retry: pfn=102000 page=ffffffbf04080000 count=16 align=4\n"
		 "              sh-412   [001] ....   102.700000: cma_alloc_finish: name=linux,cma pfn=ffffffffffffffff page=0000000000000000 count=16 align=4\n"
		 "              sh-412   [001] ....   102.800000: cma_release: pfn=B2C00 page=00000000c0ffee11 count=1024\n"
		 "              sh-412   [001] ....   102.900000: cma_alloc_finish: name=linux,cma pfn=0x102000 page=fffffc0003000000 count=16 align=4\n"
		 "              sh-412   [001] ....   103.000000: test_pages_isolated: start_pfn=0xb2800 end_pfn=0xb2c00 fin_pfn=0xb2a13 ret=fail\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc");
	assert_field(rec, "pfn", "0xb2c00");
	assert_field(rec, "count", "1024");
	rec = run_next(&r);
	assert_field(rec, "pfn", "0x102000");
	assert_field(rec, "count", "16");
	rec = run_next(&r);
	assert_field(rec, "pfn", "0xffffffffffffffff");
	rec = run_next(&r);
	assert_field(rec, "pfn", "0xB2C00");
	rec = run_next(&r);
	assert_field(rec, "pfn", "0x102000");
	rec = run_next(&r);
	assert_field(rec, "start_pfn", "0xb2800");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Event lines pasted without the task and CPU columns: events of an
 * unknown task (pid -1, no comm), their stacks attached. */
static void test_fragment_lines_have_unknown_task(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "\t279.814717: cma_alloc_start: name=reserved request_count=4 available_count=100 total_count=1024 align=2\n"
		 "\t279.814720: <stack trace>\n"
		 " => cma_alloc\n"
		 " => dma_alloc_contiguous\n"
		 "  279.814901: cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=4 align=2 errorno=-16\n");
	rec = run_next(&r);
	check_context(rec, 1, 279814717000, -1, -1, -1, "", "cma", "cma_alloc_start");
	assert_field(rec, "request_count", "4");
	assert_int_equal(rec->nframes, 2);
	assert_string_equal(rec->frames[0].symbol, "cma_alloc");
	rec = run_next(&r);
	check_context(rec, 5, 279814901000, -1, -1, -1, "", "cma", "cma_alloc_finish");
	assert_field(rec, "errorno", "-16");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A time is what makes a fragment: without one (the trace option
 * nocontext-info) the line still stops the import as before, and a bare
 * count before the colon is not taken for a time. */
static void test_fragment_needs_a_time(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "\t279.814717 cma_alloc_start: name=reserved count=4\n"
		 "  279814717: cma_alloc_start: name=reserved count=4\n"
		 "  279.814717: not an event\n");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 3);
	run_close(&r);
}

/* The function_graph tracer prints an event as a comment after its own
 * columns (print_graph_comment(), print_graph_prologue()): funcgraph-abstime
 * "%5lu.%06lu |  ", funcgraph-cpu " %*d) ", funcgraph-proc "comm-pid"
 * centred in 14 columns then " | ", the latency flags " d..1. | " (no
 * " | " in older kernels), the empty duration "              |  " and the
 * indentation; a stack's comment closes after its last frame. Its own
 * lines (entries, exits, task switch banners) are no events and no bad
 * lines. */
static void test_function_graph_comments_are_events(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: function_graph\n"
		 "  102.500100 |   1)    sh-412     |               |  cma_alloc() {\n"
		 "  102.500101 |   1)    sh-412     |               |    /* cma_alloc_start: name=reserved count=1024 align=8 */\n"
		 "  102.500102 |   1)    sh-412     |  d..1.  |               |    /* <stack trace>\n"
		 " => __cma_alloc+0x2c/0x480\n"
		 " => cma_alloc+0x18/0x30 */\n"
		 "  102.500103 |   1)    sh-412     |  d..1.               |    /* cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=1024 align=8 errorno=-16 */\n"
		 "  102.500200 |   1)    sh-412     | ! 150.123 us  |  }\n"
		 " ------------------------------------------\n"
		 "  1)    sh-412     =>   bash-413   \n"
		 " ------------------------------------------\n"
		 "  102.500300 |   1)   bash-413    |   0.312 us    |  foo();\n"
		 "  102.500400 |   1)   bash-413    |               |  } /* bar */\n");
	rec = run_next(&r);
	check_context(rec, 3, 102500101000, 1, 412, -1, "sh", "cma", "cma_alloc_start");
	assert_string_equal(rec->body, "name=reserved count=1024 align=8");
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[1], "cma_alloc", 0x18, 0x30, 0, NULL, 0);
	rec = run_next(&r);
	check_context(rec, 7, 102500103000, 1, 412, -1, "sh", "cma", "cma_alloc_finish");
	assert_field(rec, "errorno", "-16");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Without funcgraph-abstime an event under function_graph has no time:
 * counted as such, never given one. */
static void test_function_graph_event_without_time_is_counted(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: function_graph\n"
		 " 1)               |  /* cma_alloc_start: name=reserved count=1024 align=8 */\n"
		 " 1)   0.312 us    |  foo();\n");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_NO_ABSTIME], 1);
	assert_int_equal(run_bad_total(&r), 1);
	run_close(&r);
}

/* The latency format under the verbose option (trace_print_lat_context()):
 * "%16s %7d %3d %d %08x %08lx " then "[%08llx] %ld.%03ldms (+%ld.%03ldms): "
 * (microseconds in hex) or, with a clock that does not count nanoseconds,
 * "[%016llx] %lld (+%lld): " (the count in hex). */
static void test_verbose_latency_format(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n"
		 "              sh     412   1 1 00000001 00000002 [0005d3f0] 381.936ms (+0.001ms): cma_alloc_start: name=reserved count=1024 align=8\n"
		 "   POSIX timer 0      77   0 0 00000000 00000003 [000000c468300d38] 13494886093248 (+12): cma_alloc_start: name=reserved count=1024 align=8\n"
		 "              sh     412   1 1 00000001 00000004 [00f0000000000000] 67553994410557440 (+1): cma_alloc_start: name=reserved count=1024 align=8\n");
	rec = run_next(&r);
	check_context(rec, 2, 0x5d3f0 * 1000LL, 1, 412, -1, "sh", "cma", "cma_alloc_start");
	rec = run_next(&r);
	check_context(rec, 3, 0xc468300d38LL, 0, 77, -1, "POSIX timer 0", "cma", "cma_alloc_start");
	/* a count past INT64_MAX / 1000 is no microseconds: kept as it is */
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 0xf0000000000000LL);
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "counter");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The function_graph tracer's own lines with the comments its options add
 * after a function: funcgraph-retval "foo(); / * ret=0x0 * /",
 * funcgraph-retaddr, funcgraph-tail "} / * foo * /" (the comment marks
 * written here with a blank inside); no event, no bad line. */
static void test_function_graph_options_lines_are_no_events(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: function_graph\n"
		 " 1)   0.312 us    |  foo(); /* ret=0x0 */\n"
		 " 1)               |  bar() { /* <-baz+0x10/0x30 */\n"
		 " 1) + 12.345 us   |  } /* bar ret=-16 */\n"
		 " 1)   0.100 us    |  qux(a=0x1, b=2);\n"
		 " 1)   ==========> |\n");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* cma_alloc_at_start "name=%s pfn=%lx, request_count=%lu ..." and
 * cma_alloc_at_finish "name=%s pfn=0x%lx page=%p count=%lu errorno=%d"
 * (linux-mm, after the multi-range CMA series): system cma, the pfn hex. */
static void test_cma_alloc_at_events_have_hex_pfns(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_FTRACE,
		 "# tracer: nop\n"
		 "              sh-412   [001] .....   102.500101: cma_alloc_at_start: name=hugetlb pfn=b2800, request_count=512 available_count=1024 total_count=4096\n"
		 "              sh-412   [001] .....   102.500102: cma_alloc_at_finish: name=hugetlb pfn=0xb2800 page=0000000000000000 count=512 errorno=-16\n");
	rec = run_next(&r);
	check_context(rec, 2, 102500101000, 1, 412, -1, "sh", "cma", "cma_alloc_at_start");
	assert_field(rec, "pfn", "0xb2800");
	assert_field(rec, "request_count", "512");
	rec = run_next(&r);
	assert_string_equal(rec->system, "cma");
	assert_field(rec, "pfn", "0xb2800");
	assert_field(rec, "errorno", "-16");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Lazy preemption (6.13+, Linux 7.x kernels) gives trace_print_lat_fmt()
 * four more need-resched letters for TRACE_FLAG_NEED_RESCHED_LAZY: 'l'
 * alone, 'L' with PREEMPT_RESCHED, 'b' with NEED_RESCHED, 'B' with both.
 * In the function_graph tracer's latency column (print_graph_lat_fmt():
 * ' ', the flags, " | ") they are flags like 'N' and 'n'. */
static void test_lazy_preemption_flags_in_function_graph_columns(void **state)
{
	static const char *const flags[] = { "dl.1.", "dL.1.", "db.1.", "dB.1." };

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(flags); i++) {
		char text[512];
		struct parse_run r;
		struct pb_record *rec;

		snprintf(text, sizeof(text),
			 "# tracer: function_graph\n"
			 "  102.500103 |   1)    sh-412     |  %s |               |    /* cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=1024 align=8 errorno=-16 */\n",
			 flags[i]);
		run_open(&r, PB_FMT_FTRACE, text);
		rec = run_next(&r);
		check_context(rec, 2, 102500103000, 1, 412, -1, "sh", "cma", "cma_alloc_finish");
		assert_field(rec, "errorno", "-16");
		run_end(&r);
		assert_int_equal(run_bad_total(&r), 0);
		run_close(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_tgid_stack),
		cmocka_unit_test(test_record_header),
		cmocka_unit_test(test_perfetto_header_means_decimal_fields),
		cmocka_unit_test(test_kernel_header_keeps_bare_hex_pfns),
		cmocka_unit_test(test_record_header_page_size),
		cmocka_unit_test(test_no_tgid_sym_offset),
		cmocka_unit_test(test_old_layout),
		cmocka_unit_test(test_columns_variants),
		cmocka_unit_test(test_latency_format),
		cmocka_unit_test(test_marker_with_ip),
		cmocka_unit_test(test_output_option_lines),
		cmocka_unit_test(test_special_lines),
		cmocka_unit_test(test_lost_events_without_count),
		cmocka_unit_test(test_user_stack),
		cmocka_unit_test(test_user_stack_block_gives_user_frames_of_its_event),
		cmocka_unit_test(test_interleaved_cpus),
		cmocka_unit_test(test_repeated_stacks),
		cmocka_unit_test(test_hot_stacks_stay),
		cmocka_unit_test(test_repeated_frame_runs_read_here),
		cmocka_unit_test(test_repeated_frame_runs_read_ahead),
		cmocka_unit_test(test_run_past_the_held_limit_is_read_a_line_at_a_time),
		cmocka_unit_test(test_orphan_stacks),
		cmocka_unit_test(test_long_wait),
		cmocka_unit_test(test_held_bytes),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_stop_on_bad_line),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_truncated_input),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_arm64_capture_events_frames_and_orphan_stacks_as_grep_counts),
		cmocka_unit_test(test_amd64_capture_failed_migrations_by_reason_as_grep_counts),
		cmocka_unit_test(test_page_ref_events_keep_errorno_and_module_frames),
		cmocka_unit_test(test_cma_pfn_without_0x_is_hex),
		cmocka_unit_test(test_fragment_lines_have_unknown_task),
		cmocka_unit_test(test_fragment_needs_a_time),
		cmocka_unit_test(test_function_graph_comments_are_events),
		cmocka_unit_test(test_function_graph_event_without_time_is_counted),
		cmocka_unit_test(test_verbose_latency_format),
		cmocka_unit_test(test_function_graph_options_lines_are_no_events),
		cmocka_unit_test(test_cma_alloc_at_events_have_hex_pfns),
		cmocka_unit_test(test_lazy_preemption_flags_in_function_graph_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
