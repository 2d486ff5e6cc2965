/* failures_loose_group.c - the last passes over the records without a
 * task: the ones no window or "alloc failed" line took are grouped into
 * failures of their own (records close in time of one kind and boot, a
 * run of one task's busy lines), and a driver's "failed to allocate" line
 * after such a run makes that failure final. Apart from failures_loose.c
 * because the grouping reads the table in its own order, merged from the
 * runs noted at loading or sorted by SQLite, keeping only the previous
 * record and the last call trace.
 */
#include "failures_int.h"

/* A run of the kernel log's "PFNs busy" and busy-retry lines is one
 * allocation that retried (alloc_contig_range() prints one per range that
 * cma_alloc() tried): the same task where the lines name one, close in
 * time; the "alloc failed" line that ends such a run has taken it already. */
static int same_busy_run(const struct loose *prev, const struct loose *r)
{
	return prev->how == HOW_KMSG && r->how == HOW_KMSG &&
	       (prev->pid < 0 || r->pid < 0 || prev->pid == r->pid);
}

/* Whether R, of PREV's kind and group and after it in the grouping's
 * order, is close enough to PREV to be of its failure: within
 * ATTEMPT_GAP_NS. A source on a clock of ticks (source_ticks(): a trace's
 * page_pinner failure events; kernel logs print printk time, never ticks)
 * is a group of its own, where no pause can be told: there PREV, the
 * record of its kind before R in the source, is of R's failure when it is
 * of R's task, and another task's record between them ends the failure,
 * as their order cuts the attempts of a task (failures_attempts.c). */
static int close_to_prev(struct finder *f, const struct loose *prev, const struct loose *r)
{
	if (source_ticks(f, r->source_id))
		return prev->source_id == r->source_id && prev->pid == r->pid;
	return r->ts_ns - prev->ts_ns <= ATTEMPT_GAP_NS;
}

/* Kernel log dumps and page_pinner failures close in time are one
 * failure, within one boot (times of two machines, or of two clocks, say
 * nothing of each other), and so is a run of busy lines; a busy range of
 * a trace or an "alloc failed" line is one by itself. */
static int same_loose_failure(struct finder *f, const struct loose *prev, const struct loose *r)
{
	enum fail_kind kind = loose_kind(r);

	return prev && kind == loose_kind(prev) && prev->group == r->group &&
	       (kind == FAIL_MIGRATE || kind == FAIL_PAGE_PINNER || same_busy_run(prev, r)) &&
	       close_to_prev(f, prev, r);
}

/* The drivers' lines of a log by place, for driver_between(): a partial
 * index holds only them, so each question reads a few rows (the how of
 * the index and of the question is one literal, as SQLite wants). */
static int drivers_index(struct pb_store *s, sqlite3_stmt **between)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "CREATE INDEX IF NOT EXISTS " LOOSE_TABLE "_driver ON pb_loose "
		 "(source_id, event_id) WHERE how = %d", (int)HOW_DRIVER_FAILED);
	if (pb_store_exec(s, sql) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT 1 FROM " LOOSE_TABLE " WHERE how = %d "
		 "AND source_id = :source_id AND event_id > :after AND event_id < :before "
		 "AND (pid < 0 OR :pid < 0 OR pid = :pid) LIMIT 1", (int)HOW_DRIVER_FAILED);
	*between = pb_store_prepare(s, sql);
	return *between ? 0 : -1;
}

/* Whether a driver's "failed to allocate" line of their log, and of their
 * task or of no task named, was printed between busy lines PREV and R:
 * the driver gave up on the allocation of PREV, and R is of the next one
 * it asked for (vc4 allocates again after a failure, and 4.10 or older
 * kernels print no "alloc failed" line that would end the first). 1, 0,
 * or -1 on a store error. */
static int driver_between(struct pb_store *s, sqlite3_stmt *between, const struct loose *prev,
			  const struct loose *r)
{
	int rc;

	if (!between || prev->how != HOW_KMSG || r->how != HOW_KMSG ||
	    prev->source_id != r->source_id)
		return 0;
	pb_store_bind_int64(between, ":source_id", r->source_id);
	pb_store_bind_int64(between, ":after", prev->event_id < r->event_id ? prev->event_id : r->event_id);
	pb_store_bind_int64(between, ":before", prev->event_id < r->event_id ? r->event_id : prev->event_id);
	pb_store_bind_int64(between, ":pid", prev->pid >= 0 ? prev->pid : r->pid);
	rc = pb_store_step(s, between);
	sqlite3_reset(between);
	return rc;
}

/* A dump soon after a call trace of the same log is the trace's: its task,
 * and the caller its stack names. */
static void trace_task(struct finder *f, struct fail *x, const struct loose *trace,
		       const struct loose *r)
{
	if (!trace || r->how != HOW_DUMP || trace->source_id != r->source_id ||
	    r->ts_ns < trace->ts_ns || r->ts_ns - trace->ts_ns > ATTEMPT_GAP_NS)
		return;
	take_task(f, x, trace);
	if (trace->has_caller)
		x->kind = trace->caller;
}

/* Whether busy failure X may be the allocation that a driver's "failed to
 * allocate" line D gave up: before it, of its log and task (or of no task
 * named), and close in time. */
static int driver_gave_up_on(const struct fail *x, const struct loose *d)
{
	return x->kind == FAIL_BUSY_RANGE && x->outcome != OUTCOME_FINAL &&
	       x->source_id == d->source_id && d->ts_ns >= x->end_ts_ns &&
	       d->ts_ns - x->end_ts_ns <= ATTEMPT_GAP_NS &&
	       (x->pid < 0 || d->pid < 0 || x->pid == d->pid);
}

/* A driver's "failed to allocate" soon after a run of busy lines of its
 * task (or of no task named) says that allocation failed: final. */
int drivers_gave_up(struct finder *f, size_t first_fail)
{
	struct pass p = { .s = f->s };
	int rc;

	if (pass_prepare(&p, &p.read, "SELECT " LOOSE_COLUMNS " FROM " LOOSE_TABLE
			 " WHERE how = :how AND ts_ns >= 0") < 0)
		return pass_end(&p, -1);
	pb_store_bind_int64(p.read, ":how", HOW_DRIVER_FAILED);
	while ((rc = pb_store_step(f->s, p.read)) > 0) {
		struct loose d;

		loose_read(p.read, &d);
		for (size_t i = first_fail; i < f->n; i++)
			if (driver_gave_up_on(&f->v[i], &d))
				f->v[i].outcome = OUTCOME_FINAL;
	}
	return pass_end(&p, rc);
}

/* "migrating pfn %lx failed ret:%d" is memory offlining's (its error is
 * taken by join_loose(); migrate_pages() also returns a positive count of
 * pages it did not migrate, ret:28, which is no error code). */
static void migrate_failed_joins(struct fail *x)
{
	x->reason = "memory_hotplug";
}

/* What the grouping keeps of the records before the one it reads: the
 * previous one, and the last call trace with its task's name. */
struct grouping {
	struct loose prev, trace;
	int has_prev, has_trace;
	char *trace_comm;
	struct fail *x;
	sqlite3_stmt *driver_between;	/* NULL: no driver's line in the logs */
	int failed;			/* a store error in driver_between() */
};

static void keep_trace(struct grouping *g, const struct loose *r)
{
	free(g->trace_comm);
	g->trace_comm = r->comm ? pb_strdup(r->comm) : NULL;
	g->trace = *r;
	g->trace.area = NULL;
	g->trace.comm = g->trace_comm;
	g->has_trace = 1;
}

/* Whether R is cma_alloc()'s "memory range at %p is busy, retrying"
 * (a kmsg record with no range: failures_loose.c). cma_alloc() prints
 * "alloc failed" when it gives up (unless its caller asked for no
 * warning: hugetlb's no_warn), so a run it retried that no such line
 * took went on. */
static int is_cma_retry(const struct loose *r)
{
	return r->how == HOW_KMSG && r->start_pfn < 0 && r->end_pfn < 0;
}

/* Whether R goes on the failure of the record before it. */
static int joins_prev(struct finder *f, struct grouping *g, const struct loose *r)
{
	int apart;

	if (!g->has_prev || !same_loose_failure(f, &g->prev, r))
		return 0;
	apart = driver_between(f->s, g->driver_between, &g->prev, r);
	if (apart < 0)
		g->failed = 1;
	return !apart;
}

static void group_one(struct finder *f, struct grouping *g, const struct loose *r)
{
	if (r->how == HOW_CALL_TRACE) {
		keep_trace(g, r);
		return;
	}
	if (r->how == HOW_DRIVER_FAILED)
		return;	/* no failure by itself: see drivers_gave_up() */
	if (!joins_prev(f, g, r)) {
		g->x = loose_fail(f, r);
		trace_task(f, g->x, g->has_trace ? &g->trace : NULL, r);
		/* no "alloc failed" line took the busy lines: how the
		 * allocation ended is not known, unless a retry of cma_alloc()
		 * joins (below) or a driver says it gave up */
		if (r->how == HOW_KMSG)
			g->x->outcome = OUTCOME_UNKNOWN;
	}
	if (is_cma_retry(r) && g->x->outcome == OUTCOME_UNKNOWN)
		g->x->outcome = OUTCOME_RECOVERED;
	g->prev = *r;
	g->prev.area = g->prev.comm = NULL;	/* not kept past the row */
	g->has_prev = 1;
	if (r->how == HOW_MIGRATE_FAILED)
		migrate_failed_joins(g->x);
	join_loose(g->x, r);
}

/* One run of the records in the grouping's order, from seq FROM up to
 * (not with) TO, and the row it stands on. */
struct run {
	sqlite3_stmt *st;
	struct loose r;
	int live;
};

static int run_step(struct pb_store *s, struct run *run)
{
	int rc = pb_store_step(s, run->st);

	run->live = rc > 0;
	if (run->live)
		loose_read(run->st, &run->r);
	return rc;
}

static int run_open(struct pb_store *s, struct run *run, int64_t from, int64_t to)
{
	run->st = pb_store_prepare(s, "SELECT " LOOSE_COLUMNS " FROM " LOOSE_TABLE
				   " WHERE seq >= :from AND seq < :to ORDER BY seq");
	if (!run->st)
		return -1;
	pb_store_bind_int64(run->st, ":from", from);
	pb_store_bind_int64(run->st, ":to", to);
	return run_step(s, run);
}

/* The run whose row comes first, or NULL when all are done. */
static struct run *first_run(struct run *runs, size_t n)
{
	struct run *first = NULL;

	for (size_t i = 0; i < n; i++)
		if (runs[i].live && (!first || cmp_group_order(&runs[i].r, &first->r) < 0))
			first = &runs[i];
	return first;
}

/* The grouping over the runs of L merged: the order of the sort below
 * without sorting, when few runs are in that order already. */
static int group_merged(struct finder *f, const struct loose_list *l, struct grouping *g)
{
	struct run *runs = pb_calloc(l->nruns ? l->nruns : 1, sizeof(*runs));
	struct run *first;
	int rc = 0;

	for (size_t i = 0; i < l->nruns && rc >= 0; i++)
		rc = run_open(f->s, &runs[i], l->runs[i],
			      i + 1 < l->nruns ? l->runs[i + 1] : l->n + 1);
	while (rc >= 0 && (first = first_run(runs, l->nruns))) {
		group_one(f, g, &first->r);
		rc = run_step(f->s, first);
	}
	for (size_t i = 0; i < l->nruns; i++)
		pb_store_finalize(runs[i].st);
	free(runs);
	return rc < 0 ? -1 : 0;
}

/* The records no window or "alloc failed" line took, grouped in order of
 * kind, group, (task,) time; records alike in all that in the order of
 * their log and load. Merged from the runs noted as they were loaded
 * while those are few and still in order, else sorted. */
int group_failures(struct finder *f, const struct loose_list *l)
{
	struct pass p = { .s = f->s };
	struct grouping g = { 0 };
	int rc;

	if (l->drivers && drivers_index(f->s, &g.driver_between) < 0)
		return -1;
	if (!l->reordered && l->nruns <= MERGED_RUNS) {
		rc = group_merged(f, l, &g);
	} else if (pass_prepare(&p, &p.read, "SELECT " LOOSE_COLUMNS " FROM " LOOSE_TABLE
				" ORDER BY kind, grp, task, ts_ns, event_id, source_id, seq") < 0) {
		rc = pass_end(&p, -1);
	} else {
		while ((rc = pb_store_step(f->s, p.read)) > 0) {
			struct loose r;

			loose_read(p.read, &r);
			group_one(f, &g, &r);
		}
		rc = pass_end(&p, rc);
	}
	free(g.trace_comm);
	pb_store_finalize(g.driver_between);
	return rc < 0 || g.failed ? -1 : 0;
}
