/* failures_cma.c - CMA allocations as failures: one that failed, with the
 * busy ranges and failed migrations that the import attached to it (same
 * task, inside its start/finish); one that succeeded after busy ranges is a
 * recovered busy_range failure; a failed one whose task's fallback got its
 * range soon after (on a clock of ticks: before the task's next cma_alloc)
 * is recovered.
 */
#include <string.h>

#include "failures_int.h"

/* The allocation finished at its end event; the failure happened there,
 * its time window reaches back to the start. */
static void cma_fail_times(struct fail *x, const struct cma_span *sp)
{
	fail_widen(x, sp->start_ts_ns);
	fail_widen(x, sp->end_ts_ns);
	if (sp->end_ts_ns >= 0)
		x->ts_ns = sp->end_ts_ns;
}

struct fail *cma_fail(struct finder *f, struct cma_span *sp)
{
	struct fail *x;

	if (sp->fail != SIZE_MAX)
		return &f->v[sp->fail];
	x = fail_new(f, sp->ok == 0 ? FAIL_CMA_ALLOC : FAIL_BUSY_RANGE);
	sp->fail = f->n - 1;
	/* busy ranges, then success; an allocation never finished stays final */
	if (sp->ok == 1)
		x->outcome = OUTCOME_RECOVERED;
	x->source_id = sp->source_id;
	x->cma_alloc_id = sp->id;
	x->pid = sp->pid;
	x->area = sp->area;
	x->comm = sp->comm;
	x->pages = sp->count;
	x->stack_id = sp->stack_id;
	x->event_id = sp->event_id;
	x->errorno = sp->errorno;
	cma_fail_times(x, sp);
	/* a failed finish of 6.3+ prints pfn 0 for "no page" */
	if (sp->ok == 0 && sp->pfn > 0 && sp->count > 0) {
		x->start_pfn = sp->pfn;
		x->end_pfn = sp->pfn + sp->count;
	}
	return x;
}

static struct cma_span *span_add(struct cma_spans *spans)
{
	PB_GROW(spans->v, spans->n + 1, spans->cap);
	return &spans->v[spans->n++];
}

struct cma_load {
	struct finder *f;
	struct cma_spans *spans;
};

static void cma_row(sqlite3_stmt *st, void *ctx)
{
	struct cma_load *l = ctx;
	struct finder *f = l->f;
	struct cma_span *sp = span_add(l->spans);

	sp->id = sqlite3_column_int64(st, 0);
	sp->source_id = sqlite3_column_int64(st, 1);
	sp->pid = (int32_t)column_i64_or(st, 2, -1);
	sp->start_ts_ns = column_i64_or(st, 3, -1);
	sp->end_ts_ns = column_i64_or(st, 4, -1);
	/* -1: never finished, not a failure by itself */
	sp->ok = (int)column_i64_or(st, 5, -1);
	sp->area = finder_keep(f, column_text(st, 6));
	sp->comm = finder_keep(f, column_text(st, 7));
	sp->count = column_i64_or(st, 8, -1);
	sp->pfn = column_i64_or(st, 9, -1);
	sp->stack_id = column_i64_or(st, 10, 0);
	sp->event_id = column_i64_or(st, 11, 0);
	sp->errorno = column_i64_or(st, 12, -1);
	sp->fail = SIZE_MAX;
	/* traced only at its end (old cma_alloc, a trace cut): it is
	 * ordered, and holds events, from there */
	sp->whole = sp->start_ts_ns < 0 && sp->end_ts_ns >= 0;
	if (sp->whole)
		sp->start_ts_ns = sp->end_ts_ns;
	if (sp->ok == 0)
		cma_fail(f, sp);
}

int load_cma(struct finder *f, struct cma_spans *spans)
{
	struct cma_load l = { f, spans };

	return sql_rows_each(f->s,
		"SELECT id, source_id, pid, start_ts_ns, end_ts_ns, ok, area, comm, count, pfn, "
		"stack_id, COALESCE(end_event_id, start_event_id), errorno "
		"FROM cma_alloc ORDER BY id", cma_row, &l);
}

struct cma_span *span_by_id(struct cma_spans *spans, int64_t id)
{
	size_t lo = 0, hi = spans->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (spans->v[mid].id == id)
			return &spans->v[mid];
		if (spans->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Where SP stands against the task's time TS in by_task order: by task,
 * then by start time. */
static int cmp_task_time(const struct cma_span *sp, int64_t source_id, int32_t pid,
			 int64_t ts)
{
	if (sp->source_id != source_id)
		return sp->source_id < source_id ? -1 : 1;
	if (sp->pid != pid)
		return sp->pid < pid ? -1 : 1;
	return sp->start_ts_ns < ts ? -1 : sp->start_ts_ns > ts;
}

static int cmp_span_task(const void *a, const void *b, void *arg)
{
	const struct cma_spans *spans = arg;
	const struct cma_span *x = &spans->v[*(const size_t *)a];
	const struct cma_span *y = &spans->v[*(const size_t *)b];
	int c = cmp_task_time(x, y->source_id, y->pid, y->start_ts_ns);

	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* By task and time, a task's allocation at a time is a binary search (a
 * long trace has many thousands). */
void order_spans(struct cma_spans *spans)
{
	spans->by_task = pb_malloc((spans->n + 1) * sizeof(*spans->by_task));
	for (size_t i = 0; i < spans->n; i++)
		spans->by_task[i] = i;
	sort_r_n(spans->by_task, spans->n, sizeof(*spans->by_task), cmp_span_task, spans);
}

/* Position in by_task of the task's last allocation started at or before
 * TS; SIZE_MAX when none. A task's allocations do not overlap. */
static size_t task_span_at(const struct cma_spans *spans, int64_t source_id, int32_t pid,
			   int64_t ts)
{
	size_t lo = 0, hi = spans->n;
	const struct cma_span *sp;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_task_time(&spans->v[spans->by_task[mid]], source_id, pid, ts) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return SIZE_MAX;
	sp = &spans->v[spans->by_task[lo - 1]];
	return sp->source_id == source_id && sp->pid == pid ? lo - 1 : SIZE_MAX;
}

/* A task's own isolation tests inside its CMA allocation are not a
 * fallback's. */
int inside_cma(const struct cma_spans *spans, int64_t source_id, int32_t pid, int64_t ts)
{
	size_t at = task_span_at(spans, source_id, pid, ts);
	const struct cma_span *sp;

	if (at == SIZE_MAX)
		return 0;
	sp = &spans->v[spans->by_task[at]];
	return sp->start_ts_ns <= ts && (sp->end_ts_ns < 0 || ts <= sp->end_ts_ns);
}

/* The end of the time in which a fallback of SP's task recovers it: soon
 * after SP, before the task's next cma_alloc (NEXT in by_task order). On a
 * clock of ticks (TICKS: source_ticks()) RECOVERY_NS is no number of
 * ticks, so the order alone bounds it: the task's next cma_alloc, else the
 * end of the source (a fallback is its task's, in its source). */
static int64_t recovery_until(const struct cma_span *sp, const struct cma_span *next,
			      int ticks)
{
	/* saturated: a timestamp near the end of the ns range stays in it */
	int64_t until = ticks || sp->end_ts_ns > INT64_MAX - RECOVERY_NS ? INT64_MAX
			: sp->end_ts_ns + RECOVERY_NS;

	if (next && next->pid == sp->pid && next->source_id == sp->source_id &&
	    next->start_ts_ns > sp->end_ts_ns && next->start_ts_ns < until)
		until = next->start_ts_ns;
	return until;
}

/* Whether the task's contig attempts after SP, before UNTIL, got a range. */
static int fallback_succeeded(const struct attempt_list *a, const struct cma_span *sp,
			      int64_t until)
{
	for (size_t j = attempt_after(a, sp->source_id, sp->pid, REASON_CONTIG, sp->end_ts_ns);
	     j < a->n; j++) {
		const struct attempt_ev *ev = &a->v[j];

		if (ev->source_id != sp->source_id || ev->pid != sp->pid ||
		    attempt_class(ev) != REASON_CONTIG || ev->ts_ns >= until)
			break;
		if (ev->what == ATTEMPT_SUCCESS)
			return 1;
	}
	return 0;
}

void cma_outcomes(struct finder *f, const struct cma_spans *spans,
		  const struct attempt_list *a)
{
	for (size_t k = 0; k < spans->n; k++) {
		const struct cma_span *sp = &spans->v[spans->by_task[k]], *next;
		struct fail *x;

		if (sp->fail == SIZE_MAX || sp->end_ts_ns < 0)
			continue;
		x = &f->v[sp->fail];
		if (x->kind != FAIL_CMA_ALLOC)
			continue;
		next = k + 1 < spans->n ? &spans->v[spans->by_task[k + 1]] : NULL;
		if (fallback_succeeded(a, sp,
				       recovery_until(sp, next, source_ticks(f, sp->source_id))))
			x->outcome = OUTCOME_RECOVERED;
	}
}

/* Whether EV can be a step of an allocation traced only at its end:
 * a failed isolation test or a contig_range migration of its task. */
static int whole_span_step(const struct attempt_ev *ev, const struct cma_span *sp)
{
	if (ev->source_id != sp->source_id || ev->pid != sp->pid ||
	    attempt_class(ev) != REASON_CONTIG || ev->what == ATTEMPT_SUCCESS)
		return 0;
	return ev->what == ATTEMPT_BUSY || ev->why == REASON_CONTIG_RANGE;
}

static void claim_step(struct finder *f, struct cma_span *sp, struct attempt_ev *ev)
{
	struct fail *x = cma_fail(f, sp);

	/* EV may stand for a run of alike events (attempt_ev.repeats): the
	 * window reaches its last, and each of its migrations counts */
	fail_widen(x, ev->ts_ns);
	if (ev->repeats)
		fail_widen(x, ev->last_ts_ns);
	fail_count_step(x, ev);
	ev->what = ATTEMPT_CLAIMED;
}

/* The steps of the allocation SP (K in by_task order) that has no start
 * event: back from its end, while they follow each other within
 * ATTEMPT_GAP_NS, after the task's previous allocation and after its last
 * successful isolation test (a fallback that got its range). On a clock of
 * ticks no pause can be told: only the last two bound them. */
static void claim_steps(struct finder *f, struct cma_spans *spans, size_t k,
			struct attempt_list *a)
{
	struct cma_span *sp = &spans->v[spans->by_task[k]];
	const struct cma_span *prev = k ? &spans->v[spans->by_task[k - 1]] : NULL;
	int64_t after = INT64_MIN, last = sp->end_ts_ns;
	int64_t gap = source_ticks(f, sp->source_id) ? INT64_MAX : ATTEMPT_GAP_NS;

	if (prev && prev->source_id == sp->source_id && prev->pid == sp->pid)
		after = prev->end_ts_ns >= 0 ? prev->end_ts_ns : prev->start_ts_ns;
	for (size_t j = attempt_after(a, sp->source_id, sp->pid, REASON_CONTIG, sp->end_ts_ns);
	     j-- > 0;) {
		struct attempt_ev *ev = &a->v[j];

		if (!whole_span_step(ev, sp) || ev->ts_ns <= after ||
		    last - ev->ts_ns > gap)
			break;
		claim_step(f, sp, ev);
		last = ev->ts_ns;
	}
}

void claim_whole_spans(struct finder *f, struct cma_spans *spans, struct attempt_list *a)
{
	sort_attempts(a);
	for (size_t k = 0; k < spans->n; k++) {
		const struct cma_span *sp = &spans->v[spans->by_task[k]];

		if (sp->whole && sp->pid >= 0)
			claim_steps(f, spans, k, a);
	}
}

/* hugetlb asks cma_alloc() not to warn (no_warn=true); so do callers whose
 * stack says so. 1, 0, or -1 on a store error. */
static int hugetlb_stack(struct pb_store *s, sqlite3_stmt *st, int64_t stack_id)
{
	int64_t found;

	sqlite3_bind_int64(st, 1, stack_id);
	return pb_store_first_int64(s, st, &found);
}

int mark_nowarn(struct finder *f)
{
	sqlite3_stmt *st = pb_store_prepare(f->s,
		"SELECT 1 FROM frame f JOIN symbol y ON y.id = f.symbol_id WHERE f.stack_id = ? "
		"AND y.name IN ('alloc_gigantic_page', 'alloc_fresh_huge_page', "
		"'alloc_pool_huge_page', 'alloc_buddy_huge_page', 'hugetlb_cma_alloc_folio')");
	int rc = st ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < f->n; i++) {
		struct fail *x = &f->v[i];

		if (x->nowarn >= 0 || !x->cma_alloc_id || !x->stack_id)
			continue;
		rc = hugetlb_stack(f->s, st, x->stack_id);
		if (rc == 1)
			x->nowarn = 1;
		rc = rc < 0 ? -1 : 0;
	}
	sqlite3_finalize(st);
	return rc;
}
