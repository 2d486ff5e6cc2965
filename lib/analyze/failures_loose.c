/* failures_loose.c - records without a task (kernel log dumps, "migrating
 * pfn failed", page_pinner failures, busy ranges of the kernel log) join
 * the failure whose time window holds them, else form failures of their
 * own.
 */
#include <string.h>

#include "failures_int.h"

static struct loose *loose_add(struct loose_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = pb_realloc(l->v, l->cap * sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].pid = -1;
	l->v[l->n].pfn = l->v[l->n].range_id = l->v[l->n].count = -1;
	l->v[l->n].start_pfn = l->v[l->n].end_pfn = -1;
	return &l->v[l->n++];
}

/* Kernel logs without times (console logs, printk.time=0) still keep
 * their lines in order: such records get the order of their events as
 * times from UNTIMED_NS on, far beyond any clock's, one nanosecond apart,
 * so that the rules for records close in time group the consecutive
 * records of a log (a run of busy lines and the "alloc failed" line after
 * it are one allocation, as with times). untimed_back() takes these times
 * out of the failures again: they are no times. */
#define UNTIMED_NS (INT64_MAX / 2)

static int untimed(int64_t ts)
{
	return ts >= UNTIMED_NS;
}

/* The query's how column; its texts are pfn_how_name()'s. */
static int loose_how(const char *text, enum pfn_how *how)
{
	static const enum pfn_how hows[] = {
		HOW_DUMP, HOW_PINNER_FAILURE, HOW_MIGRATE_FAILED, HOW_CMA_ALLOC_FAILED,
		HOW_CALL_TRACE, HOW_KMSG, HOW_DRIVER_FAILED,
	};

	for (size_t i = 0; text && i < sizeof(hows) / sizeof(hows[0]); i++) {
		if (!strcmp(text, pfn_how_name(hows[i]))) {
			*how = hows[i];
			return 0;
		}
	}
	return -1;
}

/* Dumps for a page that could not be migrated or isolated; the other dump
 * reasons ("bad page state", ...) say nothing about pinning. */
static const char loose_sql[] =
	"SELECT v.source_id, v.ts_ns, v.event_id, v.pfn, NULL, 'dump', NULL, NULL, NULL, NULL, NULL, NULL "
	"FROM evidence v JOIN event e ON e.id = v.event_id WHERE v.kind = 'dump' "
	"AND (json_extract(pb_fields(e.keyset_id, e.vals), '$.reason') LIKE '%migrat%' "
	"  OR json_extract(pb_fields(e.keyset_id, e.vals), '$.reason') LIKE '%isolat%' "
	"  OR json_extract(pb_fields(e.keyset_id, e.vals), '$.reason') LIKE '%unmovable%') "
	"UNION ALL SELECT source_id, ts_ns, event_id, pfn, pid, 'pinner_failure', NULL, NULL, NULL, NULL, NULL, NULL "
	"FROM evidence WHERE kind IN ('pinner_failure', 'ack_failure') "
	/* "migrating pfn %lx failed ret:%d": the error of the migration */
	"UNION ALL SELECT e.source_id, e.ts_ns, e.id, json_extract(pb_fields(e.keyset_id, e.vals), '$.pfn'), "
	"e.pid, 'migrate_failed', NULL, NULL, json_extract(pb_fields(e.keyset_id, e.vals), '$.ret'), "
	"NULL, NULL, NULL FROM event e WHERE e.id IN "
	PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:migrate_failed'") " "
	/* cma_alloc()'s "memory range at %p is busy, retrying": no pfn (%p is
	 * hashed), a retry of the allocation that its busy lines are part of */
	"UNION ALL SELECT e.source_id, e.ts_ns, e.id, NULL, e.pid, 'kmsg', NULL, NULL, NULL, NULL, "
	"NULL, NULL FROM event e WHERE e.id IN "
	PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:cma_busy_retry'") " "
	"UNION ALL SELECT e.source_id, e.ts_ns, e.id, NULL, e.pid, 'driver_failed', NULL, NULL, "
	"NULL, NULL, NULL, NULL FROM event e WHERE e.id IN "
	PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:driver_failed'") " "
	"UNION ALL SELECT e.source_id, e.ts_ns, e.id, NULL, e.pid, 'cma_alloc_failed', "
	"json_extract(pb_fields(e.keyset_id, e.vals), '$.name'), json_extract(pb_fields(e.keyset_id, e.vals), '$.count'), "
	"json_extract(pb_fields(e.keyset_id, e.vals), '$.ret'), NULL, NULL, NULL FROM event e "
	"WHERE e.id IN "
	PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:cma_alloc_failed'") " "
	/* alloc_contig_dump_pages() starts with dump_stack(): the task */
	"UNION ALL SELECT e.source_id, e.ts_ns, e.id, NULL, e.pid, 'call_trace', NULL, NULL, "
	"NULL, c.text, e.stack_id, CASE WHEN s.folded LIKE '%;cma_alloc;%' THEN 'cma_alloc' "
	"WHEN s.folded LIKE '%;alloc_contig_pages;%' THEN 'alloc_contig' END "
	"FROM event e JOIN stack s ON s.id = e.stack_id "
	"LEFT JOIN name c ON c.id = e.comm_id "
	"WHERE e.id IN "
	PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:call_trace'") " "
	"AND e.pid IS NOT NULL AND s.folded LIKE '%;alloc_contig_range;%'";

/* The caller the stack of a call trace names (column 11 of loose_sql). */
static void loose_caller(struct loose *r, const char *caller)
{
	r->has_caller = caller != NULL;
	if (caller)
		r->caller = !strcmp(caller, "cma_alloc") ? FAIL_CMA_ALLOC : FAIL_ALLOC_CONTIG;
}

static void loose_row(struct finder *f, sqlite3_stmt *st, struct loose *r, enum pfn_how how)
{
	const char *pfn = column_text(st, 3);
	uint64_t v;

	r->source_id = sqlite3_column_int64(st, 0);
	r->ts_ns = column_i64_or(st, 1, -1);
	r->event_id = column_i64_or(st, 2, 0);
	if (sqlite3_column_type(st, 3) == SQLITE_INTEGER)
		r->pfn = sqlite3_column_int64(st, 3);
	else if (pfn && pb_parse_u64(pfn, strlen(pfn), &v) == 0)
		r->pfn = (int64_t)v;
	r->pid = (int32_t)column_i64_or(st, 4, -1);
	r->how = how;
	r->area = finder_keep(f, column_text(st, 6));
	r->count = column_i64_or(st, 7, -1);
	r->has_ret = sqlite3_column_type(st, 8) != SQLITE_NULL;
	r->ret = sqlite3_column_int64(st, 8);
	r->comm = finder_keep(f, column_text(st, 9));
	r->stack_id = column_i64_or(st, 10, 0);
	loose_caller(r, column_text(st, 11));
}

int load_loose(struct finder *f, struct loose_list *l)
{
	sqlite3_stmt *st = pb_store_prepare(f->s, loose_sql);
	int rc;

	if (!st)
		return -1;
	while ((rc = pb_store_step(f->s, st)) > 0) {
		enum pfn_how how;

		if (loose_how(column_text(st, 5), &how) < 0)
			continue;	/* the query names only those */
		loose_row(f, st, loose_add(l), how);
	}
	sqlite3_finalize(st);
	return rc ? -1 : 0;
}

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
		if (r->ts_ns > x->end_ts_ns + WINDOW_SLACK_NS)
			continue;
		if (window_takes(f, x, r))
			return x;
	}
	return NULL;
}

static void join_loose(struct fail *x, const struct loose *r)
{
	fail_widen(x, r->ts_ns);
	if (r->how == HOW_CMA_ALLOC_FAILED) {
		/* the kernel warned, so the caller did not pass no_warn */
		x->nowarn = 0;
		return;
	}
	if (r->range_id >= 0)
		fail_add_range(x, r->start_pfn, r->end_pfn);
	fail_add_pfn(x, r->pfn, r->range_id, r->ts_ns, r->event_id, r->how);
	if (r->how == HOW_DUMP && x->kind != FAIL_CMA_ALLOC)
		x->nowarn = 0;	/* alloc_contig_dump_pages() stays quiet with __GFP_NOWARN */
}

static enum fail_kind loose_kind(const struct loose *r)
{
	switch (r->how) {
	case HOW_PINNER_FAILURE:
		return FAIL_PAGE_PINNER;
	case HOW_CMA_ALLOC_FAILED:
		return FAIL_CMA_ALLOC;
	case HOW_KMSG:
	case HOW_CMA_BUSY_RETRY:
		return FAIL_BUSY_RANGE;
	default:
		return FAIL_MIGRATE;
	}
}

/* Time order of loose records, events in store order at equal times. */
static int cmp_loose_ts(const struct loose *x, const struct loose *y)
{
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->event_id < y->event_id ? -1 : x->event_id > y->event_id;
}

/* By kind (in the order of the kinds' names), group, then time; busy
 * lines by task before time, so that another task's lines printed in
 * between do not cut a task's run in two. */
static int cmp_loose(const void *a, const void *b)
{
	const struct loose *x = a, *y = b;
	enum fail_kind kx = loose_kind(x), ky = loose_kind(y);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (kx == FAIL_BUSY_RANGE && x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return cmp_loose_ts(x, y);
}

/* A run of the kernel log's "PFNs busy" and busy-retry lines is one
 * allocation that retried (alloc_contig_range() prints one per range that
 * cma_alloc() tried): the same task where the lines name one, close in
 * time; the "alloc failed" line that ends such a run has taken it already. */
static int same_busy_run(const struct loose *prev, const struct loose *r)
{
	return prev->how == HOW_KMSG && r->how == HOW_KMSG &&
	       (prev->pid < 0 || r->pid < 0 || prev->pid == r->pid);
}

/* Kernel log dumps and page_pinner failures close in time are one
 * failure, within one boot (times of two machines, or of two clocks, say
 * nothing of each other), and so is a run of busy lines; a busy range of
 * a trace or an "alloc failed" line is one by itself. */
static int same_loose_failure(const struct loose *prev, const struct loose *r)
{
	enum fail_kind kind = loose_kind(r);

	return prev && kind == loose_kind(prev) && prev->group == r->group &&
	       (kind == FAIL_MIGRATE || kind == FAIL_PAGE_PINNER || same_busy_run(prev, r)) &&
	       r->ts_ns - prev->ts_ns <= ATTEMPT_GAP_NS;
}

static int cmp_loose_time(const void *a, const void *b)
{
	const struct loose *x = a, *y = b;

	if (x->source_id != y->source_id)
		return x->source_id < y->source_id ? -1 : 1;
	return cmp_loose_ts(x, y);
}

/* What an "alloc failed" line of the kernel log can take as its own: the
 * pages and ranges alloc_contig_range() reported busy while cma_alloc()
 * tried. "migrating pfn ... failed" is memory offlining's. */
static int alloc_failed_takes(const struct loose *alloc, const struct loose *r)
{
	return !r->taken &&
	       (r->how == HOW_DUMP || r->how == HOW_PINNER_FAILURE || r->how == HOW_KMSG ||
		r->how == HOW_CALL_TRACE) &&
	       r->ts_ns >= 0 && alloc->ts_ns - r->ts_ns <= ATTEMPT_GAP_NS &&
	       (r->pid < 0 || alloc->pid < 0 || r->pid == alloc->pid);
}

/* The task of a call trace through alloc_contig_range() is the one that
 * allocated, when nothing else named it. */
static void take_task(struct fail *x, const struct loose *trace)
{
	if (x->pid >= 0)
		return;
	x->pid = trace->pid;
	x->comm = trace->comm;
	if (!x->stack_id)
		x->stack_id = trace->stack_id;
}

static struct fail *loose_fail(struct finder *f, const struct loose *r)
{
	struct fail *x = fail_new(f, loose_kind(r));

	x->source_id = r->source_id;
	x->event_id = r->event_id;
	x->pid = r->pid;
	x->area = r->area;
	x->pages = r->count;
	if (r->how == HOW_CMA_ALLOC_FAILED)
		x->nowarn = 0;
	return x;
}

/* The failure of "alloc failed" line L->v[I], with the records since FROM
 * that it takes. */
static void alloc_failed_failure(struct finder *f, struct loose_list *l, size_t from,
				 size_t i)
{
	struct loose *r = &l->v[i];
	struct fail *x = loose_fail(f, r);

	x->ts_ns = r->ts_ns;	/* when it failed; the window opens earlier */
	if (r->has_ret)
		x->errorno = r->ret;
	for (size_t j = from; j < i; j++) {
		if (!alloc_failed_takes(r, &l->v[j]))
			continue;
		if (l->v[j].how == HOW_CALL_TRACE)
			take_task(x, &l->v[j]);
		else
			join_loose(x, &l->v[j]);
		l->v[j].taken = 1;
	}
	join_loose(x, r);
	r->taken = 1;
}

/* cma_alloc() says "alloc failed" once, after every range it tried failed:
 * the dumps, page_pinner failures and "PFNs busy" lines of the same log
 * since its previous such line, and close before it, are that failure's.
 * Takes them and the "alloc failed" lines out of L. */
static void alloc_failed_failures(struct finder *f, struct loose_list *l)
{
	size_t from = 0, n = 0;

	sort_n(l->v, l->n, sizeof(*l->v), cmp_loose_time);
	for (size_t i = 0; i < l->n; i++) {
		const struct loose *r = &l->v[i];

		if (i && r->source_id != l->v[i - 1].source_id)
			from = i;
		if (r->how != HOW_CMA_ALLOC_FAILED || r->ts_ns < 0)
			continue;
		alloc_failed_failure(f, l, from, i);
		from = i + 1;
	}
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].taken)
			l->v[n++] = l->v[i];
	l->n = n;
}

/* Joins the records that a failure's window holds to it; keeps the others
 * in L. A call trace names no page: it waits for the dumps it precedes. */
static void join_windows(struct finder *f, struct loose_list *l, size_t nwindows)
{
	struct window_order o;
	size_t n = 0;

	order_windows(f, nwindows, &o);
	for (size_t i = 0; i < l->n; i++) {
		struct fail *w = l->v[i].how != HOW_CALL_TRACE && l->v[i].how != HOW_DRIVER_FAILED
				 ? window_of(f, &l->v[i], &o) : NULL;

		if (w) {
			join_loose(w, &l->v[i]);
			if (w->end_ts_ns - w->first_ts_ns > o.longest)
				o.longest = w->end_ts_ns - w->first_ts_ns;
		} else {
			l->v[n++] = l->v[i];
		}
	}
	free(o.v);
	l->n = n;
}

/* A dump soon after a call trace of the same log is the trace's: its task,
 * and the caller its stack names. */
static void trace_task(struct fail *x, const struct loose *trace, const struct loose *r)
{
	if (!trace || r->how != HOW_DUMP || trace->source_id != r->source_id ||
	    r->ts_ns < trace->ts_ns || r->ts_ns - trace->ts_ns > ATTEMPT_GAP_NS)
		return;
	take_task(x, trace);
	if (trace->has_caller)
		x->kind = trace->caller;
}

/* A driver's "failed to allocate" line ends the allocation before it: the
 * records after it are put further away than records of one attempt can
 * be, those before it close. Sorts L by log and time. */
static void untimed_in_order(struct loose_list *l)
{
	int64_t after_driver = 0;

	sort_n(l->v, l->n, sizeof(*l->v), cmp_loose_time);
	for (size_t i = 0; i < l->n; i++) {
		struct loose *r = &l->v[i];

		if (i && r->source_id != l->v[i - 1].source_id)
			after_driver = 0;
		if (r->ts_ns >= 0)
			continue;
		r->ts_ns = UNTIMED_NS + after_driver + r->event_id;
		if (r->how == HOW_DRIVER_FAILED)
			after_driver += ATTEMPT_GAP_NS + 1;
	}
}

static void untimed_back(struct finder *f, size_t first_fail)
{
	for (size_t i = first_fail; i < f->n; i++) {
		struct fail *x = &f->v[i];

		if (untimed(x->ts_ns))
			x->ts_ns = -1;
		if (untimed(x->first_ts_ns))
			x->first_ts_ns = x->end_ts_ns = -1;
		for (size_t j = 0; j < x->npfns; j++)
			if (untimed(x->pfns[j].ts_ns))
				x->pfns[j].ts_ns = -1;
	}
}

/* Whether busy failure X may be the allocation that a driver's "failed to
 * allocate" line D gave up: before it, of its log and task (or of no task
 * named), and close in time. */
static int driver_gave_up_on(const struct fail *x, const struct loose *d)
{
	return x->kind == FAIL_BUSY_RANGE && x->outcome == OUTCOME_RECOVERED &&
	       x->source_id == d->source_id && d->ts_ns >= x->end_ts_ns &&
	       d->ts_ns - x->end_ts_ns <= ATTEMPT_GAP_NS &&
	       (x->pid < 0 || d->pid < 0 || x->pid == d->pid);
}

/* A driver's "failed to allocate" soon after a run of busy lines of its
 * task (or of no task named) says that allocation failed: final. */
static void driver_gave_up(struct finder *f, size_t first_fail, const struct loose *d)
{
	for (size_t i = first_fail; i < f->n; i++)
		if (driver_gave_up_on(&f->v[i], d))
			f->v[i].outcome = OUTCOME_FINAL;
}

/* "migrating pfn %lx failed ret:%d" is memory offlining's; a negative ret
 * is the kernel's error code (-EBUSY: the page is held), the first one
 * the failure's. migrate_pages() also returns a positive count of pages
 * it did not migrate (ret:28), which is no error code. */
static void migrate_failed_joins(struct fail *x, const struct loose *r)
{
	x->reason = "memory_hotplug";
	if (r->has_ret && r->ret < 0 && x->errorno == -1)
		x->errorno = r->ret;
}

void loose_failures(struct finder *f, struct loose_list *l, size_t nwindows)
{
	const struct loose *prev = NULL, *trace = NULL;
	struct fail *x = NULL;
	size_t first_fail = f->n;

	join_windows(f, l, nwindows);
	untimed_in_order(l);
	alloc_failed_failures(f, l);
	for (size_t i = 0; i < l->n; i++) {
		int64_t boot = boot_of(&f->boots, l->v[i].source_id);

		/* lines without times are in order within their own log only */
		l->v[i].group = boot > 0 && !untimed(l->v[i].ts_ns) ? boot : -l->v[i].source_id;
	}
	sort_n(l->v, l->n, sizeof(*l->v), cmp_loose);
	for (size_t i = 0; i < l->n; i++) {
		const struct loose *r = &l->v[i];

		if (r->how == HOW_CALL_TRACE) {
			trace = r;
			continue;
		}
		if (r->how == HOW_DRIVER_FAILED)
			continue;	/* no failure by itself: see driver_gave_up() */
		if (!same_loose_failure(prev, r)) {
			x = loose_fail(f, r);
			trace_task(x, trace, r);
			/* no "alloc failed" line took the busy lines: the
			 * allocation went on, unless a driver says it gave up */
			if (r->how == HOW_KMSG)
				x->outcome = OUTCOME_RECOVERED;
		}
		prev = r;
		if (r->how == HOW_MIGRATE_FAILED)
			migrate_failed_joins(x, r);
		join_loose(x, r);
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].how == HOW_DRIVER_FAILED && l->v[i].ts_ns >= 0)
			driver_gave_up(f, first_fail, &l->v[i]);
	untimed_back(f, first_fail);
}

void loose_range(struct loose_list *l, const struct attempt_ev *ev)
{
	struct loose *r = loose_add(l);

	r->source_id = ev->source_id;
	r->ts_ns = ev->ts_ns;
	r->event_id = ev->event_id;
	r->pid = ev->pid;
	r->range_id = ev->range_id;
	r->start_pfn = ev->start_pfn;
	r->end_pfn = ev->end_pfn;
	r->pfn = ev->busy_pfn;
	r->how = ev->how;
}
