/* failures_write.c - the failures into the failure and failure_pfn tables,
 * numbered in time order.
 */
#include "failures_int.h"

static int cmp_fpfn(const void *a, const void *b)
{
	const struct fpfn *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return 0;
}

static int cmp_fail(const void *a, const void *b)
{
	const struct fail *x = a, *y = b;
	int64_t tx = x->ts_ns >= 0 ? x->ts_ns : x->first_ts_ns;
	int64_t ty = y->ts_ns >= 0 ? y->ts_ns : y->first_ts_ns;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	if (x->source_id != y->source_id)
		return x->source_id < y->source_id ? -1 : 1;
	return x->event_id < y->event_id ? -1 : x->event_id > y->event_id;
}

/* Binds V to parameter NAME, or NULL when V is NONE (not known). */
static void bind_i64(sqlite3_stmt *st, const char *name, int64_t v, int64_t none)
{
	if (v == none)
		pb_store_bind_null(st, name);
	else
		pb_store_bind_int64(st, name, v);
}

/* The pages of X, each once (its earliest report). */
static int write_pfns(struct pb_store *s, sqlite3_stmt *st, struct fail *x)
{
	sort_n(x->pfns, x->npfns, sizeof(*x->pfns), cmp_fpfn);
	for (size_t i = 0; i < x->npfns; i++) {
		const struct fpfn *p = &x->pfns[i];

		if (i && p->pfn == x->pfns[i - 1].pfn)
			continue;
		pb_store_bind_int64(st, ":failure_id", x->id);
		pb_store_bind_int64(st, ":pfn", p->pfn);
		bind_i64(st, ":busy_range_id", p->busy_range_id, -1);
		bind_i64(st, ":ts_ns", p->ts_ns, -1);
		bind_i64(st, ":event_id", p->event_id, 0);
		pb_store_bind_text(st, ":how", pfn_how_name(p->how));
		if (pb_store_run(s, st) < 0)
			return -1;
	}
	return 0;
}

static int64_t failure_pages(struct fail *x)
{
	size_t distinct = 0;

	if (x->pages >= 0)
		return x->pages;
	if (x->failed_pages > 0)
		return x->failed_pages;
	for (size_t i = 0; i < x->npfns; i++)
		distinct += i == 0 || x->pfns[i].pfn != x->pfns[i - 1].pfn;
	return (int64_t)distinct;
}

static int write_fail(struct pb_store *s, sqlite3_stmt *ins, sqlite3_stmt *pins,
		      struct fail *x)
{
	int64_t busy_ranges = (int64_t)fail_distinct_ranges(x);

	if (x->ts_ns < 0)
		x->ts_ns = x->first_ts_ns;
	if (write_pfns(s, pins, x) < 0)
		return -1;
	if (x->start_pfn < 0 && x->npfns) {
		x->start_pfn = x->pfns[0].pfn;
		x->end_pfn = x->pfns[x->npfns - 1].pfn + 1;
	}
	pb_store_bind_int64(ins, ":id", x->id);
	pb_store_bind_int64(ins, ":source_id", x->source_id);
	bind_i64(ins, ":ts_ns", x->ts_ns, -1);
	pb_store_bind_text(ins, ":kind", fail_kind_name(x->kind));
	pb_store_bind_text(ins, ":area", x->area);
	pb_store_bind_text(ins, ":reason", x->reason);
	bind_i64(ins, ":start_pfn", x->start_pfn, -1);
	bind_i64(ins, ":end_pfn", x->end_pfn, -1);
	pb_store_bind_int64(ins, ":pages", failure_pages(x));
	bind_i64(ins, ":pid", x->pid, -1);
	pb_store_bind_text(ins, ":comm", x->comm);
	pb_store_bind_text(ins, ":outcome", fail_outcome_name(x->outcome));
	bind_i64(ins, ":nowarn", x->nowarn, -1);
	bind_i64(ins, ":cma_alloc_id", x->cma_alloc_id, 0);
	bind_i64(ins, ":event_id", x->event_id, 0);
	bind_i64(ins, ":end_ts_ns", x->end_ts_ns, -1);
	bind_i64(ins, ":stack_id", x->stack_id, 0);
	pb_store_bind_int64(ins, ":busy_ranges", busy_ranges);
	pb_store_bind_int64(ins, ":failed_migrations", x->failed_migrations);
	bind_i64(ins, ":errorno", x->errorno, -1);
	bind_i64(ins, ":start_ts_ns", x->first_ts_ns, -1);
	return pb_store_run(s, ins);
}

/* The task name of a failure that has only its pid: the kernel log's
 * vendor prefixes (Samsung's, MediaTek's) name the task on each line, and
 * the failure's first record is one of its task's lines. 0 or -1. */
static int fail_comm(struct finder *f, sqlite3_stmt *st, struct fail *x)
{
	int rc;

	if (x->comm || x->pid < 0 || !x->event_id)
		return 0;
	pb_store_bind_int64(st, ":event_id", x->event_id);
	pb_store_bind_int64(st, ":pid", x->pid);
	rc = pb_store_step(f->s, st);
	if (rc > 0)
		x->comm = finder_keep(f, column_text(st, 0));
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

int write_all(struct finder *f)
{
	sqlite3_stmt *ins = pb_store_prepare(f->s,
		"INSERT INTO failure(id, source_id, ts_ns, kind, area, reason, start_pfn, "
		"end_pfn, pages, pid, comm, outcome, nowarn, cma_alloc_id, event_id, end_ts_ns, "
		"stack_id, busy_ranges, failed_migrations, errorno, start_ts_ns) "
		"VALUES (:id, :source_id, :ts_ns, :kind, :area, :reason, :start_pfn, "
		":end_pfn, :pages, :pid, :comm, :outcome, :nowarn, :cma_alloc_id, :event_id, "
		":end_ts_ns, :stack_id, :busy_ranges, :failed_migrations, :errorno, "
		":start_ts_ns)");
	sqlite3_stmt *pins = pb_store_prepare(f->s,
		"INSERT INTO failure_pfn(failure_id, pfn, busy_range_id, ts_ns, event_id, how) "
		"VALUES (:failure_id, :pfn, :busy_range_id, :ts_ns, :event_id, :how)");
	sqlite3_stmt *comm = pb_store_prepare(f->s,
		"SELECT c.text FROM event e JOIN name c ON c.id = e.comm_id "
		"WHERE e.id = :event_id AND e.pid = :pid");
	int rc = ins && pins && comm ? 0 : -1;

	sort_n(f->v, f->n, sizeof(*f->v), cmp_fail);
	for (size_t i = 0; rc == 0 && i < f->n; i++) {
		f->v[i].id = (int64_t)i + 1;
		rc = fail_comm(f, comm, &f->v[i]);
		if (rc == 0)
			rc = write_fail(f->s, ins, pins, &f->v[i]);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(pins);
	sqlite3_finalize(comm);
	return rc;
}
