/* failures_loose.c - records without a task (kernel log dumps, "migrating
 * pfn failed", page_pinner failures, busy ranges of the kernel log) join
 * the failure whose time window holds them, else form failures of their
 * own.
 *
 * There can be millions of them (a kernel log of "PFNs busy" lines), so
 * they wait in a temporary table (failures_loose_table.c) and each pass
 * reads them from SQL in its own order, keeping in memory only what that
 * order needs: the window join in load order (failures_loose_windows.c),
 * the "alloc failed" pass per such line the records of the 5 s before it
 * (failures_loose_alloc.c), the grouping the previous record
 * (failures_loose_group.c). A record joined to a failure leaves the table.
 *
 * This file loads the records (their times and the grouping's order as
 * they go in), holds what the passes share (what a record does to a
 * failure, the statements of a pass) and runs the passes in turn.
 */
#include <string.h>

#include "callsite.h"
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
	"AND (pb_field(e.keyset_id, e.vals, 'reason') LIKE '%migrat%' "
	"  OR pb_field(e.keyset_id, e.vals, 'reason') LIKE '%isolat%' "
	"  OR pb_field(e.keyset_id, e.vals, 'reason') LIKE '%unmovable%') "
	/* (with its stack: failures_loose_pinner.c asks whether it is a CMA
	 * allocation's) */
	"UNION ALL SELECT source_id, ts_ns, event_id, pfn, pid, 'pinner_failure', NULL, NULL, NULL, NULL, "
	"stack_id, NULL FROM evidence WHERE kind IN ('pinner_failure', 'ack_failure') "
	/* "migrating pfn %lx failed ret:%d": the error of the migration */
	"UNION ALL SELECT e.source_id, e.ts_ns, e.id, pb_field(e.keyset_id, e.vals, 'pfn'), "
	"e.pid, 'migrate_failed', NULL, NULL, pb_field(e.keyset_id, e.vals, 'ret'), "
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
	"pb_field(e.keyset_id, e.vals, 'name'), pb_field(e.keyset_id, e.vals, 'count'), "
	"pb_field(e.keyset_id, e.vals, 'ret'), NULL, NULL, NULL FROM event e "
	"WHERE e.id IN "
	PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:cma_alloc_failed'") " "
	/* alloc_contig_dump_pages() starts with dump_stack(): the task; its
	 * stack (column 11) says whether and for whom (trace_through()) */
	"UNION ALL SELECT e.source_id, e.ts_ns, e.id, NULL, e.pid, 'call_trace', NULL, NULL, "
	"NULL, c.text, e.stack_id, s.folded "
	"FROM event e JOIN stack s ON s.id = e.stack_id "
	"LEFT JOIN name c ON c.id = e.comm_id "
	"WHERE e.id IN "
	PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:call_trace'") " "
	"AND e.pid IS NOT NULL";

/* By the function's name, whatever the kernel's generation calls it:
 * alloc_hooks() of 6.10+ adds "_noprof", 7.x allocates frozen pages
 * through alloc_contig_frozen_range() and alloc_contig_frozen_pages(),
 * and CMA's entry points are cma_alloc(), __cma_alloc(),
 * cma_alloc_frozen(), __cma_alloc_frozen(), cma_alloc_frozen_compound()
 * (doc/FORMATS.md). Leading underscores are internal variants. */
enum contig_role contig_role(const char *frame, size_t len)
{
	char sym[256], buf[256];
	const char *f;

	if (len >= sizeof(sym))
		return CONTIG_NONE;
	memcpy(sym, frame, len);
	sym[len] = '\0';
	f = frame_func(sym, buf, sizeof(buf));
	f += strspn(f, "_");
	if (!strcmp(f, "alloc_contig_range") || !strcmp(f, "alloc_contig_frozen_range"))
		return CONTIG_RANGE;
	if (!strcmp(f, "alloc_contig_pages") || !strcmp(f, "alloc_contig_frozen_pages"))
		return CONTIG_PAGES;
	if (!strncmp(f, "cma_alloc", 9) && (!f[9] || f[9] == '_'))
		return CONTIG_CMA;
	return CONTIG_NONE;
}

/* Whether the call trace FOLDED ("a;b;c") went through the range
 * allocator, which alloc_contig_dump_pages() is part of; R's caller then,
 * CMA or alloc_contig_pages(), when a frame names one. */
unsigned contig_roles(const char *folded)
{
	unsigned roles = 0;

	for (const char *p = folded; p && *p;) {
		const char *end = strchr(p, ';');

		enum contig_role role = contig_role(p, end ? (size_t)(end - p) : strlen(p));

		if (role != CONTIG_NONE)
			roles |= 1u << role;
		p = end ? end + 1 : NULL;
	}
	return roles;
}

static int trace_through(struct loose *r, const char *folded)
{
	unsigned roles = contig_roles(folded);

	r->has_caller = (roles & (1u << CONTIG_CMA | 1u << CONTIG_PAGES)) != 0;
	r->caller = roles & 1u << CONTIG_CMA ? FAIL_CMA_ALLOC : FAIL_ALLOC_CONTIG;
	return (roles & 1u << CONTIG_RANGE) != 0;
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
}

enum fail_kind loose_kind(const struct loose *r)
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

int cmp_group_order(const struct loose *x, const struct loose *y)
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
	l->drivers += r->how == HOW_DRIVER_FAILED;
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
		if (how == HOW_CALL_TRACE && !trace_through(&r, column_text(st, 11)))
			continue;	/* another dump_stack() */
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

void join_loose(struct fail *x, const struct loose *r)
{
	fail_widen(x, r->ts_ns);
	if (r->how == HOW_CMA_ALLOC_FAILED) {
		/* the kernel warned, so the caller did not pass no_warn */
		x->nowarn = 0;
		return;
	}
	if (r->range_id >= 0)
		fail_add_range(x, r->start_pfn, r->end_pfn);
	/* "migrating pfn %lx failed ret:%d": a negative ret is the kernel's
	 * error (-EBUSY: the page is held), the first one the failure's,
	 * whichever failure (the trace's migration, the log's own) took it */
	if (r->how == HOW_MIGRATE_FAILED && x->kind == FAIL_MIGRATE && r->has_ret && r->ret < 0 &&
	    x->errorno == -1)
		x->errorno = r->ret;
	fail_add_pfn(x, r->pfn, r->range_id, r->ts_ns, r->event_id, r->how);
	if (r->how == HOW_DUMP && x->kind != FAIL_CMA_ALLOC)
		x->nowarn = 0;	/* alloc_contig_dump_pages() stays quiet with __GFP_NOWARN */
}

/* The task of a call trace through alloc_contig_range() is the one that
 * allocated, when nothing else named it. */
void take_task(struct finder *f, struct fail *x, const struct loose *trace)
{
	if (x->pid >= 0)
		return;
	x->pid = trace->pid;
	x->comm = finder_keep(f, trace->comm);
	if (!x->stack_id)
		x->stack_id = trace->stack_id;
}

struct fail *loose_fail(struct finder *f, const struct loose *r)
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

int pass_prepare(struct pass *p, sqlite3_stmt **st, const char *sql)
{
	*st = pb_store_prepare(p->s, sql);
	return *st ? 0 : -1;
}

int pass_end(struct pass *p, int rc)
{
	pb_store_finalize(p->read);
	pb_store_finalize(p->near);
	pb_store_finalize(p->write);
	return rc ? -1 : 0;
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

int loose_failures(struct finder *f, struct loose_list *l, size_t nwindows)
{
	size_t first_fail = f->n;

	if (l->failed || loose_flush(l) < 0 || join_windows(f, nwindows) < 0 ||
	    drivers_apart(f, l) < 0 || alloc_failed_failures(f, l) < 0 ||
	    pinner_records_by_page(f) < 0 || group_failures(f, l) < 0 ||
	    drivers_gave_up(f, first_fail) < 0)
		return -1;
	untimed_back(f, first_fail);
	return 0;
}
