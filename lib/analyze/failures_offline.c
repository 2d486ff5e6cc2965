/* failures_offline.c - a memory block that would not go offline.
 *
 * offline_pages() says which block it gave up on and why (mm/memory_hotplug.c:
 * "memory offlining [mem %#010llx-%#010llx] failed due to %s", the physical
 * range to its last byte; 4.x without " due to %s"; 3.x "memory offlining
 * %lx to %lx failed" in pfns; doc/FORMATS.md section 2.2). A failed
 * offlining is a failed contiguous allocation of that block: offlining
 * must empty every page of it, as alloc_contig_range() must.
 *
 * The pages it could not move come before the line: do_migrate_range()'s
 * "migrating pfn %lx failed ret:%d" and "failed to isolate pfn %lx" with a
 * dump, the trace's failed migrations of reason memory_hotplug, or the
 * dump of the page that kept the block from being isolated ("unmovable
 * page", set_migratetype_isolate()); those are a failure of their own
 * (failures_loose_group.c), and the line gives it the block as its range,
 * as a cma_alloc() failure has the range it tried: the latest such failure
 * of the line's boot, at or before the line, whose busy pages lie in the
 * block, and that no earlier line took. A line that finds none (its pages
 * went unprinted: a 4.x kernel without CONFIG_DEBUG_VM, a ratelimit, a
 * log cut before them) is a failure by itself, of the block and no page.
 */
#include <string.h>

#include "failures_int.h"

struct offline_line {
	int64_t source_id, ts_ns, event_id;
	uint64_t start, end;	/* [start, end]: bytes, or pfns when PFNS */
	int pfns;
	int64_t page_size;	/* of the line's kernel (page_size_of()), 0 when
				 * not known */
	int64_t after_id;	/* the event of its log's offlining line before
				 * it, 0 when none: its attempt began after it */
};

/* Per source: the page size under which a line placed its block (0:
 * none yet), and the event of its last offlining line. */
struct learned_size {
	int64_t source_id, page_size, last_line_id;
};

/* The finder; which of its failures a line has taken (by index): a later
 * line of the same block is another offlining that failed; the lines that
 * took none, made failures once every line has been placed; the page
 * sizes that placing taught. */
struct offline_pass {
	struct finder *f;
	unsigned char *taken;
	size_t ntaken;
	struct offline_line *waiting;
	size_t nwaiting, capwaiting;
	struct learned_size *learned;
	size_t nlearned, caplearned;
};

/* Whether every busy page of X lies in [LO, HI). */
static int pages_within(const struct fail *x, int64_t lo, int64_t hi)
{
	for (size_t i = 0; i < x->npfns; i++)
		if (x->pfns[i].pfn < lo || x->pfns[i].pfn >= hi)
			return 0;
	return x->npfns > 0;
}

/* The block of line L in pfns, as the pages of X place it (the page size
 * under which it holds them all: offline_block_pfns()): 0, or -1 when no
 * page size does. */
static int block_of(const struct offline_line *l, const struct fail *x, int64_t *lo, int64_t *hi)
{
	if (l->pfns) {
		*lo = (int64_t)l->start;
		*hi = (int64_t)l->end;
		return pages_within(x, *lo, *hi) ? 0 : -1;
	}
	for (size_t i = 0; i < OFFLINE_PAGE_SIZES; i++) {
		offline_block_pfns(l->start, l->end, i, lo, hi);
		if (pages_within(x, *lo, *hi))
			return 0;
	}
	return -1;
}

/* Whether failure X may be what offlining line L gave up on: failed
 * migrations of memory hotplug, or a dump of no reason of its own (the
 * "unmovable page" of set_migratetype_isolate(), which only offlining
 * asks to print: REPORT_FAILURE), of the line's boot, at or before it. */
static int offline_candidate(struct finder *f, const struct fail *x, const struct offline_line *l)
{
	return x->kind == FAIL_MIGRATE && (!x->reason || !strcmp(x->reason, "memory_hotplug")) &&
	       same_boot(boot_of(&f->boots, x->source_id), boot_of(&f->boots, l->source_id)) &&
	       (l->ts_ns < 0 || x->ts_ns < 0 || x->ts_ns <= l->ts_ns);
}

/* The block of line L in pfns when no page places it: by the page size
 * of its kernel, its own or its boot's (a log without its banner beside
 * the trace of its boot), else 4 KiB (x86's, s390's and most arm64
 * kernels'): pfn_shift(). */
static void block_by_page_size(const struct offline_line *l, int64_t *lo, int64_t *hi)
{
	unsigned shift = pfn_shift(l->page_size);

	if (l->pfns) {
		*lo = (int64_t)l->start;
		*hi = (int64_t)l->end;
		return;
	}
	*lo = (int64_t)(l->start >> shift);
	*hi = (int64_t)((l->end + 1) >> shift);
}

/* The block of line L as failure X would have it: placed by its pages,
 * or by the page size when it has none (a trace's failed migrations of
 * memory_hotplug name no page). 0, or -1 when its pages lie outside. */
static int block_for(const struct offline_line *l, const struct fail *x, int64_t *lo, int64_t *hi)
{
	if (x->npfns)
		return block_of(l, x, lo, hi);
	block_by_page_size(l, lo, hi);
	return 0;
}

/* Line L as a failure by itself: the offlining of its block (its pages,
 * if its log printed any, from attempt_pages()). */
static void offline_failure(struct finder *f, const struct offline_line *l)
{
	struct fail *x = fail_new(f, FAIL_MIGRATE);

	x->reason = "memory_hotplug";
	x->source_id = l->source_id;
	x->ts_ns = l->ts_ns;
	x->event_id = l->event_id;
	fail_widen(x, l->ts_ns);
	block_by_page_size(l, &x->start_pfn, &x->end_pfn);
}

/* Marks failure I of P's finder as taken by a line. */
static void take(struct offline_pass *p, size_t i)
{
	size_t n = p->f->n;

	if (i >= p->ntaken) {
		p->taken = pb_realloc(p->taken, n);
		memset(p->taken + p->ntaken, 0, n - p->ntaken);
		p->ntaken = n;
	}
	p->taken[i] = 1;
}

/* What P learned of source SOURCE_ID, made on first use. */
static struct learned_size *learned_of(struct offline_pass *p, int64_t source_id)
{
	for (size_t i = 0; i < p->nlearned; i++)
		if (p->learned[i].source_id == source_id)
			return &p->learned[i];
	PB_GROW(p->learned, p->nlearned + 1, p->caplearned);
	p->learned[p->nlearned] = (struct learned_size){ source_id, 0, 0 };
	return &p->learned[p->nlearned++];
}

/* Notes the page size under which line L's block [LO, HI) in pfns held
 * the pages of a failure: the other lines of its log are of that kernel. */
static void learn_page_size(struct offline_pass *p, const struct offline_line *l, int64_t lo,
			    int64_t hi)
{
	struct learned_size *ls;

	if (l->pfns || l->page_size || hi <= lo)
		return;
	ls = learned_of(p, l->source_id);
	if (!ls->page_size)
		ls->page_size = (int64_t)((l->end + 1 - l->start) / (uint64_t)(hi - lo));
}

/* Gives line L's block to the failure it ended: 1, or 0 when none. */
static int place_offline_line(struct offline_pass *p, const struct offline_line *l)
{
	struct finder *f = p->f;
	size_t best = SIZE_MAX;
	int64_t lo = -1, hi = -1;

	for (size_t i = 0; i < f->n; i++) {
		struct fail *x = &f->v[i];
		int64_t a, b;

		if ((i >= p->ntaken || !p->taken[i]) && offline_candidate(f, x, l) &&
		    block_for(l, x, &a, &b) == 0 && (best == SIZE_MAX || x->ts_ns > f->v[best].ts_ns)) {
			best = i;
			lo = a;
			hi = b;
		}
	}
	if (best == SIZE_MAX)
		return 0;
	/* the block offlining tried, in place of the pages' own span */
	f->v[best].start_pfn = lo;
	f->v[best].end_pfn = hi;
	f->v[best].reason = "memory_hotplug";
	if (f->v[best].npfns)
		learn_page_size(p, l, lo, hi);
	take(p, best);
	return 1;
}

/* The pages of its block that the log of line L names between the
 * offlining line before it and L: the dumps of pages offlining could not
 * isolate or migrate, and do_migrate_range()'s lines. A line whose pages
 * an earlier attempt's failure took (the records of both, close in time,
 * are one there) still has its own. */
static const char attempt_pages_sql[] =
	"SELECT v.pfn, v.ts_ns, v.event_id, 1 FROM evidence v JOIN event e ON e.id = v.event_id "
	"WHERE v.kind = 'dump' AND v.source_id = :source_id AND v.pfn >= :lo AND v.pfn < :hi "
	"AND v.event_id > :after AND v.event_id < :line "
	"AND (pb_field(e.keyset_id, e.vals, 'reason') LIKE '%isolat%' "
	"  OR pb_field(e.keyset_id, e.vals, 'reason') LIKE '%unmovable%' "
	"  OR pb_field(e.keyset_id, e.vals, 'reason') LIKE '%migrat%' "
	"  OR pb_field(e.keyset_id, e.vals, 'reason') LIKE '%LRU%') "
	"UNION ALL SELECT pb_field(e.keyset_id, e.vals, 'pfn'), e.ts_ns, e.id, 0 FROM event e "
	"WHERE e.id > :after AND e.id < :line AND e.source_id = :source_id AND e.id IN "
	PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:migrate_failed'")
	" ORDER BY 1, 2";

/* Adds to X, the failure of line L, the pages of its attempt. 0 or -1. */
static int attempt_pages(struct pb_store *s, sqlite3_stmt *st, struct fail *x,
			 const struct offline_line *l)
{
	int rc;

	pb_store_bind_int64(st, ":source_id", l->source_id);
	pb_store_bind_int64(st, ":lo", x->start_pfn);
	pb_store_bind_int64(st, ":hi", x->end_pfn);
	pb_store_bind_int64(st, ":after", l->after_id);
	pb_store_bind_int64(st, ":line", l->event_id);
	while ((rc = pb_store_step(s, st)) > 0) {
		uint64_t pfn;

		if (column_u64(st, 0, &pfn) || (int64_t)pfn < x->start_pfn ||
		    (int64_t)pfn >= x->end_pfn)
			continue;
		fail_add_pfn(x, (int64_t)pfn, -1, column_i64_or(st, 1, -1),
			     sqlite3_column_int64(st, 2),
			     sqlite3_column_int(st, 3) ? HOW_DUMP : HOW_MIGRATE_FAILED);
		fail_widen(x, column_i64_or(st, 1, -1));
	}
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

/* The lines that took no failure, each a failure by itself, in pfns of
 * its kernel's page size or, when neither its source nor its boot says
 * it, of the one another line of its log placed its pages by; with its
 * attempt's pages. 0 or -1. */
static int offline_failures(struct offline_pass *p)
{
	sqlite3_stmt *st = p->nwaiting ? pb_store_prepare(p->f->s, attempt_pages_sql) : NULL;
	int rc = p->nwaiting && !st ? -1 : 0;

	for (size_t i = 0; rc == 0 && i < p->nwaiting; i++) {
		struct offline_line *l = &p->waiting[i];

		if (!l->page_size)
			l->page_size = learned_of(p, l->source_id)->page_size;
		offline_failure(p->f, l);
		rc = attempt_pages(p->f->s, st, &p->f->v[p->f->n - 1], l);
	}
	pb_store_finalize(st);
	return rc;
}

static void offline_line(struct offline_pass *p, struct offline_line *l)
{
	struct learned_size *ls = learned_of(p, l->source_id);

	l->after_id = ls->last_line_id;
	ls->last_line_id = l->event_id;
	if (place_offline_line(p, l))
		return;
	PB_GROW(p->waiting, p->nwaiting + 1, p->capwaiting);
	p->waiting[p->nwaiting++] = *l;
}

static void offline_row(sqlite3_stmt *st, void *ctx)
{
	struct offline_pass *p = ctx;
	struct offline_line l = { .source_id = sqlite3_column_int64(st, 0),
				  .ts_ns = column_i64_or(st, 1, -1),
				  .event_id = sqlite3_column_int64(st, 6) };

	l.page_size = page_size_of(&p->f->boots, l.source_id);
	if (column_u64(st, 2, &l.start) == 0 && column_u64(st, 3, &l.end) == 0 && l.end > l.start) {
		offline_line(p, &l);
		return;
	}
	l.pfns = 1;
	if (column_u64(st, 4, &l.start) == 0 && column_u64(st, 5, &l.end) == 0 && l.end > l.start)
		offline_line(p, &l);
}

/* The lines in the order of the logs: a line takes the failure before it
 * that no earlier line took; the lines that took none are failures. */
int offline_blocks(struct finder *f)
{
	struct offline_pass p = { .f = f };
	int rc = sql_rows_each(f->s,
		"SELECT e.source_id, e.ts_ns, pb_field(e.keyset_id, e.vals, 'start_addr'), "
		"pb_field(e.keyset_id, e.vals, 'end_addr'), pb_field(e.keyset_id, e.vals, 'start_pfn'), "
		"pb_field(e.keyset_id, e.vals, 'end_pfn'), e.id FROM event e WHERE e.id IN "
		PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:offline_failed'")
		" ORDER BY e.id",
		offline_row, &p);

	if (rc == 0)
		rc = offline_failures(&p);
	free(p.taken);
	free(p.waiting);
	free(p.learned);
	return rc;
}
