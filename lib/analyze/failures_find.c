/* failures_find.c - the failures and their busy pages (doc/DESIGN.md):
 * CMA allocations (failures_cma.c), contiguous allocations outside CMA and
 * other failed migrations (failures_attempts.c), and records without a
 * task (failures_loose.c), written in time order (failures_write.c).
 */
#include <string.h>

#include "failures_int.h"

static const char *const fail_kind_names[] = {
	[FAIL_ALLOC_CONTIG] = "alloc_contig",
	[FAIL_BUSY_RANGE] = "busy_range",
	[FAIL_CMA_ALLOC] = "cma_alloc",
	[FAIL_MIGRATE] = "migrate",
	[FAIL_PAGE_PINNER] = "page_pinner",
};

static const char *const pfn_how_names[] = {
	[HOW_ISOLATION] = "isolation",
	[HOW_DUMP] = "dump",
	[HOW_MIGRATE_FAILED] = "migrate_failed",
	[HOW_PINNER_FAILURE] = "pinner_failure",
	[HOW_KMSG] = "kmsg",
	[HOW_CMA_BUSY_RETRY] = "cma_busy_retry",
	[HOW_CMA_ALLOC_FAILED] = "cma_alloc_failed",
	[HOW_CALL_TRACE] = "call_trace",
	[HOW_DRIVER_FAILED] = "driver_failed",
};

const char *fail_kind_name(enum fail_kind k)
{
	return fail_kind_names[k];
}

const char *fail_outcome_name(enum fail_outcome o)
{
	return o == OUTCOME_RECOVERED ? "recovered" : o == OUTCOME_UNKNOWN ? "unknown" : "final";
}

const char *pfn_how_name(enum pfn_how h)
{
	return pfn_how_names[h];
}

/* busy_range.kind, as the import writes it (lib/store/typed.c). */
int busy_kind_how(const char *kind, enum pfn_how *h)
{
	static const enum pfn_how busy[] = { HOW_ISOLATION, HOW_KMSG, HOW_CMA_BUSY_RETRY };

	for (size_t i = 0; kind && i < sizeof(busy) / sizeof(busy[0]); i++) {
		if (!strcmp(kind, pfn_how_name(busy[i]))) {
			*h = busy[i];
			return 0;
		}
	}
	return -1;
}

const char *finder_keep(struct finder *f, const char *text)
{
	return text ? pb_arena_strdup(&f->strings, text) : NULL;
}

struct fail *fail_new(struct finder *f, enum fail_kind kind)
{
	struct fail *x;

	PB_GROW(f->v, f->n + 1, f->cap);
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->outcome = OUTCOME_FINAL;
	x->nowarn = -1;
	x->pid = -1;
	x->ts_ns = x->first_ts_ns = x->end_ts_ns = -1;
	x->start_pfn = x->end_pfn = x->pages = x->errorno = -1;
	return x;
}

void fail_add_pfn(struct fail *x, int64_t pfn, int64_t range_id, int64_t ts,
		  int64_t event_id, enum pfn_how how)
{
	const struct fpfn *last = x->npfns ? &x->pfns[x->npfns - 1] : NULL;

	if (pfn < 0)
		return;
	/* A page is written once, with its earliest report (the first of
	 * equal ones): a repeat of the last page no earlier than it cannot be
	 * that one, and keeping it would grow with every repeated event. */
	if (last && last->pfn == pfn && last->ts_ns <= ts)
		return;
	PB_GROW(x->pfns, x->npfns + 1, x->cappfns);
	x->pfns[x->npfns++] = (struct fpfn){ pfn, range_id, ts, event_id, how };
}

static int cmp_range(const void *a, const void *b)
{
	const struct frange *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

size_t fail_distinct_ranges(struct fail *x)
{
	size_t n = 0;

	sort_n(x->ranges, x->nranges, sizeof(*x->ranges), cmp_range);
	for (size_t i = 0; i < x->nranges; i++)
		if (!n || cmp_range(&x->ranges[i], &x->ranges[n - 1]))
			x->ranges[n++] = x->ranges[i];
	x->nranges = n;
	return n;
}

/* Only distinct ranges are counted (two ranges from one start pfn, as
 * "PFNs busy" lines print them, are two): a repeat of the last is not
 * kept, and a full list keeps each range once before it grows (a retry
 * loop walks the same few ranges for as long as it runs: millions of
 * "PFNs busy" lines of a kernel log are a few ranges). */
static void fail_keep_range(struct fail *x, int64_t start, int64_t end)
{
	const struct frange *last = x->nranges ? &x->ranges[x->nranges - 1] : NULL;

	if (last && last->start == start && last->end == end)
		return;
	if (x->nranges && x->nranges == x->capranges) {
		fail_distinct_ranges(x);
		/* room for as many again, so that lists of distinct ranges
		 * are not sorted at each range added */
		PB_GROW(x->ranges, x->nranges * 2, x->capranges);
	}
	PB_GROW(x->ranges, x->nranges + 1, x->capranges);
	x->ranges[x->nranges++] = (struct frange){ start, end };
}

void fail_add_range(struct fail *x, int64_t start, int64_t end)
{
	fail_keep_range(x, start, end);
	if (start >= 0 && (x->start_pfn < 0 || start < x->start_pfn))
		x->start_pfn = start;
	if (end > x->end_pfn)
		x->end_pfn = end;
}

void fail_widen(struct fail *x, int64_t ts)
{
	if (ts < 0)
		return;
	if (x->first_ts_ns < 0 || ts < x->first_ts_ns)
		x->first_ts_ns = ts;
	if (ts > x->end_ts_ns)
		x->end_ts_ns = ts;
}

static void finder_free(struct finder *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].pfns);
		free(f->v[i].ranges);
	}
	free(f->v);
	boots_free(&f->boots);
	free(f->tick_sources);
	pb_arena_free(&f->strings);
}

static void tick_source_row(sqlite3_stmt *st, void *ctx)
{
	struct finder *f = ctx;

	PB_GROW(f->tick_sources, f->ntick_sources + 1, f->captick_sources);
	f->tick_sources[f->ntick_sources++] = sqlite3_column_int64(st, 0);
}

/* The sources whose clock counts ticks: a store holds few sources, and
 * fewer of them on such a clock, so a list does. */
static int load_tick_sources(struct finder *f)
{
	return sql_rows_each(f->s, "SELECT id FROM source WHERE clock IS 'counter' ORDER BY id",
			     tick_source_row, f);
}

int source_ticks(const struct finder *f, int64_t source_id)
{
	for (size_t i = 0; i < f->ntick_sources; i++)
		if (f->tick_sources[i] == source_id)
			return 1;
	return 0;
}

/* Everything the failures are made of, loaded into F and the lists. */
static int load_all(struct finder *f, struct cma_spans *spans, struct attempt_list *attempts,
		    struct loose_list *loose)
{
	if (load_boots(f->s, &f->boots) < 0 || load_tick_sources(f) < 0 ||
	    load_cma(f, spans) < 0)
		return -1;
	order_spans(spans);
	if (load_successes(f, spans, attempts) < 0)
		return -1;
	sort_attempts(attempts);
	/* the loose records first: busy ranges join them in that order */
	if (load_loose(f, loose) < 0 || load_busy(f, spans, attempts, loose) < 0 ||
	    load_migrations(f, spans, attempts) < 0)
		return -1;
	return 0;
}

int find_failures(struct pb_store *s)
{
	struct finder f = { .s = s };
	struct cma_spans spans = { 0 };
	struct attempt_list attempts = { 0 };
	struct loose_list loose = { 0 };
	int rc = load_all(&f, &spans, &attempts, &loose);

	if (rc == 0) {
		claim_whole_spans(&f, &spans, &attempts);
		make_attempts(&f, &attempts);
		cma_outcomes(&f, &spans, &attempts);
		rc = loose_failures(&f, &loose, f.n);
		if (rc == 0)
			rc = offline_blocks(&f);
		if (rc == 0)
			rc = mark_nowarn(&f);
		if (rc == 0)
			rc = name_cma_areas(&f);
	}
	if (rc == 0)
		rc = write_all(&f);
	free(spans.v);
	free(spans.by_task);
	free(attempts.v);
	if (loose_end(&loose) < 0)
		rc = -1;
	finder_free(&f);
	return rc;
}
