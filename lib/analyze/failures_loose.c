/* failures_loose.c - records without a task (kernel log dumps, "migrating
 * pfn failed", page_pinner failures, busy ranges of the kernel log) join
 * the failure whose time window holds them, else form failures of their
 * own.
 *
 * There can be millions of them (a kernel log of "PFNs busy" lines), so
 * they wait in a temporary table (failures_loose_table.c) and each pass
 * reads them from SQL in its own order, keeping in memory only what that
 * order needs: the window join in load order, the "alloc failed" pass per
 * such line the records of the 5 s before it, the grouping the previous
 * record. A record joined to a failure leaves the table.
 */
#include <string.h>

#include "failures_int.h"

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

/* A record with nothing known but its source. */
static struct loose loose_blank(int64_t source_id)
{
	return (struct loose){ .source_id = source_id, .ts_ns = -1, .pfn = -1, .range_id = -1,
			       .start_pfn = -1, .end_pfn = -1, .pid = -1, .count = -1 };
}

/* Row ST of loose_sql; its texts live until the statement steps on. */
static void loose_row(sqlite3_stmt *st, struct loose *r, enum pfn_how how)
{
	const char *pfn = column_text(st, 3);
	uint64_t v;

	*r = loose_blank(sqlite3_column_int64(st, 0));
	r->ts_ns = column_i64_or(st, 1, -1);
	r->event_id = column_i64_or(st, 2, 0);
	if (sqlite3_column_type(st, 3) == SQLITE_INTEGER)
		r->pfn = sqlite3_column_int64(st, 3);
	else if (pfn && pb_parse_u64(pfn, strlen(pfn), &v) == 0)
		r->pfn = (int64_t)v;
	r->pid = (int32_t)column_i64_or(st, 4, -1);
	r->how = how;
	r->area = column_text(st, 6);
	r->count = column_i64_or(st, 7, -1);
	r->has_ret = sqlite3_column_type(st, 8) != SQLITE_NULL;
	r->ret = sqlite3_column_int64(st, 8);
	r->comm = column_text(st, 9);
	r->stack_id = column_i64_or(st, 10, 0);
	loose_caller(r, column_text(st, 11));
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

/* The grouping's order: by kind (in the order of the kinds' names), group,
 * then time; busy lines by task before time, so that another task's lines
 * printed in between do not cut a task's run in two. Records alike in all
 * that keep the order of their log and load (seq is unique). */
static int64_t group_task(const struct loose *r)
{
	return loose_kind(r) == FAIL_BUSY_RANGE ? r->pid : 0;
}

#define CMP_BY(a, b) \
	do { \
		if ((a) != (b)) \
			return (a) < (b) ? -1 : 1; \
	} while (0)

static int cmp_group_order(const struct loose *x, const struct loose *y)
{
	CMP_BY(loose_kind(x), loose_kind(y));
	CMP_BY(x->group, y->group);
	CMP_BY(group_task(x), group_task(y));
	CMP_BY(x->ts_ns, y->ts_ns);
	CMP_BY(x->event_id, y->event_id);
	CMP_BY(x->source_id, y->source_id);
	CMP_BY(x->seq, y->seq);
	return 0;
}

/* Runs already in the grouping's order are merged rather than sorted while
 * there are at most this many (a log's busy lines, each kind of line, in
 * the order of the log). */
#define MERGED_RUNS 16

/* Notes where R starts a new run in the grouping's order. */
static void note_run(struct loose_list *l, const struct loose *r)
{
	if (l->nruns && cmp_group_order(&l->last, r) < 0)
		return;
	if (l->nruns <= MERGED_RUNS) {
		PB_GROW(l->runs, l->nruns + 1, l->capruns);
		l->runs[l->nruns++] = r->seq;
	}
}

/* Into the table, with the order the grouping reads it in (above). A
 * record without a time gets one in its own log's order, so it is grouped
 * within that log: its event's, from UNTIMED_NS on (drivers_apart() puts
 * the records after a driver's line further on). */
static int loose_add(struct loose_list *l, struct loose *r)
{
	int64_t boot = boot_of(&l->f->boots, r->source_id);

	if (l->failed)
		return -1;
	r->seq = l->n + 1;
	r->group = boot > 0 && r->ts_ns >= 0 && !untimed(r->ts_ns) ? boot : -r->source_id;
	r->ts_load = r->ts_ns;
	if (r->ts_ns < 0)
		r->ts_ns = UNTIMED_NS + r->event_id;
	if (loose_insert(l, r, loose_kind(r), (int32_t)group_task(r)) < 0) {
		l->failed = 1;
		return -1;
	}
	l->n++;
	l->untimed_drivers += r->ts_load < 0 && r->how == HOW_DRIVER_FAILED;
	l->alloc_failed += r->how == HOW_CMA_ALLOC_FAILED;
	note_run(l, r);
	l->last = *r;
	l->last.area = l->last.comm = NULL;
	return 0;
}

int load_loose(struct finder *f, struct loose_list *l)
{
	sqlite3_stmt *st;
	int rc;

	if (loose_table(f, l) < 0)
		return -1;
	st = pb_store_prepare(f->s, loose_sql);
	if (!st)
		return -1;
	while ((rc = pb_store_step(f->s, st)) > 0) {
		enum pfn_how how;
		struct loose r;

		if (loose_how(column_text(st, 5), &how) < 0)
			continue;	/* the query names only those */
		loose_row(st, &r, how);
		if (loose_add(l, &r) < 0) {
			rc = -1;
			break;
		}
	}
	pb_store_finalize(st);
	return rc ? -1 : 0;
}

void loose_range(struct loose_list *l, const struct attempt_ev *ev)
{
	struct loose r = loose_blank(ev->source_id);

	r.ts_ns = ev->ts_ns;
	r.event_id = ev->event_id;
	r.pid = ev->pid;
	r.range_id = ev->range_id;
	r.start_pfn = ev->start_pfn;
	r.end_pfn = ev->end_pfn;
	r.pfn = ev->busy_pfn;
	r.how = ev->how;
	loose_add(l, &r);	/* a failure is loose_failures()'s to report */
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

/* What an "alloc failed" line of the kernel log can take as its own: the
 * pages and ranges alloc_contig_range() reported busy while cma_alloc()
 * tried. "migrating pfn ... failed" is memory offlining's. */
static int alloc_failed_takes(const struct loose *alloc, const struct loose *r)
{
	return (r->how == HOW_DUMP || r->how == HOW_PINNER_FAILURE || r->how == HOW_KMSG ||
		r->how == HOW_CALL_TRACE) &&
	       r->ts_ns >= 0 && alloc->ts_ns - r->ts_ns <= ATTEMPT_GAP_NS &&
	       (r->pid < 0 || alloc->pid < 0 || r->pid == alloc->pid);
}

/* The task of a call trace through alloc_contig_range() is the one that
 * allocated, when nothing else named it. */
static void take_task(struct finder *f, struct fail *x, const struct loose *trace)
{
	if (x->pid >= 0)
		return;
	x->pid = trace->pid;
	x->comm = finder_keep(f, trace->comm);
	if (!x->stack_id)
		x->stack_id = trace->stack_id;
}

static struct fail *loose_fail(struct finder *f, const struct loose *r)
{
	struct fail *x = fail_new(f, loose_kind(r));

	x->source_id = r->source_id;
	x->event_id = r->event_id;
	x->pid = r->pid;
	x->area = finder_keep(f, r->area);
	x->pages = r->count;
	if (r->how == HOW_CMA_ALLOC_FAILED)
		x->nowarn = 0;
	return x;
}

/* The statements of a pass, finalized together: READ the records in the
 * pass's order, NEAR those close to one, WRITE deletes (or updates) a row
 * read. */
struct pass {
	struct pb_store *s;
	sqlite3_stmt *read, *near, *write;
};

static int pass_prepare(struct pass *p, sqlite3_stmt **st, const char *sql)
{
	*st = pb_store_prepare(p->s, sql);
	return *st ? 0 : -1;
}

static int pass_end(struct pass *p, int rc)
{
	pb_store_finalize(p->read);
	pb_store_finalize(p->near);
	pb_store_finalize(p->write);
	return rc ? -1 : 0;
}

static const char delete_sql[] = "DELETE FROM " LOOSE_TABLE " WHERE seq = :seq";

/* Joins the records that a failure's window holds to it, in the order
 * they were loaded (a record joined widens the window for the ones after
 * it); the others stay. A call trace names no page: it waits for the
 * dumps it precedes. */
static int join_windows(struct finder *f, size_t nwindows)
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

/* A driver's "failed to allocate" line ends the allocation before it: the
 * records without a time after it are put further away than records of
 * one attempt can be, those before it close. In the order of each log
 * (events in store order). The records moved leave the runs noted in
 * load order out of order: L->reordered. */
static int drivers_apart(struct finder *f, struct loose_list *l)
{
	struct pass p = { .s = f->s };
	int64_t after_driver = 0, source_id = -1;
	int rc;

	if (!l->untimed_drivers)
		return 0;
	/* the new times are written back while the sorted rows are read: no
	 * index holds ts_ns yet, so the sort has read them all first */
	if (pass_prepare(&p, &p.read, "SELECT " LOOSE_COLUMNS " FROM " LOOSE_TABLE
			 " WHERE ts_load IS NOT NULL ORDER BY source_id, ts_load, event_id, seq") < 0 ||
	    pass_prepare(&p, &p.write, "UPDATE " LOOSE_TABLE " SET ts_ns = :ts_ns WHERE seq = :seq") < 0)
		return pass_end(&p, -1);
	while ((rc = pb_store_step(f->s, p.read)) > 0) {
		struct loose r;

		loose_read(p.read, &r);
		if (r.source_id != source_id)
			after_driver = 0;
		source_id = r.source_id;
		if (after_driver) {
			pb_store_bind_int64(p.write, ":ts_ns", r.ts_ns + after_driver);
			pb_store_bind_int64(p.write, ":seq", r.seq);
			if (pb_store_run(f->s, p.write) < 0) {
				rc = -1;
				break;
			}
			l->reordered = 1;
		}
		if (r.how == HOW_DRIVER_FAILED)
			after_driver += ATTEMPT_GAP_NS + 1;
	}
	return pass_end(&p, rc);
}

/* Where a record is in a log's order: by time, event, then load order. */
struct log_place {
	int64_t source_id, ts_ns, event_id, seq;
};

static struct log_place place_of(const struct loose *r)
{
	return (struct log_place){ r->source_id, r->ts_ns, r->event_id, r->seq };
}

static int cmp_place(const struct log_place *x, const struct log_place *y)
{
	if (x->source_id != y->source_id)
		return x->source_id < y->source_id ? -1 : 1;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	if (x->event_id != y->event_id)
		return x->event_id < y->event_id ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The records taken out of the table, by seq from LO to HI (none when HI
 * < LO): a log loads the lines of one allocation one after the other, so
 * one statement removes them, not one each. */
struct taken {
	int64_t lo, hi;
};

static int taken_flush(struct pb_store *s, sqlite3_stmt *del, struct taken *t)
{
	int rc = 0;

	if (t->hi >= t->lo) {
		pb_store_bind_int64(del, ":from", t->lo);
		pb_store_bind_int64(del, ":to", t->hi);
		rc = pb_store_run(s, del);
	}
	t->lo = 1;
	t->hi = 0;
	return rc;
}

/* Takes record SEQ out; every seq from T->lo to T->hi was taken, so a seq
 * that follows on extends them (deleting rows already read is safe while
 * a statement reads on). */
static int take(struct pb_store *s, sqlite3_stmt *del, struct taken *t, int64_t seq)
{
	int rc = 0;

	if (t->hi < t->lo || seq != t->hi + 1) {
		rc = taken_flush(s, del, t);
		t->lo = seq;
	}
	t->hi = seq;
	return rc;
}

/* The failure of "alloc failed" line R, with the records of its log since
 * the line before it (SINCE; source_id -1: none) that it takes. */
static int alloc_failed_failure(struct finder *f, struct pass *p, const struct loose *r,
				const struct log_place *since)
{
	struct fail *x = loose_fail(f, r);
	struct log_place at = place_of(r);
	struct taken taken = { 1, 0 };
	int64_t from = r->ts_ns - ATTEMPT_GAP_NS;
	int rc;

	x->ts_ns = r->ts_ns;	/* when it failed; the window opens earlier */
	if (r->has_ret)
		x->errorno = r->ret;
	if (since->source_id == r->source_id && since->ts_ns > from)
		from = since->ts_ns;
	pb_store_bind_int64(p->near, ":source_id", r->source_id);
	pb_store_bind_int64(p->near, ":from", from);
	pb_store_bind_int64(p->near, ":to", r->ts_ns);
	while ((rc = pb_store_step(f->s, p->near)) > 0) {
		struct loose c;
		struct log_place cp;

		loose_read(p->near, &c);
		cp = place_of(&c);
		if (cmp_place(&cp, since) <= 0 || cmp_place(&cp, &at) >= 0 ||
		    !alloc_failed_takes(r, &c))
			continue;
		if (c.how == HOW_CALL_TRACE)
			take_task(f, x, &c);
		else
			join_loose(x, &c);
		if (take(f->s, p->write, &taken, c.seq) < 0) {
			rc = -1;
			break;
		}
	}
	sqlite3_reset(p->near);
	if (rc)
		return -1;
	join_loose(x, r);
	if (take(f->s, p->write, &taken, r->seq) < 0)
		return -1;
	return taken_flush(f->s, p->write, &taken);
}

/* cma_alloc() says "alloc failed" once, after every range it tried failed:
 * the dumps, page_pinner failures and "PFNs busy" lines of the same log
 * since its previous such line, and close before it, are that failure's.
 * Takes them and the "alloc failed" lines out of the table. */
static int alloc_failed_failures(struct finder *f, const struct loose_list *l)
{
	struct pass p = { .s = f->s };
	struct log_place since = { .source_id = -1 };
	int rc;

	if (!l->alloc_failed)
		return 0;
	/* NOT INDEXED: the few lines sorted, not every record looked up */
	if (pb_store_exec(f->s, "CREATE INDEX " LOOSE_TABLE "_log ON pb_loose "
			  "(source_id, ts_ns, event_id)") < 0 ||
	    pass_prepare(&p, &p.read, "SELECT " LOOSE_COLUMNS " FROM " LOOSE_TABLE
			 " NOT INDEXED WHERE how = :how ORDER BY source_id, ts_ns, event_id, seq") < 0 ||
	    pass_prepare(&p, &p.near, "SELECT " LOOSE_COLUMNS " FROM " LOOSE_TABLE
			 " WHERE source_id = :source_id AND ts_ns BETWEEN :from AND :to "
			 "ORDER BY ts_ns, event_id, seq") < 0 ||
	    pass_prepare(&p, &p.write, "DELETE FROM " LOOSE_TABLE
			 " WHERE seq BETWEEN :from AND :to") < 0)
		return pass_end(&p, -1);
	pb_store_bind_int64(p.read, ":how", HOW_CMA_ALLOC_FAILED);
	while ((rc = pb_store_step(f->s, p.read)) > 0) {
		struct loose r;

		loose_read(p.read, &r);
		if (r.ts_ns < 0)
			continue;
		if (alloc_failed_failure(f, &p, &r, &since) < 0) {
			rc = -1;
			break;
		}
		since = place_of(&r);
	}
	return pass_end(&p, rc);
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
static int drivers_gave_up(struct finder *f, size_t first_fail)
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

/* What the grouping keeps of the records before the one it reads: the
 * previous one, and the last call trace with its task's name. */
struct grouping {
	struct loose prev, trace;
	int has_prev, has_trace;
	char *trace_comm;
	struct fail *x;
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

static void group_one(struct finder *f, struct grouping *g, const struct loose *r)
{
	if (r->how == HOW_CALL_TRACE) {
		keep_trace(g, r);
		return;
	}
	if (r->how == HOW_DRIVER_FAILED)
		return;	/* no failure by itself: see drivers_gave_up() */
	if (!same_loose_failure(g->has_prev ? &g->prev : NULL, r)) {
		g->x = loose_fail(f, r);
		trace_task(f, g->x, g->has_trace ? &g->trace : NULL, r);
		/* no "alloc failed" line took the busy lines: the allocation
		 * went on, unless a driver says it gave up */
		if (r->how == HOW_KMSG)
			g->x->outcome = OUTCOME_RECOVERED;
	}
	g->prev = *r;
	g->prev.area = g->prev.comm = NULL;	/* not kept past the row */
	g->has_prev = 1;
	if (r->how == HOW_MIGRATE_FAILED)
		migrate_failed_joins(g->x, r);
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
static int group_failures(struct finder *f, const struct loose_list *l)
{
	struct pass p = { .s = f->s };
	struct grouping g = { 0 };
	int rc;

	if (!l->reordered && l->nruns <= MERGED_RUNS) {
		rc = group_merged(f, l, &g);
		free(g.trace_comm);
		return rc;
	}
	if (pass_prepare(&p, &p.read, "SELECT " LOOSE_COLUMNS " FROM " LOOSE_TABLE
			 " ORDER BY kind, grp, task, ts_ns, event_id, source_id, seq") < 0)
		return pass_end(&p, -1);
	while ((rc = pb_store_step(f->s, p.read)) > 0) {
		struct loose r;

		loose_read(p.read, &r);
		group_one(f, &g, &r);
	}
	free(g.trace_comm);
	return pass_end(&p, rc);
}

int loose_failures(struct finder *f, struct loose_list *l, size_t nwindows)
{
	size_t first_fail = f->n;

	if (l->failed || join_windows(f, nwindows) < 0 || drivers_apart(f, l) < 0 ||
	    alloc_failed_failures(f, l) < 0 || group_failures(f, l) < 0 ||
	    drivers_gave_up(f, first_fail) < 0)
		return -1;
	untimed_back(f, first_fail);
	return 0;
}
