/* cma_areas.c - the area of a CMA failure that its trace does not name.
 *
 * Before 5.13 the cma_alloc event prints no area ("pfn=%lx page=%p
 * count=%u align=%u"), nor does the kernel log's "alloc failed" line. The
 * same boot's log declares the areas (kmsg "cma_area" records,
 * lib/parse/kmsg_area.c): a failure with no area whose pfns lie in one of
 * them takes its name. The log names a device-tree pool (its node) and a
 * hugetlb_cma area ("hugetlb%d"); the global area of "cma=" is declared by
 * dma_contiguous_reserve_area() with the name "reserved" since the series
 * that gave CMA areas names (4.16), a line that does not say it: an area
 * of "cma: Reserved" with no other such line in its log is that one. Any
 * other is "cma@0x" and its base address. An area named by the trace is
 * kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failures_int.h"

struct cma_area {
	int64_t source_id;
	uint64_t base, bytes;	/* physical address, size */
	const char *name;	/* NULL: named by what declared it */
	int declared;		/* "cma: Reserved" (by cma) with no name */
	const char *release;	/* of its source's kernel, NULL if unknown */
};

struct area_list {
	struct finder *f;
	struct cma_area *v;
	size_t n, cap;
	int64_t *page_size;	/* by source id, 0 when unknown */
	size_t npage_size, cap_page_size;
};

static void area_row(sqlite3_stmt *st, void *ctx)
{
	struct area_list *a = ctx;
	uint64_t base, mib;
	const char *by = column_text(st, 4);
	struct cma_area *x;

	if (column_u64(st, 1, &base) || column_u64(st, 2, &mib) || !mib || mib > (1ULL << 40))
		return;
	PB_GROW(a->v, a->n + 1, a->cap);
	x = &a->v[a->n++];
	x->source_id = sqlite3_column_int64(st, 0);
	x->base = base;
	x->bytes = mib << 20;
	x->name = finder_keep(a->f, column_text(st, 3));
	x->declared = !x->name && by && !strcmp(by, "cma");
	x->release = finder_keep(a->f, column_text(st, 5));
}

static void page_size_row(sqlite3_stmt *st, void *ctx)
{
	struct area_list *a = ctx;
	int64_t id = sqlite3_column_int64(st, 0);

	if (id < 0)
		return;
	if ((size_t)id >= a->npage_size) {
		PB_GROW(a->page_size, (size_t)id + 1, a->cap_page_size);
		memset(a->page_size + a->npage_size, 0,
		       ((size_t)id + 1 - a->npage_size) * sizeof(*a->page_size));
		a->npage_size = (size_t)id + 1;
	}
	a->page_size[id] = column_i64_or(st, 1, 0);
}

/* The page shift of SOURCE's kernel: its page_size, else 4096's. */
static unsigned page_shift_of(const struct area_list *a, int64_t source_id)
{
	int64_t size = source_id >= 0 && (size_t)source_id < a->npage_size
			       ? a->page_size[source_id] : 0;
	unsigned shift = 12;

	if (size > 0 && !(size & (size - 1)))
		for (shift = 0; (1LL << shift) < size; shift++)
			;
	return shift;
}

/* The name of an area its log did not name: "reserved" for the global one
 * (the only "cma: Reserved" area of a log of a kernel that names it), else
 * "cma@0x" and its base. */
static void default_names(struct area_list *a)
{
	char buf[32];

	for (size_t i = 0; i < a->n; i++) {
		struct cma_area *x = &a->v[i];
		size_t alike = 0;

		if (x->name)
			continue;
		for (size_t j = 0; x->declared && j < a->n; j++)
			alike += a->v[j].declared && a->v[j].source_id == x->source_id;
		if (alike == 1 && pb_release_at_least(x->release, 4, 16) == 1) {
			x->name = "reserved";
			continue;
		}
		snprintf(buf, sizeof(buf), "cma@0x%llx", (unsigned long long)x->base);
		x->name = finder_keep(a->f, buf);
	}
}

static int load_areas(struct area_list *a)
{
	int rc = sql_rows_each(a->f->s,
		"SELECT e.source_id, pb_field(e.keyset_id, e.vals, 'base'), "
		"pb_field(e.keyset_id, e.vals, 'size_mib'), pb_field(e.keyset_id, e.vals, 'name'), "
		"pb_field(e.keyset_id, e.vals, 'by'), s.kernel "
		"FROM event e JOIN source s ON s.id = e.source_id WHERE e.id IN "
		PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:cma_area'") " ORDER BY e.id",
		area_row, a);

	if (rc < 0 || !a->n)
		return rc;
	default_names(a);
	return sql_rows_each(a->f->s, "SELECT id, page_size FROM source ORDER BY id",
			     page_size_row, a);
}

/* Whether area X is of the boot of failure F's source: the same log, or
 * a log imported with it (the same sources.boot; a source imported alone
 * goes with no other here, as another boot may place its areas
 * elsewhere). */
static int area_of_boot(const struct finder *f, const struct cma_area *x, int64_t source_id)
{
	int64_t b = boot_of(&f->boots, source_id);

	return x->source_id == source_id || (b > 0 && b == boot_of(&f->boots, x->source_id));
}

/* The area that holds X's pfns: the last one of the log (the records have
 * no time: a log of several boots declares them again, mostly the same);
 * NULL when none. */
static const struct cma_area *area_holding(const struct area_list *a, const struct fail *x)
{
	unsigned shift = page_shift_of(a, x->source_id);
	const struct cma_area *best = NULL;

	for (size_t i = 0; i < a->n; i++) {
		const struct cma_area *ar = &a->v[i];
		int64_t start = (int64_t)(ar->base >> shift);
		int64_t end = start + (int64_t)(ar->bytes >> shift);

		if (!area_of_boot(a->f, ar, x->source_id) || x->start_pfn < start ||
		    x->end_pfn > end)
			continue;
		best = ar;
	}
	return best;
}

int name_cma_areas(struct finder *f)
{
	struct area_list a = { .f = f };
	int rc = load_areas(&a);

	for (size_t i = 0; rc == 0 && i < f->n && a.n; i++) {
		struct fail *x = &f->v[i];
		const struct cma_area *ar;

		if (x->area || (x->kind != FAIL_CMA_ALLOC && !x->cma_alloc_id) ||
		    x->start_pfn < 0 || x->end_pfn <= x->start_pfn)
			continue;
		ar = area_holding(&a, x);
		if (ar)
			x->area = ar->name;
	}
	free(a.v);
	free(a.page_size);
	return rc;
}
