/* failures_offline.c - a memory block that would not go offline.
 *
 * offline_pages() says which block it gave up on and why (mm/memory_hotplug.c:
 * "memory offlining [mem %#010llx-%#010llx] failed due to %s", the physical
 * range to its last byte; 3.x "memory offlining %lx to %lx failed" in pfns;
 * doc/FORMATS.md section 2.2) after do_migrate_range() failed on the pages
 * of it ("migrating pfn %lx failed ret:%d", a dump). Those pages, or the
 * trace's failed migrations of reason memory_hotplug, are a failure of
 * their own (failures_loose_group.c); this line gives it the block it was
 * offlining, as a cma_alloc() failure has the range it tried: the latest
 * memory-hotplug failure of the line's boot, at or before the line, whose
 * busy pages lie in the block.
 */
#include <string.h>

#include "failures_int.h"

struct offline_line {
	int64_t source_id, ts_ns;
	uint64_t start, end;	/* [start, end]: bytes, or pfns when PFNS */
	int pfns;
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

static int offline_candidate(struct finder *f, const struct fail *x, const struct offline_line *l)
{
	return x->kind == FAIL_MIGRATE && x->reason && !strcmp(x->reason, "memory_hotplug") &&
	       same_boot(boot_of(&f->boots, x->source_id), boot_of(&f->boots, l->source_id)) &&
	       (l->ts_ns < 0 || x->ts_ns < 0 || x->ts_ns <= l->ts_ns);
}

/* Gives line L's block to the failure it ended, if any. */
static void place_offline_line(struct finder *f, const struct offline_line *l)
{
	struct fail *best = NULL;
	int64_t lo = -1, hi = -1;

	for (size_t i = 0; i < f->n; i++) {
		struct fail *x = &f->v[i];
		int64_t a, b;

		if (offline_candidate(f, x, l) && block_of(l, x, &a, &b) == 0 &&
		    (!best || x->ts_ns > best->ts_ns)) {
			best = x;
			lo = a;
			hi = b;
		}
	}
	if (!best)
		return;
	/* the block offlining tried, in place of the pages' own span */
	best->start_pfn = lo;
	best->end_pfn = hi;
}

static void offline_row(sqlite3_stmt *st, void *ctx)
{
	struct finder *f = ctx;
	struct offline_line l = { .source_id = sqlite3_column_int64(st, 0),
				  .ts_ns = column_i64_or(st, 1, -1) };

	if (column_u64(st, 2, &l.start) == 0 && column_u64(st, 3, &l.end) == 0 && l.end > l.start) {
		place_offline_line(f, &l);
		return;
	}
	l.pfns = 1;
	if (column_u64(st, 4, &l.start) == 0 && column_u64(st, 5, &l.end) == 0 && l.end > l.start)
		place_offline_line(f, &l);
}

int offline_blocks(struct finder *f)
{
	return sql_rows_each(f->s,
		"SELECT e.source_id, e.ts_ns, pb_field(e.keyset_id, e.vals, 'start_addr'), "
		"pb_field(e.keyset_id, e.vals, 'end_addr'), pb_field(e.keyset_id, e.vals, 'start_pfn'), "
		"pb_field(e.keyset_id, e.vals, 'end_pfn') FROM event e WHERE e.id IN "
		PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:offline_failed'"),
		offline_row, f);
}
