/* parse_run.h - running a text parser over a string or a test file in the
 * parser unit tests (test_parse_*.c): records one at a time, bad lines
 * counted by reason. */
#ifndef PINBLAME_PARSE_RUN_H
#define PINBLAME_PARSE_RUN_H

#include <stdio.h>

#include "unit.h"

#include "pinblame/parse.h"

struct parse_run {
	struct pb_input *in;
	struct pb_parser *p;
	unsigned bad[PB_BAD_NREASONS];
	uint64_t last_bad_line;
	char last_bad_text[256];
	int stop_on_bad;
};

static inline int run_bad_line(void *ctx, uint64_t line, enum pb_bad_reason why,
			       const char *text, size_t len)
{
	struct parse_run *r = ctx;

	r->bad[why]++;
	r->last_bad_line = line;
	snprintf(r->last_bad_text, sizeof(r->last_bad_text), "%.*s",
		 (int)(len < 255 ? len : 255), text);
	return r->stop_on_bad;
}

static inline void run_open_input(struct parse_run *r, enum pb_format format,
				  struct pb_input *in)
{
	char err[256];

	assert_non_null(in);
	r->in = in;
	r->p = pb_parser_new(in, format, run_bad_line, r, err, sizeof(err));
	if (!r->p)
		fail_msg("pb_parser_new: %s", err);
}

/* TEXT must outlive the run (string literals do). */
static inline void run_open(struct parse_run *r, enum pb_format format, const char *text)
{
	memset(r, 0, sizeof(*r));
	run_open_input(r, format, pb_input_open_memory(text, strlen(text), "test"));
}

/* PATH relative to testdata/. */
static inline void run_open_file(struct parse_run *r, enum pb_format format, const char *path)
{
	char full[4096], err[256];
	struct pb_input *in;

	memset(r, 0, sizeof(*r));
	snprintf(full, sizeof(full), "%s/%s", unit_testdata(), path);
	in = pb_input_open(full, err, sizeof(err));
	if (!in)
		fail_msg("%s: %s", full, err);
	run_open_input(r, format, in);
}

static inline struct pb_record *run_next(struct parse_run *r)
{
	struct pb_record *rec = NULL;
	int rc = pb_parser_next(r->p, &rec);

	if (rc != 1)
		fail_msg("expected a record, got %d (%s)", rc,
			 rc < 0 ? pb_parser_strerror(r->p) : "end");
	return rec;
}

static inline void run_end(struct parse_run *r)
{
	struct pb_record *rec;

	assert_int_equal(pb_parser_next(r->p, &rec), 0);
}

static inline unsigned run_bad_total(const struct parse_run *r)
{
	unsigned n = 0;

	for (int i = 0; i < PB_BAD_NREASONS; i++)
		n += r->bad[i];
	return n;
}

static inline void run_close(struct parse_run *r)
{
	pb_parser_free(r->p);
	pb_input_close(r->in);
}

static inline void assert_field(const struct pb_record *rec, const char *name,
				const char *value)
{
	const char *v = pb_record_field(rec, name);

	if (!v)
		fail_msg("field %s missing", name);
	assert_string_equal(v, value);
}

static inline void assert_frame(const struct pb_frame *f, const char *symbol,
				uint64_t offset, uint64_t size, uint64_t addr,
				const char *module, unsigned flags)
{
	assert_string_equal(f->symbol, symbol);
	assert_int_equal(f->offset, offset);
	assert_int_equal(f->size, size);
	assert_int_equal(f->addr, addr);
	if (module)
		assert_string_equal(f->module, module);
	else
		assert_null(f->module);
	assert_int_equal(f->flags, flags);
}

/* Counts of records per "system:event" over a whole input. */
struct event_count {
	const char *name;	/* "cma:cma_alloc_start" */
	unsigned long n;
};

/* Loops over every record; counts those named in COUNTS (NULL-terminated)
 * and returns the number of records. */
static inline unsigned long run_count(struct parse_run *r, struct event_count *counts)
{
	struct pb_record *rec;
	unsigned long total = 0;
	char name[256];
	int rc;

	while ((rc = pb_parser_next(r->p, &rec)) == 1) {
		total++;
		snprintf(name, sizeof(name), "%s:%s", rec->system, rec->event);
		for (struct event_count *c = counts; c->name; c++)
			if (!strcmp(c->name, name))
				c->n++;
	}
	assert_int_equal(rc, 0);
	return total;
}

static inline unsigned long count_of(const struct event_count *counts, const char *name)
{
	for (; counts->name; counts++)
		if (!strcmp(counts->name, name))
			return counts->n;
	fail_msg("%s not counted", name);
	return 0;
}

/* The context every parser gives a record: line, time, task, name. */
static inline void check_context(const struct pb_record *r, uint64_t line, int64_t ts_ns,
				 int cpu, int pid, int tgid, const char *comm,
				 const char *system, const char *event)
{
	assert_int_equal(r->line, line);
	assert_int_equal(r->ts_ns, ts_ns);
	assert_int_equal(r->cpu, cpu);
	assert_int_equal(r->pid, pid);
	assert_int_equal(r->tgid, tgid);
	assert_string_equal(r->comm, comm);
	assert_string_equal(r->system, system);
	assert_string_equal(r->event, event);
}

#endif
