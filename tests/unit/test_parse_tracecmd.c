/* trace-cmd report text (doc/FORMATS.md section 1). Lines come from the arm64
 * capture's report and from "trace-cmd report -l / -t / --ts-diff / -R"
 * (trace-cmd 3.1.6) run on its trace-v6.dat. */
#include "parse_run.h"

static void test_report_default(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_TRACECMD_REPORT,
		 "cpus=2\n"
		 "              sh-292   [000]     7.032023: print:                tracing_mark_write: RT-PHASE P1-baseline: gigantic hugepages with no page held\n"
		 "              sh-292   [000]     7.117344: cma_alloc_start:      name=hugetlb0 count=8192 align=13\n"
		 "              sh-292   [000]     7.118441: kernel_stack:         <stack trace >\n"
		 "=> cma_alloc (ffff80000839cbf0)\n"
		 "=> alloc_fresh_huge_page (ffff800008350468)\n"
		 "=> el0_svc_common.constprop.0 (ffff8000080287dc)\n"
		 "       holdpages-353   [001]    16.211973: mm_page_alloc_extfrag: [FAILED TO PARSE] pfn=0x191400 alloc_order=1 fallback_order=10 alloc_migratetype=2 fallback_migratetype=1 change_ownership=1\n"
		 "              sh-292   [000]    39.954554: cma_alloc_finish:     name=hugetlb0 pfn=0x13e000 page=(nil) count=8192 align=13\n");
	rec = run_next(&r);
	check_context(rec, 2, 7032023000, 0, 292, -1, "sh", "ftrace", "print");
	assert_int_equal(rec->nfields, 1);
	assert_field(rec, "buf", "RT-PHASE P1-baseline: gigantic hugepages with no page held");
	assert_int_equal(rec->nframes, 0);

	rec = run_next(&r);
	assert_int_equal(rec->line, 3);
	assert_int_equal(rec->ts_ns, 7117344000);
	assert_string_equal(rec->system, "cma");
	assert_string_equal(rec->event, "cma_alloc_start");
	assert_string_equal(rec->body, "name=hugetlb0 count=8192 align=13");
	assert_int_equal(rec->nfields, 3);
	assert_field(rec, "count", "8192");
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[0], "cma_alloc", 0, 0, 0xffff80000839cbf0, NULL, 0);
	assert_frame(&rec->frames[1], "alloc_fresh_huge_page", 0, 0, 0xffff800008350468, NULL, 0);
	assert_frame(&rec->frames[2], "el0_svc_common.constprop.0", 0, 0, 0xffff8000080287dc,
		     NULL, 0);

	rec = run_next(&r);
	assert_int_equal(rec->line, 8);
	assert_int_equal(rec->cpu, 1);
	assert_int_equal(rec->pid, 353);
	assert_string_equal(rec->comm, "holdpages");
	assert_string_equal(rec->system, "kmem");
	assert_string_equal(rec->event, "mm_page_alloc_extfrag");
	assert_int_equal(rec->nfields, 6);
	assert_field(rec, "pfn", "0x191400");
	assert_field(rec, "change_ownership", "1");

	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 39954554000);
	assert_field(rec, "page", "(nil)");
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "cpus"), "2");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* -l (cpu glued to the latency flags), -t (ns), --ts-diff, -R (raw) */
static void test_report_options(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_TRACECMD_REPORT,
		 "version = 6\n"
		 "CPU 1 is empty\n"
		 "cpus=2\n"
		 "      sh-292     0.....     7.117344: cma_alloc_start:      name=hugetlb0 count=8192 align=13\n"
		 "      sh-292     1d..1.     7.118441: kernel_stack:         <stack trace >\n"
		 "=> cma_alloc (ffff80000839cbf0)\n"
		 "      sh-292     0.....     7.118441: kernel_stack:         <stack trace >\n"
		 "=> cma_alloc (ffff80000839cbf0)\n"
		 "              sh-292   [000]     7.117344016: cma_alloc_start:      name=hugetlb0 count=8192 align=13\n"
		 "              sh-292   [000]     7.117344: (+85321) cma_alloc_start:      name=hugetlb0 count=8192 align=13\n"
		 "              sh-292   [000]     7.032023: print:                 ip=tracing_mark_write buf=RT-PHASE P1-baseline: gigantic hugepages\n");
	rec = run_next(&r);
	assert_int_equal(rec->line, 4);
	assert_int_equal(rec->cpu, 0);
	assert_int_equal(rec->pid, 292);
	assert_string_equal(rec->event, "cma_alloc_start");
	/* the stack of CPU 1 (line 5) is not this event's: an orphan */
	assert_int_equal(rec->nframes, 1);
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 7117344016);
	rec = run_next(&r);
	assert_int_equal(rec->line, 10);
	assert_string_equal(rec->event, "cma_alloc_start");
	assert_field(rec, "align", "13");
	rec = run_next(&r);
	assert_string_equal(rec->system, "ftrace");
	assert_string_equal(rec->event, "print");
	/* -R's marker is the text written, as without -R */
	assert_string_equal(rec->body, "RT-PHASE P1-baseline: gigantic hugepages");
	assert_field(rec, "buf", "RT-PHASE P1-baseline: gigantic hugepages");
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "file_version"), "6");
	assert_string_equal(pb_parser_meta(r.p, "cpus"), "2");
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 1);
	assert_int_equal(r.last_bad_line, 5);
	assert_int_equal(run_bad_total(&r), 1);
	run_close(&r);
}

/* -R prints the stack events' fields raw: kernel_stack's size and the
 * bytes of its caller[8] array, user_stack's tgid and the same array
 * (libtraceevent's "ARRAY[" with "%02x" bytes, trace-cmd 3.1.6 on the
 * arm64 capture's trace.dat). No symbol is in them: each is a line not
 * understood, of its own reason, and no event; the events around them
 * are read, their fields raw too (mm_migrate_pages' mode and reason as
 * numbers, test_pages_isolated without ret). */
static void test_raw_stacks_are_lines_not_understood_of_their_own_reason(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_TRACECMD_REPORT,
		 "cpus=2\n"
		 "              sh-292   [000]     7.117344: cma_alloc_start:       name=hugetlb0 count=8192 align=13\n"
		 "              sh-292   [000]     7.118441: kernel_stack:          size=17 caller=ARRAY[f0, cb, 39, 08, 00, 80, ff, ff, 68, 04, 35, 08, 00, 80, ff, ff]\n"
		 "              sh-292   [000]     7.121862: mm_migrate_pages:      succeeded=0 failed=2 thp_succeeded=0 thp_failed=0 thp_split=0 mode=2 reason=6\n"
		 "       holdpages-353   [001]     7.121900: user_stack:            tgid=353 caller=ARRAY[00, 10, 40, 00, 00, 00, 00, 00]\n"
		 "              sh-292   [000]     7.122234: test_pages_isolated:   start_pfn=0x100000 end_pfn=0x102000 fin_pfn=0x100041\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_start");
	assert_int_equal(rec->nframes, 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "mm_migrate_pages");
	assert_field(rec, "mode", "2");
	assert_field(rec, "reason", "6");
	assert_int_equal(rec->nuframes, 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "test_pages_isolated");
	assert_field(rec, "fin_pfn", "0x100041");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_RAW_STACK], 2);
	assert_int_equal(r.last_bad_line, 5);
	assert_int_equal(run_bad_total(&r), 2);
	assert_string_equal(pb_bad_reason_name(PB_BAD_RAW_STACK),
			    "stack printed raw (trace-cmd report -R): no symbols");
	assert_non_null(strstr(pb_bad_reason_hint(PB_BAD_RAW_STACK), "without -R"));
	run_close(&r);
}

/* A body that only looks like it, or a stack event of another layout,
 * is not taken for one: "caller=ARRAY[" must be the second field. */
static void test_raw_stack_needs_the_array_as_its_second_field(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_TRACECMD_REPORT,
		 "cpus=1\n"
		 "              sh-292   [000]     7.118441: my_event:              size=17 caller=ARRAY[f0]\n"
		 "              sh-292   [000]     7.118442: kernel_stack:          caller=ARRAY[f0]\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "my_event");
	rec = run_next(&r);
	assert_string_equal(rec->event, "kernel_stack");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_RAW_STACK], 0);
	run_close(&r);
}

static void test_report_stacks(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_TRACECMD_REPORT,
		 "cpus=4\n"
		 "=> orphan_frame (ffff800008350468)\n"
		 "       holdpages-353   [002]    16.000001: cma_release:          name=reserved pfn=0xf0010 page=0xfffffc0003c00400 count=2\n"
		 "          kworker-20    [003]    16.000002: cma_release:          name=reserved pfn=0xf0012 page=0xfffffc0003c00480 count=2\n"
		 "       holdpages-353   [002]    16.000003: kernel_stack:         <stack trace >\n"
		 "=> cma_release (ffff80000839d000)\n"
		 "=> ffff800008350468\n"
		 "       holdpages-353   [002]    16.000004: user_stack:           <user stack trace >\n"
		 "=> 0x7f1a2b3c4d5e\n"
		 "      somebody-999   [003]    16.000005: kernel_stack:         <stack trace >\n"
		 "=> not_mine (ffff80000839d000)\n");
	rec = run_next(&r);
	assert_int_equal(rec->pid, 353);
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[0], "cma_release", 0, 0, 0xffff80000839d000, NULL, 0);
	assert_frame(&rec->frames[1], "0xffff800008350468", 0, 0, 0xffff800008350468, NULL, 0);
	assert_int_equal(rec->nuframes, 1);
	assert_frame(&rec->uframes[0], "0x7f1a2b3c4d5e", 0, 0, 0x7f1a2b3c4d5e, NULL,
		     PB_FRAME_USER);
	rec = run_next(&r);
	assert_int_equal(rec->pid, 20);
	assert_int_equal(rec->nframes, 0);
	run_end(&r);
	/* line 2 (no event yet) and line 10 (pid 999 has no event on CPU 3) */
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 2);
	assert_int_equal(run_bad_total(&r), 2);
	run_close(&r);
}

/* Without its plugins (-N, or none installed) trace-cmd prints stacks with
 * their events' own format: the first frame on the event line, the others
 * on lines of their own after a tab (lines of the arm64 capture). */
static void test_report_stacks_no_plugins(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_TRACECMD_REPORT,
		 "cpus=2\n"
		 "              sh-292   [000]     7.121862: mm_migrate_pages:     nr_succeeded=0 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=contig_range\n"
		 "              sh-292   [000]     7.121889: kernel_stack:         \t=> __traceiter_mm_migrate_pages\n"
		 "\t=> migrate_pages\n"
		 "\t=> __alloc_contig_migrate_range\n"
		 "              sh-292   [000]     7.121900: user_stack:           \t=> 0x7f1a2b3c4d5e\n"
		 "              sh-292   [000]     7.122234: test_pages_isolated:  start_pfn=0x100000 end_pfn=0x102000 fin_pfn=0x102000 ret=success\n"
		 "              sh-292   [000]     7.122257: kernel_stack:         \t=> test_pages_isolated\n"
		 "              sh-292   [000]     7.122258: kernel_stack:         \t=> orphan\n"
		 "\t=> orphan_caller\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "mm_migrate_pages");
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[0], "__traceiter_mm_migrate_pages", 0, 0, 0, NULL, 0);
	assert_frame(&rec->frames[1], "migrate_pages", 0, 0, 0, NULL, 0);
	assert_frame(&rec->frames[2], "__alloc_contig_migrate_range", 0, 0, 0, NULL, 0);
	assert_int_equal(rec->nuframes, 1);
	assert_frame(&rec->uframes[0], "0x7f1a2b3c4d5e", 0, 0, 0x7f1a2b3c4d5e, NULL,
		     PB_FRAME_USER);
	rec = run_next(&r);
	assert_string_equal(rec->event, "test_pages_isolated");
	assert_int_equal(rec->nframes, 1);
	assert_frame(&rec->frames[0], "test_pages_isolated", 0, 0, 0, NULL, 0);
	run_end(&r);
	/* the second stack of one event: an orphan block, reported once */
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 1);
	assert_int_equal(r.last_bad_line, 9);
	assert_int_equal(run_bad_total(&r), 1);
	run_close(&r);
}

static void test_report_bad_lines(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_TRACECMD_REPORT,
		 "cpus=2\n"
		 "# tracer: nop\n"
		 "              sh-292   [000]     7.0x2023: print:                tracing_mark_write: x\n"
		 "              sh-292   [000]     7.032023: (+85321 print: x\n");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 2);	/* lines 2 and 4 */
	assert_int_equal(r.bad[PB_BAD_TIMESTAMP], 1);	/* line 3 */
	run_close(&r);
}

/* testdata/real/arm64-tracecmd-hugetlb-cma/trace-cmd-report.txt.xz: counts
 * of its README. T='xz -dc trace-cmd-report.txt.xz' */
static void test_report_text_of_arm64_capture_as_grep_counts(void **state)
{
	struct event_count counts[] = {
		{ "cma:cma_alloc_start", 0 }, { "cma:cma_alloc_finish", 0 },
		{ "cma:cma_alloc_busy_retry", 0 }, { "cma:cma_release", 0 },
		{ "migrate:mm_migrate_pages", 0 }, { "migrate:mm_migrate_pages_start", 0 },
		{ "page_isolation:test_pages_isolated", 0 }, { "kmem:mm_page_alloc_extfrag", 0 },
		{ "ftrace:print", 0 }, { NULL, 0 },
	};
	unsigned long records = 0, with_stack = 0, frames = 0, isolate_fail = 0;
	unsigned long cma_failed = 0, migrate_failed = 0;
	struct parse_run r;
	struct pb_record *rec;
	uint64_t v;
	int rc;

	(void)state;
	run_open_file(&r, PB_FMT_UNKNOWN, "real/arm64-tracecmd-hugetlb-cma/trace-cmd-report.txt.xz");
	assert_int_equal(pb_parser_format(r.p), PB_FMT_TRACECMD_REPORT);
	while ((rc = pb_parser_next(r.p, &rec)) == 1) {
		char name[128];

		records++;
		with_stack += rec->nframes > 0;
		frames += rec->nframes;
		snprintf(name, sizeof(name), "%s:%s", rec->system, rec->event);
		for (struct event_count *c = counts; c->name; c++)
			if (!strcmp(c->name, name))
				c->n++;
		if (!strcmp(rec->event, "test_pages_isolated") &&
		    !strcmp(pb_record_field(rec, "ret"), "fail"))
			isolate_fail++;
		if (!strcmp(rec->event, "mm_migrate_pages") &&
		    pb_record_u64(rec, "nr_failed", &v) == 0 && v > 0)
			migrate_failed++;
		if (!strcmp(rec->event, "cma_alloc_finish") &&
		    !strcmp(pb_record_field(rec, "page"), "(nil)") && ++cma_failed == 1) {
			/* $T | grep -n -m1 'cma_alloc_finish: .*page=(nil)' */
			assert_int_equal(rec->line, 127507);
			assert_string_equal(rec->frames[0].symbol, "cma_alloc");
			assert_string_equal(rec->frames[1].symbol, "alloc_fresh_huge_page");
		}
	}
	assert_int_equal(rc, 0);
	/* $T | grep -c '\] *[0-9.]*: cma_alloc_start: ' and so on */
	assert_int_equal(count_of(counts, "cma:cma_alloc_start"), 22);
	assert_int_equal(count_of(counts, "cma:cma_alloc_finish"), 22);
	assert_int_equal(count_of(counts, "cma:cma_alloc_busy_retry"), 64);
	assert_int_equal(count_of(counts, "cma:cma_release"), 20);
	assert_int_equal(count_of(counts, "migrate:mm_migrate_pages"), 45228);
	assert_int_equal(count_of(counts, "migrate:mm_migrate_pages_start"), 45228);
	assert_int_equal(count_of(counts, "page_isolation:test_pages_isolated"), 328);
	assert_int_equal(count_of(counts, "kmem:mm_page_alloc_extfrag"), 6);
	assert_int_equal(count_of(counts, "ftrace:print"), 8);
	/* $T | grep -c 'test_pages_isolated: .*ret=fail' */
	assert_int_equal(isolate_fail, 306);
	/* $T | grep -c 'cma_alloc_finish: .*page=(nil)' */
	assert_int_equal(cma_failed, 2);
	/* $T | grep ': mm_migrate_pages: ' | grep -vc 'nr_failed=0 ' */
	assert_int_equal(migrate_failed, 634);
	/* every event but the 8 markers has its stack:
	 * $T | grep -c ': kernel_stack: ' -> 90953 stacks, $T | grep -c '^=> ' -> 1909702 frames */
	assert_int_equal(records, 90953 + 8);
	assert_int_equal(with_stack, 90953);
	assert_int_equal(frames, 1909702);
	assert_int_equal(run_bad_total(&r), 0);
	assert_string_equal(pb_parser_meta(r.p, "cpus"), "2");
	run_close(&r);
}

/* trace-cmd's trace-read.c prints a clock that does not count nanoseconds
 * (x86-tsc, counter) with "%12d:" right after "[%03d]": a count of 12
 * digits or more has no blank before it. */
static void test_counter_clock_glued_to_the_cpu_column(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_TRACECMD_REPORT,
		 "cpus=2\n"
		 "              sh-412   [001]1234567890123: cma_alloc_start:      name=reserved count=1024 align=8\n"
		 "              sh-412   [001]  98765432109: cma_alloc_start:      name=reserved count=1024 align=8\n");
	rec = run_next(&r);
	check_context(rec, 2, 1234567890123, 1, 412, -1, "sh", "cma", "cma_alloc_start");
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 98765432109);
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "counter");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* trace-cmd report of two files, or of a file with buffer instances,
 * prints each line's file or instance name first, "%*s: "
 * (print_handle_file()), and "%*s  " for the top buffer: the name is no
 * part of the comm, and "NAME: cpus=N" is the header. */
static void test_file_name_before_each_line_is_not_the_comm(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_TRACECMD_REPORT,
		 "host.dat: cpus=4\n"
		 "host.dat:               sh-412   [001]  1024.500101: cma_alloc_start:      name=reserved count=1024 align=8\n"
		 "    inst:  POSIX timer 0-77    [002]  1024.500102: cma_alloc_start:      name=reserved count=1024 align=8\n"
		 "                      sh-413   [003]  1024.500103: cma_alloc_start:      name=reserved count=1024 align=8\n");
	rec = run_next(&r);
	check_context(rec, 2, 1024500101000, 1, 412, -1, "sh", "cma", "cma_alloc_start");
	rec = run_next(&r);
	assert_int_equal(rec->pid, 77);
	assert_string_equal(rec->comm, "POSIX timer 0");
	rec = run_next(&r);
	assert_int_equal(rec->pid, 413);
	assert_string_equal(rec->comm, "sh");
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "cpus"), "4");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* trace-cmd report --debug (trace-read.c trace_show_data()): a
 * "CPU:%d [SUBBUFFER START] [%lld:0x%llx]" line before the first event of
 * each page (without the brackets with --buffer-breaks), " [%d:0x%llx:%d]"
 * after each event (after the last frame of a stack), and " PADDING: ",
 * " TIME EXTEND: ", " TIME STAMP: " (2.x: " TIME STAMP?: ") lines of the
 * page's other entries.
 * The suffix was a word of the last value (align "13 [85321200:0x64:44]",
 * errorno no number) or of the last frame's symbol, the other lines
 * lines not understood. */
static void test_debug_output(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_TRACECMD_REPORT,
		 "version = 7\n"
		 "cpus=2\n"
		 "CPU:0 [SUBBUFFER START] [7032022816:0x1000]\n"
		 "              sh-292   [000]     7.117344: cma_alloc_start:      name=hugetlb0 count=8192 align=13 [85321200:0x64:44]\n"
		 "              sh-292   [000]     7.118441: kernel_stack:         <stack trace >\n"
		 "=> cma_alloc (ffff80000839cbf0)\n"
		 "=> el0t_64_sync (ffff800008011548) [1097056:0x94:152]\n"
		 " TIME EXTEND: delta:141611952 length:0\n"
		 " PADDING: delta:0 length:3000\n"
		 " TIME STAMP: timestamp:7263869000 length:0\n"
		 " TIME STAMP?: delta:0 length:0\n"
		 "CPU:1 [SUBBUFFER START]\n"
		 "              sh-292   [001]     7.263869: cma_alloc_finish:     name=hugetlb0 pfn=0x0 page=(nil) count=8192 align=13 errorno=-16 [0:0x3e0:60]\n"
		 "              sh-292   [001]     7.263870: cma_alloc_finish:     name=hugetlb0 pfn=0x0 page=(nil) count=8192 align=13 errorno=-16 [0:0x3e0]\n");
	rec = run_next(&r);
	assert_int_equal(rec->line, 4);
	assert_string_equal(rec->body, "name=hugetlb0 count=8192 align=13");
	assert_field(rec, "align", "13");
	assert_int_equal(rec->nframes, 2);
	assert_string_equal(rec->frames[1].symbol, "el0t_64_sync");
	assert_int_equal(rec->frames[1].addr, 0xffff800008011548);
	rec = run_next(&r);
	assert_int_equal(rec->line, 13);
	assert_field(rec, "errorno", "-16");
	/* not the three numbers of --debug: kept as printed */
	rec = run_next(&r);
	assert_field(rec, "errorno", "-16 [0:0x3e0]");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* trace-cmd's summaries print no event: report --stat (trace-read.c,
 * OUTPUT_STAT_ONLY), --cpus, --first-event, --last-event and -E
 * (trace-read.c), report --profile (trace-profile.c output_task(),
 * output_group(), output_event()), trace-cmd stat (trace-stat.c
 * stat_instance(), report_events()) and trace-cmd dump (trace-dump.c). Each is refused by name, with what to
 * import instead, where it was "no events understood" or "unrecognised
 * format". The texts are written from those printf()s. */
static void test_summaries_are_refused_by_name(void **state)
{
	static const struct {
		const char *text, *name;
	} summaries[] = {
		{ "cpus=2\n\nKernel buffer statistics:\n"
		  "  Note: \"entries\" are the entries left in the kernel ring buffer and are not\n"
		  "        recorded in the trace data. They should all be zero.\n\n"
		  "CPU: 0\nentries: 0\noverrun: 0\ncommit overrun: 0\nbytes: 0\n"
		  "oldest event ts:   101.000000\nnow ts:   102.000000\n"
		  "dropped events: 0\nread events: 12\n\n", "report --stat" },
		{ "version = 6\ncpus=1\n\nKernel buffer statistics:\n", "report --stat" },
		{ "cpus=4\n\ntask: sh-412\n"
		  "  Event: sched_switch:R (2) Total: 100 Avg: 50 Max: 60(ts:101.000001) Min:40(ts:101.000002)\n"
		  "          | \n          + __schedule (0xffffffff81a0b0c0)\n              100% (2)\n",
		  "report --profile" },
		{ "cpus=4\n\ngroup: kworker\n  Event: cma_alloc_start:0x2000 (1)\n", "report --profile" },
		{ "cpus=4\nglobal\n  Event: print:0xffff8000081de3bc (8)\n", "report --profile" },
		{ "\nTracer: function_graph\n\nEvents:\n Individual events:\n    cma\n"
		  "        cma_alloc_start\n\nBuffer size in kilobytes (per cpu):\n   4096\n\n"
		  "Tracing is enabled\n\n", "trace-cmd stat" },
		{ "\nEvents:\n All disabled\n\nTracing is disabled\n\n", "trace-cmd stat" },
		{ "Instance: foo\n\nEvents:\n All enabled\n", "trace-cmd stat" },
		/* trace-read.c show_cpus, show_first, show_last */
		{ "List of CPUs in trace.dat with data:\n  0\n  1\n", "report --cpus" },
		{ "List of CPUs in /tmp/t.dat with data:\n  0\tFirst event:    7.032023\n",
		  "report --cpus" },
		/* trace-read.c show_events */
		{ "cma:cma_alloc_busy_retry\ncma:cma_alloc_finish\ncma:cma_alloc_start\n"
		  "ftrace:function\n", "report -E" },
		/* trace-dump.c dump_file() */
		{ "\n Tracing meta data in file trace.dat:\n\t[Initial format]\n", "trace-cmd dump" },
	};
	static const char *const others[] = {
		"cpus=2\n              sh-292   [000]     7.117344: cma_alloc_start:      name=hugetlb0 count=8192 align=13\n",
		/* no "  Event: " line after the first, no "Events:" with its state */
		"cpus=2\n\ntask: sh-412\n              sh-292   [000]     7.117344: cma_alloc_start:      name=hugetlb0 count=8192 align=13\n",
		"Tracer: nop\n              sh-292   [000]     7.117344: cma_alloc_start:      name=hugetlb0 count=8192 align=13\n",
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(summaries); i++) {
		struct pb_input *in = pb_input_open_memory(summaries[i].text,
							   strlen(summaries[i].text), NULL);

		err[0] = '\0';
		assert_null(pb_parser_new(in, PB_FMT_UNKNOWN, NULL, NULL, err, sizeof(err)));
		assert_non_null(strstr(err, summaries[i].name));
		assert_non_null(strstr(err, "import the trace.dat"));
		pb_input_close(in);
	}
	for (size_t i = 0; i < PB_ARRAY_SIZE(others); i++) {
		struct pb_input *in = pb_input_open_memory(others[i], strlen(others[i]), NULL);
		struct pb_parser *p = pb_parser_new(in, PB_FMT_UNKNOWN, NULL, NULL, err, sizeof(err));

		assert_non_null(p);
		pb_parser_free(p);
		pb_input_close(in);
	}
}

/* trace-cmd report --uname and --version (trace-read.c read_data_info():
 * "cpus=%d", then tracecmd_print_uname() "%s\n" of add_uname()'s "%s %s
 * %s %s", falling through to tracecmd_print_version() "%s\n" of
 * add_version()'s "%s %s"; each " ... was not recorded in this file"
 * when the file has none), -e ("file is %s endian and host is %s
 * endian") and -p ("file page size is %d, and host page size is %d")
 * print no event: refused by name, where they were "no events
 * understood" or "unrecognised format". */
static void test_uname_version_endian_page_size_are_refused_by_name(void **state)
{
	static const struct {
		const char *text, *name;
	} outputs[] = {
		{ "cpus=2\nLinux (none) 6.1.0-50-arm64 aarch64\n3.1.6 not-a-git-repo\n", "report --uname" },
		{ "cpus=4\nLinux build 5.15.0-91-generic x86_64\n", "report --uname" },	/* 2.x */
		{ "cpus=1\n uname was not recorded in this file\n version was not recorded in this file\n",
		  "report --uname" },
		{ "cpus=2\n3.1.6 not-a-git-repo\n", "report --version" },
		{ "cpus=8\n3.2 \n", "report --version" },
		{ "file is little endian and host is little endian\n", "report -e" },
		{ "file page size is 4096, and host page size is 16384\n", "report -p" },
	};
	static const char *const others[] = {
		/* an event after them: a report */
		"cpus=2\n3.1.6 not-a-git-repo\n              sh-292   [000]     7.117344: cma_alloc_start:      name=hugetlb0 count=8192 align=13\n",
		"cpus=2\nLinux (none) 6.1.0-50-arm64 aarch64\n              sh-292   [000]     7.117344: cma_alloc_start:      name=hugetlb0 count=8192 align=13\n",
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(outputs); i++) {
		struct pb_input *in = pb_input_open_memory(outputs[i].text,
							   strlen(outputs[i].text), NULL);

		err[0] = '\0';
		assert_null(pb_parser_new(in, PB_FMT_UNKNOWN, NULL, NULL, err, sizeof(err)));
		assert_non_null(strstr(err, outputs[i].name));
		assert_non_null(strstr(err, "import the trace.dat"));
		pb_input_close(in);
	}
	for (size_t i = 0; i < PB_ARRAY_SIZE(others); i++) {
		struct pb_input *in = pb_input_open_memory(others[i], strlen(others[i]), NULL);
		struct pb_parser *p = pb_parser_new(in, PB_FMT_UNKNOWN, NULL, NULL, err, sizeof(err));

		assert_non_null(p);
		pb_parser_free(p);
		pb_input_close(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_default),
		cmocka_unit_test(test_report_options),
		cmocka_unit_test(test_report_stacks),
		cmocka_unit_test(test_report_stacks_no_plugins),
		cmocka_unit_test(test_report_bad_lines),
		cmocka_unit_test(test_report_text_of_arm64_capture_as_grep_counts),
		cmocka_unit_test(test_counter_clock_glued_to_the_cpu_column),
		cmocka_unit_test(test_file_name_before_each_line_is_not_the_comm),
		cmocka_unit_test(test_raw_stacks_are_lines_not_understood_of_their_own_reason),
		cmocka_unit_test(test_raw_stack_needs_the_array_as_its_second_field),
		cmocka_unit_test(test_debug_output),
		cmocka_unit_test(test_summaries_are_refused_by_name),
		cmocka_unit_test(test_uname_version_endian_page_size_are_refused_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
