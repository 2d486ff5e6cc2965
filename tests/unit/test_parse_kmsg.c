/* Kernel log parser (doc/FORMATS.md section 2): the real dmesg captures, the 6.6 sample
 * with page_owner blocks, every printk prefix style and the dump_page()
 * layouts from 5.10 to 6.11+. */
#include "parse_run.h"

#include "../../lib/parse/kmsg_int.h"

/* Totals over a whole kernel log. */
struct kmsg_totals {
	unsigned long dumps, migration_failures, with_pfn, holdpages, traces, trace_frames;
	unsigned long migrate_failed, other;
};

static void kmsg_totals(struct parse_run *r, struct kmsg_totals *t)
{
	struct pb_record *rec;
	int rc;

	memset(t, 0, sizeof(*t));
	while ((rc = pb_parser_next(r->p, &rec)) == 1) {
		const char *reason = pb_record_field(rec, "reason");
		const char *dentry = pb_record_field(rec, "dentry");

		assert_string_equal(rec->system, "kmsg");
		if (!strcmp(rec->event, "dump_page")) {
			t->dumps++;
			t->migration_failures += reason && !strcmp(reason, "migration failure");
			t->with_pfn += pb_record_field(rec, "pfn") != NULL;
			t->holdpages += dentry && !strcmp(dentry, "holdpages.dat");
		} else if (!strcmp(rec->event, "call_trace")) {
			t->traces++;
			t->trace_frames += rec->nframes;
		} else if (!strcmp(rec->event, "migrate_failed")) {
			t->migrate_failed++;
		} else {
			t->other++;
		}
	}
	assert_int_equal(rc, 0);
}

static void test_arm64_log_dump_fields_and_call_traces_as_grep_counts(void **state)
{
	struct kmsg_totals t;
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open_file(&r, PB_FMT_KMSG, "real/arm64-ftrace-hugetlb-cma/dmesg.txt");
	/* grep -n 'cma: Reserved' dmesg.txt -> 23 (hugetlb_cma's: its
	 * "reserved ... on node 0" line follows), 33 (the global area) */
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_area");
	assert_int_equal(rec->line, 23);
	assert_field(rec, "name", "hugetlb0");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_area");
	assert_int_equal(rec->line, 33);
	assert_field(rec, "base", "0x00000000f0000000");
	/* grep -n -m1 'Call trace:' dmesg.txt -> 280; CPU: line 278 */
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->line, 280);
	assert_int_equal(rec->ts_ns, 41611249000);
	assert_int_equal(rec->cpu, 1);
	assert_int_equal(rec->pid, 106);
	assert_string_equal(rec->comm, "sh");
	/* awk 'NR>280 && /^\[[ 0-9.]+\]  [a-z_]/{n++} NR>280 && !/^\[[ 0-9.]+\]  /
	 *      {print n; exit}' dmesg.txt -> 23 */
	assert_int_equal(rec->nframes, 23);
	assert_frame(&rec->frames[0], "dump_backtrace", 0xe4, 0x140, 0, NULL, 0);
	assert_frame(&rec->frames[4], "__alloc_contig_migrate_range", 0x1f4, 0x230, 0, NULL, 0);
	assert_frame(&rec->frames[22], "el0t_64_sync", 0x18c, 0x190, 0, NULL, 0);

	/* sed -n 304,310p dmesg.txt */
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->line, 304);
	assert_int_equal(rec->ts_ns, 41611842000);
	assert_int_equal(rec->pid, -1);
	assert_string_equal(rec->body, "page:fffffc0004380140 refcount:3 mapcount:0 "
			    "mapping:ffff00010c80bc38 index:0x1540 pfn:0x14e005");
	assert_field(rec, "page", "fffffc0004380140");
	assert_field(rec, "refcount", "3");
	assert_field(rec, "mapcount", "0");
	assert_field(rec, "mapping", "ffff00010c80bc38");
	assert_field(rec, "index", "0x1540");
	assert_field(rec, "pfn", "0x14e005");
	assert_field(rec, "memcg", "ffff00010010a000");
	assert_field(rec, "aops", "0xffff800008d36200");
	assert_field(rec, "ino", "2");
	assert_field(rec, "dentry", "holdpages.dat");
	assert_field(rec, "flags", "0xbfffc000008002e(referenced|uptodate|dirty|active|"
		     "swapbacked|node=0|zone=2|lastcpupid=0xffff)");
	assert_field(rec, "reason", "migration failure");
	assert_null(pb_record_field(rec, "anon"));
	assert_null(pb_record_field(rec, "cma"));
	assert_int_equal(rec->nfields, 12);
	assert_int_equal(rec->nframes, 0);
	run_close(&r);

	run_open_file(&r, PB_FMT_KMSG, "real/arm64-ftrace-hugetlb-cma/dmesg.txt");
	kmsg_totals(&r, &t);
	/* grep -c 'page dumped because: migration failure' dmesg.txt -> 172 */
	assert_int_equal(t.dumps, 172);
	assert_int_equal(t.migration_failures, 172);
	/* grep -c '^.\{15\}page:.* pfn:0x' dmesg.txt -> 172 */
	assert_int_equal(t.with_pfn, 172);
	/* grep -c 'dentry name(?):"holdpages.dat"' dmesg.txt -> 172 */
	assert_int_equal(t.holdpages, 172);
	/* grep -c 'Call trace:' -> 160; grep -c '^\[[ 0-9.]*\]  [_a-z]' -> 3680 */
	assert_int_equal(t.traces, 160);
	assert_int_equal(t.trace_frames, 3680);
	/* the two CMA areas of lines 23 and 33 */
	assert_int_equal(t.migrate_failed + t.other, 2);
	/* a kernel log is mostly unrelated text: none of it is a bad line */
	assert_int_equal(run_bad_total(&r), 0);
	/* head -2 dmesg.txt: "Linux version 6.1.0-50-arm64 ..." */
	assert_string_equal(pb_parser_meta(r.p, "kernel"), "6.1.0-50-arm64");
	assert_string_equal(pb_parser_meta(r.p, "arch"), "aarch64");
	run_close(&r);
}

static void test_second_arm64_log_dumps_and_call_traces_as_grep_counts(void **state)
{
	struct kmsg_totals t;
	struct parse_run r;

	(void)state;
	run_open_file(&r, PB_FMT_KMSG, "real/arm64-tracecmd-hugetlb-cma/dmesg.txt");
	kmsg_totals(&r, &t);
	/* grep -c 'page dumped because: migration failure' -> 98 */
	assert_int_equal(t.dumps, 98);
	assert_int_equal(t.migration_failures, 98);
	assert_int_equal(t.holdpages, 98);
	/* grep -c 'Call trace:' -> 84; grep -c '^\[[ 0-9.]*\]  [_a-z]' -> 1932 */
	assert_int_equal(t.traces, 84);
	assert_int_equal(t.trace_frames, 1932);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

static void test_x86_call_trace_skips_stale_frames_and_migrating_pfn_is_a_record(void **state)
{
	struct kmsg_totals t;
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open_file(&r, PB_FMT_KMSG, "real/amd64-ftrace-gigantic-nocma/dmesg.txt");
	/* the warn_alloc() trace, lines 419-467: "? " frames are stale stack
	 * words, <TASK> markers and the user registers are not frames.
	 * awk 'NR>421 && /^\[[ 0-9.]+\]  [a-z_]/{n++}
	 *      NR>421 && !/^\[[ 0-9.]+\]  /{print n; exit}' dmesg.txt -> 20 */
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->line, 421);
	assert_string_equal(rec->body, "Call Trace:");
	assert_int_equal(rec->cpu, 1);
	assert_int_equal(rec->pid, 107);
	assert_string_equal(rec->comm, "sh");
	assert_int_equal(rec->nframes, 20);
	assert_frame(&rec->frames[0], "dump_stack_lvl", 0x44, 0x5c, 0, NULL, 0);
	assert_frame(&rec->frames[2], "__alloc_pages_slowpath.constprop.0", 0xd04, 0xe70, 0,
		     NULL, 0);
	assert_frame(&rec->frames[19], "entry_SYSCALL_64_after_hwframe", 0x6e, 0xd8, 0, NULL, 0);

	/* sed -n 509,516p dmesg.txt */
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_int_equal(rec->line, 509);
	assert_int_equal(rec->ts_ns, 44142053000);
	assert_field(rec, "pfn", "0x102496");
	assert_field(rec, "ret", "726");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->line, 510);
	assert_field(rec, "pfn", "0x102496");
	assert_field(rec, "aops", "shmem_aops");
	assert_field(rec, "dentry", "holdpages.dat");
	assert_field(rec, "flags", "0x1fffffc008002e(referenced|uptodate|dirty|active|"
		     "swapbacked|node=0|zone=3|lastcpupid=0x1fffff)");
	run_close(&r);

	run_open_file(&r, PB_FMT_KMSG, "real/amd64-ftrace-gigantic-nocma/dmesg.txt");
	kmsg_totals(&r, &t);
	/* grep -c 'page dumped because' -> 10;
	 * grep -c 'migrating pfn [0-9a-f]* failed ret:' -> 10 */
	assert_int_equal(t.dumps, 10);
	assert_int_equal(t.migration_failures, 10);
	assert_int_equal(t.migrate_failed, 10);
	assert_int_equal(t.traces, 1);
	assert_int_equal(t.other, 0);
	assert_int_equal(run_bad_total(&r), 0);
	assert_string_equal(pb_parser_meta(r.p, "kernel"), "6.1.0-50-amd64");
	assert_string_equal(pb_parser_meta(r.p, "arch"), "x86_64");
	run_close(&r);
}

/* testdata/samples/dmesg-6.6-dump_page-folio.txt: dump_stack() first, two
 * dumps with page_owner blocks, the CMA failure, a THP tail page. */
static void test_6_6_dump_page_with_page_owner_and_compound_tail_fields(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open_file(&r, PB_FMT_KMSG, "samples/dmesg-6.6-dump_page-folio.txt");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->line, 3);
	assert_int_equal(rec->cpu, 4);
	assert_int_equal(rec->pid, 2210);
	assert_string_equal(rec->comm, "cam_alloc");
	/* sed -n 4,19p: 16 frames */
	assert_int_equal(rec->nframes, 16);
	assert_frame(&rec->frames[6], "cma_alloc", 0x1a4, 0x600, 0, NULL, 0);

	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->line, 20);
	assert_int_equal(rec->ts_ns, 4120309970000);
	assert_field(rec, "pfn", "0xa3a41");
	assert_field(rec, "refcount", "1027");
	assert_field(rec, "dentry", "cuda.shm.1873");
	assert_field(rec, "reason", "migration failure");
	assert_field(rec, "owner_state", "allocated");
	assert_field(rec, "owner_order", "0");
	assert_field(rec, "migratetype", "Movable");
	assert_field(rec, "gfp_mask", "0x100cca(GFP_HIGHUSER_MOVABLE)");
	assert_field(rec, "owner_pid", "1873");
	assert_field(rec, "owner_tgid", "1870");
	assert_field(rec, "owner_comm", "cuda-EvtHandlr");
	assert_field(rec, "owner_ts", "4101002113450");
	assert_field(rec, "owner_free_ts", "0");
	/* sed -n 31,42p: the allocation stack, 12 frames */
	assert_int_equal(rec->nframes, 12);
	assert_frame(&rec->frames[0], "post_alloc_hook", 0x1a0, 0x1c8, 0, NULL, 0);
	assert_frame(&rec->frames[11], "do_page_fault", 0x210, 0x460, 0, NULL, 0);

	rec = run_next(&r);
	assert_int_equal(rec->line, 43);
	assert_field(rec, "pfn", "0xa3a42");
	assert_field(rec, "owner_ts", "4101002115012");
	assert_int_equal(rec->nframes, 12);

	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_int_equal(rec->line, 66);
	assert_int_equal(rec->ts_ns, 4120550322000);
	assert_field(rec, "name", "reserved");
	assert_field(rec, "count", "2048");
	assert_field(rec, "ret", "-16");

	/* 6.3-6.8 compound tail page: head: line, raw head: rows */
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->line, 67);
	assert_field(rec, "pfn", "0xba3a4");
	assert_field(rec, "head", "fffffc0002e8e800");
	assert_field(rec, "order", "9");
	assert_field(rec, "entire_mapcount", "1");
	assert_field(rec, "nr_pages_mapped", "0");
	assert_field(rec, "pincount", "0");
	assert_field(rec, "mapcount", "1");
	assert_field(rec, "anon", "1");
	assert_field(rec, "flags", "0x3fffc0000090068(uptodate|lru|head|swapbacked|node=0|"
		     "zone=0|lastcpupid=0xffff)");
	assert_null(pb_record_field(rec, "owner_pid"));
	assert_int_equal(rec->nframes, 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	/* "CPU: 4 PID: 2210 Comm: cam_alloc Tainted: P  O  6.6.30-android15-... #1" */
	assert_string_equal(pb_parser_meta(r.p, "kernel"), "6.6.30-android15-8-g1a2b3c4d5e6f");
	assert_null(pb_parser_meta(r.p, "arch"));
	run_close(&r);
}

/* The same message behind every prefix style the tools print, and its
 * time: the printk time when the line has it, else the date in ns since
 * the epoch (date -u -d '2025-11-25 10:00:44' +%s -> 1764064844; without
 * a year, 2000: date -u -d '2000-11-25 10:00:44' +%s -> 975146444). */
static void test_prefixes(void **state)
{
	static const struct {
		const char *line;
		int64_t ts;
		const char *clock;	/* parser meta "clock" */
	} cases[] = {
		{ "[   44.142053] migrating pfn 102496 failed ret:-16\n", 44142053000, NULL },
		{ "<4>[   44.142053] migrating pfn 102496 failed ret:-16\n", 44142053000, NULL },
		{ "[   44.142053][  T107] migrating pfn 102496 failed ret:-16\n", 44142053000, NULL },
		{ "[   44.142053] [    C1] migrating pfn 102496 failed ret:-16\n", 44142053000, NULL },
		{ "[   44.142053] [2:   Binder:714_1:  744] migrating pfn 102496 failed ret:-16\n",
		  44142053000, NULL },
		{ "4,1234,44142053,-;migrating pfn 102496 failed ret:-16\n", 44142053000, NULL },
		{ "kern  :warn  : [   44.142053] migrating pfn 102496 failed ret:-16\n",
		  44142053000, NULL },
		{ "[   44.142053] host kernel: migrating pfn 102496 failed ret:-16\n", 44142053000, NULL },
		/* dmesg -d; journalctl -o short-delta: the first number is the printk time */
		{ "[   44.142053 <    0.000022>] migrating pfn 102496 failed ret:-16\n",
		  44142053000, NULL },
		{ "[   44.142053 <    0.000022>] host kernel: migrating pfn 102496 failed ret:-16\n",
		  44142053000, NULL },
		/* syslog and rsyslog with the printk time after the date: that one */
		{ "Nov 25 10:00:44 host kernel: [   44.142053] migrating pfn 102496 failed ret:-16\n",
		  44142053000, NULL },
		{ "2025-11-25T10:00:44.600000+00:00 host kernel: [   44.142053] migrating pfn 102496 failed ret:-16\n",
		  44142053000, NULL },
		/* dmesg -T, also with -d, the day padded with a blank */
		{ "[Tue Nov 25 10:00:44 2025] migrating pfn 102496 failed ret:-16\n",
		  1764064844000000000, "realtime" },
		{ "[Tue Nov 25 10:00:44 2025 <    0.000022>] migrating pfn 102496 failed ret:-16\n",
		  1764064844000000000, "realtime" },
		/* date -u -d '2025-11-04 10:00:44' +%s -> 1762250444 */
		{ "[Tue Nov  4 10:00:44 2025] migrating pfn 102496 failed ret:-16\n",
		  1762250444000000000, "realtime" },
		/* dmesg --time-format iso */
		{ "2025-11-25T10:00:44,142053+00:00 migrating pfn 102496 failed ret:-16\n",
		  1764064844142053000, "realtime" },
		/* journalctl -o short, short-precise (syslog's " 5" day too) */
		{ "Nov 25 10:00:44 host kernel: migrating pfn 102496 failed ret:-16\n",
		  975146444000000000, "yearless" },
		{ "Nov 25 10:00:44.600000 host kernel: migrating pfn 102496 failed ret:-16\n",
		  975146444600000000, "yearless" },
		/* date -u -d '2000-11-05 10:00:44' +%s -> 973418444 */
		{ "Nov  5 10:00:44 host kernel: migrating pfn 102496 failed ret:-16\n",
		  973418444000000000, "yearless" },
		/* -o short-iso, short-iso-precise: 10:00:44+01:00 is 09:00:44 UTC
		 * (date -u -d '2025-11-25 09:00:44' +%s -> 1764061244) */
		{ "2025-11-25T10:00:44+0100 host kernel: migrating pfn 102496 failed ret:-16\n",
		  1764061244000000000, "realtime" },
		{ "2025-11-25T10:00:44.142053+01:00 host kernel: migrating pfn 102496 failed ret:-16\n",
		  1764061244142053000, "realtime" },
		/* -o short-full: UTC, or a zone name that leaves the time as printed */
		{ "Tue 2025-11-25 10:00:44 UTC host kernel: migrating pfn 102496 failed ret:-16\n",
		  1764064844000000000, "realtime" },
		{ "Tue 2025-11-25 10:00:44 CET host kernel: migrating pfn 102496 failed ret:-16\n",
		  1764064844000000000, "realtime" },
		/* -o short-unix */
		{ "1764064844.142053 host kernel: migrating pfn 102496 failed ret:-16\n",
		  1764064844142053000, "realtime" },
		/* dmesg --time-format reltime: the minute line (date -u -d
		 * '2000-11-25 10:00' +%s -> 975146400) */
		{ "[Nov25 10:00] migrating pfn 102496 failed ret:-16\n", 975146400000000000,
		  "yearless" },
		/* --time-format delta: from the first line */
		{ "[<    0.000022>] migrating pfn 102496 failed ret:-16\n", 22000, "relative" },
		/* reltime's delta with no minute line before it: from the first line */
		{ "[  +0.000022] migrating pfn 102496 failed ret:-16\n", 22000, "relative" },
		/* a syslog level before the time (dmesg -r, console logs) */
		{ "<6>[   44.142053] migrating pfn 102496 failed ret:-16\n", 44142053000, NULL },
		/* print_caller()'s "[%6s]" with a long pid, and Android's "T%u@C%u" */
		{ "[   44.142053][T123456] migrating pfn 102496 failed ret:-16\n", 44142053000, NULL },
		{ "[   44.142053][T1234@C3] migrating pfn 102496 failed ret:-16\n", 44142053000, NULL },
		{ "[   44.142053][T1234C3] migrating pfn 102496 failed ret:-16\n", 44142053000, NULL },
		{ "migrating pfn 102496 failed ret:-16\n", -1, NULL },
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(cases); i++) {
		const char *clock;
		struct parse_run r;
		struct pb_record *rec;

		run_open(&r, PB_FMT_KMSG, cases[i].line);
		rec = run_next(&r);
		assert_string_equal(rec->event, "migrate_failed");
		if (rec->ts_ns != cases[i].ts)
			fail_msg("%s: ts %lld", cases[i].line, (long long)rec->ts_ns);
		assert_field(rec, "pfn", "0x102496");
		assert_field(rec, "ret", "-16");
		run_end(&r);
		clock = pb_parser_meta(r.p, "clock");
		if (cases[i].clock)
			assert_string_equal(clock, cases[i].clock);
		else
			assert_null(clock);
		run_close(&r);
	}
}

/* dmesg --time-format reltime (-H, -e): "[  +x]" counts on from the line
 * before, a minute line replaces it when the minute changes. The line that
 * ends a dump is read twice (unget) and keeps its time. 975164100 is
 * date -u -d '2000-11-25 14:55' +%s. */
static void test_reltime(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[Nov25 14:54] migrating pfn 257f00 failed ret:28\n"
		 "[Nov25 14:55] migrating pfn 257f84 failed ret:28\n"
		 "[  +0.000022] page: refcount:3 mapcount:1 mapping:0000000000000000 index:0x7f1fd1246 pfn:0x257f84\n"
		 "[  +0.000004] memcg:ffff888109bc2300\n"
		 "[  +0.000002] anon flags: 0x17fff80002081c(referenced|uptodate)\n"
		 "[  +0.000016] page dumped because: migration failure\n"
		 "[  +0.000002] migrating pfn 257f2c failed ret:28\n"
		 "[Nov25 14:56] alloc_contig_range: [257e00, 257f00) PFNs busy\n"
		 "[ +12.500000] cma: cma_alloc: reserved: alloc failed, req-size: 2048 pages, ret: -16\n");
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 975164040000000000);
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 975164100000000000);
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->line, 3);
	assert_int_equal(rec->ts_ns, 975164100000022000);
	assert_field(rec, "pfn", "0x257f84");
	assert_field(rec, "memcg", "ffff888109bc2300");
	assert_field(rec, "anon", "1");
	assert_field(rec, "reason", "migration failure");
	/* 22 + 4 + 2 + 16 + 2 us */
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_int_equal(rec->ts_ns, 975164100000046000);
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_int_equal(rec->ts_ns, 975164160000000000);
	assert_field(rec, "start_pfn", "0x257e00");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_int_equal(rec->ts_ns, 975164172500000000);
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "yearless");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* --time-format delta: the sum of the deltas, from 0 at the first line. */
static void test_delta_only(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[<    0.000000>] Linux version 6.18.44 (builder@host) #1 SMP\n"
		 "[<    0.500000>] migrating pfn 1 failed ret:-16\n"
		 "[<   12.000001>] alloc_contig_range: [100000, 102000) PFNs busy\n");
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, 500000000);
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_int_equal(rec->ts_ns, 12500001000);
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "relative");
	run_close(&r);
}

/* One clock per file: the first line with a time sets it, a later line
 * without a time on it gets none. Year-less dates go on into the next
 * year after December (date -u -d '2000-12-31 23:59:59' +%s -> 978307199,
 * '2001-01-01 00:00:01' -> 978307201), not after a month back
 * ('2000-11-30 23:59:59' -> 975628799). */
static void test_one_clock(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[   44.142053] migrating pfn 1 failed ret:-16\n"
		 "[Tue Nov 25 10:00:44 2025] migrating pfn 2 failed ret:-16\n"
		 "[  +0.000022] migrating pfn 3 failed ret:-16\n");
	assert_int_equal(run_next(&r)->ts_ns, 44142053000);
	assert_int_equal(run_next(&r)->ts_ns, -1);
	assert_int_equal(run_next(&r)->ts_ns, -1);
	run_end(&r);
	run_close(&r);

	run_open(&r, PB_FMT_KMSG,
		 "Dec 01 00:00:01 host kernel: migrating pfn 1 failed ret:-16\n"
		 "Nov 30 23:59:59 host kernel: migrating pfn 2 failed ret:-16\n"
		 "Dec 31 23:59:59 host kernel: migrating pfn 3 failed ret:-16\n"
		 "Jan 01 00:00:01 host kernel: migrating pfn 4 failed ret:-16\n"
		 "Jan 01 00:00:02 host kernel: [   44.142053] migrating pfn 5 failed ret:-16\n");
	assert_int_equal(run_next(&r)->ts_ns, 975628801000000000);
	assert_int_equal(run_next(&r)->ts_ns, 975628799000000000);
	assert_int_equal(run_next(&r)->ts_ns, 978307199000000000);
	assert_int_equal(run_next(&r)->ts_ns, 978307201000000000);
	assert_int_equal(run_next(&r)->ts_ns, 978307202000000000);
	run_end(&r);
	run_close(&r);
}

/* dmesg --color=always: SGR escapes around the time and in the message
 * (lines of a 6.18 capture); other escapes stay. */
static void test_colour(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_UNKNOWN,
		 "\x1b[32m[13882.558122] \x1b[0m\x1b[1mmigrating pfn 257f84 failed ret:28\x1b[0m\n"
		 "\x1b[32m[13882.558144] \x1b[0m\x1b[33mpage: \x1b[0m\x1b[1mrefcount:3 mapcount:1 mapping:0000000000000000 index:0x7f1fd1246 pfn:0x257f84\x1b[0m\n"
		 "\x1b[32m[13882.558148] \x1b[0m\x1b[1mmemcg:ffff888109bc2300\x1b[0m\n"
		 "\x1b[32m[13882.558150] \x1b[0m\x1b[33manon flags: \x1b[0m\x1b[1m0x17fff80002081c(referenced|uptodate)\x1b[0m\n"
		 "\x1b[32m[13882.558166] \x1b[0m\x1b[33mpage dumped because: \x1b[0m\x1b[1mmigration failure\x1b[0m\n"
		 "\x1b[32m[13882.558167] \x1b[0m\x1b]0;title\x07alloc_contig_range: [1, 2) PFNs busy\x1b\n");
	assert_int_equal(pb_parser_format(r.p), PB_FMT_KMSG);
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_int_equal(rec->ts_ns, 13882558122000);
	assert_field(rec, "ret", "28");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->ts_ns, 13882558144000);
	assert_string_equal(rec->body, "page: refcount:3 mapcount:1 mapping:0000000000000000 "
			    "index:0x7f1fd1246 pfn:0x257f84");
	assert_field(rec, "pfn", "0x257f84");
	assert_field(rec, "memcg", "ffff888109bc2300");
	assert_field(rec, "flags", "0x17fff80002081c(referenced|uptodate)");
	assert_field(rec, "reason", "migration failure");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* journalctl without -k: other programs' lines are not the kernel's. */
static void test_journal_other_programs(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "Nov 25 10:00:44 host systemd[1]: migrating pfn 102496 failed ret:-16\n"
		 "Nov 25 10:00:45 host kernel: alloc_contig_range: [1b8000, 1c0000) PFNs busy\n");
	assert_string_equal(run_next(&r)->event, "pfns_busy");
	run_end(&r);
	run_close(&r);
}

/* 5.10: compound fields on the first line, "anon flags:", CMA suffix,
 * page->mem_cgroup after the reason; page_owner ~5.13 line without comm. */
static void test_dump_of_5_10_with_cma_flags_and_mem_cgroup(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  180.058990] page:00000000e7e1ea4e refcount:3 mapcount:1 mapping:0000000000000000 index:0x7f3a2c1 pfn:0x9f0bb0 head:000000009b3a4f1e order:9 compound_mapcount:1 compound_pincount:0\n"
		 "[  180.058991] anon flags: 0x4000000000080014(uptodate|lru|swapbacked) CMA\n"
		 "[  180.058992] raw: 4000000000080014 fffffffe0027c308 fffffffe0027c288 ffffff8812c4e4c1\n"
		 "[  180.058993] raw: 00000007f3a2c1 0000000000000000 0000000300000000 ffffff88016d8000\n"
		 "[  180.058994] page dumped because: migration failure\n"
		 "[  180.058995] page->mem_cgroup:ffffff88016d8000\n"
		 "[  180.058996] page last allocated via order 9, migratetype Movable, gfp_mask 0x1b0dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 412, ts 170012345678, free_ts 0\n"
		 "[  180.058997]  prep_new_page+0x90/0xe0\n"
		 "[  180.058998]  get_page_from_freelist+0x1c4/0x2a0\n"
		 "[  180.058999] page last free stack trace:\n"
		 "[  180.059000]  free_pcp_prepare+0x1c8/0x2a0\n"
		 "[  180.059001] page has been migrated, last migrate reason: compaction\n"
		 "[  180.059002] alloc_contig_range: [9f0a00, 9f0c00) PFNs busy\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "page", "00000000e7e1ea4e");
	assert_field(rec, "pfn", "0x9f0bb0");
	assert_field(rec, "head", "000000009b3a4f1e");
	assert_field(rec, "order", "9");
	assert_field(rec, "compound_mapcount", "1");
	assert_field(rec, "pincount", "0");
	assert_field(rec, "anon", "1");
	assert_field(rec, "cma", "1");
	assert_field(rec, "flags", "0x4000000000080014(uptodate|lru|swapbacked)");
	assert_field(rec, "memcg", "ffffff88016d8000");
	assert_field(rec, "owner_order", "9");
	assert_field(rec, "owner_pid", "412");
	assert_field(rec, "owner_ts", "170012345678");
	assert_null(pb_record_field(rec, "owner_comm"));
	assert_null(pb_record_field(rec, "owner_tgid"));
	assert_field(rec, "migrate_reason", "compaction");
	/* the free stack is not the allocation stack */
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[1], "get_page_from_freelist", 0x1c4, 0x2a0, 0, NULL, 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_int_equal(rec->line, 13);
	assert_field(rec, "start_pfn", "0x9f0a00");
	assert_field(rec, "end_pfn", "0x9f0c00");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* 6.9+ __dump_folio(): no page pointer, "head: order:" lines (6.11 with the
 * folio's own mapcount), file mapping without dentry, KSM; 5.19 page_owner
 * line with comm but no tgid; old CMA failure text without area name. */
static void test_dump_of_the_folio_era_from_6_9(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "page: refcount:2 mapcount:1 mapping:ffff000105e2c8d0 index:0x200 pfn:0xa3a00\n"
		 "head: order:9 mapcount:512 entire_mapcount:0 nr_pages_mapped:512 pincount:1\n"
		 "memcg:ffff000102f5c000\n"
		 "aops:shmem_aops ino:8\n"
		 "flags: 0x3fffc0000000068(uptodate|lru|head|node=0|zone=0)\n"
		 "page_type: f4(buddy)\n"
		 "raw: 03fffc0000000068 fffffc00028e9008 fffffc00028e9008 ffff000105e2c8d0\n"
		 "head: 03fffc0000000068 fffffc00028e9008 fffffc00028e9008 ffff000105e2c8d0\n"
		 "page dumped because: migration failure\n"
		 "page_owner tracks the page as freed\n"
		 "page last allocated via order 9, migratetype Movable, gfp_mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 2001 (Render Thread), ts 901234, free_ts 902345\n"
		 " shmem_alloc_folio+0x84/0xb8\n"
		 "page last free pid 2001 tgid 2000 stack trace:\n"
		 " free_unref_folios+0x2d4/0x4a0\n"
		 "cma: cma_alloc: alloc failed, req-size: 256 pages, ret: -12\n"
		 "ksm flags: 0x17ffffc0000000(node=0|zone=2)\n"
		 "page:ffffea0000a1b2c0 count:2 mapcount:0 mapping:          (null) index:0x0\n"
		 "ksm flags: 0x17ffffc0000000(node=0|zone=2)\n"
		 "page dumped because: nonzero mapcount\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->ts_ns, -1);
	assert_null(pb_record_field(rec, "page"));
	assert_field(rec, "refcount", "2");
	assert_field(rec, "mapcount", "1");
	assert_field(rec, "folio_mapcount", "512");
	assert_field(rec, "order", "9");
	assert_field(rec, "nr_pages_mapped", "512");
	assert_field(rec, "pincount", "1");
	assert_null(pb_record_field(rec, "head"));
	assert_field(rec, "aops", "shmem_aops");
	assert_field(rec, "ino", "8");
	assert_null(pb_record_field(rec, "dentry"));
	assert_field(rec, "owner_state", "freed");
	assert_field(rec, "owner_pid", "2001");
	assert_field(rec, "owner_comm", "Render Thread");
	assert_field(rec, "owner_free_ts", "902345");
	assert_int_equal(rec->nframes, 1);
	assert_string_equal(rec->frames[0].symbol, "shmem_alloc_folio");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_null(pb_record_field(rec, "name"));
	assert_field(rec, "count", "256");
	assert_field(rec, "ret", "-12");
	/* 4.x: "count:" and no pfn */
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->line, 17);
	assert_field(rec, "refcount", "2");
	assert_field(rec, "ksm", "1");
	assert_field(rec, "reason", "nonzero mapcount");
	assert_null(pb_record_field(rec, "pfn"));
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Records that start and break off are the only bad lines. */
/* Android's __dump_page_pinner() after a dump (both timestamp styles,
 * the pfn in decimal, the pinning stack); the sample's pages are
 * 0x8e5a1 and 0x8e5a2, pinned by edgetpu_pin_user_pages. */
static void test_android_page_pinner_records_between_their_dumps(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open_file(&r, PB_FMT_KMSG, "samples/dmesg-5.10-android-page_pinner.txt");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "pfn", "0x8e5a1");
	/* the page_owner allocation stack ends where "page last free" starts */
	assert_int_equal(rec->nframes, 11);
	rec = run_next(&r);
	assert_string_equal(rec->event, "page_pinner_last_pinned");
	assert_int_equal(rec->line, 41);
	assert_int_equal(rec->ts_ns, 301112264000);
	assert_field(rec, "pinned_us", "296441210");
	assert_field(rec, "count", "1");
	assert_field(rec, "pfn", "583073");
	assert_field(rec, "block", "1138");
	assert_field(rec, "migratetype", "Movable");
	assert_field(rec, "flags", "0x4000000000080014(uptodate|lru|swapbacked)");
	assert_int_equal(rec->nframes, 12);
	assert_frame(&rec->frames[0], "try_grab_page", 0xd8, 0x1a8, 0, NULL, 0);
	assert_frame(&rec->frames[5], "edgetpu_pin_user_pages", 0x118, 0x2a0, 0, "edgetpu", 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "pfn", "0x8e5a2");
	assert_int_equal(rec->nframes, 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "page_pinner_last_pinned");
	/* "ts %lld" of earlier trees: microseconds already */
	assert_int_equal(rec->line, 62);
	assert_field(rec, "pinned_us", "296441388");
	assert_field(rec, "pfn", "583074");
	assert_int_equal(rec->nframes, 12);
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "pfn", "0x8e5a3");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A "page last pinned" line without its PFN line is cut off; one whose
 * stamp is not the kernel's is not understood. */
static void test_page_pinner_broken(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[    1.000000] page last pinned     0.500000] count 1\n"
		 "[    1.000001] migrating pfn 14e005 failed ret:-16\n"
		 "[    1.000002] page last pinned 0.5 count 1\n"
		 "[    1.000003] page last pinned     0.600000] count 2\n"
		 "[    1.000004] PFN 1368069 Block 2672 type Movable Flags 0x8(uptodate)\n"
		 "[    1.000005] page_pinner allocation stack trace missing\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_int_equal(r.bad[PB_BAD_TRUNCATED], 1);
	rec = run_next(&r);
	assert_string_equal(rec->event, "page_pinner_last_pinned");
	assert_field(rec, "pinned_us", "600000");
	assert_field(rec, "pfn", "1368069");
	assert_int_equal(rec->nframes, 0);
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 1);
	assert_int_equal(r.last_bad_line, 3);
	assert_int_equal(run_bad_total(&r), 2);
	run_close(&r);
}

static void test_truncated(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[    1.000000] page:fffffc0004380140 refcount:3 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x14e005\n"
		 "[    1.000001] memcg:ffff00010010a000\n"
		 "[    1.000002] page:fffffc0004380180 refcount:3 mapcount:0 mapping:0000000000000000 index:0x1 pfn:0x14e006\n"
		 "[    1.000003] flags: 0xbfffc000008002e(referenced)\n"
		 "[    1.000004] page dumped because: migration failure\n"
		 "[    1.000005] Call trace:\n"
		 "[    1.000006] usb 1-1: new high-speed USB device number 2\n"
		 "[    1.000007] migrating pfn zz failed ret:-16\n"
		 "[    1.000008] page:fffffc00043801c0 refcount:3 mapcount:0 mapping:0000000000000000 index:0x2 pfn:0x14e007\n");
	rec = run_next(&r);
	assert_int_equal(rec->line, 3);
	assert_field(rec, "pfn", "0x14e006");
	assert_int_equal(r.bad[PB_BAD_TRUNCATED], 1);
	assert_int_equal(r.last_bad_line, 1);
	assert_string_equal(r.last_bad_text, "page:fffffc0004380140 refcount:3 mapcount:0 "
			    "mapping:0000000000000000 index:0x0 pfn:0x14e005");
	run_end(&r);
	/* the empty call trace, the bad pfn, the dump cut by the end */
	assert_int_equal(r.bad[PB_BAD_TRUNCATED], 3);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 1);
	assert_int_equal(r.last_bad_line, 9);
	assert_int_equal(run_bad_total(&r), 4);
	run_close(&r);
}

/* A stack deeper than DUMP_FRAMES_MAX (256) keeps its first 256 frames
 * and still ends where the indented lines do. */
static void test_deep_trace(void **state)
{
	struct pb_buf text = { 0 };
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	pb_buf_adds(&text, "Call trace:\n");
	for (int i = 0; i < 300; i++)
		pb_buf_addf(&text, " frame%d+0x1/0x2\n", i);
	pb_buf_adds(&text, "migrating pfn 1 failed ret:-16\n");
	memset(&r, 0, sizeof(r));
	run_open_input(&r, PB_FMT_KMSG, pb_input_open_memory(text.data, text.len, NULL));
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 256);
	assert_string_equal(rec->frames[255].symbol, "frame255");
	rec = run_next(&r);
	assert_int_equal(rec->line, 302);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
	pb_buf_free(&text);
}

/* Unrelated log text, escape sequences of a serial console included, is
 * not an event and not a bad line; NUL bytes are. */
static void test_unrelated(void **state)
{
	static const char text[] =
		"[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]\n"
		"[    0.000000] Machine model: linux,dummy-virt\n"
		"\x1b[0;32m  OK  \x1b[0m] Started Journal Service.\n"
		"[    2.411172] virtio_blk virtio1: [vda] 4194304 512-byte logical blocks\n"
		"[   39.729948]  active_file:0 inactive_file:0 isolated_file:0\n"
		"[   39.729949] CPU: 0 PID: 1 at mm/page_alloc.c:4000\n"
		"cma: Reserved 256 MiB in 1 range\n"
		"bad\0line\n"
		"[   40.000000] page dumped because: migration failure\n";
	struct parse_run r;

	(void)state;
	memset(&r, 0, sizeof(r));
	run_open_input(&r, PB_FMT_KMSG, pb_input_open_memory(text, sizeof(text) - 1, NULL));
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_BINARY], 1);
	assert_int_equal(r.last_bad_line, 8);
	assert_int_equal(run_bad_total(&r), 1);
	run_close(&r);
}

/* The content-based detection picks kmsg for each real kernel log, and for
 * every prefix style of dmesg and journalctl. */
static void test_detect(void **state)
{
	static const char *const files[] = {
		"real/arm64-ftrace-hugetlb-cma/dmesg.txt",
		"real/amd64-ftrace-gigantic-nocma/dmesg.txt",
		"samples/dmesg-6.6-dump_page-folio.txt",
	};
	static const char *const lines[] = {
		"[13882.558144 <    0.000022>] migrating pfn 257f84 failed ret:28\n",
		"[<    0.000022>] migrating pfn 257f84 failed ret:28\n",
		("[Nov25 14:55] migrating pfn 257f84 failed ret:28\n"
		 "[  +0.000022] migrating pfn 257f84 failed ret:28\n"),
		"2026-11-25T14:55:36,558144+00:00 migrating pfn 257f84 failed ret:28\n",
		"\x1b[32m[Wed Nov 25 14:55:36 2026] \x1b[0mmigrating pfn 257f84 failed ret:28\n",
		"Nov 25 14:48:31.600000 host kernel: migrating pfn 257f84 failed ret:28\n",
		"Wed 2026-11-25 14:48:31 UTC host kernel: migrating pfn 257f84 failed ret:28\n",
		"1795618111.600000 host kernel: migrating pfn 257f84 failed ret:28\n",
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(files); i++) {
		struct parse_run r;

		run_open_file(&r, PB_FMT_UNKNOWN, files[i]);
		assert_int_equal(pb_parser_format(r.p), PB_FMT_KMSG);
		run_close(&r);
	}
	for (size_t i = 0; i < PB_ARRAY_SIZE(lines); i++) {
		struct parse_run r;

		run_open(&r, PB_FMT_UNKNOWN, lines[i]);
		assert_int_equal(pb_parser_format(r.p), PB_FMT_KMSG);
		assert_non_null(run_next(&r));
		run_close(&r);
	}
}

/* An excerpt of dmesg -H / --time-format reltime that begins after its
 * minute line: the deltas add up from the first line, on a relative
 * clock; a minute line later has no time there, the deltas after it go on
 * from the last time known. */
static void test_reltime_excerpt(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  +1.130923] migrating pfn 1 failed ret:-16\n"
		 "[  +0.000100] migrating pfn 2 failed ret:-16\n"
		 "[Nov25 14:55] migrating pfn 3 failed ret:-16\n"
		 "[  +0.500000] migrating pfn 4 failed ret:-16\n");
	assert_int_equal(run_next(&r)->ts_ns, 1130923000);
	assert_int_equal(run_next(&r)->ts_ns, 1131023000);
	assert_int_equal(run_next(&r)->ts_ns, -1);
	assert_int_equal(run_next(&r)->ts_ns, 1631023000);
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "relative");
	run_close(&r);
}

/* The task prefixes of vendor kernels, written from their format strings:
 * Samsung's "[%d:%15s:%5d] " (with the printk time two blanks before it,
 * or with no time at all), MediaTek's "%c(%x)[%d:%s]" (cpu in hex), and
 * the task they name is the record's. */
static void test_vendor_prefixes(void **state)
{
	static const struct {
		const char *line;
		int64_t ts;
		int cpu, pid;
		const char *comm;
	} cases[] = {
		{ "[  211.000100]  [3:  kworker/u16:3:  131] migrating pfn 1a2b3 failed ret:-16\n",
		  211000100000, 3, 131, "kworker/u16:3" },
		{ "[  211.000100] [3:   Binder:901_2: 9012] migrating pfn 1a2b3 failed ret:-16\n",
		  211000100000, 3, 9012, "Binder:901_2" },
		{ "[0:      init:    1] migrating pfn 1a2b3 failed ret:-16\n", -1, 0, 1, "init" },
		/* print_fixed_caller()'s 'I' in an interrupt */
		{ "[  211.000100] I[5:      swapper/5:    0] migrating pfn 1a2b3 failed ret:-16\n",
		  211000100000, 5, 0, "swapper/5" },
		{ "[  305.123456] .(3)[1234:kworker/3:1]migrating pfn 1a2b3 failed ret:-16\n",
		  305123456000, 3, 1234, "kworker/3:1" },
		{ "[  305.123456]  (a)[77:cma_test]migrating pfn 1a2b3 failed ret:-16\n",
		  305123456000, 10, 77, "cma_test" },
		{ "[  305.123456] -(1)migrating pfn 1a2b3 failed ret:-16\n", 305123456000, 1, -1, "" },
		{ "<4>[  305.123456] .(0)[5:kworker/0:0]migrating pfn 1a2b3 failed ret:-16\n",
		  305123456000, 0, 5, "kworker/0:0" },
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(cases); i++) {
		struct parse_run r;
		struct pb_record *rec;

		run_open(&r, PB_FMT_KMSG, cases[i].line);
		rec = run_next(&r);
		assert_string_equal(rec->event, "migrate_failed");
		assert_field(rec, "pfn", "0x1a2b3");
		if (rec->ts_ns != cases[i].ts)
			fail_msg("%s: ts %lld", cases[i].line, (long long)rec->ts_ns);
		assert_int_equal(rec->cpu, cases[i].cpu);
		assert_int_equal(rec->pid, cases[i].pid);
		assert_string_equal(rec->comm, cases[i].comm);
		run_end(&r);
		run_close(&r);
	}
}

/* CONFIG_PRINTK_CALLER's "[%6s]" of "T%u" (the task that printed: its
 * pid) or "C%u" (a CPU, in an interrupt: no task), with and without the
 * printk time (printk.time=0), and Android's "T%u@C%u" with both. */
static void test_caller_id_names_the_task(void **state)
{
	static const struct {
		const char *line;
		int64_t ts;
		int cpu, pid;
	} cases[] = {
		{ "[   44.142053] [  T901] migrating pfn 1a2b3 failed ret:-16\n", 44142053000, -1, 901 },
		{ "[   44.142053][T901] migrating pfn 1a2b3 failed ret:-16\n", 44142053000, -1, 901 },
		{ "[   44.142053] [    C1] migrating pfn 1a2b3 failed ret:-16\n", 44142053000, 1, -1 },
		{ "[   44.142053][T1234@C3] migrating pfn 1a2b3 failed ret:-16\n", 44142053000, 3, 1234 },
		{ "[   44.142053][T1234C3] migrating pfn 1a2b3 failed ret:-16\n", 44142053000, 3, 1234 },
		{ "[  T901] migrating pfn 1a2b3 failed ret:-16\n", -1, -1, 901 },
		{ "[T77] migrating pfn 1a2b3 failed ret:-16\n", -1, -1, 77 },
		{ "[    C0] migrating pfn 1a2b3 failed ret:-16\n", -1, 0, -1 },
		/* /dev/kmsg, netconsole's extended records: info_print_ext_header()'s
		 * ",caller=%c%u" before the ';', and the vendor hook's "T%u@C%u" */
		{ "4,1402,44142053,-,caller=T901;migrating pfn 1a2b3 failed ret:-16\n", 44142053000, -1, 901 },
		{ "4,1402,44142053,-,caller=C2;migrating pfn 1a2b3 failed ret:-16\n", 44142053000, 2, -1 },
		{ "4,1402,44142053,-,caller=T1234@C3;migrating pfn 1a2b3 failed ret:-16\n", 44142053000, 3, 1234 },
		{ "4,1402,44142053,-;migrating pfn 1a2b3 failed ret:-16\n", 44142053000, -1, -1 },
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(cases); i++) {
		struct parse_run r;
		struct pb_record *rec;

		run_open(&r, PB_FMT_KMSG, cases[i].line);
		rec = run_next(&r);
		assert_string_equal(rec->event, "migrate_failed");
		assert_field(rec, "pfn", "0x1a2b3");
		if (rec->ts_ns != cases[i].ts || rec->pid != cases[i].pid || rec->cpu != cases[i].cpu)
			fail_msg("%s: ts %lld pid %d cpu %d", cases[i].line, (long long)rec->ts_ns,
				 (int)rec->pid, (int)rec->cpu);
		run_end(&r);
		run_close(&r);
	}
}

/* logcat -b kernel -v threadtime: "%02d-%02d %02d:%02d:%02d.%03d %5d %5d
 * %c %-8s: "; the tag is the message's own first word (padded with blanks
 * when short) or blank. The date has no year: 2000-01-01 09:03:01 is
 * 946717381 (date -u -d '2000-01-01 09:03:01' +%s). */
static void test_logcat(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_UNKNOWN,
		 "01-01 09:03:01.490     0     0 I         : .(2)[456:dmabuf_heap]cma: cma_alloc: linux,cma: alloc failed, req-size: 64 pages, ret: -16\n"
		 "01-01 09:03:01.491     0     0 W cma     : cma_alloc: reserved: alloc failed, req-size: 8 pages, ret: -12\n"
		 "01-01 09:03:01.492     0     0 I alloc_contig_range: [b2800, b2c00) PFNs busy\n"
		 "01-01 09:03:01.493     0     0 I         : [  120.500000] migrating pfn b2810 failed ret:-16\n"
		 "01-01 09:03:01.494     0     0 I .(1)[77:kworker/1:2]migrating pfn b2811 failed ret:-16\n");
	assert_int_equal(pb_parser_format(r.p), PB_FMT_KMSG);
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_int_equal(rec->ts_ns, 946717381490000000);
	assert_int_equal(rec->cpu, 2);
	assert_int_equal(rec->pid, 456);
	assert_string_equal(rec->comm, "dmabuf_heap");
	assert_field(rec, "name", "linux,cma");
	assert_field(rec, "count", "64");
	assert_field(rec, "ret", "-16");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_string_equal(rec->body, "cma: cma_alloc: reserved: alloc failed, req-size: 8 pages, ret: -12");
	assert_field(rec, "name", "reserved");
	assert_field(rec, "ret", "-12");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_int_equal(rec->ts_ns, 946717381492000000);
	assert_field(rec, "start_pfn", "0xb2800");
	/* one clock per file: the first line set the date's, so a printk time
	 * in the message does not replace it */
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_int_equal(rec->ts_ns, 946717381493000000);
	/* MediaTek's prefix where logd looked for a tag */
	rec = run_next(&r);
	assert_field(rec, "pfn", "0xb2811");
	assert_int_equal(rec->pid, 77);
	assert_string_equal(rec->comm, "kworker/1:2");
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "yearless");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* "%s: [%lx, %lx) PFNs busy" prints __func__, which was alloc_contig_range,
 * a vendor's __alloc_contig_range and 6.10's alloc_contig_range_noprof:
 * every name gives the range; another "NAME: [" line is not one. */
static void test_pfns_busy_takes_any_function_name(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[   50.000001] __alloc_contig_range: [13e000, 13e200) PFNs busy\n"
		 "[   50.000002] alloc_contig_range_noprof: [13e200, 13e400) PFNs busy\n"
		 "[   50.000003] usb 1-1: [new device] at 2\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_field(rec, "start_pfn", "0x13e000");
	assert_field(rec, "end_pfn", "0x13e200");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_field(rec, "start_pfn", "0x13e200");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The messages of mm/page_alloc.c and mm/cma.c across versions, written
 * from their format strings: 3.x's "alloc_contig_range
 * test_pages_isolated(%lx, %lx) failed", 3.19+'s "PFNs busy" (two ranges
 * from one start pfn stay two), cma_alloc()'s busy retry (%p whole,
 * hashed, and a vendor tail with the task), the failure with
 * cma_debug_show_areas() after it (4.12+ and the earlier vendor form),
 * 6.12's __cma_alloc, and drivers' "failed to allocate" lines. */
static void test_messages(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_UNKNOWN,
		 "[   40.000001] alloc_contig_range test_pages_isolated(5f3a0, 5f3c0) failed\n"
		 "[   40.000002] alloc_contig_range: [5f400, 5f500) PFNs busy\n"
		 "[   40.000003] alloc_contig_range: [5f400, 5f440) PFNs busy\n"
		 "[   40.000004] cma: cma_alloc(): memory range at ffffffbf0017ce80 is busy, retrying\n"
		 "[   40.000005] cma: cma_alloc(): memory range at 00000000d6c1a2b3 is busy, retrying\n"
		 "[   40.000006] cma: cma_alloc(): memory range at ffffffbf0017ce80 is busy, retrying,2211, 2200, camera@2.5-serv\n"
		 "[   40.000007] cma: cma_alloc: alloc failed, req-size: 512 pages, ret: -16\n"
		 "[   40.000008] cma: number of available pages: 3@125+16@144+512@512=> 531 free of 1024 total pages\n"
		 "[   40.000009] cma: cma_alloc: alloc failed, req-size: 300 pages, ret: -12\n"
		 "[   40.000010] number of available pages: 6+9+120=>135 pages, total: 4096 pages\n"
		 "[   40.000011] cma: __cma_alloc: hugetlb1: alloc failed, req-size: 262144 pages, ret: -16\n"
		 "[   40.000012] dma_alloc_from_contiguous(): memory range at c0a8b000 is busy, retrying\n"
		 "[   40.000013] ion_cma_heap: failed to allocate 4194304 bytes\n"
		 "[   40.000014] cma_heap: Failed to allocate buffer\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_field(rec, "start_pfn", "0x5f3a0");
	assert_field(rec, "end_pfn", "0x5f3c0");
	rec = run_next(&r);
	assert_field(rec, "end_pfn", "0x5f500");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_field(rec, "start_pfn", "0x5f400");
	assert_field(rec, "end_pfn", "0x5f440");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_busy_retry");
	assert_field(rec, "page", "ffffffbf0017ce80");
	assert_int_equal(rec->pid, -1);
	rec = run_next(&r);
	assert_field(rec, "page", "00000000d6c1a2b3");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_busy_retry");
	assert_int_equal(rec->pid, 2211);
	assert_int_equal(rec->tgid, 2200);
	assert_string_equal(rec->comm, "camera@2.5-serv");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_null(pb_record_field(rec, "name"));
	assert_field(rec, "count", "512");
	assert_field(rec, "ret", "-16");
	assert_field(rec, "free_pages", "531");
	assert_field(rec, "total_pages", "1024");
	rec = run_next(&r);
	assert_int_equal(rec->line, 9);
	assert_field(rec, "ret", "-12");
	assert_field(rec, "free_pages", "135");
	assert_field(rec, "total_pages", "4096");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_int_equal(rec->line, 11);
	assert_field(rec, "name", "hugetlb1");
	assert_field(rec, "count", "262144");
	assert_null(pb_record_field(rec, "free_pages"));
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_busy_retry");
	assert_field(rec, "page", "c0a8b000");
	/* a driver that gave up, in its own words */
	rec = run_next(&r);
	assert_string_equal(rec->event, "driver_failed");
	assert_string_equal(rec->body, "ion_cma_heap: failed to allocate 4194304 bytes");
	rec = run_next(&r);
	assert_string_equal(rec->event, "driver_failed");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* dump_page() of 4.14 ("page:%p count:%d ... index:%#lx" + pr_cont("
 * compound_mapcount: %d"), no pfn) after do_migrate_range()'s "migrating
 * pfn %lx failed ret:%d " takes that pfn; 5.4's "%ps name:\"%pd\"" a_ops
 * line and page->mem_cgroup after the reason; 5.7's single-line compound
 * head; 6.x page_owner with pid, tgid and timestamps whose header a
 * console wrapped, and "page last free pid %d tgid %d stack trace:". */
static void test_old_dumps(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[   88.100001] migrating pfn 7c1f3 failed ret:-16 \n"
		 "[   88.100002] page:ffffffbf01f07cc0 count:3 mapcount:1 mapping:ffffffc0a81e4a01 index:0x7f8e1d2 compound_mapcount: 1\n"
		 "[   88.100003] flags: 0x4008068(uptodate|lru|head|swapbacked)\n"
		 "[   88.100004] raw: 0000000004008068 ffffffbf01f07ca0 ffffffbf01f07c60 ffffffc0a81e4a01\n"
		 "[   88.100005] page dumped because: migration failure\n"
		 "[   88.100006] page->mem_cgroup:ffffffc0b5e2c000\n"
		 "[   88.200001] page:ffffea0001f2a000 refcount:2 mapcount:0 mapping:ffff8880a4d26f30 index:0x12\n"
		 "[   88.200002] shmem_aops name:\"pinned-buf\"\n"
		 "[   88.200003] flags: 0x100000000080014(uptodate|lru|swapbacked)\n"
		 "[   88.200004] page dumped because: migration failure\n"
		 "[   88.300001] page:ffffea0004a00040 refcount:513 mapcount:1 mapping:0000000000000000 index:0x7f0000201 head:ffffea0004a00000 order:9 compound_mapcount:1 compound_pincount:1\n"
		 "[   88.300002] anon flags: 0x17ffffc0010000(head)\n"
		 "[   88.300003] page dumped because: migration failure\n"
		 "[   88.400001] page: refcount:3 mapcount:1 mapping:0000000000000000\n"
		 "[   88.400001]   index:0x7f20671f7 pfn:0x442b6a\n"
		 "[   88.400002] anon flags: 0x17fff80002081c(referenced|uptodate)\n"
		 "[   88.400003] page dumped because: migration failure\n"
		 "[   88.400004] page last allocated via order 0, migratetype\n"
		 "[   88.400004]   Movable, gfp_mask 0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), pid 3311, tgid 3300 (pinner), ts 88000123456, free_ts 0\n"
		 "[   88.400005]  post_alloc_hook+0x20c/0x230\n"
		 "[   88.400006]  do_anonymous_page+0x1b4/0x6e0\n"
		 "[   88.400007] page last free pid 1 tgid 1 stack trace:\n"
		 "[   88.400008]  free_unref_page+0x1a/0x30\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_field(rec, "ret", "-16");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->line, 2);
	assert_field(rec, "refcount", "3");
	assert_field(rec, "compound_mapcount", "1");
	assert_field(rec, "pfn", "0x7c1f3");
	assert_field(rec, "pfn_from", "migrate_failed");
	assert_field(rec, "memcg", "ffffffc0b5e2c000");
	rec = run_next(&r);
	assert_int_equal(rec->line, 7);
	/* no "migrating pfn" line before this one: no pfn */
	assert_null(pb_record_field(rec, "pfn"));
	assert_field(rec, "aops", "shmem_aops");
	assert_field(rec, "dentry", "pinned-buf");
	rec = run_next(&r);
	assert_field(rec, "head", "ffffea0004a00000");
	assert_field(rec, "order", "9");
	assert_field(rec, "pincount", "1");
	assert_field(rec, "anon", "1");
	rec = run_next(&r);
	assert_int_equal(rec->line, 14);
	assert_field(rec, "index", "0x7f20671f7");
	assert_field(rec, "pfn", "0x442b6a");
	assert_field(rec, "migratetype", "Movable");
	assert_field(rec, "gfp_mask", "0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)");
	assert_field(rec, "owner_pid", "3311");
	assert_field(rec, "owner_tgid", "3300");
	assert_field(rec, "owner_comm", "pinner");
	assert_field(rec, "owner_ts", "88000123456");
	assert_field(rec, "stack_of", "page_owner_alloc");
	/* the allocation stack, not the wrapped header nor the free stack */
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[0], "post_alloc_hook", 0x20c, 0x230, 0, NULL, 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The same dump with dmesg --color=always: the head line is the colour
 * stripper's copy, which the next line reuses; the dump must be judged
 * whole from its own copy of the head (a use after free under ASan). */
static void test_coloured_dump_without_reason(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "\x1b[32m[   60.000002] \x1b[0mpage:ffffea000168b040 count:2 mapcount:1 mapping:ffff88003c9a1e01 index:0x7f3c2a1\n"
		 "\x1b[32m[   60.000003] \x1b[0mflags: 0x1fffff80080068(uptodate|lru|active|swapbacked)\n"
		 "\x1b[32m[   61.500000] \x1b[0mOfflined Pages 32768\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "refcount", "2");
	assert_field(rec, "flags", "0x1fffff80080068(uptodate|lru|active|swapbacked)");
	run_end(&r);
	run_close(&r);
}

/* Up to 4.4 do_migrate_range() printed "migrating pfn %lx failed " and
 * dump_page(page, NULL): no reason line; 3.x printed NULL as "(null)"
 * padded to the pointer's width and its flags as "page flags: %#lx(". A
 * dump of that layout is whole after its flags line. */
static void test_dumps_without_reason(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[   60.000001] migrating pfn 5a2c1 failed \n"
		 "[   60.000002] page:ffffea000168b040 count:2 mapcount:1 mapping:ffff88003c9a1e01 index:0x7f3c2a1\n"
		 "[   60.000003] flags: 0x1fffff80080068(uptodate|lru|active|swapbacked)\n"
		 "[   60.000004] migrating pfn 5a2c2 failed \n"
		 "[   61.000000] page:ffffea000168b080 count:1 mapcount:0 mapping:          (null) index:0x0\n"
		 "[   61.000001] page flags: 0x1fffff80000000()\n"
		 "[   61.500000] Offlined Pages 32768\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_null(pb_record_field(rec, "ret"));
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "pfn", "0x5a2c1");
	assert_field(rec, "refcount", "2");
	assert_field(rec, "flags", "0x1fffff80080068(uptodate|lru|active|swapbacked)");
	assert_null(pb_record_field(rec, "reason"));
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->line, 5);
	assert_field(rec, "pfn", "0x5a2c2");
	assert_field(rec, "mapping", "(null)");
	assert_field(rec, "flags", "0x1fffff80000000()");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Console logs that print no times, and Samsung's prefix without one, are
 * recognised as kernel logs without --format. */
static void test_detect_untimed(void **state)
{
	static const char *const texts[] = {
		"[2:   Binder:714_1:  744] cma: cma_alloc: alloc failed, req-size: 16 pages, ret: -12\n",
		("migrating pfn 257f84 failed ret:-16\n"
		 "page:ffffea0009d7e100 refcount:3 mapcount:1 mapping:0000000000000000 index:0x1 pfn:0x257f84\n"),
		"alloc_contig_range: [1b8000, 1c0000) PFNs busy\n",
		"<14>[  120.000000] migrating pfn 1 failed ret:-16\n",
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(texts); i++) {
		struct parse_run r;

		run_open(&r, PB_FMT_UNKNOWN, texts[i]);
		if (pb_parser_format(r.p) != PB_FMT_KMSG)
			fail_msg("%s: not detected", texts[i]);
		assert_non_null(run_next(&r));
		run_close(&r);
	}
}

/* What syslog daemons and journalctl print between the date and the
 * kernel's message besides "host kernel: ": journalctl --no-hostname
 * ("kernel: "), busybox syslogd ("%s %.64s %s %s\n": date, host,
 * facility.priority, message) and OpenWrt logread ("%s %s.%s%s %s\n":
 * ctime() without its newline, facility.priority, " kernel:"). Each line
 * is the kernel's; a line of another program behind the same words is not. */
static void test_syslog_daemons_without_host_or_with_facility(void **state)
{
	static const struct {
		const char *line;
		int64_t ts;
	} cases[] = {
		{ "[   44.142053] kernel: migrating pfn 102496 failed ret:-16\n", 44142053000 },
		/* date -u -d '2025-11-25 10:00:44' +%s -> 1764064844 */
		{ "2025-11-25T10:00:44+0000 kernel: migrating pfn 102496 failed ret:-16\n",
		  1764064844000000000 },
		{ "Nov 25 10:00:44 host kern.warn kernel: [   44.142053] migrating pfn 102496 failed ret:-16\n",
		  44142053000 },
		{ "Nov 25 10:00:44 host kern.warn kernel: migrating pfn 102496 failed ret:-16\n",
		  975146444000000000 },
		{ "Tue Nov 25 10:00:44 2025 kern.warn kernel: [   44.142053] migrating pfn 102496 failed ret:-16\n",
		  44142053000 },
		{ "Tue Nov 25 10:00:44 2025 kern.warn kernel: migrating pfn 102496 failed ret:-16\n",
		  1764064844000000000 },
		{ "Tue Nov  4 10:00:44 2025 kern.err kernel: migrating pfn 102496 failed ret:-16\n",
		  1762250444000000000 },
		/* a forwarder logging the kernel's lines with its own pid */
		{ "Nov 25 10:00:44 orin kernel[851]: [   44.142053] migrating pfn 102496 failed ret:-16\n",
		  44142053000 },
	};
	static const char *const others[] = {
		"Nov 25 10:00:44 host daemon.info dnsmasq[812]: migrating pfn 102496 failed ret:-16\n",
		"Tue Nov 25 10:00:44 2025 daemon.info dnsmasq[812]: migrating pfn 102496 failed ret:-16\n",
		"Nov 25 10:00:44 host systemd[1]: migrating pfn 102496 failed ret:-16\n",
		"Nov 25 10:00:44 host kernel[x]: migrating pfn 102496 failed ret:-16\n",
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(cases); i++) {
		struct parse_run r;
		struct pb_record *rec;

		run_open(&r, PB_FMT_KMSG, cases[i].line);
		rec = run_next(&r);
		assert_string_equal(rec->event, "migrate_failed");
		if (rec->ts_ns != cases[i].ts)
			fail_msg("%s: ts %lld", cases[i].line, (long long)rec->ts_ns);
		assert_field(rec, "pfn", "0x102496");
		assert_field(rec, "ret", "-16");
		run_end(&r);
		assert_int_equal(run_bad_total(&r), 0);
		run_close(&r);
	}
	for (size_t i = 0; i < PB_ARRAY_SIZE(others); i++) {
		struct parse_run r;

		run_open(&r, PB_FMT_KMSG, others[i]);
		run_end(&r);
		run_close(&r);
	}
}

/* logcat's other formats of the kernel buffer: "-v time" ("%s.%03ld
 * %c/%-8s(%5d): ", liblog's FORMAT_TIME) and "-v brief" ("%c/%-8s(%5d): ",
 * no date). The tag logd took off is put back, so the message reads as
 * printk wrote it; a line of that shape from an app is no kernel record. */
static void test_logcat_time_and_brief(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "01-01 09:03:01.491 W/cma     (    0): cma_alloc: reserved: alloc failed, req-size: 8 pages, ret: -12\n"
		 "01-01 09:03:01.492 I/        (    0): alloc_contig_range: [b2800, b2c00) PFNs busy\n"
		 "01-01 09:03:01.493 I/ActivityManager(  812): Start proc 4321:com.example/u0a77\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_string_equal(rec->body, "cma: cma_alloc: reserved: alloc failed, req-size: 8 pages, ret: -12");
	assert_int_equal(rec->ts_ns, 946717381491000000);
	assert_field(rec, "name", "reserved");
	assert_field(rec, "count", "8");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_int_equal(rec->ts_ns, 946717381492000000);
	assert_field(rec, "start_pfn", "0xb2800");
	assert_field(rec, "end_pfn", "0xb2c00");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);

	run_open(&r, PB_FMT_KMSG,
		 "E/cma     (    0): cma_alloc: alloc failed, req-size: 2025 pages, ret: -12\n"
		 "I/        (    0): migrating pfn b2811 failed ret:-16\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_int_equal(rec->ts_ns, -1);
	assert_field(rec, "count", "2025");
	assert_field(rec, "ret", "-12");
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_field(rec, "pfn", "0xb2811");
	run_end(&r);
	run_close(&r);
}

/* ___ratelimit()'s "%s: %d callbacks suppressed" after a ratelimited
 * message of a function whose lines are read here is a record with the
 * function and the count the kernel left out; other functions' (warn_alloc)
 * and lines with more after the words are not records, nor bad lines. */
static void test_suppressed_messages_are_counted_for_our_functions(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  101.000000] alloc_contig_range: [a5a80, a5ade) PFNs busy\n"
		 "[  104.610071] alloc_contig_range: 7 callbacks suppressed\n"
		 "[  104.610080] warn_alloc: 59 callbacks suppressed\n"
		 "[  104.610090] do_migrate_range: 12 callbacks suppressed\n"
		 "[  104.610100] __cma_alloc: 3 callbacks suppressed\n"
		 "[  104.610110] alloc_contig_range: 7 callbacks suppressed twice\n"
		 "[  104.610120] alloc_contig_range: callbacks suppressed\n");
	assert_string_equal(run_next(&r)->event, "pfns_busy");
	rec = run_next(&r);
	assert_string_equal(rec->event, "suppressed");
	assert_int_equal(rec->line, 2);
	assert_int_equal(rec->ts_ns, 104610071000);
	assert_field(rec, "function", "alloc_contig_range");
	assert_field(rec, "count", "7");
	rec = run_next(&r);
	assert_field(rec, "function", "do_migrate_range");
	assert_field(rec, "count", "12");
	rec = run_next(&r);
	assert_field(rec, "function", "__cma_alloc");
	assert_field(rec, "count", "3");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* 32-bit arm prints each frame as dump_backtrace_entry() does: the verbose
 * "[<%08lx>] (%ps) from [<%08lx>] (%pS)" with no "Call trace:" before it
 * up to 6.1, and " %ps from %pS" after a "Call trace: " line since. Each
 * line names the function and the caller it returns into: the frames are
 * the first function, then every caller with its offset. */
static void test_arm32_backtraces_give_their_frames(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  120.000000] CPU: 0 PID: 2323 Comm: kodi.bin Not tainted 4.19.97-v7+ #1294\n"
		 "[  120.000010] Hardware name: BCM2835\n"
		 "[  120.000020] [<80111e84>] (unwind_backtrace) from [<8010d0bc>] (show_stack+0x20/0x24)\n"
		 "[  120.000030] [<8010d0bc>] (show_stack) from [<80847e6c>] (dump_stack+0xcc/0x110)\n"
		 "[  120.000040] [<80847e6c>] (dump_stack) from [<80258d44>] (alloc_contig_range+0x3d0/0x3f8)\n"
		 "[  120.000050] [<80258d44>] (alloc_contig_range) from [<802c4a4c>] (cma_alloc+0x150/0x5a4)\n"
		 "[  120.000060] alloc_contig_range: [2f100, 2f20a) PFNs busy\n"
		 "[  130.000000] CPU: 2 PID: 812 Comm: v4l2-ctl Not tainted 6.1.21-v7l+ #1642\n"
		 "[  130.000010] Hardware name: BCM2711\n"
		 "[  130.000020] Call trace: \n"
		 "[  130.000030]  unwind_backtrace from show_stack+0x18/0x1c\n"
		 "[  130.000040]  show_stack from dump_stack_lvl+0x40/0x4c\n"
		 "[  130.000050]  dump_stack_lvl from __alloc_contig_migrate_range+0x1a4/0x1e8\n"
		 "[  130.000060]  __alloc_contig_migrate_range from alloc_contig_range+0x148/0x2b0\n"
		 "[  130.000070]  alloc_contig_range from vc4_bo_create+0x30/0x1c0 [vc4]\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->line, 3);
	assert_int_equal(rec->pid, 2323);
	assert_string_equal(rec->comm, "kodi.bin");
	assert_int_equal(rec->nframes, 5);
	assert_frame(&rec->frames[0], "unwind_backtrace", 0, 0, 0x80111e84, NULL, 0);
	assert_frame(&rec->frames[1], "show_stack", 0x20, 0x24, 0x8010d0bc, NULL, 0);
	assert_frame(&rec->frames[3], "alloc_contig_range", 0x3d0, 0x3f8, 0x80258d44, NULL, 0);
	assert_frame(&rec->frames[4], "cma_alloc", 0x150, 0x5a4, 0x802c4a4c, NULL, 0);
	assert_string_equal(run_next(&r)->event, "pfns_busy");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->line, 10);
	assert_int_equal(rec->pid, 812);
	assert_int_equal(rec->nframes, 6);
	assert_frame(&rec->frames[0], "unwind_backtrace", 0, 0, 0, NULL, 0);
	assert_frame(&rec->frames[1], "show_stack", 0x18, 0x1c, 0, NULL, 0);
	assert_frame(&rec->frames[4], "alloc_contig_range", 0x148, 0x2b0, 0, NULL, 0);
	assert_frame(&rec->frames[5], "vc4_bo_create", 0x30, 0x1c0, 0, "vc4", 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A syslog file kept over a reboot: the printk times start again from 0.
 * The later boot's times go on from the earlier boot's last one plus the
 * time between the two lines by their dates, or at least the later line's
 * printk time (so no two boots share times),
 * and the file's clock is no boot clock any more. A line a CPU printed
 * microseconds "before" the one above it is no reboot. */
static void test_printk_times_of_a_later_boot_go_on_after_the_earlier_boot(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "Nov 25 10:00:00 host kernel: [ 4000.000000] migrating pfn 1 failed ret:-16\n"
		 "Nov 25 10:00:00 host kernel: [ 3999.999990] migrating pfn 2 failed ret:-16\n"
		 "Nov 25 10:10:00 host kernel: [   12.000000] migrating pfn 3 failed ret:-16\n"
		 "Nov 25 10:11:00 host kernel: [   72.000000] migrating pfn 4 failed ret:-16\n");
	assert_int_equal(run_next(&r)->ts_ns, 4000000000000);
	assert_int_equal(run_next(&r)->ts_ns, 3999999990000);
	assert_null(pb_parser_meta(r.p, "clock"));
	/* 3999.99999 + 600 s between the dates: 4599.99999 for the line at 12 s */
	assert_int_equal(run_next(&r)->ts_ns, 4599999990000);
	assert_int_equal(run_next(&r)->ts_ns, 4659999990000);
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "relative");
	run_close(&r);

	/* two dmesg outputs one after the other, no dates: the new boot began
	 * after the last line, its line at 3 s at least 3 s after that line */
	run_open(&r, PB_FMT_KMSG,
		 "[  500.000000] migrating pfn 1 failed ret:-16\n"
		 "[    3.000000] migrating pfn 2 failed ret:-16\n"
		 "[    4.000000] migrating pfn 3 failed ret:-16\n");
	assert_int_equal(run_next(&r)->ts_ns, 500000000000);
	assert_int_equal(run_next(&r)->ts_ns, 503000000000);
	assert_int_equal(run_next(&r)->ts_ns, 504000000000);
	run_end(&r);
	run_close(&r);
}

/* A console captured with tio's timestamps: "[%s] " of "%H:%M:%S.%03ld"
 * (24hour, 24hour-start, 24hour-delta) or "%Y-%m-%dT%H:%M:%S.%03ld"
 * (iso8601) before each line, with "\r\n" line ends, or grabserial's. The printk time after
 * it is the line's time; without one only the ISO stamp is a time. */
static void test_serial_terminal_stamps_before_the_line(void **state)
{
	static const struct {
		const char *text;
		int64_t ts;
	} cases[] = {
		{ "[10:00:44.123] [   44.142053] migrating pfn 102496 failed ret:-16\r\n", 44142053000 },
		{ "[2025-11-25T10:00:44.123] [   44.142053] migrating pfn 102496 failed ret:-16\r\n",
		  44142053000 },
		{ "[10:00:44.123] <4>[   44.142053] migrating pfn 102496 failed ret:-16\n", 44142053000 },
		{ "[10:00:44.123] migrating pfn 102496 failed ret:-16\n", -1 },
		/* date -u -d '2025-11-25 10:00:44' +%s -> 1764064844 */
		{ "[2025-11-25T10:00:44.123] migrating pfn 102496 failed ret:-16\n", 1764064844123000000 },
		/* grabserial's "[%4.6f %2.6f] ": times of the capture, not the kernel's */
		{ "[24793.191864 0.000036] [   44.142053] migrating pfn 102496 failed ret:-16\n",
		  44142053000 },
		{ "[24793.191864 0.000036] migrating pfn 102496 failed ret:-16\n", -1 },
		/* dmesg -d with a five-digit time is not grabserial's */
		{ "[12345.678901 <    0.000022>] migrating pfn 102496 failed ret:-16\n", 12345678901000 },
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(cases); i++) {
		struct parse_run r;
		struct pb_record *rec;

		run_open(&r, PB_FMT_KMSG, cases[i].text);
		rec = run_next(&r);
		assert_string_equal(rec->event, "migrate_failed");
		if (rec->ts_ns != cases[i].ts)
			fail_msg("%s: ts %lld", cases[i].text, (long long)rec->ts_ns);
		assert_field(rec, "pfn", "0x102496");
		run_end(&r);
		assert_int_equal(run_bad_total(&r), 0);
		run_close(&r);
	}
}

/* 4.19's __dump_page(): "page:%px count:%d mapcount:%d mapping:%px
 * index:%#lx", " compound_mapcount: %d" continued on the line, "flags:
 * %#lx(%pGp)", and "page:%px is uninitialized and poisoned" before the raw
 * rows of a poisoned page; no pfn of its own (the "migrating pfn" line just
 * before gives it). */
static void test_dump_of_4_19_with_count_and_a_poisoned_page(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "<4>[  300.100000] migrating pfn 8a3c1 failed ret:-16\n"
		 "<0>[  300.100001] page:ffffffbf2228f040 is uninitialized and poisoned\n"
		 "<1>[  300.100002] raw: ffffffffffffffff ffffffffffffffff ffffffffffffffff ffffffffffffffff\n"
		 "<1>[  300.100004] page dumped because: migration failure\n"
		 "<4>[  300.200000] migrating pfn 8a3c2 failed ret:-16\n"
		 "<0>[  300.200001] page:ffffffbf2228f080 count:3 mapcount:1 mapping:ffffffc0d1e2a0a1 index:0x7fa1b2c compound_mapcount: 1\n"
		 "<0>[  300.200002] flags: 0x4000000000010068(uptodate|lru|active|head)\n"
		 "<1>[  300.200003] raw: 4000000000010068 ffffffbf2228f008 ffffffbf2228f088 ffffffc0d1e2a0a1\n"
		 "<1>[  300.200004] page dumped because: migration failure\n"
		 "<1>[  300.200005] page->mem_cgroup:ffffffc0b3b8c000\n");
	assert_string_equal(run_next(&r)->event, "migrate_failed");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "page", "ffffffbf2228f040");
	assert_field(rec, "pfn", "0x8a3c1");
	assert_field(rec, "reason", "migration failure");
	assert_string_equal(run_next(&r)->event, "migrate_failed");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->line, 6);
	assert_field(rec, "pfn", "0x8a3c2");
	assert_field(rec, "pfn_from", "migrate_failed");
	assert_field(rec, "refcount", "3");
	assert_field(rec, "mapcount", "1");
	assert_field(rec, "compound_mapcount", "1");
	assert_field(rec, "flags", "0x4000000000010068(uptodate|lru|active|head)");
	assert_field(rec, "memcg", "ffffffc0b3b8c000");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A vendor cma_alloc() that falls back to the default area appends words
 * after the error: "%s: %s: alloc failed, req-size: %lu pages, ret: %d, try
 * to use default cma". The error is the number, without the comma. */
static void test_cma_failure_with_a_vendor_tail_keeps_the_error(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[   10.000000] cma: cma_alloc: vendor_cma: alloc failed, req-size: 8 pages, ret: -12, try to use default cma\n"
		 "[   10.000100] cma: cma_alloc: alloc failed, req-size: 2040 pages, ret: -16\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_field(rec, "name", "vendor_cma");
	assert_field(rec, "count", "8");
	assert_field(rec, "ret", "-12");
	rec = run_next(&r);
	assert_field(rec, "count", "2040");
	assert_field(rec, "ret", "-16");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A serial console that programs write to as well: a kernel line may begin
 * in the middle of a program's text, or the '[' of its printk time may end
 * the line above. Its printk time still begins it; the program's text
 * before it is not the kernel's, and a line of program text alone is no
 * record. */
static void test_kernel_line_in_the_middle_of_a_programs_output(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  421.400000] imx-ipuv3 2400000.ipu: IPU DMFC NORMAL mode: 1(0~1), 5B(4,5), 5F(6,7)\n"
		 "video/[  421.495561] alloc_contig_range: [9c480, 9c4a6) PFNs busy\n"
		 "x-raw, format=(string)BGRx, width=(int)320, height=(int)240, fra[\n"
		 "421.504399] alloc_contig_range: [9c4c0, 9c4e6) PFNs busy\n"
		 "merate=(fraction)30000/1001, took [12] of [ 1.5] and [<c0ffee>]\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_int_equal(rec->line, 2);
	assert_int_equal(rec->ts_ns, 421495561000);
	assert_string_equal(rec->body, "alloc_contig_range: [9c480, 9c4a6) PFNs busy");
	rec = run_next(&r);
	assert_int_equal(rec->line, 4);
	assert_int_equal(rec->ts_ns, 421504399000);
	assert_field(rec, "start_pfn", "0x9c4c0");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* arm's frame-pointer unwinder (no CONFIG_ARM_UNWIND): "Backtrace: " on a
 * line of its own, then the verbose frames with dump_backtrace_stm()'s
 * saved registers (" r%d:%08x" groups) between them, which are no frames. */
static void test_arm32_frame_pointer_backtrace_skips_saved_registers(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[   50.000000] CPU: 0 PID: 77 Comm: omxplayer Not tainted 4.4.13+ #894\n"
		 "[   50.000010] Hardware name: BCM2708\n"
		 "[   50.000020] Backtrace: \n"
		 "[   50.000030] [<c0013a64>] (dump_backtrace+0x0/0x118) from [<c0013c6c>] (show_stack+0x20/0x28)\n"
		 "[   50.000040]  r6:c06a1f30 r5:00000000 r4:c0717e18 r3:00000000\n"
		 "[   50.000050] [<c0013c4c>] (show_stack) from [<c02f6a00>] (dump_stack+0x20/0x28)\n"
		 "[   50.000070]  r10:00000000 r9:c07d3a90 r8:00000001\n"
		 "[   50.000080] [<c02f69e0>] (dump_stack) from [<c00a1b2c>] (alloc_contig_range+0x2c4/0x2d8)\n"
		 "[   50.000090] alloc_contig_range: [1b800, 1b900) PFNs busy\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->line, 3);
	assert_int_equal(rec->pid, 77);
	assert_int_equal(rec->nframes, 4);
	assert_frame(&rec->frames[0], "dump_backtrace", 0, 0x118, 0xc0013a64, NULL, 0);
	assert_frame(&rec->frames[1], "show_stack", 0x20, 0x28, 0xc0013c6c, NULL, 0);
	assert_frame(&rec->frames[3], "alloc_contig_range", 0x2c4, 0x2d8, 0xc00a1b2c, NULL, 0);
	assert_string_equal(run_next(&r)->event, "pfns_busy");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* HiSilicon (Huawei Kirin) kernels: print_time()'s "[%5lu.%06lus]" with an
 * 's', then in front of the text the RTC date "[%lu:%.2d:%.2d
 * %.2d:%.2d:%.2d]" at most once a second and "[pid:%d,cpu%d,%s]" of the
 * task ("in irq": the pid is the interrupted task's, no task of the line).
 * Detected as a kernel log without --format. */
static void test_hisilicon_time_and_task_prefix(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_UNKNOWN,
		 "[  123.456789s][2021:09:06 00:40:01][pid:1234,cpu3,camera@2.0-serv]alloc_contig_range: [b2800, b2c00) PFNs busy\n"
		 "[  123.456800s][pid:1234,cpu3,camera@2.0-serv]cma: cma_alloc: alloc failed, req-size: 1024 pages, ret: -16\n"
		 "[  123.456900s][pid:77,cpu1,in irq]migrating pfn b2810 failed ret:-16\n");
	assert_int_equal(pb_parser_format(r.p), PB_FMT_KMSG);
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_int_equal(rec->ts_ns, 123456789000);
	assert_int_equal(rec->cpu, 3);
	assert_int_equal(rec->pid, 1234);
	assert_string_equal(rec->comm, "camera@2.0-serv");
	assert_field(rec, "start_pfn", "0xb2800");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_int_equal(rec->pid, 1234);
	assert_field(rec, "ret", "-16");
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_int_equal(rec->cpu, 1);
	assert_int_equal(rec->pid, -1);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* offline_pages()'s failure: "memory offlining %lx to %lx failed" (pfns,
 * 3.x), "memory offlining [mem %#010llx-%#010llx] failed" (the physical
 * range), with " due to %s" from 4.20: a record of the range and reason; a
 * line that begins so but does not close its range is a bad line, other
 * "memory offlining" lines are none. */
static void test_memory_offlining_failures_are_records_of_their_range(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  500.000100] memory offlining [mem 0x13c000000-0x13fffffff] failed due to failure to migrate\n"
		 "[  500.000200] memory offlining [mem 0x140000000-0x147ffffff] failed\n"
		 "[  500.000300] memory offlining 13c000 to 140000 failed\n"
		 "[  500.000400] memory offlining [mem 0x140000000 failed\n"
		 "[  500.000500] memory offlining started\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "offline_failed");
	assert_field(rec, "start_addr", "0x13c000000");
	assert_field(rec, "end_addr", "0x13fffffff");
	assert_field(rec, "reason", "failure to migrate");
	rec = run_next(&r);
	assert_field(rec, "end_addr", "0x147ffffff");
	assert_null(pb_record_field(rec, "reason"));
	rec = run_next(&r);
	assert_field(rec, "start_pfn", "0x13c000");
	assert_field(rec, "end_pfn", "0x140000");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 1);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 1);
	run_close(&r);
}

/* Lines whose kernel log prefixes only the parser knows how to take off
 * are detected as a kernel log: a serial terminal's stamp (tio's time or
 * ISO date, grabserial's "[%4.6f %2.6f] "), logcat -v brief, a paste quoted
 * with "> " or indented, a program's text before the kernel's line. Each
 * was "unrecognised format" before, readable only with --format kmsg. */
static void test_detect_wrapped_kernel_lines(void **state)
{
	static const char *const texts[] = {
		"[10:00:44.123] migrating pfn 102496 failed ret:-16\n",
		"[2025-11-25T10:00:44.123] [   44.142053] migrating pfn 102496 failed ret:-16\n",
		"[24793.191864 0.000036] [   44.142053] migrating pfn 102496 failed ret:-16\n",
		"E/cma     (    0): cma_alloc: alloc failed, req-size: 2025 pages, ret: -12\n",
		"> [   44.142053] alloc_contig_range: [b2800, b2c00) PFNs busy\n",
		"    [   44.142053] alloc_contig_range: [b2800, b2c00) PFNs busy\n",
		"video/[  421.495561] alloc_contig_range: [b2800, b2c00) PFNs busy\n",
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(texts); i++) {
		struct parse_run r;

		run_open(&r, PB_FMT_UNKNOWN, texts[i]);
		if (pb_parser_format(r.p) != PB_FMT_KMSG)
			fail_msg("%s: not detected", texts[i]);
		assert_non_null(run_next(&r));
		run_close(&r);
	}
}

/* powerpc's show_stack(): "[%016lx] [%016lx] %pS" (stack pointer, return
 * address) with " (unreliable)" after the first frame, " (%pS)" of the
 * real return address where the graph tracer put return_to_handler, and
 * "--- interrupt: %lx at %pS" before the entry from user space; s390's
 * " [<%016lx>] %pSR " and "([<%016lx>] %pSR)" of a frame its unwinder is
 * unsure of. Each frame is the symbol, never the addresses or the notes. */
static void test_powerpc_and_s390_call_traces_give_their_frames(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[ 8812.330000] CPU: 12 PID: 4411 Comm: qemu-system-ppc Not tainted 6.6.0 #1\n"
		 "[ 8812.330004] Hardware name: IBM,9009-22A POWER9 (raw) 0x4e1202 0xf000005 pSeries\n"
		 "[ 8812.330008] Call Trace:\n"
		 "[ 8812.330012] [c00000002d3bf4e0] [c000000000f9b6d8] dump_stack_lvl+0x70/0xa4 (unreliable)\n"
		 "[ 8812.330016] [c00000002d3bf510] [c0000000004e2b3c] __alloc_contig_migrate_range+0x23c/0x270\n"
		 "[ 8812.330020] [c00000002d3bf5c0] [c00000000008f3a0] return_to_handler+0x0/0x40 (alloc_contig_range+0x1f8/0x3f0)\n"
		 "[ 8812.330024] [c00000002d3bf790] [c008000017a3b6a4] kvmppc_allocate_hpt+0xbc/0x1e0 [kvm_hv]\n"
		 "[ 8812.330028] [c00000002d3bfe50] [c00000000000d05c] system_call_vectored_common+0x15c/0x2ec\n"
		 "[ 8812.330032] --- interrupt: 3000 at 0x7fffa8e4c86c\n"
		 "[ 8812.330033] NIP:  00007fffa8e4c86c LR: 00000001123a4b2c CTR: 0000000000000000\n"
		 "[ 8812.330034] --- interrupt: 3000\n"
		 "[ 8812.330036] alloc_contig_range: [2a1c00, 2a1d00) PFNs busy\n"
		 "[ 8900.000000] CPU: 1 PID: 77 Comm: insmod Not tainted 3.10.0 #1\n"
		 "[ 8900.000004] Call Trace:\n"
		 "[ 8900.000008] [c0000003ed2ff6a0] [c000000000014e1c] .show_stack+0x7c/0x1f0 (unreliable)\n"
		 "[ 8900.000012] [c0000003ed2ff770] [c0000000001b2a44] .alloc_contig_range+0x2b4/0x3a0\n"
		 "[ 8900.000016] --- Exception: 501 at .arch_local_irq_restore+0x60/0x90\n"
		 "[ 8900.000018]     LR = .arch_local_irq_restore+0x60/0x90\n"
		 "[ 8900.000020] [c0000003ed2ff840] [c0000000001f5c10] .dma_alloc_from_contiguous+0x140/0x260\n"
		 "[ 9000.000000] CPU: 3 PID: 912 Comm: qemu-kvm Not tainted 6.1.0 #1\n"
		 "[ 9000.000004] Hardware name: IBM 8561 T01 703 (LPAR)\n"
		 "[ 9000.000008] Call Trace:\n"
		 "[ 9000.000012]  [<0000000112a3b4c6>] dump_stack_lvl+0x8e/0xc8 \n"
		 "[ 9000.000016] ([<0000000112c5e1a2>] __alloc_contig_migrate_range+0x1b2/0x1d0)\n"
		 "[ 9000.000020]  [<000003ff80a61e3c>] vfio_pin_map_dma+0x10c/0x2a0 [vfio_iommu_type1] \n"
		 "[ 9000.000024] alloc_contig_range: [81c00, 81d00) PFNs busy\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->pid, 4411);
	assert_string_equal(rec->comm, "qemu-system-ppc");
	assert_int_equal(rec->nframes, 5);
	assert_frame(&rec->frames[0], "dump_stack_lvl", 0x70, 0xa4, 0xc000000000f9b6d8, NULL, 0);
	assert_frame(&rec->frames[1], "__alloc_contig_migrate_range", 0x23c, 0x270,
		     0xc0000000004e2b3c, NULL, 0);
	assert_frame(&rec->frames[2], "alloc_contig_range", 0x1f8, 0x3f0, 0xc00000000008f3a0, NULL, 0);
	assert_frame(&rec->frames[3], "kvmppc_allocate_hpt", 0xbc, 0x1e0, 0xc008000017a3b6a4,
		     "kvm_hv", 0);
	assert_frame(&rec->frames[4], "system_call_vectored_common", 0x15c, 0x2ec,
		     0xc00000000000d05c, NULL, 0);
	assert_string_equal(run_next(&r)->event, "pfns_busy");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->pid, 77);
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[0], "show_stack", 0x7c, 0x1f0, 0xc000000000014e1c, NULL, 0);
	assert_frame(&rec->frames[2], "dma_alloc_from_contiguous", 0x140, 0x260,
		     0xc0000000001f5c10, NULL, 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->pid, 912);
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[0], "dump_stack_lvl", 0x8e, 0xc8, 0x112a3b4c6, NULL, 0);
	assert_frame(&rec->frames[1], "__alloc_contig_migrate_range", 0x1b2, 0x1d0, 0x112c5e1a2,
		     NULL, 0);
	assert_frame(&rec->frames[2], "vfio_pin_map_dma", 0x10c, 0x2a0, 0x3ff80a61e3c,
		     "vfio_iommu_type1", 0);
	assert_string_equal(run_next(&r)->event, "pfns_busy");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A kernel with CONFIG_STACKTRACE_BUILD_ID (5.14+) prints a module's
 * frames with "%pSb" (arm64) and "%pBb" (x86): the module's build id,
 * 40 hex digits, after its name inside the brackets. The module is its
 * name alone: "mali_kbase", as without the option. */
static void test_module_build_id_is_not_part_of_the_module(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  812.400000] CPU: 5 PID: 2210 Comm: cam_alloc Tainted: G           OE      6.1.75 #1\n"
		 "[  812.400004] Hardware name: Synthetic ARM64 board (DT)\n"
		 "[  812.400008] Call trace:\n"
		 "[  812.400012]  dump_backtrace+0xe4/0x124\n"
		 "[  812.400016]  kbase_jd_user_buf_pin_pages+0x6c/0x110 [mali_kbase 8f1c2e0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e]\n"
		 "[  812.400020]  kbase_ioctl+0x2f8/0x1200 [mali_kbase 8f1c2e0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e]\n"
		 "[  812.400024]  __arm64_sys_ioctl+0xb4/0x100\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->nframes, 4);
	assert_frame(&rec->frames[1], "kbase_jd_user_buf_pin_pages", 0x6c, 0x110, 0, "mali_kbase", 0);
	assert_frame(&rec->frames[2], "kbase_ioctl", 0x2f8, 0x1200, 0, "mali_kbase", 0);
	assert_frame(&rec->frames[3], "__arm64_sys_ioctl", 0xb4, 0x100, 0, NULL, 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Call traces and page_owner stacks as symbolizers rewrite them before
 * they are posted: syzkaller's symbolizeLine() appends " file:line" to a
 * frame and " [inline]" to an inlined function's, named without offset;
 * the kernel's scripts/decode_stacktrace.sh puts "name (file:line ...)"
 * in place of "name+off/size", the module's name bare after it, and joins
 * the words of the line with one blank (no indentation left). The frames
 * are the functions the kernel printed either way: syzkaller's lines of
 * inlined functions are none. */
static void test_symbolized_frames_are_their_functions(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  701.100000][ T4242] Call Trace:\n"
		 "[  701.100001][ T4242]  <TASK>\n"
		 "[  701.100002][ T4242]  __dump_stack lib/dump_stack.c:88 [inline]\n"
		 "[  701.100003][ T4242]  dump_stack_lvl+0x1e9/0x2d0 lib/dump_stack.c:106\n"
		 "[  701.100004][ T4242]  alloc_contig_range+0x5d1/0x8a0 mm/page_alloc.c:6480\n"
		 "[  701.100005][ T4242]  cma_alloc+0x3c2/0xa40 mm/cma.c:505\n"
		 "[  701.100006][ T4242]  vb2_dc_alloc+0x8c/0x170 drivers/media/videobuf2-dma-contig.c:160 [videobuf2_dma_contig]\n"
		 "[  701.100007][ T4242]  </TASK>\n"
		 "[  702.200000] Call trace:\n"
		 "[  702.200001] __alloc_pages (mm/page_alloc.c:4567) \n"
		 "[  702.200002] ? dma_alloc_attrs (kernel/dma/mapping.c:455) \n"
		 "[  702.200003] get_page_from_freelist (mm/page_alloc.c:3311 mm/page_alloc.c:3320 (discriminator 2)) \n"
		 "[  702.200004] vb2_dc_alloc (drivers/media/videobuf2-dma-contig.c:160) videobuf2_dma_contig\n"
		 "[  702.200005] ---[ end trace 0000000000000000 ]---\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->pid, 4242);
	assert_int_equal(rec->nframes, 4);
	assert_frame(&rec->frames[0], "dump_stack_lvl", 0x1e9, 0x2d0, 0, NULL, 0);
	assert_frame(&rec->frames[2], "cma_alloc", 0x3c2, 0xa40, 0, NULL, 0);
	assert_frame(&rec->frames[3], "vb2_dc_alloc", 0x8c, 0x170, 0, "videobuf2_dma_contig", 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[0], "__alloc_pages", 0, 0, 0, NULL, 0);
	assert_frame(&rec->frames[1], "get_page_from_freelist", 0, 0, 0, NULL, 0);
	assert_frame(&rec->frames[2], "vb2_dc_alloc", 0, 0, 0, "videobuf2_dma_contig", 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* dump_page()'s page_owner stack through decode_stacktrace.sh: its frames
 * lost their indentation but are the stack all the same, up to the next
 * line of the dump; a word that is no source position stays the frame's. */
static void test_decoded_page_owner_stack_is_read_to_its_end(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  90.000001] page:00000000deadbeef refcount:3 mapcount:1 mapping:0000000000000000 index:0x1 pfn:0x9a100\n"
		 "[  90.000002] flags: 0x4000000000080024(uptodate|active|swapbacked|zone=1)\n"
		 "[  90.000003] page dumped because: migration failure\n"
		 "[  90.000004] page_owner tracks the page as allocated\n"
		 "[  90.000005] page last allocated via order 0, migratetype Movable, gfp_mask 0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), pid 77, tgid 77 (camd), ts 89000000000, free_ts 0\n"
		 "[  90.000006] post_alloc_hook (mm/page_alloc.c:1533) \n"
		 "[  90.000007] do_anonymous_page (mm/memory.c:4080) \n"
		 "[  90.000008] pin_user_pages_fast (mm/gup.c:3098) \n"
		 "[  90.000009] page_owner free stack trace missing\n"
		 "[  90.000010] foo (bar) baz qux\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[0], "post_alloc_hook", 0, 0, 0, NULL, 0);
	assert_frame(&rec->frames[2], "pin_user_pages_fast", 0, 0, 0, NULL, 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* logcat -v long (liblog's FORMAT_LONG): each entry is a head "[ %s
 * %5d:%5d %c/%-8s ]" on a line of its own, the message on the lines after
 * it, a blank line after the entry. The message is read with the head's
 * date and the tag logd took off put back; the head alone is no record. */
static void test_logcat_long_entries_are_read_with_their_head(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "--------- beginning of kernel\n"
		 "[ 03-14 15:09:26.535     0:    0 I/         ]\n"
		 "alloc_contig_range: [c1200, c1600) PFNs busy\n"
		 "\n"
		 "[ 03-14 15:09:26.541     0:    0 W/cma      ]\n"
		 "cma_alloc: linux,cma: alloc failed, req-size: 1024 pages, ret: -16\n"
		 "\n"
		 "[ 03-14 15:09:27.002   812:  901 I/ActivityManager ]\n"
		 "Start proc 4321:com.example/u0a77\n"
		 "\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	/* date -u -d '2000-03-14 15:09:26.535' +%s%N */
	assert_int_equal(rec->ts_ns, 953046566535000000);
	assert_field(rec, "start_pfn", "0xc1200");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_string_equal(rec->body, "cma: cma_alloc: linux,cma: alloc failed, req-size: 1024 pages, ret: -16");
	assert_int_equal(rec->ts_ns, 953046566541000000);
	assert_field(rec, "name", "linux,cma");
	run_end(&r);
	assert_string_equal(pb_parser_meta(r.p, "clock"), "yearless");
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* One busy line in the logcat layout HEAD puts before it: the record's
 * time and the file's clock. */
static void assert_logcat_busy_line(const char *head, int64_t ts, const char *clock)
{
	struct parse_run r;
	struct pb_record *rec;
	char text[256];

	snprintf(text, sizeof(text), "%sI         : alloc_contig_range: [8f200, 8f400) PFNs busy\n",
		 head);
	run_open(&r, PB_FMT_KMSG, text);
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_field(rec, "start_pfn", "0x8f200");
	assert_int_equal(rec->ts_ns, ts);
	run_end(&r);
	if (clock)
		assert_string_equal(pb_parser_meta(r.p, "clock"), clock);
	else
		assert_null(pb_parser_meta(r.p, "clock"));
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* liblog's android_log_formatLogLine(): the threadtime head is "%s %s%5d
 * %5d %c %-8s: " with the uid of -v uid before the pid (an Android
 * bugreport's KERNEL LOG: logcat -b kernel -v threadtime -v printable -v
 * uid), and the time "%m-%d %H:%M:%S" or "%Y-%m-%d %H:%M:%S" (-v year),
 * "%19lld" (-v epoch) or "%6lld" (-v monotonic), with ".%03ld", ".%06ld"
 * (-v usec) or ".%09ld" (-v nsec), and " %z" after a date (-v zone). The
 * lines with a uid were no kernel lines, the other times no logcat heads. */
static void test_logcat_uid_and_the_times_of_its_options(void **state)
{
	(void)state;
	/* date -u -d '2000-01-01 00:03:20.100' +%s%N */
	assert_logcat_busy_line("01-01 00:03:20.100  root     0     0 ", 946685000100000000, "yearless");
	assert_logcat_busy_line("01-01 00:03:20.100  1000   812   901 ", 946685000100000000, "yearless");
	assert_logcat_busy_line("01-01 00:03:20.100        0     0 ", 946685000100000000, "yearless");
	/* date -u -d '2000-01-01 00:03:20.100280' +%s%N */
	assert_logcat_busy_line("01-01 00:03:20.100280     0     0 ", 946685000100280000, "yearless");
	/* date -u -d '2022-01-01 00:03:20.100' +%s%N */
	assert_logcat_busy_line("2022-01-01 00:03:20.100  root     0     0 ", 1640995400100000000, "realtime");
	assert_logcat_busy_line("         1640995400.100000000     0     0 ", 1640995400100000000, "realtime");
	/* date -u -d '2022-01-01 00:03:20.100 +0100' +%s%N */
	assert_logcat_busy_line("2022-01-01 00:03:20.100 +0100     0     0 ", 1640991800100000000, "realtime");
	/* -v monotonic: seconds since boot, the printk clock */
	assert_logcat_busy_line("   200.100     0     0 ", 200100000000, NULL);
	assert_logcat_busy_line("1234567.100     0     0 ", 1234567100000000, NULL);
}

/* The uid of -v uid in the other layouts: "(%s%5d)" of -v time and -v
 * brief, "[ %s %s%5d:%5d %c/%-8s ]" of -v long. */
static void test_logcat_uid_in_brief_time_and_long(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "01-01 00:03:20.100 W/cma     ( root:    0): cma_alloc: reserved: alloc failed, req-size: 8 pages, ret: -12\n"
		 "I/        ( 1000:    0): alloc_contig_range: [b2800, b2c00) PFNs busy\n"
		 "[ 01-01 00:03:21.200  root:    0:    0 W/cma      ]\n"
		 "cma_alloc: linux,cma: alloc failed, req-size: 1024 pages, ret: -16\n"
		 "\n");
	rec = run_next(&r);
	assert_string_equal(rec->body, "cma: cma_alloc: reserved: alloc failed, req-size: 8 pages, ret: -12");
	assert_int_equal(rec->ts_ns, 946685000100000000);
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_field(rec, "start_pfn", "0xb2800");
	rec = run_next(&r);
	assert_string_equal(rec->body, "cma: cma_alloc: linux,cma: alloc failed, req-size: 1024 pages, ret: -16");
	/* date -u -d '2000-01-01 00:03:21.200' +%s%N */
	assert_int_equal(rec->ts_ns, 946685001200000000);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* logcat -v long prints every kernel line as an entry of its own, a head
 * before it and a blank line after it: a dump_page() and its page_owner
 * stack read on across them (the dump ended at the first blank line, with
 * no stack). */
static void test_logcat_long_dump_reads_on_across_its_entries(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[ 01-01 00:03:20.100     0:    0 I/         ]\n"
		 "page:00000000deadbeef refcount:3 mapcount:1 mapping:0000000011111111 index:0x7f2 pfn:0x8f2a1\n"
		 "\n"
		 "[ 01-01 00:03:20.100     0:    0 I/         ]\n"
		 "page dumped because: migration failure\n"
		 "\n"
		 "[ 01-01 00:03:20.100     0:    0 I/         ]\n"
		 "page last allocated via order 0, migratetype Movable, gfp_mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 1234, ts 199000000000, free_ts 0\n"
		 "\n"
		 "[ 01-01 00:03:20.100     0:    0 I/         ]\n"
		 " pin_user_pages+0x5c/0x80\n"
		 "\n"
		 "[ 01-01 00:03:20.100     0:    0 I/         ]\n"
		 " mydrv_pin_buffer+0x84/0x120 [mydrv]\n"
		 "\n"
		 "[ 01-01 00:03:20.100     0:    0 W/cma      ]\n"
		 "cma_alloc: linux,cma: alloc failed, req-size: 512 pages, ret: -16\n"
		 "\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "pfn", "0x8f2a1");
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[1], "mydrv_pin_buffer", 0x84, 0x120, 0, "mydrv", 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A serial console on which another record was printed into the middle
 * of a line: print_time() begins every record, so a printk time after a
 * line's start is a record of its own, and the next line, with no prefix
 * and no time, is the rest of the broken one. The broken line is read
 * joined again at its time, then the record printed into it; a line whose
 * next line has a time of its own is read as before. */
static void test_a_line_broken_by_another_record_is_joined_again(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  200.100000] alloc_contig_range: [8f200, 8f4[  200.100005] migrating pfn 8f2a1 failed ret:-16\n"
		 "00) PFNs busy\n"
		 "[  200.100100] page:00000000deadbeef refcount:3 mapcount:1 [  200.100101] usb 1-1: new device\n"
		 "mapping:0000000011111111 index:0x7f2 pfn:0x8f2a1\n"
		 "[  200.100140] page dumped because: migration failure\n"
		 "[  200.100200] alloc_contig_range: [8f600, 8f8[  200.100205] migrating pfn 8f6a2 failed ret:-16\n"
		 "[  200.100300] cma: cma_alloc: alloc failed, req-size: 512 pages, ret: -16\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_string_equal(rec->body, "alloc_contig_range: [8f200, 8f400) PFNs busy");
	assert_int_equal(rec->ts_ns, 200100000000);
	assert_int_equal(rec->line, 1);
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_field(rec, "pfn", "0x8f2a1");
	assert_int_equal(rec->ts_ns, 200100005000);
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "pfn", "0x8f2a1");
	assert_int_equal(rec->ts_ns, 200100100000);
	/* no rest after it: the broken line is no record, the one in it is */
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_field(rec, "pfn", "0x8f6a2");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Another CPU's whole message printed between two frames of a stack:
 * without caller ids, a line with its own time followed by a frame of the
 * stack's indentation is another record, read after the stack at its own
 * line and time; a blank line, a record's head or a line ending in ':'
 * ends the stack as before, and so does a line of no known message in a
 * log without times. */
static void test_a_stack_reads_on_across_another_cpus_record(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  300.000100] Call Trace:\n"
		 "[  300.000101]  <TASK>\n"
		 "[  300.000102]  dump_stack_lvl+0x48/0x70\n"
		 "[  300.000103] alloc_contig_range: [8f200, 8f400) PFNs busy\n"
		 "[  300.000104]  cma_alloc+0x5ac/0x6c0\n"
		 "[  300.000105]  dma_alloc_contiguous+0x2c/0x40\n"
		 "[  300.000106]  </TASK>\n"
		 "[  300.000200] page:00000000deadbeef refcount:3 mapcount:1 mapping:0000000000000000 index:0x7f2 pfn:0x8f2a1\n"
		 "[  300.000201] page dumped because: migration failure\n"
		 "[  300.000202] page last allocated via order 0, migratetype Movable, gfp_mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 77, ts 299000000000, free_ts 0\n"
		 "[  300.000203]  post_alloc_hook+0x1a0/0x1c8\n"
		 "[  300.000204] usb 1-1: new high-speed USB device number 3 using xhci-hcd\n"
		 "[  300.000205] cma: cma_alloc: alloc failed, req-size: 16 pages, ret: -12\n"
		 "[  300.000206]  pin_user_pages_fast+0x5c/0x7c\n"
		 "[  300.000207]  mydrv_pin+0x9c/0x1e0 [mydrv]\n"
		 "[  300.000208] Call trace:\n"
		 "[  300.000209]  show_stack+0x18/0x24\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->nframes, 3);
	assert_string_equal(rec->frames[2].symbol, "dma_alloc_contiguous");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_int_equal(rec->line, 4);
	assert_int_equal(rec->ts_ns, 300000103000);
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->nframes, 3);
	assert_string_equal(rec->frames[2].symbol, "mydrv_pin");
	/* the failure printed into the stack, once, at its own line */
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_int_equal(rec->line, 13);
	assert_field(rec, "count", "16");
	/* the next call trace is no part of the page_owner stack */
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->nframes, 1);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);

	/* printk.time=0: a known message is another record, a line of none
	 * ends the stack */
	run_open(&r, PB_FMT_KMSG,
		 "page:00000000deadbeef refcount:3 mapcount:1 mapping:0000000000000000 index:0x7f2 pfn:0x8f2a1\n"
		 "page dumped because: migration failure\n"
		 "page last allocated via order 0, migratetype Movable, gfp_mask 0x100cca(GFP_HIGHUSER_MOVABLE)\n"
		 " post_alloc_hook+0x1a0/0x1c8\n"
		 "alloc_contig_range: [8f200, 8f400) PFNs busy\n"
		 " pin_user_pages+0x5c/0x7c\n"
		 "usb 1-1: reset high-speed USB device number 3 using xhci-hcd\n"
		 " mydrv_pin+0x9c/0x1e0 [mydrv]\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->nframes, 2);
	assert_string_equal(rec->frames[1].symbol, "pin_user_pages");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_int_equal(rec->line, 5);
	run_end(&r);
	run_close(&r);
}

/* With printk caller ids (",caller=" of /dev/kmsg, "[ T77]" of the
 * console) the lines of one record share the caller: another caller's
 * lines are set aside, whatever they are (a frame, a head ending in ':'),
 * and read after the record. */
static void test_a_stack_keeps_to_its_printk_caller(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "6,101,300000200,-,caller=T77;page:00000000deadbeef refcount:3 mapcount:1 mapping:0000000000000000 index:0x7f2 pfn:0x8f2a1\n"
		 "4,102,300000201,-,caller=T77;page dumped because: migration failure\n"
		 "4,103,300000202,-,caller=T77;page last allocated via order 0, migratetype Movable, gfp_mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 77, tgid 77 (app), ts 299000000000, free_ts 0\n"
		 "4,104,300000203,-,caller=T77; post_alloc_hook+0x1a0/0x1c8\n"
		 "4,105,300000204,-,caller=C3; irq_handler_entry+0x10/0x20\n"
		 "4,106,300000205,-,caller=T90;Hardware name: Board (DT)\n"
		 "4,107,300000206,-,caller=T77; pin_user_pages_fast+0x5c/0x7c\n"
		 "6,108,300000207,-,caller=T90;alloc_contig_range: [8f600, 8f800) PFNs busy\n"
		 "4,109,300000208,-,caller=T77; mydrv_pin+0x9c/0x1e0 [mydrv]\n"
		 "4,110,300000300,-,caller=T77;cma: cma_alloc: alloc failed, req-size: 16 pages, ret: -12\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->nframes, 3);
	assert_string_equal(rec->frames[1].symbol, "pin_user_pages_fast");
	assert_string_equal(rec->frames[2].symbol, "mydrv_pin");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pfns_busy");
	assert_int_equal(rec->line, 8);
	assert_int_equal(rec->pid, 90);
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_int_equal(rec->line, 10);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A log pasted where a web page collapsed its white space: a frame's
 * leading blank (" %pS") and x86's "<TASK>" markers' are gone, the frames
 * alone on their lines after the prefix. A line that is a frame as %pS
 * prints it, "name+0xoff/0xsize" with its module, is one of the trace or
 * page_owner stack it is in; the line after them ends them as before. */
static void test_collapsed_paste_keeps_its_frames(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[ 88.100000] CPU: 2 PID: 3107 Comm: camapp Tainted: G C 6.1.55 #1\n"
		 "[ 88.100001] Call Trace:\n"
		 "[ 88.100002] <TASK>\n"
		 "[ 88.100003] dump_stack_lvl+0x48/0x60\n"
		 "[ 88.100004] ? cma_alloc+0x1a4/0x600\n"
		 "[ 88.100005] alloc_contig_range+0x1e4/0x2b8\n"
		 "[ 88.100006] cma_alloc+0x1a4/0x600\n"
		 "[ 88.100007] vb2_dc_alloc+0x8c/0x170 [videobuf2_dma_contig]\n"
		 "[ 88.100008] </TASK>\n"
		 "[ 88.100009] page:fffffc00028e9040 refcount:3 mapcount:1 mapping:0000000000000000 index:0x41 pfn:0xa3a41\n"
		 "[ 88.100010] page dumped because: migration failure\n"
		 "[ 88.100011] page_owner tracks the page as allocated\n"
		 "[ 88.100012] page last allocated via order 0, migratetype Movable, gfp_mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 77, tgid 77 (camd), ts 87000000000, free_ts 0\n"
		 "[ 88.100013] post_alloc_hook+0x1a0/0x1c8\n"
		 "[ 88.100014] pin_user_pages_fast+0x40/0x60\n"
		 "[ 88.100015] cam_ioctl+0x10/0x20 [cam 8f1c2e0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e]\n"
		 "[ 88.100016] page_owner free stack trace missing\n"
		 "[ 88.100017] cma: cma_alloc: alloc failed, req-size: 64 pages, ret: -16\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "call_trace");
	assert_int_equal(rec->pid, 3107);
	assert_int_equal(rec->nframes, 4);
	assert_frame(&rec->frames[0], "dump_stack_lvl", 0x48, 0x60, 0, NULL, 0);
	assert_frame(&rec->frames[3], "vb2_dc_alloc", 0x8c, 0x170, 0, "videobuf2_dma_contig", 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[2], "cam_ioctl", 0x10, 0x20, 0, "cam", 0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* x86's traces of 3.x-4.9: printk_stack_address() prints "%s [<%p>] %s%pB"
 * with the "? " of a stale frame after the address, and print_trace_stack()
 * "%s <%s> " with no newline, so a section's first frame follows its
 * marker on one line. Stale frames are no frames, the marker no part of
 * the frame; the same with the blanks collapsed away. Before 3.9 the task
 * line was dump_stack()'s "Pid: %d, comm: %.20s %s %s". */
static void test_x86_addressed_frames_with_markers_and_stale_words(void **state)
{
	static const char indented[] =
		"[ 2448.946974] Pid: 32222, comm: z_wr_iss/1 Tainted: P           O 3.3.0-gentoo-r1 #1\n"
		"[ 2448.946976] Call Trace:\n"
		"[ 2448.946978]  <IRQ>  [<ffffffff81080e63>] ? warn_alloc_failed+0x10a/0x11d\n"
		"[ 2448.946989]  [<ffffffff810837c5>] __alloc_pages_nodemask+0x611/0x66a\n"
		"[ 2448.947002]  [<ffffffffa089d7f9>] try_fill_recv+0x58/0x402 [virtio_net]\n"
		"[ 2448.947076]  <EOI>  [<ffffffffa09220e0>] ? compress+0x148/0x1d5 [zfs]\n"
		"[ 2448.947102]  [<ffffffffa096e1d9>] zio_compress_data+0x63/0xa1 [zfs]\n"
		"[ 2448.947110] cma: cma_alloc: alloc failed, req-size: 16 pages, ret: -12\n";
	static const char collapsed[] =
		"[ 2448.946974] Pid: 32222, comm: z_wr_iss/1 Tainted: P O 3.3.0-gentoo-r1 #1\n"
		"[ 2448.946976] Call Trace:\n"
		"[ 2448.946978] <IRQ> [<ffffffff81080e63>] ? warn_alloc_failed+0x10a/0x11d\n"
		"[ 2448.946989] [<ffffffff810837c5>] __alloc_pages_nodemask+0x611/0x66a\n"
		"[ 2448.947002] [<ffffffffa089d7f9>] try_fill_recv+0x58/0x402 [virtio_net]\n"
		"[ 2448.947076] <EOI> [<ffffffffa09220e0>] ? compress+0x148/0x1d5 [zfs]\n"
		"[ 2448.947102] [<ffffffffa096e1d9>] zio_compress_data+0x63/0xa1 [zfs]\n"
		"[ 2448.947110] cma: cma_alloc: alloc failed, req-size: 16 pages, ret: -12\n";
	const char *inputs[] = { indented, collapsed };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct parse_run r;
		struct pb_record *rec;

		run_open(&r, PB_FMT_KMSG, inputs[i]);
		rec = run_next(&r);
		assert_string_equal(rec->event, "call_trace");
		/* the task of dump_stack() before 3.9, "Pid: %d, comm: %.20s" */
		assert_int_equal(rec->pid, 32222);
		assert_string_equal(rec->comm, "z_wr_iss/1");
		assert_int_equal(rec->nframes, 3);
		assert_frame(&rec->frames[0], "__alloc_pages_nodemask", 0x611, 0x66a,
			     0xffffffff810837c5, NULL, 0);
		assert_frame(&rec->frames[2], "zio_compress_data", 0x63, 0xa1, 0xffffffffa096e1d9,
			     "zfs", 0);
		rec = run_next(&r);
		assert_string_equal(rec->event, "cma_alloc_failed");
		run_end(&r);
		assert_int_equal(run_bad_total(&r), 0);
		run_close(&r);
	}
}

/* Linux 7.x (from 6.13) arm64 dump_backtrace_entry(): " %pSb%s%s%s%s%s",
 * the frame then " (" source letter (C, T, P, U), F, K ")" when the
 * unwinder took the address from somewhere else than a frame record. The
 * note is no part of the frame: show_stack's "(C)" was read as the address
 * 0xc, el0_svc's "(P)" as a user dso named P. The same with the blanks
 * collapsed, where a frame followed by a note ended the trace. The task
 * line of 7.x ends with the preemption model (dump_stack_print_info():
 * "... %.*s %s " BUILD_ID_FMT). */
static void test_arm64_unwinder_notes_are_no_part_of_the_frame(void **state)
{
	static const char indented[] =
		"[  812.004211] CPU: 2 UID: 0 PID: 3120 Comm: cma_test Not tainted 7.2.8-arm64 #1 PREEMPT(lazy) \n"
		"[  812.004214] Hardware name: linux,dummy-virt (DT)\n"
		"[  812.004215] Call trace:\n"
		"[  812.004216]  show_stack+0x20/0x38 (C)\n"
		"[  812.004219]  dump_stack_lvl+0x78/0x90\n"
		"[  812.004223]  __alloc_contig_migrate_range+0x1f4/0x2a8\n"
		"[  812.004226]  alloc_contig_frozen_range_noprof+0x118/0x388 (F)\n"
		"[  812.004228]  mydrv_alloc+0x2c/0x50 [mydrv] (CFK)\n"
		"[  812.004234]  el0_svc+0x3c/0x140 (P)\n"
		"[  812.004235]  el0t_64_sync_handler+0x84/0x130 (T)\n"
		"[  812.004236]  el0t_64_sync+0x198/0x1a0 (U)\n"
		"[  812.004240] cma: __cma_alloc_frozen: reserved: alloc failed, req-size: 512 pages, ret: -16\n";
	static const char collapsed[] =
		"[ 812.004211] CPU: 2 UID: 0 PID: 3120 Comm: cma_test Not tainted 7.2.8-arm64 #1 PREEMPT(lazy)\n"
		"[ 812.004214] Hardware name: linux,dummy-virt (DT)\n"
		"[ 812.004215] Call trace:\n"
		"[ 812.004216] show_stack+0x20/0x38 (C)\n"
		"[ 812.004219] dump_stack_lvl+0x78/0x90\n"
		"[ 812.004223] __alloc_contig_migrate_range+0x1f4/0x2a8\n"
		"[ 812.004226] alloc_contig_frozen_range_noprof+0x118/0x388 (F)\n"
		"[ 812.004228] mydrv_alloc+0x2c/0x50 [mydrv] (CFK)\n"
		"[ 812.004234] el0_svc+0x3c/0x140 (P)\n"
		"[ 812.004235] el0t_64_sync_handler+0x84/0x130 (T)\n"
		"[ 812.004236] el0t_64_sync+0x198/0x1a0 (U)\n"
		"[ 812.004240] cma: __cma_alloc_frozen: reserved: alloc failed, req-size: 512 pages, ret: -16\n";
	const char *inputs[] = { indented, collapsed };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct parse_run r;
		struct pb_record *rec;

		run_open(&r, PB_FMT_KMSG, inputs[i]);
		rec = run_next(&r);
		assert_string_equal(rec->event, "call_trace");
		assert_int_equal(rec->pid, 3120);
		assert_string_equal(rec->comm, "cma_test");
		assert_string_equal(pb_parser_meta(r.p, "kernel"), "7.2.8-arm64");
		assert_int_equal(rec->nframes, 8);
		assert_frame(&rec->frames[0], "show_stack", 0x20, 0x38, 0, NULL, 0);
		assert_frame(&rec->frames[3], "alloc_contig_frozen_range_noprof", 0x118, 0x388, 0,
			     NULL, 0);
		assert_frame(&rec->frames[4], "mydrv_alloc", 0x2c, 0x50, 0, "mydrv", 0);
		assert_frame(&rec->frames[5], "el0_svc", 0x3c, 0x140, 0, NULL, 0);
		assert_frame(&rec->frames[6], "el0t_64_sync_handler", 0x84, 0x130, 0, NULL, 0);
		assert_frame(&rec->frames[7], "el0t_64_sync", 0x198, 0x1a0, 0, NULL, 0);
		rec = run_next(&r);
		assert_string_equal(rec->event, "cma_alloc_failed");
		assert_field(rec, "name", "reserved");
		run_end(&r);
		assert_int_equal(run_bad_total(&r), 0);
		run_close(&r);
	}
}

/* Linux 7.x cma_debug_show_areas() after "alloc failed" (now printed by
 * __cma_alloc_frozen()): pr_info("number of available pages: "), then a
 * pr_info("range %d: ") line a range with pr_cont("%s%lu@%lu") runs, an
 * empty pr_info("\n"), and the pr_cont("=> %lu free of %lu total pages\n")
 * after that newline: a line of its own without "cma: ". The figures go
 * into the failure as the one-line form of 4.12-6.12 did; a head whose
 * "=>" never comes gives none, and the line that broke it off is read. */
static void test_cma_failure_of_7_x_reads_the_free_pages_after_its_ranges(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  812.004267] cma: __cma_alloc_frozen: reserved: alloc failed, req-size: 512 pages, ret: -16\n"
		 "[  812.004270] cma: number of available pages: \n"
		 "[  812.004271] cma: range 0: +1024@1024+512@3072\n"
		 "[  812.004272] cma: range 1: 2048@0\n"
		 "[  812.004273] cma: \n"
		 "[  812.004274] => 3584 free of 8192 total pages\n"
		 "[  813.000001] cma: __cma_alloc_frozen: hugetlb1: alloc failed, req-size: 262144 pages, ret: -16\n"
		 "[  813.000002] cma: number of available pages:\n"
		 "[  813.000003] cma: range 0: 4096@0\n"
		 "[  813.000004] migrating pfn 8a210 failed ret:-16\n"
		 "[  813.000005] cma: __cma_alloc: reserved: alloc failed, req-size: 8 pages, ret: -16\n"
		 "[  813.000006] cma: number of available pages: 2@93+8@108=> 10 free of 1024 total pages\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_int_equal(rec->line, 1);
	assert_field(rec, "name", "reserved");
	assert_field(rec, "count", "512");
	assert_field(rec, "ret", "-16");
	assert_field(rec, "free_pages", "3584");
	assert_field(rec, "total_pages", "8192");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_field(rec, "name", "hugetlb1");
	assert_field(rec, "count", "262144");
	assert_null(pb_record_field(rec, "free_pages"));
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_int_equal(rec->line, 10);
	assert_field(rec, "pfn", "0x8a210");
	/* 6.12's one line */
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_alloc_failed");
	assert_field(rec, "free_pages", "10");
	assert_field(rec, "total_pages", "1024");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The busy retry of 6.12's __cma_alloc() and 7.x's cma_range_alloc()
 * (pr_debug, under dynamic debug): "%s(): memory range at pfn 0x%lx %p is
 * busy, retrying". The range's first pfn is a field (the word "pfn" was
 * taken for the page and the pfn was lost), the page only when printed
 * whole. */
static void test_cma_busy_retry_with_the_pfn_of_its_range(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  812.004100] cma: cma_range_alloc(): memory range at pfn 0x8a200 fffffdffc0228000 is busy, retrying\n"
		 "[  812.004200] cma: cma_range_alloc(): memory range at pfn 0x8a400 000000003c1bd5c7 is busy, retrying\n"
		 "[  812.004300] cma: cma_range_alloc(): memory range at pfn 8a600 is busy, retrying\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_busy_retry");
	assert_field(rec, "pfn", "0x8a200");
	assert_field(rec, "page", "fffffdffc0228000");
	rec = run_next(&r);
	assert_field(rec, "pfn", "0x8a400");
	/* a hashed %p is no page to fit a vmemmap with */
	assert_null(pb_record_field(rec, "page"));
	run_end(&r);
	/* a pfn not as "0x%lx" prints it: the record broke off */
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 1);
	run_close(&r);
}

/* A 32-bit kernel prints a page pointer and a hashed %p in the same 8
 * digits (pb_pointer_kind()): its page is kept for the vmemmap fit, which
 * a hash fits no line of; a 64-bit kernel's 8 digits are a hash. */
static void test_cma_busy_retry_page_by_the_kernel_width(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[    0.000000] Linux version 6.1.0-28-armmp (debian-kernel@lists.debian.org) (arm-linux-gnueabihf-gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP Debian 6.1.119-1\n"
		 "[  812.004100] cma: cma_range_alloc(): memory range at pfn 0x8a200 eef44000 is busy, retrying\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_busy_retry");
	assert_string_equal(pb_parser_meta(r.p, "arch"), "armv7l");
	assert_field(rec, "page", "eef44000");
	run_end(&r);
	run_close(&r);
	run_open(&r, PB_FMT_KMSG,
		 "[    0.000000] Linux version 6.1.0-28-arm64 (debian-kernel@lists.debian.org) (aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP Debian 6.1.119-1\n"
		 "[  812.004100] cma: cma_range_alloc(): memory range at pfn 0x8a200 eef44000 is busy, retrying\n");
	rec = run_next(&r);
	assert_null(pb_record_field(rec, "page"));
	run_end(&r);
	run_close(&r);
}

/* One line of each message the dispatcher reads, from its format string,
 * with the event it makes of the line alone (NULL: none). */
static const struct message_sample {
	const char *line, *event;
} message_samples[KMSG_MESSAGES] = {
	[KMSG_DUMP_HEAD] = { "page:00000000deadbeef refcount:3 mapcount:1 mapping:0000000000000000 index:0x7f2 pfn:0x8f2a1", NULL },
	[KMSG_CALL_TRACE] = { "Call trace:", NULL },
	[KMSG_MIGRATING_PFN] = { "migrating pfn 8f2a1 failed ret:-16", "migrate_failed" },
	[KMSG_ISOLATE_PFN] = { "failed to isolate pfn 8f2a1", "migrate_failed" },
	[KMSG_LRU_REMOVAL] = { "removing pfn 8f2a1 from LRU failed", "migrate_failed" },
	[KMSG_PFNS_BUSY] = { "alloc_contig_range: [8f200, 8f400) PFNs busy", "pfns_busy" },
	[KMSG_POOL_AREA] = { "Reserved memory: created CMA memory pool at 0x00000000f0000000, size 256 MiB", "cma_area" },
	[KMSG_DECLARED_AREA] = { "cma: Reserved 256 MiB at 0x00000000f0000000", "cma_area" },
	[KMSG_CMA_ALLOC_FAILED] = { "cma: cma_alloc: linux,cma: alloc failed, req-size: 16 pages, ret: -12", "cma_alloc_failed" },
	/* 3.5-3.17 drivers/base/dma-contiguous.c: "%s(): memory range at %p
	 * is busy, retrying", __func__ */
	[KMSG_CMA_BUSY_RETRY] = { "dma_alloc_from_contiguous(): memory range at c0a4f000 is busy, retrying", "cma_busy_retry" },
	[KMSG_CMA_OTHER] = { "cma: number of available pages: 2@93=> 2 free of 1024 total pages", NULL },
	[KMSG_ISOLATION_FAILED] = { "alloc_contig_range test_pages_isolated(8f200, 8f400) failed", "pfns_busy" },
	[KMSG_LAST_PINNED] = { "page last pinned 98.123456] count 1", NULL },
	[KMSG_OFFLINE_FAILED] = { "memory offlining [mem 0x40000000-0x47ffffff] failed due to failure to isolate range", "offline_failed" },
	[KMSG_SUPPRESSED] = { "alloc_contig_range: 7 callbacks suppressed", "suppressed" },
	[KMSG_TASK_LINE] = { "CPU: 1 PID: 106 Comm: sh Not tainted 6.1.0-50-arm64 #1 Debian 6.1.176-1", NULL },
	[KMSG_BANNER] = { "Linux version 6.1.0-50-arm64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP", NULL },
	[KMSG_DRIVER_FAILED] = { "ion: failed to allocate 16 pages from heap 2", "driver_failed" },
};

/* A message the dispatcher reads is one the rule of a stack's
 * interruptions knows: a record of one line that is read on across (or
 * that ends a stack), the head of a longer record that ends one. Every
 * message has its sample here, so a message added to the table without
 * one fails; and the role the table gives it is what the dispatcher does
 * with its line. */
static void test_every_message_read_is_known_to_the_interruption_rule(void **state)
{
	(void)state;
	for (int what = KMSG_OTHER + 1; what < KMSG_MESSAGES; what++) {
		const struct message_sample *m = &message_samples[what];
		struct kline l = { .kernel = 1, .ts_ns = -1, .cpu = -1, .pid = -1 };
		struct kmsg_seen seen;
		struct parse_run r;
		struct pb_record *rec;

		if (!m->line)
			fail_msg("message %d (%s) has no sample", what, kmsg_message_name(what));
		assert_int_equal(kmsg_recognise(m->line, strlen(m->line), KMSG_OTHER, &seen), what);
		l.text = m->line;
		l.len = strlen(m->line);
		switch (kmsg_message_role(what)) {
		case KMSG_ROLE_LINE:
			if (!kmsg_interruption(&l) && !kmsg_ends_stack(l.text, l.len))
				fail_msg("%s ends a stack it is printed into", kmsg_message_name(what));
			assert_non_null(m->event);
			break;
		case KMSG_ROLE_HEAD:
			assert_true(kmsg_ends_stack(l.text, l.len));
			continue;
		case KMSG_ROLE_NOTE:
			assert_null(m->event);
			break;
		}
		/* the line alone: the record of a one-line message, none of a note */
		run_open(&r, PB_FMT_KMSG, m->line);
		if (m->event) {
			rec = run_next(&r);
			assert_string_equal(rec->event, m->event);
			assert_int_equal(rec->line, 1);
		}
		run_end(&r);
		assert_int_equal(run_bad_total(&r), 0);
		run_close(&r);
	}
}

/* printk.time=0 and no caller ids: each record of one line read here
 * that does not end a stack, printed between two frames of a page_owner
 * stack, is read on across; before, a line the interruption rule's own
 * list missed ("callbacks suppressed", the CMA areas, 3.x's
 * dma_alloc_from_contiguous() retry) cut the stack there. */
static void test_an_untimed_stack_reads_on_across_each_one_line_record(void **state)
{
	static const char head[] =
		"page:00000000deadbeef refcount:3 mapcount:1 mapping:0000000000000000 index:0x7f2 pfn:0x8f2a1\n"
		"page dumped because: migration failure\n"
		"page last allocated via order 0, migratetype Movable, gfp_mask 0x100cca(GFP_HIGHUSER_MOVABLE)\n"
		" post_alloc_hook+0x1a0/0x1c8\n";
	char text[1024];

	(void)state;
	for (int what = KMSG_OTHER + 1; what < KMSG_MESSAGES; what++) {
		const struct message_sample *m = &message_samples[what];
		struct parse_run r;
		struct pb_record *rec;

		if (kmsg_message_role(what) != KMSG_ROLE_LINE ||
		    kmsg_ends_stack(m->line, strlen(m->line)))
			continue;
		snprintf(text, sizeof(text), "%s%s\n pin_user_pages+0x5c/0x7c\n", head, m->line);
		run_open(&r, PB_FMT_KMSG, text);
		rec = run_next(&r);
		assert_string_equal(rec->event, "dump_page");
		if (rec->nframes != 2)
			fail_msg("%s: the stack has %zu frames", kmsg_message_name(what),
				 (size_t)rec->nframes);
		assert_string_equal(rec->frames[1].symbol, "pin_user_pages");
		rec = run_next(&r);
		assert_string_equal(rec->event, m->event);
		assert_int_equal(rec->line, 5);
		run_end(&r);
		assert_int_equal(run_bad_total(&r), 0);
		run_close(&r);
	}
}

/* The dump's page_owner stack (task 2311, caller ids) with N lines of
 * another task printed between its two frames: its frames. */
static size_t frames_across_other_callers_lines(int n)
{
	static char text[64 * 1024];
	size_t at = 0;
	struct parse_run r;
	struct pb_record *rec;
	size_t frames;

	at += (size_t)snprintf(text + at, sizeof(text) - at, "%s",
		"[  812.100200] [ T2311] page:fffffc0002d084c0 refcount:3 mapcount:1 mapping:0000000000000000 index:0x7f12 pfn:0xb4213\n"
		"[  812.100204] [ T2311] page dumped because: migration failure\n"
		"[  812.100206] [ T2311] page last allocated via order 0, migratetype Movable, gfp_mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 2311, tgid 2311 (camera-hal), ts 811000000000, free_ts 0\n"
		"[  812.100207] [ T2311]  post_alloc_hook+0x1a0/0x1c8\n");
	for (int i = 0; i < n; i++)
		at += (size_t)snprintf(text + at, sizeof(text) - at,
				       "[  812.100300] [ T2407] usb 1-1: line %d of another task\n", i);
	snprintf(text + at, sizeof(text) - at, "[  812.100400] [ T2311]  pin_user_pages_fast+0x5c/0x7c\n");
	run_open(&r, PB_FMT_KMSG, text);
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	frames = rec->nframes;
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
	return frames;
}

/* With caller ids, another caller's lines between two frames are held
 * until the record is over: 8 at most before, now as many as a whole
 * record of another CPU (up to 128 lines, 64 KiB); past that the stack
 * ends there and no line is lost. */
static void test_a_stack_keeps_to_its_caller_across_a_long_record(void **state)
{
	(void)state;
	assert_int_equal(frames_across_other_callers_lines(8), 2);
	assert_int_equal(frames_across_other_callers_lines(40), 2);
	assert_int_equal(frames_across_other_callers_lines(127), 2);
	assert_int_equal(frames_across_other_callers_lines(200), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arm64_log_dump_fields_and_call_traces_as_grep_counts),
		cmocka_unit_test(test_second_arm64_log_dumps_and_call_traces_as_grep_counts),
		cmocka_unit_test(test_x86_call_trace_skips_stale_frames_and_migrating_pfn_is_a_record),
		cmocka_unit_test(test_6_6_dump_page_with_page_owner_and_compound_tail_fields),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_reltime),
		cmocka_unit_test(test_delta_only),
		cmocka_unit_test(test_one_clock),
		cmocka_unit_test(test_colour),
		cmocka_unit_test(test_journal_other_programs),
		cmocka_unit_test(test_dump_of_5_10_with_cma_flags_and_mem_cgroup),
		cmocka_unit_test(test_dump_of_the_folio_era_from_6_9),
		cmocka_unit_test(test_android_page_pinner_records_between_their_dumps),
		cmocka_unit_test(test_page_pinner_broken),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_deep_trace),
		cmocka_unit_test(test_unrelated),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_reltime_excerpt),
		cmocka_unit_test(test_vendor_prefixes),
		cmocka_unit_test(test_caller_id_names_the_task),
		cmocka_unit_test(test_logcat),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_pfns_busy_takes_any_function_name),
		cmocka_unit_test(test_old_dumps),
		cmocka_unit_test(test_dumps_without_reason),
		cmocka_unit_test(test_coloured_dump_without_reason),
		cmocka_unit_test(test_detect_untimed),
		cmocka_unit_test(test_syslog_daemons_without_host_or_with_facility),
		cmocka_unit_test(test_logcat_time_and_brief),
		cmocka_unit_test(test_suppressed_messages_are_counted_for_our_functions),
		cmocka_unit_test(test_arm32_backtraces_give_their_frames),
		cmocka_unit_test(test_printk_times_of_a_later_boot_go_on_after_the_earlier_boot),
		cmocka_unit_test(test_serial_terminal_stamps_before_the_line),
		cmocka_unit_test(test_dump_of_4_19_with_count_and_a_poisoned_page),
		cmocka_unit_test(test_cma_failure_with_a_vendor_tail_keeps_the_error),
		cmocka_unit_test(test_kernel_line_in_the_middle_of_a_programs_output),
		cmocka_unit_test(test_arm32_frame_pointer_backtrace_skips_saved_registers),
		cmocka_unit_test(test_hisilicon_time_and_task_prefix),
		cmocka_unit_test(test_memory_offlining_failures_are_records_of_their_range),
		cmocka_unit_test(test_detect_wrapped_kernel_lines),
		cmocka_unit_test(test_powerpc_and_s390_call_traces_give_their_frames),
		cmocka_unit_test(test_module_build_id_is_not_part_of_the_module),
		cmocka_unit_test(test_symbolized_frames_are_their_functions),
		cmocka_unit_test(test_decoded_page_owner_stack_is_read_to_its_end),
		cmocka_unit_test(test_logcat_long_entries_are_read_with_their_head),
		cmocka_unit_test(test_logcat_uid_and_the_times_of_its_options),
		cmocka_unit_test(test_logcat_uid_in_brief_time_and_long),
		cmocka_unit_test(test_logcat_long_dump_reads_on_across_its_entries),
		cmocka_unit_test(test_a_line_broken_by_another_record_is_joined_again),
		cmocka_unit_test(test_collapsed_paste_keeps_its_frames),
		cmocka_unit_test(test_x86_addressed_frames_with_markers_and_stale_words),
		cmocka_unit_test(test_arm64_unwinder_notes_are_no_part_of_the_frame),
		cmocka_unit_test(test_cma_failure_of_7_x_reads_the_free_pages_after_its_ranges),
		cmocka_unit_test(test_cma_busy_retry_with_the_pfn_of_its_range),
		cmocka_unit_test(test_cma_busy_retry_page_by_the_kernel_width),
		cmocka_unit_test(test_a_stack_reads_on_across_another_cpus_record),
		cmocka_unit_test(test_a_stack_keeps_to_its_printk_caller),
		cmocka_unit_test(test_every_message_read_is_known_to_the_interruption_rule),
		cmocka_unit_test(test_an_untimed_stack_reads_on_across_each_one_line_record),
		cmocka_unit_test(test_a_stack_keeps_to_its_caller_across_a_long_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
