/* failures_loose_windows.c - the first pass over the records without a
 * task: each joins the failure whose time window holds it, in the order
 * the records were loaded (a record joined widens its window for the ones
 * after it). Apart from failures_loose.c because it is the one pass that
 * searches the failures rather than the table: it keeps the windows
 * ordered by start in memory and reads the table once, in load order.
 */
#include <string.h>

#include "failures_int.h"

/* The failures that have a time window, by start, and the longest window
 * (which grows as records join): a record's candidates are the windows
 * that started at most that long before it. */
struct window_order {
	size_t *v;
	size_t n;
	int64_t longest;
};

static int cmp_window(const void *a, const void *b, void *arg)
{
	const struct finder *f = arg;
	const struct fail *x = &f->v[*(const size_t *)a];
	const struct fail *y = &f->v[*(const size_t *)b];

	if (x->first_ts_ns != y->first_ts_ns)
		return x->first_ts_ns < y->first_ts_ns ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void order_windows(struct finder *f, size_t nwindows, struct window_order *o)
{
	o->v = pb_malloc((nwindows + 1) * sizeof(*o->v));
	o->n = 0;
	o->longest = 0;
	for (size_t i = 0; i < nwindows; i++) {
		const struct fail *x = &f->v[i];

		if (x->first_ts_ns < 0)
			continue;
		o->v[o->n++] = i;
		if (x->end_ts_ns - x->first_ts_ns > o->longest)
			o->longest = x->end_ts_ns - x->first_ts_ns;
	}
	sort_r_n(o->v, o->n, sizeof(*o->v), cmp_window, f);
}

/* Whether window X, which holds R's time, may take R: same boot, an "alloc
 * failed" line only by a cma_alloc failure, the same task and area where
 * both name one. */
static int window_takes(const struct finder *f, const struct fail *x, const struct loose *r)
{
	/* times of another boot, or of another clock, say nothing */
	if (!same_boot(boot_of(&f->boots, x->source_id), boot_of(&f->boots, r->source_id)))
		return 0;
	if (r->how == HOW_CMA_ALLOC_FAILED && x->kind != FAIL_CMA_ALLOC)
		return 0;
	if (r->pid >= 0 && x->pid >= 0 && r->pid != x->pid)
		return 0;
	return !r->area || (x->area && !strcmp(r->area, x->area));
}

/* The failure whose window holds R: the same task if it is known, else the
 * innermost (latest start) window. */
static struct fail *window_of(struct finder *f, const struct loose *r,
			      const struct window_order *o)
{
	size_t lo = 0, hi = o->n;
	/* a second of ticks is no number: a record of a clock of ticks joins
	 * only a window of its own source (same_boot()), whose events are on
	 * that clock and printed at once, so the window itself, by order */
	int64_t slack = source_ticks(f, r->source_id) ? 0 : WINDOW_SLACK_NS;

	if (r->ts_ns < 0)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->v[o->v[mid]].first_ts_ns <= r->ts_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* latest start first: the first window that fits is the innermost */
	for (size_t i = lo; i-- > 0;) {
		struct fail *x = &f->v[o->v[i]];

		if (x->first_ts_ns < r->ts_ns - o->longest - WINDOW_SLACK_NS)
			break;
		if (r->ts_ns > x->end_ts_ns + slack)
			continue;
		if (window_takes(f, x, r))
			return x;
	}
	return NULL;
}

static const char delete_sql[] = "DELETE FROM " LOOSE_TABLE " WHERE seq = :seq";

/* Joins the records that a failure's window holds to it, in the order
 * they were loaded (a record joined widens the window for the ones after
 * it); the others stay. A call trace names no page: it waits for the
 * dumps it precedes. */
int join_windows(struct finder *f, size_t nwindows)
{
	struct pass p = { .s = f->s };
	struct window_order o;
	int rc;

	order_windows(f, nwindows, &o);
	if (!o.n) {
		free(o.v);
		return 0;	/* no window: nothing to join */
	}
	if (pass_prepare(&p, &p.read, "SELECT " LOOSE_COLUMNS " FROM " LOOSE_TABLE
			 " WHERE ts_load IS NULL AND how NOT IN (:trace, :driver) ORDER BY seq") < 0 ||
	    pass_prepare(&p, &p.write, delete_sql) < 0) {
		free(o.v);
		return pass_end(&p, -1);
	}
	pb_store_bind_int64(p.read, ":trace", HOW_CALL_TRACE);
	pb_store_bind_int64(p.read, ":driver", HOW_DRIVER_FAILED);
	while ((rc = pb_store_step(f->s, p.read)) > 0) {
		struct loose r;
		struct fail *w;

		loose_read(p.read, &r);
		w = window_of(f, &r, &o);
		if (!w)
			continue;
		join_loose(w, &r);
		if (w->end_ts_ns - w->first_ts_ns > o.longest)
			o.longest = w->end_ts_ns - w->first_ts_ns;
		/* deleting the row a statement stands on is safe in SQLite */
		if (loose_remove(f->s, p.write, r.seq) < 0) {
			rc = -1;
			break;
		}
	}
	free(o.v);
	return pass_end(&p, rc);
}
