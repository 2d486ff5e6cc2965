/* Parsing on a thread of its own (pb_parser_run_ahead): the records, bad
 * lines, errors and progress it gives are those of parsing on the calling
 * thread; a consumer that stops early gets its thread stopped and joined;
 * pb_record_copy() copies deep, and only the parts asked for. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "parse_run.h"

#include "pinblame/core.h"

/* Batches hold 512 records and 4 are filled ahead: 5000 records go round
 * the ring more than twice. */
#define NRECORDS 5000
#define MAX_BAD 16

/* A hang is a failure: the process dies with SIGALRM instead of waiting. */
#define WATCHDOG_SECONDS 120

/* --- generated ftrace text, and what it must parse to ------------------ */

struct gen {
	struct pb_buf text;
	unsigned nrec;
	uint64_t *line;		/* per record: its line number */
	size_t *end;		/* per record: bytes up to the end of its stacks */
	unsigned long frames, uframes;
	unsigned nbad;
	uint64_t bad_line[MAX_BAD];
	enum pb_bad_reason bad_why[MAX_BAD];
	uint64_t lines;		/* lines written so far */
};

static void gen_bad(struct gen *g, enum pb_bad_reason why, const char *text)
{
	assert_true(g->nbad < MAX_BAD);
	pb_buf_adds(&g->text, text);
	g->bad_line[g->nbad] = ++g->lines;
	g->bad_why[g->nbad++] = why;
}

/* " => frame" lines in each form ftrace prints: sym+off/size, with a
 * module, a bare address, sym <addr>. */
static void gen_frame(struct gen *g, unsigned i, unsigned j)
{
	switch (j % 4) {
	case 0:
		pb_buf_addf(&g->text, " => func_%u_%u+0x%x/0x200\n", i, j, 0x10 + j);
		break;
	case 1:
		pb_buf_adds(&g->text, " => os_lock_user_pages+0x1c4/0x2f0 [nvidia]\n");
		break;
	case 2:
		pb_buf_adds(&g->text, " => 0xffffffffc02070c8\n");
		break;
	default:
		pb_buf_adds(&g->text, " => __page_ref_mod <ffff80000839cbf0>\n");
		break;
	}
	g->lines++;
}

/* NREC events of 4 tasks on 4 CPUs (record-tgid layout); every third has
 * a kernel stack of 1 to 6 frames, every seventh a user stack of 2. From
 * record FIRST_BAD on, bad lines come before some events: garbage every
 * 997 records, a bad timestamp every 1499 from 200 later, one binary line
 * 2000 later. */
static void generate(struct gen *g, unsigned nrec, unsigned first_bad)
{
	static const char *const comms[] = { "sh", "kworker/u16:3", "cuda-EvtHandlr", "<...>" };
	static const char *const stack_kind[] = { "<stack trace>", "<user stack trace>" };

	memset(g, 0, sizeof(*g));
	g->nrec = nrec;
	g->line = pb_calloc(nrec, sizeof(*g->line));
	g->end = pb_calloc(nrec, sizeof(*g->end));
	pb_buf_adds(&g->text, "# tracer: nop\n#\n");
	g->lines = 2;
	for (unsigned i = 0; i < nrec; i++) {
		unsigned cpu = i % 4, pid = 100 + i % 50, us = 3 * i;
		char task[128];

		if (i >= first_bad && (i - first_bad) % 997 == 0)
			gen_bad(g, PB_BAD_SYNTAX, "this is not a trace line\n");
		if (i >= first_bad + 200 && (i - first_bad - 200) % 1499 == 0)
			gen_bad(g, PB_BAD_TIMESTAMP,
				"              sh-106     [000] .....     6.84x3004: cma_alloc_start: name=a\n");
		if (i == first_bad + 2000)
			gen_bad(g, PB_BAD_BINARY, "\x01\x02\x03 binary\x7f junk\n");
		snprintf(task, sizeof(task), "%16s-%-7u (%7u) [%03u] d.... %5u.%06u: ", comms[cpu],
			 pid, pid, cpu, 1 + us / 1000000, us % 1000000);
		pb_buf_adds(&g->text, task);
		switch (i % 5) {
		case 0:
			pb_buf_addf(&g->text, "cma_alloc_start: name=hugetlb0 count=%u align=13\n", i);
			break;
		case 1:
			pb_buf_addf(&g->text, "mm_migrate_pages: nr_succeeded=%u nr_failed=0 "
				    "mode=MIGRATE_SYNC reason=contig_range\n", i);
			break;
		case 2:
			pb_buf_addf(&g->text, "page_ref_mod: pfn=0x%x flags=referenced|uptodate "
				    "count=%u mapcount=0 mapping=0000000000000000 mt=4 val=1\n",
				    i, i + 1);
			break;
		case 3:
			pb_buf_addf(&g->text, "tracing_mark_write: phase %u: a marker\n", i);
			break;
		default:
			pb_buf_addf(&g->text, "try_grab_folio: (try_grab_folio+0x0/0x1d0) "
				    "page=0xfffffc00040ece40 refs=%u flags=0x4\n", i);
			break;
		}
		g->line[i] = ++g->lines;
		for (int user = 0; user < 2; user++) {
			unsigned n = user ? 2 : 1 + (i / 3) % 6;

			if (user ? i % 7 : i % 3)
				continue;
			pb_buf_addf(&g->text, "%s%s\n", task, stack_kind[user]);
			g->lines++;
			for (unsigned j = 0; j < n; j++) {
				if (!user) {
					gen_frame(g, i, j);
					continue;
				}
				pb_buf_adds(&g->text, j ? " => /usr/lib/libc.so.6[+0x2a1ca]\n"
							: " => <00007f1a2b3c4d5e>\n");
				g->lines++;
			}
			if (user)
				g->uframes += n;
			else
				g->frames += n;
		}
		g->end[i] = g->text.len;
	}
}

static void gen_free(struct gen *g)
{
	pb_buf_free(&g->text);
	free(g->line);
	free(g->end);
}

/* --- bad lines as the callback saw them -------------------------------- */

struct bad_log {
	pthread_t caller;	/* the thread that calls pb_parser_next() */
	int strict;		/* the callback asks to stop */
	unsigned n;
	unsigned on_caller;	/* of them, reported on the calling thread */
	uint64_t line[MAX_BAD];
	enum pb_bad_reason why[MAX_BAD];
	char text[MAX_BAD][64];
};

static int log_bad_line(void *ctx, uint64_t line, enum pb_bad_reason why, const char *text,
			size_t len)
{
	struct bad_log *b = ctx;

	if (pthread_equal(pthread_self(), b->caller))
		b->on_caller++;
	if (b->n < MAX_BAD) {
		b->line[b->n] = line;
		b->why[b->n] = why;
		/* TEXT is valid only during the call */
		snprintf(b->text[b->n], sizeof(b->text[0]), "%.*s", (int)(len < 63 ? len : 63),
			 text);
	}
	b->n++;
	return b->strict;
}

/* An ftrace parser over the memory DATA/N, with its own log of bad lines. */
struct side {
	struct pb_input *in;
	struct pb_parser *p;
	struct bad_log bad;
};

static void side_open(struct side *s, const void *data, size_t n, int strict)
{
	char err[256];

	memset(s, 0, sizeof(*s));
	s->bad.caller = pthread_self();
	s->bad.strict = strict;
	s->in = pb_input_open_memory(data, n, "ahead");
	s->p = pb_parser_new(s->in, PB_FMT_FTRACE, log_bad_line, &s->bad, err, sizeof(err));
	if (!s->p)
		fail_msg("pb_parser_new: %s", err);
}

static void side_close(struct side *s)
{
	pb_parser_free(s->p);
	pb_input_close(s->in);
}

static void assert_same_string(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_same_frames(const struct pb_frame *a, const struct pb_frame *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(a[i].symbol, b[i].symbol);
		assert_int_equal(a[i].offset, b[i].offset);
		assert_int_equal(a[i].size, b[i].size);
		assert_int_equal(a[i].addr, b[i].addr);
		assert_same_string(a[i].module, b[i].module);
		assert_int_equal(a[i].flags, b[i].flags);
	}
}

/* What every copy keeps, whatever the parts. */
static void assert_same_context(const struct pb_record *a, const struct pb_record *b)
{
	assert_int_equal(a->line, b->line);
	assert_int_equal(a->ts_ns, b->ts_ns);
	assert_int_equal(a->cpu, b->cpu);
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->tgid, b->tgid);
	assert_string_equal(a->comm, b->comm);
	assert_string_equal(a->system, b->system);
	assert_string_equal(a->event, b->event);
	assert_int_equal(a->nfields, b->nfields);
	assert_int_equal(a->nframes, b->nframes);
	assert_int_equal(a->nuframes, b->nuframes);
}

static void assert_same_fields(const struct pb_record *a, const struct pb_record *b)
{
	for (size_t i = 0; i < a->nfields; i++) {
		assert_string_equal(a->fields[i].name, b->fields[i].name);
		assert_string_equal(a->fields[i].value, b->fields[i].value);
	}
}

static void assert_same_record(const struct pb_record *a, const struct pb_record *b)
{
	assert_same_context(a, b);
	assert_string_equal(a->body, b->body);
	assert_same_fields(a, b);
	assert_same_frames(a->frames, b->frames, a->nframes);
	assert_same_frames(a->uframes, b->uframes, a->nuframes);
	assert_null(a->prep);
	assert_null(b->prep);
}

static void assert_same_bad_lines(const struct bad_log *a, const struct bad_log *b)
{
	assert_int_equal(a->n, b->n);
	for (unsigned i = 0; i < a->n && i < MAX_BAD; i++) {
		assert_int_equal(a->line[i], b->line[i]);
		assert_int_equal(a->why[i], b->why[i]);
		assert_string_equal(a->text[i], b->text[i]);
	}
}

/* Steps HERE (calling thread) and AHEAD together to the end; every pair
 * of records must match. Returns the last pb_parser_next() result, which
 * both gave; *RECORDS counts the records. */
static int run_both(struct side *here, struct side *ahead, unsigned long *records)
{
	struct pb_record *a, *b;
	int ra, rb;

	*records = 0;
	for (;;) {
		ra = pb_parser_next(here->p, &a);
		rb = pb_parser_next(ahead->p, &b);
		assert_int_equal(ra, rb);
		if (ra != 1)
			return ra;
		assert_same_record(a, b);
		++*records;
	}
}

/* --- tests ------------------------------------------------------------- */

/* The records, every field of them, the bad lines and the end are the
 * same on a thread of its own; the bad lines are reported there. */
static void test_same_records(void **state)
{
	struct side here, ahead;
	struct pb_record *rec;
	unsigned long records = 0, frames = 0, uframes = 0;
	struct gen g;
	int rc;

	(void)state;
	alarm(WATCHDOG_SECONDS);
	generate(&g, NRECORDS, 500);
	assert_int_equal(g.nbad, 9);
	side_open(&here, g.text.data, g.text.len, 0);
	side_open(&ahead, g.text.data, g.text.len, 0);
	assert_int_equal(pb_parser_run_ahead(ahead.p, NULL, NULL), 0);
	/* a second call keeps the thread it has */
	assert_int_equal(pb_parser_run_ahead(ahead.p, NULL, NULL), 0);
	while ((rc = pb_parser_next(here.p, &rec)) == 1) {
		struct pb_record *b;

		/* each record against what was generated, not only against the
		 * other parser: both could be wrong the same way */
		assert_true(records < NRECORDS);
		assert_int_equal(rec->line, g.line[records]);
		frames += rec->nframes;
		uframes += rec->nuframes;
		assert_int_equal(pb_parser_next(ahead.p, &b), 1);
		assert_same_record(rec, b);
		records++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(pb_parser_next(ahead.p, &rec), 0);
	/* and 0 again: the end stays the end */
	assert_int_equal(pb_parser_next(ahead.p, &rec), 0);
	assert_int_equal(records, NRECORDS);
	assert_int_equal(frames, g.frames);
	assert_int_equal(uframes, g.uframes);

	assert_int_equal(here.bad.n, g.nbad);
	for (unsigned i = 0; i < g.nbad; i++) {
		assert_int_equal(here.bad.line[i], g.bad_line[i]);
		assert_int_equal(here.bad.why[i], g.bad_why[i]);
	}
	assert_string_equal(here.bad.text[0], "this is not a trace line");
	assert_same_bad_lines(&here.bad, &ahead.bad);
	assert_int_equal(here.bad.on_caller, g.nbad);
	assert_int_equal(ahead.bad.on_caller, 0);
	side_close(&here);
	side_close(&ahead);
	gen_free(&g);
	alarm(0);
}

/* Record 9 (a kprobe hit) has a stack of 4 frames, one of each form;
 * record 21 a kernel stack and a user stack of both forms: the copies made
 * on the parsing thread keep each part of each frame. */
static void test_frames_copied(void **state)
{
	struct side ahead;
	struct pb_record *rec = NULL;
	struct gen g;

	(void)state;
	alarm(WATCHDOG_SECONDS);
	generate(&g, 30, 1000);
	side_open(&ahead, g.text.data, g.text.len, 0);
	assert_int_equal(pb_parser_run_ahead(ahead.p, NULL, NULL), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(pb_parser_next(ahead.p, &rec), 1);
	check_context(rec, g.line[9], 1000027000, 1, 109, 109, "kworker/u16:3", "kprobes",
		      "try_grab_folio");
	assert_string_equal(rec->body,
			    "(try_grab_folio+0x0/0x1d0) page=0xfffffc00040ece40 refs=9 flags=0x4");
	assert_int_equal(rec->nfields, 4);
	assert_field(rec, "__probe", "try_grab_folio+0x0/0x1d0");
	assert_field(rec, "page", "0xfffffc00040ece40");
	assert_field(rec, "refs", "9");
	assert_field(rec, "flags", "0x4");
	assert_int_equal(rec->nframes, 4);
	assert_frame(&rec->frames[0], "func_9_0", 0x10, 0x200, 0, NULL, 0);
	assert_frame(&rec->frames[1], "os_lock_user_pages", 0x1c4, 0x2f0, 0, "nvidia", 0);
	assert_frame(&rec->frames[2], "0xffffffffc02070c8", 0, 0, 0xffffffffc02070c8, NULL, 0);
	assert_frame(&rec->frames[3], "__page_ref_mod", 0, 0, 0xffff80000839cbf0, NULL, 0);
	assert_int_equal(rec->nuframes, 0);
	for (int i = 10; i < 22; i++)
		assert_int_equal(pb_parser_next(ahead.p, &rec), 1);
	check_context(rec, g.line[21], 1000063000, 1, 121, 121, "kworker/u16:3", "migrate",
		      "mm_migrate_pages");
	assert_int_equal(rec->nfields, 4);
	assert_field(rec, "nr_succeeded", "21");
	assert_field(rec, "reason", "contig_range");
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[0], "func_21_0", 0x10, 0x200, 0, NULL, 0);
	assert_frame(&rec->frames[1], "os_lock_user_pages", 0x1c4, 0x2f0, 0, "nvidia", 0);
	assert_int_equal(rec->nuframes, 2);
	assert_frame(&rec->uframes[0], "0x7f1a2b3c4d5e", 0, 0, 0x7f1a2b3c4d5e, NULL,
		     PB_FRAME_USER);
	assert_frame(&rec->uframes[1], "[unknown]", 0x2a1ca, 0, 0, "/usr/lib/libc.so.6",
		     PB_FRAME_USER);
	side_close(&ahead);
	gen_free(&g);
	alarm(0);
}

struct prep_ctx {
	pthread_t caller;
	unsigned long calls, on_caller;
};

/* Like the store's hook for an event whose stack it already has: only the
 * fields, and a tag of its own in the batch's arena. */
static size_t prep_fields(struct pb_arena *arena, struct pb_record *dst,
			  const struct pb_record *src, void *ctx)
{
	struct prep_ctx *c = ctx;
	uint64_t *tag = pb_arena_alloc(arena, sizeof(*tag));
	size_t bytes = pb_record_copy(arena, dst, src, PB_COPY_FIELDS);

	*tag = src->line * 10 + 7;
	c->calls++;
	if (pthread_equal(pthread_self(), c->caller))
		c->on_caller++;
	/* after the copy, which makes all of DST */
	dst->prep = tag;
	return bytes + sizeof(*tag);
}

/* The consumer gets what the hook made: the parts it copied, the counts of
 * those it left out, and its prep pointer, for every record. */
static void test_prep_hook(void **state)
{
	struct prep_ctx ctx = { .caller = pthread_self() };
	struct side here, ahead;
	struct pb_record *a, *b;
	unsigned long records = 0, with_frames = 0, with_uframes = 0;
	struct gen g;
	int rc;

	(void)state;
	alarm(WATCHDOG_SECONDS);
	generate(&g, NRECORDS, 500);
	side_open(&here, g.text.data, g.text.len, 0);
	side_open(&ahead, g.text.data, g.text.len, 0);
	assert_int_equal(pb_parser_run_ahead(ahead.p, prep_fields, &ctx), 0);
	while ((rc = pb_parser_next(here.p, &a)) == 1) {
		assert_int_equal(pb_parser_next(ahead.p, &b), 1);
		assert_same_context(a, b);
		assert_same_fields(a, b);
		assert_string_equal(b->body, "");
		assert_null(b->frames);
		assert_null(b->uframes);
		with_frames += a->nframes > 0;
		with_uframes += a->nuframes > 0;
		assert_non_null(b->prep);
		assert_int_equal(*(const uint64_t *)b->prep, a->line * 10 + 7);
		records++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(pb_parser_next(ahead.p, &b), 0);
	assert_int_equal(records, NRECORDS);
	/* the stacks left out were there: every 3rd and every 7th record */
	assert_int_equal(with_frames, (NRECORDS + 2) / 3);
	assert_int_equal(with_uframes, (NRECORDS + 6) / 7);
	/* once per record, all on the parsing thread */
	assert_int_equal(ctx.calls, NRECORDS);
	assert_int_equal(ctx.on_caller, 0);
	side_close(&here);
	side_close(&ahead);
	gen_free(&g);
	alarm(0);
}

/* A consumer that stops after a few records, or before the first: the
 * thread, waiting for a free batch or still parsing, is stopped and joined
 * by pb_parser_free() (ASan checks that the batches are freed). */
static void test_stop_early(void **state)
{
	struct side ahead;
	struct pb_record *rec;
	struct gen g;

	(void)state;
	alarm(WATCHDOG_SECONDS);
	generate(&g, NRECORDS, 500);
	side_open(&ahead, g.text.data, g.text.len, 0);
	assert_int_equal(pb_parser_run_ahead(ahead.p, NULL, NULL), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pb_parser_next(ahead.p, &rec), 1);
		assert_int_equal(rec->line, g.line[i]);
	}
	/* give it time to fill the whole ring and wait for the consumer */
	usleep(100 * 1000);
	side_close(&ahead);

	side_open(&ahead, g.text.data, g.text.len, 0);
	assert_int_equal(pb_parser_run_ahead(ahead.p, NULL, NULL), 0);
	side_close(&ahead);
	gen_free(&g);
	alarm(0);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The parsing thread blocked reading a pipe whose writer is still there
 * (trace_pipe): pb_parser_free() wakes it through the input and joins. */
static void test_stop_blocked_on_pipe(void **state)
{
	struct pb_buf text = { 0 };
	struct pb_input *in;
	struct pb_parser *p;
	struct pb_record *rec;
	char path[64], err[256];
	int fds[2];
	double t0;

	(void)state;
	alarm(WATCHDOG_SECONDS);
	/* more than one batch, less than the 64 KiB a pipe holds */
	for (int i = 0; i < 600; i++)
		pb_buf_addf(&text, "  sh-1 [000] ..... 1.%06d: cma_alloc_start: name=a\n", i);
	assert_true(text.len < 65536);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text.data, text.len), (ssize_t)text.len);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	in = pb_input_open(path, err, sizeof(err));
	if (!in)
		fail_msg("%s: %s", path, err);
	p = pb_parser_new(in, PB_FMT_FTRACE, NULL, NULL, err, sizeof(err));
	assert_non_null(p);
	assert_int_equal(pb_parser_run_ahead(p, NULL, NULL), 0);
	/* the first batch is full at 512 records, before the pipe runs dry */
	assert_int_equal(pb_parser_next(p, &rec), 1);
	assert_int_equal(rec->line, 1);
	assert_int_equal(rec->ts_ns, 1000000000);
	usleep(50 * 1000);
	t0 = now();
	pb_parser_free(p);
	assert_true(now() - t0 < 5.0);
	pb_input_close(in);
	close(fds[0]);
	close(fds[1]);
	pb_buf_free(&text);
	alarm(0);
}

/* --strict: the consumer gets the records that were complete before the
 * bad line, then -1 with the bad line's reason and number, as on the
 * calling thread. The bad line comes in the third batch. */
static void test_strict(void **state)
{
	struct side here, ahead;
	unsigned long records;
	struct gen g;

	(void)state;
	alarm(WATCHDOG_SECONDS);
	generate(&g, 3000, 1300);
	side_open(&here, g.text.data, g.text.len, 1);
	side_open(&ahead, g.text.data, g.text.len, 1);
	assert_int_equal(pb_parser_run_ahead(ahead.p, NULL, NULL), 0);
	assert_int_equal(run_both(&here, &ahead, &records), -1);
	/* the events of records 1296..1299 (the last of each CPU) were still
	 * open for a stack when the garbage line came */
	assert_int_equal(records, 1296);
	assert_int_equal(pb_parser_error_line(here.p), g.bad_line[0]);
	assert_int_equal(pb_parser_error_line(ahead.p), g.bad_line[0]);
	assert_string_equal(pb_parser_strerror(here.p), "syntax");
	assert_string_equal(pb_parser_strerror(ahead.p), "syntax");
	/* the thread stopped at the first bad line */
	assert_int_equal(ahead.bad.n, 1);
	assert_same_bad_lines(&here.bad, &ahead.bad);
	side_close(&here);
	side_close(&ahead);
	gen_free(&g);
	alarm(0);
}

/* An input error (a cut xz file) reaches the consumer with its line and
 * message, after the same records. */
static void test_input_error(void **state)
{
	static char data[100000];
	struct side here, ahead;
	unsigned long records;
	char path[4096];
	FILE *f;

	(void)state;
	alarm(WATCHDOG_SECONDS);
	snprintf(path, sizeof(path), "%s/real/arm64-ftrace-hugetlb-cma/trace.txt.xz",
		 unit_testdata());
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(data, 1, sizeof(data), f), sizeof(data));
	fclose(f);
	side_open(&here, data, sizeof(data), 0);
	side_open(&ahead, data, sizeof(data), 0);
	assert_int_equal(pb_parser_run_ahead(ahead.p, NULL, NULL), 0);
	assert_int_equal(run_both(&here, &ahead, &records), -1);
	/* several batches' worth before the cut */
	assert_true(records > 4 * 512);
	assert_true(pb_parser_error_line(ahead.p) > records);
	assert_int_equal(pb_parser_error_line(ahead.p), pb_parser_error_line(here.p));
	assert_non_null(strstr(pb_parser_strerror(ahead.p), "xz"));
	assert_string_equal(pb_parser_strerror(ahead.p), pb_parser_strerror(here.p));
	/* the 4 orphan stacks of the capture come before the cut */
	assert_int_equal(ahead.bad.n, 4);
	assert_same_bad_lines(&here.bad, &ahead.bad);
	side_close(&here);
	side_close(&ahead);
	alarm(0);
}

/* Progress: never behind the record handed out, never going back, and the
 * whole input at the end; on either thread. A memory input is taken in
 * 256 KiB steps, so the offset grows in steps too. */
static void check_progress(const struct gen *g, int run_ahead)
{
	struct side s;
	struct pb_record *rec;
	uint64_t last = 0, off;
	unsigned long records = 0, steps = 0;
	int rc;

	side_open(&s, g->text.data, g->text.len, 0);
	if (run_ahead)
		assert_int_equal(pb_parser_run_ahead(s.p, NULL, NULL), 0);
	/* nothing read yet: the format was given, not detected */
	assert_int_equal(pb_parser_raw_offset(s.p), 0);
	while ((rc = pb_parser_next(s.p, &rec)) == 1) {
		off = pb_parser_raw_offset(s.p);
		assert_true(off >= g->end[records]);
		assert_true(off >= last);
		assert_true(off <= g->text.len);
		if (off > last)
			steps++;
		last = off;
		records++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(records, g->nrec);
	assert_int_equal(pb_parser_raw_offset(s.p), g->text.len);
	/* 256 KiB, 512 KiB, ... then the end */
	assert_true(steps >= 4);
	side_close(&s);
}

static void test_raw_offset(void **state)
{
	struct gen g;

	(void)state;
	alarm(WATCHDOG_SECONDS);
	generate(&g, NRECORDS, 500);
	/* more than three 256 KiB steps */
	assert_true(g.text.len > 3 * 256 * 1024);
	check_progress(&g, 0);
	check_progress(&g, 1);
	gen_free(&g);
	alarm(0);
}

/* pb_record_copy(): deep (the source's text may go), and only the parts
 * asked for; the numbers, names and counts always. */
static void test_record_copy(void **state)
{
	char comm[] = "cuda-EvtHandlr", system[] = "page_ref", event[] = "page_ref_mod";
	char body[] = "pfn=0xa3a41 val=1024", k1[] = "pfn", v1[] = "0xa3a41", k2[] = "val",
	     v2[] = "1024", sym[] = "os_lock_user_pages", mod[] = "nvidia",
	     usym[] = "[unknown]", dso[] = "/usr/lib/libc.so.6";
	struct pb_field fields[] = { { k1, v1 }, { k2, v2 } };
	struct pb_frame frames[] = {
		{ sym, 0x1c4, 0x2f0, 0, mod, 0 },
		{ "0xffffffffc02070c8", 0, 0, 0xffffffffc02070c8, NULL, 0 },
	};
	struct pb_frame uframes[] = { { usym, 0x2a1ca, 0, 0, dso, PB_FRAME_USER } };
	struct pb_record src = {
		.line = 42, .ts_ns = 4110550201000, .cpu = 3, .pid = 1873, .tgid = 1870,
		.comm = comm, .system = system, .event = event, .body = body,
		.nfields = 2, .fields = fields, .nframes = 2, .frames = frames,
		.nuframes = 1, .uframes = uframes,
	};
	char *const texts[] = { comm, system, event, body, k1, v1, k2, v2, sym, mod, usym, dso };
	struct pb_arena arena = { 0 };
	struct pb_record all, none;
	size_t bytes_all, bytes_none;

	(void)state;
	bytes_all = pb_record_copy(&arena, &all, &src, PB_COPY_ALL);
	bytes_none = pb_record_copy(&arena, &none, &src, 0);
	/* the source's text goes away, as the parser's arena does */
	for (size_t i = 0; i < PB_ARRAY_SIZE(texts); i++)
		memset(texts[i], 'X', strlen(texts[i]));

	check_context(&all, 42, 4110550201000, 3, 1873, 1870, "cuda-EvtHandlr", "page_ref",
		      "page_ref_mod");
	assert_string_equal(all.body, "pfn=0xa3a41 val=1024");
	assert_int_equal(all.nfields, 2);
	assert_field(&all, "pfn", "0xa3a41");
	assert_field(&all, "val", "1024");
	assert_ptr_not_equal(all.fields, fields);
	assert_int_equal(all.nframes, 2);
	assert_ptr_not_equal(all.frames, frames);
	assert_frame(&all.frames[0], "os_lock_user_pages", 0x1c4, 0x2f0, 0, "nvidia", 0);
	assert_frame(&all.frames[1], "0xffffffffc02070c8", 0, 0, 0xffffffffc02070c8, NULL, 0);
	assert_int_equal(all.nuframes, 1);
	assert_frame(&all.uframes[0], "[unknown]", 0x2a1ca, 0, 0, "/usr/lib/libc.so.6",
		     PB_FRAME_USER);

	check_context(&none, 42, 4110550201000, 3, 1873, 1870, "cuda-EvtHandlr", "page_ref",
		      "page_ref_mod");
	assert_string_equal(none.body, "");
	assert_null(none.fields);
	assert_null(none.frames);
	assert_null(none.uframes);
	assert_int_equal(none.nfields, 2);
	assert_int_equal(none.nframes, 2);
	assert_int_equal(none.nuframes, 1);

	/* the record and its three names ... */
	assert_int_equal(bytes_none, sizeof(struct pb_record) + sizeof("cuda-EvtHandlr") +
			 sizeof("page_ref") + sizeof("page_ref_mod"));
	/* ... and at least the body, the field and frame texts, the frames */
	assert_true(bytes_all >= bytes_none + sizeof("pfn=0xa3a41 val=1024") +
		    sizeof("pfn") + sizeof("0xa3a41") + sizeof("val") + sizeof("1024") +
		    3 * sizeof(struct pb_frame) + sizeof("os_lock_user_pages") +
		    sizeof("nvidia") + sizeof("0xffffffffc02070c8") + sizeof("[unknown]") +
		    sizeof("/usr/lib/libc.so.6"));
	pb_arena_free(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_records),
		cmocka_unit_test(test_frames_copied),
		cmocka_unit_test(test_prep_hook),
		cmocka_unit_test(test_stop_early),
		cmocka_unit_test(test_stop_blocked_on_pipe),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_input_error),
		cmocka_unit_test(test_raw_offset),
		cmocka_unit_test(test_record_copy),
	};

	return cmocka_run_group_tests_name("parse_ahead", tests, NULL, NULL);
}
