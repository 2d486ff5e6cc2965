/* perf script text (FORMATS §7.5): sample heads, callchains, dsos, and the
 * scenario B sample. */
#include "parse_run.h"

/* The 6.1 perf capture lines of FORMATS §7.5 */
static void test_capture_lines(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "sh   267 [000]     5.959264:                   cma:cma_alloc_start: name=hugetlb0 count=8192 align=13\n"
		 "\tffff80000839cbf0 cma_alloc+0x3a0 ([kernel.kallsyms])\n"
		 "\tffff80000839cbf0 cma_alloc+0x3a0 ([kernel.kallsyms])\n"
		 "\tffff800008350468 alloc_fresh_huge_page+0x94 ([kernel.kallsyms])\n"
		 "\t           4a7cc [unknown] (/bin/busybox)\n"
		 "\t            4cb4 [unknown] (/bin/busybox)\n"
		 "\n"
		 "holdpages   328 [001]    33.377160:                rtprobe:try_grab_folio: (ffff8000082fff80) page=0xfffffc00040e7c00 refs=1 flags=0x4\n"
		 "\t           251d4 vmsplice+0x34 (/usr/bin/holdpages)\n"
		 "\t             e3b main+0x90b (/usr/bin/holdpages)\n"
		 "\n");
	rec = run_next(&r);
	check_context(rec, 1, 5959264000, 0, 267, -1, "sh", "cma", "cma_alloc_start");
	assert_string_equal(rec->body, "name=hugetlb0 count=8192 align=13");
	assert_int_equal(rec->nfields, 3);
	assert_field(rec, "name", "hugetlb0");
	/* the repeated first frame is dropped */
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[0], "cma_alloc", 0x3a0, 0, 0xffff80000839cbf0, NULL, 0);
	assert_frame(&rec->frames[1], "alloc_fresh_huge_page", 0x94, 0, 0xffff800008350468,
		     NULL, 0);
	assert_int_equal(rec->nuframes, 2);
	assert_frame(&rec->uframes[0], "[unknown]", 0, 0, 0x4a7cc, "/bin/busybox", PB_FRAME_USER);
	assert_frame(&rec->uframes[1], "[unknown]", 0, 0, 0x4cb4, "/bin/busybox", PB_FRAME_USER);

	rec = run_next(&r);
	assert_true(rec->line == 8);
	assert_string_equal(rec->comm, "holdpages");
	assert_string_equal(rec->system, "rtprobe");
	assert_string_equal(rec->event, "try_grab_folio");
	assert_int_equal(rec->nfields, 4);
	assert_field(rec, "__probe", "ffff8000082fff80");
	assert_field(rec, "page", "0xfffffc00040e7c00");
	assert_int_equal(rec->nframes, 0);
	assert_int_equal(rec->nuframes, 2);
	assert_frame(&rec->uframes[1], "main", 0x90b, 0, 0xe3b, "/usr/bin/holdpages",
		     PB_FRAME_USER);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Without -g: right-aligned comm, one line per sample, no blank lines;
 * pid/tid; comm with blanks; the --header facts */
static void test_heads(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "# ========\n"
		 "# captured on    : Tue Nov 25 11:04:00 2026\n"
		 "# os release : 6.1.0-50-arm64\n"
		 "# arch : aarch64\n"
		 "# nrcpus online : 2\n"
		 "# ========\n"
		 "#\n"
		 "              sh   267 [000]     5.959264: cma:cma_alloc_start: name=hugetlb0 count=8192 align=13\n"
		 "              sh   267 [000]     5.962848: page_isolation:test_pages_isolated: start_pfn=0x100000 end_pfn=0x102000 fin_pfn=0x102000 ret=success\n"
		 "       cam_alloc  2210/2211 [003]  4120.300501: page_ref:page_ref_freeze: pfn=0xa3a43 flags=0x8000000000080014 count=0 mapcount=0 mapping=0xffff000104c2f861 mt=5 val=2 ret=1\n"
		 "              sh   267 [000]     5.962900:          1 cma:cma_alloc_finish: name=hugetlb0 pfn=0x100000 page=0xfffffc0003000000 count=8192 align=13\n"
		 "POSIX timer 0  1234 [001]    10.000001:            cma:cma_release: name=reserved pfn=0xf0010 page=0xfffffc0003c00400 count=2\n"
		 "\tffffffff8134a1c0 cma_release+0x20 ([kernel.kallsyms])\n");
	rec = run_next(&r);
	assert_true(rec->line == 8);
	assert_string_equal(rec->comm, "sh");
	assert_string_equal(rec->event, "cma_alloc_start");
	assert_int_equal(rec->nframes, 0);
	rec = run_next(&r);
	assert_true(rec->line == 9);
	assert_true(rec->ts_ns == 5962848000);
	assert_string_equal(rec->system, "page_isolation");
	assert_field(rec, "ret", "success");
	rec = run_next(&r);
	assert_string_equal(rec->comm, "cam_alloc");
	assert_int_equal(rec->tgid, 2210);
	assert_int_equal(rec->pid, 2211);
	assert_int_equal(rec->cpu, 3);
	assert_string_equal(rec->event, "page_ref_freeze");
	assert_field(rec, "flags", "0x8000000000080014");
	/* -F ...,period */
	rec = run_next(&r);
	assert_true(rec->ts_ns == 5962900000);
	assert_string_equal(rec->event, "cma_alloc_finish");
	assert_field(rec, "pfn", "0x100000");
	rec = run_next(&r);
	assert_string_equal(rec->comm, "POSIX timer 0");
	assert_int_equal(rec->pid, 1234);
	assert_int_equal(rec->cpu, 1);
	assert_int_equal(rec->nframes, 1);
	assert_string_equal(rec->frames[0].symbol, "cma_release");
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "kernel"), "6.1.0-50-arm64");
	assert_string_equal(pb_parser_meta(r.p, "arch"), "aarch64");
	assert_string_equal(pb_parser_meta(r.p, "cpus"), "2");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* perf 6.1.187 on this project's build machine:
 * perf script --header -F comm,pid,tid,cpu,time,period,event,trace,ip,sym,dso --ns */
static void test_fields_option(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "# os release : 6.18.44-fc-v657\n"
		 "# perf version : 6.1.187\n"
		 "sh 27625/27625 [000]  2691.585304302:          1  sched:sched_process_exec: filename=/usr/bin/sh pid=27625 old_pid=27625\n"
		 "\tffffffff81399e59 __traceiter_sched_process_exec ([kernel.kallsyms])\n"
		 "\tffffffff816c3a05 bprm_execve ([kernel.kallsyms])\n"
		 "\n"
		 "sh 27625/27625 [000]  2691.585566032:          1 syscalls:sys_enter_openat: dfd: 0xffffff9c, filename: 0x7f2cf17f70b1, flags: 0x00080000, mode: 0x00000000\n"
		 "\t           20b1d __GI___open64_nocancel (/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)\n"
		 "\t               0 [unknown] ([unknown])\n"
		 "\n"
		 "sh 27625/27625 [000]  2691.585582887:          1 syscalls:sys_enter_openat: dfd: 0xffffff9c, filename: 0x7f2cf17c41e0, flags: 0x00080000, mode: 0x00000000\n");
	rec = run_next(&r);
	assert_true(rec->ts_ns == 2691585304302);
	assert_int_equal(rec->pid, 27625);
	assert_int_equal(rec->tgid, 27625);
	assert_string_equal(rec->system, "sched");
	assert_string_equal(rec->event, "sched_process_exec");
	assert_field(rec, "filename", "/usr/bin/sh");
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[1], "bprm_execve", 0, 0, 0xffffffff816c3a05, NULL, 0);
	rec = run_next(&r);
	assert_string_equal(rec->system, "syscalls");
	assert_string_equal(rec->event, "sys_enter_openat");
	assert_string_equal(rec->body, "dfd: 0xffffff9c, filename: 0x7f2cf17f70b1, flags: 0x00080000, mode: 0x00000000");
	assert_int_equal(rec->nfields, 0);
	assert_int_equal(rec->nframes, 0);
	assert_int_equal(rec->nuframes, 2);
	assert_frame(&rec->uframes[0], "__GI___open64_nocancel", 0, 0, 0x20b1d,
		     "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", PB_FRAME_USER);
	assert_frame(&rec->uframes[1], "[unknown]", 0, 0, 0, "[unknown]", PB_FRAME_USER);
	rec = run_next(&r);
	assert_true(rec->ts_ns == 2691585582887);
	assert_int_equal(rec->nframes + rec->nuframes, 0);
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "kernel"), "6.18.44-fc-v657");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

static void test_bad_lines(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "\tffffffff8134a1c0 cma_alloc+0x1f0 ([kernel.kallsyms])\n"
		 "\tffffffff8134a1c0 cma_alloc+0x1f0 ([kernel.kallsyms])\n"
		 "\n"
		 "not a sample at all\n"
		 "ffmpeg  5102 [002]  3244.931002:\n"
		 "ffmpeg  5102 [002]  3244.931002: cma:cma_alloc_start: name=reserved count=1024 align=8\n"
		 "\tffffffff8134a1c0 cma_alloc+0x1f0 ([kernel.kallsyms])\n"
		 "\t\x01\x02\n"
		 "\t  \n");
	rec = run_next(&r);
	assert_true(rec->line == 6);
	assert_int_equal(rec->nframes, 1);
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 1);	/* lines 1-2, once */
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 3);		/* lines 4, 5, 9 */
	assert_int_equal(r.bad[PB_BAD_BINARY], 1);		/* line 8 */
	assert_int_equal(run_bad_total(&r), 5);
	run_close(&r);
}

/* samples/perf-script-5.15-page_pinner-rfc.txt (scenario B) */
static void test_sample_rfc(void **state)
{
	struct event_count counts[] = {
		{ "cma:cma_alloc_start", 0 }, { "page_pinner:page_pinner_failure", 0 },
		{ "cma:cma_alloc_busy_retry", 0 }, { "page_pinner:page_pinner_put", 0 },
		{ "cma:cma_alloc_finish", 0 }, { NULL, 0 },
	};
	unsigned long records = 0, frames = 0, uframes = 0;
	struct parse_run r;
	struct pb_record *rec;
	int rc;

	(void)state;
	run_open_file(&r, PB_FMT_UNKNOWN, "samples/perf-script-5.15-page_pinner-rfc.txt");
	assert_int_equal(pb_parser_format(r.p), PB_FMT_PERF_SCRIPT);
	while ((rc = pb_parser_next(r.p, &rec)) == 1) {
		char name[128];

		records++;
		frames += rec->nframes;
		uframes += rec->nuframes;
		snprintf(name, sizeof(name), "%s:%s", rec->system, rec->event);
		for (struct event_count *c = counts; c->name; c++)
			if (!strcmp(c->name, name))
				c->n++;
		if (records == 1) {
			assert_string_equal(rec->comm, "ffmpeg");
			assert_int_equal(rec->pid, 5102);
			assert_int_equal(rec->cpu, 2);
			assert_true(rec->ts_ns == 3244931002000);
			assert_int_equal(rec->nframes, 6);
			assert_frame(&rec->frames[0], "cma_alloc", 0x1f0, 0, 0xffffffff8134a1c0,
				     NULL, 0);
			assert_int_equal(rec->nuframes, 1);
			assert_frame(&rec->uframes[0], "__GI___ioctl", 0xb, 0, 0x7f2d8c41e9bb,
				     "/usr/lib/x86_64-linux-gnu/libc.so.6", PB_FRAME_USER);
		}
		if (!strcmp(rec->event, "cma_alloc_finish"))
			assert_field(rec, "page", "(nil)");
		if (records == 8) {
			/* the seed's real sample, last in the file: the nvidia put */
			assert_string_equal(rec->comm, "cuda-EvtHandlr");
			assert_int_equal(rec->pid, 31023);
			assert_field(rec, "count", "0");
			assert_field(rec, "mapping", "(nil)");
			assert_int_equal(rec->nframes, 3);
			assert_frame(&rec->frames[0], "__page_pinner_put", 0x54, 0,
				     0xffffffff82511be4, NULL, 0);
			assert_frame(&rec->frames[1], "os_unlock_user_pages", 0xbf, 0,
				     0xffffffffc0b71e1f, "nvidia", 0);
			assert_frame(&rec->frames[2], "_nv032165rm", 0x96, 0,
				     0xffffffffc14a4546, "nvidia", 0);
		}
	}
	assert_int_equal(rc, 0);
	/* F=perf-script-5.15-page_pinner-rfc.txt; grep -c ' cma:cma_alloc_start: ' $F ... */
	assert_int_equal(count_of(counts, "cma:cma_alloc_start"), 1);
	assert_int_equal(count_of(counts, "page_pinner:page_pinner_failure"), 1);
	assert_int_equal(count_of(counts, "cma:cma_alloc_busy_retry"), 1);
	assert_int_equal(count_of(counts, "page_pinner:page_pinner_put"), 4);
	assert_int_equal(count_of(counts, "cma:cma_alloc_finish"), 1);
	/* grep -cP '^[^\t]' $F -> 8 samples */
	assert_int_equal(records, 8);
	/* grep -cP '^\t' $F -> 64 frame lines, of which 8 repeat the sample's
	 * first frame and 3 are in user dsos: grep -c '(/usr/lib' $F */
	assert_int_equal(frames, 64 - 8 - 3);
	assert_int_equal(uframes, 3);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_lines),
		cmocka_unit_test(test_heads),
		cmocka_unit_test(test_fields_option),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_sample_rfc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
