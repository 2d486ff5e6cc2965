/* failures_find.c - the failures (DESIGN §4) and their busy pages.
 *
 *  - a CMA allocation that failed, with the busy ranges and failed
 *    migrations that the import attached to it (same task, inside its
 *    start/finish); one that succeeded after busy ranges is a recovered
 *    busy_range failure;
 *  - contiguous allocations outside CMA (hugetlb's alloc_contig_pages
 *    fallback, memory offlining): per task, the failed isolation tests and
 *    contig_range/memory_hotplug migrations, cut into attempts by a
 *    successful isolation test or a pause; there is no event that starts or
 *    ends them;
 *  - any other failed migrations, by reason, cut the same way (one
 *    compaction run fails many migrate_pages() calls);
 *  - records without a task (kernel log dumps, "migrating pfn failed",
 *    page_pinner failures) join the failure whose time window holds them,
 *    else form failures of their own.
 *
 * Failures are numbered in time order.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* Events of one task closer than this belong to the same attempt. */
#define ATTEMPT_GAP_NS (5 * NS_PER_SEC)
/* Kernel log lines are printed a little after the event they report. */
#define WINDOW_SLACK_NS NS_PER_SEC
/* A fallback that succeeds this soon after a failed cma_alloc recovers it. */
#define RECOVERY_NS (120 * NS_PER_SEC)

struct fpfn {
	int64_t pfn, busy_range_id, ts_ns, event_id;
	const char *how;
};

struct fail {
	const char *kind, *area, *reason, *comm, *outcome;
	/* ts_ns: when it failed; first_ts_ns..end_ts_ns: its time window */
	int64_t source_id, ts_ns, first_ts_ns, end_ts_ns, start_pfn, end_pfn, pages;
	int64_t cma_alloc_id, event_id, stack_id, errorno;
	int64_t failed_pages;
	int32_t pid;
	int nowarn;		/* -1 unknown */
	int failed_migrations;
	int64_t *range_starts;	/* of busy ranges, for counting distinct ones */
	size_t nranges, capranges;
	struct fpfn *pfns;
	size_t npfns, cappfns;
	int64_t id;
};

struct finder {
	struct pb_store *s;
	struct fail *v;
	size_t n, cap;
	struct pb_arena strings;
	struct boots boots;
};

/* One event of an attempt outside CMA. CLS groups them: "contig" for
 * isolation tests and contig_range/memory_hotplug migrations, else the
 * migrate reason (compaction, longterm_pin, ...). */
enum attempt_what { ATTEMPT_BUSY, ATTEMPT_MIGRATION, ATTEMPT_SUCCESS };
struct attempt_ev {
	enum attempt_what what;
	const char *cls;
	int64_t source_id, ts_ns, event_id, stack_id;
	int64_t range_id, start_pfn, end_pfn, busy_pfn, failed;
	int32_t pid;
	const char *comm, *reason;
};

struct attempt_list {
	struct attempt_ev *v;
	size_t n, cap;
};

/* A CMA allocation: its task and time tell fallbacks apart; it becomes a
 * failure when it failed, or when busy ranges or failed migrations happened
 * inside it. */
struct cma_span {
	int64_t id, source_id, start_ts_ns, end_ts_ns;
	int64_t count, pfn, stack_id, event_id, errorno;
	int32_t pid;
	int ok;			/* 1, 0, -1 never finished */
	const char *area, *comm;
	size_t fail;		/* index in finder, or SIZE_MAX */
};

struct cma_spans {
	struct cma_span *v;
	size_t n, cap;
	size_t *by_task;	/* indexes of v by source, pid, start time */
};

static const char *keep(struct finder *f, const char *text)
{
	return text ? pb_arena_strdup(&f->strings, text) : NULL;
}

static struct fail *new_fail(struct finder *f, const char *kind)
{
	struct fail *x;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->v = pb_realloc(f->v, f->cap * sizeof(*f->v));
	}
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->outcome = "final";
	x->nowarn = -1;
	x->pid = -1;
	x->ts_ns = x->first_ts_ns = x->end_ts_ns = -1;
	x->start_pfn = x->end_pfn = x->pages = x->errorno = -1;
	return x;
}

static void add_pfn(struct fail *x, int64_t pfn, int64_t range_id, int64_t ts,
		    int64_t event_id, const char *how)
{
	if (pfn < 0)
		return;
	if (x->npfns == x->cappfns) {
		x->cappfns = x->cappfns ? x->cappfns * 2 : 8;
		x->pfns = pb_realloc(x->pfns, x->cappfns * sizeof(*x->pfns));
	}
	x->pfns[x->npfns++] = (struct fpfn){ pfn, range_id, ts, event_id, how };
}

static void add_range(struct fail *x, int64_t start, int64_t end)
{
	if (x->nranges == x->capranges) {
		x->capranges = x->capranges ? x->capranges * 2 : 8;
		x->range_starts = pb_realloc(x->range_starts, x->capranges * sizeof(int64_t));
	}
	x->range_starts[x->nranges++] = start;
	if (start >= 0 && (x->start_pfn < 0 || start < x->start_pfn))
		x->start_pfn = start;
	if (end > x->end_pfn)
		x->end_pfn = end;
}

static void widen(struct fail *x, int64_t ts)
{
	if (ts < 0)
		return;
	if (x->first_ts_ns < 0 || ts < x->first_ts_ns)
		x->first_ts_ns = ts;
	if (ts > x->end_ts_ns)
		x->end_ts_ns = ts;
}

/* --- CMA allocations ---------------------------------------------------- */

/* The failure of allocation SP, made on first use. */
static struct fail *cma_fail(struct finder *f, struct cma_span *sp)
{
	struct fail *x;

	if (sp->fail != SIZE_MAX)
		return &f->v[sp->fail];
	x = new_fail(f, sp->ok == 0 ? "cma_alloc" : "busy_range");
	sp->fail = f->n - 1;
	/* busy ranges, then success; an allocation never finished stays final */
	if (sp->ok == 1)
		x->outcome = "recovered";
	x->source_id = sp->source_id;
	x->cma_alloc_id = sp->id;
	x->pid = sp->pid;
	x->area = sp->area;
	x->comm = sp->comm;
	x->pages = sp->count;
	x->stack_id = sp->stack_id;
	x->event_id = sp->event_id;
	x->errorno = sp->errorno;
	widen(x, sp->start_ts_ns);
	widen(x, sp->end_ts_ns);
	/* The failure happened at the finish; the window is wider. */
	if (sp->end_ts_ns >= 0)
		x->ts_ns = sp->end_ts_ns;
	if (sp->ok == 0 && sp->pfn >= 0 && sp->count > 0) {
		x->start_pfn = sp->pfn;
		x->end_pfn = sp->pfn + sp->count;
	}
	return x;
}

static int load_cma(struct finder *f, struct cma_spans *spans)
{
	sqlite3_stmt *st = pb_store_prepare(f->s,
		"SELECT id, source_id, pid, start_ts_ns, end_ts_ns, ok, area, comm, count, pfn, "
		"stack_id, COALESCE(end_event_id, start_event_id), errorno "
		"FROM cma_alloc ORDER BY id");
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cma_span *sp;

		if (spans->n == spans->cap) {
			spans->cap = spans->cap ? spans->cap * 2 : 64;
			spans->v = pb_realloc(spans->v, spans->cap * sizeof(*spans->v));
		}
		sp = &spans->v[spans->n++];
		sp->id = sqlite3_column_int64(st, 0);
		sp->source_id = sqlite3_column_int64(st, 1);
		sp->pid = (int32_t)column_i64_or(st, 2, -1);
		sp->start_ts_ns = column_i64_or(st, 3, -1);
		sp->end_ts_ns = column_i64_or(st, 4, -1);
		/* -1: never finished, not a failure by itself */
		sp->ok = (int)column_i64_or(st, 5, -1);
		sp->area = keep(f, column_text(st, 6));
		sp->comm = keep(f, column_text(st, 7));
		sp->count = column_i64_or(st, 8, -1);
		sp->pfn = column_i64_or(st, 9, -1);
		sp->stack_id = column_i64_or(st, 10, 0);
		sp->event_id = column_i64_or(st, 11, 0);
		sp->errorno = column_i64_or(st, 12, -1);
		sp->fail = SIZE_MAX;
		if (sp->ok == 0)
			cma_fail(f, sp);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static struct cma_span *span_by_id(struct cma_spans *spans, int64_t id)
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

static const struct cma_spans *sort_spans;

static int cmp_span_task(const void *a, const void *b)
{
	const struct cma_span *x = &sort_spans->v[*(const size_t *)a];
	const struct cma_span *y = &sort_spans->v[*(const size_t *)b];

	if (x->source_id != y->source_id)
		return x->source_id < y->source_id ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start_ts_ns != y->start_ts_ns)
		return x->start_ts_ns < y->start_ts_ns ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Orders the spans by task and time, so that a task's allocation at a
 * time is a binary search (a long trace has many thousands). */
static void order_spans(struct cma_spans *spans)
{
	spans->by_task = pb_malloc((spans->n + 1) * sizeof(*spans->by_task));
	for (size_t i = 0; i < spans->n; i++)
		spans->by_task[i] = i;
	sort_spans = spans;
	sort_n(spans->by_task, spans->n, sizeof(*spans->by_task), cmp_span_task);
	sort_spans = NULL;
}

/* Position in by_task of the task's last allocation started at or before
 * TS; SIZE_MAX when none. A task's allocations do not overlap. */
static size_t task_span_at(const struct cma_spans *spans, int64_t source_id, int32_t pid,
			   int64_t ts)
{
	size_t lo = 0, hi = spans->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cma_span *sp = &spans->v[spans->by_task[mid]];

		if (sp->source_id < source_id ||
		    (sp->source_id == source_id && (sp->pid < pid ||
						    (sp->pid == pid && sp->start_ts_ns <= ts))))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return SIZE_MAX;
	{
		const struct cma_span *sp = &spans->v[spans->by_task[lo - 1]];

		return sp->source_id == source_id && sp->pid == pid ? lo - 1 : SIZE_MAX;
	}
}

/* Whether TS falls inside a CMA allocation of the task (its own isolation
 * tests are not a fallback's). */
static int inside_cma(const struct cma_spans *spans, int64_t source_id, int32_t pid, int64_t ts)
{
	size_t at = task_span_at(spans, source_id, pid, ts);
	const struct cma_span *sp;

	if (at == SIZE_MAX)
		return 0;
	sp = &spans->v[spans->by_task[at]];
	return sp->start_ts_ns <= ts && (sp->end_ts_ns < 0 || ts <= sp->end_ts_ns);
}

/* --- attempts outside CMA ---------------------------------------------- */

static struct attempt_ev *attempt_add(struct attempt_list *a)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 256;
		a->v = pb_realloc(a->v, a->cap * sizeof(*a->v));
	}
	memset(&a->v[a->n], 0, sizeof(a->v[0]));
	return &a->v[a->n++];
}

/* Busy ranges: inside a CMA allocation they belong to its failure; the
 * isolation tests outside one are attempts; the rest stand alone. */
static int load_busy(struct finder *f, struct cma_spans *spans, struct attempt_list *a,
		     struct attempt_list *loose)
{
	sqlite3_stmt *st = pb_store_prepare(f->s,
		"SELECT b.id, b.source_id, b.ts_ns, b.pid, b.start_pfn, b.end_pfn, b.busy_pfn, "
		"b.kind, b.cma_alloc_id, b.event_id, e.stack_id, c.text "
		"FROM busy_range b LEFT JOIN event e ON e.id = b.event_id "
		"LEFT JOIN name c ON c.id = e.comm_id ORDER BY b.id");
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cma_span *sp = span_by_id(spans, column_i64_or(st, 8, 0));
		const char *kind = column_text(st, 7);
		struct attempt_ev *ev;

		if (sp) {
			struct fail *x = cma_fail(f, sp);

			add_range(x, column_i64_or(st, 4, -1), column_i64_or(st, 5, -1));
			add_pfn(x, column_i64_or(st, 6, -1), sqlite3_column_int64(st, 0),
				column_i64_or(st, 2, -1), column_i64_or(st, 9, 0), "isolation");
			continue;
		}
		ev = attempt_add(kind && !strcmp(kind, "isolation") ? a : loose);
		ev->what = ATTEMPT_BUSY;
		ev->range_id = sqlite3_column_int64(st, 0);
		ev->source_id = sqlite3_column_int64(st, 1);
		ev->ts_ns = column_i64_or(st, 2, -1);
		ev->pid = (int32_t)column_i64_or(st, 3, -1);
		ev->start_pfn = column_i64_or(st, 4, -1);
		ev->end_pfn = column_i64_or(st, 5, -1);
		ev->busy_pfn = column_i64_or(st, 6, -1);
		ev->event_id = column_i64_or(st, 9, 0);
		ev->stack_id = column_i64_or(st, 10, 0);
		ev->comm = keep(f, column_text(st, 11));
		ev->reason = keep(f, kind);
		ev->cls = "contig";
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char *attempt_class(const char *reason)
{
	if (strcmp(reason, "contig_range") && strcmp(reason, "memory_hotplug"))
		return reason;
	return "contig";
}

/* Failed migrations: counted into their CMA allocation, else events of
 * attempts. */
static int load_migrations(struct finder *f, struct cma_spans *spans, struct attempt_list *a)
{
	sqlite3_stmt *st = pb_store_prepare(f->s,
		"SELECT id, source_id, ts_ns, pid, comm, reason, failed, stack_id, event_id, "
		"cma_alloc_id FROM migration WHERE failed > 0");
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cma_span *sp = span_by_id(spans, column_i64_or(st, 9, 0));
		const char *reason = column_text(st, 5);
		struct attempt_ev *ev;

		if (sp) {
			struct fail *x = cma_fail(f, sp);

			x->failed_migrations++;
			x->failed_pages += sqlite3_column_int64(st, 6);
			continue;
		}
		ev = attempt_add(a);
		ev->what = ATTEMPT_MIGRATION;
		ev->source_id = sqlite3_column_int64(st, 1);
		ev->ts_ns = column_i64_or(st, 2, -1);
		ev->pid = (int32_t)column_i64_or(st, 3, -1);
		ev->comm = keep(f, column_text(st, 4));
		ev->reason = keep(f, reason ? reason : "unknown");
		ev->cls = attempt_class(ev->reason);
		ev->failed = sqlite3_column_int64(st, 6);
		ev->stack_id = column_i64_or(st, 7, 0);
		ev->event_id = column_i64_or(st, 8, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Successful isolation tests outside CMA allocations: the end of an
 * attempt that got its range. */
static int load_successes(struct finder *f, const struct cma_spans *spans,
			  struct attempt_list *a)
{
	sqlite3_stmt *st = pb_store_prepare(f->s,
		"SELECT e.id, e.source_id, e.ts_ns, e.pid, json_extract(pb_fields(e.keyset_id, e.vals), '$.end_pfn'), "
		"json_extract(pb_fields(e.keyset_id, e.vals), '$.fin_pfn') FROM event e "
		"WHERE e.id IN "
		PB_EVENT_IDS_OF("SELECT id FROM name WHERE text LIKE '%:test_pages_isolated'"));
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *end = column_text(st, 4), *fin = column_text(st, 5);
		uint64_t e, fn;
		struct attempt_ev *ev;
		int64_t ts = column_i64_or(st, 2, -1);
		int32_t pid = (int32_t)column_i64_or(st, 3, -1);

		if (!end || !fin || pb_parse_u64(end, strlen(end), &e) < 0 ||
		    pb_parse_u64(fin, strlen(fin), &fn) < 0 || fn < e)
			continue;
		if (inside_cma(spans, sqlite3_column_int64(st, 1), pid, ts))
			continue;
		ev = attempt_add(a);
		ev->what = ATTEMPT_SUCCESS;
		ev->cls = "contig";
		ev->event_id = sqlite3_column_int64(st, 0);
		ev->source_id = sqlite3_column_int64(st, 1);
		ev->ts_ns = ts;
		ev->pid = pid;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int cmp_attempt(const void *a, const void *b)
{
	const struct attempt_ev *x = a, *y = b;
	int c;

	if (x->source_id != y->source_id)
		return x->source_id < y->source_id ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	c = strcmp(x->cls, y->cls);
	if (c)
		return c;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->event_id < y->event_id ? -1 : x->event_id > y->event_id;
}

static void attempt_event(struct fail *x, const struct attempt_ev *ev)
{
	widen(x, ev->ts_ns);
	if (!x->event_id)
		x->event_id = ev->event_id;
	if (!x->stack_id)
		x->stack_id = ev->stack_id;
	if (!x->comm)
		x->comm = ev->comm;
	if (ev->what == ATTEMPT_BUSY) {
		add_range(x, ev->start_pfn, ev->end_pfn);
		add_pfn(x, ev->busy_pfn, ev->range_id, ev->ts_ns, ev->event_id, "isolation");
	} else {
		x->failed_migrations++;
		x->failed_pages += ev->failed;
		/* offlining is a migration failure, not an allocation */
		if (strcmp(ev->reason, "contig_range")) {
			x->kind = "migrate";
			x->reason = ev->reason;
		}
	}
}

/* Cuts the events into attempts: a task's events of one class until a
 * successful isolation test or a pause of ATTEMPT_GAP_NS. */
static void make_attempts(struct finder *f, struct attempt_list *a)
{
	struct fail *x = NULL;

	sort_n(a->v, a->n, sizeof(*a->v), cmp_attempt);
	for (size_t i = 0; i < a->n; i++) {
		const struct attempt_ev *ev = &a->v[i];
		const struct attempt_ev *prev = i ? &a->v[i - 1] : NULL;

		if (x && (prev->source_id != ev->source_id || prev->pid != ev->pid ||
			  strcmp(prev->cls, ev->cls) || ev->ts_ns - prev->ts_ns > ATTEMPT_GAP_NS))
			x = NULL;
		if (ev->what == ATTEMPT_SUCCESS) {
			if (x) {
				x->outcome = "recovered";
				widen(x, ev->ts_ns);
			}
			x = NULL;
			continue;
		}
		if (!x) {
			x = new_fail(f, "alloc_contig");
			x->reason = "contig_range";
			x->source_id = ev->source_id;
			x->pid = ev->pid;
		}
		attempt_event(x, ev);
	}
}

/* First attempt event of the task's class CLS later than TS (A sorted by
 * cmp_attempt). */
static size_t attempt_after(const struct attempt_list *a, int64_t source_id, int32_t pid,
			    const char *cls, int64_t ts)
{
	struct attempt_ev key = { .source_id = source_id, .pid = pid, .cls = cls, .ts_ns = ts,
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

/* A failed cma_alloc is recovered when the same task's fallback gets its
 * range soon after, before the task's next cma_alloc. */
static void cma_outcomes(struct finder *f, const struct cma_spans *spans,
			 const struct attempt_list *a)
{
	for (size_t k = 0; k < spans->n; k++) {
		const struct cma_span *sp = &spans->v[spans->by_task[k]], *next;
		int64_t until;
		struct fail *x;

		if (sp->fail == SIZE_MAX || sp->end_ts_ns < 0)
			continue;
		x = &f->v[sp->fail];
		if (strcmp(x->kind, "cma_alloc"))
			continue;
		until = sp->end_ts_ns + RECOVERY_NS;
		next = k + 1 < spans->n ? &spans->v[spans->by_task[k + 1]] : NULL;
		if (next && next->pid == sp->pid && next->source_id == sp->source_id &&
		    next->start_ts_ns > sp->end_ts_ns && next->start_ts_ns < until)
			until = next->start_ts_ns;
		for (size_t j = attempt_after(a, sp->source_id, sp->pid, "contig", sp->end_ts_ns);
		     j < a->n; j++) {
			const struct attempt_ev *ev = &a->v[j];

			if (ev->source_id != sp->source_id || ev->pid != sp->pid ||
			    strcmp(ev->cls, "contig") || ev->ts_ns >= until)
				break;
			if (ev->what == ATTEMPT_SUCCESS) {
				x->outcome = "recovered";
				break;
			}
		}
	}
}

/* hugetlb asks cma_alloc() not to warn (no_warn=true); so do callers whose
 * stack says so. Unknown otherwise. */
static int hugetlb_stack(struct pb_store *s, int64_t stack_id)
{
	sqlite3_stmt *st;
	int found = 0;

	if (!stack_id)
		return 0;
	st = pb_store_prepare(s,
		"SELECT 1 FROM frame f JOIN symbol y ON y.id = f.symbol_id WHERE f.stack_id = ? "
		"AND y.name IN ('alloc_gigantic_page', 'alloc_fresh_huge_page', "
		"'alloc_pool_huge_page', 'alloc_buddy_huge_page', 'hugetlb_cma_alloc_folio')");
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, stack_id);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* --- records without a task -------------------------------------------- */

/* A record that names a page or range but not always its task. */
struct loose {
	int64_t source_id, ts_ns, event_id, pfn, range_id, start_pfn, end_pfn;
	int64_t group;		/* records grouped by time: the boot of linked
				 * sources, else minus the source's own id */
	int32_t pid;
	const char *how;	/* dump, migrate_failed, pinner_failure, kmsg, cma_busy_retry,
				 * call_trace (a dump_stack() through alloc_contig_range) */
	const char *area;	/* cma_alloc_failed: the area */
	const char *comm;	/* call_trace: the task */
	int64_t stack_id;	/* call_trace */
	const char *caller;	/* call_trace: cma_alloc or alloc_contig, from the stack */
	int64_t count;
	int has_ret;		/* cma_alloc_failed: ret is the error it printed */
	int64_t ret;
};

struct loose_list {
	struct loose *v;
	size_t n, cap;
};

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

static int load_loose(struct finder *f, struct loose_list *l)
{
	/* Dumps for a page that could not be migrated or isolated; the other
	 * dump reasons ("bad page state", ...) say nothing about pinning. */
	sqlite3_stmt *st = pb_store_prepare(f->s,
		"SELECT v.source_id, v.ts_ns, v.event_id, v.pfn, NULL, 'dump', NULL, NULL, NULL, NULL, NULL, NULL "
		"FROM evidence v JOIN event e ON e.id = v.event_id WHERE v.kind = 'dump' "
		"AND (json_extract(pb_fields(e.keyset_id, e.vals), '$.reason') LIKE '%migrat%' "
		"  OR json_extract(pb_fields(e.keyset_id, e.vals), '$.reason') LIKE '%isolat%' "
		"  OR json_extract(pb_fields(e.keyset_id, e.vals), '$.reason') LIKE '%unmovable%') "
		"UNION ALL SELECT source_id, ts_ns, event_id, pfn, pid, 'pinner_failure', NULL, NULL, NULL, NULL, NULL, NULL "
		"FROM evidence WHERE kind IN ('pinner_failure', 'ack_failure') "
		"UNION ALL SELECT e.source_id, e.ts_ns, e.id, json_extract(pb_fields(e.keyset_id, e.vals), '$.pfn'), "
		"e.pid, 'migrate_failed', NULL, NULL, NULL, NULL, NULL, NULL FROM event e WHERE e.id IN "
		PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:migrate_failed'") " "
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
		"AND e.pid IS NOT NULL AND s.folded LIKE '%;alloc_contig_range;%'");
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct loose *r = loose_add(l);
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
		r->how = keep(f, column_text(st, 5));
		r->area = keep(f, column_text(st, 6));
		r->count = column_i64_or(st, 7, -1);
		r->has_ret = sqlite3_column_type(st, 8) != SQLITE_NULL;
		r->ret = sqlite3_column_int64(st, 8);
		r->comm = keep(f, column_text(st, 9));
		r->stack_id = column_i64_or(st, 10, 0);
		r->caller = keep(f, column_text(st, 11));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The failures that have a time window, by start, and the longest window
 * (which grows as records join): a record's candidates are the windows
 * that started at most that long before it. */
struct window_order {
	size_t *v;
	size_t n;
	int64_t longest;
};

static const struct finder *sort_finder;

static int cmp_window(const void *a, const void *b)
{
	const struct fail *x = &sort_finder->v[*(const size_t *)a];
	const struct fail *y = &sort_finder->v[*(const size_t *)b];

	if (x->first_ts_ns != y->first_ts_ns)
		return x->first_ts_ns < y->first_ts_ns ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void order_windows(const struct finder *f, size_t nwindows, struct window_order *o)
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
	sort_finder = f;
	sort_n(o->v, o->n, sizeof(*o->v), cmp_window);
	sort_finder = NULL;
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
		/* times of another boot, or of another clock, say nothing */
		if (!same_boot(boot_of(&f->boots, x->source_id), boot_of(&f->boots, r->source_id)))
			continue;
		if (!strcmp(r->how, "cma_alloc_failed") && strcmp(x->kind, "cma_alloc"))
			continue;
		if (r->pid >= 0 && x->pid >= 0 && r->pid != x->pid)
			continue;
		if (r->area && (!x->area || strcmp(r->area, x->area)))
			continue;
		return x;
	}
	return NULL;
}

static void join_loose(struct fail *x, const struct loose *r)
{
	widen(x, r->ts_ns);
	if (!strcmp(r->how, "cma_alloc_failed")) {
		/* the kernel warned, so the caller did not pass no_warn */
		x->nowarn = 0;
		return;
	}
	if (r->range_id >= 0)
		add_range(x, r->start_pfn, r->end_pfn);
	add_pfn(x, r->pfn, r->range_id, r->ts_ns, r->event_id, r->how);
	if (!strcmp(r->how, "dump") && strcmp(x->kind, "cma_alloc"))
		x->nowarn = 0;	/* alloc_contig_dump_pages() stays quiet with __GFP_NOWARN */
}

static const char *loose_kind(const struct loose *r)
{
	if (!strcmp(r->how, "pinner_failure"))
		return "page_pinner";
	if (!strcmp(r->how, "cma_alloc_failed"))
		return "cma_alloc";
	if (!strcmp(r->how, "kmsg") || !strcmp(r->how, "cma_busy_retry"))
		return "busy_range";
	return "migrate";
}

/* Time order of loose records, events in store order at equal times. */
static int cmp_loose_ts(const struct loose *x, const struct loose *y)
{
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->event_id < y->event_id ? -1 : x->event_id > y->event_id;
}

static int cmp_loose(const void *a, const void *b)
{
	const struct loose *x = a, *y = b;
	int c = strcmp(loose_kind(x), loose_kind(y));

	if (c)
		return c;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return cmp_loose_ts(x, y);
}

/* Kernel log dumps and page_pinner failures close in time are one
 * failure, within one boot (times of two machines, or of two clocks, say
 * nothing of each other); a busy range or an "alloc failed" line is one by
 * itself. */
static int same_loose_failure(const struct loose *prev, const struct loose *r)
{
	const char *kind = loose_kind(r);

	return prev && !strcmp(kind, loose_kind(prev)) && prev->group == r->group &&
	       (!strcmp(kind, "migrate") || !strcmp(kind, "page_pinner")) &&
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
	return (!strcmp(r->how, "dump") || !strcmp(r->how, "pinner_failure") ||
		!strcmp(r->how, "kmsg") || !strcmp(r->how, "call_trace")) &&
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
	struct fail *x = new_fail(f, loose_kind(r));

	x->source_id = r->source_id;
	x->event_id = r->event_id;
	x->pid = r->pid;
	x->area = r->area;
	x->pages = r->count;
	if (!strcmp(r->how, "cma_alloc_failed"))
		x->nowarn = 0;
	return x;
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
		struct loose *r = &l->v[i];
		struct fail *x;

		if (i && r->source_id != l->v[i - 1].source_id)
			from = i;
		if (strcmp(r->how, "cma_alloc_failed") || r->ts_ns < 0)
			continue;
		x = loose_fail(f, r);
		x->ts_ns = r->ts_ns;	/* when it failed; the window opens earlier */
		if (r->has_ret)
			x->errorno = r->ret;
		for (size_t j = from; j < i; j++) {
			if (!l->v[j].how || !alloc_failed_takes(r, &l->v[j]))
				continue;
			if (!strcmp(l->v[j].how, "call_trace"))
				take_task(x, &l->v[j]);
			else
				join_loose(x, &l->v[j]);
			l->v[j].how = NULL;
		}
		join_loose(x, r);
		r->how = NULL;
		from = i + 1;
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].how)
			l->v[n++] = l->v[i];
	l->n = n;
}

/* Records that no failure's window holds become failures of their own. */
static void loose_failures(struct finder *f, struct loose_list *l, size_t nwindows)
{
	const struct loose *prev = NULL, *trace = NULL;
	struct fail *x = NULL;
	struct window_order o;
	size_t n = 0;

	order_windows(f, nwindows, &o);
	for (size_t i = 0; i < l->n; i++) {
		struct fail *w = strcmp(l->v[i].how, "call_trace") ? window_of(f, &l->v[i], &o)
								   : NULL;

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
	alloc_failed_failures(f, l);
	for (size_t i = 0; i < l->n; i++) {
		int64_t boot = boot_of(&f->boots, l->v[i].source_id);

		l->v[i].group = boot > 0 ? boot : -l->v[i].source_id;
	}
	sort_n(l->v, l->n, sizeof(*l->v), cmp_loose);
	for (size_t i = 0; i < l->n; i++) {
		const struct loose *r = &l->v[i];

		/* a call trace names no page: it gives the next dumps a task */
		if (!strcmp(r->how, "call_trace")) {
			trace = r;
			continue;
		}
		if (!same_loose_failure(prev, r)) {
			x = loose_fail(f, r);
			if (trace && !strcmp(r->how, "dump") && trace->source_id == r->source_id &&
			    r->ts_ns >= trace->ts_ns && r->ts_ns - trace->ts_ns <= ATTEMPT_GAP_NS) {
				take_task(x, trace);
				if (trace->caller)
					x->kind = trace->caller;
			}
		}
		prev = r;
		if (!strcmp(r->how, "migrate_failed"))
			x->reason = "memory_hotplug";
		join_loose(x, r);
	}
}

/* kmsg "PFNs busy" ranges and busy retries outside any allocation. */
static void loose_ranges(struct loose_list *l, const struct attempt_list *ranges)
{
	for (size_t i = 0; i < ranges->n; i++) {
		const struct attempt_ev *ev = &ranges->v[i];
		struct loose *r = loose_add(l);

		r->source_id = ev->source_id;
		r->ts_ns = ev->ts_ns;
		r->event_id = ev->event_id;
		r->pid = ev->pid;
		r->range_id = ev->range_id;
		r->start_pfn = ev->start_pfn;
		r->end_pfn = ev->end_pfn;
		r->pfn = ev->busy_pfn;
		r->how = ev->reason;
	}
}

/* --- writing ------------------------------------------------------------ */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

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

static size_t distinct_ranges(struct fail *x)
{
	size_t n = 0;

	sort_n(x->range_starts, x->nranges, sizeof(int64_t), cmp_i64);
	for (size_t i = 0; i < x->nranges; i++)
		n += i == 0 || x->range_starts[i] != x->range_starts[i - 1];
	return n;
}

static void bind_i64(sqlite3_stmt *st, int col, int64_t v, int64_t none)
{
	if (v == none)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_int64(st, col, v);
}

static int write_pfns(sqlite3_stmt *st, struct fail *x)
{
	sort_n(x->pfns, x->npfns, sizeof(*x->pfns), cmp_fpfn);
	for (size_t i = 0; i < x->npfns; i++) {
		const struct fpfn *p = &x->pfns[i];

		if (i && p->pfn == x->pfns[i - 1].pfn)
			continue;
		sqlite3_bind_int64(st, 1, x->id);
		sqlite3_bind_int64(st, 2, p->pfn);
		bind_i64(st, 3, p->busy_range_id, -1);
		bind_i64(st, 4, p->ts_ns, -1);
		bind_i64(st, 5, p->event_id, 0);
		sqlite3_bind_text(st, 6, p->how, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return -1;
		sqlite3_reset(st);
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

static int write_fail(sqlite3_stmt *ins, sqlite3_stmt *pins, struct fail *x)
{
	int64_t busy_ranges = (int64_t)distinct_ranges(x);

	if (x->ts_ns < 0)
		x->ts_ns = x->first_ts_ns;
	if (write_pfns(pins, x) < 0)
		return -1;
	if (x->start_pfn < 0 && x->npfns) {
		x->start_pfn = x->pfns[0].pfn;
		x->end_pfn = x->pfns[x->npfns - 1].pfn + 1;
	}
	sqlite3_bind_int64(ins, 1, x->id);
	sqlite3_bind_int64(ins, 2, x->source_id);
	bind_i64(ins, 3, x->ts_ns, -1);
	sqlite3_bind_text(ins, 4, x->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 5, x->area, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, x->reason, -1, SQLITE_STATIC);
	bind_i64(ins, 7, x->start_pfn, -1);
	bind_i64(ins, 8, x->end_pfn, -1);
	sqlite3_bind_int64(ins, 9, failure_pages(x));
	bind_i64(ins, 10, x->pid, -1);
	sqlite3_bind_text(ins, 11, x->comm, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 12, x->outcome, -1, SQLITE_STATIC);
	bind_i64(ins, 13, x->nowarn, -1);
	bind_i64(ins, 14, x->cma_alloc_id, 0);
	bind_i64(ins, 15, x->event_id, 0);
	bind_i64(ins, 16, x->end_ts_ns, -1);
	bind_i64(ins, 17, x->stack_id, 0);
	sqlite3_bind_int64(ins, 18, busy_ranges);
	sqlite3_bind_int64(ins, 19, x->failed_migrations);
	bind_i64(ins, 20, x->errorno, -1);
	bind_i64(ins, 21, x->first_ts_ns, -1);
	if (sqlite3_step(ins) != SQLITE_DONE)
		return -1;
	sqlite3_reset(ins);
	return 0;
}

static int write_all(struct finder *f)
{
	sqlite3_stmt *ins = pb_store_prepare(f->s,
		"INSERT INTO failure(id, source_id, ts_ns, kind, area, reason, start_pfn, "
		"end_pfn, pages, pid, comm, outcome, nowarn, cma_alloc_id, event_id, end_ts_ns, "
		"stack_id, busy_ranges, failed_migrations, errorno, start_ts_ns) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *pins = pb_store_prepare(f->s,
		"INSERT INTO failure_pfn(failure_id, pfn, busy_range_id, ts_ns, event_id, how) "
		"VALUES (?, ?, ?, ?, ?, ?)");
	int rc = ins && pins ? 0 : -1;

	sort_n(f->v, f->n, sizeof(*f->v), cmp_fail);
	for (size_t i = 0; rc == 0 && i < f->n; i++) {
		f->v[i].id = (int64_t)i + 1;
		rc = write_fail(ins, pins, &f->v[i]);
	}
	if (rc < 0 && ins && pins)
		pb_error("%s: failures: %s", pb_store_path(f->s),
			 sqlite3_errmsg(pb_store_db(f->s)));
	sqlite3_finalize(ins);
	sqlite3_finalize(pins);
	return rc;
}

static void finder_free(struct finder *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].pfns);
		free(f->v[i].range_starts);
	}
	free(f->v);
	free(f->boots.of);
	pb_arena_free(&f->strings);
}

static void mark_nowarn(struct finder *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct fail *x = &f->v[i];

		if (x->nowarn < 0 && x->cma_alloc_id && hugetlb_stack(f->s, x->stack_id))
			x->nowarn = 1;
	}
}

int find_failures(struct pb_store *s)
{
	struct finder f = { .s = s };
	struct cma_spans spans = { 0 };
	struct attempt_list attempts = { 0 }, ranges = { 0 };
	struct loose_list loose = { 0 };
	int rc = -1;

	if (load_boots(s, &f.boots) < 0 || load_cma(&f, &spans) < 0)
		goto out;
	order_spans(&spans);
	if (load_busy(&f, &spans, &attempts, &ranges) < 0 ||
	    load_migrations(&f, &spans, &attempts) < 0 ||
	    load_successes(&f, &spans, &attempts) < 0 || load_loose(&f, &loose) < 0)
		goto out;
	make_attempts(&f, &attempts);
	cma_outcomes(&f, &spans, &attempts);
	loose_ranges(&loose, &ranges);
	loose_failures(&f, &loose, f.n);
	mark_nowarn(&f);
	rc = write_all(&f);
out:
	free(spans.v);
	free(spans.by_task);
	free(attempts.v);
	free(ranges.v);
	free(loose.v);
	finder_free(&f);
	return rc;
}
