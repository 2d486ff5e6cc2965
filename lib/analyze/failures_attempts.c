/* failures_attempts.c - contiguous allocations outside CMA (hugetlb's
 * alloc_contig_pages fallback, memory offlining): per task, the failed
 * isolation tests and contig_range/memory_hotplug migrations, cut into
 * attempts by a successful isolation test or a pause; there is no event
 * that starts or ends them. Any other failed migrations are cut the same
 * way, by reason (one compaction run fails many migrate_pages() calls).
 */
#include <string.h>

#include "failures_int.h"

static struct attempt_ev *attempt_add(struct attempt_list *a)
{
	PB_GROW(a->v, a->n + 1, a->cap);
	memset(&a->v[a->n], 0, sizeof(a->v[0]));
	return &a->v[a->n++];
}

/* Columns of the busy range query below, from b.id (the task's name is
 * the caller's to keep). */
static void busy_event(sqlite3_stmt *st, struct attempt_ev *ev, enum pfn_how how)
{
	ev->what = ATTEMPT_BUSY;
	ev->how = how;
	ev->range_id = sqlite3_column_int64(st, 0);
	ev->source_id = sqlite3_column_int64(st, 1);
	ev->ts_ns = column_i64_or(st, 2, -1);
	ev->pid = (int32_t)column_i64_or(st, 3, -1);
	ev->start_pfn = column_i64_or(st, 4, -1);
	ev->end_pfn = column_i64_or(st, 5, -1);
	ev->busy_pfn = column_i64_or(st, 6, -1);
	ev->event_id = column_i64_or(st, 9, 0);
	ev->stack_id = column_i64_or(st, 10, 0);
	ev->ticks = sqlite3_column_int(st, 12);
	ev->reason = pfn_how_name(how);
	ev->why = REASON_CONTIG;
}

/* Where the events of one loader may join a run of repeats. */
struct runs {
	struct attempt_list successes;	/* the first entries of the list, sorted */
	size_t first;		/* the list's first event of this loader */
	int allowed;		/* 0 when allocations traced only at their end
				 * claim events one by one (claim_whole_spans) */
};

/* The longest pause between two events of one attempt of EV's task. On a
 * clock of ticks (attempt_ev.ticks) 5 s is no number of ticks: there the
 * order of the events alone cuts the attempts (another task or class, a
 * successful isolation test), never a pause. */
static int64_t attempt_gap(const struct attempt_ev *ev)
{
	return ev->ticks ? INT64_MAX : ATTEMPT_GAP_NS;
}

/* The end of EV's time: its last repeat's. */
static int64_t attempt_end(const struct attempt_ev *ev)
{
	return ev->repeats ? ev->last_ts_ns : ev->ts_ns;
}

static int same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static const char *const reason_names[] = {
	[REASON_COMPACTION] = "compaction",
	[REASON_CONTIG] = "contig",
	[REASON_CONTIG_RANGE] = "contig_range",
	[REASON_DAMON] = "damon",
	[REASON_DEMOTION] = "demotion",
	[REASON_LONGTERM_PIN] = "longterm_pin",
	[REASON_MEMORY_FAILURE] = "memory_failure",
	[REASON_MEMORY_HOTPLUG] = "memory_hotplug",
	[REASON_MEMPOLICY_MBIND] = "mempolicy_mbind",
	[REASON_NUMA_MISPLACED] = "numa_misplaced",
	[REASON_SYSCALL_OR_CPUSET] = "syscall_or_cpuset",
	[REASON_UNKNOWN] = "unknown",
};

/* The reason of a migration row by its text (NULL: it printed none). */
static enum attempt_reason reason_parse(const char *text)
{
	if (!text)
		return REASON_UNKNOWN;
	for (size_t i = 0; i < PB_ARRAY_SIZE(reason_names); i++) {
		if (!strcmp(text, reason_names[i]))
			return (enum attempt_reason)i;
	}
	return REASON_OTHER;
}

enum attempt_reason attempt_class(const struct attempt_ev *ev)
{
	if (ev->why == REASON_CONTIG_RANGE || ev->why == REASON_MEMORY_HOTPLUG)
		return REASON_CONTIG;
	return ev->why;
}

/* Orders events by class; those of reasons the kernel does not name by
 * their text, as the text of every class was compared before. */
static int cmp_class(const struct attempt_ev *x, const struct attempt_ev *y)
{
	enum attempt_reason cx = attempt_class(x), cy = attempt_class(y);

	if (cx != cy)
		return cx < cy ? -1 : 1;
	return cx == REASON_OTHER ? strcmp(x->reason, y->reason) : 0;
}

/* Whether the task has a successful isolation test from FROM to TO: it
 * ends an attempt, so a run must not go over it. */
static int success_between(const struct runs *r, const struct attempt_ev *ev,
			   int64_t from, int64_t to)
{
	size_t j = attempt_after(&r->successes, ev->source_id, ev->pid, REASON_CONTIG,
				 from - 1);
	const struct attempt_ev *s;

	if (j == r->successes.n)
		return 0;
	s = &r->successes.v[j];
	return s->source_id == ev->source_id && s->pid == ev->pid && s->ts_ns <= to;
}

/* Whether EV repeats RUN but for its time: the same stack and task name,
 * and the same range and page (isolation tests) or reason (failed
 * migrations). */
static int alike(const struct attempt_ev *run, const struct attempt_ev *ev)
{
	if (run->what != ev->what || run->stack_id != ev->stack_id ||
	    !same_text(run->comm, ev->comm))
		return 0;
	if (ev->what == ATTEMPT_BUSY)
		return run->start_pfn == ev->start_pfn && run->end_pfn == ev->end_pfn &&
		       run->busy_pfn == ev->busy_pfn;
	return run->why == ev->why &&
	       (ev->why != REASON_OTHER || !strcmp(run->reason, ev->reason));
}

/* The latest event in A of EV's task and class, if it can take EV as a
 * repeat: alike, no earlier, within a pause, no success between. Only
 * what the first of a run says is ever read (its event, stack and name;
 * the page's earliest report), so the repeats need nothing but their time
 * (and the pages a migration failed, summed). */
static struct attempt_ev *run_for(struct attempt_list *a, const struct runs *r,
				  const struct attempt_ev *ev)
{
	enum { LOOK_BACK = 8 };	/* tasks interleaved in a trace */
	struct attempt_ev *run = NULL;
	int64_t end;

	for (size_t i = a->n; r->allowed && !run && i > r->first && a->n - i < LOOK_BACK; i--) {
		const struct attempt_ev *c = &a->v[i - 1];

		if (c->source_id == ev->source_id && c->pid == ev->pid && !cmp_class(c, ev))
			run = &a->v[i - 1];
	}
	if (!run || !run->event_id || run->ts_ns < 0 || ev->ts_ns < 0 || !alike(run, ev))
		return NULL;
	end = attempt_end(run);
	if (ev->ts_ns < end || ev->ts_ns - end > attempt_gap(ev) ||
	    (attempt_class(ev) == REASON_CONTIG && success_between(r, ev, end, ev->ts_ns)))
		return NULL;
	return run;
}

/* Counts EV into RUN as one more repeat. */
static void repeat(struct attempt_ev *run, const struct attempt_ev *ev)
{
	run->repeats++;
	run->last_ts_ns = ev->ts_ns;
	run->failed += ev->failed;
}

/* Whether some allocation is traced only at its end (a pid, no start). */
static int whole_spans(const struct cma_spans *spans)
{
	for (size_t i = 0; i < spans->n; i++) {
		const struct cma_span *sp = &spans->v[i];

		if (sp->start_ts_ns < 0 && sp->end_ts_ns >= 0 && sp->pid >= 0)
			return 1;
	}
	return 0;
}

/* Runs of the events loaded next into A, which holds the successes first
 * (load_successes, sorted). */
static struct runs runs_of(const struct attempt_list *a, const struct cma_spans *spans)
{
	struct runs r = { .successes = { a->v, 0, 0 }, .first = a->n,
			  .allowed = !whole_spans(spans) };

	while (r.successes.n < a->n && a->v[r.successes.n].what == ATTEMPT_SUCCESS)
		r.successes.n++;
	return r;
}

/* An isolation test outside CMA: an attempt's event, or a repeat of the
 * task's last one. */
static void add_isolation(struct finder *f, struct attempt_list *a, const struct runs *r,
			  sqlite3_stmt *st)
{
	struct attempt_ev ev = { 0 }, *run;

	busy_event(st, &ev, HOW_ISOLATION);
	ev.comm = column_text(st, 11);
	run = run_for(a, r, &ev);
	if (run) {
		repeat(run, &ev);
		return;
	}
	ev.comm = finder_keep(f, ev.comm);
	*attempt_add(a) = ev;
}

/* What the loaders of busy ranges and failed migrations read into. */
struct attempt_load {
	struct finder *f;
	struct cma_spans *spans;
	struct attempt_list *a;
	struct runs runs;
	struct loose_list *loose;	/* busy ranges outside everything */
};

/* A busy range: inside a CMA allocation it belongs to its failure; an
 * isolation test outside one is an attempt's; the rest stand alone. */
static void busy_row(sqlite3_stmt *st, void *ctx)
{
	struct attempt_load *l = ctx;
	struct cma_span *sp = span_by_id(l->spans, column_i64_or(st, 8, 0));
	struct attempt_ev ev = { 0 };
	enum pfn_how how;

	/* the import writes only the kinds busy_kind_how() knows */
	if (busy_kind_how(column_text(st, 7), &how) < 0)
		how = HOW_KMSG;
	if (sp) {
		struct fail *x = cma_fail(l->f, sp);

		fail_add_range(x, column_i64_or(st, 4, -1), column_i64_or(st, 5, -1));
		fail_add_pfn(x, column_i64_or(st, 6, -1), sqlite3_column_int64(st, 0),
			     column_i64_or(st, 2, -1), column_i64_or(st, 9, 0), HOW_ISOLATION);
		return;
	}
	if (how == HOW_ISOLATION) {
		add_isolation(l->f, l->a, &l->runs, st);
		l->runs.successes.v = l->a->v;	/* moved by a realloc */
		return;
	}
	/* a loose record uses no task name, so none is kept */
	busy_event(st, &ev, how);
	loose_range(l->loose, &ev);
}

int load_busy(struct finder *f, struct cma_spans *spans, struct attempt_list *a,
	      struct loose_list *loose)
{
	struct attempt_load l = { f, spans, a, runs_of(a, spans), loose };

	/* The range's own stack and task name (0: none); its event's in a
	 * row from before schema 4 (NULL), a store page read for each. Only
	 * an isolation test's attempt uses them and the clock's kind: a
	 * kernel log's millions of "PFNs busy" lines skip the three lookups
	 * (a third of their first analysis). 'isolation' is
	 * pfn_how_name(HOW_ISOLATION), the kind the import writes. */
	return sql_rows_each(f->s,
		"SELECT b.id, b.source_id, b.ts_ns, b.pid, b.start_pfn, b.end_pfn, b.busy_pfn, "
		"b.kind, b.cma_alloc_id, b.event_id, "
		"CASE WHEN b.kind IS NOT 'isolation' THEN NULL "
		"  WHEN b.stack_id IS NULL "
		"  THEN (SELECT e.stack_id FROM event e WHERE e.id = b.event_id) "
		"  ELSE NULLIF(b.stack_id, 0) END, "
		"CASE WHEN b.kind IS 'isolation' THEN "
		"(SELECT text FROM name WHERE id = CASE WHEN b.comm_id IS NULL "
		"  THEN (SELECT e.comm_id FROM event e WHERE e.id = b.event_id) "
		"  ELSE b.comm_id END) END, "
		"CASE WHEN b.kind IS 'isolation' THEN " TICKS_OF_SQL("b.source_id") " ELSE 0 END "
		"FROM busy_range b ORDER BY b.id", busy_row, &l);
}

/* A failed migration outside CMA: an attempt's event, or a repeat of the
 * task's last one of its class. */
static void add_migration(struct finder *f, struct attempt_list *a, const struct runs *r,
			  sqlite3_stmt *st)
{
	const char *reason = column_text(st, 5);
	struct attempt_ev ev = { 0 }, *run;

	ev.what = ATTEMPT_MIGRATION;
	ev.why = reason_parse(reason);
	ev.source_id = sqlite3_column_int64(st, 1);
	ev.ts_ns = column_i64_or(st, 2, -1);
	ev.pid = (int32_t)column_i64_or(st, 3, -1);
	ev.comm = column_text(st, 4);
	ev.reason = reason ? reason : "unknown";
	ev.failed = sqlite3_column_int64(st, 6);
	ev.stack_id = column_i64_or(st, 7, 0);
	ev.event_id = column_i64_or(st, 8, 0);
	ev.ticks = sqlite3_column_int(st, 10);
	run = run_for(a, r, &ev);
	if (run) {
		repeat(run, &ev);
		return;
	}
	ev.comm = finder_keep(f, ev.comm);
	/* a name of the table needs no copy */
	ev.reason = ev.why == REASON_OTHER ? finder_keep(f, ev.reason) : reason_names[ev.why];
	*attempt_add(a) = ev;
}

/* A failed migration: counted into its CMA allocation, else an event of
 * an attempt. */
static void migration_row(sqlite3_stmt *st, void *ctx)
{
	struct attempt_load *l = ctx;
	struct cma_span *sp = span_by_id(l->spans, column_i64_or(st, 9, 0));

	if (sp) {
		struct fail *x = cma_fail(l->f, sp);

		x->failed_migrations++;
		x->failed_pages += sqlite3_column_int64(st, 6);
		return;
	}
	add_migration(l->f, l->a, &l->runs, st);
	l->runs.successes.v = l->a->v;	/* moved by a realloc */
}

int load_migrations(struct finder *f, struct cma_spans *spans, struct attempt_list *a)
{
	struct attempt_load l = { f, spans, a, runs_of(a, spans), NULL };

	return sql_rows_each(f->s,
		"SELECT id, source_id, ts_ns, pid, comm, reason, failed, stack_id, event_id, "
		"cma_alloc_id, " TICKS_OF_SQL("migration.source_id") " FROM migration "
		"WHERE failed > 0", migration_row, &l);
}

/* Whether an isolation test with these end_pfn and fin_pfn got its range
 * (test_pages_isolated() reports fin_pfn == end_pfn on success). */
static int isolation_passed(const char *end, const char *fin)
{
	uint64_t e, fn;

	return end && fin && pb_parse_u64(end, strlen(end), &e) == 0 &&
	       pb_parse_u64(fin, strlen(fin), &fn) == 0 && fn >= e;
}

struct success_load {
	const struct cma_spans *spans;
	struct attempt_list *a;
};

/* An isolation test: the end of an attempt when it got its range outside
 * the task's CMA allocation. */
static void success_row(sqlite3_stmt *st, void *ctx)
{
	struct success_load *l = ctx;
	struct attempt_ev *ev;
	int64_t ts = column_i64_or(st, 2, -1);
	int32_t pid = (int32_t)column_i64_or(st, 3, -1);

	if (!isolation_passed(column_text(st, 4), column_text(st, 5)) ||
	    inside_cma(l->spans, sqlite3_column_int64(st, 1), pid, ts))
		return;
	ev = attempt_add(l->a);
	ev->what = ATTEMPT_SUCCESS;
	ev->why = REASON_CONTIG;
	ev->event_id = sqlite3_column_int64(st, 0);
	ev->source_id = sqlite3_column_int64(st, 1);
	ev->ts_ns = ts;
	ev->pid = pid;
	ev->ticks = sqlite3_column_int(st, 6);
}

/* Successful isolation tests outside CMA allocations: the end of an
 * attempt that got its range. The failed ones, usually nearly all, are
 * left out before their rows are read: the import gave each a busy range
 * (typed.c isolation(): fin_pfn < end_pfn, which isolation_passed() says
 * too), and each row read on its own costs the read of a store page. */
int load_successes(struct finder *f, const struct cma_spans *spans, struct attempt_list *a)
{
	struct success_load l = { spans, a };

	return sql_rows_each(f->s,
		"SELECT e.id, e.source_id, e.ts_ns, e.pid, pb_field(e.keyset_id, e.vals, 'end_pfn'), "
		"pb_field(e.keyset_id, e.vals, 'fin_pfn'), " TICKS_OF_SQL("e.source_id") " "
		"FROM event e WHERE e.id IN (SELECT value FROM "
		PB_EVENT_IDS_OF("SELECT id FROM name WHERE text LIKE '%:test_pages_isolated'")
		" EXCEPT SELECT event_id FROM busy_range WHERE kind = 'isolation')",
		success_row, &l);
}

static int cmp_attempt(const void *a, const void *b)
{
	const struct attempt_ev *x = a, *y = b;
	int c;

	if (x->source_id != y->source_id)
		return x->source_id < y->source_id ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	c = cmp_class(x, y);
	if (c)
		return c;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->event_id < y->event_id ? -1 : x->event_id > y->event_id;
}

void fail_count_step(struct fail *x, const struct attempt_ev *ev)
{
	if (ev->what == ATTEMPT_BUSY) {
		fail_add_range(x, ev->start_pfn, ev->end_pfn);
		fail_add_pfn(x, ev->busy_pfn, ev->range_id, ev->ts_ns, ev->event_id,
			     HOW_ISOLATION);
	} else {
		x->failed_migrations += 1 + (int)ev->repeats;
		x->failed_pages += ev->failed;
	}
}

static void attempt_event(struct fail *x, const struct attempt_ev *ev)
{
	fail_widen(x, ev->ts_ns);
	fail_widen(x, attempt_end(ev));
	if (!x->event_id)
		x->event_id = ev->event_id;
	if (!x->stack_id)
		x->stack_id = ev->stack_id;
	if (!x->comm)
		x->comm = ev->comm;
	fail_count_step(x, ev);
	/* offlining is a migration failure, not an allocation */
	if (ev->what != ATTEMPT_BUSY && ev->why != REASON_CONTIG_RANGE) {
		x->kind = FAIL_MIGRATE;
		x->reason = ev->reason;
	}
}

static int same_group(const struct attempt_ev *prev, const struct attempt_ev *ev)
{
	return prev->source_id == ev->source_id && prev->pid == ev->pid &&
	       !cmp_class(prev, ev);
}

/* Whether EV starts another attempt than PREV's: another task or class,
 * or after a pause since PREV_END, the latest time of the group so far
 * (a run of repeats can end after the events that follow its first). */
static int attempt_breaks(const struct attempt_ev *prev, int64_t prev_end,
			  const struct attempt_ev *ev)
{
	return !same_group(prev, ev) || ev->ts_ns - prev_end > attempt_gap(ev);
}

void sort_attempts(struct attempt_list *a)
{
	sort_n(a->v, a->n, sizeof(*a->v), cmp_attempt);
}

/* Cuts the events into attempts: a task's events of one class until a
 * successful isolation test or a pause of ATTEMPT_GAP_NS. */
void make_attempts(struct finder *f, struct attempt_list *a)
{
	struct fail *x = NULL;
	const struct attempt_ev *prev = NULL;
	int64_t prev_end = -1;

	for (size_t i = 0; i < a->n; i++) {
		const struct attempt_ev *ev = &a->v[i];

		if (ev->what == ATTEMPT_CLAIMED)
			continue;
		if (x && attempt_breaks(prev, prev_end, ev))
			x = NULL;
		if (!prev || !same_group(prev, ev) || attempt_end(ev) > prev_end)
			prev_end = attempt_end(ev);
		prev = ev;
		if (ev->what == ATTEMPT_SUCCESS) {
			if (x) {
				x->outcome = OUTCOME_RECOVERED;
				fail_widen(x, ev->ts_ns);
			}
			x = NULL;
			continue;
		}
		if (!x) {
			x = fail_new(f, FAIL_ALLOC_CONTIG);
			x->reason = "contig_range";
			x->source_id = ev->source_id;
			x->pid = ev->pid;
		}
		attempt_event(x, ev);
	}
}

size_t attempt_after(const struct attempt_list *a, int64_t source_id, int32_t pid,
		     enum attempt_reason cls, int64_t ts)
{
	struct attempt_ev key = { .source_id = source_id, .pid = pid, .why = cls, .ts_ns = ts,
				  .event_id = INT64_MAX };
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_attempt(&a->v[mid], &key) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
