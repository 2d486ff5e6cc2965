/* trace.dat through libtracecmd (doc/FORMATS.md section 1): the arm64 trace-cmd
 * capture in file versions 7 (zstd sections) and 6, checked against the
 * trace-cmd report text of the same recording (R = xz -dc
 * trace-cmd-report.txt.xz), and files libtracecmd cannot read. */
#include <stdio.h>
#include <unistd.h>

#include "parse_run.h"

#define V7 "real/arm64-tracecmd-hugetlb-cma/trace.dat.xz"
#define V6 "real/arm64-tracecmd-hugetlb-cma/trace-v6.dat.xz"

struct dat_totals {
	unsigned long records, with_stack, null_page, isolation_failed;
};

static void dat_totals(struct parse_run *r, struct event_count *counts, struct dat_totals *t)
{
	struct pb_record *rec;
	uint64_t prev_line = 0;
	char name[256];
	int rc;

	memset(t, 0, sizeof(*t));
	while ((rc = pb_parser_next(r->p, &rec)) == 1) {
		const char *page = pb_record_field(rec, "page");
		const char *ret = pb_record_field(rec, "ret");

		assert_true(rec->line > prev_line);
		prev_line = rec->line;
		t->records++;
		t->with_stack += rec->nframes > 0;
		snprintf(name, sizeof(name), "%s:%s", rec->system, rec->event);
		for (struct event_count *c = counts; c->name; c++)
			c->n += !strcmp(c->name, name);
		if (!strcmp(name, "cma:cma_alloc_finish") && page && !strcmp(page, "(nil)"))
			t->null_page++;
		if (!strcmp(name, "page_isolation:test_pages_isolated") && ret && !strcmp(ret, "fail"))
			t->isolation_failed++;
	}
	assert_int_equal(rc, 0);
}

static void check_capture(const char *path)
{
	struct event_count counts[] = {
		{ "cma:cma_alloc_start", 0 }, { "cma:cma_alloc_finish", 0 },
		{ "cma:cma_alloc_busy_retry", 0 }, { "page_isolation:test_pages_isolated", 0 },
		{ "ftrace:print", 0 }, { "ftrace:kernel_stack", 0 }, { NULL, 0 },
	};
	struct dat_totals t;
	struct parse_run r;

	run_open_file(&r, PB_FMT_TRACE_DAT, path);
	dat_totals(&r, counts, &t);
	/* grep -c ' cma_alloc_start: ' R -> 22, same for cma_alloc_finish */
	assert_int_equal(count_of(counts, "cma:cma_alloc_start"), 22);
	assert_int_equal(count_of(counts, "cma:cma_alloc_finish"), 22);
	/* grep ' cma_alloc_finish: ' R | grep -c 'page=(nil)' -> 2 */
	assert_int_equal(t.null_page, 2);
	/* grep -c ' cma_alloc_busy_retry: ' R -> 64 */
	assert_int_equal(count_of(counts, "cma:cma_alloc_busy_retry"), 64);
	/* grep -c ' test_pages_isolated: ' R -> 328; ... | grep -c ret=fail -> 306 */
	assert_int_equal(count_of(counts, "page_isolation:test_pages_isolated"), 328);
	assert_int_equal(t.isolation_failed, 306);
	/* grep -c ' print: ' R -> 8 */
	assert_int_equal(count_of(counts, "ftrace:print"), 8);
	/* stacks are joined to their events, never records of their own:
	 * grep -v '^=>' R | grep -v kernel_stack: | tail -n +2 | wc -l -> 90961;
	 * grep -c 'kernel_stack:' R -> 90953 */
	assert_int_equal(count_of(counts, "ftrace:kernel_stack"), 0);
	assert_int_equal(t.records, 90961);
	assert_int_equal(t.with_stack, 90953);
	assert_int_equal(run_bad_total(&r), 0);
	/* trace-cmd dump --options trace.dat: UNAME "Linux (none) 6.1.0-50-arm64
	 * aarch64", CPUCOUNT 2 */
	assert_string_equal(pb_parser_meta(r.p, "kernel"), "6.1.0-50-arm64");
	assert_string_equal(pb_parser_meta(r.p, "arch"), "aarch64");
	assert_string_equal(pb_parser_meta(r.p, "cpus"), "2");
	run_close(&r);
}

static void test_trace_dat_v7_as_grep_counts_the_report(void **state)
{
	(void)state;
	check_capture(V7);
}

static void test_trace_dat_v6_as_grep_counts_the_report(void **state)
{
	(void)state;
	check_capture(V6);
}

/* The first records, as trace-cmd report -t prints them (full ns). */
static void test_first_records(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open_file(&r, PB_FMT_TRACE_DAT, V7);
	rec = run_next(&r);
	check_context(rec, 1, 7032022816, 0, 292, -1, "sh", "ftrace", "print");
	assert_int_equal(rec->nfields, 1);
	assert_field(rec, "buf", "RT-PHASE P1-baseline: gigantic hugepages with no page held");

	/* sed -n 3,21p R: the event, its kernel_stack and 17 frames; the
	 * offsets and sizes from trace-cmd dump --kallsyms:
	 * ffff80000839c850 T cma_alloc, ffff80000839cda0 T cma_pages_valid */
	rec = run_next(&r);
	assert_int_equal(rec->line, 2);
	assert_int_equal(rec->ts_ns, 7117344016);
	assert_string_equal(rec->system, "cma");
	assert_string_equal(rec->event, "cma_alloc_start");
	assert_string_equal(rec->body, "name=hugetlb0 count=8192 align=13");
	assert_int_equal(rec->nfields, 3);
	assert_field(rec, "name", "hugetlb0");
	assert_field(rec, "count", "8192");
	assert_field(rec, "align", "13");
	assert_int_equal(rec->nframes, 17);
	assert_frame(&rec->frames[0], "cma_alloc", 0x3a0, 0x550, 0xffff80000839cbf0, NULL, 0);
	assert_string_equal(rec->frames[1].symbol, "alloc_fresh_huge_page");
	assert_int_equal(rec->frames[1].addr, 0xffff800008350468);
	assert_string_equal(rec->frames[4].symbol, "nr_hugepages_store");
	assert_string_equal(rec->frames[16].symbol, "el0t_64_sync");
	assert_int_equal(rec->frames[16].addr, 0xffff800008011548);
	assert_int_equal(rec->nuframes, 0);

	/* record 3 was the stack; sed -n 22p R */
	rec = run_next(&r);
	assert_int_equal(rec->line, 4);
	assert_string_equal(rec->event, "mm_migrate_pages_start");
	assert_string_equal(rec->body, "mode=MIGRATE_SYNC reason=contig_range");
	run_close(&r);
}

static void assert_frames_equal(const struct pb_frame *a, const struct pb_frame *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(a[i].symbol, b[i].symbol);
		assert_int_equal(a[i].addr, b[i].addr);
		assert_int_equal(a[i].offset, b[i].offset);
		assert_int_equal(a[i].size, b[i].size);
	}
}

/* trace-cmd convert --file-version 6 kept every record: both files give
 * the same records, field by field. */
static void test_trace_dat_v6_and_v7_give_the_same_records(void **state)
{
	struct parse_run r6, r7;
	struct pb_record *a, *b;
	unsigned long n = 0;
	int rc6, rc7;

	(void)state;
	run_open_file(&r6, PB_FMT_TRACE_DAT, V6);
	run_open_file(&r7, PB_FMT_TRACE_DAT, V7);
	for (;;) {
		rc6 = pb_parser_next(r6.p, &a);
		rc7 = pb_parser_next(r7.p, &b);
		assert_int_equal(rc6, rc7);
		if (rc6 != 1)
			break;
		n++;
		assert_int_equal(a->line, b->line);
		assert_int_equal(a->ts_ns, b->ts_ns);
		assert_int_equal(a->cpu, b->cpu);
		assert_int_equal(a->pid, b->pid);
		assert_string_equal(a->comm, b->comm);
		assert_string_equal(a->system, b->system);
		assert_string_equal(a->event, b->event);
		assert_string_equal(a->body, b->body);
		assert_int_equal(a->nfields, b->nfields);
		for (size_t i = 0; i < a->nfields; i++) {
			assert_string_equal(a->fields[i].name, b->fields[i].name);
			assert_string_equal(a->fields[i].value, b->fields[i].value);
		}
		assert_int_equal(a->nframes, b->nframes);
		assert_frames_equal(a->frames, b->frames, a->nframes);
	}
	assert_int_equal(rc6, 0);
	assert_int_equal(n, 90961);
	run_close(&r6);
	run_close(&r7);
}

/* Reads the decompressed start of PATH (relative to testdata/) into a
 * buffer of at most MAX bytes; returns its length. */
static size_t read_head(const char *path, char *buf, size_t max)
{
	char full[4096], err[256];
	struct pb_input *in;
	size_t n = 0;
	ssize_t got;

	snprintf(full, sizeof(full), "%s/%s", unit_testdata(), path);
	in = pb_input_open(full, err, sizeof(err));
	if (!in)
		fail_msg("%s: %s", full, err);
	while (n < max && (got = pb_input_read(in, buf + n, max - n)) > 0)
		n += (size_t)got;
	pb_input_close(in);
	return n;
}

static void assert_open_fails(const void *data, size_t n, const char *message)
{
	struct pb_input *in = pb_input_open_memory(data, n, NULL);
	char err[256];

	assert_null(pb_parser_new(in, PB_FMT_TRACE_DAT, NULL, NULL, err, sizeof(err)));
	if (!strstr(err, message))
		fail_msg("error \"%s\" does not say \"%s\"", err, message);
	pb_input_close(in);
}

static void test_unreadable(void **state)
{
	static const char text[] = "cpus=2\n";
	static const char future[] = "\027\010\104tracing9\0\0\010\0\020\0\0header_page";
	size_t cut = 3000000, n;
	char *buf = malloc(cut);

	(void)state;
	assert_open_fails(text, sizeof(text) - 1, "not a trace-cmd data file");
	assert_open_fails(future, sizeof(future) - 1,
			  "libtracecmd cannot read this trace.dat (file version 9)");
	/* v6 cut inside its event data (which starts at 2048000:
	 * the flyrecord section's first CPU offset) */
	n = read_head(V6, buf, cut);
	assert_int_equal(n, cut);
	assert_open_fails(buf, n, "trace.dat (file version 6) is truncated or corrupt");
	/* v7 cut anywhere: its section table points past the end */
	n = read_head(V7, buf, 1000000);
	assert_open_fails(buf, n, "libtracecmd cannot read this trace.dat (file version 7)");
	free(buf);
}

/* The whole decompressed v6 file; its CPU 0 data starts at 2048000 (the
 * flyrecord section's first offset), pages of 4096 bytes whose 8-byte
 * "commit" (data length and flags) follows an 8-byte timestamp. */
#define V6_SIZE 23965696
#define V6_CPU0 2048000

static char *read_v6(void)
{
	char *buf = malloc(V6_SIZE + 1);

	assert_int_equal(read_head(V6, buf, V6_SIZE + 1), V6_SIZE);
	return buf;
}

static void set_le64(char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (char)(v >> (8 * i));
}

/* RB_MISSED_EVENTS (bit 31 of commit) on CPU 0's second page: the ring
 * buffer lost events before it. trace-cmd report prints "CPU:0 [EVENTS
 * DROPPED]" after 48 records there (awk '/DROPPED/{print n; exit}
 * /^ *[^=].*\[[0-9]+\] +[0-9.]+:/{n++}'); the page's first record is the
 * kernel_stack of an event on the page before, which cannot be joined
 * across the loss. */
static void test_lost_events(void **state)
{
	char *buf = read_v6(), *commit = buf + V6_CPU0 + 4096 + 8;
	struct parse_run r;
	struct pb_record *rec;
	unsigned long n = 0;

	(void)state;
	/* the page holds 0xf60 bytes of data */
	set_le64(commit, 0xf60 | 1ull << 31);
	memset(&r, 0, sizeof(r));
	run_open_input(&r, PB_FMT_TRACE_DAT, pb_input_open_memory(buf, V6_SIZE, NULL));
	do {
		rec = run_next(&r);
		n++;
	} while (strcmp(rec->event, "lost_events"));
	/* 26 events before it: the same awk without the kernel_stack: lines */
	assert_int_equal(n, 27);
	assert_int_equal(rec->line, 49);
	assert_string_equal(rec->system, "ftrace");
	assert_int_equal(rec->cpu, 0);
	assert_int_equal(rec->nfields, 1);
	assert_field(rec, "cpu", "0");
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 0);
	rec = run_next(&r);
	assert_int_equal(rec->line, 50);
	assert_string_equal(rec->event, "mm_migrate_pages");
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 1);
	assert_int_equal(r.last_bad_line, 49);
	assert_string_equal(r.last_bad_text, "kernel_stack");
	/* every record of the file plus the loss */
	assert_int_equal(n + 1 + run_count(&r, (struct event_count[]){ { NULL, 0 } }), 90962);
	assert_int_equal(run_bad_total(&r), 1);
	run_close(&r);
	free(buf);
}

/* A page whose commit says it holds more than a page is refused before
 * libtraceevent reads past it. */
static void test_corrupt_page(void **state)
{
	char *buf = read_v6();
	struct pb_input *in;
	char err[256];

	(void)state;
	set_le64(buf + V6_CPU0 + 8, 5000);
	in = pb_input_open_memory(buf, V6_SIZE, NULL);
	assert_null(pb_parser_new(in, PB_FMT_TRACE_DAT, NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "trace.dat (file version 6) is truncated or corrupt"));
	pb_input_close(in);
	free(buf);
}

/* An uncompressed file is read in place, not spooled. */
static void test_plain_file(void **state)
{
	char tmpl[] = "/tmp/pinblame-test-XXXXXX";
	size_t max = 4u << 20, n;
	char *buf = malloc(max), err[256];
	struct event_count counts[] = { { "cma:cma_alloc_start", 0 }, { NULL, 0 } };
	struct parse_run r;
	int fd;

	(void)state;
	n = read_head(V7, buf, max);
	assert_true(n < max);
	fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
	free(buf);
	memset(&r, 0, sizeof(r));
	run_open_input(&r, PB_FMT_UNKNOWN, pb_input_open(tmpl, err, sizeof(err)));
	assert_int_equal(pb_parser_format(r.p), PB_FMT_TRACE_DAT);
	assert_int_equal(run_count(&r, counts), 90961);
	assert_int_equal(count_of(counts, "cma:cma_alloc_start"), 22);
	run_close(&r);
	unlink(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_dat_v7_as_grep_counts_the_report),
		cmocka_unit_test(test_trace_dat_v6_as_grep_counts_the_report),
		cmocka_unit_test(test_first_records),
		cmocka_unit_test(test_trace_dat_v6_and_v7_give_the_same_records),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_lost_events),
		cmocka_unit_test(test_corrupt_page),
		cmocka_unit_test(test_plain_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
