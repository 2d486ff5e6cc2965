/* perf script text (doc/FORMATS.md section 1): sample heads, callchains, dsos, and the
 * scenario B sample. */
#include "parse_run.h"

/* Lines of the 6.1 perf capture (testdata/real) */
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
	assert_int_equal(rec->line, 8);
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
	assert_int_equal(rec->line, 8);
	assert_string_equal(rec->comm, "sh");
	assert_string_equal(rec->event, "cma_alloc_start");
	assert_int_equal(rec->nframes, 0);
	rec = run_next(&r);
	assert_int_equal(rec->line, 9);
	assert_int_equal(rec->ts_ns, 5962848000);
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
	assert_int_equal(rec->ts_ns, 5962900000);
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
	assert_int_equal(rec->ts_ns, 2691585304302);
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
	assert_int_equal(rec->ts_ns, 2691585582887);
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
	assert_int_equal(rec->line, 6);
	assert_int_equal(rec->nframes, 1);
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 2);	/* lines 1, 2 */
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 3);		/* lines 4, 5, 9 */
	assert_int_equal(r.bad[PB_BAD_BINARY], 1);		/* line 8 */
	assert_int_equal(run_bad_total(&r), 6);
	run_close(&r);
}

/* perf script -F with fewer or more columns than the default: lines from
 * the 6.18 survey (perf 6.1.187), one layout each */
static void test_few_columns(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 /* -F +tod */
		 "              sh  7290 [000] 2026-11-25 14:54:01.678417 13787.050430:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 /* -F +misc */
		 "              sh  6256 [000] K     13744.611339:              migrate:mm_migrate_pages: nr_succeeded=2 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=compaction\n"
		 /* -F comm,pid,tid,cpu,misc,time,event,trace */
		 "              sh  6256/6256  [000] K     13744.611209:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 /* -F tid,time,event,trace */
		 " 6256 13744.611340: compaction:mm_compaction_migratepages: nr_migrated=2 nr_failed=0\n"
		 /* -F time,event,trace */
		 "13744.611365:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 /* -F comm,event,trace */
		 "              sh              migrate:mm_migrate_pages: nr_succeeded=0 nr_failed=7 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=compaction\n"
		 /* -F event,trace */
		 "compaction:mm_compaction_migratepages: nr_migrated=0 nr_failed=7\n"
		 /* -F cpu,event,trace */
		 "[000]        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 /* -F tid,event,trace */
		 " 6256              migrate:mm_migrate_pages: nr_succeeded=2 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=compaction\n");
	rec = run_next(&r);
	check_context(rec, 1, 13787050430000, 0, 7290, -1, "sh", "migrate", "mm_migrate_pages_start");
	assert_field(rec, "mode", "MIGRATE_SYNC");
	rec = run_next(&r);
	check_context(rec, 2, 13744611339000, 0, 6256, -1, "sh", "migrate", "mm_migrate_pages");
	assert_field(rec, "nr_succeeded", "2");
	rec = run_next(&r);
	check_context(rec, 3, 13744611209000, 0, 6256, 6256, "sh", "migrate",
		      "mm_migrate_pages_start");
	rec = run_next(&r);
	check_context(rec, 4, 13744611340000, -1, 6256, -1, "", "compaction",
		      "mm_compaction_migratepages");
	assert_field(rec, "nr_migrated", "2");
	rec = run_next(&r);
	check_context(rec, 5, 13744611365000, -1, -1, -1, "", "migrate", "mm_migrate_pages_start");
	rec = run_next(&r);
	check_context(rec, 6, -1, -1, -1, -1, "sh", "migrate", "mm_migrate_pages");
	assert_field(rec, "nr_failed", "7");
	rec = run_next(&r);
	check_context(rec, 7, -1, -1, -1, -1, "", "compaction", "mm_compaction_migratepages");
	assert_string_equal(rec->body, "nr_migrated=0 nr_failed=7");
	rec = run_next(&r);
	check_context(rec, 8, -1, 0, -1, -1, "", "migrate", "mm_migrate_pages_start");
	rec = run_next(&r);
	check_context(rec, 9, -1, -1, 6256, -1, "", "migrate", "mm_migrate_pages");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

static enum pb_format detect(const char *text)
{
	return pb_format_detect(text, strlen(text));
}

/* The layouts above are recognised without --format; without a time only
 * known events count, so that device names such as "PNP0A03:00:" in a
 * kernel log printed without times (dmesg -t) do not make it perf script. */
static void test_detect_few_columns(void **state)
{
	(void)state;
	assert_int_equal(detect("              sh  7290 [000] 2026-11-25 14:54:01.678417 13787.050430:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"),
			 PB_FMT_PERF_SCRIPT);
	assert_int_equal(detect("              sh  6256 [000] K     13744.611340: compaction:mm_compaction_migratepages: nr_migrated=2 nr_failed=0\n"),
			 PB_FMT_PERF_SCRIPT);
	assert_int_equal(detect(" 6256 13744.611340: compaction:mm_compaction_migratepages: nr_migrated=2 nr_failed=0\n"),
			 PB_FMT_PERF_SCRIPT);
	assert_int_equal(detect("13744.611365:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"),
			 PB_FMT_PERF_SCRIPT);
	assert_int_equal(detect("              sh compaction:mm_compaction_migratepages: nr_migrated=2 nr_failed=0\n"),
			 PB_FMT_PERF_SCRIPT);
	assert_int_equal(detect("       migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
				"compaction:mm_compaction_migratepages: nr_migrated=2 nr_failed=0\n"),
			 PB_FMT_PERF_SCRIPT);
	/* side-band records alone: the head of a perf script --show-mmap-events */
	assert_int_equal(detect("swapper     0 [000]     0.000000: PERF_RECORD_MMAP -1/0: [0xffffffff81000000(0x1209988) @ 0xffffffff81000000]: x [kernel.kallsyms]_text\n"
				"memfd:sealed-91     0 [000]     0.000000: PERF_RECORD_MMAP2 3323/3323: [0x7f53736fb000(0x2000) @ 0 00:00 0 0]: r-xp [vdso]\n"),
			 PB_FMT_PERF_SCRIPT);
	/* testdata/real/amd64-ftrace-gigantic-nocma/dmesg.txt without the times */
	assert_int_equal(detect("acpi PNP0A03:00: _OSC: OS supports [ASPM ClockPM Segments MSI HPX-Type3]\n"
				"pci_bus 0000:00: root bus resource [io  0x0000-0x0cf7 window]\n"),
			 PB_FMT_UNKNOWN);
}

/* --show-task-events, --show-mmap-events, --show-round-events: skipped,
 * counted, no events made of them; a side-band line also ends the sample
 * before it. Lines from g-task, g-mmap and g-round of the survey, the last
 * four from perf script -F pid / comm,misc / comm,tid,misc,time. */
static void test_sideband(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "PERF_RECORD_FINISHED_ROUND\n"
		 "swapper     0 [000]     0.000000: PERF_RECORD_FORK(1:1):(0:0)\n"
		 "process_api     0 [000]     0.000000: PERF_RECORD_COMM: process_api:1/1\n"
		 "swapper     0 [000]     0.000000: PERF_RECORD_MMAP -1/0: [0xffffffff81000000(0x1209988) @ 0xffffffff81000000]: x [kernel.kallsyms]_text\n"
		 "memfd:sealed-91     0 [000]     0.000000: PERF_RECORD_MMAP2 3323/3323: [0x7f53736fb000(0x2000) @ 0 00:00 0 0]: r-xp [vdso]\n"
		 "sh  6303 [000] 13748.022699: PERF_RECORD_COMM exec: sh:6303/6303\n"
		 "sh  6303 [000] 13748.025736:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "\tffffffff8166cfa9 migrate_pages+0x739 ([kernel.kallsyms])\n"
		 "\n"
		 "sh  6303 [000] 13748.048381: PERF_RECORD_FORK(6305:6305):(6303:6303)\n"
		 "mkdir  6308 [000] 13748.266940: PERF_RECORD_EXIT(6308:6308):(3324:3324)\n"
		 "              sh  6256 13744.635761: compaction:mm_compaction_migratepages: nr_migrated=193 nr_failed=287\n"
		 "    0 PERF_RECORD_FORK(1:1):(0:0)\n"
		 "         swapper       PERF_RECORD_FORK(1:1):(0:0)\n"
		 "         swapper     0 K         0.000000: PERF_RECORD_MMAP -1/0: [0xffffffff81000000(0x1209988) @ 0xffffffff81000000]: x [kernel.kallsyms]_text\n"
		 "PERF_RECORD_FINISHED_ROUND\n");
	rec = run_next(&r);
	check_context(rec, 7, 13748025736000, 0, 6303, -1, "sh", "migrate", "mm_migrate_pages_start");
	assert_int_equal(rec->nframes, 1);
	rec = run_next(&r);
	check_context(rec, 12, 13744635761000, -1, 6256, -1, "sh", "compaction",
		      "mm_compaction_migratepages");
	assert_int_equal(rec->nframes + rec->nuframes, 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	/* lines 1-6, 10, 11, 13-16 */
	assert_string_equal(pb_parser_meta(r.p, "sideband_records"), "12");
	run_close(&r);
}

/* Frames and records seen by next_counted(). */
struct totals {
	unsigned long records, frames, uframes;
};

/* pb_parser_next(), counting the record in COUNTS (NULL-terminated) and T. */
static int next_counted(struct parse_run *r, struct pb_record **rec, struct event_count *counts,
			struct totals *t)
{
	char name[128];
	int rc = pb_parser_next(r->p, rec);

	if (rc != 1)
		return rc;
	t->records++;
	t->frames += (*rec)->nframes;
	t->uframes += (*rec)->nuframes;
	snprintf(name, sizeof(name), "%s:%s", (*rec)->system, (*rec)->event);
	for (struct event_count *c = counts; c->name; c++)
		if (!strcmp(c->name, name))
			c->n++;
	return 1;
}

/* samples/perf-script-6.18-task-events.txt: perf script --show-task-events */
static void test_side_band_task_records_are_skipped(void **state)
{
	struct event_count counts[] = {
		{ "migrate:mm_migrate_pages_start", 0 }, { "migrate:mm_migrate_pages", 0 },
		{ "compaction:mm_compaction_migratepages", 0 }, { NULL, 0 },
	};
	struct totals t = { 0 };
	struct parse_run r;
	struct pb_record *rec;
	int rc;

	(void)state;
	run_open_file(&r, PB_FMT_UNKNOWN, "samples/perf-script-6.18-task-events.txt");
	assert_int_equal(pb_parser_format(r.p), PB_FMT_PERF_SCRIPT);
	while ((rc = next_counted(&r, &rec, counts, &t)) == 1) {
		assert_string_not_equal(rec->system, "perf");
		if (t.records == 1) {
			check_context(rec, 148, 13748025736000, 0, 6303, -1, "sh", "migrate",
				      "mm_migrate_pages_start");
			assert_int_equal(rec->nuframes, 2);
			assert_frame(&rec->uframes[0], "__GI___libc_write", 0x10, 0, 0xf8350,
				     "/usr/lib/x86_64-linux-gnu/libc.so.6", PB_FRAME_USER);
			assert_frame(&rec->uframes[1], "[unknown]", 0, 0, 0, "[unknown]",
				     PB_FRAME_USER);
		}
	}
	assert_int_equal(rc, 0);
	/* F=perf-script-6.18-task-events.txt; grep -c ' migrate:mm_migrate_pages_start: ' $F ... */
	assert_int_equal(count_of(counts, "migrate:mm_migrate_pages_start"), 2);
	assert_int_equal(count_of(counts, "migrate:mm_migrate_pages"), 1);
	assert_int_equal(count_of(counts, "compaction:mm_compaction_migratepages"), 2);
	assert_int_equal(t.records, 5);
	/* grep -cP '^\t' $F -> 53 frame lines, 10 of them user: grep -c '(/usr/lib\|(\[unknown\])' */
	assert_int_equal(t.frames, 53 - 10);
	assert_int_equal(t.uframes, 10);
	/* grep -c PERF_RECORD_ $F: 81 COMM, 86 FORK, 5 EXIT */
	assert_string_equal(pb_parser_meta(r.p, "sideband_records"), "172");
	/* the side-band records at 0.000000 are not samples */
	assert_null(pb_parser_meta(r.p, "clock"));
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Callchains printed with -F ...,ip,sym / ip / ip,sym,symoff (no dso),
 * ip,sym,dso,srcline, ip,dso,srcline, and --inline (dwarf): lines from the
 * survey's g-F-ipsym, g-F-ip-only, g-F-ip-nodso, g-F-srcline and
 * dwarf-default. Below a kernel-half address, a frame without a dso is a
 * user one; srcline lines are not frames. */
static void test_frames_without_dso(void **state)
{
	static const char *const libc = "/usr/lib/x86_64-linux-gnu/libc.so.6";
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "sh  6303 13748.025736:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "\tffffffff8166cfa9 migrate_pages\n"
		 "\tffffffff81000130 entry_SYSCALL_64_after_hwframe\n"
		 "\t           f8350 __GI___libc_write\n"
		 "\t               0 [unknown]\n"
		 "\n"
		 "sh  6303 13748.025736:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "\tffffffff8166cfa9\n"
		 "\t           f8350\n"
		 "\t               0\n"
		 "\n"
		 "sh  6303 13748.025736:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "\tffffffff81000130 entry_SYSCALL_64_after_hwframe+0x76\n"
		 "\t           f8350 __GI___libc_write+0x10\n"
		 "\n"
		 "sh  6303 13748.025736:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "\tffffffff8166cfa9 migrate_pages ([kernel.kallsyms])\n"
		 "  [kernel.kallsyms][ffffffff8166cfa9]\n"
		 "\t           f8350 __GI___libc_write (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
		 "  write.c:26\n"
		 "\t               0 [unknown] ([unknown])\n"
		 "\n"
		 "sh  6303 13748.025736:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "\tffffffff8166cfa9 ([kernel.kallsyms])\n"
		 "  [kernel.kallsyms][ffffffff8166cfa9]\n"
		 "\t           f8350 (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
		 "  write.c:26\n"
		 "\t               0 ([unknown])\n"
		 "\n"
		 "sh  6671 [000] 13751.543757:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "\tffffffff8166cfa9 migrate_pages+0x739 ([kernel.kallsyms])\n"
		 "\t           27249 __libc_start_call_main+0x79 (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
		 "\t           27304 __libc_start_main_impl+0x84 (inlined)\n"
		 "\t            4780 [unknown] (/usr/bin/dash)\n"
		 "\n");
	/* ip,sym */
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[1], "entry_SYSCALL_64_after_hwframe", 0, 0, 0xffffffff81000130,
		     NULL, 0);
	assert_int_equal(rec->nuframes, 2);
	assert_frame(&rec->uframes[0], "__GI___libc_write", 0, 0, 0xf8350, NULL, PB_FRAME_USER);
	assert_frame(&rec->uframes[1], "[unknown]", 0, 0, 0, NULL, PB_FRAME_USER);
	/* ip: every frame is an address, the short ones too */
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 1);
	assert_frame(&rec->frames[0], "0xffffffff8166cfa9", 0, 0, 0xffffffff8166cfa9, NULL, 0);
	assert_int_equal(rec->nuframes, 2);
	assert_frame(&rec->uframes[0], "0xf8350", 0, 0, 0xf8350, NULL, PB_FRAME_USER);
	assert_frame(&rec->uframes[1], "0x0", 0, 0, 0, NULL, PB_FRAME_USER);
	/* ip,sym,symoff */
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 1);
	assert_frame(&rec->frames[0], "entry_SYSCALL_64_after_hwframe", 0x76, 0,
		     0xffffffff81000130, NULL, 0);
	assert_int_equal(rec->nuframes, 1);
	assert_frame(&rec->uframes[0], "__GI___libc_write", 0x10, 0, 0xf8350, NULL, PB_FRAME_USER);
	/* ip,sym,dso,srcline */
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 1);
	assert_frame(&rec->frames[0], "migrate_pages", 0, 0, 0xffffffff8166cfa9, NULL, 0);
	assert_int_equal(rec->nuframes, 2);
	assert_frame(&rec->uframes[0], "__GI___libc_write", 0, 0, 0xf8350, libc, PB_FRAME_USER);
	assert_frame(&rec->uframes[1], "[unknown]", 0, 0, 0, "[unknown]", PB_FRAME_USER);
	/* ip,dso,srcline */
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 1);
	assert_frame(&rec->frames[0], "0xffffffff8166cfa9", 0, 0, 0xffffffff8166cfa9, NULL, 0);
	assert_int_equal(rec->nuframes, 2);
	assert_frame(&rec->uframes[0], "0xf8350", 0, 0, 0xf8350, libc, PB_FRAME_USER);
	assert_frame(&rec->uframes[1], "0x0", 0, 0, 0, "[unknown]", PB_FRAME_USER);
	/* --inline: "(inlined)" is not a dso */
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 1);
	assert_int_equal(rec->nuframes, 3);
	assert_frame(&rec->uframes[0], "__libc_start_call_main", 0x79, 0, 0x27249, libc,
		     PB_FRAME_USER);
	assert_frame(&rec->uframes[1], "__libc_start_main_impl", 0x84, 0, 0x27304, NULL,
		     PB_FRAME_USER);
	assert_frame(&rec->uframes[2], "[unknown]", 0, 0, 0x4780, "/usr/bin/dash", PB_FRAME_USER);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The same callchain, three times over, with and without the memo of
 * callchains (PINBLAME_RUN_MEMO): each time the frames its lines give,
 * with one key; a user address without a dso is a user frame only once a
 * kernel address was seen, so the same bytes give another stack after the
 * first kernel frame; a bad line is counted each time; a callchain that
 * the next head ends (no blank line) and one frame more are their own. */
static void run_repeated_callchains(const char *memo)
{
	static const char head[] =
		"sh  6303 [000] 1.%06d:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n";
	static const char user[] = "\t           f8350 __GI___libc_write+0x10\n\n";
	static const char kernel[] =
		"\tffffffff8166cfa9 migrate_pages+0x739 ([kernel.kallsyms])\n"
		"\tffffffff81000130 entry_SYSCALL_64_after_hwframe+0x76 ([kernel.kallsyms])\n";
	static const char odd[] = "\tffffffff8166cfa9 migrate_pages+0x739 ([kernel.kallsyms])\n"
				  "\t \x01 binary\n\n";
	struct pb_buf text = { 0 };
	struct parse_run r;
	struct pb_record *rec;
	uint64_t kernel_key = 0;
	int t = 0;

	for (int rep = 0; rep < 3; rep++)	/* before any kernel address */
		pb_buf_addf(&text, head, t++), pb_buf_adds(&text, user);
	for (int rep = 0; rep < 3; rep++) {
		pb_buf_addf(&text, head, t++);
		pb_buf_addf(&text, "%s\n", kernel);
		pb_buf_addf(&text, head, t++);
		pb_buf_adds(&text, user);
		pb_buf_addf(&text, head, t++);
		pb_buf_adds(&text, odd);
		pb_buf_addf(&text, head, t++);
		pb_buf_adds(&text, kernel);	/* the next head ends it */
		pb_buf_addf(&text, head, t++);
		pb_buf_addf(&text, "%s\t           f8350 __GI___libc_write+0x10\n\n", kernel);
	}
	assert_int_equal(setenv("PINBLAME_RUN_MEMO", memo, 1), 0);
	run_open(&r, PB_FMT_PERF_SCRIPT, text.data);
	for (int rep = 0; rep < 3; rep++) {
		rec = run_next(&r);
		assert_int_equal(rec->nframes, 1);
		assert_int_equal(rec->nuframes, 0);
		assert_frame(&rec->frames[0], "__GI___libc_write", 0x10, 0, 0xf8350, NULL, 0);
	}
	for (int rep = 0; rep < 3; rep++) {
		rec = run_next(&r);
		assert_int_equal(rec->nframes, 2);
		assert_frame(&rec->frames[1], "entry_SYSCALL_64_after_hwframe", 0x76, 0,
			     0xffffffff81000130, NULL, 0);
		/* the first was read before any kernel address: another state */
		if (rep == 2 && *memo == '1')
			assert_int_equal(rec->frames_key, kernel_key);
		kernel_key = rec->frames_key;
		rec = run_next(&r);
		assert_int_equal(rec->nframes, 0);
		assert_int_equal(rec->nuframes, 1);
		assert_frame(&rec->uframes[0], "__GI___libc_write", 0x10, 0, 0xf8350, NULL,
			     PB_FRAME_USER);
		rec = run_next(&r);
		assert_int_equal(rec->nframes, 1);
		rec = run_next(&r);
		assert_int_equal(rec->nframes, 2);
		rec = run_next(&r);
		assert_int_equal(rec->nframes, 2);
		assert_int_equal(rec->nuframes, 1);
	}
	run_end(&r);
	assert_int_equal(unsetenv("PINBLAME_RUN_MEMO"), 0);
	assert_int_equal(r.bad[PB_BAD_BINARY], 3);
	assert_int_equal(run_bad_total(&r), 3);
	run_close(&r);
	pb_buf_free(&text);
}

static void test_repeated_callchains_with_the_memo(void **state)
{
	(void)state;
	run_repeated_callchains("1");
}

static void test_repeated_callchains_without_the_memo(void **state)
{
	(void)state;
	run_repeated_callchains("0");
}

/* --format perf-script on callchains whose heads are not understood
 * (g-F-ip-sym-symoff-dso: -F ip,sym,symoff,dso prints no head): each line
 * is counted */
static void test_orphan_frames(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "\n"
		 "\tffffffff8166cfa9 migrate_pages+0x739 ([kernel.kallsyms])\n"
		 "\tffffffff815d0dca __compact_zone+0x60a ([kernel.kallsyms])\n"
		 "\tffffffff815d18f7 compact_node+0xb7 ([kernel.kallsyms])\n"
		 "\tffffffff815d1aae sysctl_compaction_handler+0x9e ([kernel.kallsyms])\n"
		 "\tffffffff817899a1 proc_sys_call_handler+0x1d1 ([kernel.kallsyms])\n"
		 "\tffffffff816b946f vfs_write+0x22f ([kernel.kallsyms])\n"
		 "\tffffffff816b9856 ksys_write+0x66 ([kernel.kallsyms])\n"
		 "\tffffffff821ed511 do_syscall_64+0x71 ([kernel.kallsyms])\n"
		 "\tffffffff81000130 entry_SYSCALL_64_after_hwframe+0x76 ([kernel.kallsyms])\n"
		 "\t           f8350 __GI___libc_write+0x10 (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
		 "\t               0 [unknown] ([unknown])\n"
		 "\n");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 11);
	assert_int_equal(r.last_bad_line, 12);
	assert_int_equal(run_bad_total(&r), 11);
	run_close(&r);
}

/* --reltime (nog-reltime) and --deltatime (perf script --deltatime of the
 * same recording) against the default times (nog-default) */
static void test_time_base(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "              sh  6256 [000]     0.000000:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "              sh  6256 [000]     0.000129:              migrate:mm_migrate_pages: nr_succeeded=2 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=compaction\n"
		 "              sh  6256 [000]     0.000131: compaction:mm_compaction_migratepages: nr_migrated=2 nr_failed=0\n");
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 0);
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 129000);
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 131000);
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "relative");
	run_close(&r);

	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "              sh  6256 [000]     0.000000:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "              sh  6256 [000]     0.000129:              migrate:mm_migrate_pages: nr_succeeded=2 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=compaction\n"
		 "              sh  6256 [000]     0.000001: compaction:mm_compaction_migratepages: nr_migrated=2 nr_failed=0\n");
	run_next(&r);
	run_next(&r);
	rec = run_next(&r);
	/* kept as printed */
	assert_int_equal(rec->ts_ns, 1000);
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "delta");
	run_close(&r);

	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "              sh  6256 [000] 13744.611209:        migrate:mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction\n"
		 "              sh  6256 [000] 13744.611339:              migrate:mm_migrate_pages: nr_succeeded=2 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=compaction\n");
	run_next(&r);
	run_next(&r);
	run_end(&r);
	assert_null(pb_parser_meta(r.p, "clock"));
	run_close(&r);
}

/* samples/perf-script-5.15-page_pinner-rfc.txt (scenario B) */
static void test_page_pinner_rfc_samples_with_kernel_and_user_frames(void **state)
{
	struct event_count counts[] = {
		{ "cma:cma_alloc_start", 0 }, { "page_pinner:page_pinner_failure", 0 },
		{ "cma:cma_alloc_busy_retry", 0 }, { "page_pinner:page_pinner_put", 0 },
		{ "cma:cma_alloc_finish", 0 }, { NULL, 0 },
	};
	struct totals t = { 0 };
	struct parse_run r;
	struct pb_record *rec;
	int rc;

	(void)state;
	run_open_file(&r, PB_FMT_UNKNOWN, "samples/perf-script-5.15-page_pinner-rfc.txt");
	assert_int_equal(pb_parser_format(r.p), PB_FMT_PERF_SCRIPT);
	while ((rc = next_counted(&r, &rec, counts, &t)) == 1) {
		if (t.records == 1) {
			assert_string_equal(rec->comm, "ffmpeg");
			assert_int_equal(rec->pid, 5102);
			assert_int_equal(rec->cpu, 2);
			assert_int_equal(rec->ts_ns, 3244931002000);
			assert_int_equal(rec->nframes, 6);
			assert_frame(&rec->frames[0], "cma_alloc", 0x1f0, 0, 0xffffffff8134a1c0,
				     NULL, 0);
			assert_int_equal(rec->nuframes, 1);
			assert_frame(&rec->uframes[0], "__GI___ioctl", 0xb, 0, 0x7f2d8c41e9bb,
				     "/usr/lib/x86_64-linux-gnu/libc.so.6", PB_FRAME_USER);
		}
		if (!strcmp(rec->event, "cma_alloc_finish"))
			assert_field(rec, "page", "(nil)");
		if (t.records == 8) {
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
	assert_int_equal(t.records, 8);
	/* grep -cP '^\t' $F -> 64 frame lines, of which 8 repeat the sample's
	 * first frame and 3 are in user dsos: grep -c '(/usr/lib' $F */
	assert_int_equal(t.frames, 64 - 8 - 3);
	assert_int_equal(t.uframes, 3);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A callchain whose TABs a web page took with the rest of the paste's
 * leading white space: the address column first and the dso last make a
 * line a frame still; a head is one where it reads as one. */
static void test_callchain_without_its_tabs(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "sh 267 [000] 5.959264: cma:cma_alloc_start: name=hugetlb0 count=8192 align=13\n"
		 "ffff80000839cbf0 cma_alloc+0x3a0 ([kernel.kallsyms])\n"
		 "ffff800008350468 alloc_fresh_huge_page+0x94 ([kernel.kallsyms])\n"
		 "4a7cc [unknown] (/bin/busybox)\n"
		 "\n"
		 "sh 267 [000] 5.959300: cma:cma_alloc_finish: name=hugetlb0 pfn=0x0 page=0x0 count=8192 align=13 errorno=-16\n"
		 "ffff80000839cd10 cma_alloc+0x4c0 ([kernel.kallsyms])\n"
		 "\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_start");
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[1], "alloc_fresh_huge_page", 0x94, 0, 0xffff800008350468,
		     NULL, 0);
	assert_int_equal(rec->nuframes, 1);
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_finish");
	assert_int_equal(rec->nframes, 1);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* perf 6.19+ can defer a sample's user callchain (the kernel unwinds it
 * on the way back to user space): the sample's callchain then ends with a
 * "(cookie)" entry in place of a symbol (evsel_fprintf.c), and with
 * --no-merge-callchains the user frames come later as a record of their
 * own, "DEFERRED CALLCHAIN [cookie: %llx]" after the sample columns
 * (builtin-script.c). The cookie is no frame; the record and its frames
 * are side-band, not lines refused. */
static void test_deferred_user_callchain_is_side_band(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "holdpin  3001 [000]   790.112233: page_ref:page_ref_mod: pfn=0x8a310 flags=uptodate|lru count=3 mapcount=1 mapping=0000000000000000 mt=1 val=1\n"
		 "\tffff800080312a40 __page_ref_mod+0x0 ([kernel.kallsyms])\n"
		 "\tffff800080312b00 try_grab_folio+0x40 ([kernel.kallsyms])\n"
		 "\tffff800001a10044 mydrv_pin_buffer+0x44 ([mydrv])\n"
		 "\t        12345678 (cookie) ([unknown])\n"
		 "\n"
		 "holdpin  3001 [000]   790.112240: DEFERRED CALLCHAIN [cookie: 12345678]\n"
		 "\t    7f1a2b3c4d5e ioctl+0xe (/usr/lib/libc.so.6)\n"
		 "\t    55d0c0ffee00 main+0x40 (/usr/bin/holdpin)\n"
		 "\n"
		 "cma_test  3120 [002]   812.004300: cma:cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=512 align=9 errorno=-16\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "page_ref_mod");
	assert_int_equal(rec->nframes, 3);
	assert_string_equal(rec->frames[2].symbol, "mydrv_pin_buffer");
	assert_int_equal(rec->nuframes, 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_finish");
	assert_int_equal(rec->line, 11);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	assert_string_equal(pb_parser_meta(r.p, "sideband_records"), "1");
	run_close(&r);
}

/* perf script -F ...,trace,ip,sym,dso of samples without a callchain:
 * the sample's address, "%16" PRIx64 after a blank, then " sym+0x.."
 * and " (dso)", on the line of the body (builtin-script.c
 * process_event(), evsel_fprintf.c sample__fprintf_sym()), a srcline
 * under it with +srcline. They were words of the body's last value
 * (errorno "-16 ffffffff81234569 ...", not a number). */
static void test_sample_address_after_the_body(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "              sh   412 [001]  1024.500106: page_isolation:test_pages_isolated: start_pfn=0xb2800 end_pfn=0xb2c00 fin_pfn=0xb2a13 ret=fail         c0123456 test_pages_isolated\n"
		 "  mm/page_isolation.c:300\n"
		 "              sh   412 [001]  1024.500105: cma:cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=1024 align=8 errorno=-16 ffffffff81234569 __cma_alloc+0x200 ([kernel.kallsyms])\n"
		 "              sh   412 [001]  1024.500107: cma:cma_alloc_start:   ffffffff81234567\n"
		 "              sh   412 [001]  1024.500108: cma:cma_bitmap: bitmap:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n"
		 "              sh   412 [001]  1024.500109: probe:pin: ffffffff8123456a\n"
		 /* libtraceevent's decimal array: a u64 item has up to 20 digits,
		  * more than an address's 16; a 16-digit one after one blank is
		  * an item when no symbol or dso follows it */
		 "              sh   412 [001]  1024.500110: cma:cma_bitmap: bitmap:0 18446744073709551615\n"
		 "              sh   412 [001]  1024.500111: cma:cma_bitmap: bitmap:0 1125899906842623 7\n"
		 "              sh   412 [001]  1024.500112: cma:cma_bitmap: bitmap:0 1125899906842623\n"
		 "              sh   412 [001]  1024.500113: cma:cma_bitmap: bitmap:0 9000000000234567 cma_alloc+0x10 ([kernel.kallsyms])\n");
	rec = run_next(&r);
	/* a 32-bit kernel's address, padded to 16 */
	assert_field(rec, "ret", "fail");
	assert_int_equal(rec->nframes, 1);
	assert_frame(&rec->frames[0], "test_pages_isolated", 0, 0, 0xc0123456, NULL, 0);
	rec = run_next(&r);
	assert_string_equal(rec->body, "name=reserved pfn=0x0 page=0000000000000000 count=1024 align=8 errorno=-16");
	assert_field(rec, "errorno", "-16");
	assert_int_equal(rec->nframes, 1);
	assert_frame(&rec->frames[0], "__cma_alloc", 0x200, 0, 0xffffffff81234569, NULL, 0);
	rec = run_next(&r);
	assert_int_equal(rec->line, 4);
	assert_string_equal(rec->body, "");
	assert_int_equal(rec->nframes, 1);
	assert_frame(&rec->frames[0], "0xffffffff81234567", 0, 0, 0xffffffff81234567, NULL, 0);
	/* numbers of an array, and a body's own first word: no address */
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 0);
	assert_string_equal(rec->body, "bitmap:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21");
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 0);
	assert_string_equal(rec->body, "ffffffff8123456a");
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 0);
	assert_string_equal(rec->body, "bitmap:0 18446744073709551615");
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 0);
	assert_string_equal(rec->body, "bitmap:0 1125899906842623 7");
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 0);
	assert_string_equal(rec->body, "bitmap:0 1125899906842623");
	/* an all-decimal address (loongarch64's 0x9000...) with its symbol */
	rec = run_next(&r);
	assert_string_equal(rec->body, "bitmap:0");
	assert_int_equal(rec->nframes, 1);
	assert_frame(&rec->frames[0], "cma_alloc", 0x10, 0, 0x9000000000234567, NULL, 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The columns perf script prints after the trace body besides the ip
 * (builtin-script.c process_event()): -F addr and weight ("%16" PRIx64 /
 * PRIu64, 0 for a tracepoint: 15 blanks and "0") before the ip columns;
 * iregs and uregs (" ABI:%llu " then "%5s:0x%llx " each), ilen (" ilen:
 * %d"), insn (" insn:" then the bytes) and phys_addr ("%16" PRIx64) after
 * them. They were words of the body's last value, and after them the ip
 * columns were no frame. */
static void test_columns_after_the_body_are_cut(void **state)
{
#define HEAD "              sh   412 [001]  1024.500105: cma:cma_alloc_finish: " \
	"name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16"
#define IP " ffffffff81234569 __cma_alloc+0x200 ([kernel.kallsyms])"
	static const struct {
		const char *line;
		int frame;
	} lines[] = {
		{ HEAD "               0\n", 0 },				/* addr */
		{ HEAD "               0               0" IP "\n", 1 },	/* addr, weight */
		{ HEAD " ABI:2    AX:0x0    BX:0xffff888100a3c000 \n", 0 },	/* iregs */
		{ HEAD IP " ABI:2    AX:0x0    IP:0xffffffff81234569  ABI:2    SP:0x7ffc12345678 \n", 1 },
		{ HEAD IP " ABI:1    x0:0x0   x29:0xffff800008f3bd40    lr:0xffff80000839cbf0 \n", 1 },
		{ HEAD IP " ilen: 0\n", 1 },
		{ HEAD IP " ilen: 5 insn: e8 1b 2c 3d 4e\n", 1 },
		{ HEAD IP " insn: 0f 1f 44 00 00\n", 1 },			/* no ilen */
		{ HEAD IP "               0\n", 1 },			/* phys_addr */
		{ HEAD "               0" IP " ABI:2    AX:0x0  ilen: 0               0\n", 1 },
	};
	char text[4096] = "";
	struct parse_run r;

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(lines); i++)
		strcat(text, lines[i].line);
	/* a body's own last value, a number after one blank, stays */
	strcat(text, "              sh   412 [001]  1024.500106: page_ref:page_ref_mod: pfn=0x1 flags=lru count=2 mapcount=0 mapping=(nil) mt=1 val=0\n");
	run_open(&r, PB_FMT_PERF_SCRIPT, text);
	for (size_t i = 0; i < PB_ARRAY_SIZE(lines); i++) {
		struct pb_record *rec = run_next(&r);

		assert_string_equal(rec->body,
				    "name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16");
		assert_field(rec, "errorno", "-16");
		assert_int_equal(rec->nframes, lines[i].frame);
		if (lines[i].frame)
			assert_frame(&rec->frames[0], "__cma_alloc", 0x200, 0, 0xffffffff81234569,
				     NULL, 0);
	}
	assert_field(run_next(&r), "val", "0");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
#undef HEAD
#undef IP
}

/* With a callchain, the columns after the ip (iregs, uregs, ilen, insn,
 * phys_addr) come on a line of their own after the last frame, and no
 * blank line follows them (process_event(): the callchain's lines, then
 * those columns, then "\n"). After a srcline the line was read as the
 * callchain's root frame "ABI:2 ...". */
static void test_columns_after_a_callchain_end_it(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "echo  1334 [001] 22952.614889: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16               0\n"
		 "\tffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])\n"
		 "  mm/cma.c:453\n"
		 "\tffffffff81302000 cma_alloc+0x10 ([kernel.kallsyms])\n"
		 "  mm/cma.c:520\n"
		 " ABI:2    AX:0xffffffffffffffda    BX:0x3  ilen: 6               0\n"
		 "echo  1334 [001] 22952.614890: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16\n"
		 "\tffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])\n"
		 "\tffffffff81302000 cma_alloc+0x10 ([kernel.kallsyms])\n"
		 " ABI:2    AX:0xffffffffffffffda    BX:0x3 \n"
		 "echo  1334 [001] 22952.614891: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16\n"
		 "\tffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])\n"
		 "               0\n"
		 "echo  1334 [001] 22952.614892: cma:cma_alloc_start: name=reserved count=1024 align=8\n");
	for (int i = 0; i < 3; i++) {
		rec = run_next(&r);
		assert_field(rec, "errorno", "-16");
		assert_int_equal(rec->nframes, i < 2 ? 2 : 1);
		assert_frame(&rec->frames[0], "__cma_alloc", 0x3b0, 0, 0xffffffff81301c10, NULL, 0);
		if (i < 2)
			assert_frame(&rec->frames[1], "cma_alloc", 0x10, 0, 0xffffffff81302000, NULL, 0);
	}
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_start");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The columns process_event() prints after a tracepoint's body with no
 * name of their own (builtin-script.c, doc/FORMATS.md section 1.1):
 * data_src ("%16" PRIx64 " |OP ...|LVL ...|SNP ...|TLB ...|LCK ...|BLK ...",
 * 4.x/5.x without OP and BLK), cgroup (" %s" of its path), data_page_size
 * and code_page_size (" %s" of "N/A", "4K", "2M"), ipc (" \t IPC: ...").
 * They were words of the body's last value (errorno "-16 N/A 4K"), and
 * the ip columns after data_src or cgroup lost the sample's frame. */
static void test_unnamed_columns_after_the_body_are_cut(void **state)
{
#define HEAD "              sh   412 [001]  1024.500105: cma:cma_alloc_finish: " \
	"name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16"
#define IP " ffffffff81234569 __cma_alloc+0x200 ([kernel.kallsyms])"
#define DSRC6 "         5080021 |OP N/A|LVL N/A|SNP N/A|TLB N/A|LCK N/A|BLK  N/A"
#define DSRC5 "         5080021 N/A|SNP N/A|TLB N/A|LCK N/A"
	static const struct {
		const char *line;
		int frame;
	} lines[] = {
		{ HEAD " N/A 4K\n", 0 },				/* page sizes */
		{ HEAD " N/A\n", 0 },
		{ HEAD IP " N/A 2M\n", 1 },
		{ HEAD IP "               0 N/A 4K\n", 1 },		/* phys_addr first */
		{ HEAD IP " ABI:2    AX:0x0  N/A\n", 1 },
		{ HEAD DSRC6 "\n", 0 },					/* data_src */
		{ HEAD DSRC6 "   \n", 0 },			/* padded to a wider one's */
		{ HEAD DSRC6 IP "\n", 1 },
		{ HEAD "               0" DSRC5 "               0" IP "\n", 1 },
		{ HEAD " /user.slice/user-1000.slice/session-2.scope\n", 0 },	/* cgroup */
		{ HEAD "               0 /" IP "\n", 1 },
		{ HEAD DSRC6 "   unknown" IP " 4K\n", 1 },
		{ HEAD " /system.slice N/A 4K\n", 0 },
		{ HEAD IP " \t IPC: 1.25 (5/4) \n", 1 },			/* ipc */
	};
	char text[8192] = "";
	struct parse_run r;

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(lines); i++)
		strcat(text, lines[i].line);
	/* a value of words after one blank stays: no column ends before it */
	strcat(text, "              sh   412 [001]  1024.500106: probe:pin: comm=\"sh\" note=a b 4K\n");
	run_open(&r, PB_FMT_PERF_SCRIPT, text);
	for (size_t i = 0; i < PB_ARRAY_SIZE(lines); i++) {
		struct pb_record *rec = run_next(&r);

		assert_string_equal(rec->body,
				    "name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16");
		assert_field(rec, "errorno", "-16");
		assert_int_equal(rec->nframes, lines[i].frame);
		if (lines[i].frame)
			assert_frame(&rec->frames[0], "__cma_alloc", 0x200, 0, 0xffffffff81234569,
				     NULL, 0);
	}
	assert_field(run_next(&r), "note", "a b 4K");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
#undef HEAD
#undef IP
#undef DSRC6
#undef DSRC5
}

/* With a callchain the page sizes are a line of their own after the last
 * frame (" N/A 4K"), which ends it as the blank line would. */
static void test_page_sizes_after_a_callchain_end_it(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PERF_SCRIPT,
		 "echo  1334 [001] 22952.614889: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16\n"
		 "\tffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])\n"
		 "  mm/cma.c:453\n"
		 " N/A 4K\n"
		 "echo  1334 [001] 22952.614890: cma:cma_alloc_finish: name=reserved pfn=0x0 page=(nil) count=1024 align=8 errorno=-16\n"
		 "\tffffffff81301c10 __cma_alloc+0x3b0 ([kernel.kallsyms])\n"
		 "               0 N/A 2M\n"
		 "echo  1334 [001] 22952.614892: cma:cma_alloc_start: name=reserved count=1024 align=8\n");
	for (int i = 0; i < 2; i++) {
		rec = run_next(&r);
		assert_field(rec, "errorno", "-16");
		assert_int_equal(rec->nframes, 1);
		assert_frame(&rec->frames[0], "__cma_alloc", 0x3b0, 0, 0xffffffff81301c10, NULL, 0);
	}
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_start");
	run_end(&r);
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
		cmocka_unit_test(test_few_columns),
		cmocka_unit_test(test_detect_few_columns),
		cmocka_unit_test(test_sideband),
		cmocka_unit_test(test_side_band_task_records_are_skipped),
		cmocka_unit_test(test_frames_without_dso),
		cmocka_unit_test(test_repeated_callchains_with_the_memo),
		cmocka_unit_test(test_repeated_callchains_without_the_memo),
		cmocka_unit_test(test_orphan_frames),
		cmocka_unit_test(test_time_base),
		cmocka_unit_test(test_page_pinner_rfc_samples_with_kernel_and_user_frames),
		cmocka_unit_test(test_callchain_without_its_tabs),
		cmocka_unit_test(test_deferred_user_callchain_is_side_band),
		cmocka_unit_test(test_sample_address_after_the_body),
		cmocka_unit_test(test_columns_after_the_body_are_cut),
		cmocka_unit_test(test_columns_after_a_callchain_end_it),
		cmocka_unit_test(test_unnamed_columns_after_the_body_are_cut),
		cmocka_unit_test(test_page_sizes_after_a_callchain_end_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
